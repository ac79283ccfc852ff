import FluentKit
import SQLKit

/// 006: disclosure items on the projects' public pages (民生实事码上通) and their files; each
/// plan's monthly-update rule.
public struct M006Disclosure: AsyncMigration {
    public init() {}

    public var name: String { "M006Disclosure" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(Disclosure.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", .id))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("unit_id", .int, .references("units", .id))
            .field("category", .string, .required)
            .field("title", .string, .required)
            .field("published_on", .string, .required)
            .field("body", .string)
            .field("link", .string)
            .field("state", .string, .required)
            .field("created_by", .int, .required, .references("accounts", .id))
            .field("withdrawn_by", .int, .references("accounts", .id))
            .field("withdrawn_reason", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(DisclosureFile.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("disclosure_id", .int, .required, .references(Disclosure.schema, .id, onDelete: .cascade))
            .field("blob_key", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .create()
        try await database.schema("plans").field("update_rule", .string).update()
        let sql = try database.sql
        try await sql.create(index: "idx_disclosures_project").on(Disclosure.schema).column("project_id").column("region_id").column("published_on").run()
        try await sql.create(index: "idx_disclosure_files_item").on(DisclosureFile.schema).column("disclosure_id").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(DisclosureFile.schema).delete()
        try await database.schema(Disclosure.schema).delete()
        try await database.schema("plans").deleteField("update_rule").update()
    }
}
