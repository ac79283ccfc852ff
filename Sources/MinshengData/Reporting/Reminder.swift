import FluentKit
import Foundation

/// A 催报 notice from an office to one reporter of a unit that has not reported a month, shown
/// on the reporter's home page until it is dismissed.
public final class Reminder: Model, @unchecked Sendable {
    public static let schema = "reminders"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "account_id") public var account: Account
    @Field(key: "plan_id") public var planID: Int
    @Field(key: "month") public var month: Int
    @Field(key: "text") public var text: String
    @OptionalField(key: "sent_by") public var sentBy: Int?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "read_at") public var readAt: Date?

    public init() {}

    public init(accountID: Int, planID: Int, month: Int, text: String, sentBy: Int?, at: Date) {
        self.$account.id = accountID
        self.planID = planID
        self.month = month
        self.text = text
        self.sentBy = sentBy
        self.createdAt = at
    }
}
