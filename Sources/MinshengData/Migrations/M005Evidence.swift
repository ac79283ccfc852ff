import FluentKit
import SQLKit

/// 005: evidence (佐证资料) behind figures, its files and its review history; the office's limit
/// on the gap between 进度 and 验收率 per plan month.
public struct M005Evidence: AsyncMigration {
    public init() {}

    public var name: String { "M005Evidence" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(Evidence.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id))
            .field("region_id", .int, .required, .references("regions", .id))
            .field("month", .int, .required)
            .field("unit_id", .int, .references("units", .id))
            .field("uploaded_by", .int, .required, .references("accounts", .id))
            .field("quantity", .double)
            .field("description", .string, .required)
            .field("state", .string, .required)
            .field("reopened", .int, .required)
            .field("decided_by", .int, .references("accounts", .id))
            .field("decided_at", .datetime)
            .field("reason", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(EvidenceFile.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("evidence_id", .int, .required, .references(Evidence.schema, .id, onDelete: .cascade))
            .field("blob_key", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .create()
        // An audit trail: plain ids, it outlives what it names.
        try await database.schema(EvidenceHistory.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("evidence_id", .int, .required)
            .field("action", .string, .required)
            .field("reason", .string)
            .field("account_id", .int)
            .field("at", .datetime, .required)
            .create()
        try await database.schema("plan_months").field("gap_limit", .double).update()
        let sql = try database.sql
        try await sql.create(index: "idx_evidence_figure").on(Evidence.schema).column("indicator_id").column("region_id").column("month").run()
        try await sql.create(index: "idx_evidence_state").on(Evidence.schema).column("state").column("created_at").run()
        try await sql.create(index: "idx_evidence_files_evidence").on(EvidenceFile.schema).column("evidence_id").run()
        try await sql.create(index: "idx_evidence_history_evidence").on(EvidenceHistory.schema).column("evidence_id").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(EvidenceHistory.schema).delete()
        try await database.schema(EvidenceFile.schema).delete()
        try await database.schema(Evidence.schema).delete()
        try await database.schema("plan_months").deleteField("gap_limit").update()
    }
}
