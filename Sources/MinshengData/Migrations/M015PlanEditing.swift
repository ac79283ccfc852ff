import FluentKit
import Foundation
import SQLKit

/// 015: plans edited in the app — a plan's adoption and who approves its adjustments, an
/// indicator's 停止实施 and the attachments of its 验收标准, the proposed and decided adjustments
/// (计划调整), and the targets each share had before an adjustment took effect.
public struct M015PlanEditing: AsyncMigration {
    public init() {}

    public var name: String { "M015PlanEditing" }

    public func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        try await database.schema("plans").field("adopted_at", .datetime).update()
        try await database.schema("plans").field("adopted_by", .int).update()
        try await database.schema("plans").field("adjustment_approver", .string).update()
        try await database.schema("indicators").field("stopped_at", .datetime).update()
        try await database.schema("indicators").field("stop_reason", .string).update()

        try await database.schema("indicator_attachments")
            .field("id", .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("byte_count", .int, .required)
            .field("blob_key", .string, .required)
            .field("uploaded_by", .int, .references("accounts", "id"))
            .field("uploaded_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_indicator_attachments").on("indicator_attachments").column("indicator_id").run()

        try await database.schema("plan_adjustments")
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("plans", "id", onDelete: .cascade))
            .field("indicator_id", .int, .required, .references("indicators", "id", onDelete: .cascade))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("changes", .string, .required)
            .field("reason", .string, .required)
            .field("state", .string, .required)
            .field("proposed_by", .int, .references("accounts", "id"))
            .field("proposed_at", .datetime, .required)
            .field("approver_region_id", .int, .required, .references("regions", "id"))
            .field("decided_by", .int, .references("accounts", "id"))
            .field("decided_at", .datetime)
            .field("effective_month", .int)
            .field("return_reason", .string)
            .create()
        try await database.sql.create(index: "idx_plan_adjustments").on("plan_adjustments").column("plan_id").column("state").run()

        try await database.schema("target_versions")
            .field("id", .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", "id", onDelete: .cascade))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("through_month", .int, .required)
            .field("present", .int, .required)
            .field("target", .double)
            .field("target_note", .string)
            .field("responsible_unit_id", .int)
            .field("sort_order", .int, .required)
            .field("adjustment_id", .int, .required, .references("plan_adjustments", "id", onDelete: .cascade))
            .create()
        try await database.sql.create(index: "idx_target_versions").on("target_versions").column("indicator_id").column("through_month").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("target_versions").delete()
        try await database.schema("plan_adjustments").delete()
        try await database.schema("indicator_attachments").delete()
        try await database.schema("indicators").deleteField("stop_reason").update()
        try await database.schema("indicators").deleteField("stopped_at").update()
        try await database.schema("plans").deleteField("adjustment_approver").update()
        try await database.schema("plans").deleteField("adopted_by").update()
        try await database.schema("plans").deleteField("adopted_at").update()
    }
}
