import Fluent
import Foundation
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// 亮码评价 rates: a small fixture whose every figure is worked out by hand in the comments, the
/// page, the exports, the office's settings, the notices, and the served demo's figures.
final class FeedbackRatesTests: XCTestCase {
    static func date(_ month: Int, _ day: Int, _ hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour)) ?? Date(timeIntervalSince1970: 0)
    }

    func testRatesByHandOnASmallFixture() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let plan = resolved.planID
            let tree = try await RegionService(db: app.db).tree()
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            // a second county with a share in the same project
            let indicators = try await Indicator.query(on: app.db).filter(\.$project.$id == project).all().compactMap(\.id)
            let other = try await XCTUnwrapAsync(try await Target.query(on: app.db).filter(\.$indicator.$id ~~ indicators)
                .filter(\.$region.$id != shaodong).filter(\.$region.$id != resolved.regionID).first()?.$region.id)
            let otherName = try XCTUnwrap(tree[other]?.name)
            let reporter = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first())
            let admin = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "admin").first())
            let service = FeedbackService(db: app.db)
            var address = 0
            func send(_ region: Int, rating: String = "", text: String = "", at: Date) async throws -> Feedback {
                address += 1
                return try await service.submit(.init(projectID: project, regionID: region, rating: rating, text: text, phone: "",
                                                      address: "10.0.0.\(address)", browser: nil), now: at)
            }
            let unitActor = Actor(accountID: try reporter.requireID(), regionID: shaodong, unitID: reporter.$unit.id, roles: [.reporter])
            let office = Actor(accountID: try admin.requireID(), regionID: resolved.regionID, unitID: nil, roles: [.admin])

            // 邵东市: o1 answered after 4 h, o2 after 48 h; o3 (Wed 9 Oct) never answered, due by the end of Wed 16 Oct;
            // o4 (Sun 20 Oct) answered on 2 Nov, after its deadline (end of Fri 25 Oct); four ratings; one invalid.
            let o1 = try await send(shaodong, text: "建议公布完工时间", at: Self.date(3, 4, 10))
            try await service.reply(id: try o1.requireID(), text: "预计年底完工。", actor: unitActor, tree: tree, now: Self.date(3, 4, 14))
            let o2 = try await send(shaodong, text: "希望增加学位", at: Self.date(3, 5, 9))
            try await service.reply(id: try o2.requireID(), text: "已扩招两个班。", actor: unitActor, tree: tree, now: Self.date(3, 7, 9))
            _ = try await send(shaodong, text: "食堂何时完工？", at: Self.date(10, 9, 10))
            let o4 = try await send(shaodong, text: "校门口拥堵", at: Self.date(10, 20, 10))
            try await service.reply(id: try o4.requireID(), text: "已安排疏导。", actor: unitActor, tree: tree, now: Self.date(11, 2, 10))
            for rating in ["satisfied", "satisfied", "basic", "unsatisfied"] { _ = try await send(shaodong, rating: rating, at: Self.date(4, 8, 9)) }
            let spam = try await send(shaodong, text: "代办证件，加微信", at: Self.date(5, 1, 9))
            try await service.markInvalid(id: try spam.requireID(), reason: "广告", actor: office, tree: tree, now: Self.date(5, 2, 9))
            // the other county: o5 answered after 10 h by its own unit; one rating; o6 arrives in November
            let o5 = try await send(other, text: "感谢政府", at: Self.date(6, 3, 10))
            let otherUnit = try XCTUnwrap(o5.$unit.id)
            let otherActor = Actor(accountID: try admin.requireID(), regionID: other, unitID: otherUnit, roles: [.reporter])
            try await service.reply(id: try o5.requireID(), text: "感谢支持。", actor: otherActor, tree: tree, now: Self.date(6, 3, 20))
            _ = try await send(other, rating: "satisfied", at: Self.date(6, 3, 11))
            _ = try await send(other, text: "十一月的意见", at: Self.date(11, 5, 10))

            // October, the city: received o1–o5 = 5 (the invalid one apart), answered o1, o2, o5 = 3 → 3 ÷ 5 = 60%;
            // overdue at the end of October: o3 and o4 = 2; ratings 3 满意 + 1 基本满意 + 1 不满意 → 4 ÷ 5 = 80%;
            // reply times 4, 10, 48 h → median 10, 90th percentile by nearest rank ⌈3 × 0.9⌉ = 3rd = 48.
            let october = try await XCTUnwrapAsync(try await service.table(planID: plan, month: 10, tree: tree))
            XCTAssertEqual(october.total.received, 5)
            XCTAssertEqual(october.total.answered, 3)
            XCTAssertEqual(october.total.handlingRate, 60)
            XCTAssertEqual(october.total.overdue, 2)
            XCTAssertEqual(october.total.invalid, 1)
            XCTAssertEqual(october.total.ratings, 5)
            XCTAssertEqual(october.total.satisfactionRate, 80)
            XCTAssertEqual(october.total.medianReplyHours, 10)
            XCTAssertEqual(october.total.p90ReplyHours, 48)
            // per region: 邵东市 2 of 4 = 50%, the other county 1 of 1 = 100%
            let byRegion = Dictionary(october.regions.map { ($0.name, $0.rates) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byRegion["邵东市"]?.handlingRate, 50)
            XCTAssertEqual(byRegion[otherName]?.handlingRate, 100)
            // per unit: only 邵东市's 市教育局 is below 100% (named with its county: every county has one)
            XCTAssertEqual(october.unitsBelowFull.map(\.name), ["邵东市·市教育局"])
            // per month: March 2 of 2; October 0 of 2; April's four ratings; May's invalid one
            XCTAssertEqual(october.months.count, 10)
            XCTAssertEqual(october.months[2].rates.answered, 2)
            XCTAssertEqual(october.months[9].rates.received, 2)
            XCTAssertEqual(october.months[9].rates.answered, 0)
            XCTAssertEqual(october.months[3].rates.ratings, 4)
            XCTAssertEqual(october.months[4].rates.invalid, 1)
            // November: o4 now answered (late) and o6 received → 4 ÷ 6 = 66.67%; overdue o3 and o6 (due end of Tue 12 Nov)
            let november = try await XCTUnwrapAsync(try await service.table(planID: plan, month: 11, tree: tree))
            XCTAssertEqual(november.total.received, 6)
            XCTAssertEqual(november.total.answered, 4)
            XCTAssertEqual(Figures.percent(november.total.handlingRate ?? 0), "66.67%")
            XCTAssertEqual(november.total.answeredLate, 1)
            XCTAssertEqual(november.total.overdue, 2)
            // a county's own view: 邵东市 alone, 2 of 4
            let county = try await XCTUnwrapAsync(try await service.table(planID: plan, focusRegionID: shaodong, month: 10, tree: tree))
            XCTAssertEqual(county.total.received, 4)
            XCTAssertEqual(county.total.handlingRate, 50)

            // the normative JSON of `minsheng report feedback`
            let json = FeedbackExport.jsonValue(october).text()
            let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            XCTAssertEqual(decoded["month"] as? String, "2024-10")
            XCTAssertEqual(decoded["as_of"] as? String, "2024-10-31")
            let total = try XCTUnwrap(decoded["total"] as? [String: Any])
            XCTAssertEqual(total["handling_rate"] as? Double, 60)
            XCTAssertEqual(total["satisfaction_rate"] as? Double, 80)
            XCTAssertEqual(total["median_reply_hours"] as? Double, 10)
            XCTAssertEqual(total["p90_reply_hours"] as? Double, 48)
            XCTAssertEqual(decoded["units_below_full"] as? [String], ["邵东市·市教育局"])

            // the page and the exports
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            let page = try await browser.get("/plans/\(plan)/feedback?month=10")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("60.00%") && page.body.contains("80.00%"))
            XCTAssertTrue(page.body.contains("处理率未达 100% 的单位（1 个）"))
            let csv = try await browser.get("/plans/\(plan)/feedback.csv?month=10")
            XCTAssertTrue(csv.body.contains("邵阳市2024年1-10 月亮码评价处理情况"))
            XCTAssertTrue(csv.body.contains("邵阳市,5,3,2,2,0,1,60.00%,10,48,5,3,1,1,80.00%"), "the total line, by hand above")
            let xlsx = try await browser.get("/plans/\(plan)/feedback.xlsx?month=10")
            XCTAssertEqual(Array(xlsx.data.prefix(2)), [0x50, 0x4B], "a zip")
            // read back as a person sees it: 60% (stored as the fraction 0.6 in a percent cell), counts not shown as percentages
            let sheet = try XLSXReader.rows(xlsx.data)
            let totalRow = try XCTUnwrap(sheet.first { $0.first == "邵阳市" })
            XCTAssertEqual(Array(totalRow.prefix(8)), ["邵阳市", "5", "3", "2", "2", "0", "1", "60%"])
            // a county office sees its county, not the city
            let countyOffice = TestBrowser(app)
            try await countyOffice.signIn("shaodong", "minsheng2024")
            let refused = try await countyOffice.get("/plans/\(plan)/feedback?region=\(resolved.regionID)&month=10")
            XCTAssertEqual(refused.status, .notFound)
            let own = try await countyOffice.get("/plans/\(plan)/feedback?region=\(shaodong)&month=10")
            XCTAssertTrue(own.body.contains("50.00%"))

            // the office's settings: refused to a county office and for nonsense, then 3 days and 满意 only
            let notTheirs = try await countyOffice.post("/plans/\(plan)/feedback/rules", [("days", "3"), ("rule", "satisfied")])
            XCTAssertEqual(notTheirs.status, .forbidden)
            for bad in ["0", "31", "abc", "1; DROP TABLE plans"] {
                _ = try await browser.post("/plans/\(plan)/feedback/rules", [("days", bad), ("rule", "satisfied")])
                let message = try await browser.get("/plans/\(plan)/feedback?month=10")
                XCTAssertTrue(message.body.contains("答复期限应为 1 至 30 之间的工作日数"), bad)
            }
            try await XCTAssertEqualAsync(try await Plan.find(plan, on: app.db)?.feedbackDays, nil)
            let saved = try await browser.post("/plans/\(plan)/feedback/rules", [("days", "3"), ("rule", "satisfied")])
            XCTAssertEqual(saved.status, .seeOther)
            // 满意 only: 3 ÷ 5 = 60%; o3 (Wed 9 Oct) now due by the end of Mon 14 Oct (10, 11, 14 Oct)
            let strict = try await XCTUnwrapAsync(try await service.table(planID: plan, month: 10, tree: tree))
            XCTAssertEqual(strict.total.satisfactionRate, 60)
            XCTAssertEqual(strict.replyDays, 3)
            let o3 = try await XCTUnwrapAsync(try await Feedback.query(on: app.db).filter(\.$body == "食堂何时完工？").first())
            XCTAssertEqual(o3.dueAt, Self.date(10, 15, 0))
            let audit = try await XCTUnwrapAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "plan.feedback_rules").first())
            XCTAssertTrue(audit.detail.contains("答复期限 5 → 3 个工作日") && audit.detail.contains("满意 + 基本满意 → 仅满意"))
        }
    }

    /// The unit sees how many opinions wait, in the navigation and on the home page; new ones
    /// stop being new once it has opened its inbox.
    func testNoticesOfNewAndOverdueOpinions() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let service = FeedbackService(db: app.db)
            // one from long ago (overdue), one from now
            _ = try await service.submit(.init(projectID: project, regionID: shaodong, rating: "", text: "旧意见", phone: "", address: "a", browser: nil),
                                         now: Self.date(3, 1, 9))
            _ = try await service.submit(.init(projectID: project, regionID: shaodong, rating: "", text: "新意见", phone: "", address: "b", browser: nil))
            let unit = TestBrowser(app)
            try await unit.signIn("reporter", "minsheng2024")
            let home = try await unit.get("/")
            XCTAssertTrue(home.body.contains("新收到 2 条，待回复 2 条，其中 1 条已超过答复期限"))
            XCTAssertTrue(home.body.contains("title=\"待回复 2 条，其中超期 1 条\""), "the navigation's count")
            let inbox = try await unit.get("/feedback")
            XCTAssertTrue(inbox.body.contains("badge new"))
            let later = try await unit.get("/")
            XCTAssertTrue(later.body.contains("待回复 2 条，其中 1 条已超过答复期限") && !later.body.contains("新收到"))
            // an account without an inbox sees no notice
            let observer = TestBrowser(app)
            try await observer.signIn("observer", "minsheng2024")
            let observerHome = try await observer.get("/")
            XCTAssertFalse(observerHome.body.contains("群众意见："))
        }
    }

    /// The served demo: 116 ratings at 97.41% (reference 003's rate: 113 ÷ 116), 41 opinions of
    /// which 38 answered by the end of October (92.68%), one overdue, one invalid; reply times
    /// median 20 h and 90th percentile 50 h (the demo's twelve reply times, each three times,
    /// 2 h and 3 h a fourth: the 19th and 20th of 38 are 20 h, the 35th is 50 h).
    func testTheServedDemoFigures() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let tree = try await RegionService(db: app.db).tree()
            let table = try await XCTUnwrapAsync(try await FeedbackService(db: app.db).table(planID: resolved.planID, month: 10, tree: tree))
            XCTAssertEqual(table.total.ratings, 116)
            XCTAssertEqual(Figures.percent(table.total.satisfactionRate ?? 0), "97.41%")
            XCTAssertEqual(table.total.received, 41)
            XCTAssertEqual(table.total.answered, 38)
            XCTAssertEqual(Figures.percent(table.total.handlingRate ?? 0), "92.68%")
            XCTAssertEqual(table.total.overdue, 1)
            XCTAssertEqual(table.total.invalid, 1)
            XCTAssertEqual(table.total.medianReplyHours, 20)
            XCTAssertEqual(table.total.p90ReplyHours, 50)
        }
    }
}
