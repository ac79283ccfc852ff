import FluentKit
import Foundation
import MinshengCore

/// A bulletin of an office: a draft the office edits, or an issued one, frozen — its figures as a
/// snapshot (`snapshot`, the composed `Bulletin` as JSON) and its .docx in the file store.
public final class BulletinRecord: Model, @unchecked Sendable {
    public static let schema = "bulletins"

    public enum State: String, Sendable {
        case draft, issued
        public var label: String { self == .draft ? "草稿" : "已签发" }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Field(key: "year") public var year: Int
    @Field(key: "kind") public var kind: String
    @Field(key: "month") public var month: Int
    @OptionalField(key: "day") public var day: Int?
    @OptionalField(key: "level") public var level: String?
    @Field(key: "layout") public var layout: String
    @Field(key: "annexes") public var annexes: String
    @Field(key: "state") public var state: String
    @OptionalField(key: "number") public var number: Int?
    @Field(key: "title") public var title: String
    @Field(key: "narrative") public var narrative: String
    @OptionalField(key: "snapshot") public var snapshot: String?
    @OptionalField(key: "blob_key") public var blobKey: String?
    @OptionalField(key: "document_size") public var documentSize: Int?
    @OptionalField(key: "created_by") public var createdBy: Int?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "issued_by") public var issuedBy: Int?
    @OptionalField(key: "issued_at") public var issuedAt: Date?

    public init() {}

    public var bulletinKind: BulletinKind { BulletinKind(rawValue: kind) ?? .monthly }
    public var bulletinLayout: BulletinLayout { BulletinLayout(rawValue: layout) ?? .progress }
    public var annexKinds: [BulletinAnnexKind] { annexes.split(separator: ",").compactMap { BulletinAnnexKind(rawValue: String($0)) } }
    public var planLevel: PlanLevel? { level.flatMap(PlanLevel.init(rawValue:)) }
    public var period: BulletinPeriod { BulletinPeriod(year: year, month: month, day: day) }
    public var bulletinState: State { State(rawValue: state) ?? .draft }
    public var isIssued: Bool { bulletinState == .issued }
    public var narrativeValue: BulletinNarrative { BulletinNarrative.decode(narrative) }
}

/// A letter (提示函, 督办函) from an office to a unit about its lagging indicators.
public final class LetterRecord: Model, @unchecked Sendable {
    public static let schema = "letters"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Parent(key: "unit_id") public var unit: Department
    @Field(key: "year") public var year: Int
    @Field(key: "month") public var month: Int
    @Field(key: "tier") public var tier: String
    @Field(key: "number") public var number: Int
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    /// The figures that triggered it, one line each.
    @Field(key: "facts") public var facts: String
    @Field(key: "blob_key") public var blobKey: String
    @Field(key: "document_size") public var documentSize: Int
    @OptionalField(key: "sent_by") public var sentBy: Int?
    @Field(key: "sent_at") public var sentAt: Date
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "read_by") public var readBy: Int?
    @OptionalField(key: "read_at") public var readAt: Date?
    @OptionalField(key: "reply") public var reply: String?
    @OptionalField(key: "replied_by") public var repliedBy: Int?
    @OptionalField(key: "replied_at") public var repliedAt: Date?

    public init() {}

    public var letterTier: LetterTier { LetterTier(rawValue: tier) ?? .reminder }
    public var factLines: [String] { facts.split(separator: "\n").map(String.init) }

    public func status(now: Date) -> LetterStatus {
        if repliedAt != nil { return .replied }
        if now >= dueAt { return .overdue }
        return readAt == nil ? .sent : .read
    }
}

/// An office's settings for the documents it issues.
public final class OfficeSettings: Model, @unchecked Sendable {
    public static let schema = "office_settings"

    @ID(custom: "region_id", generatedBy: .user) public var id: Int?
    @OptionalField(key: "office_name") public var officeName: String?
    @OptionalField(key: "seal") public var seal: String?
    @OptionalField(key: "recipients") public var recipients: String?
    @OptionalField(key: "letter_rule") public var letterRule: String?
    @OptionalField(key: "reply_days") public var replyDays: Int?
    @OptionalField(key: "ranking_rules") public var rankingRules: String?
    @OptionalField(key: "updated_at") public var updatedAt: Date?

    public init() {}

    public init(regionID: Int) { self.id = regionID }
}
