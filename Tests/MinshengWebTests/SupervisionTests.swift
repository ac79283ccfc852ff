import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// Supervision on a small city: 测试市 with 甲县 and 乙县, 口袋公园 in both counties (甲县住建局,
/// 乙县住建局 responsible) and 普惠托位 in 甲县 (甲县卫健局). Dates are in 2024; working days are
/// Monday to Friday (2 September 2024 was a Monday).
final class SupervisionTests: XCTestCase {
    struct City {
        let tree: RegionTree
        let city: Int, jia: Int, yi: Int
        let park: Int, nursery: Int
        let jiaHousing: Int, yiHousing: Int, jiaHealth: Int
        let office: Actor
        /// Project observer of 口袋公园 in 甲县.
        let observer: Actor
        /// Unit observer of 乙县住建局.
        let unitObserver: Actor
        let supervisor: Actor
        /// Reporters of 甲县住建局 and 乙县住建局.
        let jiaReporter: Actor, yiReporter: Actor
    }

    static func at(_ month: Int, _ day: Int, _ hour: Int = 10) -> Date { SupervisionCoreTestsDates.at(month, day, hour) }

    static func city(_ app: Application) async throws -> City {
        var plan: [[String]] = [PlanFile.header]
        for (region, target) in [("全市", "100"), ("甲县", "50"), ("乙县", "50")] {
            plan.append(["市定", "1", "测试实事1", "口袋公园", "建设口袋公园", "个", "进度", "求和", "市住建局", region, target])
        }
        for (region, target) in [("全市", "50"), ("甲县", "50")] {
            plan.append(["市定", "2", "测试实事2", "普惠托位", "新增托位", "个", "进度", "求和", "市卫健委", region, target])
        }
        _ = try await PlanImporter(db: app.db).importPlan(try PlanFile.parse(rows: plan), regionName: "测试市", year: 2024, createRegions: true, by: nil)
        let tree = try await RegionService(db: app.db).tree()
        func region(_ name: String) async throws -> Int { try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == name).first()?.id) }
        let (city, jia, yi) = (try await region("测试市"), try await region("甲县"), try await region("乙县"))
        let units = UnitService(db: app.db)
        let jiaHousing = try await units.create(name: "甲县住建局", phone: nil, regionID: jia, by: nil).requireID()
        let yiHousing = try await units.create(name: "乙县住建局", phone: nil, regionID: yi, by: nil).requireID()
        let jiaHealth = try await units.create(name: "甲县卫健局", phone: nil, regionID: jia, by: nil).requireID()
        let park = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "口袋公园").first()?.id)
        let nursery = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "普惠托位").first()?.id)
        for target in try await Target.query(on: app.db).with(\.$indicator).all() {
            let isPark = target.indicator.$project.id == park
            switch (target.$region.id, isPark) {
            case (jia, true): target.$responsibleUnit.id = jiaHousing
            case (yi, true): target.$responsibleUnit.id = yiHousing
            case (jia, false): target.$responsibleUnit.id = jiaHealth
            default: continue
            }
            try await target.save(on: app.db)
        }
        let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
        func account(_ username: String, _ region: Int, _ roles: Set<Role>, unit: Int? = nil) async throws -> Actor {
            let id = try await accounts.create(.init(username: username, displayName: username, password: "Passw0rd-supervise", regionID: region, unitID: unit,
                                                     roles: roles, mustChangePassword: false), by: nil).requireID()
            return Actor(accountID: id, regionID: region, unitID: unit, roles: roles)
        }
        let office = try await account("sv_office", city, [.admin])
        let observer = try await account("sv_observer", city, [.observer])
        let unitObserver = try await account("sv_unitobs", city, [.observer])
        let supervisor = try await account("sv_supervisor", city, [.supervisor])
        let jiaReporter = try await account("sv_jia", jia, [.reporter], unit: jiaHousing)
        let yiReporter = try await account("sv_yi", yi, [.reporter], unit: yiHousing)
        let service = SupervisionService(db: app.db)
        _ = try await service.appoint(accountID: observer.accountID, .init(role: .observer, scope: .project, identity: .beneficiary, project: "\(park):\(jia)",
                                                                           termFrom: "2024-01-01", termUntil: "2024-12-31"), actor: office, tree: tree)
        _ = try await service.appoint(accountID: unitObserver.accountID, .init(role: .observer, scope: .unit, identity: .deputy, unitID: yiHousing,
                                                                               termFrom: "2024-01-01", termUntil: "2024-12-31"), actor: office, tree: tree)
        _ = try await service.appoint(accountID: supervisor.accountID, .init(role: .supervisor, scope: .region, identity: .deputy,
                                                                             termFrom: "2024-01-01", termUntil: "2024-12-31"), actor: office, tree: tree)
        func appointed(_ a: Actor, _ role: Role) -> Actor { Actor(accountID: a.accountID, regionID: a.regionID, unitID: a.unitID, roles: [role]) }
        return City(tree: tree, city: city, jia: jia, yi: yi, park: park, nursery: nursery, jiaHousing: jiaHousing, yiHousing: yiHousing, jiaHealth: jiaHealth,
                    office: office, observer: appointed(observer, .observer), unitObserver: appointed(unitObserver, .observer),
                    supervisor: appointed(supervisor, .supervisor), jiaReporter: jiaReporter, yiReporter: yiReporter)
    }

    func raise(_ app: Application, _ c: City, by actor: Actor? = nil, project: Int? = nil, region: Int? = nil, category: ProblemCategory = .quality,
               severity: ProblemSeverity = .major, text: String = "围墙压顶松动，有坠落风险。", at: Date) async throws -> Int {
        try await ProblemService(db: app.db).raise(.init(projectID: project ?? c.park, regionID: region ?? c.jia, category: category.rawValue,
                                                         severity: severity.rawValue, description: text, location: "公园东门"),
                                                   photos: [], actor: actor ?? c.observer, tree: c.tree, now: at).requireID()
    }

    func problem(_ app: Application, _ id: Int) async throws -> Problem {
        try await XCTUnwrapAsync(try await Problem.find(id, on: app.db))
    }

    func testRaiseAssignAnswerConfirm() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let service = ProblemService(db: app.db)
            let id = try await raise(app, c, at: Self.at(9, 2, 9))
            var p = try await problem(app, id)
            XCTAssertEqual(p.stateValue, .pending)
            XCTAssertNil(p.$unit.id, "no unit until the office assigns it")
            try await XCTAssertEqualAsync(try await service.list(actor: c.jiaReporter, tree: c.tree).listing.total, 0, "the unit does not see it yet")
            await XCTAssertServiceErrorAsync(try await service.problem(id: id, actor: c.jiaReporter, tree: c.tree), .notFound)
            // Only the office assigns.
            await XCTAssertServiceErrorAsync(try await service.assign(id: id, unitID: c.jiaHousing, severity: nil, actor: c.supervisor, tree: c.tree), .forbidden)
            try await service.assign(id: id, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(9, 2, 14))
            p = try await problem(app, id)
            XCTAssertEqual(p.stateValue, .rectifying)
            // 较重: 10 working days from Monday 2 September — Sep 3–6, 9–13, 16 — overdue from 17 September.
            XCTAssertEqual(p.dueAt, Self.at(9, 17, 0))
            XCTAssertEqual(p.clockDays, 10)
            // Another unit cannot answer; the assigned one does.
            await XCTAssertServiceErrorAsync(try await service.answer(id: id, text: "已整改完毕，请复核。整改到位。", photos: [], actor: c.yiReporter, tree: c.tree), .notFound)
            try await service.answer(id: id, text: "已更换压顶并加固，整改到位。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(9, 10))
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .answered)
            // Someone else confirming is refused: the unit itself, a supervisor, the other observer.
            for other in [c.jiaReporter, c.supervisor, c.unitObserver] {
                await XCTAssertServiceErrorAsync(try await service.review(id: id, verdict: .confirm, text: "", actor: other, tree: c.tree), .forbidden)
            }
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .answered, "nothing changed")
            try await service.review(id: id, verdict: .confirm, text: "现场复核已整改。", actor: c.observer, tree: c.tree, now: Self.at(9, 12))
            p = try await problem(app, id)
            XCTAssertEqual(p.stateValue, .rectified)
            XCTAssertEqual(p.rectifiedAt, Self.at(9, 12))
            let history = try await service.history(id)
            XCTAssertEqual(history.map(\.step.actionValue), [.raise, .assign, .answer, .confirm])
            XCTAssertEqual(history.map(\.step.$account.id), [c.observer.accountID, c.office.accountID, c.jiaReporter.accountID, c.observer.accountID])
            XCTAssertEqual(history.map(\.step.onBehalf), [false, false, false, false])
            // A confirmed problem takes no further step.
            await XCTAssertServiceErrorAsync(try await service.review(id: id, verdict: .reopen, text: "其实没有整改好", actor: c.observer, tree: c.tree), .conflict)
        }
    }

    func testPartlyRectifiedThenNotRectified() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let service = ProblemService(db: app.db)
            let id = try await raise(app, c, at: Self.at(9, 2, 9))
            try await service.assign(id: id, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(9, 2, 14))
            try await service.answer(id: id, text: "已加固东侧压顶，西侧正在施工。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(9, 10))
            // A new deadline in the past, or none, is refused with nothing written.
            for deadline in ["2024-09-01", "", "2024-02-30"] {
                await XCTAssertServiceErrorAsync(try await service.review(id: id, verdict: .partial, text: "西侧未完成", newDeadline: deadline,
                                                                          actor: c.observer, tree: c.tree, now: Self.at(9, 12)), .invalid, deadline)
            }
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .answered)
            try await XCTAssertEqualAsync(try await service.history(id).count, 3)
            // Partly: a new deadline of 30 September, 12 working days from Thursday 12 September (13, 16–20, 23–27, 30).
            try await service.review(id: id, verdict: .partial, text: "西侧未完成", newDeadline: "2024-09-30", actor: c.observer, tree: c.tree, now: Self.at(9, 12))
            var p = try await problem(app, id)
            XCTAssertEqual(p.stateValue, .partial)
            XCTAssertEqual(p.clockDays, 12)
            XCTAssertEqual(p.dueAt, Self.at(10, 1, 0))
            // Answered again; "未整改" sends it back with the deadline standing.
            try await service.answer(id: id, text: "西侧压顶已全部完成。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(9, 25))
            await XCTAssertServiceErrorAsync(try await service.review(id: id, verdict: .reopen, text: "", actor: c.observer, tree: c.tree), .invalid,
                                             "未整改 needs what is not done")
            try await service.review(id: id, verdict: .reopen, text: "西侧压顶仍然松动。", actor: c.observer, tree: c.tree, now: Self.at(9, 26))
            p = try await problem(app, id)
            XCTAssertEqual(p.stateValue, .rectifying)
            XCTAssertEqual(p.dueAt, Self.at(10, 1, 0), "the deadline stands")
            XCTAssertNil(p.answeredAt)
            XCTAssertEqual(p.urgency(at: Self.at(10, 8)), .yellow)
            // The office confirms for the raiser, recorded as such.
            try await service.answer(id: id, text: "已重新施工，压顶牢固。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(10, 9))
            try await service.review(id: id, verdict: .confirm, text: "", actor: c.office, tree: c.tree, now: Self.at(10, 10))
            let last = try await XCTUnwrapAsync(try await service.history(id).last?.step)
            XCTAssertTrue(last.onBehalf)
            XCTAssertEqual(last.$account.id, c.office.accountID)
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .rectified)
        }
    }

    func testOverdueAndColoursInTheList() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let service = ProblemService(db: app.db)
            // Assigned Monday 2 September: 紧急 3 days (overdue from 6 Sep, red from 11 Sep), 较重 10 (overdue from 17 Sep),
            // 一般 30 (blue from 10 Oct, overdue from 15 Oct).
            var ids: [ProblemSeverity: Int] = [:]
            for severity in ProblemSeverity.allCases {
                let id = try await raise(app, c, severity: severity, text: "问题：\(severity.label)", at: Self.at(9, 2, 9))
                try await service.assign(id: id, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(9, 2, 14))
                ids[severity] = id
            }
            let (_, september12) = try await service.list(actor: c.office, tree: c.tree, now: Self.at(9, 12))
            XCTAssertEqual([september12.blue, september12.overdue, september12.red], [1, 1, 1],
                           "12 Sep: 紧急 red (and overdue), 较重 blue (due 17 Sep, within 3 working days), 一般 nothing")
            let (red, _) = try await service.list(actor: c.office, tree: c.tree, filter: ListFilter(status: "red"), now: Self.at(9, 12))
            XCTAssertEqual(red.items.compactMap(\.id), [ids[.urgent]].compactMap { $0 })
            let (_, october10) = try await service.list(actor: c.office, tree: c.tree, now: Self.at(10, 10))
            XCTAssertEqual([october10.blue, october10.overdue, october10.red], [1, 2, 2], "10 Oct: 一般 blue; 紧急 and 较重 (red from 1 Oct) red")
            // The unit's badge counts what it owes and what is overdue.
            let waiting = try await service.waiting(unitID: c.jiaHousing, now: Self.at(9, 12))
            XCTAssertEqual(waiting.open, 3)
            XCTAssertEqual(waiting.overdue, 1)
            // The office's own times: 一般 from now on 20 days; what was assigned keeps its deadline.
            try await SupervisionService(db: app.db).setDeadlines(.init(urgent: 2, major: 5, normal: 20), regionID: c.city, actor: c.office, tree: c.tree)
            try await XCTAssertEqualAsync(try await problem(app, ids[.normal] ?? 0).clockDays, 30)
            await XCTAssertServiceErrorAsync(try await SupervisionService(db: app.db).setDeadlines(.init(urgent: 5, major: 2, normal: 20), regionID: c.city,
                                                                                                   actor: c.office, tree: c.tree), .invalid)
            try await XCTAssertEqualAsync(try await SupervisionService(db: app.db).deadlines(regionID: c.jia, tree: c.tree).normal, 20, "a county follows its city")
            // An overdue problem reaches the bulletin's 存在问题 and the unit's letter.
            let letters = try await LetterService(db: app.db).proposals(regionID: c.jia, year: 2024, month: 9, tree: c.tree, now: Self.at(10, 10))
            let letter = try await XCTUnwrapAsync(letters.first { $0.unitID == c.jiaHousing })
            XCTAssertEqual(letter.overdueProblems, 2, "at the end of September: 紧急 and 较重")
            XCTAssertEqual(letter.tier, .notice, "both past twice their time by 1 October")
            XCTAssertTrue(letter.lines.contains("观察员、监督员提出的问题中有2个已超过整改期限未整改到位，其中2个超过整改时限一倍以上"))
        }
    }

    func testTheMonthsEndReadsTheHistory() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let service = ProblemService(db: app.db)
            let reports = SupervisionReportService(db: app.db)
            // A: assigned Mon 8 Jan with 3 working days (overdue from Thu 11 Jan), answered Wed 10 Jan, confirmed 5 Feb.
            let a = try await raise(app, c, severity: .urgent, text: "问题甲：按时反馈", at: Self.at(1, 8, 9))
            try await service.assign(id: a, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(1, 8, 10))
            try await service.answer(id: a, text: "已整改完毕，请观察员复核。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(1, 10))
            try await service.review(id: a, verdict: .confirm, text: "", actor: c.observer, tree: c.tree, now: Self.at(2, 5))
            // B: assigned Mon 8 Jan with 3 days, not answered by the end of January; in February answered and found
            // partly done with a new deadline of 29 February.
            let b = try await raise(app, c, severity: .urgent, text: "问题乙：逾期", at: Self.at(1, 8, 9))
            try await service.assign(id: b, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(1, 8, 10))
            try await service.answer(id: b, text: "已完成大部分整改工作。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(2, 2))
            try await service.review(id: b, verdict: .partial, text: "还有一处未完成", newDeadline: "2024-02-29", actor: c.observer, tree: c.tree, now: Self.at(2, 5))
            // January as it stood at its end, asked in December: A open (answered, waiting) and not overdue, B overdue.
            let january = try await reports.statistics(regionID: c.city, year: 2024, month: 1, tree: c.tree, now: Self.at(12, 1))
            XCTAssertEqual([january.total.raised, january.total.rectified, january.total.open, january.total.overdue], [2, 0, 2, 1])
            // February: A rectified; B given until Thursday 29 February and not answered: at the month's end
            // (midnight starting 1 March) that day has passed, so it is overdue again.
            let february = try await reports.statistics(regionID: c.city, year: 2024, month: 2, tree: c.tree, now: Self.at(12, 1))
            XCTAssertEqual([february.total.rectified, february.total.open, february.total.overdue], [1, 1, 1])
            // In the middle of February it was not: asked on 20 February (the running month), B is open and within its time.
            let midFebruary = try await reports.statistics(regionID: c.city, year: 2024, month: 2, tree: c.tree, now: Self.at(2, 20))
            XCTAssertEqual([midFebruary.total.open, midFebruary.total.overdue], [1, 0])
            let letters = try await reports.overdue(unitIDs: [c.jiaHousing], until: ChineseDate.endOfMonth(year: 2024, month: 1))
            XCTAssertEqual(letters[c.jiaHousing]?.all, 1, "January's letter names B only")
            // A weekend is not a deadline.
            let d = try await raise(app, c, text: "问题丙：周末期限", at: Self.at(3, 1, 9))
            try await service.assign(id: d, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(3, 1, 10))
            try await service.answer(id: d, text: "已完成大部分整改工作。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(3, 4))
            await XCTAssertServiceErrorAsync(try await service.review(id: d, verdict: .partial, text: "还有一处未完成", newDeadline: "2024-03-16", actor: c.observer,
                                                                      tree: c.tree, now: Self.at(3, 5)), .invalid, "16 March 2024 was a Saturday")
            // Reassigned to 甲县卫健局: a new clock; 甲县住建局 no longer answers.
            let e = try await raise(app, c, text: "问题丁：改派", at: Self.at(3, 1, 9))
            try await service.assign(id: e, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(3, 1, 10))
            try await service.assign(id: e, unitID: c.jiaHealth, severity: ProblemSeverity.urgent.rawValue, actor: c.office, tree: c.tree, now: Self.at(3, 4, 10))
            let moved = try await problem(app, e)
            XCTAssertEqual(moved.$unit.id, c.jiaHealth)
            XCTAssertEqual(moved.dueAt, Self.at(3, 8, 0), "3 working days from Monday 4 March: 5, 6, 7 March")
            await XCTAssertServiceErrorAsync(try await service.answer(id: e, text: "已整改完毕，请复核。", photos: [], actor: c.jiaReporter, tree: c.tree), .notFound)
        }
    }

    func testWhoMayRaiseWhere() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            // The project observer of 口袋公园 in 甲县: not 乙县's 口袋公园, not 甲县's 托位.
            await XCTAssertServiceErrorAsync(try await raise(app, c, region: c.yi, at: Self.at(9, 2)), .notFound)
            await XCTAssertServiceErrorAsync(try await raise(app, c, project: c.nursery, at: Self.at(9, 2)), .notFound)
            // The unit observer of 乙县住建局: 乙县's 口袋公园 only.
            _ = try await raise(app, c, by: c.unitObserver, region: c.yi, at: Self.at(9, 2))
            await XCTAssertServiceErrorAsync(try await raise(app, c, by: c.unitObserver, region: c.jia, at: Self.at(9, 2)), .notFound)
            // The supervisor (the whole city): anywhere in it; a reporter is not appointed; the office may.
            _ = try await raise(app, c, by: c.supervisor, project: c.nursery, at: Self.at(9, 2))
            await XCTAssertServiceErrorAsync(try await raise(app, c, by: c.jiaReporter, at: Self.at(9, 2)), .forbidden)
            _ = try await raise(app, c, by: c.office, region: c.yi, at: Self.at(9, 2))
            // Outside the term (2024) the observer raises nothing.
            await XCTAssertServiceErrorAsync(try await raise(app, c, at: Self.at(1, 1, 0).addingTimeInterval(-86_400)), .forbidden)
            let raisable = try await ProblemService(db: app.db).raisable(actor: c.observer, tree: c.tree, now: Self.at(9, 2))
            XCTAssertEqual(raisable.map { [$0.projectID, $0.regionID] }, [[c.park, c.jia]])
            try await XCTAssertEqualAsync(try await Problem.query(on: app.db).count(), 3)
            // A reporter's list holds its unit's problems only, once assigned to it.
            let service = ProblemService(db: app.db)
            try await XCTAssertEqualAsync(try await service.list(actor: c.yiReporter, tree: c.tree).listing.total, 0)
            for problem in try await Problem.query(on: app.db).filter(\.$region.$id == c.yi).all() {
                try await service.assign(id: try problem.requireID(), unitID: c.yiHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(9, 3))
            }
            let (mine, _) = try await service.list(actor: c.yiReporter, tree: c.tree)
            XCTAssertEqual(mine.total, 2, "the unit observer's and the office's, both on 乙县's 口袋公园")
            try await XCTAssertEqualAsync(try await service.list(actor: c.jiaReporter, tree: c.tree).listing.total, 0, "甲县住建局 has none of them")
        }
    }

    func testReference003SevenRaisedSevenRectified() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let service = ProblemService(db: app.db)
            // Reference 003: "观察员共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个" — here 4 quality and 3 safety
            // problems raised in January to July, each rectified; days from raising to confirmation 2, 3, 4, 5, 6, 7, 8
            // (median 5). In August one more, open and past its deadline at the end of August.
            let kinds: [ProblemCategory] = [.quality, .safety, .quality, .safety, .quality, .safety, .quality]
            for (index, kind) in kinds.enumerated() {
                let month = index + 1
                let id = try await raise(app, c, category: kind, text: "第\(month)个问题", at: Self.at(month, 2, 9))
                try await service.assign(id: id, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(month, 2, 11))
                try await service.answer(id: id, text: "已按观察员要求整改到位。", photos: [], actor: c.jiaReporter, tree: c.tree, now: Self.at(month, 2 + index + 1, 9))
                try await service.review(id: id, verdict: .confirm, text: "", actor: c.observer, tree: c.tree, now: Self.at(month, 4 + index, 9))
            }
            let august = try await raise(app, c, category: .safety, severity: .urgent, text: "第8个问题", at: Self.at(8, 5, 9))
            try await service.assign(id: august, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: Self.at(8, 5, 11))
            let reports = SupervisionReportService(db: app.db)
            let july = try await reports.statistics(regionID: c.city, year: 2024, month: 7, tree: c.tree, now: Self.at(12, 1))
            XCTAssertEqual([july.total.raised, july.total.rectified, july.total.open, july.total.overdue], [7, 7, 0, 0])
            XCTAssertEqual(july.total.medianDays, 5)
            XCTAssertEqual(july.sentence, "观察员共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个")
            let aug = try await reports.statistics(regionID: c.city, year: 2024, month: 8, tree: c.tree, now: Self.at(12, 1))
            XCTAssertEqual([aug.total.raised, aug.total.rectified, aug.total.open, aug.total.overdue], [8, 7, 1, 1])
            XCTAssertEqual(aug.thisMonth?.raised, 1)
            XCTAssertEqual(aug.byRegion.map(\.name), ["甲县", "乙县"])
            XCTAssertEqual(aug.byRegion.map(\.tally.raised), [8, 0])
            XCTAssertEqual(aug.byUnit.map(\.name), ["甲县住建局"])
            XCTAssertEqual(aug.byCategory.map { "\($0.name) \($0.tally.raised)" }, ["安全隐患 4", "工程建设质量 4"])
            XCTAssertEqual(aug.monthly.map(\.tally.raised), [1, 1, 1, 1, 1, 1, 1, 1])
            // The normative JSON.
            let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(aug.json.text().utf8)) as? [String: Any])
            XCTAssertEqual(Set(decoded.keys), ["region", "month", "problems", "by_region", "by_unit", "inspections"])
            XCTAssertEqual(decoded["month"] as? String, "2024-08")
            let problems = try XCTUnwrap(decoded["problems"] as? [String: Int])
            XCTAssertEqual(problems, ["raised": 8, "rectified": 7, "overdue": 1, "open": 1])
            let units = try XCTUnwrap(decoded["by_unit"] as? [[String: Any]])
            XCTAssertEqual(units.first?["unit"] as? String, "甲县住建局")
            XCTAssertEqual(units.first?["region"] as? String, "甲县")
            // The bulletin (set as official text, no spaces beside figures) names the overdue problem under 存在问题 and the sentence under 调度和公开情况.
            let bulletin = try await BulletinService(db: app.db).compose(regionID: c.city, draft: .init(kind: .monthly, period: .init(year: 2024, month: 8),
                                                                                                         level: nil, layout: .progress, annexes: []),
                                                                          date: "2024-09-05", tree: c.tree, now: Self.at(9, 5))
            let text = bulletin.sections.flatMap(\.paragraphs).map(\.text).joined(separator: "\n")
            XCTAssertTrue(text.contains("观察员共提出工程建设质量、安全隐患等问题8个，已整改7个，正在整改1个（其中超期1个）"), text)
            XCTAssertTrue(text.contains("其中1个已超过整改期限，主要是甲县住建局（1个）"), text)
            // The page and the exports show the same figures.
            let browser = TestBrowser(app)
            try await browser.signIn("sv_office", "Passw0rd-supervise")
            let page = try await browser.get("/supervision?month=2024-07")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("观察员共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个。"))
            let csv = try await browser.get("/supervision/statistics.csv?month=2024-08")
            XCTAssertTrue(csv.body.contains("合计,8,7,1,1,0,87.50%,5.0"), "7 ÷ 8 = 87.50%: \(csv.body.prefix(300))")
            let xlsx = try await browser.get("/supervision/statistics.xlsx?month=2024-08")
            XCTAssertEqual(Array(xlsx.data.prefix(2)), [0x50, 0x4B])
        }
    }

    func testTheWholePathOnThePagesWithPhotosAndBadInput() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            // The observer's term covers today for the pages.
            for s in try await Supervisor.query(on: app.db).all() { s.termUntil = "2099-12-31"; s.termFrom = "2000-01-01"; try await s.save(on: app.db) }
            let observer = TestBrowser(app)
            try await observer.signIn("sv_observer", "Passw0rd-supervise")
            let form = try await observer.get("/problems/new")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains("name=\"description\""), "one project: the form itself")
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(repeating: 0x11, count: 2000)
            let fields: [(String, String)] = [("project", "\(c.park)"), ("region", "\(c.jia)"), ("category", "quality"), ("severity", "major"),
                                              ("description", "<script>alert(1)</script>围墙裂缝"), ("location", "\"><img src=x onerror=alert(1)>")]
            // Bad input: an empty description, a document in place of a photo, an oversized photo — refused, nothing written.
            var empty = fields
            empty[4] = ("description", "   ")
            let refusedEmpty = try await observer.uploadFiles("/problems", fields: empty, files: [])
            XCTAssertEqual(refusedEmpty.status, .unprocessableEntity)
            XCTAssertTrue(refusedEmpty.body.contains("请填写问题描述（不少于 5 个字）。"))
            let pdf = try await observer.uploadFiles("/problems", fields: fields, files: [(name: "说明.pdf", data: Data("%PDF-1.4 test".utf8))])
            XCTAssertTrue(pdf.body.contains("“说明.pdf”不是照片"), pdf.body)
            let big = try await observer.uploadFiles("/problems", fields: fields, files: [(name: "现场.jpg", data: Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(repeating: 0, count: 11 * 1024 * 1024))])
            XCTAssertTrue(big.body.contains("“现场.jpg”超过 10 MB"), big.body.prefix(200).description)
            try await XCTAssertEqualAsync(try await Problem.query(on: app.db).count(), 0)
            try await XCTAssertEqualAsync(try await SupervisionFile.query(on: app.db).count(), 0)
            // Raised with a photo; script stays text.
            let raised = try await observer.uploadFiles("/problems", fields: fields, files: [(name: "现场.jpg", data: jpeg)])
            XCTAssertEqual(raised.status, .seeOther)
            let id = try await XCTUnwrapAsync(try await Problem.query(on: app.db).first()?.id)
            let page = try await observer.get("/problems/\(id)")
            XCTAssertFalse(page.body.contains("<script>alert(1)"))
            XCTAssertFalse(page.body.contains("<img src=x"))
            XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;围墙裂缝"))
            let file = try await XCTUnwrapAsync(try await SupervisionFile.query(on: app.db).first()?.id)
            try await XCTAssertEqualAsync(try await observer.get("/supervision/files/\(file)").status, .ok)
            // Someone without business with the problem sees neither it nor its photo.
            let other = TestBrowser(app)
            try await other.signIn("sv_yi", "Passw0rd-supervise")
            try await XCTAssertEqualAsync(try await other.get("/problems/\(id)").status, .notFound)
            try await XCTAssertEqualAsync(try await other.get("/supervision/files/\(file)").status, .notFound)
            // The office assigns; the unit answers with an after-photo; the observer confirms.
            let office = TestBrowser(app)
            try await office.signIn("sv_office", "Passw0rd-supervise")
            try await XCTAssertEqualAsync(try await office.post("/problems/\(id)/assign", [("unit", "\(c.jiaHousing)"), ("severity", "major")]).status, .seeOther)
            let unit = TestBrowser(app)
            try await unit.signIn("sv_jia", "Passw0rd-supervise")
            let inbox = try await unit.get("/problems")
            XCTAssertTrue(inbox.body.contains("问题整改"), "the unit's navigation names its duty")
            XCTAssertTrue(inbox.body.contains("待整改问题 1 个"))
            try await unit.get("/problems/\(id)")
            try await XCTAssertEqualAsync(try await unit.uploadFiles("/problems/\(id)/answer", fields: [("text", "裂缝已修补，外墙重新粉刷完成。")], files: [(name: "整改后.jpg", data: jpeg + Data([1]))]).status,
                           .seeOther)
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .answered)
            // The unit cannot confirm its own work.
            try await unit.post("/problems/\(id)/review", [("verdict", "confirm"), ("text", "")])
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .answered)
            try await observer.get("/problems/\(id)")
            try await XCTAssertEqualAsync(try await observer.post("/problems/\(id)/review", [("verdict", "confirm"), ("text", "已整改")]).status, .seeOther)
            try await XCTAssertEqualAsync(try await problem(app, id).stateValue, .rectified)
            try await XCTAssertEqualAsync(try await SupervisionFile.query(on: app.db).count(), 2)
            // The public page counts it; its text only once the office publishes it.
            let publicPage = try await TestBrowser(app).get("/p/\(c.park)/\(c.jia)")
            XCTAssertTrue(publicPage.body.contains("观察员、监督员共提出问题 1 个，已整改 1 个。"), publicPage.body)
            XCTAssertFalse(publicPage.body.contains("围墙裂缝"))
            try await office.get("/problems/\(id)")
            try await office.post("/problems/\(id)/publish", [("published", "1")])
            let published = try await TestBrowser(app).get("/p/\(c.park)/\(c.jia)")
            XCTAssertTrue(published.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;围墙裂缝"))
        }
    }

    func testTheRosterAndInspections() async throws {
        try await TestApp.run { app in
            let c = try await Self.city(app)
            let browser = TestBrowser(app)
            try await browser.signIn("sv_office", "Passw0rd-supervise")
            let roster = try await browser.get("/supervision/people")
            XCTAssertEqual(roster.status, .ok)
            XCTAssertTrue(roster.body.contains("共 3 条"))
            let csv = try await browser.get("/supervision/people.csv?category=observer")
            XCTAssertTrue(csv.body.contains("sv_observer,观察员（项目观察员）,受益群众,测试市,甲县 口袋公园"), csv.body)
            XCTAssertFalse(csv.body.contains("sv_supervisor"), "the filter holds in the export")
            // A second appointment of one account is refused; a term ending before it starts too.
            let again = try await browser.post("/supervision/people", [("account", "\(c.observer.accountID)"), ("role", "observer"), ("scope", "region"),
                                                                         ("identity", "deputy"), ("from", "2024-01-01"), ("until", "2024-12-31")])
            XCTAssertEqual(again.status, .seeOther)
            try await XCTAssertEqualAsync(try await Supervisor.query(on: app.db).count(), 3)
            let evaluator = try await AccountService(db: app.db, hasher: app.passwordHasher)
                .create(.init(username: "sv_eval", displayName: "评议员甲", password: "Passw0rd-supervise", regionID: c.city, unitID: nil, roles: [.leader],
                              mustChangePassword: false), by: nil).requireID()
            try await browser.get("/supervision/people")
            try await browser.post("/supervision/people", [("account", "\(evaluator)"), ("role", "evaluator"), ("scope", "region"), ("identity", "cppcc"),
                                                           ("from", "2024-12-31"), ("until", "2024-01-01")])
            try await XCTAssertEqualAsync(try await Supervisor.query(on: app.db).count(), 3)
            try await browser.post("/supervision/people", [("account", "\(evaluator)"), ("role", "evaluator"), ("scope", "region"), ("identity", "cppcc"),
                                                           ("phone", "138 0739 0000"), ("from", "2024-01-01"), ("until", "2024-12-31")])
            let account = try await XCTUnwrapAsync(try await Account.find(evaluator, on: app.db))
            XCTAssertEqual(account.roleSet, [.leader, .evaluator], "the role is added to the account")
            try await XCTAssertEqualAsync(try await Supervisor.query(on: app.db).filter(\.$account.$id == evaluator).first()?.phone, "13807390000")

            // An inspection by the supervisor with two sites; the participants record findings.
            let inspections = InspectionService(db: app.db)
            let inspection = try await inspections.schedule(.init(kind: "visit", title: "9月现场视察", date: "2024-09-18",
                                                                  sites: [(key: "\(c.park):\(c.jia)", site: "东门"), (key: "\(c.nursery):\(c.jia)", site: "")],
                                                                  participants: [c.supervisor.accountID, c.observer.accountID]),
                                                            regionID: c.city, actor: c.supervisor, tree: c.tree, now: Self.at(9, 10))
            await XCTAssertServiceErrorAsync(try await inspections.schedule(.init(kind: "visit", title: "视察", date: "2024-09-18", sites: [], participants: [c.supervisor.accountID]),
                                                                            regionID: c.city, actor: c.observer, tree: c.tree, now: Self.at(9, 10)), .forbidden, "an observer does not schedule")
            await XCTAssertServiceErrorAsync(try await inspections.schedule(.init(kind: "visit", title: "视察", date: "2025-03-18", sites: [(key: "\(c.park):\(c.jia)", site: "")],
                                                                                  participants: [c.supervisor.accountID]),
                                                                            regionID: c.city, actor: c.supervisor, tree: c.tree, now: Self.at(9, 10).addingTimeInterval(86_400 * 200)),
                                             .forbidden, "the supervisor's term (2024) has ended")
            await XCTAssertServiceErrorAsync(try await inspections.schedule(.init(kind: "visit", title: "视察", date: "2024-09-18", sites: [(key: "\(c.park):\(c.jia)", site: "")],
                                                                                  participants: [c.jiaReporter.accountID]),
                                                                            regionID: c.city, actor: c.office, tree: c.tree), .invalid, "a unit's reporter is not appointed")
            let detail = try await inspections.inspection(id: try inspection.requireID(), actor: c.observer, tree: c.tree)
            let site = try XCTUnwrap(detail.sites.first?.id)
            _ = try await inspections.record(siteID: site, progress: 4, quality: 3, notes: "进度正常", photos: [], actor: c.observer, tree: c.tree)
            _ = try await inspections.record(siteID: site, progress: 3, quality: 3, notes: "改为较好", photos: [], actor: c.observer, tree: c.tree)
            await XCTAssertServiceErrorAsync(try await inspections.record(siteID: site, progress: 5, quality: 3, notes: "", photos: [], actor: c.supervisor, tree: c.tree),
                                             .invalid, "a rating out of 1–4")
            await XCTAssertServiceErrorAsync(try await inspections.record(siteID: site, progress: 3, quality: 3, notes: "", photos: [], actor: c.jiaReporter, tree: c.tree),
                                             .notFound, "not a participant, not in the city's line")
            let findings = try await InspectionFinding.query(on: app.db).all()
            XCTAssertEqual(findings.map(\.progressRating), [3], "recording again replaces the participant's finding")
            let stats = try await SupervisionReportService(db: app.db).statistics(regionID: c.city, year: 2024, month: 9, tree: c.tree)
            XCTAssertEqual(stats.inspections, 1)
            let page = try await browser.get("/inspections/\(try inspection.requireID())")
            XCTAssertTrue(page.body.contains("推进 较好，质量 较好"))
        }
    }
}

