import FluentKit
import SQLKit
import SQLiteNIO

/// 004: the computed figure of every share at the end of every month (`progress_figures`),
/// and each plan's regions with their column order and fresh months (`plan_regions`),
/// written whenever a figure, a target or a schedule changes, so that a table reads the few
/// hundred figures it shows instead of computing a province's thousands. The figures of plans
/// already in the database are computed after the migrations by the code of the day
/// (`FigureStore.rebuildIfOutdated`): they are derived data, and a migration never calls the code
/// that derives them (it may have changed since).
public struct M004FigureStore: AsyncMigration {
    public init() {}

    public var name: String { "M004FigureStore" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("progress_figures")
            .field("indicator_id", .int, .required)
            .field("month", .int, .required)
            .field("region_id", .int, .required)
            .field("quantity", .double)
            .field("progress", .double)
            .field("status", .string)
            .field("band", .string)
            .field("carried_from", .int)
            .field("note", .string)
            .field("fresh", .int, .required)
            .compositeIdentifier(over: "indicator_id", "month", "region_id")
            .create()
        try await database.schema("plan_regions")
            .field("plan_id", .int, .required)
            .field("region_id", .int, .required)
            .field("sort_order", .int, .required)
            .field("fresh_months", .int, .required)
            .compositeIdentifier(over: "plan_id", "region_id")
            .create()
        let sql = try database.sql
        // Tables read a month's figures for a few regions.
        try await sql.create(index: "idx_figures_month_region").on("progress_figures").column("month").column("region_id").run()
        // The month lookups now go to the store; (indicator_id, region_id, month) is unique anyway.
        try await sql.drop(index: "idx_progress_indicator_month").ifExists().run()
        try await Self.detachHistory(on: database)
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("progress_figures").delete()
        try await database.schema("plan_regions").delete()
        try await database.sql.create(index: "idx_progress_indicator_month").on("progress_reports").column("indicator_id").column("month").run()
    }

    /// The history of figures is an audit trail: it must outlive what it refers to, so it keeps
    /// plain ids rather than foreign keys (which also made every imported figure cost three key
    /// lookups). PostgreSQL drops the constraints; SQLite, which cannot, rebuilds the table.
    static func detachHistory(on database: any Database) async throws {
        let sql = try database.sql
        if database is any SQLiteDatabase {
            try await database.schema("progress_history_detached")
                .field(.id, .int, .identifier(auto: true))
                .field("indicator_id", .int, .required)
                .field("region_id", .int, .required)
                .field("month", .int, .required)
                .field("action", .string, .required)
                .field("old_quantity", .double)
                .field("old_progress", .double)
                .field("quantity", .double)
                .field("progress", .double)
                .field("note", .string)
                .field("state", .string, .required)
                .field("reason", .string)
                .field("account_id", .int)
                .field("at", .datetime, .required)
                .create()
            let columns = "id, indicator_id, region_id, month, action, old_quantity, old_progress, quantity, progress, note, state, reason, account_id, at"
            try await sql.raw("INSERT INTO progress_history_detached (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM progress_history").run()
            try await sql.raw("DROP TABLE progress_history").run()
            try await sql.raw("ALTER TABLE progress_history_detached RENAME TO progress_history").run()
            try await sql.create(index: "idx_history_figure").on("progress_history").column("indicator_id").column("region_id").column("month").run()
        } else {
            let rows = try await sql.raw("""
                SELECT conname FROM pg_constraint WHERE conrelid = 'progress_history'::regclass AND contype = 'f'
                """).all()
            for row in rows {
                let name = try row.decode(column: "conname", as: String.self)
                try await sql.raw("ALTER TABLE progress_history DROP CONSTRAINT \(ident: name)").run()
            }
        }
    }
}
