import FluentKit
import Foundation
import MinshengCore

/// The supervision statistics of a region (and below) for a year, as of a month's end.
public struct SupervisionReportService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// - Parameter month: as of its end; nil for the whole year (as of `now` while the year runs).
    public func statistics(regionID: Int, year: Int, month: Int?, tree: RegionTree, now: Date = Date()) async throws -> SupervisionStatistics {
        let from = ChineseDate.startOfMonth(year: year, month: 1)
        let yearEnd = ChineseDate.endOfMonth(year: year, month: 12)
        // As of the month's end, or of now while that month (or the year) runs.
        let until = min(month.map { ChineseDate.endOfMonth(year: year, month: $0) } ?? yearEnd, max(now, from))
        let regions = Array(tree.subtreeIDs(of: regionID))
        let problems = try await Problem.query(on: db).filter(\.$region.$id ~~ regions)
            .filter(\.$createdAt >= from).filter(\.$createdAt < until).with(\.$project).with(\.$unit).with(\.$raiser).all()
        let facts = try await Self.facts(problems, on: db)
        let factByID = Dictionary(facts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let total = ProblemTally.of(facts, from: from, until: until)
        let thisMonth = month.map { ProblemTally.of(facts, from: ChineseDate.startOfMonth(year: year, month: $0), until: until) }

        func rows<Key: Hashable>(_ key: (Problem) -> Key?, name: (Key) -> String, region: (Key) -> String? = { _ in nil }) -> [SupervisionStatistics.Row] {
            var groups: [Key: [ProblemFact]] = [:]
            var order: [Key] = []
            for problem in problems {
                guard let k = key(problem) else { continue }
                if groups[k] == nil { order.append(k) }
                if let fact = factByID[problem.id ?? -1] { groups[k, default: []].append(fact) }
            }
            return order.map { SupervisionStatistics.Row(name: name($0), region: region($0), tally: ProblemTally.of(groups[$0] ?? [], from: from, until: until)) }
                .sorted { ($0.tally.raised, $1.name) > ($1.tally.raised, $0.name) }
        }

        // Regions: the region's own problems, then each region one level down with its subtree.
        let children = tree.children(of: regionID)
        var byRegion: [SupervisionStatistics.Row] = []
        let own = facts.filter { $0.regionID == regionID }
        if !own.isEmpty || children.isEmpty {
            byRegion.append(.init(name: (tree[regionID]?.name ?? "") + (children.isEmpty ? "" : "本级"), tally: ProblemTally.of(own, from: from, until: until)))
        }
        for child in children {
            let inside = tree.subtreeIDs(of: child.id)
            byRegion.append(.init(name: child.name, tally: ProblemTally.of(facts.filter { inside.contains($0.regionID) }, from: from, until: until)))
        }
        // By the unit each problem was assigned to at the period's end.
        let unitAt = Dictionary(facts.map { ($0.id, $0.standing(at: until).unitID) }, uniquingKeysWith: { a, _ in a })
        let unitIDs = Array(Set(unitAt.values.compactMap { $0 }))
        let units = unitIDs.isEmpty ? [] : try await Department.query(on: db).filter(\.$id ~~ unitIDs).all()
        let unitNames = Dictionary(units.compactMap { u in u.id.map { ($0, (u.name, tree[u.$region.id]?.name)) } }, uniquingKeysWith: { a, _ in a })
        let byUnit = rows({ unitAt[$0.id ?? -1] ?? nil }, name: { unitNames[$0]?.0 ?? "" }, region: { unitNames[$0]?.1 })
            + {
                let unassigned = facts.filter { (unitAt[$0.id] ?? nil) == nil }
                return unassigned.isEmpty ? [] : [SupervisionStatistics.Row(name: "尚未分派", tally: ProblemTally.of(unassigned, from: from, until: until))]
            }()
        struct Place: Hashable { let project: Int; let region: Int }
        let projectNames = Dictionary(problems.map { ($0.$project.id, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        let byProject = rows({ Place(project: $0.$project.id, region: $0.$region.id) }, name: { projectNames[$0.project] ?? "" },
                             region: { tree[$0.region]?.name })
        let byCategory = rows({ $0.categoryValue }, name: { $0.label })
        let raiserNames = Dictionary(problems.map { ($0.$raiser.id, $0.raiser.displayName) }, uniquingKeysWith: { a, _ in a })
        let appointments = try await Supervisor.query(on: db).filter(\.$account.$id ~~ Array(raiserNames.keys)).all()
        let roleOf = Dictionary(appointments.map { ($0.$account.id, $0.roleValue) }, uniquingKeysWith: { a, _ in a })
        let byRaiser = rows({ $0.$raiser.id }, name: { raiserNames[$0] ?? "" }, region: { roleOf[$0]?.label ?? "专班办公室" })
        let lastMonth = month ?? ChineseDate.yearMonth(until.addingTimeInterval(-1)).month
        let monthly: [SupervisionStatistics.Row] = (1...max(1, min(12, lastMonth))).map { m in
            let start = ChineseDate.startOfMonth(year: year, month: m), end = ChineseDate.endOfMonth(year: year, month: m)
            return .init(name: "\(m)月", tally: ProblemTally.of(facts, from: start, until: min(end, until)))
        }
        let categoryCounts = Dictionary(grouping: facts.filter { f in !(problems.first { $0.id == f.id }?.stateValue.isDismissed ?? false) }, by: \.category)
        let top = categoryCounts.sorted { ($0.value.count, $1.key.rawValue) > ($1.value.count, $0.key.rawValue) }.map(\.key)
        let roles = Role.ordered(Set(problems.compactMap { roleOf[$0.$raiser.id] })).map(\.label)
        // Held on or before the last day the period covers (today, while it runs).
        let inspections = try await Inspection.query(on: db).filter(\.$region.$id ~~ regions)
            .filter(\.$heldOn >= ChineseDate.isoDay(from)).filter(\.$heldOn <= ChineseDate.isoDay(until.addingTimeInterval(-1))).count()
        return SupervisionStatistics(region: tree[regionID]?.name ?? "", year: year, month: month, total: total, thisMonth: thisMonth, byRegion: byRegion,
                                     byUnit: byUnit, byProject: byProject, byCategory: byCategory, byRaiser: byRaiser, monthly: monthly,
                                     inspections: inspections, topCategories: top, raisers: roles.joined(separator: "、"))
    }

    /// The problems with their histories, as the tallies read them.
    static func facts(_ problems: [Problem], on db: any Database) async throws -> [ProblemFact] {
        let ids = problems.compactMap(\.id)
        let steps = ids.isEmpty ? [] : try await ProblemStep.query(on: db).filter(\.$problem.$id ~~ ids).all()
        let byProblem = Dictionary(grouping: steps, by: \.$problem.id)
        return problems.map { $0.fact(steps: byProblem[$0.id ?? -1] ?? []) }
    }

    /// Problems each unit had let pass their deadline at `until` (and of them, those past twice their
    /// time), by the history: a letter about a month says what stood at its end.
    public func overdue(unitIDs: [Int], until: Date) async throws -> [Int: (all: Int, red: Int)] {
        guard !unitIDs.isEmpty else { return [:] }
        let assigned = try await ProblemStep.query(on: db).filter(\.$unitID ~~ unitIDs).filter(\.$at < until).all().map(\.$problem.id)
        guard !assigned.isEmpty else { return [:] }
        let problems = try await Problem.query(on: db).filter(\.$id ~~ Array(Set(assigned))).all()
        let byID = Dictionary(problems.compactMap { p in p.id.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        var result: [Int: (all: Int, red: Int)] = [:]
        for fact in try await Self.facts(problems, on: db) {
            let standing = fact.standing(at: until)
            guard standing.state.isWithUnit, let due = standing.due, due <= until, let unit = standing.unitID, unitIDs.contains(unit) else { continue }
            // Red when the clock standing then is today's and has run twice its time.
            let problem = byID[fact.id]
            let red = problem?.dueAt == due && (problem?.doubledAt ?? .distantFuture) <= until
            result[unit] = ((result[unit]?.all ?? 0) + 1, (result[unit]?.red ?? 0) + (red ? 1 : 0))
        }
        return result
    }

    /// A project's public summary in a region: problems raised and rectified (dismissed ones left
    /// out), and the texts the office published.
    public struct PublicSummary: Sendable {
        public var raised: Int
        public var rectified: Int
        /// Assigned and not yet confirmed (being rectified, or answered and waiting for confirmation).
        public var rectifying: Int = 0
        public var published: [Problem]
    }

    public func publicSummary(projectID: Int, regionIDs: Set<Int>) async throws -> PublicSummary {
        let problems = try await Problem.query(on: db).filter(\.$project.$id == projectID).filter(\.$region.$id ~~ Array(regionIDs)).all()
        let real = problems.filter { !$0.stateValue.isDismissed }
        return PublicSummary(raised: real.count, rectified: real.filter { $0.stateValue == .rectified }.count,
                             rectifying: real.filter { $0.stateValue.isWithUnit || $0.stateValue == .answered }.count,
                             published: real.filter(\.published).sorted { $0.createdAt > $1.createdAt })
    }
}
