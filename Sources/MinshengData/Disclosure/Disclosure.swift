import FluentKit
import Foundation
import MinshengCore

/// An item on a project's public page: a policy, the construction content, details, results, or
/// one of the four kinds of 工作动态; published by a unit of a region that runs the project.
public final class Disclosure: Model, @unchecked Sendable {
    public static let schema = "disclosures"

    public enum State: String, Codable, Sendable {
        case published, withdrawn
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "project_id") public var project: Project
    @Parent(key: "region_id") public var region: Region
    @OptionalParent(key: "unit_id") public var unit: Department?
    @Field(key: "category") public var category: String
    @Field(key: "title") public var title: String
    /// "YYYY-MM-DD": the date the item is about (a news item's date), which the rule counts by.
    @Field(key: "published_on") public var publishedOn: String
    @OptionalField(key: "body") public var body: String?
    @OptionalField(key: "link") public var link: String?
    @Field(key: "state") public var state: String
    @Parent(key: "created_by") public var author: Account
    @OptionalParent(key: "withdrawn_by") public var withdrawer: Account?
    @OptionalField(key: "withdrawn_reason") public var withdrawnReason: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "updated_at") public var updatedAt: Date?
    @Children(for: \.$disclosure) public var files: [DisclosureFile]

    public init() {}

    public init(projectID: Int, regionID: Int, unitID: Int?, category: DisclosureCategory, title: String, publishedOn: String,
                body: String?, link: String?, createdBy: Int, at: Date) {
        self.$project.id = projectID
        self.$region.id = regionID
        self.$unit.id = unitID
        self.category = category.rawValue
        self.title = title
        self.publishedOn = publishedOn
        self.body = body
        self.link = link
        self.state = State.published.rawValue
        self.$author.id = createdBy
        self.createdAt = at
    }

    public var disclosureCategory: DisclosureCategory? { DisclosureCategory(rawValue: category) }
    public var isPublished: Bool { state == State.published.rawValue }
    /// The month the item counts for, from its date.
    public var month: Int? { Self.month(of: publishedOn) }

    /// The month of a `YYYY-MM-DD` date.
    static func month(of date: String) -> Int? { date.split(separator: "-").dropFirst().first.flatMap { Int($0) } }
}

/// An image or attachment of a disclosure item, in the blob store.
public final class DisclosureFile: Model, @unchecked Sendable {
    public static let schema = "disclosure_files"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "disclosure_id") public var disclosure: Disclosure
    @Field(key: "blob_key") public var blobKey: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "size") public var size: Int

    public init() {}

    public init(disclosureID: Int, blobKey: String, name: String, kind: String, size: Int) {
        self.$disclosure.id = disclosureID
        self.blobKey = blobKey
        self.name = name
        self.kind = kind
        self.size = size
    }
}
