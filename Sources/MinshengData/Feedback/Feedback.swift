import FluentKit
import Foundation
import MinshengCore

/// A citizen's rating and/or opinion on a project's public page, and what became of it.
public final class Feedback: Model, @unchecked Sendable {
    public static let schema = "feedback"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "project_id") public var project: Project
    @Parent(key: "region_id") public var region: Region
    /// The unit that must answer; nil until the office assigns one.
    @OptionalParent(key: "unit_id") public var unit: Department?
    @OptionalField(key: "rating") public var rating: String?
    @OptionalField(key: "body") public var body: String?
    /// For a call back: never shown publicly, masked for staff without the right to see it.
    @OptionalField(key: "phone") public var phone: String?
    @Field(key: "state") public var state: String
    /// SHA-256 of the sender's address: for the rate limits, without keeping the address.
    @Field(key: "address_hash") public var addressHash: String
    @OptionalField(key: "browser") public var browser: String?
    @Field(key: "created_at") public var createdAt: Date
    /// The end of the reply deadline, in working days set by the plan's office.
    @OptionalField(key: "due_at") public var dueAt: Date?
    @OptionalField(key: "reply") public var reply: String?
    /// The answering unit's name, as the public reply is signed.
    @OptionalField(key: "reply_unit") public var replyUnit: String?
    @OptionalParent(key: "replied_by") public var repliedBy: Account?
    @OptionalField(key: "replied_at") public var repliedAt: Date?
    @OptionalField(key: "invalid_reason") public var invalidReason: String?
    @OptionalParent(key: "invalid_by") public var invalidBy: Account?
    @OptionalField(key: "invalid_at") public var invalidAt: Date?

    public init() {}

    public init(projectID: Int, regionID: Int, unitID: Int?, rating: Rating?, body: String?, phone: String?, addressHash: String,
                browser: String?, at: Date, due: Date? = nil) {
        self.dueAt = due
        self.$project.id = projectID
        self.$region.id = regionID
        self.$unit.id = unitID
        self.rating = rating?.rawValue
        self.body = body
        self.phone = phone
        self.state = FeedbackState.received.rawValue
        self.addressHash = addressHash
        self.browser = browser
        self.createdAt = at
    }

    public var ratingValue: Rating? { rating.flatMap(Rating.init(rawValue:)) }
    public var stateValue: FeedbackState { FeedbackState(rawValue: state) ?? .received }
    public var hasText: Bool { !(body ?? "").isEmpty }
}

/// Who did what to a piece of feedback, and when.
public final class FeedbackHistory: Model, @unchecked Sendable {
    public static let schema = "feedback_history"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "feedback_id") public var feedbackID: Int
    @Field(key: "action") public var action: String
    @Field(key: "detail") public var detail: String
    @OptionalField(key: "account_id") public var accountID: Int?
    @Field(key: "at") public var at: Date

    public init() {}

    public init(feedbackID: Int, action: String, detail: String, accountID: Int?, at: Date) {
        self.feedbackID = feedbackID
        self.action = action
        self.detail = detail
        self.accountID = accountID
        self.at = at
    }
}
