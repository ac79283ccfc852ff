import Fluent
import Foundation
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// 亮码评价: ratings and opinions from the public page, the unit's inbox, the office's marks.
final class FeedbackTests: XCTestCase {
    func testCitizensRateUnitsAnswerAndOfficesMark() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let page = "/p/\(project)/\(shaodong)"
            let citizen = TestBrowser(app)
            let form = try await citizen.get(page)
            XCTAssertTrue(form.body.contains("action=\"\(page)/feedback#feedback\""), "the form is on the page")

            // an opinion with a rating and a phone number; SQL meta-characters are stored as typed
            let text = "学校门口早晚高峰拥堵'; DROP TABLE feedback; -- 建议增设临时停车区"
            let sent = try await citizen.post("\(page)/feedback", [("rating", "basic"), ("text", text), ("phone", "138 1234 5678")], csrf: false)
            // accepted: back to the page (post/redirect/get), which thanks the sender
            XCTAssertEqual(sent.status, .seeOther)
            XCTAssertEqual(sent.headers.first(name: .location), "\(page)?sent=opinion#feedback")
            let thanked = try await citizen.get("\(page)?sent=opinion")
            XCTAssertTrue(thanked.body.contains("感谢您的意见建议"))
            XCTAssertEqual(thanked.headers.first(name: .cacheControl), "no-store")
            let plain = try await citizen.get(page)
            XCTAssertFalse(plain.body.contains("感谢您的意见建议"), "the plain page thanks no one")
            let stored = try await XCTUnwrapAsync(try await Feedback.query(on: app.db).first())
            XCTAssertEqual(stored.body, text)
            XCTAssertEqual(stored.phone, "13812345678")
            XCTAssertEqual(stored.ratingValue, .basic)
            let publicPage = try await TestBrowser(app).get(page)
            XCTAssertFalse(publicPage.body.contains("13812345678"), "never public")

            // refusals, each with a Chinese message and nothing written
            let long = String(repeating: "长", count: 100 * 1024)
            let tooLong = try await citizen.post("\(page)/feedback", [("text", long)], csrf: false)
            XCTAssertEqual(tooLong.status, .unprocessableEntity)
            XCTAssertTrue(tooLong.body.contains("意见建议不能超过 500 字"))
            let nothing = try await citizen.post("\(page)/feedback", [("rating", ""), ("text", "  ")], csrf: false)
            XCTAssertTrue(nothing.body.contains("请选择评价，或填写意见建议"))
            let badRating = try await citizen.post("\(page)/feedback", [("rating", "excellent")], csrf: false)
            XCTAssertTrue(badRating.body.contains("请选择满意、基本满意或不满意"))
            let unknown = try await citizen.post("/p/99999/feedback", [("rating", "satisfied")], csrf: false)
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertTrue(unknown.body.contains("没有找到"))
            let again = try await citizen.post("\(page)/feedback", [("text", text)], csrf: false)
            XCTAssertTrue(again.body.contains("您已经提交过相同的意见建议"))
            let crossSite = try await citizen.send(.POST, "\(page)/feedback", body: "rating=satisfied", contentType: "application/x-www-form-urlencoded",
                                                   headers: ["Sec-Fetch-Site": "cross-site"])
            XCTAssertEqual(crossSite.status, .forbidden)
            try await XCTAssertEqualAsync(try await Feedback.query(on: app.db).count(), 1)

