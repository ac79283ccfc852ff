import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// The computed figure of every share (indicator × region) at the end of every month, as the
/// tables show it: the quantity, the progress rounded half-up, the status judged unrounded
/// against the plan's 序时进度, the band, and where the figure was carried from an earlier month.
///
/// Derived data: every write of a figure, a target or a plan's schedule refreshes the months it
/// affects inside the same transaction (`refresh`). A region at the bottom of an indicator's
/// decomposition that has not reported a month keeps its latest earlier figure (figures are
/// cumulative); every other region's figure is computed from its children (Core's rules).
public enum FigureStore {
    public static let schema = "progress_figures"
    /// Each plan's regions with a share: the first column position and, as bits 1…12, the months
    /// in which the region's figures take in something reported for that month.
    public static let planRegionsSchema = "plan_regions"

    static let columns = ["indicator_id", "month", "region_id", "quantity", "progress", "status", "band", "carried_from", "note", "fresh"]

    /// Recomputes the indicators' figures for `fromMonth` through December. Call it inside the
    /// transaction that changed their figures or targets, on that transaction's database.
    public static func refresh(indicatorIDs: [Int], fromMonth: Int = 1, on db: any Database) async throws {
        let ids = Array(Set(indicatorIDs)).sorted()
        guard !ids.isEmpty else { return }
        let from = min(max(fromMonth, 1), 12)
        let sql = try db.sql
        // One refresh of a plan's stored aggregates at a time: a second waits here and then reads
        // what the first committed (the rows are deleted and written again).
        try await db.takeLocks(try await planIDs(ofIndicators: ids, on: db).map { .plan($0) })
        var query = SQLQueryString("""
            SELECT n.id, n.progress_kind, n.aggregation, pl.schedule FROM indicators n
            JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id
            WHERE n.id IN (
            """)
        query.appendInterpolation(binds: ids)
        query.appendLiteral(")")
        struct Info { var kind: ProgressType; var rule: Aggregation; var schedule: [Int: Decimal] }
        var infos: [Int: Info] = [:]
        for row in try await sql.raw(query).all() {
            let kind = ProgressType(rawValue: try row.decode(column: "progress_kind", as: String.self)) ?? .quantity
            let rule = Aggregation(rawValue: try row.decode(column: "aggregation", as: String.self)) ?? kind.defaultAggregation
            let schedule = try row.decode(column: "schedule", as: String?.self).flatMap(Schedule.parse) ?? [:]
            infos[try row.decode(column: "id", as: Int.self)] = Info(kind: kind, rule: rule, schedule: schedule)
        }
        let tree = try await RegionService(db: db).tree()
        let shares = Dictionary(grouping: try await TableRows.shares(indicatorIDs: ids, on: db), by: \.indicatorID)
        let reports = Dictionary(grouping: try await TableRows.figures(indicatorIDs: ids, month: 13, before: true, on: db), by: \.indicatorID)

        // Adjusted indicators: each month is computed with the targets that stood in it.
        let versions = Dictionary(grouping: try await TableRows.targetVersions(indicatorIDs: ids, from: from, on: db), by: \.indicatorID)

        var rows: [[TableRows.Value]] = []
        for id in ids {
            guard let info = infos[id] else { continue }
            let current = shares[id] ?? []
            let schedules = (from...12).map { Schedule.exact(endOfMonth: $0, custom: info.schedule) }
            guard let adjusted = versions[id] else {
                guard !current.isEmpty else { continue }
                rows += figures(indicatorID: id, kind: info.kind, rule: info.rule, shares: current, reports: reports[id] ?? [],
                                tree: tree, months: from...12, schedules: schedules)
                continue
            }
            for (index, month) in (from...12).enumerated() {
                let standing = TableRows.overlay(current, versions: adjusted, month: month, regions: nil)
                guard !standing.isEmpty else { continue }
                rows += figures(indicatorID: id, kind: info.kind, rule: info.rule, shares: standing, reports: reports[id] ?? [],
                                tree: tree, months: month...month, schedules: [schedules[index]])
            }
        }
        var delete = SQLQueryString("DELETE FROM \(unsafeRaw: schema) WHERE month >= \(bind: from) AND indicator_id IN (")
        delete.appendInterpolation(binds: ids)
        delete.appendLiteral(")")
        try await sql.raw(delete).run()
        try await TableRows.insert(into: schema, columns: columns, rows: rows, on: db)
        try await TableRows.analyzeAfterBulkWrite(rows: rows.count, tables: [schema, ProgressReport.schema], on: db)
        try await refreshPlanRegions(indicatorIDs: ids, on: db)
        try await PublicVersion.changed(on: db)
    }

    /// The plans the indicators belong to, ascending.
    static func planIDs(ofIndicators indicatorIDs: [Int], on db: any Database) async throws -> [Int] {
        var query = SQLQueryString("SELECT DISTINCT i.plan_id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE n.id IN (")
        query.appendInterpolation(binds: indicatorIDs)
        query.appendLiteral(")")
        return try await db.sql.raw(query).all().map { try $0.decode(column: "plan_id", as: Int.self) }.sorted()
    }

