import FluentKit
import Foundation
import MinshengCore

/// A year's list of livelihood projects adopted by a region at one level (省定 / 市定 / 县定).
///
/// The owner region is the root of the plan's decomposition: its own target is the aggregate
/// column (全市), its children's shares are the district columns.
public final class Plan: Model, @unchecked Sendable {
    public static let schema = "plans"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "year_id") public var year: Year
    @Field(key: "level") public var level: String
    @Parent(key: "owner_region_id") public var owner: Region
    @Field(key: "title") public var title: String
    @OptionalField(key: "source") public var source: String?
    @Field(key: "sort_order") public var sortOrder: Int
    /// The plan's own 序时进度 for some months, "3:20,6:50" (month:percent); m/12 elsewhere.
    @OptionalField(key: "schedule") public var schedule: String?
    /// The monthly-update rule for its public pages, "fromMonth:minimum" ("3:1" when unset).
    @OptionalField(key: "update_rule") public var updateRuleText: String?
    /// Working days a unit has to answer an opinion (亮码评价); 5 when unset.
    @OptionalField(key: "feedback_days") public var feedbackDays: Int?
    /// `SatisfactionRule` raw value; 满意 + 基本满意 when unset.
    @OptionalField(key: "satisfaction_rule") public var satisfactionRuleText: String?
    /// `CompletionRule` raw value; by the aggregate when unset.
    @OptionalField(key: "completion_rule") public var completionRuleText: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    /// When the office adopted the plan (通过): from then on a target, a decomposition or a
    /// responsible unit changes only by an approved adjustment (计划调整).
    @OptionalField(key: "adopted_at") public var adoptedAt: Date?
    @OptionalField(key: "adopted_by") public var adoptedBy: Int?
    /// `AdjustmentApprover` raw value: who approves the plan's adjustments.
    @OptionalField(key: "adjustment_approver") public var adjustmentApproverText: String?

    public init() {}

    public init(yearID: Int, level: PlanLevel, ownerRegionID: Int, title: String, source: String? = nil, sortOrder: Int = 0) {
        self.$year.id = yearID
        self.level = level.rawValue
        self.$owner.id = ownerRegionID
        self.title = title
        self.source = source
        self.sortOrder = sortOrder
    }

    public var planLevel: PlanLevel { PlanLevel(rawValue: level) ?? .county }

    public var isAdopted: Bool { adoptedAt != nil }

    public var completionRule: CompletionRule { completionRuleText.flatMap(CompletionRule.init(rawValue:)) ?? .aggregate }

    /// The plan's own schedule by month; empty when it follows m/12.
    public var customSchedule: [Int: Decimal] { schedule.flatMap(Schedule.parse) ?? [:] }

    /// 序时进度 at the end of a month for this plan.
    public func scheduleShare(endOfMonth month: Int) -> Decimal {
        Schedule.share(endOfMonth: month, custom: customSchedule)
    }

    /// The same, exact, for judging.
    public func exactSchedule(endOfMonth month: Int) -> ExactNumber {
        Schedule.exact(endOfMonth: month, custom: customSchedule)
    }
}
