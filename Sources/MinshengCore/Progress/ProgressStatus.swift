import Foundation

/// An indicator's standing at the end of a month, judged on unrounded values.
public enum ProgressStatus: String, CaseIterable, Codable, Sendable {
    /// 已完成: progress ≥ 100%.
    case completed
    /// 按序时推进: progress ≥ 序时进度.
    case onSchedule = "on_schedule"
    /// 未达序时: below the schedule.
    case lagging

    public var label: String {
        switch self {
        case .completed: "已完成"
        case .onSchedule: "按序时推进"
        case .lagging: "未达序时"
        }
    }

    /// - Parameters:
    ///   - progress: the progress in percent, unrounded.
    ///   - schedule: 序时进度 in percent, unrounded.
    public static func judge(progress: Decimal, schedule: Decimal) -> ProgressStatus {
        if progress >= 100 { return .completed }
        if progress >= schedule { return .onSchedule }
        return .lagging
    }
}

/// Reference 002's bands: completed, not completed at ≥ 75%, and below 75%, judged on the
/// unrounded progress (74.996% is below 75% though it is shown as 75.00%).
public enum ProgressBand: String, CaseIterable, Codable, Sendable {
    case completed
    case atLeast75 = "at_least_75"
    case below75 = "below_75"

    public static func judge(progress: Decimal) -> ProgressBand {
        if progress >= 100 { return .completed }
        return progress >= 75 ? .atLeast75 : .below75
    }
}

/// 序时进度: the share of the year elapsed at the end of a month.
public enum Schedule {
    /// m/12 as a percentage, unrounded (83.333… at the end of October).
    public static func share(endOfMonth month: Int) -> Decimal {
        let clamped = min(max(month, 0), 12)
        return Decimal(clamped) * 100 / 12
    }
}

/// Progress of one indicator in one region.
public enum ProgressMath {
    /// progress = quantity ÷ target, in percent; nil when there is no positive target.
    public static func progress(quantity: Double, target: Double) -> Decimal? {
        guard target > 0 else { return nil }
        return Exact.decimal(quantity) * 100 / Exact.decimal(target)
    }
}

/// How an office counts an indicator as 已完成 in its bulletins. Offices differ: most count by
/// the aggregate alone; some (reference 000 附件3, 邵阳 市定) only when the aggregate *and
/// every region's share* have reached 100%, so 托位 at 全市 105% stays 按序时 while 隆回 is at
/// 87.72%. The rule changes only the completed / on-schedule split: lagging is the aggregate's.
public enum CompletionRule: String, CaseIterable, Codable, Sendable {
    case aggregate
    case everyRegion = "every_region"

    public var label: String {
        switch self {
        case .aggregate: "按汇总数判定"
        case .everyRegion: "汇总数及各区划均完成"
        }
    }

    /// What the rule means, for the page that shows the counts.
    public var explanation: String {
        switch self {
        case .aggregate: "指标的汇总数（全市、全县等）达到目标任务即计为已完成。"
        case .everyRegion: "指标的汇总数达到目标任务，且每个承担任务的区划都已完成，方计为已完成；否则计为按序时推进。"
        }
    }

    /// The indicator's standing as the office counts it.
    /// - Parameters:
    ///   - aggregate: the aggregate's status (nil: no figure).
    ///   - shares: the status of each region with a share (nil: that region has no figure).
    public func standing(aggregate: ProgressStatus?, shares: [ProgressStatus?]) -> ProgressStatus? {
        guard aggregate == .completed, self == .everyRegion else { return aggregate }
        return shares.allSatisfy { $0 == .completed } ? .completed : .onSchedule
    }

    /// A project's standing from its indicators' (as counted): lagging when any lags, completed
    /// when all are, on schedule otherwise; nil when none has a figure.
    public static func projectStanding(_ indicators: [ProgressStatus?]) -> ProgressStatus? {
        if indicators.contains(.lagging) { return .lagging }
        if indicators.allSatisfy({ $0 == nil }) { return nil }
        if indicators.allSatisfy({ $0 == .completed }) { return .completed }
        return .onSchedule
    }
}

/// Figures are cumulative: one lower than the month before needs its reason.
public enum CumulativeFigure {
    /// "100% → 95%" (or "12 → 10个" for quantities) when the figure is lower than the one before,
    /// else nil. Quantities are compared where both months have one; percents otherwise.
    public static func fall(quantity: Double?, progress: Double?, beforeQuantity: Double?, beforeProgress: Double?, unit: String = "") -> String? {
        if let now = quantity, let before = beforeQuantity, now < before {
            return "\(Figures.quantity(before)) → \(Figures.quantity(now))\(unit)"
        }
        if quantity == nil, let now = progress, let before = beforeProgress, now < before {
            return "\(Figures.quantity(before))% → \(Figures.quantity(now))%"
        }
        return nil
    }

    /// How a reason for a fall is kept in a figure's history.
    public static func historyReason(_ reason: String) -> String { "累计数低于上月：" + reason }
}
