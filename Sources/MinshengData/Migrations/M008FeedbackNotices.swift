import FluentKit
import Foundation
import SQLKit

/// 008: each opinion's reply deadline stored with it (so inboxes and notices find overdue items
/// with one indexed query), and when each account last opened its inbox (what is new to it).
public struct M008FeedbackNotices: AsyncMigration {
    public init() {}

    public var name: String { "M008FeedbackNotices" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("feedback").field("due_at", .datetime).update()
        try await database.schema("accounts").field("feedback_seen_at", .datetime).update()
        let sql = try database.sql
        let rows = try await sql.raw("""
            SELECT f.id, f.created_at, pl.feedback_days FROM feedback f JOIN projects p ON p.id = f.project_id
            JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id
            """).all()
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            let created = try row.decode(column: "created_at", as: Date.self)
            let days = try row.decode(column: "feedback_days", as: Int?.self) ?? 5
            let due = Self.deadline(from: created, workingDays: days)
            try await sql.update("feedback").set("due_at", to: SQLBind(due)).where("id", .equal, SQLBind(id)).run()
        }
        try await sql.create(index: "idx_feedback_due").on("feedback").column("state").column("due_at").run()
    }

    /// The reply deadline as the rule stood when this migration was written (Monday–Friday
    /// working days in China's time zone, due by the end of the last): a frozen copy, so that
    /// the migration gives the same dates whatever the rule becomes.
    static func deadline(from start: Date, workingDays: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .current
        var day = calendar.startOfDay(for: start)
        var left = max(0, workingDays)
        while left > 0 {
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day
            let weekday = calendar.component(.weekday, from: day)
            if weekday != 1 && weekday != 7 { left -= 1 }
        }
        return calendar.date(byAdding: .day, value: 1, to: day) ?? day
    }

    public func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_feedback_due").run()
        try await database.schema("feedback").deleteField("due_at").update()
        try await database.schema("accounts").deleteField("feedback_seen_at").update()
    }
}
