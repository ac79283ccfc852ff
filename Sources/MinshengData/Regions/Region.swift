import FluentKit
import Foundation
import MinshengCore

/// A node of the region tree: province, city, county, district, zone, or a 本级 node.
public final class Region: Model, @unchecked Sendable {
    public static let schema = "regions"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    /// 行政区划代码, optional.
    @OptionalField(key: "code") public var code: String?
    @OptionalParent(key: "parent_id") public var parent: Region?
    @Field(key: "sort_order") public var sortOrder: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(name: String, kind: RegionKind, code: String? = nil, parentID: Int?, sortOrder: Int) {
        self.name = name
        self.kind = kind.rawValue
        self.code = code
        self.$parent.id = parentID
        self.sortOrder = sortOrder
    }

    public var regionKind: RegionKind { RegionKind(rawValue: kind) ?? .county }

    public var treeNode: RegionTree.Node? {
        guard let id else { return nil }
        return RegionTree.Node(id: id, parentID: $parent.id, name: name, kind: regionKind, code: code, sortOrder: sortOrder)
    }
}
