import FluentKit
import Foundation
import SQLKit

/// 011: what several servers on one database must share — the challenge tokens already answered
/// (each good once across every server), and the public pages' version, which a server bumps
/// after a change commits and every other server reads once a second (`PublicVersion`).
public struct M011SeveralServers: AsyncMigration {
    public init() {}

    public var name: String { "M011SeveralServers" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("challenge_tokens")
            .field("nonce", .string, .identifier(auto: false))
            .field("expires_at", .int64, .required)
            .create()
        try await database.sql.create(index: "idx_challenge_tokens_expiry").on("challenge_tokens").column("expires_at").run()
        try await database.sql.raw("INSERT INTO instance_settings (key, value) VALUES ('public_version', '0')").run()
        // The rules' version the stored figures were computed with: none yet, so the figures of a
        // database migrated from before M004 are computed once the migrations have run.
        try await database.sql.raw("INSERT INTO instance_settings (key, value) VALUES ('figures_version', '0')").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.sql.raw("DELETE FROM instance_settings WHERE key IN ('public_version', 'figures_version')").run()
        try await database.schema("challenge_tokens").delete()
    }
}
