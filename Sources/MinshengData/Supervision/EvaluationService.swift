import FluentKit
import Foundation
import MinshengCore

/// 评议: the office opens a round (criteria with weights, projects, evaluators — an evaluator from
/// a project's responsible unit is recused from it), evaluators score with the project's context
/// beside the form, scores stay hidden until the round closes, and the result is the trimmed mean
/// of the evaluators' weighted scores, ranked.
public struct EvaluationService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Opened: Sendable {
        public var round: EvaluationRound
        /// Evaluators left out of a project because their unit is responsible for it.
        public var recused: [(evaluator: String, project: String)]
    }

    /// The units responsible for a project anywhere (its indicators' lead units and its shares' units).
    func responsibleUnits(projectIDs: [Int]) async throws -> [Int: Set<Int>] {
        guard !projectIDs.isEmpty else { return [:] }
        let indicators = try await Indicator.query(on: db).filter(\.$project.$id ~~ projectIDs).all()
        var units: [Int: Set<Int>] = [:]
        for indicator in indicators {
            if let lead = indicator.$leadUnit.id { units[indicator.$project.id, default: []].insert(lead) }
        }
        let byIndicator = Dictionary(indicators.compactMap { i in i.id.map { ($0, i.$project.id) } }, uniquingKeysWith: { a, _ in a })
        let ids = Array(byIndicator.keys)
        if !ids.isEmpty {
            for target in try await Target.query(on: db).filter(\.$indicator.$id ~~ ids).all() {
                if let unit = target.$responsibleUnit.id, let project = byIndicator[target.$indicator.id] { units[project, default: []].insert(unit) }
            }
        }
        return units
    }

    public func open(regionID: Int, year: Int, title raw: String, criteria text: String, projectIDs: [Int], evaluatorIDs: [Int], actor: Actor,
                     tree: RegionTree, now: Date = Date()) async throws -> Opened {
        try Access.manageEvaluation(actor, region: regionID, tree: tree).require()
        var problems: [String] = []
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.count < 2 || title.count > 100 { problems.append("请填写评议名称（2 至 100 个字）。") }
        var criteria: [EvaluationCriterion] = []
        switch EvaluationCriterion.parse(text) {
        case .success(let parsed): criteria = parsed
        case .failure(let error): problems.append(error.message)
        }
        let runs = try await SupervisionService(db: db).projects(inRegions: tree.subtreeIDs(of: regionID), tree: tree, year: year)
        let known = Dictionary(runs.map { ($0.projectID, $0.project) }, uniquingKeysWith: { a, _ in a })
        let projects = Array(NSOrderedSet(array: projectIDs).compactMap { $0 as? Int })
        if projects.isEmpty { problems.append("请选择参加评议的项目。") }
        if projects.contains(where: { known[$0] == nil }) { problems.append("所选项目不在本区划 \(year) 年的计划中。") }
        let evaluators = evaluatorIDs.isEmpty ? [] : try await Account.query(on: db).filter(\.$id ~~ Array(Set(evaluatorIDs))).all()
        if evaluators.isEmpty { problems.append("请选择评议员。") }
        if evaluators.count != Set(evaluatorIDs).count || evaluators.contains(where: { !Access.isEvaluator($0) || !tree.isWithin($0.$region.id, of: regionID) }) {
            problems.append("评议员应为本区划聘任的评议员账号。")
        }
        let serving = try await SupervisionService(db: db).serving(evaluators.compactMap(\.id), on: ChineseDate.isoDay(now))
        if let outOfTerm = evaluators.first(where: { !serving.contains($0.id ?? -1) }) {
            problems.append("评议员\(outOfTerm.displayName)今天不在聘期内。")
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let units = try await responsibleUnits(projectIDs: projects)
        var recusals: [(String, String)] = []
        var chosen: [(project: Int, account: Int)] = []
        for project in projects {
            var assigned = 0
            for evaluator in evaluators.sorted(by: { $0.displayName < $1.displayName }) {
                if let unit = evaluator.$unit.id, units[project]?.contains(unit) == true {
                    recusals.append((evaluator.displayName, known[project] ?? ""))
                    continue
                }
                chosen.append((project, try evaluator.requireID()))
                assigned += 1
            }
            if assigned == 0 { throw ServiceError.invalid("“\(known[project] ?? "")”的评议员都来自其责任单位，须回避；请再选择其他评议员。") }
        }
        let json = String(decoding: try JSONEncoder().encode(criteria), as: UTF8.self)
        let (recused, pairs) = (recusals, chosen)
        let round = try await db.write { db in
            let round = EvaluationRound()
            round.$region.id = regionID
            round.year = year
            round.title = title
            round.criteriaJSON = json
            round.state = EvaluationRound.State.open.rawValue
            round.createdBy = actor.accountID
            round.createdAt = now
            try await round.create(on: db)
            var entries: [Int: Int] = [:]
            for (index, project) in projects.enumerated() {
                let entry = EvaluationEntry()
                entry.$round.id = try round.requireID()
                entry.$project.id = project
                entry.seq = index + 1
                try await entry.create(on: db)
                entries[project] = try entry.requireID()
            }
            for pair in pairs {
                let assignment = EvaluationAssignment()
                assignment.$entry.id = entries[pair.project] ?? 0
                assignment.$account.id = pair.account
                try await assignment.create(on: db)
            }
            try await AuditLog.record("evaluation.open", subject: "evaluation:\(round.id ?? 0)",
                                      detail: "\(title)：\(projects.count) 个项目，\(evaluators.count) 名评议员，回避 \(recused.count) 人次", by: actor.accountID, on: db)
            return round
        }
        return Opened(round: round, recused: recused)
    }

    public func round(id: Int, actor: Actor, tree: RegionTree) async throws -> EvaluationRound {
        guard let round = try await EvaluationRound.find(id, on: db) else { throw ServiceError.notFound("未找到该评议，或您无权查看。") }
        let assigned = try await EvaluationAssignment.query(on: db).join(EvaluationEntry.self, on: \EvaluationAssignment.$entry.$id == \EvaluationEntry.$id)
            .filter(EvaluationEntry.self, \.$round.$id == id).filter(\.$account.$id == actor.accountID).count() > 0
        try Access.readEvaluation(actor, region: round.$region.id, assigned: assigned, closed: !round.isOpen, tree: tree).require()
        return round
    }

    /// An evaluator's assignments in a round, with the project.
    public func assignments(roundID: Int, accountID: Int) async throws -> [EvaluationAssignment] {
        try await EvaluationAssignment.query(on: db).join(EvaluationEntry.self, on: \EvaluationAssignment.$entry.$id == \EvaluationEntry.$id)
            .filter(EvaluationEntry.self, \.$round.$id == roundID).filter(\.$account.$id == accountID)
            .with(\.$entry) { $0.with(\.$project) }.sort(EvaluationEntry.self, \.$seq).all()
    }

    /// Scores one assignment (the evaluator's own, while the round is open): one score per criterion.
    public func score(assignmentID: Int, scores raw: [String], note rawNote: String, actor: Actor, now: Date = Date()) async throws {
        guard let assignment = try await EvaluationAssignment.query(on: db).filter(\.$id == assignmentID).with(\.$entry) { $0.with(\.$round) }.first() else {
            throw ServiceError.notFound("未找到该评议项目，或您无权评分。")
        }
        try Access.score(actor, assignee: assignment.$account.id).require()
        let round = assignment.entry.round
        let criteria = round.criteria
        guard raw.count == criteria.count else { throw ServiceError.invalid("请为每个评分项打分。") }
        var scores: [Decimal] = []
        var problems: [String] = []
        for (text, criterion) in zip(raw, criteria) {
            if let value = EvaluationMath.score(text) { scores.append(value) } else { problems.append("“\(criterion.name)”应为 0 至 100 的分数（最多一位小数）。") }
        }
        let note = try ProblemService.text(rawNote, label: "评议意见", minimum: 0, maximum: 1000).get()
        guard problems.isEmpty, let total = EvaluationMath.weighted(scores, criteria: criteria) else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let texts = scores.map { NSDecimalNumber(decimal: $0).stringValue }
        let json = String(decoding: try JSONEncoder().encode(texts), as: UTF8.self)
        try await db.write(locking: [.record("evaluation:\(round.id ?? 0)")]) { db in
            // Checked in the write: a score that arrives after the round closed is refused.
            guard let fresh = try await EvaluationRound.find(round.id, on: db), fresh.isOpen else { throw ServiceError.conflict("该评议已结束，不能再评分。") }
            guard let current = try await EvaluationAssignment.find(assignmentID, on: db) else { throw ServiceError.notFound("未找到该评议项目，或您无权评分。") }
            current.scoresJSON = json
            current.total = NSDecimalNumber(decimal: total).stringValue
            current.note = note.isEmpty ? nil : note
            current.submittedAt = now
            try await current.save(on: db)
            try await AuditLog.record("evaluation.score", subject: "evaluation:\(round.id ?? 0)", detail: "项目 \(assignment.entry.$project.id)：\(texts.joined(separator: "、"))",
                                      by: actor.accountID, on: db)
        }
    }

    public func close(id: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard let round = try await EvaluationRound.find(id, on: db) else { throw ServiceError.notFound("未找到该评议，或您无权查看。") }
        try Access.manageEvaluation(actor, region: round.$region.id, tree: tree).require()
        try await db.write(locking: [.record("evaluation:\(id)")]) { db in
            guard let fresh = try await EvaluationRound.find(id, on: db), fresh.isOpen else { throw ServiceError.conflict("该评议已结束。") }
            fresh.state = EvaluationRound.State.closed.rawValue
            fresh.closedAt = now
            try await fresh.save(on: db)
            try await AuditLog.record("evaluation.close", subject: "evaluation:\(id)", by: actor.accountID, on: db)
        }
    }

    public struct Progress: Sendable {
        public var entry: EvaluationEntry
        public var assigned: Int
        public var scored: Int
    }

    /// Who has scored what (for the office while the round is open): counts, never the scores.
    public func progress(roundID: Int) async throws -> [Progress] {
        let entries = try await EvaluationEntry.query(on: db).filter(\.$round.$id == roundID).with(\.$project).with(\.$assignments).sort(\.$seq).all()
        return entries.map { Progress(entry: $0, assigned: $0.assignments.count, scored: $0.assignments.filter { $0.submittedAt != nil }.count) }
    }

    /// The ranked result, once the round has closed (nil while it is open: nobody sees scores then).
    public func results(_ round: EvaluationRound) async throws -> [EvaluationResult]? {
        guard !round.isOpen, let id = round.id else { return nil }
        let entries = try await EvaluationEntry.query(on: db).filter(\.$round.$id == id).with(\.$project).with(\.$assignments).sort(\.$seq).all()
        return EvaluationResult.rank(entries.map { entry in
            (id: entry.$project.id, name: entry.project.name, assigned: entry.assignments.count, scores: entry.assignments.compactMap(\.scores))
        }, criteria: round.criteria)
    }

    /// Rounds the actor sees: the office's of its region and below, and those it is assigned to.
    public func list(actor: Actor, tree: RegionTree, window: ListWindow = ListWindow()) async throws -> Listing<EvaluationRound> {
        let assigned = try await EvaluationAssignment.query(on: db).filter(\.$account.$id == actor.accountID).with(\.$entry).all().map(\.entry.$round.id)
        let office = Access.holds(.office, actor)
        let regions = office || Access.holds(.lead, actor) ? Array(tree.subtreeIDs(of: actor.regionID)) : []
        return try await EvaluationRound.query(on: db).group(.or) { either in
            // A leader reads a round once it has closed.
            either.group(.and) { inScope in
                inScope.filter(\.$region.$id ~~ (regions.isEmpty ? [-1] : regions))
                if !office { inScope.filter(\.$state == EvaluationRound.State.closed.rawValue) }
            }
            either.filter(\.$id ~~ (assigned.isEmpty ? [-1] : Array(Set(assigned))))
        }.sort(\.$createdAt, .descending).sort(\.$id, .descending).listing(window)
    }
}