            // a burst from one address: from the third in ten minutes on, a question must be answered first
            var statuses: [HTTPStatus] = []
            var challenged: TestBrowser.Page? = nil
            var burstBrowser = TestBrowser(app)
            for i in 0..<6 {
                burstBrowser = TestBrowser(app)  // a new browser each time: only the address is shared
                let sent = try await burstBrowser.post("\(page)/feedback", [("text", "第\(i)条建议：延长图书馆开放时间")], csrf: false)
                statuses.append(sent.status)
                challenged = sent
            }
            XCTAssertEqual(statuses.filter { $0 == .seeOther }.count, 2, "one already sent + 2 = 3 before the question")
            XCTAssertEqual(Array(statuses.suffix(4)), Array(repeating: .tooManyRequests, count: 4))
            let asked = try XCTUnwrap(challenged)
            XCTAssertTrue(asked.body.contains("请回答下面的问题") && asked.body.contains("等于几？"))
            XCTAssertTrue(asked.body.contains("第5条建议"), "what was typed is kept")
            try await XCTAssertEqualAsync(try await Feedback.query(on: app.db).count(), 3)
            // a wrong answer is refused; the right one is taken, once
            let (token, sum) = try Self.challenge(asked.body)
            let wrong = try await burstBrowser.post("\(page)/feedback", [("text", "第5条建议"), ("challenge", token), ("answer", "\(sum + 1)")], csrf: false)
            XCTAssertEqual(wrong.status, .tooManyRequests)
            XCTAssertTrue(wrong.body.contains("答案不正确"))
            let (token2, answer2) = try Self.challenge(wrong.body)
            let right = try await burstBrowser.post("\(page)/feedback", [("text", "第5条建议"), ("challenge", token2), ("answer", "\(answer2)")], csrf: false)
            XCTAssertEqual(right.status, .seeOther)
            let replay = try await TestBrowser(app).post("\(page)/feedback", [("text", "第6条建议"), ("challenge", token2), ("answer", "\(answer2)")], csrf: false)
            XCTAssertEqual(replay.status, .tooManyRequests, "a token is good once")
            try await XCTAssertEqualAsync(try await Feedback.query(on: app.db).count(), 4)
            // answered or not, an address stops at 20 in ten minutes
            var last = right
            for i in 0..<17 {
                let answering = TestBrowser(app)
                let asking = try await answering.post("\(page)/feedback", [("text", "第\(10 + i)条建议")], csrf: false)
                guard asking.status == .tooManyRequests, let pair = try? Self.challenge(asking.body) else { last = asking; break }
                last = try await answering.post("\(page)/feedback", [("text", "第\(10 + i)条建议"), ("challenge", pair.0), ("answer", "\(pair.1)")], csrf: false)
            }
            XCTAssertEqual(last.status, .tooManyRequests)
            XCTAssertTrue(last.body.contains("提交过于频繁"))
            try await XCTAssertEqualAsync(try await Feedback.query(on: app.db).count(), 20)

            // the unit's inbox shows the whole phone number; the office's shows it masked
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let inbox = try await reporter.get("/feedback")
            XCTAssertTrue(inbox.body.contains("13812345678"))
            let office = TestBrowser(app)
            try await office.signIn("shaodong", "minsheng2024")
            let officeInbox = try await office.get("/feedback")
            XCTAssertTrue(officeInbox.body.contains("138****5678") && !officeInbox.body.contains("13812345678"))

