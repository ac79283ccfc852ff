import Foundation

/// Counts of indicators by their standing (已完成 / 按序时推进 / 未达序时 / 未填报): the plan
/// table's summary, each child region's standing and each month of the dashboard's trend count
/// the same way, through `count`.
public protocol IndicatorTally {
    var completed: Int { get set }
    var onSchedule: Int { get set }
    var lagging: Int { get set }
    var unreported: Int { get set }
}

extension IndicatorTally {
    public mutating func count(_ standing: ProgressStatus?) {
        switch standing {
        case .completed?: completed += 1
        case .onSchedule?: onSchedule += 1
        case .lagging?: lagging += 1
        case nil: unreported += 1
        }
    }
}

/// Counts of projects by their indicators' standing (`CompletionRule.projectStanding`); a project
/// without any standing is not counted.
public protocol ProjectTally {
    var projectsCompleted: Int { get set }
    var projectsOnSchedule: Int { get set }
    var projectsLagging: Int { get set }
}

extension ProjectTally {
    public mutating func countProject(_ indicators: [ProgressStatus?]) {
        switch CompletionRule.projectStanding(indicators) {
        case .completed?: projectsCompleted += 1
        case .onSchedule?: projectsOnSchedule += 1
        case .lagging?: projectsLagging += 1
        case nil: break
        }
    }
}

extension ProgressTable.Summary: IndicatorTally, ProjectTally {}
