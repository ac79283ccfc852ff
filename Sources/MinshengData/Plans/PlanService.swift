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
        /// Reference 002's band, judged on the unrounded progress.
        public var band: ProgressBand?
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
        /// 停止实施, with its reason.
        public var stopReason: String? = nil
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
        /// The region's own level (市本级), beside its counties.
        public var isOwnLevel = false
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
        /// Indicators by standing, counted by `completionRule`.
        public var counts: StatusCounts
        public var completionRule: CompletionRule
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
        // One plain read: the model with its eager loads costs three queries and reflection.
        let rows = try await TableRows.read({ "SELECT p.owner_region_id, p.level, p.title, p.schedule, y.year, p.completion_rule FROM plans p JOIN years y ON y.id = p.year_id WHERE p.id = \($0(1))" },
                                            [.int(planID)], on: db)
        guard let plan = rows.first else { return nil }
        let owner = try plan.requiredInt(try rows.column("owner_region_id"))
        let levelText = try plan.requiredString(try rows.column("level"))
        guard let level = PlanLevel(rawValue: levelText) else { throw TableRows.RowError.wrongType("level", expected: "plan level", found: levelText) }
        let title = try plan.requiredString(try rows.column("title"))
        let customSchedule = try plan.string(try rows.column("schedule")).flatMap(Schedule.parse) ?? [:]
        let year = try plan.requiredInt(try rows.column("year"))
        let rule = try plan.string(try rows.column("completion_rule")).flatMap(CompletionRule.init(rawValue:)) ?? .aggregate
        let scope = tree.subtreeIDs(of: scopeRegionID)
        let ownerInScope = scope.contains(owner)
        guard ownerInScope || tree.isWithin(scopeRegionID, of: owner) else { return nil }
        let top = ownerInScope ? owner : scopeRegionID

        let (items, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        let indicatorIDs = indicators.map(\.id)
        let topSubtree = tree.subtreeIDs(of: top)
        let planRegions = try await FigureStore.planRegions(planID: planID, on: db)
        let visible = planRegions.filter { scope.contains($0.regionID) && topSubtree.contains($0.regionID) }
        if !ownerInScope && visible.isEmpty { return nil }
        let regionsWithShares = Set(visible.map(\.regionID))
        let focus = focusRegionID.flatMap { id in regionsWithShares.contains(id) || id == top ? id : nil } ?? top
        // The months in which the focus's figures take in something reported for that month.
        let months = planRegions.first { $0.regionID == focus }?.months ?? []
        let shownMonth = month.flatMap { (1...12).contains($0) ? $0 : nil } ?? months.last

        // Columns: the focus, then its children with a share, in the plan's order.
        let childIDs = visible.filter { tree[$0.regionID]?.parentID == focus }
            .sorted { ($0.sortOrder, $0.regionID) < ($1.sortOrder, $1.regionID) }.map(\.regionID)
        func column(_ id: Int, aggregate: Bool) -> Column {
            let node = tree[id]
            let label = aggregate ? node.map { RegionKind.aggregateLabel(name: $0.name, kind: $0.kind) } ?? "合计" : (node?.name ?? "")
            let hasChildren = tree.children(of: id).contains { regionsWithShares.contains($0.id) }
            return Column(regionID: id, name: label, isAggregate: aggregate, hasChildren: hasChildren, isOwnLevel: node?.kind == .own)
        }
        let focusColumn = column(focus, aggregate: true)
        let columns = [focusColumn] + childIDs.map { column($0, aggregate: false) }
        let schedule = shownMonth.map { Schedule.share(endOfMonth: $0, custom: customSchedule) }

        // The columns' shares with their stored figures for the month (FigureStore).
        let stored = try await TableRows.storedCells(indicatorIDs: indicatorIDs, regionIDs: columns.map(\.regionID), month: shownMonth ?? 0, on: db)
        let unitNames = try await names(ofUnits: Set(stored.compactMap(\.unitID)))
        var cellsByIndicator: [Int: [Int: Cell]] = [:]
        for row in stored {
            var figure: ComputedFigure? = nil
            if row.quantity != nil || row.progress != nil {
                figure = ComputedFigure(target: row.target.map(Exact.decimal), quantity: row.quantity.map(Exact.decimal), progress: row.progress.map(Exact.decimal))
            }
            cellsByIndicator[row.indicatorID, default: [:]][row.regionID] = Cell(
                target: row.target, targetNote: row.targetNote, responsibleUnit: row.unitID.flatMap { unitNames[$0] }, figure: figure,
                status: row.status.flatMap(ProgressStatus.init(rawValue:)), band: row.band.flatMap(ProgressBand.init(rawValue:)),
                note: row.note, carriedFrom: row.carriedFrom)
        }
        var counts = StatusCounts()
        var indicatorRows: [Int: [IndicatorRow]] = [:]
        for indicator in indicators {
            let cells = cellsByIndicator[indicator.id] ?? [:]
            if let cell = cells[focus] {
                let shares = childIDs.compactMap { cells[$0] }.map(\.status)
                switch rule.standing(aggregate: cell.status, shares: shares) {
                case .completed?: counts.completed += 1
                case .onSchedule?: counts.onSchedule += 1
                case .lagging?: counts.lagging += 1
                case nil: counts.unreported += 1
                }
            }
            indicatorRows[indicator.projectID, default: []].append(IndicatorRow(
                id: indicator.id, name: indicator.name, unitLabel: indicator.unitLabel, kind: indicator.kind, rule: indicator.rule,
                leadUnit: indicator.leadUnit, acceptanceStandard: indicator.acceptanceStandard, stopReason: indicator.stopReason, cells: cells))
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
            id: planID, year: year, level: level, title: title, ownerName: tree[owner]?.name ?? "",
            focusName: tree[focus]?.name ?? "", isShare: !ownerInScope,
            items: itemRows.count, projects: itemRows.reduce(0) { $0 + $1.projects.count },
            indicators: itemRows.reduce(0) { $0 + $1.projects.reduce(0) { $0 + $1.indicators.count } },
            childRegions: childIDs.count, month: shownMonth, counts: counts, completionRule: rule)
        return Browser(summary: summary, focus: focusColumn, columns: columns, items: itemRows, months: months,
                       schedule: schedule, trail: trailIDs.map { Column(regionID: $0, name: tree[$0]?.name ?? "", isAggregate: false, hasChildren: true) })
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

    /// The names of units by id.
    private func names(ofUnits ids: Set<Int>) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        var names: [Int: String] = [:]
        for row in try await db.sql.select().columns("id", "name").from(Department.schema).where("id", .in, SQLBind.group(Array(ids))).all() {
            names[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
        }
        return names
    }
}
