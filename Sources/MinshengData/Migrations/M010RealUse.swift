import FluentKit
import Foundation
import SQLKit

/// 010: what real use asked for — each plan's rule for counting 已完成 (reference 000 附件3
/// counts by every region's share, most offices by the aggregate), and why a cumulative figure
/// is lower than the month before, and the offices' 催报 notices to reporters.
public struct M010RealUse: AsyncMigration {
    public init() {}

    public var name: String { "M010RealUse" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("plans").field("completion_rule", .string).update()
        try await database.schema("progress_reports").field("decrease_reason", .string).update()
        try await database.schema("reminders")
            .field("id", .int, .identifier(auto: true))
            .field("account_id", .int, .required, .references("accounts", "id", onDelete: .cascade))
            .field("plan_id", .int, .required, .references("plans", "id", onDelete: .cascade))
            .field("month", .int, .required)
            .field("text", .string, .required)
            .field("sent_by", .int)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.sql.create(index: "idx_reminders_account").on("reminders").column("account_id").column("read_at").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("reminders").delete()
        try await database.schema("plans").deleteField("completion_rule").update()
        try await database.schema("progress_reports").deleteField("decrease_reason").update()
    }
}
