import Foundation

/// One region's share of an indicator and what it reported, as Core sees it.
public struct ShareFigure: Sendable {
    public var regionID: Int
    public var parentID: Int?
    public var target: ExactNumber?
    /// 完成数量 reported, for 进度 indicators.
    public var quantity: ExactNumber?
    /// A percentage reported directly (形象进度, 达标, or 进度 given without a quantity).
    public var reportedProgress: ExactNumber?

    public init(regionID: Int, parentID: Int?, exactTarget: ExactNumber?, quantity: ExactNumber?, reportedProgress: ExactNumber?) {
        self.regionID = regionID
        self.parentID = parentID
        self.target = exactTarget
        self.quantity = quantity
        self.reportedProgress = reportedProgress
    }

    public init(regionID: Int, parentID: Int?, target: Decimal?, quantity: Decimal?, reportedProgress: Decimal?) {
        self.init(regionID: regionID, parentID: parentID, exactTarget: target.map(ExactNumber.init),
                  quantity: quantity.map(ExactNumber.init), reportedProgress: reportedProgress.map(ExactNumber.init))
    }
}

/// A computed figure: the quantity (where it is meaningful) and the progress, unrounded.
public struct ComputedFigure: Sendable, Equatable {
    public var target: Decimal?
    public var quantity: Decimal?
    public var progress: Decimal?

    public init(target: Decimal?, quantity: Decimal?, progress: Decimal?) {
        self.target = target
        self.quantity = quantity
        self.progress = progress
    }
}

/// A computed figure as the tables keep and show it: quantity and progress rounded, the
/// standing judged on the unrounded progress.
public struct StoredFigure: Sendable, Equatable {
    /// The quantity, as the double nearest to it rounded to six places.
    public var quantity: Double?
    /// The progress rounded half-up to two places, as the double nearest to that.
    public var progress: Double?
    public var status: ProgressStatus?
    public var band: ProgressBand?

    public init(quantity: Double?, progress: Double?, status: ProgressStatus?, band: ProgressBand?) {
        self.quantity = quantity
        self.progress = progress
        self.status = status
        self.band = band
    }
}

/// Computes every region's figure for one indicator, aggregating to every ancestor by the rule.
///
/// A region whose share is decomposed among children takes its figure from them:
/// - 求和: Σ children's quantities ÷ its own target (the sum of the children's targets when the
///   plan gives it none);
/// - 平均: the unweighted mean of the progress of the children that have a target.
/// A region without children reports its own figure: progress = quantity ÷ target for a
/// 进度 indicator with a quantity, otherwise the reported percentage.
///
/// The arithmetic is exact (`ExactNumber`): status and bands are judged on unrounded values.
public struct IndicatorComputation: Sendable {
    public let kind: ProgressType
    public let rule: Aggregation
    private let shares: [Int: ShareFigure]
    private let children: [Int: [Int]]

    struct Figure {
        var target: ExactNumber?
        var quantity: ExactNumber?
        var progress: ExactNumber?
    }

    public init(kind: ProgressType, rule: Aggregation, shares: [ShareFigure]) {
        self.kind = kind
        self.rule = rule
        var byID: [Int: ShareFigure] = [:]
        for share in shares { byID[share.regionID] = share }
        var children: [Int: [Int]] = [:]
        for share in shares {
            if let parent = share.parentID, byID[parent] != nil {
                children[parent, default: []].append(share.regionID)
            }
        }
        self.shares = byID
        self.children = children
    }

    public func figure(for regionID: Int) -> ComputedFigure? {
        var memo: [Int: Figure] = [:]
        return compute(regionID, memo: &memo, depth: 0).map(Self.computed)
    }

    /// Every region's figure at once, sharing the work.
    public func allFigures() -> [Int: ComputedFigure] {
        exactFigures().mapValues(Self.computed)
    }

    /// Every region's figure as the tables store it, judged against `schedule` (percent).
    public func storedFigures(schedule: ExactNumber) -> [Int: StoredFigure] {
        exactFigures().mapValues { figure in
            guard let progress = figure.progress else {
                return StoredFigure(quantity: figure.quantity?.double(), progress: nil, status: nil, band: nil)
            }
            let status: ProgressStatus = progress >= Self.hundred ? .completed : progress >= schedule ? .onSchedule : .lagging
            let band: ProgressBand = status == .completed ? .completed : progress >= Self.seventyFive ? .atLeast75 : .below75
            return StoredFigure(quantity: figure.quantity?.double(), progress: progress.double(scale: 2), status: status, band: band)
        }
    }

    private static let hundred = ExactNumber(100)
    private static let seventyFive = ExactNumber(75)

    private static func computed(_ figure: Figure) -> ComputedFigure {
        ComputedFigure(target: figure.target?.decimal, quantity: figure.quantity?.decimal, progress: figure.progress?.decimal)
    }

    private func exactFigures() -> [Int: Figure] {
        var memo: [Int: Figure] = [:]
        for id in shares.keys { _ = compute(id, memo: &memo, depth: 0) }
        return memo
    }

    private func compute(_ id: Int, memo: inout [Int: Figure], depth: Int) -> Figure? {
        if let known = memo[id] { return known }
        guard let share = shares[id], depth < 64 else { return nil }
        let kids = children[id] ?? []
        let result: Figure
        if kids.isEmpty {
            result = Self.leaf(share, kind: kind)
        } else {
            let figures = kids.compactMap { compute($0, memo: &memo, depth: depth + 1) }
            result = aggregate(own: share, children: figures)
        }
        memo[id] = result
        return result
    }

    static func leaf(_ share: ShareFigure, kind: ProgressType) -> Figure {
        if kind == .quantity, let quantity = share.quantity, let target = share.target, target.isPositive, let progress = quantity * 100 / target {
            return Figure(target: target, quantity: quantity, progress: progress)
        }
        return Figure(target: share.target, quantity: share.quantity, progress: share.reportedProgress)
    }

    private func aggregate(own: ShareFigure, children: [Figure]) -> Figure {
        switch rule {
        case .sum:
            let target = own.target ?? Self.sumOfTargets(children)
            let reported = children.compactMap(\.quantity)
            guard let first = reported.first else { return Figure(target: target, quantity: nil, progress: nil) }
            let quantity = reported.dropFirst().reduce(first, +)
            let progress = target.flatMap { $0.isPositive ? quantity * 100 / $0 : nil }
            return Figure(target: target, quantity: quantity, progress: progress)
        case .mean:
            let counted = children.filter { $0.target != nil }.compactMap(\.progress)
            guard let first = counted.first else { return Figure(target: own.target, quantity: nil, progress: nil) }
            let total = counted.dropFirst().reduce(first, +)
            return Figure(target: own.target, quantity: nil, progress: total / counted.count)
        }
    }

    private static func sumOfTargets(_ children: [Figure]) -> ExactNumber? {
        let targets = children.compactMap(\.target)
        guard let first = targets.first else { return nil }
        return targets.dropFirst().reduce(first, +)
    }
}
