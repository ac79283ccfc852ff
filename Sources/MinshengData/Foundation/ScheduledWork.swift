import FluentKit
import Foundation
import SQLKit

/// Work that runs on a schedule and must run once across every server of an instance (today the
/// housekeeping; later the overdue marks and the bulletins' reminders). On PostgreSQL each job
/// takes a session advisory lock first (`pg_try_advisory_lock`): the server that gets it runs the
/// job, the others skip this round. On SQLite there is one server.
public enum ScheduledWork {
    public struct Job: Sendable {
        public var name: String
        public var body: @Sendable (any Database) async throws -> Void
        public init(name: String, body: @escaping @Sendable (any Database) async throws -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Runs the job unless another server is running it now. Returns whether it ran here.
    @discardableResult
    public static func runOnce(_ job: Job, on db: any Database) async throws -> Bool {
        guard db.kind == .postgres else {
            try await job.body(db)
            return true
        }
        let key = WriteKey.job(job.name).advisoryKey
        // The lock belongs to the connection: take it, run, and release it on the same one.
        return try await db.withConnection { connection in
            let sql = try connection.sql
            guard let row = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS taken").first(),
                  try row.decode(column: "taken", as: Bool.self) else { return false }
            do {
                try await job.body(connection)
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
            return true
        }
    }

    /// The housekeeping every instance does: sessions that are over, challenge tokens past their
    /// expiry, sign-in failures from more than a day ago.
    public static let housekeeping = Job(name: "housekeeping") { db in
        try await SessionStore(db: db).purge()
        let now = Int(Date().timeIntervalSince1970)
        try await db.bookkeeping { db in
            try await db.sql.raw("DELETE FROM challenge_tokens WHERE expires_at < \(bind: now)").run()
            try await LoginAttempt.query(on: db).filter(\.$updatedAt < Date().addingTimeInterval(-86_400)).filter(\.$lockedUntil == nil).delete()
        }
    }
}
