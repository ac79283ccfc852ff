import FluentKit
import SQLKit
import Foundation
import MinshengCore

/// Reads plans as an account may see them: whole where the plan's owner lies in the account's
/// region subtree, or restricted to the account's own subtree where the plan belongs to an
/// ancestor region and decomposes a share to it.
public struct PlanService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: - What the pages receive

    public struct Cell: Sendable, Equatable {
        public var target: Double?
        public var targetNote: String?
        public var responsibleUnit: String?
        public var figure: ComputedFigure?
        public var status: ProgressStatus?
        public var note: String?
        /// The month the figure was reported for, when earlier than the month shown.
        public var carriedFrom: Int?
    }

    public struct IndicatorRow: Sendable {
        public var id: Int
        public var name: String
        public var unitLabel: String
        public var kind: ProgressType
        public var rule: Aggregation
        public var leadUnit: String?
        public var acceptanceStandard: String?
        /// Keyed by region id; a region without a share has no entry ("/").
        public var cells: [Int: Cell]
    }

    public struct ProjectRow: Sendable {
        public var id: Int
        public var seq: Int
        public var name: String
        public var content: String?
        public var indicators: [IndicatorRow]
    }

    public struct ItemRow: Sendable {
        public var id: Int
        public var seq: Int
        public var name: String
        public var projects: [ProjectRow]
    }

    public struct Column: Sendable, Equatable {
        public var regionID: Int
        public var name: String
        /// The aggregate column (全市 …) rather than a child region.
        public var isAggregate: Bool
        /// The child's share is itself decomposed further; the page can drill into it.
        public var hasChildren: Bool
    }

    public struct StatusCounts: Sendable, Equatable {
        public var completed = 0
        public var onSchedule = 0
        public var lagging = 0
        public var unreported = 0
        public init() {}
    }

    public struct Summary: Sendable {
        public var id: Int
        public var year: Int
        public var level: PlanLevel
        public var title: String
        public var ownerName: String
        /// The region whose figures the summary shows: the owner, or the account's region.
        public var focusName: String
        public var isShare: Bool
        public var items: Int
        public var projects: Int
        public var indicators: Int
        public var childRegions: Int
        public var month: Int?
        public var counts: StatusCounts
    }

    public struct Browser: Sendable {
        public var summary: Summary
        public var focus: Column
        public var columns: [Column]
        public var items: [ItemRow]
        /// The months that have reported figures, for the month picker.
        public var months: [Int]
        /// 序时进度 at the end of the shown month, unrounded.
        public var schedule: Decimal?
        /// The regions from the plan's owner down to the focus, for the breadcrumb.
        public var trail: [Column]
    }

    // MARK: - Queries

    /// The plans visible from `scopeRegionID`, newest year first, then by level.
    public func visiblePlans(scopeRegionID: Int, tree: RegionTree) async throws -> [Plan] {
        let scope = tree.subtreeIDs(of: scopeRegionID)
        let ancestors = Set(tree.ancestors(of: scopeRegionID).map(\.id))
        let plans = try await Plan.query(on: db).with(\.$year).all()
        var visible: [Plan] = []
        for plan in plans {
            let owner = plan.$owner.id
            if scope.contains(owner) {
                visible.append(plan)
            } else if ancestors.contains(owner), try await hasShare(planID: try plan.requireID(), in: scope) {
                visible.append(plan)
            }
        }
        return visible.sorted { a, b in
            if a.year.year != b.year.year { return a.year.year > b.year.year }
            let levels = PlanLevel.allCases
            let la = levels.firstIndex(of: a.planLevel) ?? 0, lb = levels.firstIndex(of: b.planLevel) ?? 0
            if la != lb { return la < lb }
            return (tree[a.$owner.id]?.name ?? "") < (tree[b.$owner.id]?.name ?? "")
        }
    }

    /// The summary of every plan visible from the scope, as the home page and lists show them.
    public func summaries(scopeRegionID: Int, tree: RegionTree) async throws -> [Summary] {
        var result: [Summary] = []
        for plan in try await visiblePlans(scopeRegionID: scopeRegionID, tree: tree) {
            if let browser = try await browse(planID: try plan.requireID(), scopeRegionID: scopeRegionID, tree: tree) {
                result.append(browser.summary)
            }
        }
        return result
    }

    private func hasShare(planID: Int, in regions: Set<Int>) async throws -> Bool {
        try await Target.query(on: db)
            .join(Indicator.self, on: \Target.$indicator.$id == \Indicator.$id)
            .join(Project.self, on: \Indicator.$project.$id == \Project.$id)
            .join(Item.self, on: \Project.$item.$id == \Item.$id)
            .filter(Item.self, \.$plan.$id == planID)
            .filter(\.$region.$id ~~ Array(regions))
            .count() > 0
    }

    /// The plan as the browser shows it, or nil when it is not visible from the scope.
    ///
    /// - Parameters:
    ///   - focusRegionID: the region whose children form the columns; defaults to the plan's
    ///     owner when it lies in scope, else the scope region itself.
    ///   - month: the month to show; defaults to the latest month with submitted figures.
    public func browse(planID: Int, scopeRegionID: Int, tree: RegionTree, focusRegionID: Int? = nil, month: Int? = nil) async throws -> Browser? {
        guard let plan = try await Plan.query(on: db).filter(\.$id == planID).with(\.$year).with(\.$owner).first() else { return nil }
        let scope = tree.subtreeIDs(of: scopeRegionID)
        let owner = plan.$owner.id
        let ownerInScope = scope.contains(owner)
        guard ownerInScope || tree.isWithin(scopeRegionID, of: owner) else { return nil }
        let top = ownerInScope ? owner : scopeRegionID

        let (items, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        let indicatorIDs = indicators.map(\.id)
        let months = indicatorIDs.isEmpty ? [] : try await submittedMonths(indicatorIDs: indicatorIDs)
        let shownMonth = month.flatMap { (1...12).contains($0) ? $0 : nil } ?? months.last
        // Shares and the month's figures in one read; a province's plan has thousands of each.
        let (targets, monthFigures) = try await sharesAndFigures(indicatorIDs: indicatorIDs, month: shownMonth)
        let topSubtree = tree.subtreeIDs(of: top)
        let visibleTargets = targets.filter { scope.contains($0.regionID) && topSubtree.contains($0.regionID) }
        if !ownerInScope && visibleTargets.isEmpty { return nil }

        let focus = focusRegionID.flatMap { id in visibleTargets.contains { $0.regionID == id } || id == top ? id : nil } ?? top
        let focusSubtree = tree.subtreeIDs(of: focus)
        let focusTargets = targets.filter { focusSubtree.contains($0.regionID) }

        let reports: [ReportedFigure]
        if let shownMonth, !indicatorIDs.isEmpty {
            reports = try await withCarriedFigures(monthFigures, shares: focusTargets, tree: tree, month: shownMonth)
        } else {
            reports = []
        }
        let schedule = shownMonth.map { plan.scheduleShare(endOfMonth: $0) }

        // Columns: the focus, then its children with a share, in the plan's order.
        let regionsWithShares = Set(visibleTargets.map(\.regionID))
        var childOrder: [Int: Int] = [:]
        for target in visibleTargets where tree[target.regionID]?.parentID == focus {
            let id = target.regionID
            childOrder[id] = min(childOrder[id] ?? Int.max, target.sortOrder)
        }
        let childIDs = childOrder.keys.sorted { (childOrder[$0] ?? 0, $0) < (childOrder[$1] ?? 0, $1) }
        func column(_ id: Int, aggregate: Bool) -> Column {
            let node = tree[id]
            let label = aggregate ? node.map { RegionKind.aggregateLabel(name: $0.name, kind: $0.kind) } ?? "合计" : (node?.name ?? "")
            let hasChildren = tree.children(of: id).contains { regionsWithShares.contains($0.id) }
            return Column(regionID: id, name: label, isAggregate: aggregate, hasChildren: hasChildren)
        }
        let focusColumn = column(focus, aggregate: true)
        let columns = [focusColumn] + childIDs.map { column($0, aggregate: false) }

        let targetsByIndicator = Dictionary(grouping: focusTargets, by: \.indicatorID)
        let reportsByIndicator = Dictionary(grouping: reports, by: \.indicatorID)
        let columnIDs = Set(columns.map(\.regionID))
        var counts = StatusCounts()

        var indicatorRows: [Int: [IndicatorRow]] = [:]
        for indicator in indicators {
            let id = indicator.id
            let shares = targetsByIndicator[id] ?? []
            let byRegion = Dictionary((reportsByIndicator[id] ?? []).map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
            let shareRegions = Set(shares.map(\.regionID))
            let figures = IndicatorComputation(kind: indicator.kind, rule: indicator.rule, shares: shares.map { share in
                let regionID = share.regionID
                let report = byRegion[regionID]
                // The parent within this indicator's decomposition: the nearest ancestor with a share.
                var parent = tree[regionID]?.parentID
                while let candidate = parent, !shareRegions.contains(candidate) { parent = tree[candidate]?.parentID }
                return ShareFigure(regionID: regionID, parentID: parent,
                                   target: share.target.map(Exact.decimal),
                                   quantity: report?.quantity.map(Exact.decimal),
                                   reportedProgress: report?.progress.map(Exact.decimal))
            }).allFigures()
            var cells: [Int: Cell] = [:]
            for share in shares where columnIDs.contains(share.regionID) {
                let regionID = share.regionID
                let figure = figures[regionID]
                let status = figure?.progress.flatMap { progress in schedule.map { ProgressStatus.judge(progress: progress, schedule: $0) } }
                cells[regionID] = Cell(target: share.target, targetNote: share.targetNote,
                                       responsibleUnit: share.responsibleUnit, figure: figure, status: status,
                                       note: byRegion[regionID]?.note,
                                       carriedFrom: byRegion[regionID].flatMap { $0.month < (shownMonth ?? 0) ? $0.month : nil })
            }
            if let cell = cells[focus] {
                switch cell.status {
                case .completed?: counts.completed += 1
                case .onSchedule?: counts.onSchedule += 1
                case .lagging?: counts.lagging += 1
                case nil: counts.unreported += 1
                }
            }
            indicatorRows[indicator.projectID, default: []].append(IndicatorRow(
                id: id, name: indicator.name, unitLabel: indicator.unitLabel, kind: indicator.kind, rule: indicator.rule,
                leadUnit: indicator.leadUnit, acceptanceStandard: indicator.acceptanceStandard, cells: cells))
        }

        // Only the projects and items with a share in the focus remain for a restricted view.
        let projectsByItem = Dictionary(grouping: projects, by: \.itemID)
        var itemRows: [ItemRow] = []
        for item in items {
            let itemID = item.id
            var projectRows: [ProjectRow] = []
            for project in projectsByItem[itemID] ?? [] {
                let rows = (indicatorRows[project.id] ?? []).filter { ownerInScope && focus == owner || $0.cells[focus] != nil }
                if rows.isEmpty { continue }
                projectRows.append(ProjectRow(id: project.id, seq: project.seq, name: project.name, content: project.content, indicators: rows))
            }
            if !projectRows.isEmpty { itemRows.append(ItemRow(id: itemID, seq: item.seq, name: item.name, projects: projectRows)) }
        }

        let trailIDs = (tree.ancestors(of: focus).map(\.id) + [focus]).filter { tree.isWithin($0, of: top) }
        let summary = Summary(
            id: planID, year: plan.year.year, level: plan.planLevel, title: plan.title, ownerName: plan.owner.name,
            focusName: tree[focus]?.name ?? "", isShare: !ownerInScope,
            items: itemRows.count, projects: itemRows.reduce(0) { $0 + $1.projects.count },
            indicators: itemRows.reduce(0) { $0 + $1.projects.reduce(0) { $0 + $1.indicators.count } },
            childRegions: childIDs.count, month: shownMonth, counts: counts)
        return Browser(summary: summary, focus: focusColumn, columns: columns, items: itemRows, months: months,
                       schedule: schedule, trail: trailIDs.map { Column(regionID: $0, name: tree[$0]?.name ?? "", isAggregate: false, hasChildren: true) })
    }

    /// One region's share of an indicator, read for the tables (without model overhead: a
    /// province's plan has thousands).
    public struct Share: Sendable {
        public var indicatorID: Int
        public var regionID: Int
        public var target: Double?
        public var targetNote: String?
        public var responsibleUnit: String?
        public var sortOrder: Int
    }

    /// A submitted figure as the tables read it.
    public struct ReportedFigure: Sendable {
        public var indicatorID: Int
        public var regionID: Int
        public var month: Int
        public var quantity: Double?
        public var progress: Double?
        public var note: String?
    }

    /// The shares of the indicators, and each one's submitted figure for `month` (none without a
    /// month): two plain reads on their indexes, joined here; a province's plan has thousands.
    func sharesAndFigures(indicatorIDs: [Int], month: Int?) async throws -> ([Share], [ReportedFigure]) {
        guard !indicatorIDs.isEmpty else { return ([], []) }
        let rows = try await TableRows.shares(indicatorIDs: indicatorIDs, on: db)
        let unitIDs = Set(rows.compactMap(\.unitID))
        var names: [Int: String] = [:]
        if !unitIDs.isEmpty {
            for row in try await db.sql.select().columns("id", "name").from(Department.schema).where("id", .in, SQLBind.group(Array(unitIDs))).all() {
                names[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        let shares = rows.map { row in
            Share(indicatorID: row.indicatorID, regionID: row.regionID, target: row.target, targetNote: row.targetNote,
                  responsibleUnit: row.unitID.flatMap { names[$0] }, sortOrder: row.sortOrder)
        }
        guard let month else { return (shares, []) }
        return (shares, try await figures(indicatorIDs: indicatorIDs, month: month, comparison: .equal))
    }

    func figures(indicatorIDs: [Int], month: Int, comparison: SQLBinaryOperator) async throws -> [ReportedFigure] {
        try await TableRows.figures(indicatorIDs: indicatorIDs, month: month, before: comparison == .lessThan, on: db)
    }

    /// The month's figures, and for each region reporting at the bottom of the decomposition
    /// that has not reported the month, its latest earlier figure (figures are cumulative).
    /// Aggregates are computed, never carried.
    func withCarriedFigures(_ monthFigures: [ReportedFigure], shares: [Share], tree: RegionTree, month: Int) async throws -> [ReportedFigure] {
        var reports = monthFigures
        guard month > 1 else { return reports }
        let have = Set(reports.map { ShareKey($0.indicatorID, $0.regionID) })
        var missing: [Share] = []
        for share in shares where !have.contains(ShareKey(share.indicatorID, share.regionID)) { missing.append(share) }
        guard !missing.isEmpty else { return reports }
        // Only regions at the bottom of an indicator's decomposition report; the rest are computed.
        let all = Set(shares.map { ShareKey($0.indicatorID, $0.regionID) })
        missing = missing.filter { share in !tree.children(of: share.regionID).contains { all.contains(ShareKey(share.indicatorID, $0.id)) } }
        guard !missing.isEmpty else { return reports }
        let wanted = Set(missing.map { ShareKey($0.indicatorID, $0.regionID) })
        let earlier = try await figures(indicatorIDs: Array(Set(missing.map(\.indicatorID))), month: month, comparison: .lessThan)
        var latest: [ShareKey: ReportedFigure] = [:]
        for report in earlier {
            let key = ShareKey(report.indicatorID, report.regionID)
            guard wanted.contains(key) else { continue }
            if (latest[key]?.month ?? 0) < report.month { latest[key] = report }
        }
        reports.append(contentsOf: latest.values)
        return reports
    }

    /// An indicator and a region, as a key.
    struct ShareKey: Hashable {
        let indicator: Int
        let region: Int
        init(_ indicator: Int, _ region: Int) {
            self.indicator = indicator
            self.region = region
        }
    }

    /// The months with any submitted figure: twelve existence checks on the (indicator, month)
    /// index in one statement, rather than a scan of the year's rows.
    private func submittedMonths(indicatorIDs: [Int]) async throws -> [Int] {
        let submitted = ProgressReport.State.submitted.rawValue
        var query = SQLQueryString("")
        for month in 1...12 {
            if month > 1 { query.appendLiteral(" UNION ALL ") }
            query.appendInterpolation(unsafeRaw: "SELECT \(month) AS month WHERE EXISTS (SELECT 1 FROM progress_reports WHERE month = \(month) AND indicator_id IN (")
            query.appendInterpolation(binds: indicatorIDs)
            query.appendLiteral(") AND state = ")
            query.appendInterpolation(bind: submitted)
            query.appendLiteral(")")
        }
        let rows = try await db.sql.raw(query).all()
        return try rows.map { try $0.decode(column: "month", as: Int.self) }.sorted()
    }
}
