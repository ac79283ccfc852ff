import FluentKit
import Foundation

/// A region's reported figure for an indicator at the end of a month.
public final class ProgressReport: Model, @unchecked Sendable {
    public static let schema = "progress_reports"

    public enum State: String, Codable, Sendable {
        case draft, submitted, returned
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Parent(key: "region_id") public var region: Region
    /// 1…12, within the plan's year.
    @Field(key: "month") public var month: Int
    /// 完成数量, for 进度 indicators.
    @OptionalField(key: "quantity") public var quantity: Double?
    /// 形象进度 or 达标 percentage, or a progress given without a quantity.
    @OptionalField(key: "progress") public var progress: Double?
    /// 进度情况
    @OptionalField(key: "note") public var note: String?
    @Field(key: "state") public var state: String
    @OptionalParent(key: "reported_by") public var reportedBy: Account?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @OptionalField(key: "submitted_at") public var submittedAt: Date?
    /// Why the office one level up returned the submission.
    @OptionalField(key: "return_reason") public var returnReason: String?
    /// Why a cumulative figure is lower than the month before (asked for when it is).
    @OptionalField(key: "decrease_reason") public var decreaseReason: String?

    public init() {}

    public var reportState: State { State(rawValue: state) ?? .draft }

    public init(indicatorID: Int, regionID: Int, month: Int, quantity: Double?, progress: Double?, note: String?,
                state: State, reportedBy: Int?, submittedAt: Date?) {
        self.$indicator.id = indicatorID
        self.$region.id = regionID
        self.month = month
        self.quantity = quantity
        self.progress = progress
        self.note = note
        self.state = state.rawValue
        self.$reportedBy.id = reportedBy
        self.submittedAt = submittedAt
    }
}
