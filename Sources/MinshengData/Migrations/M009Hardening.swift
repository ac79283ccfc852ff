import Crypto
import FluentKit
import Foundation
import SQLKit

/// 009: what concurrent writers and hostile senders need.
/// - `write_gate`: one row every SQLite write transaction updates first, so it holds the file's
///   write lock before it reads (see `Database.write`).
/// - `sessions`: sign-in sessions keyed by the SHA-256 of their cookie value, with their account,
///   start and last use, so they expire on the server and end when the account is disabled or its
///   password changes. Fluent's own session table (plain keys) is dropped: everyone signs in again.
/// - `login_attempts`: failed sign-ins counted per account and sender address (a keyed hash), so
///   that a stranger's five tries lock only the stranger out.
/// - `instance_settings`: the instance's secret (keyed hashes of addresses), the same for every
///   server process on one database.
public struct M009Hardening: AsyncMigration {
    public init() {}

    public var name: String { "M009Hardening" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("write_gate")
            .field(.id, .int, .identifier(auto: false))
            .field("n", .int64, .required)
            .create()
        try await database.sql.raw("INSERT INTO write_gate (id, n) VALUES (1, 0)").run()

        try await database.schema("sessions")
            .field("key_hash", .string, .identifier(auto: false))
            .field("account_id", .int)
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("seen_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_sessions_account").on("sessions").column("account_id").run()

        try await database.schema("login_attempts")
            .field(.id, .int, .identifier(auto: true))
            .field("account_id", .int, .required, .references("accounts", .id))
            .field("address_hash", .string, .required)
            .field("failures", .int, .required)
            .field("locked_until", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", "address_hash")
            .create()

        try await database.schema("instance_settings")
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
        let secret = Self.randomSecret()
        try await database.sql.raw("INSERT INTO instance_settings (key, value) VALUES ('secret', \(bind: secret))").run()
        // Senders' addresses were kept as a plain SHA-256, which is reversed by trying every IPv4
        // address: each becomes a keyed hash of itself (they no longer match anything new, so the
        // rating limits start afresh once).
        let key = SymmetricKey(data: Data(secret.utf8))
        for row in try await database.sql.raw("SELECT id, address_hash FROM feedback").all() {
            let id = try row.decode(column: "id", as: Int.self)
            let old = try row.decode(column: "address_hash", as: String?.self) ?? ""
            try await database.sql.update("feedback").set("address_hash", to: SQLBind(Self.keyedHash(old, purpose: "legacy", key: key)))
                .where("id", .equal, SQLBind(id)).run()
        }

        try await database.schema("_fluent_sessions").delete()
    }

    /// 32 random bytes in hexadecimal (the secret as this migration made it).
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// HMAC-SHA256 of `purpose:value` in hexadecimal, as `InstanceSecret.hash` computed it then.
    static func keyedHash(_ value: String, purpose: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Data((purpose + ":" + value).utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    public func revert(on database: any Database) async throws {
        // Fluent's own session table as its migration made it (sessions do not survive).
        try await database.schema("_fluent_sessions")
            .id()
            .field("key", .string, .required)
            .field("data", .json, .required)
            .unique(on: "key")
            .create()
        try await database.schema("instance_settings").delete()
        try await database.schema("login_attempts").delete()
        try await database.schema("sessions").delete()
        try await database.schema("write_gate").delete()
    }
}
