import FluentKit
import Foundation
import MinshengData
@testable import MinshengWeb
import SQLKit
import Vapor
import XCTest

/// Several servers on one database: they migrate one after the other, run each scheduled job once
/// per interval between them, and refuse to start with secrets that differ.
final class SeveralServersTests: XCTestCase {
    /// Two servers started at the same moment on an empty database both come up, and each
    /// migration is run once (without the lock the second creates the same tables and fails).
    func testServersStartingTogetherMigrateOnce() async throws {
        let first = try await TestApp.make(fileDatabase: true, migrate: false)
        let second: Application
        do { second = try await TestApp.make(sharing: first, migrate: false) } catch {
            try? await first.asyncShutdown()
            throw error
        }
        do {
            async let a: Void = Bootstrap.migrate(first)
            async let b: Void = Bootstrap.migrate(second)
            _ = try await (a, b)
            let rows = try await first.db.sql.raw("SELECT name FROM _fluent_migrations").all()
            let names = try rows.map { try $0.decode(column: "name", as: String.self) }
            XCTAssertGreaterThanOrEqual(names.count, 11, "M001–M011 at least")
            let pending = try await Bootstrap.pendingMigrations(second)
            XCTAssertEqual(pending, [], "every migration recorded")
        } catch {
            try? await second.asyncShutdown()
            try? await first.asyncShutdown()
            throw error
        }
        try await second.asyncShutdown()
        try await first.asyncShutdown()
        try? FileManager.default.removeItem(atPath: first.minsheng.dataDirectory)
    }

    /// A job offered by two servers at once runs on one of them; offered again before its interval
    /// has passed it does not run; after it, it runs again. Its writes and the record of the run
    /// commit together.
    func testAScheduledJobRunsOncePerIntervalAcrossServers() async throws {
        try await TestApp.run(fileDatabase: true) { first in
            let second = try await TestApp.make(sharing: first)
            do {
                let job = ScheduledWork.Job(name: "test-job", interval: 300) { db in
                    try await Task.sleep(nanoseconds: 200_000_000)
                    try await db.sql.raw("INSERT INTO instance_settings (key, value) VALUES ('test-job-ran', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(instance_settings.value AS INTEGER) + 1 AS TEXT)").run()
                }
                func runs() async throws -> Int {
                    let value = try await first.db.sql.raw("SELECT value FROM instance_settings WHERE key = 'test-job-ran'").first()?
                        .decode(column: "value", as: String.self)
                    return value.flatMap { Int($0) } ?? 0
                }
                let now = Date()
                async let a = ScheduledWork.runOnce(job, on: first.db, now: now)
                async let b = ScheduledWork.runOnce(job, on: second.db, now: now)
                let ran = try await [a, b]
                XCTAssertEqual(ran.filter { $0 }.count, 1, "one of the two servers ran it")
                let afterFirstRound = try await runs()
                XCTAssertEqual(afterFirstRound, 1)

                let early = try await ScheduledWork.runOnce(job, on: second.db, now: now.addingTimeInterval(299))
                XCTAssertFalse(early, "299 s after the run: not yet")
                let due = try await ScheduledWork.runOnce(job, on: second.db, now: now.addingTimeInterval(300))
                XCTAssertTrue(due, "300 s after the run: due")
                let afterDue = try await runs()
                XCTAssertEqual(afterDue, 2)

                // A run recorded ahead of this server's clock (another server's clock fast) does
                // not hold the job off.
                let behind = try await ScheduledWork.runOnce(job, on: first.db, now: now.addingTimeInterval(200))
                XCTAssertTrue(behind, "the last run (300 s) is ahead of 200 s: due")

                // A job that fails records no run: the next offer tries again.
                struct Failure: Error {}
                let failing = ScheduledWork.Job(name: "failing-job", interval: 300) { db in
                    try await db.sql.raw("INSERT INTO instance_settings (key, value) VALUES ('failing-job-wrote', '1')").run()
                    throw Failure()
                }
                do {
                    _ = try await ScheduledWork.runOnce(failing, on: first.db, now: now)
                    XCTFail("the failure reaches the caller")
                } catch is Failure {}
                let leftovers = try await first.db.sql.raw("SELECT key FROM instance_settings WHERE key IN ('failing-job-wrote', 'job:failing-job')").all()
                XCTAssertEqual(leftovers.count, 0, "neither the job's write nor its run is kept")
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }

    /// The first start records the fingerprint of the secret it uses (the stored one when none is
    /// configured); a server with another secret — a configured one where the others use the stored
    /// one, another value, or none — is refused with the way to change it on purpose.
    func testServersWithDifferentSecretsRefuseToStart() async throws {
        let a = String(repeating: "a", count: 32)
        let b = String(repeating: "b", count: 32)
        try await TestApp.run { app in
            let first = try await InstanceSecret.check(configured: nil, on: app.db)
            XCTAssertNil(first, "the first start records the stored secret's fingerprint")
            let withA = try await InstanceSecret.check(configured: a, on: app.db)
            XCTAssertEqual(withA, .differs, "a configured secret where the servers use the stored one")
            let acceptedA = try await InstanceSecret.check(configured: a, accept: true, on: app.db)
            XCTAssertNil(acceptedA, "changed on purpose")
            let againA = try await InstanceSecret.check(configured: a, on: app.db)
            XCTAssertNil(againA)
            let withB = try await InstanceSecret.check(configured: b, on: app.db)
            XCTAssertEqual(withB, .differs)
            let withNone = try await InstanceSecret.check(configured: nil, on: app.db)
            XCTAssertEqual(withNone, .missing)

            app.minsheng.secret = b
            do {
                try await Bootstrap.checkSecret(app)
                XCTFail("a different secret is refused")
            } catch let error as ConfigurationError {
                XCTAssertTrue(error.message.contains("同一实例的所有服务器必须使用同一个密钥"), error.message)
                XCTAssertTrue(error.message.contains("minsheng migrate --accept-secret"), error.message)
            }
            try await Bootstrap.checkSecret(app, accept: true)
            let nowB = try await InstanceSecret.check(configured: b, on: app.db)
            XCTAssertNil(nowB, "accepted on purpose: b is the instance's secret")
            let nowA = try await InstanceSecret.check(configured: a, on: app.db)
            XCTAssertEqual(nowA, .differs)
        }
    }

    /// A configured secret shorter than 32 characters is refused before anything starts.
    func testAShortSecretIsRefused() async throws {
        var config = AppConfig(store: .sqliteMemory, dataDirectory: NSTemporaryDirectory() + "minsheng-test-\(UUID().uuidString)",
                               publicURL: "http://127.0.0.1:8080")
        config.secret = String(repeating: "x", count: 31)
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config)
            XCTFail("31 characters are refused")
        } catch let error as ConfigurationError {
            XCTAssertTrue(error.message.contains("至少应有 32 个字符"), error.message)
        }
        try await app.asyncShutdown()
    }
}
