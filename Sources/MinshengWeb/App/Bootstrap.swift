import Fluent
#if canImport(Glibc)
import Glibc
#endif
import Logging
import MinshengCore
import MinshengData
import Vapor

/// Builds configured applications for the command line and the tests.
public enum Bootstrap {
    /// Logging is process-wide and may be set up only once. The level is read once: Vapor makes a
    /// logger for every request, and reading the environment each time cost 40% of a public page.
    private static let logging: Void = {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    /// An application configured and migrated, ready to serve or to run a command against.
    /// `migrate: false` opens the database as it is (a backup must not upgrade the database of a
    /// server still running the previous version).
    public static func application(_ config: AppConfig, arguments: [String] = ["minsheng"], migrate shouldMigrate: Bool = true) async throws -> Application {
        _ = logging
        // The database, its log and the evidence files are for this account alone: files 0600,
        // directories 0700.
        umask(0o077)
        if FileManager.default.fileExists(atPath: config.dataDirectory) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: config.dataDirectory)
        }
        let app = try await Application.make(Environment(name: "production", arguments: arguments))
        do {
            try await configure(app, config)
            if case .sqliteFile = config.store {
                // Write-ahead logging: readers never wait for a writer (public pages keep answering during a
                // burst of ratings), and a commit costs one sync of the log instead of several of the file.
                // The mode is kept in the file; every commit is still synced (synchronous stays FULL).
                try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
            }
            if shouldMigrate { try await migrate(app) }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Runs the migrations not yet run, then recomputes the stored figures if they were computed
    /// with other rules (derived data is the code's job, not a migration's).
    public static func migrate(_ app: Application) async throws {
        try await app.autoMigrate()
        try await FigureStore.rebuildIfOutdated(on: app.db)
    }

    /// The migrations this build would run on the database, by name; nil when the database has
    /// never been migrated (it holds no instance).
    public static func pendingMigrations(_ app: Application) async throws -> [String]? {
        let sql = try app.db.sql
        let exists: Bool
        switch app.db.kind {
        case .postgres:
            exists = try await sql.raw("SELECT to_regclass('_fluent_migrations')::text AS t").first()?.decode(column: "t", as: String?.self) != nil
        default:
            exists = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'").first() != nil
        }
        guard exists else { return nil }
        return try await Migrator(databases: app.databases, migrations: app.migrations, logger: app.logger, on: app.eventLoopGroup.any())
            .previewPrepareBatch().get().map { $0.0.name }
    }

    /// Lines to print about the demo accounts.
    public static func demoAccountLines() -> [String] {
        ["演示账号（密码均为 \(DemoLoader.password)，修改后以新密码为准）："] + DemoLoader.accounts.map { account in
            let unit = account.unit.map { " · " + $0 } ?? ""
            return "  \(account.username.padding(toLength: 11, withPad: " ", startingAt: 0)) \(account.role.label)　\(account.region)\(unit)"
        }
    }

    /// Loads the demo into an empty database; returns false when data was already there. The
    /// served demo (`complete`) also has its disclosure items, its ratings and opinions and January–October closed, as at
    /// the bulletin's date; tests start from the plans and figures alone and add their own.
    public static func loadDemoIfEmpty(_ app: Application, complete: Bool = false) async throws -> Bool {
        let loader = DemoLoader(db: app.db, hasher: app.passwordHasher)
        if try await loader.hasData() { return false }
        try await app.db.write { db in
            let loader = DemoLoader(db: db, hasher: app.passwordHasher)
            try await loader.load()
            if complete {
                try await loader.loadDisclosures()
                try await loader.loadFeedback()
                try await loader.closeBulletinMonths()
            }
        }
        return true
    }

    public static func ensureInitialAdmin(_ app: Application) async throws -> InitialAdmin.Created? {
        try await InitialAdmin.ensure(on: app.db, hasher: app.passwordHasher,
                                      regionName: ProcessInfo.processInfo.environment["MINSHENG_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "本级行政区")
    }
}
