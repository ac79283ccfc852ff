import FluentKit
import Foundation

/// A department (单位) in a region: 市教育局, 区妇联, 县人社局 …
public final class Department: Model, @unchecked Sendable {
    public static let schema = "units"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Field(key: "name") public var name: String
    @OptionalField(key: "phone") public var phone: String?
    @Field(key: "sort_order") public var sortOrder: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(regionID: Int, name: String, phone: String? = nil, sortOrder: Int = 0) {
        self.$region.id = regionID
        self.name = name
        self.phone = phone
        self.sortOrder = sortOrder
    }
}
