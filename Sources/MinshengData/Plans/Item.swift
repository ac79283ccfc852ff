import FluentKit
import Foundation

/// 实事: an item of the plan (提高养老服务水平).
public final class Item: Model, @unchecked Sendable {
    public static let schema = "items"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "plan_id") public var plan: Plan
    /// 实事序号 as printed in the plan.
    @Field(key: "seq") public var seq: Int
    @Field(key: "name") public var name: String

    public init() {}
    public init(planID: Int, seq: Int, name: String) {
        self.$plan.id = planID
        self.seq = seq
        self.name = name
    }
}