/// Dates of the supervision tests (China time).
enum SupervisionCoreTestsDates {
    static func at(_ month: Int, _ day: Int, _ hour: Int = 10) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour)) ?? Date()
    }
}

/// 评议 and 十佳 votes on the same small city, with five evaluators (one of them from 甲县住建局,
/// responsible for 口袋公园 in 甲县).
final class EvaluationTests: XCTestCase {
    func evaluators(_ app: Application, _ c: SupervisionTests.City) async throws -> [Actor] {
        let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
        var result: [Actor] = []
        for (index, unit) in [nil, nil, nil, nil, c.jiaHousing].enumerated() {
            let id = try await accounts.create(.init(username: "ev_\(index + 1)", displayName: "评议员\(index + 1)", password: "Passw0rd-supervise", regionID: unit == nil ? c.city : c.jia,
                                                     unitID: unit, roles: [.evaluator], mustChangePassword: false), by: nil).requireID()
            _ = try await SupervisionService(db: app.db).appoint(accountID: id, .init(role: .evaluator, scope: .region, identity: .cppcc, termFrom: "2024-01-01",
                                                                                      termUntil: "2099-12-31"), actor: c.office, tree: c.tree)
            result.append(Actor(accountID: id, regionID: unit == nil ? c.city : c.jia, unitID: unit, roles: [.evaluator]))
        }
        return result
    }

