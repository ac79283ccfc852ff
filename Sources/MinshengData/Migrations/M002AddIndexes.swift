import FluentKit
import SQLKit

/// 002: indexes for the lookups every page makes (children of a region, a plan's rows).
public struct M002AddIndexes: AsyncMigration {
    public init() {}

    public var name: String { "M002AddIndexes" }

    private static let indexes: [(name: String, table: String, columns: [String])] = [
        ("idx_regions_parent", "regions", ["parent_id"]),
        ("idx_units_region", "units", ["region_id"]),
        ("idx_accounts_region", "accounts", ["region_id"]),
        ("idx_items_plan", "items", ["plan_id"]),
        ("idx_projects_item", "projects", ["item_id"]),
        ("idx_indicators_project", "indicators", ["project_id"]),
        ("idx_targets_region", "targets", ["region_id"]),
        ("idx_progress_region_month", "progress_reports", ["region_id", "month"]),
        ("idx_audit_at", "audit_events", ["at"]),
    ]

    public func prepare(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    public func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes {
            try await sql.drop(index: index.name).ifExists().run()
        }
    }
}
