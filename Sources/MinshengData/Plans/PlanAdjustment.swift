import FluentKit
import Foundation

/// Who approves a plan's adjustments (计划调整), as the plan says.
public enum AdjustmentApprover: String, CaseIterable, Codable, Sendable {
    /// The office one level up from the proposing office (a province's own plan: its own office).
    case above
    /// The plan's own office.
    case owner

    public var label: String {
        switch self {
        case .above: "上一级专班办公室审批"
        case .owner: "本计划的专班办公室审批"
        }
    }
}

/// 计划调整: a proposed change of one indicator's decomposition below one region — targets,
/// notes and responsible units — with its reason, decided by the approving office, effective
/// from the month the approver sets.
public final class PlanAdjustment: Model, @unchecked Sendable {
    public static let schema = "plan_adjustments"

    public enum State: String, Codable, Sendable {
        case proposed, approved, returned

        public var label: String {
            switch self {
            case .proposed: "待审批"
            case .approved: "已批准"
            case .returned: "已退回"
            }
        }
    }

    /// One share as the adjustment would leave it (absent: the region has no share).
    public struct Change: Codable, Equatable, Sendable {
        public var regionID: Int
        public var present: Bool
        public var target: Double?
        public var targetNote: String?
        public var unitID: Int?

        public init(regionID: Int, present: Bool, target: Double?, targetNote: String?, unitID: Int?) {
            self.regionID = regionID
            self.present = present
            self.target = target
            self.targetNote = targetNote
            self.unitID = unitID
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "plan_id") public var plan: Plan
    @Parent(key: "indicator_id") public var indicator: Indicator
    /// The region whose decomposition (or, for the plan's owner, whose own target too) changes.
    @Parent(key: "region_id") public var region: Region
    /// `[Change]` as JSON: before and after, each share the adjustment touches.
    @Field(key: "changes") public var changesJSON: String
    @Field(key: "reason") public var reason: String
    @Field(key: "state") public var stateText: String
    @OptionalField(key: "proposed_by") public var proposedBy: Int?
    @Field(key: "proposed_at") public var proposedAt: Date
    /// The region whose office decides it.
    @Parent(key: "approver_region_id") public var approverRegion: Region
    @OptionalField(key: "decided_by") public var decidedBy: Int?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    /// The first month the new targets count in.
    @OptionalField(key: "effective_month") public var effectiveMonth: Int?
    @OptionalField(key: "return_reason") public var returnReason: String?

    public init() {}

    public var state: State { State(rawValue: stateText) ?? .proposed }

    public struct Changes: Codable, Sendable {
        public var before: [Change]
        public var after: [Change]
    }

    public var changes: Changes {
        (try? JSONDecoder().decode(Changes.self, from: Data(changesJSON.utf8))) ?? Changes(before: [], after: [])
    }
}

/// A share's target as it was before an approved adjustment: it counts for every month up to
/// `throughMonth` not covered by an earlier version (the one with the least `throughMonth` at or
/// after the month wins); after the last version the share's current row counts.
public final class TargetVersion: Model, @unchecked Sendable {
    public static let schema = "target_versions"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "indicator_id") public var indicatorID: Int
    @Field(key: "region_id") public var regionID: Int
    @Field(key: "through_month") public var throughMonth: Int
    /// 0: the region had no share in those months.
    @Field(key: "present") public var present: Int
    @OptionalField(key: "target") public var target: Double?
    @OptionalField(key: "target_note") public var targetNote: String?
    @OptionalField(key: "responsible_unit_id") public var unitID: Int?
    @Field(key: "sort_order") public var sortOrder: Int
    @Field(key: "adjustment_id") public var adjustmentID: Int

    public init() {}
}

/// A file attached to an indicator's 验收标准 (the provincial standard's PDF, a template).
public final class IndicatorAttachment: Model, @unchecked Sendable {
    public static let schema = "indicator_attachments"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Field(key: "file_name") public var fileName: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "byte_count") public var byteCount: Int
    @Field(key: "blob_key") public var blobKey: String
    @OptionalField(key: "uploaded_by") public var uploadedBy: Int?
    @Field(key: "uploaded_at") public var uploadedAt: Date

    public init() {}
}
