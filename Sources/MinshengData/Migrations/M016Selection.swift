import FluentKit
import Foundation
import SQLKit

/// 016: 民生实事我来提 — an office's rounds of collecting proposals for next year's projects, and
/// the proposals (online, by letter, at meetings) with their public reference, merges and answers.
public struct M016Selection: AsyncMigration {
    public init() {}

    public var name: String { "M016Selection" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("selection_rounds")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("year", .int, .required)
            .field("title", .string, .required)
            .field("opens_on", .string, .required)
            .field("closes_on", .string, .required)
            .field("categories", .string, .required)
            .field("criteria", .string, .required)
            .field("negative_list", .string, .required)
            .field("created_by", .int, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_selection_rounds").on("selection_rounds").column("region_id").column("year").run()

        try await database.schema("proposals")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("seq", .int, .required)
            .field("reference", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("category", .string, .required)
            .field("place", .string)
            .field("proposer", .string)
            .field("phone", .string, .required)
            .field("channel", .string, .required)
            .field("received_on", .string, .required)
            .field("address_hash", .string)
            .field("browser", .string)
            .field("created_at", .datetime, .required)
            .field("entered_by", .int, .references("accounts", "id"))
            .field("state", .string, .required)
            .field("merged_into", .int)
            .field("answer", .string)
            .field("answered_at", .datetime)
            .field("answered_by", .int, .references("accounts", "id"))
            .create()
        try await database.sql.create(index: "idx_proposals_reference").unique().on("proposals").column("reference").run()
        try await database.sql.create(index: "idx_proposals_round_seq").unique().on("proposals").column("round_id").column("seq").run()
        try await database.sql.create(index: "idx_proposals_address").on("proposals").column("address_hash").column("created_at").run()
        try await database.sql.create(index: "idx_proposals_browser").on("proposals").column("browser").column("created_at").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("proposals").delete()
        try await database.schema("selection_rounds").delete()
    }
}
