import FluentKit
import Foundation
import MinshengCore

/// 指标: a measurable task of a project, with its unit, progress kind and aggregation rule.
public final class Indicator: Model, @unchecked Sendable {
    public static let schema = "indicators"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "project_id") public var project: Project
    @Field(key: "seq") public var seq: Int
    /// 指标任务 text.
    @Field(key: "name") public var name: String
    /// 单位 (所, 人, 公里, 元/月 …).
    @Field(key: "unit_label") public var unitLabel: String
    @Field(key: "progress_kind") public var progressKind: String
    @Field(key: "aggregation") public var aggregation: String
    /// 牵头单位, a unit of the plan's owner region.
    @OptionalParent(key: "lead_unit_id") public var leadUnit: Department?
    /// 验收标准
    @OptionalField(key: "acceptance_standard") public var acceptanceStandard: String?
    /// 停止实施: an indicator with figures is never removed; it is stopped, with the reason.
    @OptionalField(key: "stopped_at") public var stoppedAt: Date?
    @OptionalField(key: "stop_reason") public var stopReason: String?

    public init() {}

    public init(projectID: Int, seq: Int, name: String, unitLabel: String, kind: ProgressType, aggregation: Aggregation,
                leadUnitID: Int?, acceptanceStandard: String? = nil) {
        self.$project.id = projectID
        self.seq = seq
        self.name = name
        self.unitLabel = unitLabel
        self.progressKind = kind.rawValue
        self.aggregation = aggregation.rawValue
        self.$leadUnit.id = leadUnitID
        self.acceptanceStandard = acceptanceStandard
    }

    public var kind: ProgressType { ProgressType(rawValue: progressKind) ?? .quantity }
    public var rule: Aggregation { Aggregation(rawValue: aggregation) ?? kind.defaultAggregation }
}

/// 责任单位 named by the plan for an indicator (beside the lead unit).
public final class IndicatorUnit: Model, @unchecked Sendable {
    public static let schema = "indicator_units"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Parent(key: "unit_id") public var unit: Department

    public init() {}
    public init(indicatorID: Int, unitID: Int) {
        self.$indicator.id = indicatorID
        self.$unit.id = unitID
    }
}
