import FluentKit
import Foundation
import MinshengCore

/// The demo's supervision, after reference 003: the observer, the supervisor and the evaluator
/// appointed by Shaoyang's office; a June inspection in 邵东市; and the problems the observer
/// raised on 邵东市's education projects — January to July 7 problems (4 工程建设质量, 3 安全隐患),
/// all rectified and confirmed ("观察员共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个"),
/// then in September to November one partly rectified with a new deadline, one waiting for
/// confirmation, one being rectified and one not yet assigned.
extension DemoLoader {
    public func loadSupervision() async throws {
        guard let city = try await Region.query(on: db).filter(\.$name == "邵阳市").first()?.id,
              let county = try await Region.query(on: db).filter(\.$name == "邵东市").first()?.id,
              let admin = try await Account.query(on: db).filter(\.$username == "admin").first(),
              let observer = try await Account.query(on: db).filter(\.$username == "observer").first(),
              let supervisor = try await Account.query(on: db).filter(\.$username == "supervisor").first(),
              let evaluator = try await Account.query(on: db).filter(\.$username == "evaluator").first(),
              let reporter = try await Account.query(on: db).filter(\.$username == "reporter").first(),
              let unit = reporter.$unit.id else { return }
        let tree = try await RegionService(db: db).tree()
        func actor(_ a: Account) throws -> Actor { Actor(accountID: try a.requireID(), regionID: a.$region.id, unitID: a.$unit.id, roles: a.roleSet) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        func at(_ month: Int, _ day: Int, _ hour: Int = 10) -> Date {
            calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour)) ?? Self.submissionDate
        }
        let office = try actor(admin)
        let supervision = SupervisionService(db: db)
        let thisYear = ChineseDate.yearMonth(Date()).year
        let term = (from: "2024-01-01", until: "\(max(thisYear, 2024))-12-31")
        _ = try await supervision.appoint(accountID: try observer.requireID(), .init(role: .observer, scope: .region, identity: .beneficiary,
                                                                                 organisation: "邵东市城区居民", phone: "13807390001",
                                                                                 termFrom: term.from, termUntil: term.until), actor: office, tree: tree, now: at(1, 5))
        _ = try await supervision.appoint(accountID: try supervisor.requireID(), .init(role: .supervisor, scope: .region, identity: .deputy,
                                                                                   organisation: "市人大代表", phone: "13807390002",
                                                                                   termFrom: term.from, termUntil: term.until), actor: office, tree: tree, now: at(1, 5))
        _ = try await supervision.appoint(accountID: try evaluator.requireID(), .init(role: .evaluator, scope: .region, identity: .cppcc,
                                                                                  organisation: "市政协委员", phone: "13807390003",
                                                                                  termFrom: term.from, termUntil: term.until), actor: office, tree: tree, now: at(1, 5))
        let projects = try await supervision.projects(inRegions: [county], tree: tree).filter { $0.unitIDs.contains(unit) }
        guard !projects.isEmpty else { return }
        func project(_ index: Int) -> SupervisionService.ProjectInRegion { projects[index % projects.count] }

        // The June inspection.
        let inspections = InspectionService(db: db)
        let visit = try await inspections.schedule(.init(kind: Inspection.Kind.visit.rawValue, title: "6月民生实事项目现场视察", date: "2024-06-18",
                                                         note: "人大代表、观察员到邵东市教育项目现场查看推进情况和建设质量。",
                                                         sites: projects.prefix(2).map { (key: "\($0.projectID):\($0.regionID)", site: "邵东市城区") },
                                                         participants: [try observer.requireID(), try supervisor.requireID()]),
                                                   regionID: city, actor: try actor(supervisor), tree: tree, now: at(6, 10))
        for (index, site) in try await InspectionSite.query(on: db).filter(\.$inspection.$id == visit.requireID()).sort(\.$id).all().enumerated() {
            _ = try await inspections.record(siteID: try site.requireID(), progress: index == 0 ? 4 : 3, quality: 3,
                                             notes: index == 0 ? "工程进度符合序时要求，现场文明施工。" : "进度基本正常，个别工序质量需加强管理。",
                                             photos: [], actor: try actor(supervisor), tree: tree, now: at(6, 18, 16))
            _ = try await inspections.record(siteID: try site.requireID(), progress: 3, quality: index == 0 ? 3 : 2,
                                             notes: "发现质量问题，已在问题清单中提出。", photos: [], actor: try actor(observer), tree: tree, now: at(6, 18, 17))
        }