            // another unit cannot answer; the responsible unit answers in public
            let id = try stored.requireID()
            let other = TestBrowser(app)
            try await other.signIn("reviewer", "minsheng2024")  // 邵阳市 市教育局: not the answering unit
            let notTheirs = try await other.post("/feedback/\(id)/reply", [("reply", "不是我们的")])
            XCTAssertEqual(notTheirs.status, .notFound)
            // Too long a reply is refused on the inbox itself, what was typed kept.
            let longReply = String(repeating: "答", count: 1001)
            let refused = try await reporter.post("/feedback/\(id)/reply", [("reply", longReply)])
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("回复不能超过 1000 字") && refused.body.contains(longReply) && refused.body.contains("群众意见"))
            let answer = try await reporter.post("/feedback/\(id)/reply", [("reply", "已协调交警部门，下周起早晚高峰安排专人疏导。")])
            XCTAssertEqual(answer.status, .seeOther)
            let shown = try await TestBrowser(app).get(page)
            XCTAssertTrue(shown.body.contains("已协调交警部门") && shown.body.contains("答复：") && shown.body.contains("DROP TABLE feedback"))
            let replied = try await XCTUnwrapAsync(try await Feedback.find(id, on: app.db))
            XCTAssertEqual(replied.stateValue, .answered)
            XCTAssertEqual(replied.replyUnit, "市教育局")
            XCTAssertNotNil(replied.repliedAt)

            // the office marks one invalid with a reason and hands another to a different unit; both recorded
            let spam = try await XCTUnwrapAsync(try await Feedback.query(on: app.db).filter(\.$id != id).sort(\.$id).first())
            let spamID = try spam.requireID()
            let noReason = try await office.post("/feedback/\(spamID)/invalid", [("reason", "")])
            XCTAssertEqual(noReason.status, .unprocessableEntity)
            let markedInvalid = try await office.post("/feedback/\(spamID)/invalid", [("reason", "与项目无关")])
            XCTAssertEqual(markedInvalid.status, .seeOther)
            let officeAccount = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "shaodong").first()?.id)
            let marked = try await FeedbackService(db: app.db).history(id: spamID).last
            XCTAssertEqual(marked?.action, "invalid")
            XCTAssertEqual(marked?.accountID, officeAccount)
            XCTAssertEqual(marked?.detail, "与项目无关")
            let moved = try await XCTUnwrapAsync(try await Feedback.query(on: app.db).filter(\.$id != id).filter(\.$id != spamID).first())
            let otherUnit = try await XCTUnwrapAsync(try await Department.query(on: app.db).filter(\.$region.$id == shaodong).filter(\.$name == "市民政局").first()?.id)
            let handed = try await office.post("/feedback/\(try moved.requireID())/reassign", [("unit", "\(otherUnit)")])
            XCTAssertEqual(handed.status, .seeOther)
            try await XCTAssertEqualAsync(try await Feedback.find(try moved.requireID(), on: app.db)?.$unit.id, otherUnit)
            let after = try await reporter.get("/feedback")
            XCTAssertFalse(after.body.contains("/feedback/\(try moved.requireID())/reply"), "no longer in the first unit's inbox")
            let reassigned = try await FeedbackService(db: app.db).history(id: try moved.requireID()).last
            XCTAssertEqual(reassigned?.detail, "市教育局 → 市民政局")
            XCTAssertEqual(reassigned?.accountID, officeAccount)
        }
    }

    /// The token and the answer of the question on a refused page, the sum worked out here from
    /// the Chinese numerals (二 to 九 and 一 to 九).
    /// Script in an opinion and in its answer, loaded into headless Chromium: no script element,
    /// no handler, the title unchanged, the text shown as typed.
    func testScriptInOpinionsAndAnswersStaysInertInABrowser() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let page = "/p/\(project)/\(shaodong)"
            let opinion = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">好"
            let sent = try await TestBrowser(app).post("\(page)/feedback", [("text", opinion)], csrf: false)
            XCTAssertEqual(sent.status, .seeOther)
            let id = try await XCTUnwrapAsync(try await Feedback.query(on: app.db).first()?.id)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            _ = try await reporter.post("/feedback/\(id)/reply", [("reply", "<b>已答复</b><script>document.body.innerHTML=''</script>")])
            let html = try await TestBrowser(app).get(page).body
            XCTAssertTrue(html.contains("&lt;script&gt;"), "escaped in the markup")
            let dom = try Chromium.dumpDOM(html)
            XCTAssertFalse(dom.lowercased().contains("<script"), "no script element in the document")
            XCTAssertFalse(dom.contains("<img src=\"x\""), "no image element with its handler")
            XCTAssertFalse(dom.contains("<b>已答复"), "no markup from the answer")
            XCTAssertFalse(dom.contains("<title>pwned"), "the title unchanged")
            XCTAssertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the opinion shown as typed")
            XCTAssertTrue(dom.contains("&lt;b&gt;已答复&lt;/b&gt;"), "the answer shown as typed")
            // the same page with the payload unescaped does run in this browser: the check can fail
            let unescaped = html.replacingOccurrences(of: "&lt;script&gt;document.title='pwned'&lt;/script&gt;", with: "<script>document.title='pwned'</script>")
            XCTAssertTrue(try Chromium.dumpDOM(unescaped).contains("<title>pwned"))
        }
    }

    struct NoQuestion: Error {}

    static func challenge(_ body: String) throws -> (String, Int) {
        let digits: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        guard let tokenRange = body.range(of: #"name="challenge" value="([^"]+)""#, options: .regularExpression),
              let question = body.range(of: "请回答：.加.等于几？", options: .regularExpression) else {
            throw NoQuestion()
        }
        let token = String(body[tokenRange].dropFirst("name=\"challenge\" value=\"".count).dropLast())
        let text = Array(body[question])
        guard let a = digits[text[4]], let b = digits[text[6]] else { throw NoQuestion() }
        return (token, a + b)
    }
}
