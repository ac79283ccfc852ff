import FluentKit
import Foundation
import PostgresNIO
import SQLiteNIO
import SQLKit

/// Every write transaction of the application goes through `Database.write`, so that concurrent
/// writers wait their turn and succeed instead of failing:
///
/// - On SQLite (one file, many connections) writers queue in this process, first come first
///   served, and each transaction takes the file's write lock with its first statement, so no
///   transaction can find its snapshot stale when it starts writing (`SQLITE_BUSY_SNAPSHOT`).
///   A writer in another process (the command line) is waited for by SQLite's busy handler.
/// - On PostgreSQL each transaction takes advisory locks on the keys it names, in a fixed order,
///   before it reads what it decides on: two saves that refresh the same plan's stored
///   aggregates, or two ratings from one address counting against one limit, run one after the
///   other. A deadlock or serialization failure the server reports is retried.
///
/// A write that cannot get in within `WriteGate.patience` is refused with a Chinese "busy"
/// message (HTTP 503 with Retry-After), never a 500.
public enum WriteKey: Hashable, Sendable, Comparable {
    /// A plan's stored aggregates (figures and `plan_regions`).
    case plan(Int)
    /// Rate limits of one sender (an address hash, a browser id).
    case sender(String)
    /// An account's sign-in counters.
    case account(String)
    /// A region's plans of a year while a plan file is imported (the plan may not exist yet).
    case planImport(region: String, year: Int)
    /// A scheduled job (`ScheduledWork`), held while one server runs it.
    case job(String)
    /// The migrations, held by the server that upgrades the database (`Bootstrap.migrate`).
    case migration
    /// A series of issued numbers (第 N 期, 督办〔2025〕3号): one office, year and kind.
    case numbering(String)
    /// One record whose state a write checks before it changes it (a problem's next step).
    case record(String)

    var name: String {
        switch self {
        case .plan(let id): return "plan:\(id)"
        case .sender(let key): return "sender:\(key)"
        case .account(let key): return "account:\(key)"
        case .planImport(let region, let year): return "plan-import:\(year):\(region)"
        case .job(let name): return "job:\(name)"
        case .migration: return "migration"
        case .numbering(let series): return "numbering:\(series)"
        case .record(let key): return "record:\(key)"
        }
    }

    /// A stable 64-bit number for `pg_advisory_xact_lock` (FNV-1a of the name).
    public var advisoryKey: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// One order for every writer (no two take the same locks in opposite orders): plans by their
    /// number (as `FigureStore.refreshAll` walks them), everything else by name. Plans' names
    /// share one prefix, so they stay together between the same neighbours.
    public static func < (a: WriteKey, b: WriteKey) -> Bool {
        if case .plan(let x) = a, case .plan(let y) = b { return x < y }
        return a.name < b.name
    }
}

/// The queue of this process's SQLite writers: one at a time, in arrival order.
public final class WriteGate: @unchecked Sendable {
    public static let shared = WriteGate()
    /// How long a writer waits for its turn before it is told the system is busy.
    public static let patience: Duration = .seconds(30)
    /// How long SQLite waits for a writer in another process (the command line's import).
    public static let sqliteBusyMilliseconds = 20_000

    private let lock = NSLock()
    private var held = false
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0

    /// Runs `body` holding the gate; throws `ServiceError.busy` when the turn did not come in time.
    public func run<T: Sendable>(patience: Duration = WriteGate.patience, _ body: @Sendable () async throws -> T) async throws -> T {
        guard await acquire(patience: patience) else {
            throw ServiceError.busy("系统正忙（同时提交的人较多），您的修改尚未保存，请稍候几秒再提交。")
        }
        defer { release() }
        return try await body()
    }

    private func acquire(patience: Duration) async -> Bool {
        let id: UInt64 = lock.withLock { nextID += 1; return nextID }
        let timeout = Task { [weak self] in
            try await Task.sleep(for: patience)
            self?.expire(id)
        }
        defer { timeout.cancel() }
        // Checking the gate and joining the queue happen under one lock: a release in between
        // cannot be missed.
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let free: Bool = lock.withLock {
                if !held { held = true; return true }
                waiters.append((id, continuation))
                return false
            }
            if free { continuation.resume(returning: true) }
        }
    }

    private func expire(_ id: UInt64) {
        let waiter: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index).continuation
        }
        waiter?.resume(returning: false)
    }

    private func release() {
        // The gate passes straight to the next writer (it stays held), or opens.
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            if waiters.isEmpty { held = false; return nil }
            return waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    /// Writers waiting now (for the benchmark and the tests).
    public var waiting: Int { lock.withLock { waiters.count } }
}

