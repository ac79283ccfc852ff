import FluentKit
import SQLKit

/// 001: regions, units, accounts, years, plans, items, projects, indicators, the decomposition,
/// monthly figures and the audit trail. Shipped migrations are never edited; changes are new ones.
public struct M001CreateFoundation: AsyncMigration {
    public init() {}

    public var name: String { "M001CreateFoundation" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("regions")
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("code", .string)
            .field("parent_id", .int, .references("regions", .id))
            .field("sort_order", .int, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema("units")
            .field(.id, .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("name", .string, .required)
            .field("phone", .string)
            .field("sort_order", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "region_id", "name")
            .create()

        try await database.schema("accounts")
            .field(.id, .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("region_id", .int, .required, .references("regions", .id))
            .field("unit_id", .int, .references("units", .id))
            .field("roles", .string, .required)
            .field("active", .bool, .required)
            .field("must_change_password", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "username")
            .create()

        try await database.schema("years")
            .field(.id, .int, .identifier(auto: true))
            .field("year", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "year")
            .create()

        try await database.schema("plans")
            .field(.id, .int, .identifier(auto: true))
            .field("year_id", .int, .required, .references("years", .id))
            .field("level", .string, .required)
            .field("owner_region_id", .int, .required, .references("regions", .id))
            .field("title", .string, .required)
            .field("source", .string)
            .field("sort_order", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "year_id", "level", "owner_region_id")
            .create()

        try await database.schema("items")
            .field(.id, .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("plans", .id, onDelete: .cascade))
            .field("seq", .int, .required)
            .field("name", .string, .required)
            .unique(on: "plan_id", "seq")
            .create()

        try await database.schema("projects")
            .field(.id, .int, .identifier(auto: true))
            .field("item_id", .int, .required, .references("items", .id, onDelete: .cascade))
            .field("seq", .int, .required)
            .field("name", .string, .required)
            .field("content", .string)
            .create()

        try await database.schema("indicators")
            .field(.id, .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", .id, onDelete: .cascade))
            .field("seq", .int, .required)
            .field("name", .string, .required)
            .field("unit_label", .string, .required)
            .field("progress_kind", .string, .required)
            .field("aggregation", .string, .required)
            .field("lead_unit_id", .int, .references("units", .id))
            .field("acceptance_standard", .string)
            .create()

        try await database.schema("indicator_units")
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .unique(on: "indicator_id", "unit_id")
            .create()

        try await database.schema("targets")
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id, onDelete: .cascade))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("target", .double)
            .field("target_note", .string)
            .field("responsible_unit_id", .int, .references("units", .id))
            .field("sort_order", .int, .required)
            .unique(on: "indicator_id", "region_id")
            .create()

        try await database.schema("progress_reports")
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id, onDelete: .cascade))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("month", .int, .required)
            .field("quantity", .double)
            .field("progress", .double)
            .field("note", .string)
            .field("state", .string, .required)
            .field("reported_by", .int, .references("accounts", .id))
            .field("updated_at", .datetime)
            .field("submitted_at", .datetime)
            .unique(on: "indicator_id", "region_id", "month")
            .create()

        try await database.schema("audit_events")
            .field(.id, .int, .identifier(auto: true))
            .field("account_id", .int, .references("accounts", .id))
            .field("action", .string, .required)
            .field("subject", .string, .required)
            .field("detail", .string, .required)
            .field("at", .datetime)
            .create()
    }

    public func revert(on database: any Database) async throws {
        for table in ["audit_events", "progress_reports", "targets", "indicator_units", "indicators", "projects",
                      "items", "plans", "years", "accounts", "units", "regions"] {
            try await database.schema(table).delete()
        }
    }
}

extension Database {
    /// The SQLKit view of this database (both drivers provide one).
    public var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else {
                throw DataError.unsupportedDatabase
            }
            return sql
        }
    }
}

public enum DataError: Error, Sendable {
    case unsupportedDatabase
}
