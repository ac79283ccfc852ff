import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// 民生实事我来提 on 测试市: a round open 1–30 September 2024; four proposals (P1, P2, P4 online
/// from three addresses, P3 by letter); P4 merged into P2; P1 not adopted, P2 a candidate, P3
/// referred. Counts by hand: 4 received, 4 answered (100.00%); before P3's answer 3 of 4 (75.00%).
final class SelectionTests: XCTestCase {
    func world(_ app: Application) async throws -> (tree: RegionTree, city: Int, office: Actor) {
        let regions = RegionService(db: app.db)
        let city = try await regions.create(name: "测试市", kind: .city, code: nil, parentID: nil, by: nil).requireID()
        _ = try await regions.create(name: "甲县", kind: .county, code: nil, parentID: city, by: nil)
        let id = try await AccountService(db: app.db, hasher: app.passwordHasher).create(
            .init(username: "sel_office", displayName: "测试市专班", password: "Passw0rd-select", regionID: city, unitID: nil, roles: [.admin],
                  mustChangePassword: false), by: nil).requireID()
        return (try await regions.tree(), city, Actor(accountID: id, regionID: city, unitID: nil, roles: [.admin]))
    }

    static func day(_ iso: String) throws -> Date { try XCTUnwrap(ChineseDate.parseDay(iso)).start.addingTimeInterval(10 * 3600) }

    func testCollectMergeAnswerEveryProposal() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = SelectionService(db: app.db)
            var draft = SelectionService.RoundDraft.standard(year: 2025, regionName: "测试市")
            (draft.opensOn, draft.closesOn) = ("2024-09-01", "2024-09-30")
            let round = try await service.createRound(regionID: w.city, draft, actor: w.office, tree: w.tree).requireID()
            let september = try Self.day("2024-09-10")
            func submit(_ title: String, body: String = "建议在社区建设老年食堂，方便行动不便的老人就近就餐。", phone: String = "13800000001",
                        name: String = "", address: String, now: Date? = nil) async throws -> Proposal {
                try await service.submit(roundID: round, .init(title: title, body: body, category: "养老托育", name: name, phone: phone),
                                         address: address, browser: nil, now: now ?? september)
            }
            // Refused, nothing written: no phone, a bad phone, a title over 60 characters, a category
            // not offered, control characters, before the round opens and after it closes.
            let refusals: [(String, () async throws -> Proposal)] = [
                ("请填写联系电话", { try await submit("老年食堂", phone: "", address: "10.0.0.1") }),
                ("联系电话格式不正确", { try await submit("老年食堂", phone: "12345", address: "10.0.0.1") }),
                ("不超过 60 个字", { try await submit(String(repeating: "长", count: 61), address: "10.0.0.1") }),
                ("控制字符", { try await submit("老年\u{0007}食堂", address: "10.0.0.1") }),
                ("征集将于 2024-09-01 开始", { try await submit("老年食堂", address: "10.0.0.1", now: try Self.day("2024-08-31")) }),
                ("已于 2024-09-30 结束", { try await submit("老年食堂", address: "10.0.0.1", now: try Self.day("2024-10-01")) }),
            ]
            for (words, attempt) in refusals {
                do {
                    _ = try await attempt()
                    XCTFail("taken: \(words)")
                } catch let error as ServiceError { XCTAssertTrue(error.message.contains(words), "\(words): \(error.message)") }
            }
            do {
                _ = try await service.submit(roundID: round, .init(title: "老年食堂", body: "内容", category: "楼堂馆所", phone: "13800000001"),
                                             address: "10.0.0.1", browser: nil, now: september)
                XCTFail("a category not offered")
            } catch let error as ServiceError { XCTAssertEqual(error.message, "请选择建议的类别。") }
            try await XCTAssertEqualAsync(try await Proposal.query(on: app.db).count(), 0)

