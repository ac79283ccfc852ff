import FluentKit
import Foundation

/// 佐证资料: files and a description backing one figure (indicator × region × month), with the
/// quantity (or, for 形象进度 and 达标, the progress) they support, reviewed one level up.
public final class Evidence: Model, @unchecked Sendable {
    public static let schema = "evidence"

    public enum State: String, Codable, Sendable, CaseIterable {
        /// 待审核
        case pending
        /// 审核通过
        case approved
        /// 已退回
        case returned
        /// 已撤回
        case withdrawn

        public var label: String {
            switch self {
            case .pending: "待审核"
            case .approved: "审核通过"
            case .returned: "已退回"
            case .withdrawn: "已撤回"
            }
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Parent(key: "region_id") public var region: Region
    @Field(key: "month") public var month: Int
    @OptionalParent(key: "unit_id") public var unit: Department?
    @Parent(key: "uploaded_by") public var uploader: Account
    /// The quantity it supports (进度), or the progress in percent (形象进度, 达标).
    @OptionalField(key: "quantity") public var quantity: Double?
    @Field(key: "description") public var description: String
    @Field(key: "state") public var state: String
    /// 1 when an accepted item went back for review because its figure changed.
    @Field(key: "reopened") public var reopened: Int
    @OptionalParent(key: "decided_by") public var decider: Account?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    /// Why it was returned (or reopened).
    @OptionalField(key: "reason") public var reason: String?
    @Field(key: "created_at") public var createdAt: Date
    @Children(for: \.$evidence) public var files: [EvidenceFile]

    public init() {}

    public init(indicatorID: Int, regionID: Int, month: Int, unitID: Int?, uploadedBy: Int, quantity: Double?, description: String, at: Date) {
        self.$indicator.id = indicatorID
        self.$region.id = regionID
        self.month = month
        self.$unit.id = unitID
        self.$uploader.id = uploadedBy
        self.quantity = quantity
        self.description = description
        self.state = State.pending.rawValue
        self.reopened = 0
        self.createdAt = at
    }

    public var evidenceState: State { State(rawValue: state) ?? .pending }
}

/// One file of an evidence item, kept in the blob store under its content's SHA-256.
public final class EvidenceFile: Model, @unchecked Sendable {
    public static let schema = "evidence_files"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "evidence_id") public var evidence: Evidence
    @Field(key: "blob_key") public var blobKey: String
    /// The name it was uploaded with (sanitised), for the download.
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "size") public var size: Int

    public init() {}

    public init(evidenceID: Int, blobKey: String, name: String, kind: String, size: Int) {
        self.$evidence.id = evidenceID
        self.blobKey = blobKey
        self.name = name
        self.kind = kind
        self.size = size
    }
}

/// What happened to an evidence item, by whom and when.
public final class EvidenceHistory: Model, @unchecked Sendable {
    public static let schema = "evidence_history"

    public enum Action: String, Codable, Sendable {
        case upload, approve, `return`, withdraw, reopen

        public var label: String {
            switch self {
            case .upload: "上传"
            case .approve: "审核通过"
            case .return: "退回"
            case .withdraw: "撤回"
            case .reopen: "数据变更，重新审核"
            }
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "evidence_id") public var evidenceID: Int
    @Field(key: "action") public var action: String
    @OptionalField(key: "reason") public var reason: String?
    @OptionalField(key: "account_id") public var accountID: Int?
    @Field(key: "at") public var at: Date

    public init() {}

    public init(evidenceID: Int, action: Action, reason: String? = nil, accountID: Int?, at: Date) {
        self.evidenceID = evidenceID
        self.action = action.rawValue
        self.reason = reason
        self.accountID = accountID
        self.at = at
    }
}
