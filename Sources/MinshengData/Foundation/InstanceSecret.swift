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

    /// Why a server's secret cannot be used with this database.
    public enum Mismatch: Sendable, Equatable {
        /// The configured secret is not the one the instance's servers use.
        case differs
        /// The instance's servers use a configured secret and this one has none.
        case missing
    }

    /// Compares the secret this server would use — the configured one, or else the one stored in
    /// the database — with the fingerprint recorded by the instance's first start
    /// (`secret_fingerprint`), so that servers of one instance with different secrets — whose
    /// challenges and address hashes would not match each other's — refuse to start instead of
    /// failing one rating in two. A restore brings the backed-up instance's fingerprint with its
    /// hashes. `accept`: record this server's secret as the instance's (after the operator has
    /// changed it on purpose).
    public static func check(configured: String?, accept: Bool = false, on db: any Database) async throws -> Mismatch? {
        @Sendable func fingerprint(_ secret: String) -> String {
            HMAC<SHA256>.authenticationCode(for: Data("fingerprint".utf8), using: SymmetricKey(data: Data(secret.utf8))).hex
        }
        return try await db.write { db in
            let sql = try db.sql
            let stored = try await sql.raw("SELECT value FROM instance_settings WHERE key = 'secret'").first()?.decode(column: "value", as: String.self)
            guard let secret = configured ?? stored else { throw ServiceError.invalid("实例密钥缺失，请先运行 minsheng migrate。") }
            let mine = fingerprint(secret)
            if accept {
                try await sql.raw("DELETE FROM instance_settings WHERE key = 'secret_fingerprint'").run()
            }
            try await sql.raw("""
                INSERT INTO instance_settings (key, value) VALUES ('secret_fingerprint', \(bind: mine))
                ON CONFLICT (key) DO NOTHING
                """).run()
            let recorded = try await sql.raw("SELECT value FROM instance_settings WHERE key = 'secret_fingerprint'").first()?
                .decode(column: "value", as: String.self)
            guard recorded != mine else { return nil }
            return configured == nil ? .missing : .differs
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