    func testRecusalHiddenScoresAndTheTrimmedWeightedMean() async throws {
        try await TestApp.run { app in
            let c = try await SupervisionTests.city(app)
            let e = try await evaluators(app, c)
            let service = EvaluationService(db: app.db)
            let opened = try await service.open(regionID: c.city, year: 2024, title: "2024年项目评议", criteria: "实施过程 30\n完成质量 30\n群众满意 30\n特色亮点 10",
                                                projectIDs: [c.park, c.nursery], evaluatorIDs: e.map(\.accountID), actor: c.office, tree: c.tree)
            // 评议员5 belongs to 甲县住建局, responsible for 口袋公园: recused from it, not from 普惠托位.
            XCTAssertEqual(opened.recused.map(\.evaluator), ["评议员5"])
            XCTAssertEqual(opened.recused.map(\.project), ["口袋公园"])
            let round = try opened.round.requireID()
            try await XCTAssertEqualAsync(try await service.assignments(roundID: round, accountID: e[4].accountID).map(\.entry.project.name), ["普惠托位"])
            // 口袋公园, four evaluators — weighted by hand (30/30/30/10 ÷ 100):
            //   1: 90 80 85 70 → (2700 + 2400 + 2550 + 700) ÷ 100 = 83.5   2: 95 90 92 80 → (2850 + 2700 + 2760 + 800) ÷ 100 = 91.1
            //   3: 70 75 72 60 → (2100 + 2250 + 2160 + 600) ÷ 100 = 71.1   4: 88 86 90 85 → (2640 + 2580 + 2700 + 850) ÷ 100 = 87.7
            //   fewer than 5: not trimmed; (83.5 + 91.1 + 71.1 + 87.7) ÷ 4 = 333.4 ÷ 4 = 83.35
            // 普惠托位, five evaluators: 1: 80 80 80 80 → 80   2: 100 100 100 100 → 100   3: 60 60 60 60 → 60
            //   4: 90 90 90 90 → 90   5: 85 85 85 85 → 85; drop 100 and 60: (80 + 90 + 85) ÷ 3 = 85
            let park: [[String]] = [["90", "80", "85", "70"], ["95", "90", "92", "80"], ["70", "75", "72", "60"], ["88", "86", "90", "85"]]
            let nursery: [[String]] = [["80", "80", "80", "80"], ["100", "100", "100", "100"], ["60", "60", "60", "60"], ["90", "90", "90", "90"], ["85", "85", "85", "85"]]
            for (index, evaluator) in e.enumerated() {
                for assignment in try await service.assignments(roundID: round, accountID: evaluator.accountID) {
                    let scores = assignment.entry.$project.id == c.park ? park[index] : nursery[index]
                    try await service.score(assignmentID: try assignment.requireID(), scores: scores, note: "", actor: evaluator)
                }
            }
            // Someone else's assignment cannot be scored; a score out of range is refused.
            let first = try await XCTUnwrapAsync(try await service.assignments(roundID: round, accountID: e[0].accountID).first)
            await XCTAssertServiceErrorAsync(try await service.score(assignmentID: try first.requireID(), scores: ["1", "1", "1", "1"], note: "", actor: e[1]), .notFound)
            await XCTAssertServiceErrorAsync(try await service.score(assignmentID: try first.requireID(), scores: ["101", "1", "1", "1"], note: "", actor: e[0]), .invalid)
            // Hidden until the round closes: no results, and the pages show no other evaluator's score.
            let open = try await service.round(id: round, actor: c.office, tree: c.tree)
            try await XCTAssertNilAsync(try await service.results(open))
            let browser = TestBrowser(app)
            try await browser.signIn("ev_2", "Passw0rd-supervise")
            let page = try await browser.get("/evaluations/\(round)")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("91.10"), "its own weighted score")
            XCTAssertFalse(page.body.contains("83.50"), "not the first evaluator's")
            try await XCTAssertEqualAsync(try await browser.get("/evaluations/scores/\(try first.requireID())").status, .notFound, "another evaluator's form")
            let office = TestBrowser(app)
            try await office.signIn("sv_office", "Passw0rd-supervise")
            let officePage = try await office.get("/evaluations/\(round)")
            XCTAssertFalse(officePage.body.contains("83.50") || officePage.body.contains("83.35"), "the office sees progress, not scores")
            XCTAssertTrue(officePage.body.contains("评议结束前不显示分数"))
            // Closed: the results by hand above; 普惠托位 85.00 first, 口袋公园 83.35 second.
            try await service.close(id: round, actor: c.office, tree: c.tree)
            let closed = try await service.round(id: round, actor: c.office, tree: c.tree)
            let results = try await XCTUnwrapAsync(try await service.results(closed))
            XCTAssertEqual(results.map(\.project), ["普惠托位", "口袋公园"])
            XCTAssertEqual(results.map(\.score), [85, Decimal(string: "83.35")])
            XCTAssertEqual(results.map(\.trimmed), [true, false])
            XCTAssertEqual(results.map(\.rank), [1, 2])
            await XCTAssertServiceErrorAsync(try await service.score(assignmentID: try first.requireID(), scores: ["90", "80", "85", "70"], note: "", actor: e[0]), .conflict,
                                             "no score after the close")
            let after = try await browser.get("/evaluations/\(round)")
            XCTAssertTrue(after.body.contains("83.35") && after.body.contains("85.00"))
        }
    }

    func testVotesVoidBallotsAndTheCombinedResult() async throws {
        try await TestApp.run { app in
            let c = try await SupervisionTests.city(app)
            let e = try await evaluators(app, c)
            let service = BallotService(db: app.db)
            await XCTAssertServiceErrorAsync(try await service.create(regionID: c.city, year: 2024, title: "十佳评选", pick: 2, projectIDs: [c.park, c.nursery],
                                                                      evaluatorWeight: 50, publicVote: true, actor: c.office, tree: c.tree), .invalid, "K must be fewer than N")
            let ballot = try await service.create(regionID: c.city, year: 2024, title: "十佳评选", pick: 1, projectIDs: [c.park, c.nursery], evaluatorWeight: 60,
                                                  publicVote: true, actor: c.office, tree: c.tree)
            let id = try ballot.requireID()
            let candidates = try await BallotCandidate.query(on: app.db).filter(\.$ballot.$id == id).sort(\.$seq).all().compactMap(\.id)
            let (park, nursery) = (String(candidates[0]), String(candidates[1]))
            await XCTAssertServiceErrorAsync(try await service.voteAsEvaluator(id: id, picks: [park], actor: e[0], tree: c.tree), .conflict, "not open yet")
            try await service.advance(id: id, to: .open, actor: c.office, tree: c.tree)
            // K = 1. Evaluators: 口袋公园, 口袋公园, 普惠托位 valid; K + 1 picks and K − 1 picks void.
            try await XCTAssertEqualAsync(try await service.voteAsEvaluator(id: id, picks: [park], actor: e[0], tree: c.tree), true)
            try await XCTAssertEqualAsync(try await service.voteAsEvaluator(id: id, picks: [park], actor: e[1], tree: c.tree), true)
            try await XCTAssertEqualAsync(try await service.voteAsEvaluator(id: id, picks: [nursery], actor: e[2], tree: c.tree), true)
            try await XCTAssertEqualAsync(try await service.voteAsEvaluator(id: id, picks: [park, nursery], actor: e[3], tree: c.tree), false)
            try await XCTAssertEqualAsync(try await service.voteAsEvaluator(id: id, picks: [], actor: e[4], tree: c.tree), false)
            await XCTAssertServiceErrorAsync(try await service.voteAsEvaluator(id: id, picks: [nursery], actor: e[0], tree: c.tree), .conflict, "one ballot each")
            await XCTAssertServiceErrorAsync(try await service.voteAsEvaluator(id: id, picks: [park], actor: c.observer, tree: c.tree), .forbidden, "not an evaluator")
            await XCTAssertServiceErrorAsync(try await service.voteAsEvaluator(id: id, picks: [park], actor: e[0], tree: c.tree, now: SupervisionTests.at(1, 1).addingTimeInterval(-86_400 * 400)),
                                             .forbidden, "outside the evaluator's term")
            // The public: 普惠托位 ×3, 口袋公园 ×1, one void (both); one per phone number and per browser; a bad number refused.
            func citizen(_ n: Int, _ picks: [String], browser: String? = nil) async throws -> Bool {
                try await service.votePublic(id: id, .init(picks: picks, phone: "1380739\(String(format: "%04d", n))", address: "10.0.0.\(n)", browser: browser ?? "b\(n)"))
            }
            for (n, picks) in [(1, [nursery]), (2, [nursery]), (3, [nursery]), (4, [park]), (5, [park, nursery])] { _ = try await citizen(n, picks) }
            await XCTAssertServiceErrorAsync(try await citizen(1, [park], browser: "other"), .conflict, "the same phone again")
            await XCTAssertServiceErrorAsync(try await citizen(6, [park], browser: "b1"), .conflict, "the same browser again")
            await XCTAssertServiceErrorAsync(try await service.votePublic(id: id, .init(picks: [park], phone: "12345", address: "10.0.0.9", browser: "b9")), .invalid)
            try await service.advance(id: id, to: .closed, actor: c.office, tree: c.tree)
            await XCTAssertServiceErrorAsync(try await citizen(7, [park]), .conflict, "closed")
            // By hand: evaluators 3 valid (2 void) — 口袋公园 2/3 = 66.67%, 普惠托位 1/3 = 33.33%;
            // public 4 valid (1 void) — 口袋公园 1/4 = 25%, 普惠托位 3/4 = 75%.
            // 60% / 40%: 口袋公园 0.6 × 66.666… + 0.4 × 25 = 40 + 10 = 50.00; 普惠托位 0.6 × 33.333… + 0.4 × 75 = 20 + 30 = 50.00: a tie.
            let fresh = try await service.ballot(id: id)
            let result = try await service.result(fresh)
            XCTAssertEqual([result.validEvaluator, result.voidEvaluator, result.validPublic, result.voidPublic], [3, 2, 4, 1])
            XCTAssertEqual(result.tallies.map(\.combined), [50, 50])
            XCTAssertEqual(result.tallies.map(\.rank), [1, 1])
            XCTAssertTrue(result.tiedAtCut, "both tie for the one place: the office decides")
            XCTAssertEqual(result.tallies.first { $0.name == "口袋公园" }?.evaluatorShare, Decimal(string: "66.67"))
            // Published: the public page shows the result.
            try await service.advance(id: id, to: .published, actor: c.office, tree: c.tree)
            let page = try await TestBrowser(app).get("/p/votes/\(id)")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("评选结果"))
            XCTAssertTrue(page.body.contains("口袋公园") && page.body.contains("普惠托位"))
        }
    }

    func testThePublicVotesOnThePage() async throws {
        try await TestApp.run { app in
            let c = try await SupervisionTests.city(app)
            let service = BallotService(db: app.db)
            let ballot = try await service.create(regionID: c.city, year: 2024, title: "<b>十佳</b>评选", pick: 1, projectIDs: [c.park, c.nursery], evaluatorWeight: 50,
                                                  publicVote: true, actor: c.office, tree: c.tree)
            let id = try ballot.requireID()
            let citizen = TestBrowser(app)
            try await XCTAssertEqualAsync(try await citizen.get("/p/votes/\(id)").status, .notFound, "a draft is not public")
            try await service.advance(id: id, to: .open, actor: c.office, tree: c.tree)
            let page = try await citizen.get("/p/votes/\(id)")
            XCTAssertTrue(page.body.contains("&lt;b&gt;十佳&lt;/b&gt;评选"), "the title stays text, in <head> too")
            XCTAssertFalse(page.body.contains("<b>十佳"))
            let candidate = try await XCTUnwrapAsync(try await BallotCandidate.query(on: app.db).filter(\.$ballot.$id == id).first()?.id)
            let sent = try await citizen.post("/p/votes/\(id)", [("pick", "\(candidate)"), ("phone", "13807390123")], csrf: false)
            XCTAssertEqual(sent.status, .seeOther)
            let again = try await citizen.post("/p/votes/\(id)", [("pick", "\(candidate)"), ("phone", "13807390124")], csrf: false)
            XCTAssertEqual(again.status, .unprocessableEntity, "the same browser again")
            XCTAssertTrue(again.body.contains("您已经投过票"))
            try await XCTAssertEqualAsync(try await BallotVote.query(on: app.db).count(), 1)
        }
    }
}

