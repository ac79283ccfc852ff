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
            // The poster: the round's title and a QR code that decodes to the form's address.
            let poster = try await browser.get(SiteURL.publicRoundPoster(id: round).path)
            XCTAssertEqual(poster.status, .ok)
            XCTAssertTrue(poster.body.contains("扫码提建议"))
            XCTAssertTrue(poster.body.contains(SiteURL.publicRound(id: round).absolute(app.minsheng.publicURL)))
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

    /// The review and the shortlist, by hand: three proposals listed as candidates; the
    /// department 市民政局 asked for its opinion (the reporter of another unit is not); two places
    /// and three candidates (差额 1); a public vote, up to 2 picks: 甲 picks A+B, 乙 picks B, 丙
    /// picks B+C → A 1, B 3, C 1 of 3 voters; the same phone twice, the same browser twice, three
    /// picks, an unknown candidate: refused, nothing counted.
    func testOpinionsShortlistAndThePublicVote() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = SelectionService(db: app.db)
            let today = ChineseDate.isoDay(Date())
            var draft = SelectionService.RoundDraft.standard(year: 2027, regionName: "测试市")
            (draft.opensOn, draft.closesOn) = (ChineseDate.isoDay(Date().addingTimeInterval(-86_400)), ChineseDate.isoDay(Date().addingTimeInterval(30 * 86_400)))
            let round = try await service.createRound(regionID: w.city, draft, actor: w.office, tree: w.tree).requireID()
            var proposals: [Proposal] = []
            for (n, title) in ["社区老年食堂", "中小学护学岗", "老旧小区加装电梯"].enumerated() {
                proposals.append(try await service.enter(roundID: round, .init(title: title, body: "来信建议：\(title)。", category: "养老托育", phone: ""),
                                                         channel: .letter, receivedOn: today, actor: w.office, tree: w.tree))
                _ = n
            }
            // The department's opinion: asked of 市民政局; its reporter gives it, another unit's does not see it.
            let units = UnitService(db: app.db)
            let civil = try await units.findOrCreate(name: "市民政局", regionID: w.city).requireID()
            let other = try await units.findOrCreate(name: "市教育局", regionID: w.city).requireID()
            let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
            let civilAccount = try await accounts.create(.init(username: "sel_civil", displayName: "民政局填报员", password: "Passw0rd-select", regionID: w.city,
                                                               unitID: civil, roles: [.reporter], mustChangePassword: false), by: nil).requireID()
            let otherAccount = try await accounts.create(.init(username: "sel_edu", displayName: "教育局填报员", password: "Passw0rd-select", regionID: w.city,
                                                               unitID: other, roles: [.reporter], mustChangePassword: false), by: nil).requireID()
            let first = try proposals[0].requireID()
            try await service.requestOpinion(proposalID: first, unitID: civil, actor: w.office, tree: w.tree)
            try await XCTAssertEqualAsync(try await service.opinionsWaiting(unitID: civil), 1)
            let civilActor = Actor(accountID: civilAccount, regionID: w.city, unitID: civil, roles: [.reporter])
            let otherActor = Actor(accountID: otherAccount, regionID: w.city, unitID: other, roles: [.reporter])
            let opinion = SelectionService.OpinionDraft(necessity: "城南片区 60 岁以上老人 3200 人，需求迫切。", feasibility: "可利用社区闲置用房，年内可建成。",
                                                        legality: "符合养老服务设施建设有关规定。", cost: "85.5")
            do {
                try await service.giveOpinion(proposalID: first, opinion, actor: otherActor, tree: w.tree)
                XCTFail("another unit gave the opinion")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            do {
                var bad = opinion
                bad.cost = "-1"
                try await service.giveOpinion(proposalID: first, bad, actor: civilActor, tree: w.tree)
                XCTFail("a negative cost")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            try await service.giveOpinion(proposalID: first, opinion, actor: civilActor, tree: w.tree)
            let given = try await XCTUnwrapAsync(try await Proposal.find(first, on: app.db))
            XCTAssertEqual(given.opinionCost, 85.5)
            XCTAssertEqual(given.opinionFeasibility, "可利用社区闲置用房，年内可建成。")
            try await XCTAssertEqualAsync(try await service.opinionsWaiting(unitID: civil), 0)
            // The department's page through HTTP: its own request listed; the other unit gets 404.
            let civilBrowser = TestBrowser(app)
            _ = try await civilBrowser.signIn("sel_civil", "Passw0rd-select")
            let list = try await civilBrowser.get(SiteURL.selectionOpinions.path)
            XCTAssertTrue(list.body.contains("社区老年食堂"))
            let eduBrowser = TestBrowser(app)
            _ = try await eduBrowser.signIn("sel_edu", "Passw0rd-select")
            let hidden = try await eduBrowser.get(SiteURL.selectionOpinion(id: first).path)
            XCTAssertEqual(hidden.status, .notFound)

            // Candidates: only proposals answered 列为候选项目 may stand behind one.
            do {
                try await service.saveCandidate(roundID: round, .init(name: "社区老年食堂", description: "建设 10 个社区老年食堂。", cost: "850", unitID: civil, proposals: "1"),
                                                actor: w.office, tree: w.tree)
                XCTFail("a proposal not yet a candidate")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("第 1 号建议尚未答复为“列为候选项目”"), error.message) }
            for proposal in proposals {
                try await service.answer(proposalID: try proposal.requireID(), state: .candidate, text: "", actor: w.office, tree: w.tree)
            }
            let a = try await service.saveCandidate(roundID: round, .init(name: "社区老年食堂", description: "建设 10 个社区老年食堂。", cost: "850", unitID: civil, proposals: "1"),
                                                    actor: w.office, tree: w.tree)
            let b = try await service.saveCandidate(roundID: round, .init(name: "中小学护学岗", description: "城区 30 所中小学设护学岗。", cost: "", unitID: nil, proposals: "2"),
                                                    actor: w.office, tree: w.tree)
            do {
                try await service.saveCandidate(roundID: round, .init(name: "重复", description: "重复。", cost: "", unitID: nil, proposals: "2"), actor: w.office, tree: w.tree)
                XCTFail("a proposal behind two candidates")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            let c = try await service.saveCandidate(roundID: round, .init(name: "老旧小区加装电梯", description: "加装电梯 100 部。", cost: "2,000", unitID: nil, proposals: "3"),
                                                    actor: w.office, tree: w.tree)
            // Two places, the vote from yesterday to next week, up to 2 picks.
            try await service.setShortlistRules(roundID: round, .init(places: "2", voteOpensOn: ChineseDate.isoDay(Date().addingTimeInterval(-86_400)),
                                                                       voteClosesOn: ChineseDate.isoDay(Date().addingTimeInterval(7 * 86_400)), votePicks: "2"),
                                                actor: w.office, tree: w.tree)
            let office = TestBrowser(app)
            _ = try await office.signIn("sel_office", "Passw0rd-select")
            let shortlistPage = try await office.get(SiteURL.selectionCandidates(round: round).path)
            XCTAssertTrue(shortlistPage.body.contains("候选项目 3 个，名额 2 个：差额 1 个（3 选 2）"))

            func vote(_ picks: [Int], phone: String, address: String, browser: String? = nil) async throws {
                try await service.vote(roundID: round, picks: picks.map(String.init), phone: phone, address: address, browser: browser)
            }
            try await vote([a, b], phone: "13800000011", address: "10.2.0.1", browser: String(repeating: "a", count: 32))
            try await vote([b], phone: "13800000012", address: "10.2.0.2")
            try await vote([b, c], phone: "13800000013", address: "10.2.0.3")
            let refused: [(String, () async throws -> Void)] = [
                ("这个手机号码已经投过票了", { try await vote([c], phone: "138 0000 0011", address: "10.2.0.9") }),
                ("这台设备已经投过票了", { try await vote([c], phone: "13800000019", address: "10.2.0.9", browser: String(repeating: "a", count: 32)) }),
                ("最多可选 2 个项目", { try await vote([a, b, c], phone: "13800000018", address: "10.2.0.9") }),
                ("不在候选名单中", { try await vote([9_999], phone: "13800000017", address: "10.2.0.9") }),
                ("请填写正确的手机号码", { try await vote([a], phone: "123", address: "10.2.0.9") }),
            ]
            for (words, attempt) in refused {
                do {
                    try await attempt()
                    XCTFail("taken: \(words)")
                } catch let error as ServiceError { XCTAssertTrue(error.message.contains(words), "\(words): \(error.message)") }
            }
            let shortlist = try await service.shortlist(roundID: round)
            XCTAssertEqual(shortlist.voters, 3)
            XCTAssertEqual(shortlist.candidates.map(\.votes), [1, 3, 1])
            XCTAssertEqual(shortlist.candidates.map(\.candidate.cost), [850, nil, 2000])
            // Only a hash of each phone is kept.
            let stored = try await SelectionVote.query(on: app.db).all().map(\.phoneHash)
            XCTAssertFalse(stored.contains { $0.contains("1380000001") })
            // Once votes are in, the shortlist no longer changes.
            do {
                try await service.removeCandidate(candidateID: c, actor: w.office, tree: w.tree)
                XCTFail("a candidate removed during the vote")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            // The public page through HTTP: a vote taken, marked advisory.
            let citizen = TestBrowser(app)
            let votePage = try await citizen.get(SiteURL.publicVote(round: round).path)
            XCTAssertTrue(votePage.body.contains("最多 2 个"))
            XCTAssertTrue(votePage.body.contains("网络投票结果仅供参考，最终由人大代表票决确定。"))
            let cast = try await citizen.post(SiteURL.publicVote(round: round).path, [("pick[]", "\(a)"), ("pick[]", "\(c)"), ("phone", "13800000021")], csrf: false)
            XCTAssertEqual(cast.status, .seeOther)
            let again = try await citizen.post(SiteURL.publicVote(round: round).path, [("pick[]", "\(a)"), ("phone", "13800000022")], csrf: false)
            XCTAssertEqual(again.status, .unprocessableEntity, "the same browser (its cookie) votes once")
            let after = try await service.shortlist(roundID: round)
            XCTAssertEqual(after.candidates.map(\.votes), [2, 3, 2])
        }
    }

    /// The deputies' vote: three candidates for two places; paper tallies entered twice (the same
    /// account twice refused, a mismatch refused and not kept); 300 deputies, 290 present: 281 / 1 / 0
    /// and 200 / 80 / 10 pass, 150 / 130 / 10 does not (150 is not more than half of 300).
    /// Then an in-app secret ballot of three registered deputies.
    func testTheDeputiesVoteOnPaperAndInTheApp() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = SelectionService(db: app.db)
            let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
            let second = try await accounts.create(.init(username: "sel_office2", displayName: "测试市专班二", password: "Passw0rd-select", regionID: w.city,
                                                         unitID: nil, roles: [.admin], mustChangePassword: false), by: nil).requireID()
            let office2 = Actor(accountID: second, regionID: w.city, unitID: nil, roles: [.admin])
            func round(mode: SelectionRound.BallotMode, deputies: [Int] = []) async throws -> (Int, [Int]) {
                let round = try await service.createRound(regionID: w.city, .standard(year: 2027, regionName: "测试市"), actor: w.office, tree: w.tree).requireID()
                // One proposal behind the first candidate, answered 列为候选项目.
                let proposal = try await service.enter(roundID: round, .init(title: "建老年食堂", body: "来信建议建老年食堂。", category: "养老托育", name: "赵一", phone: ""),
                                                       channel: .letter, receivedOn: "2026-09-10", actor: w.office, tree: w.tree)
                try await service.answer(proposalID: try proposal.requireID(), state: .candidate, text: "", actor: w.office, tree: w.tree)
                let civil = try await UnitService(db: app.db).findOrCreate(name: "市民政局", regionID: w.city).requireID()
                var ids: [Int] = []
                for (n, name) in ["社区老年食堂", "中小学护学岗", "老旧小区加装电梯"].enumerated() {
                    ids.append(try await service.saveCandidate(roundID: round, .init(name: name, description: name + "。", cost: "", unitID: n == 0 ? civil : nil,
                                                                                     proposals: n == 0 ? "1" : ""),
                                                               actor: w.office, tree: w.tree))
                }
                try await service.setShortlistRules(roundID: round, .init(places: "2", voteOpensOn: "", voteClosesOn: "", votePicks: ""), actor: w.office, tree: w.tree)
                try await service.setSession(roundID: round, .init(title: "市第十七届人民代表大会第四次会议", date: "2027-01-15", deputies: "300", present: "290",
                                                                    rule: "majority_of_all", mode: mode.rawValue, deputyAccounts: deputies),
                                             actor: w.office, tree: w.tree)
                try await service.openSession(roundID: round, actor: w.office, tree: w.tree)
                return (round, ids)
            }
            // 差额: as many candidates as places does not open.
            let even = try await service.createRound(regionID: w.city, .standard(year: 2027, regionName: "测试市"), actor: w.office, tree: w.tree).requireID()
            for name in ["甲", "乙"] {
                try await service.saveCandidate(roundID: even, .init(name: name, description: name, cost: "", unitID: nil, proposals: ""), actor: w.office, tree: w.tree)
            }
            try await service.setShortlistRules(roundID: even, .init(places: "2", voteOpensOn: "", voteClosesOn: "", votePicks: ""), actor: w.office, tree: w.tree)
            try await service.setSession(roundID: even, .init(title: "会议", date: "2027-01-15", deputies: "300", present: "290", rule: "majority_of_all", mode: "paper"),
                                         actor: w.office, tree: w.tree)
            do {
                try await service.openSession(roundID: even, actor: w.office, tree: w.tree)
                XCTFail("opened without more candidates than places")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("差额票决要求候选项目多于名额"), error.message) }
            let (paper, ids) = try await round(mode: .paper)
            func enter(_ actor: Actor, _ candidate: Int, _ f: Int, _ a: Int, _ x: Int) async throws -> Bool {
                try await service.enterTally(roundID: paper, candidateID: candidate, votesFor: "\(f)", against: "\(a)", abstain: "\(x)", actor: actor, tree: w.tree)
            }
            let firstEntry = try await enter(w.office, ids[0], 281, 1, 0)
            XCTAssertFalse(firstEntry, "one entry is not yet a tally")
            do {
                _ = try await enter(w.office, ids[0], 281, 1, 0)
                XCTFail("the same account entered twice")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("另一名工作人员"), error.message) }
            do {
                _ = try await enter(office2, ids[0], 218, 1, 0)
                XCTFail("a mismatch taken")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("两次录入不一致，未予保存"), error.message) }
            try await XCTAssertEqualAsync(try await SelectionTally.query(on: app.db).filter(\.$candidateID == ids[0]).count(), 1)
            let secondEntry = try await enter(office2, ids[0], 281, 1, 0)
            XCTAssertTrue(secondEntry, "two entries that agree")
            do {
                _ = try await enter(w.office, ids[1], 150, 130, 20)  // 300 > 290 present
                XCTFail("more ballots than deputies present")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("超过出席代表 290 人"), error.message) }
            _ = try await enter(w.office, ids[1], 150, 130, 10)
            // Closing needs every tally confirmed.
            do {
                try await service.closeSession(roundID: paper, actor: w.office, tree: w.tree)
                XCTFail("closed with tallies missing")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("中小学护学岗"), error.message) }
            _ = try await enter(office2, ids[1], 150, 130, 10)
            _ = try await enter(w.office, ids[2], 200, 80, 10)
            _ = try await enter(office2, ids[2], 200, 80, 10)
            try await service.closeSession(roundID: paper, actor: w.office, tree: w.tree)
            let result = try await XCTUnwrapAsync(try await service.session(roundID: paper, actor: w.office, tree: w.tree).result)
            XCTAssertEqual(result.chosen, [ids[0], ids[2]], "281 and 200 pass and fill the two places")
            XCTAssertEqual(result.standings.map(\.passes), [true, true, false])
            XCTAssertEqual(result.threshold, 150)
            // Once the vote has begun, the shortlist is fixed.
            do {
                try await service.removeCandidate(candidateID: ids[1], actor: w.office, tree: w.tree)
                XCTFail("a candidate removed after the vote")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            // Into the plan: the two chosen, in the order of the result, linked back.
            let planID = try await service.makePlan(roundID: paper, level: .city, actor: w.office, tree: w.tree)
            let items = try await Item.query(on: app.db).filter(\.$plan.$id == planID).sort(\.$seq).all()
            XCTAssertEqual(items.map(\.name), ["社区老年食堂", "老旧小区加装电梯"])
            let made = try await XCTUnwrapAsync(try await SelectionCandidate.find(ids[0], on: app.db)?.projectID)
            let madeProject = try await XCTUnwrapAsync(try await Project.find(made, on: app.db))
            XCTAssertEqual(madeProject.name, "社区老年食堂")
            let madeIndicator = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$project.$id == made).with(\.$leadUnit).first())
            XCTAssertEqual(madeIndicator.leadUnit?.name, "市民政局")
            let unchosen = try await SelectionCandidate.find(ids[1], on: app.db)
            XCTAssertNil(unchosen?.projectID)
            do {
                try await service.makePlan(roundID: paper, level: .city, actor: w.office, tree: w.tree)
                XCTFail("a second plan")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            // The report (`minsheng report selection`): one proposal received and answered (100.00%), a
            // candidate; 281 / 1 / 0 ranked first and chosen; 150 does not pass; threshold 150 of 300.
            let report = try await XCTUnwrapAsync(try await service.report(regionID: w.city, year: 2027, tree: w.tree))
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.json.text().utf8)) as? [String: Any])
            XCTAssertEqual(json["region"] as? String, "测试市")
            let counts = try XCTUnwrap(json["proposals"] as? [String: Any])
            XCTAssertEqual(counts["received"] as? Int, 1)
            XCTAssertEqual(counts["answer_rate"] as? Double, 100)
            XCTAssertEqual((counts["by_channel"] as? [String: Any])?["letter"] as? Int, 1)
            let rows = try XCTUnwrap(json["candidates"] as? [[String: Any]])
            XCTAssertEqual(rows.map { $0["for"] as? Int }, [281, 150, 200])
            XCTAssertEqual(rows.map { $0["chosen"] as? Bool }, [true, false, true])
            XCTAssertEqual(rows.map { $0["rank"] as? Int }, [1, nil, 2])
            XCTAssertEqual(rows.first?["department"] as? String, "市民政局")
            let deputiesVote = try XCTUnwrap(json["deputies_vote"] as? [String: Any])
            XCTAssertEqual(deputiesVote["threshold"] as? Int, 150)
            XCTAssertEqual(deputiesVote["mode"] as? String, "paper")
            XCTAssertTrue(report.csv.contains("社区老年食堂,,市民政局,1,0,281,1,0,入选"))
            XCTAssertEqual(report.workbook.sheets.first?.rows.count, 3 + 3, "title, sentence, header and three candidates")

            // The proposer's page now shows the project, with a link to its public page.
            let proposal = try await XCTUnwrapAsync(try await Proposal.query(on: app.db).filter(\.$round.$id == paper).first())
            let citizen = TestBrowser(app)
            let proposerPage = try await citizen.get(SiteURL.publicProposal(reference: proposal.reference).path)
            XCTAssertTrue(proposerPage.body.contains("本建议已列入《2027年测试市市定重点民生实事》：社区老年食堂。"))
            XCTAssertTrue(proposerPage.body.contains(SiteURL.publicProject(project: made, region: nil).path))
            XCTAssertTrue(proposerPage.body.contains("群众评价：满意 0"))

            let office = TestBrowser(app)
            _ = try await office.signIn("sel_office", "Passw0rd-select")
            let record = try await office.get(SiteURL.selectionRecord(round: paper).path)
            XCTAssertTrue(record.body.contains("全体代表 300 人，出席 290 人"))
            XCTAssertTrue(record.body.contains("赞成票须多于 150 票方为通过"))

            // In the app: three deputies (评议员 accounts); each votes once; nobody sees how.
            var deputies: [Int] = []
            for n in 1...3 {
                deputies.append(try await accounts.create(.init(username: "sel_deputy\(n)", displayName: "代表\(n)", password: "Passw0rd-select", regionID: w.city,
                                                                unitID: nil, roles: [.evaluator], mustChangePassword: false), by: nil).requireID())
            }
            let (online, onlineIDs) = try await round(mode: .app, deputies: deputies)
            let d1 = Actor(accountID: deputies[0], regionID: w.city, unitID: nil, roles: [.evaluator])
            try await service.castBallot(roundID: online, choices: [onlineIDs[0]: "for", onlineIDs[1]: "against", onlineIDs[2]: "abstain"], actor: d1)
            do {
                try await service.castBallot(roundID: online, choices: [onlineIDs[0]: "for", onlineIDs[1]: "for", onlineIDs[2]: "for"], actor: d1)
                XCTFail("a deputy voted twice")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("每位代表限投一次"), error.message) }
            do {
                try await service.castBallot(roundID: online, choices: [onlineIDs[0]: "for", onlineIDs[1]: "for", onlineIDs[2]: "for"], actor: w.office)
                XCTFail("the office voted")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            // Through the pages: the second deputy votes; the office sees only how many voted.
            let deputy2 = TestBrowser(app)
            _ = try await deputy2.signIn("sel_deputy2", "Passw0rd-select")
            let ballotPage = try await deputy2.get(SiteURL.selectionBallot(round: online).path)
            XCTAssertTrue(ballotPage.body.contains("无记名"))
            let cast = try await deputy2.post(SiteURL.selectionBallot(round: online).path,
                                              [("c\(onlineIDs[0])", "for"), ("c\(onlineIDs[1])", "for"), ("c\(onlineIDs[2])", "against")])
            XCTAssertEqual(cast.status, .seeOther)
            let during = try await office.get(SiteURL.selectionSession(round: online, action: nil).path)
            XCTAssertTrue(during.body.contains("登记代表 3 人，已投票 2 人"))
            XCTAssertFalse(during.body.contains("票决结果"), "no counts before the close")
            // What is stored: who voted (no choice), and counts per candidate (no account).
            let deputyColumns = try await app.db.sql.raw("SELECT * FROM selection_deputies").all().first?.allColumns ?? []
            XCTAssertEqual(Set(deputyColumns), ["id", "round_id", "account_id", "voted"])
            let countColumns = try await app.db.sql.raw("SELECT * FROM selection_app_counts").all().first?.allColumns ?? []
            XCTAssertEqual(Set(countColumns), ["id", "round_id", "candidate_id", "votes_for", "against", "abstain"])
            try await service.closeSession(roundID: online, actor: w.office, tree: w.tree)
            let status = try await service.session(roundID: online, actor: w.office, tree: w.tree)
            // By hand: 食堂 for + for = 2; 护学岗 against + for; 电梯 abstain + against.
            XCTAssertEqual(status.tallies[onlineIDs[0]], .init(candidateID: onlineIDs[0], votesFor: 2, against: 0, abstain: 0))
            XCTAssertEqual(status.tallies[onlineIDs[1]], .init(candidateID: onlineIDs[1], votesFor: 1, against: 1, abstain: 0))
            XCTAssertEqual(status.tallies[onlineIDs[2]], .init(candidateID: onlineIDs[2], votesFor: 0, against: 1, abstain: 1))
            // 2 of 300 is not more than half: nothing passes; said, not forced.
            XCTAssertEqual(status.result?.chosen, [])
            do {
                try await service.castBallot(roundID: online, choices: [onlineIDs[0]: "for", onlineIDs[1]: "for", onlineIDs[2]: "for"],
                                             actor: Actor(accountID: deputies[2], regionID: w.city, unitID: nil, roles: [.evaluator]))
                XCTFail("a vote after the close")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
        }
    }

    /// 16 proposals and then 16 votes at once (file SQLite as served, and PostgreSQL): every one
    /// taken, the round's numbers 1…16 each given once, 16 voters counted.
    func testSixteenProposersAndVotersAtOnce() async throws {
        try await TestApp.run(fileDatabase: true) { app in
            let w = try await world(app)
            let service = SelectionService(db: app.db)
            var draft = SelectionService.RoundDraft.standard(year: 2027, regionName: "测试市")
            (draft.opensOn, draft.closesOn) = (ChineseDate.isoDay(Date().addingTimeInterval(-86_400)), ChineseDate.isoDay(Date().addingTimeInterval(30 * 86_400)))
            let round = try await service.createRound(regionID: w.city, draft, actor: w.office, tree: w.tree).requireID()
            let failures = await withTaskGroup(of: String?.self) { group -> [String] in
                for n in 1...16 {
                    group.addTask {
                        do {
                            _ = try await service.submit(roundID: round, .init(title: "建议\(n)", body: "第 \(n) 条建议的内容。", category: "养老托育",
                                                                               phone: String(format: "139000000%02d", n)),
                                                         address: "10.9.0.\(n)", browser: nil)
                            return nil
                        } catch { return "\(error)" }
                    }
                }
                var all: [String] = []
                for await outcome in group { if let outcome { all.append(outcome) } }
                return all
            }
            XCTAssertEqual(failures, [])
            let seqs = try await Proposal.query(on: app.db).filter(\.$round.$id == round).all().map(\.seq).sorted()
            XCTAssertEqual(seqs, Array(1...16))
            for n in 1...3 {
                try await service.answer(proposalID: try await XCTUnwrapAsync(try await Proposal.query(on: app.db).filter(\.$seq == n).first()?.id),
                                         state: .candidate, text: "", actor: w.office, tree: w.tree)
            }
            var ids: [Int] = []
            for n in 1...3 {
                ids.append(try await service.saveCandidate(roundID: round, .init(name: "候选\(n)", description: "候选\(n)。", cost: "", unitID: nil, proposals: "\(n)"),
                                                           actor: w.office, tree: w.tree))
            }
            try await service.setShortlistRules(roundID: round, .init(places: "2", voteOpensOn: draft.opensOn, voteClosesOn: draft.closesOn, votePicks: "2"),
                                                actor: w.office, tree: w.tree)
            let candidateIDs = ids
            let voteFailures = await withTaskGroup(of: String?.self) { group -> [String] in
                for n in 1...16 {
                    group.addTask {
                        do {
                            try await service.vote(roundID: round, picks: ["\(candidateIDs[n % 3])"], phone: String(format: "137000000%02d", n), address: "10.8.0.\(n)", browser: nil)
                            return nil
                        } catch { return "\(error)" }
                    }
                }
                var all: [String] = []
                for await outcome in group { if let outcome { all.append(outcome) } }
                return all
            }
            XCTAssertEqual(voteFailures, [])
            let shortlist = try await service.shortlist(roundID: round)
            XCTAssertEqual(shortlist.voters, 16)
            // n % 3: 0 for n = 3, 6, 9, 12, 15 (5); 1 for 1, 4, 7, 10, 13, 16 (6); 2 for 2, 5, 8, 11, 14 (5).
            XCTAssertEqual(shortlist.candidates.map(\.votes), [5, 6, 5])
        }
    }
}
