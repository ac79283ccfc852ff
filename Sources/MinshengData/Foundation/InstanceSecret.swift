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
