import Crypto
import FluentKit
import Foundation

/// A signed-in (or signing-in) browser's session. Only the SHA-256 of the cookie value is kept,
/// so a copy of the database does not let anyone act as its users.
public final class StoredSession: Model, @unchecked Sendable {
    public static let schema = "sessions"

    @ID(custom: "key_hash", generatedBy: .user) public var id: String?
    @OptionalField(key: "account_id") public var accountID: Int?
    /// The session's values as JSON.
    @Field(key: "data") public var data: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "seen_at") public var seenAt: Date

    public init() {}
}

/// Sessions on the server: created with a random key, read only while within the idle and the
/// absolute limits, ended all at once for an account.
public struct SessionStore: Sendable {
    public struct Limits: Sendable {
        /// A session unused this long is over.
        public var idle: TimeInterval = 2 * 3600
        /// A session is over this long after sign-in, however busy.
        public var absolute: TimeInterval = 12 * 3600
        /// Last use is written at most this often (a page view otherwise writes a row).
        public var touchEvery: TimeInterval = 60
        public init() {}
    }

    public let db: any Database
    public let limits: Limits

    public init(db: any Database, limits: Limits = Limits()) {
        self.db = db
        self.limits = limits
    }

    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).hex
    }

    static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func encode(_ data: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same values, the same text (see `update`)
        return (try? encoder.encode(data)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func account(in data: [String: String]) -> Int? { data["account"].flatMap(Int.init) }

    /// A new session holding `data`; returns the cookie's value.
    public func create(_ data: [String: String], now: Date = Date()) async throws -> String {
        let key = Self.newKey()
        let session = StoredSession()
        session.id = Self.hash(key)
        session.accountID = Self.account(in: data)
        session.data = Self.encode(data)
        session.createdAt = now
        session.seenAt = now
        // Bookkeeping, not a change anyone waits for: outside the writers' queue.
        try await db.bookkeeping { db in try await session.create(on: db) }
        return key
    }

    /// The session's values, or nil when there is none or it is over (then it is removed).
    public func read(_ key: String, now: Date = Date()) async throws -> [String: String]? {
        guard key.count <= 128, let session = try await StoredSession.find(Self.hash(key), on: db) else { return nil }
        if now.timeIntervalSince(session.seenAt) > limits.idle || now.timeIntervalSince(session.createdAt) > limits.absolute {
            try await delete(key)
            return nil
        }
        return (try? JSONDecoder().decode([String: String].self, from: Data(session.data.utf8))) ?? [:]
    }

    /// Stores the session's values; a session read a moment ago with the same values is left alone.
    public func update(_ key: String, to data: [String: String], now: Date = Date()) async throws {
        let hash = Self.hash(key)
        let encoded = Self.encode(data)
        guard let session = try await StoredSession.find(hash, on: db) else { return }
        if session.data == encoded, now.timeIntervalSince(session.seenAt) < limits.touchEvery { return }
        session.data = encoded
        session.accountID = Self.account(in: data)
        session.seenAt = now
        try await db.bookkeeping { db in try await session.save(on: db) }
    }

    public func delete(_ key: String) async throws {
        let hash = Self.hash(key)
        try await db.bookkeeping { db in try await StoredSession.query(on: db).filter(\.$id == hash).delete() }
    }

    /// Ends every session of the account, but the one with `except` as its key (the account's own
    /// browser when it changed its own password).
    public static func endSessions(of accountID: Int, except key: String? = nil, on db: any Database) async throws {
        var query = StoredSession.query(on: db).filter(\.$accountID == accountID)
        if let key { query = query.filter(\.$id != hash(key)) }
        try await query.delete()
    }

    /// Removes sessions that are over (run now and then).
    public func purge(now: Date = Date()) async throws {
        let (idle, absolute) = (limits.idle, limits.absolute)
        try await db.bookkeeping { db in
            try await StoredSession.query(on: db).group(.or) {
                $0.filter(\.$seenAt < now.addingTimeInterval(-idle)).filter(\.$createdAt < now.addingTimeInterval(-absolute))
            }.delete()
        }
    }
}
