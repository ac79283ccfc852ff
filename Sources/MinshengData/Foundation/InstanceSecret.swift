import Crypto
import FluentKit
import Foundation
import SQLKit

/// The instance's own secret, made once by the migration and kept in the database, so every server
/// on one database shares it — or given in the configuration (`MINSHENG_SECRET`), the same on every
/// server. Sender addresses are kept only as an HMAC with it: a plain hash of an IPv4 address is
/// reversed by trying all four billion.
public final class InstanceSecret: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: SymmetricKey?

    /// `configured`: the secret from the configuration, used instead of the stored one.
    public init(configured: String? = nil) {
        cached = configured.map { SymmetricKey(data: Data($0.utf8)) }
    }

    /// A key for one purpose, derived from the secret (the challenge's signatures are not the
    /// addresses' hashes).
    public func key(for purpose: String, on db: any Database) async throws -> SymmetricKey {
        SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(("key:" + purpose).utf8), using: try await key(on: db))))
    }

    public func key(on db: any Database) async throws -> SymmetricKey {
        if let key = lock.withLock({ cached }) { return key }
        let row = try await db.sql.raw("SELECT value FROM instance_settings WHERE key = 'secret'").first()
        guard let value = try row?.decode(column: "value", as: String.self), !value.isEmpty else {
            throw ServiceError.invalid("实例密钥缺失，请先运行 minsheng migrate。")
        }
        let key = SymmetricKey(data: Data(value.utf8))
        lock.withLock { cached = key }
        return key
    }

    /// Why a server's configured secret cannot be used with this database.
    public enum Mismatch: Sendable, Equatable {
        /// The configured secret differs from the one recorded by an earlier start.
        case differs
        /// An earlier start was configured with a secret and this one is not.
        case missing
    }

    /// Compares the configured secret with the fingerprint the first configured start recorded
    /// (`secret_fingerprint`), so that servers of one instance given different values — whose
    /// challenges and address hashes would not match each other's — refuse to start instead of
    /// failing one rating in two. `accept`: record this configuration as the instance's (after the
    /// operator has changed the secret on purpose): its fingerprint, or none when it has no secret.
    public static func check(configured: String?, accept: Bool = false, on db: any Database) async throws -> Mismatch? {
        let fingerprint = configured.map { HMAC<SHA256>.authenticationCode(for: Data("fingerprint".utf8), using: SymmetricKey(data: Data($0.utf8))).hex }
        return try await db.write { db in
            let sql = try db.sql
            if accept {
                try await sql.raw("DELETE FROM instance_settings WHERE key = 'secret_fingerprint'").run()
            }
            if let fingerprint {
                try await sql.raw("""
                    INSERT INTO instance_settings (key, value) VALUES ('secret_fingerprint', \(bind: fingerprint))
                    ON CONFLICT (key) DO NOTHING
                    """).run()
            }
            let stored = try await sql.raw("SELECT value FROM instance_settings WHERE key = 'secret_fingerprint'").first()?
                .decode(column: "value", as: String.self)
            switch (fingerprint, stored) {
            case (nil, nil): return nil
            case (nil, .some): return .missing
            case (.some(let mine), let stored): return mine == stored ? nil : .differs
            }
        }
    }

    /// The keyed hash of a sender's address (or any other value to keep unreadable), for `purpose`.
    public static func hash(_ value: String, purpose: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Data((purpose + ":" + value).utf8), using: key).hex
    }
}

/// Failed sign-ins of one account from one sender address.
public final class LoginAttempt: Model, @unchecked Sendable {
    public static let schema = "login_attempts"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "account_id") public var accountID: Int
    @Field(key: "address_hash") public var addressHash: String
    @Field(key: "failures") public var failures: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte (hashes, keys, nonces).
    public var hex: String { map { String(format: "%02x", $0) }.joined() }
}
