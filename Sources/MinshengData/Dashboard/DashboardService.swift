import FluentKit
import Foundation
import MinshengCore

/// The leaders' dashboard: what a month's bulletin says of a region, as figures for charts — by
/// the same facts the bulletin is composed from (`BulletinService.facts`), so a chart and the
/// bulletin never disagree.
public struct DashboardService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// One child region's standing in a level: its own shares of the level's indicators.
    public struct ChildStanding: Sendable, Equatable, IndicatorTally {
        public var regionID: Int?
        public var name: String
        public var completed = 0
        public var onSchedule = 0
        public var lagging = 0
        /// Shares without a figure yet.
        public var unreported = 0
        /// Mean progress and mean 验收率 of its shares with a figure (percent, 2 decimals).
        public var meanProgress: Decimal?
        public var meanAcceptance: Decimal?
        public var shares: Int { completed + onSchedule + lagging + unreported }
    }

    /// An indicator whose standing changed since the month before, or whose progress moved most.
    public struct Change: Sendable, Equatable {
        public enum Kind: String, Sendable { case fellBehind, completed, caughtUp, gain, drop }
        public var kind: Kind
        public var indicatorID: Int
        public var project: String
        public var indicator: String
        public var before: Decimal?
        public var after: Decimal?
    }

    /// One month of a level's trend, counted as the month's table counts (the plan's completion rule).
    public struct TrendPoint: Sendable, Equatable, IndicatorTally, ProjectTally {
        public var month: Int
        public var completed = 0
        public var onSchedule = 0
        public var lagging = 0
        public var unreported = 0
        public var projectsCompleted = 0
        public var projectsOnSchedule = 0
        public var projectsLagging = 0
        /// Mean progress of the region's own figures of the indicators that have one (percent, 2 decimals).
        public var meanProgress: Decimal?
        /// 序时进度 at the end of the month (percent).
        public var schedule: Decimal
        public var indicators: Int { completed + onSchedule + lagging + unreported }

        public init(month: Int, schedule: Decimal) {
            self.month = month
            self.schedule = schedule
        }
    }

    /// A stored figure's standing and progress: `[indicator and region: [month: …]]`.
    public typealias Stored = [Int: [Int: [Int: (status: ProgressStatus?, progress: Decimal?)]]]

    public struct Level: Sendable {
        public var level: PlanLevel
        public var planID: Int
        public var table: ProgressTable
        public var children: [ChildStanding]
        /// Month by month, January to the month: the indicators' and projects' standing, the mean
        /// progress of the region's own figures, and the schedule.
        public var trend: [TrendPoint]
        public var changes: [Change]
        public var disclosure: DisclosureTable?
    }

    public struct Dashboard: Sendable {
        public var regionID: Int
        public var region: String
        public var year: Int
        public var month: Int
        public var level: PlanLevel?
        public var levels: [Level]
        /// The region's children with their ids, in the tables' column order.
        public var childIDs: [String: Int]
        public var feedbackByRegion: [String: FeedbackRates]
        public var feedback: FeedbackRates?
        public var supervision: SupervisionStatistics?
        public var lettersSent: Int
        public var lettersReplied: Int
    }

    /// The latest closed month of the region's plans of the year (nil when none is closed).
    public func latestClosedMonth(regionID: Int, year: Int, tree: RegionTree) async throws -> Int? {
        let plans = try await BulletinService(db: db).plans(regionID: regionID, year: year, level: nil, tree: tree).compactMap(\.id)
        guard !plans.isEmpty else { return nil }
        return try await PlanMonth.query(on: db).filter(\.$plan.$id ~~ plans).filter(\.$closedAt != nil).all().map(\.month).max()
    }

    /// Per child region: the status of each of its shares, and its mean progress and 验收率.
    public static func children(_ table: ProgressTable) -> [ChildStanding] {
        table.columns.enumerated().map { index, name in
            var standing = ChildStanding(regionID: index < table.columnIDs.count ? table.columnIDs[index] : nil, name: name)
            var progress: [Decimal] = [], acceptance: [Decimal] = []
            for row in table.rows where index < row.regions.count {
                guard let figure = row.regions[index], figure.target != nil || figure.targetNote != nil || figure.quantity != nil || figure.progress != nil else { continue }
                standing.count(figure.status)
                if let p = figure.progress { progress.append(p) }
                if let a = figure.acceptance { acceptance.append(a) }
            }
            standing.meanProgress = progress.isEmpty ? nil : Exact.rounded(progress.reduce(0, +) / Decimal(progress.count), scale: 2)
            standing.meanAcceptance = acceptance.isEmpty ? nil : Exact.rounded(acceptance.reduce(0, +) / Decimal(acceptance.count), scale: 2)
            return standing
        }
    }

    /// Month by month through `month`, from the stored figures of the region and of the table's
    /// columns (`columnIDs`, aligned with `table.columns`): each indicator's standing by the plan's
    /// completion rule, as the month's own table would count it.
    public static func trend(_ table: ProgressTable, regionID: Int, columnIDs: [Int?], stored: Stored, through month: Int,
                             schedule: (Int) -> Decimal) -> [TrendPoint] {
        guard month >= 1 else { return [] }
        return (1...min(month, 12)).map { m in
            var point = TrendPoint(month: m, schedule: schedule(m))
            var progress: [Decimal] = []
            var byRow: [Int: ProgressStatus?] = [:]
            for row in table.rows {
                let own = stored[row.indicatorID]?[regionID]?[m]
                let shares: [ProgressStatus?] = row.regions.indices.compactMap { index in
                    guard row.regions[index] != nil else { return nil }
                    return index < columnIDs.count ? columnIDs[index].flatMap { stored[row.indicatorID]?[$0]?[m]?.status } : nil
                }
                let standing = table.completionRule.standing(aggregate: own?.status, shares: shares)
                byRow[row.indicatorID] = standing
                point.count(standing)
                if let p = own?.progress { progress.append(p) }
            }
            for project in table.projectRows {
                point.countProject(project.map { byRow[$0.indicatorID] ?? nil })
            }
            point.meanProgress = progress.isEmpty ? nil : Exact.rounded(progress.reduce(0, +) / Decimal(progress.count), scale: 2)
            return point
        }
    }

    /// What changed since the month before (the region's own stored figures of that month):
    /// fell behind, completed, caught up, and the three biggest gains and drops in progress.
    public static func changes(before: [Int: (status: ProgressStatus?, progress: Decimal?)]?, to after: ProgressTable) -> [Change] {
        guard let before else { return [] }
        var changes: [Change] = []
        var moves: [(Change, Decimal)] = []
        for row in after.rows {
            let old = before[row.indicatorID]
            let (was, now) = (old?.status, row.aggregate?.status)
            let (p0, p1) = (old?.progress, row.aggregate?.progress)
            func change(_ kind: Change.Kind) -> Change {
                Change(kind: kind, indicatorID: row.indicatorID, project: row.projectName, indicator: row.indicator, before: p0, after: p1)
            }
            if now == .lagging && was != .lagging { changes.append(change(.fellBehind)) }
            if now == .completed && was != .completed { changes.append(change(.completed)) }
            if was == .lagging && now == .onSchedule { changes.append(change(.caughtUp)) }
            if let p0, let p1, p1 != p0 { moves.append((change(p1 > p0 ? .gain : .drop), p1 - p0)) }
        }
        // The biggest moves among the indicators not already named for their standing.
        let named = Set(changes.map(\.indicatorID))
        moves.removeAll { named.contains($0.0.indicatorID) }
        let gains = moves.filter { $0.1 > 0 }.sorted { ($0.1, $1.0.indicator) > ($1.1, $0.0.indicator) }.prefix(3).map(\.0)
        let drops = moves.filter { $0.1 < 0 }.sorted { ($0.1, $0.0.indicator) < ($1.1, $1.0.indicator) }.prefix(3).map(\.0)
        return changes + gains + drops
    }

    public func dashboard(regionID: Int, year: Int, month: Int, level: PlanLevel?, tree: RegionTree, now: Date = Date()) async throws -> Dashboard {
        guard let node = tree[regionID] else { throw ServiceError.notFound("没有该行政区划。") }
        let bulletins = BulletinService(db: db)
        let plans = try await bulletins.plans(regionID: regionID, year: year, level: level, tree: tree)
        // The bulletin's figures without its lists (evidence missing or waiting, the month's activity).
        let facts = try await bulletins.facts(regionID: regionID, kind: .monthly, period: BulletinPeriod(year: year, month: month), level: level, tree: tree,
                                              light: true, plans: plans, now: now)
        let supervision = try await SupervisionReportService(db: db).statistics(regionID: regionID, year: year, month: month, tree: tree, now: now)
        let children = tree.children(of: regionID)
        var childIDs = Dictionary(children.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        childIDs[node.name] = regionID
        var levels: [Level] = []
        for plan in plans {
            guard let planID = plan.id, let fact = facts.levels.first(where: { $0.planID == planID }) else { continue }
            // The table's own region: the dashboard's, or the plan's owner where the dashboard's region has no share.
            let focus = fact.table.focusRegionID ?? regionID
            // The months before from the same stored figures the tables read, in one query.
            let columnIDs: [Int?] = fact.table.columnIDs.count == fact.table.columns.count ? fact.table.columnIDs : fact.table.columns.map { childIDs[$0] }
            let read = try await TableRows.storedStandings(indicatorIDs: fact.table.rows.map(\.indicatorID),
                                                            regionIDs: [focus] + columnIDs.compactMap { $0 }, through: month, on: db)
            var stored: Stored = [:]
            for (key, months) in read { stored[key.indicator, default: [:]][key.region] = months }
            let trend = Self.trend(fact.table, regionID: focus, columnIDs: columnIDs, stored: stored, through: month,
                                   schedule: plan.scheduleShare(endOfMonth:))
            let before: [Int: (status: ProgressStatus?, progress: Decimal?)]? = month > 1
                ? Dictionary(fact.table.rows.map { ($0.indicatorID, stored[$0.indicatorID]?[focus]?[month - 1] ?? (nil, nil)) }, uniquingKeysWith: { a, _ in a })
                : nil
            var standing = Self.children(fact.table)
            for c in standing.indices where standing[c].regionID == nil { standing[c].regionID = childIDs[standing[c].name] }
            levels.append(Level(level: plan.planLevel, planID: planID, table: fact.table, children: standing, trend: trend,
                                changes: Self.changes(before: before, to: fact.table), disclosure: fact.disclosure))
        }
        let letters = try await LetterRecord.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == year).filter(\.$month == month).all()
        return Dashboard(regionID: regionID, region: node.name, year: year, month: month, level: level, levels: levels, childIDs: childIDs,
                         feedbackByRegion: facts.feedbackByRegion, feedback: facts.feedback, supervision: supervision,
                         lettersSent: letters.count, lettersReplied: letters.filter { $0.repliedAt != nil }.count)
    }
}