/// Month end and a popular vote: many writers at once wait their turn and succeed; a step decided
/// twice at once is taken once.
final class SupervisionConcurrencyTests: XCTestCase {
    func testManyAtOnce() async throws {
        try await TestApp.run { app in
            let c = try await SupervisionTests.city(app)
            // Sixteen citizens vote at the same moment: all sixteen are counted.
            let ballots = BallotService(db: app.db)
            let ballot = try await ballots.create(regionID: c.city, year: 2024, title: "十佳评选", pick: 1, projectIDs: [c.park, c.nursery], evaluatorWeight: 50,
                                                  publicVote: true, actor: c.office, tree: c.tree)
            let id = try ballot.requireID()
            try await ballots.advance(id: id, to: .open, actor: c.office, tree: c.tree)
            let candidate = String(try await XCTUnwrapAsync(try await BallotCandidate.query(on: app.db).filter(\.$ballot.$id == id).first()?.id))
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<16 {
                    group.addTask {
                        try await BallotService(db: app.db).votePublic(id: id, .init(picks: [candidate], phone: "1390000\(String(format: "%04d", n))",
                                                                                     address: "10.1.0.\(n)", browser: "browser-\(n)"))
                    }
                }
                var all: [Bool] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            XCTAssertEqual(outcomes.count, 16)
            XCTAssertTrue(outcomes.allSatisfy { $0 })
            try await XCTAssertEqualAsync(try await BallotVote.query(on: app.db).count(), 16)
            // The same phone sent twice at once: one vote.
            let twice = await withTaskGroup(of: Bool.self) { group in
                for browser in ["x", "y"] {
                    group.addTask {
                        (try? await BallotService(db: app.db).votePublic(id: id, .init(picks: [candidate], phone: "13911112222", address: "10.2.0.1", browser: browser))) != nil
                    }
                }
                var all: [Bool] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            XCTAssertEqual(twice.filter { $0 }.count, 1)
            // One address, many phones: 亮码评价's 20 in ten minutes, then 429.
            var limited: ServiceError?
            for n in 0..<21 {
                do {
                    try await BallotService(db: app.db).votePublic(id: id, .init(picks: [candidate], phone: "1370000\(String(format: "%04d", n))", address: "10.9.9.9", browser: "gw-\(n)"))
                } catch let error as ServiceError { limited = error }
            }
            XCTAssertEqual(limited?.kind, .tooMany)
            // The raiser and the office confirm the same answer at once: one confirmation, one refusal, one step.
            let service = ProblemService(db: app.db)
            let problem = try await service.raise(.init(projectID: c.park, regionID: c.jia, category: "quality", severity: "major", description: "围墙裂缝需要修补。"),
                                                  photos: [], actor: c.observer, tree: c.tree, now: SupervisionTests.at(9, 2)).requireID()
            try await service.assign(id: problem, unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree, now: SupervisionTests.at(9, 2, 14))
            try await service.answer(id: problem, text: "裂缝已修补并重新粉刷。", photos: [], actor: c.jiaReporter, tree: c.tree, now: SupervisionTests.at(9, 5))
            let confirmations = await withTaskGroup(of: Bool.self) { group in
                for actor in [c.observer, c.office] {
                    group.addTask { (try? await ProblemService(db: app.db).review(id: problem, verdict: .confirm, text: "", actor: actor, tree: c.tree)) != nil }
                }
                var all: [Bool] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            XCTAssertEqual(confirmations.filter { $0 }.count, 1)
            try await XCTAssertEqualAsync(try await ProblemStep.query(on: app.db).filter(\.$problem.$id == problem).filter(\.$action == "confirm").count(), 1)
        }
    }
}

extension SupervisionConcurrencyTests {
    /// Sixteen problems raised at once all stand; hostile text in every other supervision form stays text.
    func testSixteenRaisedAtOnceAndHostileTextEverywhere() async throws {
        try await TestApp.run { app in
            let c = try await SupervisionTests.city(app)
            let ids = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<16 {
                    group.addTask {
                        try await ProblemService(db: app.db).raise(.init(projectID: c.park, regionID: c.jia, category: "safety", severity: "urgent",
                                                                         description: "第\(n)处围挡缺失，有安全隐患。"),
                                                                   photos: [], actor: c.supervisor, tree: c.tree, now: SupervisionTests.at(9, 2)).requireID()
                    }
                }
                var all: [Int] = []
                for try await id in group { all.append(id) }
                return all
            }
            XCTAssertEqual(Set(ids).count, 16)
            try await XCTAssertEqualAsync(try await ProblemStep.query(on: app.db).filter(\.$action == "raise").count(), 16)
            let hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
            for s in try await Supervisor.query(on: app.db).all() { s.termUntil = "2099-12-31"; try await s.save(on: app.db) }
            let inspection = try await InspectionService(db: app.db).schedule(.init(kind: "visit", title: hostile, date: "2024-09-18", note: hostile,
                                                                                    sites: [(key: "\(c.park):\(c.jia)", site: hostile)],
                                                                                    participants: [c.supervisor.accountID]),
                                                                              regionID: c.city, actor: c.supervisor, tree: c.tree, now: SupervisionTests.at(9, 10))
            let site = try await XCTUnwrapAsync(try await InspectionSite.query(on: app.db).first()?.id)
            _ = try await InspectionService(db: app.db).record(siteID: site, progress: 3, quality: 3, notes: hostile, photos: [], actor: c.supervisor, tree: c.tree)
            try await ProblemService(db: app.db).assign(id: ids[0], unitID: c.jiaHousing, severity: nil, actor: c.office, tree: c.tree)
            try await ProblemService(db: app.db).answer(id: ids[0], text: hostile, photos: [], actor: c.jiaReporter, tree: c.tree)
            let evaluator = try await AccountService(db: app.db, hasher: app.passwordHasher)
                .create(.init(username: "sv_ev", displayName: "<script>alert(1)</script>评议员", password: "Passw0rd-supervise", regionID: c.city, unitID: nil, roles: [.evaluator],
                              mustChangePassword: false), by: nil).requireID()
            _ = try await SupervisionService(db: app.db).appoint(accountID: evaluator, .init(role: .evaluator, scope: .region, identity: .cppcc, organisation: hostile,
                                                                                           termFrom: "2000-01-01", termUntil: "2099-12-31"), actor: c.office, tree: c.tree)
            let round = try await EvaluationService(db: app.db).open(regionID: c.city, year: 2024, title: hostile, criteria: "完成质量 100", projectIDs: [c.park],
                                                                     evaluatorIDs: [evaluator], actor: c.office, tree: c.tree).round.requireID()
            let office = TestBrowser(app)
            try await office.signIn("sv_office", "Passw0rd-supervise")
            for path in ["/inspections/\(try inspection.requireID())", "/inspections", "/problems/\(ids[0])", "/supervision/people", "/evaluations/\(round)", "/evaluations"] {
                let page = try await office.get(path)
                XCTAssertEqual(page.status, .ok, path)
                XCTAssertFalse(page.body.contains("<script>alert(1)"), path)
                XCTAssertFalse(page.body.contains("<img src=x"), path)
            }
            let roster = try await office.get("/supervision/people.csv")
            XCTAssertTrue(roster.body.contains("\"<script>alert(1)</script>\"\"'><img src=x onerror=alert(2)>\""), "quoted as CSV text")
        }
    }
}
