import FluentKit
import Foundation

/// One recorded change: who did what to which record, and when.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @OptionalParent(key: "account_id") public var account: Account?
    @Field(key: "action") public var action: String
    @Field(key: "subject") public var subject: String
    @Field(key: "detail") public var detail: String
    @Timestamp(key: "at", on: .create) public var at: Date?

    public init() {}
    public init(accountID: Int?, action: String, subject: String, detail: String) {
        self.$account.id = accountID
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
