import FluentKit
import Foundation
import SQLKit

/// Work that runs on a schedule and must run once across every server of an instance (today the
/// housekeeping; later the overdue marks and the bulletins' reminders). Every server offers each
/// job every minute; the job runs when its interval has passed since its last run anywhere, which
/// is recorded in `instance_settings` (`job:<name>`) by the same transaction as the job's writes.
/// On PostgreSQL the transaction first takes the job's advisory lock without waiting
/// (`pg_try_advisory_xact_lock`): a server that finds it taken skips this round, and the one after
/// it finds the run recorded. On SQLite the writers of the one server queue (`Database.write`).
public enum ScheduledWork {
    public struct Job: Sendable {
        public var name: String
        /// The shortest time between two runs across the instance.
        public var interval: TimeInterval
        public var body: @Sendable (any Database) async throws -> Void
        public init(name: String, interval: TimeInterval, body: @escaping @Sendable (any Database) async throws -> Void) {
            self.name = name
            self.interval = interval
            self.body = body
        }
    }

    /// How often a server offers the jobs.
    public static let offerEvery: TimeInterval = 60

    /// Runs the job unless it ran less than its interval ago or another server is running it now.
    /// Returns whether it ran here. The job's writes and the record of its run commit together.
    @discardableResult
    public static func runOnce(_ job: Job, on db: any Database, now: Date = Date()) async throws -> Bool {
        let key = WriteKey.job(job.name).advisoryKey
        let setting = "job:" + job.name
        // A run recorded later than now (another server's clock ahead) does not hold the job off.
        @Sendable func isRecent(_ db: any Database) async throws -> Bool {
            let last = try await db.sql.raw("SELECT value FROM instance_settings WHERE key = \(bind: setting)").first()?
                .decode(column: "value", as: String.self)
            guard let last, let seconds = Double(last) else { return false }
            let elapsed = now.timeIntervalSince1970 - seconds
            return elapsed >= 0 && elapsed < job.interval
        }
        // Read first without a write: most offers find the job not due.
        if try await isRecent(db) { return false }
        return try await db.write { db in
            let sql = try db.sql
            if db.kind == .postgres {
                guard let row = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: key)) AS taken").first(),
                      try row.decode(column: "taken", as: Bool.self) else { return false }
            }
            if try await isRecent(db) { return false }
            try await job.body(db)
            let stamp = String(Int(now.timeIntervalSince1970))
            try await sql.raw("""
                INSERT INTO instance_settings (key, value) VALUES (\(bind: setting), \(bind: stamp))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """).run()
            return true
        }
    }

    /// The housekeeping every instance does every five minutes: sessions that are over, challenge
    /// tokens past their expiry, sign-in failures from more than a day ago.
    public static let housekeeping = Job(name: "housekeeping", interval: 300) { db in
        try await SessionStore(db: db).purge()
        let now = Int(Date().timeIntervalSince1970)
        try await db.bookkeeping { db in
            try await db.sql.raw("DELETE FROM challenge_tokens WHERE expires_at < \(bind: now)").run()
            try await LoginAttempt.query(on: db).filter(\.$updatedAt < Date().addingTimeInterval(-86_400)).filter(\.$lockedUntil == nil).delete()
        }
    }

    /// The jobs every server offers.
    public static let all: [Job] = [housekeeping]
}