public enum DatabaseKind: Sendable { case sqlite, postgres, other }

extension Database {
    public var kind: DatabaseKind {
        guard let sql = self as? any SQLDatabase else { return .other }
        switch sql.dialect.name {
        case "sqlite": return .sqlite
        case "postgresql": return .postgres
        default: return .other
        }
    }

    /// Runs `body` in one transaction that waits its turn (see `WriteKey`); inside a transaction
    /// already, it takes the keys' locks there and runs `body` in it.
    public func write<T: Sendable>(locking keys: [WriteKey] = [], _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let keys = Array(Set(keys)).sorted()
        if inTransaction {
            try await Self.lock(keys, on: self)
            return try await body(self)
        }
        // What the write changes on the public pages is published once it has committed.
        // The drivers run the body in a task of their own (from an event loop), which inherits no
        // task-local value: the marker is set again inside it.
        let pending = PublicVersion.Pending()
        let result = try await transaction(keys) { db in try await PublicVersion.Pending.$current.withValue(pending) { try await body(db) } }
        if pending.isChanged { try await PublicVersion.publish(on: self) }
        return result
    }

    private func transaction<T: Sendable>(_ keys: [WriteKey], _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            return try await WriteGate.shared.run {
                try await Self.translatingBusy {
                    try await self.withConnection { connection in
                        try await Self.waitForOtherProcesses(on: connection)
                        return try await connection.transaction { db in
                            // The first statement writes, so the transaction holds the file's write
                            // lock before it reads anything.
                            try await (db as? any SQLDatabase)?.raw("UPDATE write_gate SET n = n + 1 WHERE id = 1").run()
                            return try await body(db)
                        }
                    }
                }
            }
        case .postgres:
            // Not retried: a body may have made or changed models before it failed. Locks taken in
            // one order leave no deadlock, and READ COMMITTED no serialization failure; should
            // either happen, the client is told to try again (503).
            return try await transaction { db in
                try await Self.lock(keys, on: db)
                return try await body(db)
            }
        case .other:
            return try await transaction(body)
        }
    }

    /// One statement's worth of writing outside the queue, for bookkeeping that must not wait behind
    /// an import nor fail a request that has done its work (a session's last use, an inbox's "seen"
    /// mark). On SQLite the connection waits for the file's lock up to the busy timeout.
    public func bookkeeping(_ body: @escaping @Sendable (any Database) async throws -> Void) async throws {
        guard kind == .sqlite, !inTransaction else { return try await body(self) }
        try await Self.translatingBusy {
            try await self.withConnection { connection in
                try await Self.waitForOtherProcesses(on: connection)
                try await body(connection)
            }
        }
    }

    /// Sets the connection's busy timeout: a writer in another process (the command line) is waited
    /// for up to `WriteGate.sqliteBusyMilliseconds`; SQLiteNIO's own handler would retry without end.
    private static func waitForOtherProcesses(on connection: any Database) async throws {
        try await (connection as? any SQLDatabase)?.raw("PRAGMA busy_timeout = \(unsafeRaw: String(WriteGate.sqliteBusyMilliseconds))").run()
    }

    /// Takes the keys' locks in the transaction this database runs (PostgreSQL; SQLite's writers
    /// already hold the whole file). Outside a transaction it does nothing.
    public func takeLocks(_ keys: [WriteKey]) async throws {
        guard inTransaction else { return }
        try await Self.lock(Array(Set(keys)).sorted(), on: self)
    }

    private static func lock(_ keys: [WriteKey], on db: any Database) async throws {
        guard db.kind == .postgres, let sql = db as? any SQLDatabase else { return }
        for key in keys { try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: key.advisoryKey))").run() }
    }

    /// SQLite's busy answers (another process holds the file) become the Chinese "busy" refusal.
    static func translatingBusy<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError where WriteErrors.isBusy(error) {
            throw ServiceError.busy("系统正忙，您的修改尚未保存，请稍候几秒再提交。")
        }
    }
}

/// Which database errors mean "try again shortly" rather than a fault.
public enum WriteErrors {
    public static func isBusy(_ error: any Error) -> Bool {
        if let sqlite = error as? SQLiteError {
            switch sqlite.reason {
            case .busy, .locked, .busyInSnapshot, .busyTimeout, .busyInRecovery, .lockedBySharedCache: return true
            default: return false
            }
        }
        if let postgres = error as? PSQLError, let code = postgres.serverInfo?[.sqlState] {
            return code == "40001" || code == "40P01" || code == "55P03"
        }
        return false
    }
}
