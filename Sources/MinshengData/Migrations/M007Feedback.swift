import FluentKit
import SQLKit

/// 007: citizens' ratings and opinions on the public pages (亮码评价), what became of each, and
/// each plan's reply deadline and satisfaction rule.
public struct M007Feedback: AsyncMigration {
    public init() {}

    public var name: String { "M007Feedback" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("feedback")
            .field(.id, .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", .id))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("unit_id", .int, .references("units", .id))
            .field("rating", .string)
            .field("body", .string)
            .field("phone", .string)
            .field("state", .string, .required)
            .field("address_hash", .string, .required)
            .field("browser", .string)
            .field("created_at", .datetime, .required)
            .field("reply", .string)
            .field("reply_unit", .string)
            .field("replied_by", .int, .references("accounts", .id))
            .field("replied_at", .datetime)
            .field("invalid_reason", .string)
            .field("invalid_by", .int, .references("accounts", .id))
            .field("invalid_at", .datetime)
            .create()
        try await database.schema("feedback_history")
            .field(.id, .int, .identifier(auto: true))
            .field("feedback_id", .int, .required, .references("feedback", .id, onDelete: .cascade))
            .field("action", .string, .required)
            .field("detail", .string, .required)
            .field("account_id", .int)
            .field("at", .datetime, .required)
            .create()
        try await database.schema("plans").field("feedback_days", .int).update()
        try await database.schema("plans").field("satisfaction_rule", .string).update()
        let sql = try database.sql
        try await sql.create(index: "idx_feedback_page").on("feedback").column("project_id").column("region_id").column("created_at").run()
        try await sql.create(index: "idx_feedback_unit").on("feedback").column("unit_id").column("state").run()
        try await sql.create(index: "idx_feedback_address").on("feedback").column("address_hash").column("created_at").run()
        try await sql.create(index: "idx_feedback_browser").on("feedback").column("browser").column("created_at").run()
        try await sql.create(index: "idx_feedback_history_item").on("feedback_history").column("feedback_id").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("feedback_history").delete()
        try await database.schema("feedback").delete()
        try await database.schema("plans").deleteField("feedback_days").update()
        try await database.schema("plans").deleteField("satisfaction_rule").update()
    }
}