            // Four proposals: numbered 1…4 in the round, each with its reference.
            let p1 = try await submit("新建城东老年食堂", name: "张三丰", address: "10.0.0.1")
            let p2 = try await submit("社区助餐点", body: "希望每个社区都有助餐点。", phone: "0739-5123456", address: "10.0.0.2")
            let p3 = try await service.enter(roundID: round, .init(title: "老旧小区加装电梯", body: "来信反映：六层无电梯，老人上下楼难。", category: "住房", phone: ""),
                                             channel: .letter, receivedOn: "2024-09-12", actor: w.office, tree: w.tree)
            let p4 = try await submit("助餐服务进社区", body: "建议扩大社区助餐服务覆盖面。", address: "10.0.0.3")
            XCTAssertEqual([p1, p2, p3, p4].map(\.seq), [1, 2, 3, 4])
            XCTAssertEqual(p1.reference, "2025-\(round)-0001")
            XCTAssertEqual(p3.reference, "2025-\(round)-0003")
            XCTAssertEqual(p2.phone, "07395123456")  // kept as digits
            // The same proposal again from the same sender within a day: refused.
            do {
                _ = try await submit("新建城东老年食堂", name: "张三丰", address: "10.0.0.1")
                XCTFail("the same proposal twice")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }

            // Merge P4 into P2; answer P1 (not adopted needs its reason), P2, then P3.
            try await service.merge(proposalID: try p4.requireID(), into: try p2.requireID(), note: "", actor: w.office, tree: w.tree)
            do {
                try await service.answer(proposalID: try p1.requireID(), state: .notAdopted, text: " ", actor: w.office, tree: w.tree)
                XCTFail("not adopted without a reason")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("不予采纳的理由"), error.message) }
            try await service.answer(proposalID: try p1.requireID(), state: .notAdopted, text: "城东已有两处老年食堂在建，纳入已有项目统筹。",
                                     actor: w.office, tree: w.tree)
            try await service.answer(proposalID: try p2.requireID(), state: .candidate, text: "", actor: w.office, tree: w.tree)
            var summary = try await service.summary(roundID: round, actor: w.office, tree: w.tree)
            XCTAssertEqual([summary.total, summary.answered], [4, 3])
            XCTAssertEqual(summary.answerRate, Decimal(string: "75"))  // 3 / 4
            do {
                try await service.answer(proposalID: try p3.requireID(), state: .referred, text: "", actor: w.office, tree: w.tree)
                XCTFail("referred without saying to whom")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            try await service.answer(proposalID: try p3.requireID(), state: .referred, text: "转市住建局按老旧小区改造计划办理。", actor: w.office, tree: w.tree)
            summary = try await service.summary(roundID: round, actor: w.office, tree: w.tree)
            XCTAssertEqual([summary.total, summary.answered], [4, 4])
            XCTAssertEqual(summary.answerRate, 100)
            XCTAssertEqual(summary.counts[.candidate], 1)
            XCTAssertEqual(summary.counts[.merged], 1)
            XCTAssertEqual(summary.counts[.notAdopted], 1)
            XCTAssertEqual(summary.counts[.referred], 1)
            // A merged proposal is answered through the one it joined.
            do {
                try await service.answer(proposalID: try p4.requireID(), state: .candidate, text: "", actor: w.office, tree: w.tree)
                XCTFail("a merged proposal answered on its own")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }

            // The public pages: the answer, the merge, the masked name; the phone never.
            let browser = TestBrowser(app)
            let first = try await browser.get(SiteURL.publicProposal(reference: p1.reference).path)
            XCTAssertEqual(first.status, .ok)
            XCTAssertTrue(first.body.contains("不予采纳"))
            XCTAssertTrue(first.body.contains("城东已有两处老年食堂在建"))
            XCTAssertTrue(first.body.contains("建议人 张**"))
            XCTAssertFalse(first.body.contains("张三丰"))
            XCTAssertFalse(first.body.contains("13800000001"))
            let merged = try await browser.get(SiteURL.publicProposal(reference: p4.reference).path)
            XCTAssertTrue(merged.body.contains("与第 2 号建议（\(p2.reference)）内容相近，合并办理"))
            XCTAssertTrue(merged.body.contains(SiteURL.publicProposal(reference: p2.reference).path))
            let joined = try await browser.get(SiteURL.publicProposal(reference: p2.reference).path)
            XCTAssertTrue(joined.body.contains("另有 1 条内容相近的建议与本条合并办理"))
            XCTAssertFalse(joined.body.contains("07395123456"))
            let lookup = try await browser.get(SiteURL.publicProposalLookup.path + "?ref=" + p3.reference)
            XCTAssertEqual(lookup.location, SiteURL.publicProposal(reference: p3.reference).path)
            let missing = try await browser.get(SiteURL.publicProposal(reference: "2025-999-0001").path)
            XCTAssertEqual(missing.status, .notFound)

            // The office's list: every proposal, filtered by answer, the true total.
            let office = TestBrowser(app)
            _ = try await office.signIn("sel_office", "Passw0rd-select")
            let list = try await office.get(SiteURL.selectionRound(id: round).path)
            XCTAssertTrue(list.body.contains("共 4 条"))
            let candidates = try await office.get(SiteURL.selectionRound(id: round).path + "?status=candidate")
            XCTAssertTrue(candidates.body.contains("共 1 条（已筛选）"))
            XCTAssertTrue(candidates.body.contains("社区助餐点"))
            XCTAssertFalse(candidates.body.contains("新建城东老年食堂"))
        }
    }

    func testThePublicFormRefusesBadInputAndBursts() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = SelectionService(db: app.db)
            var draft = SelectionService.RoundDraft.standard(year: 2027, regionName: "测试市")
            // Open around today, whatever day the suite runs.
            (draft.opensOn, draft.closesOn) = (ChineseDate.isoDay(Date().addingTimeInterval(-86_400)), ChineseDate.isoDay(Date().addingTimeInterval(30 * 86_400)))
            let round = try await service.createRound(regionID: w.city, draft, actor: w.office, tree: w.tree).requireID()
            let browser = TestBrowser(app)
            let page = try await browser.get(SiteURL.publicRound(id: round).path)
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("新建、改扩建楼堂馆所"), "the negative list is shown")
            XCTAssertTrue(page.body.contains("联系电话（必填，仅用于联系您，不会公开）"))
            let url = SiteURL.publicRound(id: round).path
            func fields(_ title: String, body: String = "建议在社区建设老年食堂。", phone: String = "13900000002") -> [(String, String)] {
                [("title", title), ("body", body), ("category", "养老托育"), ("phone", phone), ("name", "")]
            }
            // Oversized, hostile, missing phone: refused with the reason and the typed text kept, nothing written.
            let long = try await browser.post(url, fields("老年食堂", body: String(repeating: "字", count: 1001)), csrf: false)
            XCTAssertEqual(long.status, .unprocessableEntity)
            XCTAssertTrue(long.body.contains("建议内容过长（不超过 1000 个字）"))
            let noPhone = try await browser.post(url, fields("老年食堂", phone: ""), csrf: false)
            XCTAssertEqual(noPhone.status, .unprocessableEntity)
            XCTAssertTrue(noPhone.body.contains("value=\"老年食堂\""), "the title typed is kept")
            try await XCTAssertEqualAsync(try await Proposal.query(on: app.db).count(), 0)
            // Taken: the page with the reference; hostile text escaped there.
            let sent = try await browser.post(url, fields("<script>alert(1)</script>食堂"), csrf: false)
            XCTAssertEqual(sent.status, .seeOther)
            let reference = try await XCTUnwrapAsync(try await Proposal.query(on: app.db).first()?.reference)
            XCTAssertEqual(sent.location, SiteURL.publicProposal(reference: reference).path + "?sent=1")
            let shown = try await browser.get(try XCTUnwrap(sent.location))
            XCTAssertTrue(shown.body.contains("已收到您的建议，编号 \(reference)"))
            XCTAssertFalse(shown.body.contains("<script>alert(1)</script>"))
            XCTAssertTrue(shown.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;食堂"))
            // A form from another site is refused.
            let forged = try await browser.send(.POST, url, body: "title=x&body=y&category=%E5%85%BB%E8%80%81%E6%89%98%E8%82%B2&phone=13900000002",
                                                contentType: "application/x-www-form-urlencoded", headers: ["Origin": "https://evil.example"])
            XCTAssertEqual(forged.status, .forbidden)
            // A burst from one address (three taken): the next must answer the question.
            for n in 2...3 { _ = try await browser.post(url, fields("建议\(n)"), csrf: false) }
            let fourth = try await browser.post(url, fields("建议4"), csrf: false)
            XCTAssertEqual(fourth.status, .tooManyRequests)
            XCTAssertTrue(fourth.body.contains("请回答"))
            try await XCTAssertEqualAsync(try await Proposal.query(on: app.db).count(), 3)
        }
    }
}
