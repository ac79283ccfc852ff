import FluentKit
import Foundation
import MinshengCore

/// The progress tables and lists for a region and month, for pages, exports, the API and the
/// command line; built on the plan browser's figures so that every view shows the same numbers.
public struct ProgressReportService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// The plan a report about `regionName` in `year` is taken from: one the region owns, or one
    /// of an ancestor that decomposes a share to it; the given level, else the highest level.
    public func resolve(regionName: String, year: Int, level: PlanLevel?, scopeRegionID: Int? = nil) async throws -> (planID: Int, regionID: Int, tree: RegionTree) {
        let regions = RegionService(db: db)
        let tree = try await regions.tree()
        guard let region = try await regions.find(named: regionName), let regionID = region.id else {
            throw ServiceError.notFound("没有名为“\(regionName)”的行政区划。")
        }
        if let scopeRegionID, !tree.isWithin(regionID, of: scopeRegionID) {
            throw ServiceError.notFound("没有名为“\(regionName)”的行政区划，或您无权查看。")
        }
        let candidates = try await PlanService(db: db).visiblePlans(scopeRegionID: regionID, tree: tree)
            .filter { $0.year.year == year }
            .filter { level == nil || $0.planLevel == level }
        // Plans the region owns come before those of its ancestors; within that, by level.
        let ordered = candidates.filter { $0.$owner.id == regionID } + candidates.filter { $0.$owner.id != regionID }
        guard let plan = ordered.first, let planID = plan.id else {
            let what = level.map { "\($0.label)" } ?? ""
            throw ServiceError.notFound("\(regionName) \(year) 年没有\(what)重点民生实事计划。")
        }
        return (planID, regionID, tree)
    }

    /// The table of `planID` for the region `focusRegionID` (default: the plan's owner, or the
    /// scope region) at the end of `month` (default: the latest month with figures).
    public func table(planID: Int, scopeRegionID: Int, tree: RegionTree, focusRegionID: Int? = nil, month: Int? = nil) async throws -> ProgressTable? {
        guard let browser = try await PlanService(db: db).browse(planID: planID, scopeRegionID: scopeRegionID, tree: tree,
                                                                  focusRegionID: focusRegionID, month: month) else { return nil }
        return Self.table(from: browser)
    }

    public static func table(from browser: PlanService.Browser) -> ProgressTable {
        let children = browser.columns.filter { !$0.isAggregate }
        func figure(_ cell: PlanService.Cell?) -> ProgressTable.Figure? {
            guard let cell else { return nil }
            return ProgressTable.Figure(target: cell.target.map(Exact.decimal), targetNote: cell.targetNote,
                                        quantity: cell.figure?.quantity, progress: cell.figure?.progress, status: cell.status, band: cell.band,
                                        responsibleUnit: cell.responsibleUnit, note: cell.note)
        }
        var rows: [ProgressTable.Row] = []
        for item in browser.items {
            for project in item.projects {
                for indicator in project.indicators {
                    var row = ProgressTable.Row(
                        indicatorID: indicator.id, itemSeq: item.seq, itemName: item.name, projectSeq: project.seq,
                        projectName: project.name, indicator: indicator.name, unit: indicator.unitLabel,
                        kind: indicator.kind, rule: indicator.rule, leadUnit: indicator.leadUnit,
                        aggregate: figure(indicator.cells[browser.focus.regionID]),
                        regions: children.map { figure(indicator.cells[$0.regionID]) })
                    row.projectID = project.id
                    rows.append(row)
                }
            }
        }
        let summary = browser.summary
        let focusName = browser.trail.last?.name ?? summary.focusName
        var table = ProgressTable(title: "\(summary.year)年\(focusName)\(summary.level.label)重点民生实事",
                                  region: focusName, aggregateLabel: browser.focus.name, year: summary.year, month: summary.month,
                                  schedule: browser.schedule, columns: children.map(\.name), rows: rows)
        table.completionRule = summary.completionRule
        table.columnIDs = children.map(\.regionID)
        table.focusRegionID = browser.focus.regionID
        table.ownLevelColumns = Set(children.indices.filter { children[$0].isOwnLevel })
        return table
    }

    // MARK: - One indicator over the months

    public struct TrendPoint: Sendable {
        public var month: Int
        public var schedule: Decimal
        public var figure: ComputedFigure?
        public var status: ProgressStatus?
        public var note: String?
        /// The region reported for this month itself (not carried from an earlier month).
        public var reported: Bool
    }

    public struct Trend: Sendable {
        public var planID: Int
        public var planTitle: String
        public var year: Int
        public var indicator: String
        public var project: String
        public var unit: String
        public var kind: ProgressType
        public var regionID: Int
        public var regionName: String
        public var target: Double?
        public var targetNote: String?
        public var points: [TrendPoint]
    }

    /// Month by month, January to the latest month with figures, one indicator in one region.
    public func trend(indicatorID: Int, regionID: Int, scopeRegionID: Int, tree: RegionTree) async throws -> Trend? {
        guard let indicator = try await Indicator.query(on: db).filter(\.$id == indicatorID).with(\.$project, { $0.with(\.$item) }).first() else { return nil }
        let planID = indicator.project.item.$plan.id
        let service = PlanService(db: db)
        guard let first = try await service.browse(planID: planID, scopeRegionID: scopeRegionID, tree: tree, focusRegionID: regionID) else { return nil }
        guard first.focus.regionID == regionID else { return nil }
        let lastMonth = first.months.last ?? 0
        var points: [TrendPoint] = []
        var target: Double? = nil
        var targetNote: String? = nil
        var found = false
        for month in stride(from: 1, through: lastMonth, by: 1) {
            guard let browser = try await service.browse(planID: planID, scopeRegionID: scopeRegionID, tree: tree, focusRegionID: regionID, month: month) else { continue }
            let row = browser.items.lazy.flatMap(\.projects).flatMap(\.indicators).first { $0.id == indicatorID }
            guard let cell = row?.cells[regionID] else { continue }
            found = true
            target = cell.target
            targetNote = cell.targetNote
            points.append(TrendPoint(month: month, schedule: browser.schedule ?? Schedule.share(endOfMonth: month), figure: cell.figure,
                                     status: cell.status, note: cell.note, reported: cell.carriedFrom == nil && cell.figure?.progress != nil))
        }
        if lastMonth == 0 {
            let row = first.items.lazy.flatMap(\.projects).flatMap(\.indicators).first { $0.id == indicatorID }
            guard let cell = row?.cells[regionID] else { return nil }
            found = true
            target = cell.target
            targetNote = cell.targetNote
        }
        guard found else { return nil }
        return Trend(planID: planID, planTitle: first.summary.title, year: first.summary.year, indicator: indicator.name,
                     project: indicator.project.name, unit: indicator.unitLabel, kind: indicator.kind, regionID: regionID,
                     regionName: tree[regionID]?.name ?? "", target: target, targetNote: targetNote, points: points)
    }
}