        let problems = ProblemService(db: db)
        let raiser = try actor(observer), answerer = try actor(reporter)
        let raised: [(ProblemCategory, ProblemSeverity, String, String, Int, Int)] = [
            (.quality, .major, "教学楼二楼走廊墙面出现多处裂缝，需查明原因并修补。", "教学楼二楼", 1, 15),
            (.safety, .urgent, "施工现场东侧围挡缺失一段，学生放学经过有安全隐患。", "施工现场东侧", 2, 20),
            (.quality, .normal, "新建食堂地面砖铺贴不平整，部分空鼓。", "新建食堂", 3, 12),
            (.safety, .major, "配电箱未上锁，电缆裸露在通道上。", "宿舍楼北侧", 4, 9),
            (.quality, .normal, "运动场塑胶跑道局部起泡。", "运动场", 5, 21),
            (.quality, .major, "卫生间防水层施工不规范，楼下已有渗水痕迹。", "综合楼三楼", 6, 18),
            (.safety, .urgent, "脚手架外侧未挂设安全网。", "实验楼", 7, 3),
        ]
        for (index, entry) in raised.enumerated() {
            let p = project(index)
            let problem = try await problems.raise(.init(projectID: p.projectID, regionID: p.regionID, category: entry.0.rawValue, severity: entry.1.rawValue,
                                                         description: entry.2, location: entry.3, inspectionID: entry.4 == 6 ? visit.id : nil),
                                                   photos: [], actor: raiser, tree: tree, now: at(entry.4, entry.5, 9))
            let id = try problem.requireID()
            try await problems.assign(id: id, unitID: unit, severity: nil, actor: office, tree: tree, now: at(entry.4, entry.5, 15))
            try await problems.answer(id: id, text: "已组织施工单位整改完毕，整改前后照片已存档，请观察员复核。", photos: [], actor: answerer, tree: tree,
                                      now: at(entry.4, entry.5 + 4, 11))
            try await problems.review(id: id, verdict: .confirm, text: "现场复核，已整改到位。", actor: raiser, tree: tree, now: at(entry.4, entry.5 + 6, 10))
        }
        // After the summer: a partly rectified one, one waiting for confirmation, one being rectified, one not yet assigned.
        let partial = try await problems.raise(.init(projectID: project(0).projectID, regionID: project(0).regionID, category: ProblemCategory.progress.rawValue,
                                                     severity: ProblemSeverity.major.rawValue, description: "室外配套工程进度滞后，距开学已不足一个月。", location: "校园东门"),
                                               photos: [], actor: raiser, tree: tree, now: at(9, 2, 9))
        try await problems.assign(id: try partial.requireID(), unitID: unit, severity: nil, actor: office, tree: tree, now: at(9, 2, 14))
        try await problems.answer(id: try partial.requireID(), text: "已增加施工人员，道路硬化已完成，绿化尚在施工。", photos: [], actor: answerer, tree: tree, now: at(9, 10, 10))
        try await problems.review(id: try partial.requireID(), verdict: .partial, text: "道路已完成，绿化未完成，请继续整改。", newDeadline: "2024-10-31",
                                  actor: raiser, tree: tree, now: at(9, 12, 10))
        let waiting = try await problems.raise(.init(projectID: project(1).projectID, regionID: project(1).regionID, category: ProblemCategory.opinion.rawValue,
                                                     severity: ProblemSeverity.normal.rawValue, description: "家长反映校门口接送区域没有遮雨设施。", location: "校门口"),
                                               photos: [], actor: raiser, tree: tree, now: at(10, 8, 9))
        try await problems.assign(id: try waiting.requireID(), unitID: unit, severity: nil, actor: office, tree: tree, now: at(10, 8, 15))
        try await problems.answer(id: try waiting.requireID(), text: "已在校门口加装遮雨棚 30 米，家长接送区已投入使用。", photos: [], actor: answerer, tree: tree, now: at(10, 25, 10))
        let rectifying = try await problems.raise(.init(projectID: project(2).projectID, regionID: project(2).regionID, category: ProblemCategory.quality.rawValue,
                                                        severity: ProblemSeverity.urgent.rawValue, description: "新建围墙顶部压顶松动，有坠落风险。", location: "学校西侧围墙"),
                                                  photos: [], actor: try actor(supervisor), tree: tree, now: at(10, 28, 9))
        try await problems.assign(id: try rectifying.requireID(), unitID: unit, severity: nil, actor: office, tree: tree, now: at(10, 28, 15))
        // 评议: a round on the city's 2024 projects, the evaluator has scored three of six; a 十佳 vote
        // of eight candidates, three to choose, evaluators and the public at 50% each, open.
        let cityProjects = try await supervision.projects(inRegions: [city], tree: tree, year: 2024)
        var seen = Set<Int>()
        let unique = cityProjects.filter { seen.insert($0.projectID).inserted }
        if unique.count >= 8 {
            let evaluations = EvaluationService(db: db)
            let round = try await evaluations.open(regionID: city, year: 2024, title: "2024年重点民生实事项目评议",
                                                   criteria: EvaluationCriterion.standard.map { "\($0.name) \($0.weight)" }.joined(separator: "\n"),
                                                   projectIDs: unique.prefix(6).map(\.projectID), evaluatorIDs: [try evaluator.requireID()], actor: office, tree: tree,
                                                   now: at(11, 20)).round
            let scores: [[String]] = [["92", "90", "95", "85"], ["88", "86", "90", "80"], ["95", "93", "96", "90"]]
            for (assignment, score) in zip(try await evaluations.assignments(roundID: try round.requireID(), accountID: try evaluator.requireID()), scores) {
                try await evaluations.score(assignmentID: try assignment.requireID(), scores: score, note: "", actor: try actor(evaluator), now: at(11, 25))
            }
            let ballots = BallotService(db: db)
            let ballot = try await ballots.create(regionID: city, year: 2024, title: "2024年度十佳民生实事评选", pick: 3, projectIDs: unique.prefix(8).map(\.projectID),
                                                  evaluatorWeight: 50, publicVote: true, actor: office, tree: tree, now: at(11, 28))
            try await ballots.advance(id: try ballot.requireID(), to: .open, actor: office, tree: tree, now: at(11, 28))
        }
        _ = try await problems.raise(.init(projectID: project(3).projectID, regionID: project(3).regionID, category: ProblemCategory.funds.rawValue,
                                           severity: ProblemSeverity.normal.rawValue, description: "项目公示牌未公开资金来源和投资金额。", location: "项目公示牌"),
                                     photos: [], actor: raiser, tree: tree, now: at(10, 30, 9))
    }
}
