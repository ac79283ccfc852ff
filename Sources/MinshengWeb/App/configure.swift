import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import MinshengCore
import MinshengData
import Vapor

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    public var minsheng: AppConfig {
        get { storage[ConfigKey.self] ?? AppConfig(store: .sqliteMemory, dataDirectory: "./data", publicURL: "http://127.0.0.1:8080") }
        set { storage[ConfigKey.self] = newValue }
    }

    /// Where evidence files are kept: under the data directory, named by their content.
    public var blobStore: any BlobStore {
        LocalBlobStore(root: (minsheng.dataDirectory as NSString).appendingPathComponent("files"), limit: minsheng.uploadLimit)
    }

    /// The same files for a restore, which takes a file of any size the backed-up instance kept
    /// (its upload limit may have been higher).
    public var restoreBlobStore: any BlobStore {
        LocalBlobStore(root: (minsheng.dataDirectory as NSString).appendingPathComponent("files"), limit: .max)
    }

    private struct SecretKey: StorageKey { typealias Value = InstanceSecret }

    /// The instance's secret (read from the database once, on first use).
    public var instanceSecret: InstanceSecret {
        if let secret = storage[SecretKey.self] { return secret }
        let secret = InstanceSecret(configured: minsheng.secret)
        storage[SecretKey.self] = secret
        return secret
    }

    /// The password hasher with the configured cost.
    public var passwordHasher: any PasswordHashing { BcryptHasher(cost: minsheng.bcryptCost) }
}

/// The migrations, in order. Shipped ones are never edited.
public func addMigrations(to app: Application) {
    app.migrations.add(M001CreateFoundation())
    app.migrations.add(M002AddIndexes())
    app.migrations.add(M003Reporting())
    app.migrations.add(M004FigureStore())
    app.migrations.add(M005Evidence())
    app.migrations.add(M006Disclosure())
    app.migrations.add(M007Feedback())
    app.migrations.add(M008FeedbackNotices())
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(M009Hardening())
    app.migrations.add(M010RealUse())
    app.migrations.add(M011SeveralServers())
    app.migrations.add(M012Bulletins())
    app.migrations.add(M013Supervision())
    app.migrations.add(M014Evaluation())
    app.migrations.add(M015PlanEditing())
    app.migrations.add(M016Selection())
    app.migrations.add(M017SelectionReview())
    app.migrations.add(M018SelectionVote())
    app.migrations.add(M019SelectionPlan())
}

/// Configures databases, sessions, middleware and routes.
public func configure(_ app: Application, _ config: AppConfig) async throws {
    if let secret = config.secret, secret.count < 32 {
        throw ConfigurationError(message: "MINSHENG_SECRET 至少应有 32 个字符（所有服务器使用同一个值）。")
    }
    app.minsheng = config
    switch config.store {
    case .sqliteFile(let path):
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Several connections per event loop: in write-ahead-log mode readers never wait for the
        // writer, and writers queue in `WriteGate`, so a writer waiting for its turn holds no reader up.
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 4), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .postgres(let url):
        // Several connections per event loop: a long write (a year's import) holds one, and the
        // requests behind it on the same loop take another instead of waiting.
        app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 4), as: .psql)
    }
    addMigrations(to: app)

    // No metrics backend is installed, and request bodies are never accepted compressed.
    app.http.server.configuration.reportMetrics = false
    app.http.server.configuration.requestDecompression = .disabled
    app.routes.defaultMaxBodySize = ByteCount(stringLiteral: config.maxBodySize)
    app.sessions.use { _ in ServerSessions() }
    app.sessions.configuration.cookieName = "minsheng_session"
    app.sessions.configuration.cookieFactory = { id in
        // An empty id is a session that was not stored (`ServerSessions`): the browser drops its cookie.
        HTTPCookies.Value(string: id.string, expires: id.string.isEmpty ? Date(timeIntervalSince1970: 0) : Date(timeIntervalSinceNow: 60 * 60 * 12),
                          maxAge: nil, domain: nil, path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    // Order matters: errors wrap everything; sessions before the account loader and CSRF.
    app.middleware = Middlewares()
    app.middleware.use(ChineseErrorMiddleware(environment: app.environment))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(PrincipalMiddleware())
    app.middleware.use(CSRFMiddleware())

    try routes(app)
    let publicPages = app.publicPages
    _ = app.challengeHolder  // made once at start-up, before requests share them
    _ = app.instanceSecret
    app.lifecycle.use(BackgroundWork())
    app.responder.use { app in PublicPageResponder(next: app.responder.default, cache: publicPages) }
}

/// Registers every route. Each controller composes the access policies it needs.
func routes(_ app: Application) throws {
    try app.register(collection: SystemController())
    try app.register(collection: SessionController())
    try app.register(collection: HomeController())
    try app.register(collection: PlanController())
    try app.register(collection: PlanEditingController())
    try app.register(collection: SelectionController())
    try app.register(collection: SelectionReviewController())
    try app.register(collection: SelectionSessionController())
    try app.register(collection: AccountSettingsController())
    try app.register(collection: RegionAdminController())
    try app.register(collection: AccountAdminController())
    try app.register(collection: APIController())
    try app.register(collection: ImportController())
    try app.register(collection: ReportingController())
    try app.register(collection: EvidenceController())
    try app.register(collection: AcceptanceController())
    try app.register(collection: PublicController())
    try app.register(collection: DisclosureController())
    try app.register(collection: DisclosureComplianceController())
    try app.register(collection: FeedbackRatesController())
    try app.register(collection: FeedbackController())
    try app.register(collection: BulletinController())
    try app.register(collection: LetterController())
    try app.register(collection: SupervisionController())
    try app.register(collection: ProblemController())
    try app.register(collection: InspectionController())
    try app.register(collection: EvaluationController())
    try app.register(collection: BallotController())
    try app.register(collection: DashboardController())
}

/// A configuration the instance cannot start with, said in Chinese.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The server's background work: it reads the public pages' shared version once a second
/// (`PublicVersion`), so a change made through another server on the same database reaches this
/// server's cached pages within a second; and every minute it offers the scheduled jobs, each of
/// which runs once per its interval across the servers of the instance (`ScheduledWork`).
struct BackgroundWork: LifecycleHandler {
    private final class Box: @unchecked Sendable { var task: Task<Void, Never>? }
    private let box = Box()

    func didBootAsync(_ application: Application) async throws {
        let db = application.db
        let logger = application.logger
        box.task = Task {
            var tick = 0
            while !Task.isCancelled {
                try? await PublicVersion.shared.poll(on: db)
                if tick % Int(ScheduledWork.offerEvery) == 0 {
                    for job in ScheduledWork.all {
                        do { try await ScheduledWork.runOnce(job, on: db) } catch {
                            logger.warning("scheduled job \(job.name) failed: \(String(reflecting: error))")
                        }
                    }
                }
                tick += 1
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        // Waited for: nothing may use the database once the application has shut it down.
        box.task?.cancel()
        await box.task?.value
        box.task = nil
    }
}
