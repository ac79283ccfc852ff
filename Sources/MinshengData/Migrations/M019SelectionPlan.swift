import FluentKit
import Foundation

/// 019: a candidate chosen by the deputies becomes a project of next year's plan: the link kept.
public struct M019SelectionPlan: AsyncMigration {
    public init() {}

    public var name: String { "M019SelectionPlan" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("selection_candidates").field("project_id", .int).update()
        try await database.schema("selection_rounds").field("plan_id", .int).update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("selection_rounds").deleteField("plan_id").update()
        try await database.schema("selection_candidates").deleteField("project_id").update()
    }
}
