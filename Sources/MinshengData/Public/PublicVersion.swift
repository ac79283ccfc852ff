import FluentKit
import Foundation
import SQLKit

/// The version of what the public pages show. Caches of rendered public pages keep a page only
/// while the version it was rendered under is current.
///
/// Several servers share one database: a change made through one server must reach the pages the
/// others cache. Each change bumps the version row in `instance_settings` after its transaction
/// commits (a page rendered in between is then out of date, never cached as current), and every
/// server reads that row once a second (`poll`). The server that made the change also bumps its
/// own counter at once, so its own next request already sees the change.
public final class PublicVersion: @unchecked Sendable {
    public static let shared = PublicVersion()
    private let lock = NSLock()
    private var local = 0
    private var stored = 0

    /// What a cached page is compared against.
    public struct Value: Hashable, Sendable { var local: Int; var stored: Int }

    public var current: Value { lock.withLock { Value(local: local, stored: stored) } }

    /// A change in this process: its own caches drop their pages now.
    public func bump() { lock.withLock { local &+= 1 } }

    /// Reads the shared version (once a second, from a background task).
    public func poll(on db: any Database) async throws {
        guard let row = try await db.sql.raw("SELECT value FROM instance_settings WHERE key = 'public_version'").first(),
              let value = Int(try row.decode(column: "value", as: String.self)) else { return }
        lock.withLock { stored = value }
    }

    /// Inside a write (`Database.write`), a change to what the public pages show: the version is
    /// bumped once the write commits. Outside one, now. (Inside a transaction not made by
    /// `Database.write` — a migration — nothing is published: the servers start afresh after it.)
    public static func changed(on db: any Database) async throws {
        if let pending = Pending.current {
            pending.mark()
            return
        }
        guard !db.inTransaction else { return }
        try await publish(on: db)
    }

    /// Bumps this process's counter and the shared row (outside any transaction: one statement).
    static func publish(on db: any Database) async throws {
        shared.bump()
        // The change itself has committed: should the shared row not be written (the database
        // went away just now), the other servers' pages catch up within their cache's lifetime.
        do {
            // One statement outside the writers' queue (on SQLite it waits for the file's lock
            // within the busy timeout, never behind the queue).
            try await db.bookkeeping { db in
                try await db.sql.raw("UPDATE instance_settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'public_version'").run()
            }
            try await shared.poll(on: db)
        } catch {
            db.logger.warning("public pages' shared version not bumped: \(String(reflecting: error))")
        }
    }

    /// The changes a write made, published after its commit.
    final class Pending: @unchecked Sendable {
        @TaskLocal static var current: Pending?
        private let lock = NSLock()
        private var changed = false
        func mark() { lock.withLock { changed = true } }
        var isChanged: Bool { lock.withLock { changed } }
    }
}