    /// Rewrites `plan_regions` for the plans of the indicators.
    static func refreshPlanRegions(indicatorIDs: [Int], on db: any Database) async throws {
        let sql = try db.sql
        for planID in try await planIDs(ofIndicators: indicatorIDs, on: db) {
            let planIndicators = try await sql.raw("""
                SELECT n.id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE i.plan_id = \(bind: planID)
                """).all().map { try $0.decode(column: "id", as: Int.self) }
            var orders: [Int: Int] = [:]
            var months: [Int: Int] = [:]
            if !planIndicators.isEmpty {
                var regions = SQLQueryString("SELECT region_id, MIN(sort_order) AS sort_order FROM targets WHERE indicator_id IN (")
                regions.appendInterpolation(binds: planIndicators)
                regions.appendLiteral(") GROUP BY region_id")
                for row in try await sql.raw(regions).all() {
                    orders[try row.decode(column: "region_id", as: Int.self)] = try row.decode(column: "sort_order", as: Int.self)
                }
                var fresh = SQLQueryString("SELECT region_id, month FROM \(unsafeRaw: schema) WHERE fresh = 1 AND indicator_id IN (")
                fresh.appendInterpolation(binds: planIndicators)
                fresh.appendLiteral(") GROUP BY region_id, month")
                for row in try await sql.raw(fresh).all() {
                    let region = try row.decode(column: "region_id", as: Int.self), month = try row.decode(column: "month", as: Int.self)
                    months[region, default: 0] |= 1 << month
                }
            }
            try await sql.raw("DELETE FROM \(unsafeRaw: planRegionsSchema) WHERE plan_id = \(bind: planID)").run()
            let rows: [[TableRows.Value]] = orders.keys.sorted().map { region in
                [.int(planID), .int(region), .int(orders[region] ?? 0), .int(months[region] ?? 0)]
            }
            try await TableRows.insert(into: planRegionsSchema, columns: ["plan_id", "region_id", "sort_order", "fresh_months"], rows: rows, on: db)
        }
    }

    /// A plan's regions with a share: column position and fresh months (ascending).
    static func planRegions(planID: Int, on db: any Database) async throws -> [(regionID: Int, sortOrder: Int, months: [Int])] {
        let rows = try await TableRows.read({ "SELECT region_id, sort_order, fresh_months FROM \(planRegionsSchema) WHERE plan_id = \($0(1))" },
                                            [.int(planID)], on: db)
        let c = (region: try rows.column("region_id"), sort: try rows.column("sort_order"), fresh: try rows.column("fresh_months"))
        return try rows.map { row in
            let mask = try row.requiredInt(c.fresh)
            return (try row.requiredInt(c.region), try row.requiredInt(c.sort), (1...12).filter { mask & (1 << $0) != 0 })
        }
    }

    /// The version of the rules the stored figures are computed with. Raise it with any change
    /// that changes a stored figure (aggregation, rounding, status bands): every instance then
    /// recomputes its figures once, after its migrations (`rebuildIfOutdated`).
    public static let rulesVersion = 1

    /// Recomputes every plan's figures when they were computed with other rules than today's (or
    /// never: a database migrated from before M004). Returns whether it did. Run after the
    /// migrations; servers starting together recompute once (the check is repeated under a lock).
    @discardableResult
    public static func rebuildIfOutdated(on db: any Database) async throws -> Bool {
        @Sendable func outdated(_ db: any Database) async throws -> Bool {
            let row = try await db.sql.raw("SELECT value FROM instance_settings WHERE key = 'figures_version'").first()
            return try row?.decode(column: "value", as: String.self) != String(rulesVersion)
        }
        guard try await outdated(db) else { return false }
        return try await db.write(locking: [.job("figures")]) { db in
            guard try await outdated(db) else { return false }
            try await refreshAll(on: db)
            try await db.sql.raw("UPDATE instance_settings SET value = \(bind: String(rulesVersion)) WHERE key = 'figures_version'").run()
            return true
        }
    }

    /// Recomputes every plan's figures (after a change of rules, or to repair).
    public static func refreshAll(on db: any Database) async throws {
        let sql = try db.sql
        let rows = try await sql.raw("""
            SELECT i.plan_id, n.id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id
            """).all()
        var byPlan: [Int: [Int]] = [:]
        for row in rows { byPlan[try row.decode(column: "plan_id", as: Int.self), default: []].append(try row.decode(column: "id", as: Int.self)) }
        for planID in byPlan.keys.sorted() { try await refresh(indicatorIDs: byPlan[planID] ?? [], on: db) }
    }

    /// Recomputes one plan's figures (after its schedule changed).
    public static func refresh(planID: Int, on db: any Database) async throws {
        let rows = try await db.sql.raw("""
            SELECT n.id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE i.plan_id = \(bind: planID)
            """).all()
        try await refresh(indicatorIDs: try rows.map { try $0.decode(column: "id", as: Int.self) }, on: db)
    }

