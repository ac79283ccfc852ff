import FluentKit
import Foundation

/// One change to a reported figure: who, when, what it was and what it became. Never updated.
public final class ProgressHistory: Model, @unchecked Sendable {
    public static let schema = "progress_history"

    public enum Action: String, Codable, Sendable, CaseIterable {
        case imported = "import"
        case saved = "save"
        case submitted = "submit"
        case returned = "return"
        case reopened = "reopen"

        public var label: String {
            switch self {
            case .imported: "导入"
            case .saved: "保存草稿"
            case .submitted: "报送"
            case .returned: "退回"
            case .reopened: "重新开放"
            }
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Parent(key: "region_id") public var region: Region
    @Field(key: "month") public var month: Int
    @Field(key: "action") public var action: String
    @OptionalField(key: "old_quantity") public var oldQuantity: Double?
    @OptionalField(key: "old_progress") public var oldProgress: Double?
    @OptionalField(key: "quantity") public var quantity: Double?
    @OptionalField(key: "progress") public var progress: Double?
    @OptionalField(key: "note") public var note: String?
    @Field(key: "state") public var state: String
    @OptionalField(key: "reason") public var reason: String?
    @OptionalParent(key: "account_id") public var account: Account?
    @Field(key: "at") public var at: Date

    public init() {}

    public init(indicatorID: Int, regionID: Int, month: Int, action: Action, old: ProgressReport?, new: ProgressReport,
                reason: String? = nil, accountID: Int?, at: Date) {
        self.$indicator.id = indicatorID
        self.$region.id = regionID
        self.month = month
        self.action = action.rawValue
        self.oldQuantity = old?.quantity
        self.oldProgress = old?.progress
        self.quantity = new.quantity
        self.progress = new.progress
        self.note = new.note
        self.state = new.state
        self.reason = reason
        self.$account.id = accountID
        self.at = at
    }

    public var historyAction: Action? { Action(rawValue: action) }
}

/// A plan's month: the deadline the office set for reporting it, and whether it is closed.
public final class PlanMonth: Model, @unchecked Sendable {
    public static let schema = "plan_months"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "plan_id") public var plan: Plan
    @Field(key: "month") public var month: Int
    /// "YYYY-MM-DD".
    @OptionalField(key: "deadline") public var deadline: String?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalParent(key: "closed_by") public var closedBy: Account?
    /// The most 进度 may exceed 验收率 at the end of the month, in percentage points.
    @OptionalField(key: "gap_limit") public var gapLimit: Double?

    public init() {}

    public init(planID: Int, month: Int) {
        self.$plan.id = planID
        self.month = month
    }

    public var isClosed: Bool { closedAt != nil }

    /// Whether the plan's month is closed (run it inside the write that it guards).
    public static func isClosed(planID: Int, month: Int, on db: any Database) async throws -> Bool {
        try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$month == month).filter(\.$closedAt != nil).count() > 0
    }
}
