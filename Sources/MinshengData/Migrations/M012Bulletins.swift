import FluentKit
import Foundation
import SQLKit

/// 012: the documents the office issues — bulletins (通报, 简报, 讲评, 工作专报) with their issued
/// snapshot and .docx in the file store, letters (温馨提示函 / 工作提示函 / 督办函) to units with
/// their acknowledgement and reply, and each office's settings for them (name, seal, letter
/// tiers, ranking weights).
public struct M012Bulletins: AsyncMigration {
    public init() {}

    public var name: String { "M012Bulletins" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("bulletins")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("year", .int, .required)
            .field("kind", .string, .required)
            .field("month", .int, .required)
            .field("day", .int)
            .field("level", .string)
            .field("layout", .string, .required)
            .field("annexes", .string, .required)
            .field("state", .string, .required)
            .field("number", .int)
            .field("title", .string, .required)
            .field("narrative", .string, .required)
            .field("snapshot", .string)
            .field("blob_key", .string)
            .field("document_size", .int)
            .field("created_by", .int, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("issued_by", .int, .references("accounts", "id"))
            .field("issued_at", .datetime)
            .create()
        try await database.sql.create(index: "idx_bulletins_region").on("bulletins").column("region_id").column("year").column("state").run()
        // One number per office, year and kind; drafts have none.
        try await database.sql.create(index: "idx_bulletins_number").unique().on("bulletins")
            .column("region_id").column("year").column("kind").column("number").run()

        try await database.schema("letters")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("unit_id", .int, .required, .references("units", "id"))
            .field("year", .int, .required)
            .field("month", .int, .required)
            .field("tier", .string, .required)
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("facts", .string, .required)
            .field("blob_key", .string, .required)
            .field("document_size", .int, .required)
            .field("sent_by", .int, .references("accounts", "id"))
            .field("sent_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("read_by", .int, .references("accounts", "id"))
            .field("read_at", .datetime)
            .field("reply", .string)
            .field("replied_by", .int, .references("accounts", "id"))
            .field("replied_at", .datetime)
            .create()
        try await database.sql.create(index: "idx_letters_unit").on("letters").column("unit_id").column("sent_at").run()
        try await database.sql.create(index: "idx_letters_region").on("letters").column("region_id").column("year").column("month").run()
        try await database.sql.create(index: "idx_letters_number").unique().on("letters")
            .column("region_id").column("year").column("tier").column("number").run()
        // At most one letter a month to a unit from an office.
        try await database.sql.create(index: "idx_letters_once").unique().on("letters")
            .column("region_id").column("unit_id").column("year").column("month").run()

        try await database.schema("office_settings")
            .field("region_id", .int, .identifier(auto: false), .references("regions", "id"))
            .field("office_name", .string)
            .field("seal", .string)
            .field("recipients", .string)
            .field("letter_rule", .string)
            .field("reply_days", .int)
            .field("ranking_rules", .string)
            .field("updated_at", .datetime)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("office_settings").delete()
        try await database.schema("letters").delete()
        try await database.schema("bulletins").delete()
    }
}
