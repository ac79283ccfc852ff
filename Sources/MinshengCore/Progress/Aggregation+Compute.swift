import Foundation

/// One region's share of an indicator and what it reported, as Core sees it.
public struct ShareFigure: Sendable, Equatable {
    public var regionID: Int
    public var parentID: Int?
    public var target: Decimal?
    /// 完成数量 reported, for 进度 indicators.
    public var quantity: Decimal?
    /// A percentage reported directly (形象进度, 达标, or 进度 given without a quantity).
    public var reportedProgress: Decimal?

    public init(regionID: Int, parentID: Int?, target: Decimal?, quantity: Decimal?, reportedProgress: Decimal?) {
        self.regionID = regionID
        self.parentID = parentID
        self.target = target
        self.quantity = quantity
        self.reportedProgress = reportedProgress
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

/// Computes every region's figure for one indicator, aggregating to every ancestor by the rule.
///
/// A region whose share is decomposed among children takes its figure from them:
/// - 求和: Σ children's quantities ÷ its own target (the sum of the children's targets when the
///   plan gives it none);
/// - 平均: the unweighted mean of the progress of the children that have a target.
/// A region without children reports its own figure: progress = quantity ÷ target for a
/// 进度 indicator with a quantity, otherwise the reported percentage.
public struct IndicatorComputation: Sendable {
    public let kind: ProgressType
    public let rule: Aggregation
    private let shares: [Int: ShareFigure]
    private let children: [Int: [Int]]

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
        var memo: [Int: ComputedFigure] = [:]
        return compute(regionID, memo: &memo, depth: 0)
    }

    /// Every region's figure at once, sharing the work.
    public func allFigures() -> [Int: ComputedFigure] {
        var memo: [Int: ComputedFigure] = [:]
        for id in shares.keys { _ = compute(id, memo: &memo, depth: 0) }
        return memo
    }

    private func compute(_ id: Int, memo: inout [Int: ComputedFigure], depth: Int) -> ComputedFigure? {
        if let known = memo[id] { return known }
        guard let share = shares[id], depth < 64 else { return nil }
        let kids = children[id] ?? []
        let result: ComputedFigure
        if kids.isEmpty {
            result = Self.leaf(share, kind: kind)
        } else {
            let figures = kids.compactMap { compute($0, memo: &memo, depth: depth + 1) }
            result = aggregate(own: share, children: figures)
        }
        memo[id] = result
        return result
    }

    static func leaf(_ share: ShareFigure, kind: ProgressType) -> ComputedFigure {
        if kind == .quantity, let quantity = share.quantity, let target = share.target, target > 0 {
            return ComputedFigure(target: share.target, quantity: quantity, progress: quantity * 100 / target)
        }
        return ComputedFigure(target: share.target, quantity: share.quantity, progress: share.reportedProgress)
    }

    private func aggregate(own: ShareFigure, children: [ComputedFigure]) -> ComputedFigure {
        switch rule {
        case .sum:
            let reported = children.filter { $0.quantity != nil }
            guard !reported.isEmpty else {
                return ComputedFigure(target: own.target ?? Self.sumOfTargets(children), quantity: nil, progress: nil)
            }
            let quantity = reported.reduce(Decimal(0)) { $0 + ($1.quantity ?? 0) }
            let target = own.target ?? Self.sumOfTargets(children)
            let progress: Decimal? = (target ?? 0) > 0 ? quantity * 100 / (target ?? 1) : nil
            return ComputedFigure(target: target, quantity: quantity, progress: progress)
        case .mean:
            let counted = children.filter { $0.target != nil }.compactMap(\.progress)
            guard !counted.isEmpty else { return ComputedFigure(target: own.target, quantity: nil, progress: nil) }
            let total = counted.reduce(Decimal(0), +)
            return ComputedFigure(target: own.target, quantity: nil, progress: total / Decimal(counted.count))
        }
    }

    private static func sumOfTargets(_ children: [ComputedFigure]) -> Decimal? {
        let targets = children.compactMap(\.target)
        return targets.isEmpty ? nil : targets.reduce(0, +)
    }
}
