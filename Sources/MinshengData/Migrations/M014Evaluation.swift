import FluentKit
import Foundation
import SQLKit

/// 014: 评议 — evaluation rounds with their criteria, projects, evaluators and scores — and the
/// 十佳民生实事 ballots with their candidates and votes (evaluators' in the app, the public's online).
public struct M014Evaluation: AsyncMigration {
    public init() {}

    public var name: String { "M014Evaluation" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("evaluation_rounds")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("year", .int, .required)
            .field("title", .string, .required)
            .field("criteria", .string, .required)
            .field("state", .string, .required)
            .field("created_by", .int, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .create()
        try await database.sql.create(index: "idx_evaluation_rounds").on("evaluation_rounds").column("region_id").column("year").run()

        try await database.schema("evaluation_entries")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("evaluation_rounds", "id"))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("seq", .int, .required)
            .create()
        try await database.sql.create(index: "idx_evaluation_entries").unique().on("evaluation_entries").column("round_id").column("project_id").run()

        try await database.schema("evaluation_assignments")
            .field("id", .int, .identifier(auto: true))
            .field("entry_id", .int, .required, .references("evaluation_entries", "id"))
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("scores", .string)
            .field("total", .string)
            .field("note", .string)
            .field("submitted_at", .datetime)
            .create()
        try await database.sql.create(index: "idx_evaluation_assignments").unique().on("evaluation_assignments").column("entry_id").column("account_id").run()

        try await database.schema("ballots")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("year", .int, .required)
            .field("title", .string, .required)
            .field("pick_count", .int, .required)
            .field("state", .string, .required)
            .field("evaluator_weight", .int, .required)
            .field("public_weight", .int, .required)
            .field("created_by", .int, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("published_at", .datetime)
            .create()

        try await database.schema("ballot_candidates")
            .field("id", .int, .identifier(auto: true))
            .field("ballot_id", .int, .required, .references("ballots", "id"))
            .field("project_id", .int, .references("projects", "id"))
            .field("name", .string, .required)
            .field("seq", .int, .required)
            .create()

        try await database.schema("ballot_votes")
            .field("id", .int, .identifier(auto: true))
            .field("ballot_id", .int, .required, .references("ballots", "id"))
            .field("voter", .string, .required)
            .field("account_id", .int, .references("accounts", "id"))
            .field("phone_hash", .string)
            .field("browser", .string)
            .field("address_hash", .string)
            .field("picks", .string, .required)
            .field("valid", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        // One vote per evaluator, per phone number and per browser on a ballot (NULLs do not clash).
        try await database.sql.create(index: "idx_ballot_votes_account").unique().on("ballot_votes").column("ballot_id").column("account_id").run()
        try await database.sql.create(index: "idx_ballot_votes_phone").unique().on("ballot_votes").column("ballot_id").column("phone_hash").run()
        try await database.sql.create(index: "idx_ballot_votes_browser").unique().on("ballot_votes").column("ballot_id").column("browser").run()
        try await database.sql.create(index: "idx_ballot_votes_address").on("ballot_votes").column("address_hash").column("at").run()
    }

    public func revert(on database: any Database) async throws {
        for table in ["ballot_votes", "ballot_candidates", "ballots", "evaluation_assignments", "evaluation_entries", "evaluation_rounds"] {
            try await database.schema(table).delete()
        }
    }
}
