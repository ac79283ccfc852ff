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
    public struct ChildStanding: Sendable, Equatable {
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

    public struct Level: Sendable {
        public var level: PlanLevel
        public var planID: Int
        public var table: ProgressTable
        public var children: [ChildStanding]
        /// Month by month: indicators completed, on schedule, lagging (of those with a figure).
        public var trend: [(month: Int, completed: Int, onSchedule: Int, lagging: Int, indicators: Int)]
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
            var standing = ChildStanding(regionID: nil, name: name)
            var progress: [Decimal] = [], acceptance: [Decimal] = []
            for row in table.rows where index < row.regions.count {
                guard let figure = row.regions[index], figure.target != nil || figure.targetNote != nil || figure.quantity != nil || figure.progress != nil else { continue }
                switch figure.status {
                case .completed?: standing.completed += 1
                case .onSchedule?: standing.onSchedule += 1
                case .lagging?: standing.lagging += 1
                case nil: standing.unreported += 1
                }
                if let p = figure.progress { progress.append(p) }
                if let a = figure.acceptance { acceptance.append(a) }
            }
            standing.meanProgress = progress.isEmpty ? nil : Exact.rounded(progress.reduce(0, +) / Decimal(progress.count), scale: 2)
            standing.meanAcceptance = acceptance.isEmpty ? nil : Exact.rounded(acceptance.reduce(0, +) / Decimal(acceptance.count), scale: 2)
            return standing
        }
    }

    /// What changed between two months' tables of a plan: fell behind, completed, caught up, and
    /// the three biggest gains and drops in progress.
    public static func changes(from before: ProgressTable?, to after: ProgressTable) -> [Change] {
        guard let before else { return [] }
        let earlier = Dictionary(before.rows.map { ($0.indicatorID, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        var moves: [(Change, Decimal)] = []
        for row in after.rows {
            guard let old = earlier[row.indicatorID] else { continue }
            let (was, now) = (old.aggregate?.status, row.aggregate?.status)
            let (p0, p1) = (old.aggregate?.progress, row.aggregate?.progress)
            func change(_ kind: Change.Kind) -> Change {
                Change(kind: kind, indicatorID: row.indicatorID, project: row.projectName, indicator: row.indicator, before: p0, after: p1)
            }
            if now == .lagging && was != .lagging { changes.append(change(.fellBehind)) }
            if now == .completed && was != .completed { changes.append(change(.completed)) }
            if was == .lagging && now == .onSchedule { changes.append(change(.caughtUp)) }
            if let p0, let p1, p1 != p0 { moves.append((change(p1 > p0 ? .gain : .drop), p1 - p0)) }
        }
        let gains = moves.filter { $0.1 > 0 }.sorted { ($0.1, $1.0.indicator) > ($1.1, $0.0.indicator) }.prefix(3).map(\.0)
        let drops = moves.filter { $0.1 < 0 }.sorted { ($0.1, $0.0.indicator) < ($1.1, $1.0.indicator) }.prefix(3).map(\.0)
        return changes + gains + drops
    }

    public func dashboard(regionID: Int, year: Int, month: Int, level: PlanLevel?, tree: RegionTree, now: Date = Date()) async throws -> Dashboard {
        guard let node = tree[regionID] else { throw ServiceError.notFound("没有该行政区划。") }
        let bulletins = BulletinService(db: db)
        let facts = try await bulletins.facts(regionID: regionID, kind: .monthly, period: BulletinPeriod(year: year, month: month), level: level, tree: tree, now: now)
        let plans = try await bulletins.plans(regionID: regionID, year: year, level: level, tree: tree)
        let acceptance = AcceptanceService(db: db)
        var levels: [Level] = []
        for plan in plans {
            guard let planID = plan.id, let fact = facts.levels.first(where: { $0.level == plan.planLevel && $0.planTitle == plan.title }) else { continue }
            var trend: [(month: Int, completed: Int, onSchedule: Int, lagging: Int, indicators: Int)] = []
            var previous: ProgressTable?
            for m in 1...month {
                guard let report = try await acceptance.report(planID: planID, scopeRegionID: regionID, tree: tree, focusRegionID: regionID, month: m, now: now) else { continue }
                let s = report.table.summary
                trend.append((m, s.completed, s.onSchedule, s.lagging, s.indicators))
                if m == month - 1 { previous = report.table }
            }
            levels.append(Level(level: plan.planLevel, planID: planID, table: fact.table, children: Self.children(fact.table), trend: trend,
                                changes: Self.changes(from: previous, to: fact.table), disclosure: fact.disclosure))
        }
        let children = tree.children(of: regionID)
        var childIDs = Dictionary(children.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        childIDs[node.name] = regionID
        for index in levels.indices {
            for c in levels[index].children.indices { levels[index].children[c].regionID = childIDs[levels[index].children[c].name] }
        }
        let letters = try await LetterRecord.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == year).filter(\.$month == month).all()
        return Dashboard(regionID: regionID, region: node.name, year: year, month: month, level: level, levels: levels, childIDs: childIDs,
                         feedbackByRegion: facts.feedbackByRegion, feedback: facts.feedback, supervision: facts.supervision,
                         lettersSent: letters.count, lettersReplied: letters.filter { $0.repliedAt != nil }.count)
    }
}
