import FluentKit
import Foundation
import SQLKit

/// 017: the selection's review and shortlist — a department's opinion on a proposal (必要性 /
/// 可行性 / 合法性, estimated cost), the candidates with the proposals behind them, the round's
/// places and its advisory public vote, and the public's votes.
public struct M017SelectionReview: AsyncMigration {
    public init() {}

    public var name: String { "M017SelectionReview" }

    public func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        for (name, type) in [("opinion_unit_id", DatabaseSchema.DataType.int), ("opinion_requested_at", .datetime), ("opinion_necessity", .string),
                             ("opinion_feasibility", .string), ("opinion_legality", .string), ("opinion_cost", .double), ("opinion_note", .string),
                             ("opinion_at", .datetime), ("opinion_by", .int), ("candidate_id", .int)] {
            try await database.schema("proposals").field(FieldKey(stringLiteral: name), type).update()
        }
        try await database.sql.create(index: "idx_proposals_opinion").on("proposals").column("opinion_unit_id").column("opinion_at").run()
        for (name, type) in [("places", DatabaseSchema.DataType.int), ("vote_opens_on", .string), ("vote_closes_on", .string), ("vote_picks", .int)] {
            try await database.schema("selection_rounds").field(FieldKey(stringLiteral: name), type).update()
        }

        try await database.schema("selection_candidates")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("seq", .int, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("cost", .double)
            .field("unit_id", .int, .references("units", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_selection_candidates").unique().on("selection_candidates").column("round_id").column("seq").run()

        try await database.schema("selection_votes")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("phone_hash", .string, .required)
            .field("browser", .string)
            .field("address_hash", .string, .required)
            .field("picks", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_selection_votes_phone").unique().on("selection_votes").column("round_id").column("phone_hash").run()
        try await database.sql.create(index: "idx_selection_votes_address").on("selection_votes").column("address_hash").column("created_at").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("selection_votes").delete()
        try await database.schema("selection_candidates").delete()
        for name in ["vote_picks", "vote_closes_on", "vote_opens_on", "places"] {
            try await database.schema("selection_rounds").deleteField(FieldKey(stringLiteral: name)).update()
        }
        for name in ["candidate_id", "opinion_by", "opinion_at", "opinion_note", "opinion_cost", "opinion_legality", "opinion_feasibility",
                     "opinion_necessity", "opinion_requested_at", "opinion_unit_id"] {
            try await database.schema("proposals").deleteField(FieldKey(stringLiteral: name)).update()
        }
    }
}