    /// One indicator's stored rows for the months, from its shares and every submitted figure.
    static func figures(indicatorID: Int, kind: ProgressType, rule: Aggregation, shares: [TableRows.Share], reports: [TableRows.Figure],
                        tree: RegionTree, months: ClosedRange<Int>, schedules: [ExactNumber]) -> [[TableRows.Value]] {
        let decomposition = Decomposition(shares: shares, tree: tree)
        let (shareRegions, parents, hasChildren, targets) = (decomposition.regions, decomposition.parents, decomposition.hasChildren, decomposition.targets)
        // Each region's reports by month, read once as exact numbers.
        struct Reported { var month: Int; var quantity: ExactNumber?; var progress: ExactNumber?; var note: String? }
        var byRegion: [Int: [Int: Reported]] = [:]
        for report in reports where shareRegions.contains(report.regionID) {
            byRegion[report.regionID, default: [:]][report.month] = Reported(
                month: report.month, quantity: report.quantity.map(ExactNumber.init), progress: report.progress.map(ExactNumber.init), note: report.note)
        }
        var latest: [Int: Reported] = [:]
        for month in 1..<months.lowerBound {
            for (region, reported) in byRegion { if let r = reported[month] { latest[region] = r } }
        }
        var rows: [[TableRows.Value]] = []
        for (index, month) in months.enumerated() {
            var used: [Int: Reported] = [:]
            var input: [ShareFigure] = []
            input.reserveCapacity(shares.count)
            for share in shares {
                let region = share.regionID
                if let r = byRegion[region]?[month] { latest[region] = r }
                // Only regions at the bottom of the decomposition carry a figure forward.
                let report = byRegion[region]?[month] ?? (hasChildren.contains(region) ? nil : latest[region])
                if let report { used[region] = report }
                input.append(ShareFigure(regionID: region, parentID: parents[region], exactTarget: targets[region] ?? nil,
                                         quantity: report?.quantity, reportedProgress: report?.progress))
            }
            let stored = IndicatorComputation(kind: kind, rule: rule, shares: input).storedFigures(schedule: schedules[index])
            // Fresh: the figure takes in something reported for this very month (a leaf's own
            // report, or any below an aggregate); the month pickers offer these months.
            var fresh: Set<Int> = []
            for share in shares where !hasChildren.contains(share.regionID) && byRegion[share.regionID]?[month] != nil {
                var region: Int? = share.regionID
                while let current = region, fresh.insert(current).inserted { region = parents[current] }
            }
            for share in shares {
                let region = share.regionID
                let figure = stored[region]
                let report = used[region]
                guard figure?.progress != nil || figure?.quantity != nil || report?.note != nil else { continue }
                rows.append([.int(indicatorID), .int(month), .int(region), .double(figure?.quantity), .double(figure?.progress),
                             .text(figure?.status?.rawValue), .text(figure?.band?.rawValue),
                             .int(report.flatMap { $0.month < month ? $0.month : nil }), .text(report?.note), .int(fresh.contains(region) ? 1 : 0)])
            }
        }
        return rows
    }

    /// One indicator's decomposition: each share's parent share (the nearest ancestor with one),
    /// which shares are decomposed further, and the targets as exact numbers.
    struct Decomposition {
        var regions: Set<Int>
        var parents: [Int: Int] = [:]
        var hasChildren: Set<Int> = []
        var targets: [Int: ExactNumber?]

        init(shares: [TableRows.Share], tree: RegionTree) {
            regions = Set(shares.map(\.regionID))
            targets = Dictionary(shares.map { ($0.regionID, $0.target.map(ExactNumber.init)) }, uniquingKeysWith: { a, _ in a })
            for share in shares {
                if let parent = Self.parentShare(of: share.regionID, among: regions, tree: tree) {
                    parents[share.regionID] = parent
                    hasChildren.insert(parent)
                }
            }
        }

        /// The region's parent within an indicator's decomposition: its nearest ancestor with a share.
        static func parentShare(of region: Int, among regions: Set<Int>, tree: RegionTree) -> Int? {
            var parent = tree[region]?.parentID
            while let candidate = parent, !regions.contains(candidate) { parent = tree[candidate]?.parentID }
            return parent
        }

        /// The computation over the shares with `leaf` giving each bottom share's (quantity, progress).
        func computation(kind: ProgressType, rule: Aggregation, leaf: (Int) -> (ExactNumber?, ExactNumber?)) -> IndicatorComputation {
            IndicatorComputation(kind: kind, rule: rule, shares: regions.map { region in
                let (quantity, progress) = hasChildren.contains(region) ? (nil, nil) : leaf(region)
                return ShareFigure(regionID: region, parentID: parents[region], exactTarget: targets[region] ?? nil,
                                   quantity: quantity, reportedProgress: progress)
            })
        }
    }
}
