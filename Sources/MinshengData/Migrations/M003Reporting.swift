import FluentKit
import SQLKit

/// 003: monthly reporting — each figure's history, each plan month's deadline and closing,
/// a plan's own schedule, and the reason a submission was returned.
public struct M003Reporting: AsyncMigration {
    public init() {}

    public var name: String { "M003Reporting" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("progress_history")
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id, onDelete: .cascade))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("month", .int, .required)
            .field("action", .string, .required)
            .field("old_quantity", .double)
            .field("old_progress", .double)
            .field("quantity", .double)
            .field("progress", .double)
            .field("note", .string)
            .field("state", .string, .required)
            .field("reason", .string)
            .field("account_id", .int, .references("accounts", .id))
            .field("at", .datetime, .required)
            .create()

        try await database.schema("plan_months")
            .field(.id, .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("plans", .id, onDelete: .cascade))
            .field("month", .int, .required)
            .field("deadline", .string)
            .field("closed_at", .datetime)
            .field("closed_by", .int, .references("accounts", .id))
            .unique(on: "plan_id", "month")
            .create()

        try await database.schema("plans").field("schedule", .string).update()
        try await database.schema("progress_reports").field("return_reason", .string).update()

        let sql = try database.sql
        try await sql.create(index: "idx_history_figure").on("progress_history").column("indicator_id").column("region_id").column("month").run()
        try await sql.create(index: "idx_progress_indicator_month").on("progress_reports").column("indicator_id").column("month").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("progress_history").delete()
        try await database.schema("plan_months").delete()
        try await database.schema("plans").deleteField("schedule").update()
        try await database.schema("progress_reports").deleteField("return_reason").update()
    }
}
