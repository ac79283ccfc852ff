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
    /// `acceptSecret`: record this configuration's `MINSHENG_SECRET` as the instance's instead of
    /// refusing one that differs from the recorded one (`minsheng migrate --accept-secret`).
    public static func application(_ config: AppConfig, arguments: [String] = ["minsheng"], migrate shouldMigrate: Bool = true,
                                   acceptSecret: Bool = false) async throws -> Application {
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
            if shouldMigrate {
                try await migrate(app)
                try await checkSecret(app, accept: acceptSecret)
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Runs the migrations not yet run, then recomputes the stored figures if they were computed
    /// with other rules (derived data is the code's job, not a migration's).
    ///
    /// Servers of one PostgreSQL instance started together take turns: each holds a session
    /// advisory lock on a connection of its own while it migrates, so the second finds the work
    /// done instead of creating the same tables again. (The migrations run on other connections
    /// of the pool — 4 per event loop, `configure` — the lock only orders the servers.)
    /// On an SQLite file a process that migrates holds an exclusive lock on `<file>-migrate.lock`
    /// (`flock`), so a command started beside the server waits for it the same way.
    public static func migrate(_ app: Application) async throws {
        try await holdingMigrationLock(app) {
            try await app.autoMigrate()
            try await FigureStore.rebuildIfOutdated(on: app.db)
        }
    }

    /// Runs `body` holding the lock that orders the instance's migrating processes (see `migrate`).
    private static func holdingMigrationLock(_ app: Application, _ body: @escaping @Sendable () async throws -> Void) async throws {
        if app.db.kind == .postgres {
            let key = WriteKey.migration.advisoryKey
            try await app.db.withConnection { connection in
                let sql = try connection.sql
                try await sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
                do {
                    try await body()
                } catch {
                    _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    throw error
                }
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
            }
            return
        }
        guard case .sqliteFile(let path) = app.minsheng.store else { return try await body() }
        let lock = open(path + "-migrate.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw ConfigurationError(message: "无法打开 \(path)-migrate.lock：请检查数据目录的权限。") }
        defer { close(lock) }
        // Waited for off the concurrency pool's few threads.
        let taken = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async {
                var result: Int32
                repeat { result = flock(lock, LOCK_EX) } while result != 0 && errno == EINTR
                done.resume(returning: result == 0)
            }
        }
        guard taken else { throw ConfigurationError(message: "无法锁定 \(path)-migrate.lock（数据库升级时须独占）：请检查数据目录所在的文件系统。") }
        defer { flock(lock, LOCK_UN) }
        try await body()
    }

    /// Refuses a `MINSHENG_SECRET` that differs from the one the instance's servers were started
    /// with (see `InstanceSecret.check`).
    public static func checkSecret(_ app: Application, accept: Bool = false) async throws {
        let restored = "（如果本实例是由备份恢复的，请使用原实例的 MINSHENG_SECRET 设置：恢复的数据中的来源地址散列是用它计算的。）"
        let change = "如确需更换密钥：停止所有服务器，以新的设置运行一次 minsheng migrate --accept-secret，再以同一设置启动所有服务器（尚未回答的验证题和按来源地址的计数随之作废）。"
        switch try await InstanceSecret.check(configured: app.minsheng.secret, accept: accept, on: app.db) {
        case nil: return
        case .differs:
            throw ConfigurationError(message: "MINSHENG_SECRET 与本实例的服务器使用的密钥不同：同一实例的所有服务器必须使用同一个密钥。" + restored + change)
        case .missing:
            throw ConfigurationError(message: "本实例的服务器使用配置的 MINSHENG_SECRET，本服务器没有配置：同一实例的所有服务器必须使用同一个密钥。" + restored + change)
        }
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
                try await loader.loadSupervision()
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
