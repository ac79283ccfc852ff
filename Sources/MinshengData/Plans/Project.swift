import FluentKit
import Foundation

/// 项目: a project under an item (建设老年助餐服务点).
public final class Project: Model, @unchecked Sendable {
    public static let schema = "projects"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "item_id") public var item: Item
    @Field(key: "seq") public var seq: Int
    @Field(key: "name") public var name: String
    /// 建设内容: what is being built, for whom.
    @OptionalField(key: "content") public var content: String?

    public init() {}
    public init(itemID: Int, seq: Int, name: String, content: String? = nil) {
        self.$item.id = itemID
        self.seq = seq
        self.name = name
        self.content = content
    }
}
