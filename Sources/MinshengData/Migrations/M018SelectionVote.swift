import FluentKit
import Foundation
import SQLKit

/// 018: 人大代表票决 — the session of a round (deputies, those present, the pass rule, paper or in-app
/// ballot), the paper tallies entered twice, the deputies registered for an in-app ballot (whether
/// they voted, never how) and the in-app counts (per candidate, never per deputy).
public struct M018SelectionVote: AsyncMigration {
    public init() {}

    public var name: String { "M018SelectionVote" }

    public func prepare(on database: any Database) async throws {
        for (name, type) in [("session_title", DatabaseSchema.DataType.string), ("session_date", .string), ("deputies", .int), ("present", .int),
                             ("pass_rule", .string), ("ballot_mode", .string), ("session_state", .string), ("session_closed_at", .datetime)] {
            try await database.schema("selection_rounds").field(FieldKey(stringLiteral: name), type).update()
        }
        try await database.schema("selection_tallies")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("candidate_id", .int, .required, .references("selection_candidates", "id"))
            .field("entry", .int, .required)
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("votes_for", .int, .required)
            .field("against", .int, .required)
            .field("abstain", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_selection_tallies").unique().on("selection_tallies").column("round_id").column("candidate_id").column("entry").run()
        try await database.schema("selection_deputies")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("voted", .int, .required)
            .create()
        try await database.sql.create(index: "idx_selection_deputies").unique().on("selection_deputies").column("round_id").column("account_id").run()
        try await database.schema("selection_app_counts")
            .field("id", .int, .identifier(auto: true))
            .field("round_id", .int, .required, .references("selection_rounds", "id"))
            .field("candidate_id", .int, .required, .references("selection_candidates", "id"))
            .field("votes_for", .int, .required)
            .field("against", .int, .required)
            .field("abstain", .int, .required)
            .create()
        try await database.sql.create(index: "idx_selection_app_counts").unique().on("selection_app_counts").column("round_id").column("candidate_id").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("selection_app_counts").delete()
        try await database.schema("selection_deputies").delete()
        try await database.schema("selection_tallies").delete()
        for name in ["session_closed_at", "session_state", "ballot_mode", "pass_rule", "present", "deputies", "session_date", "session_title"] {
            try await database.schema("selection_rounds").deleteField(FieldKey(stringLiteral: name)).update()
        }
    }
}
