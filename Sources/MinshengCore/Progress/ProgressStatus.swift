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
