import Fluent
import FluentKit
import Foundation
import MinshengCore
import MinshengData
@testable import MinshengWeb
import SQLKit
import Vapor
import XCTVapor

/// Builds an application for one test: a private in-memory SQLite database by default, or the
/// PostgreSQL server named by `DATABASE_URL` (emptied first), as `.ci/run` does.
enum TestApp {
    static var usesPostgres: Bool { !(ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty }

    /// Runs `body` with a fresh application and always shuts it down.
    /// `fileDatabase`: SQLite in a file of the test's directory, as served (write-ahead log, one
    /// connection per event loop), for tests of concurrent writers; PostgreSQL is unchanged.
    static func run(fileDatabase: Bool = false, _ body: (Application) async throws -> Void) async throws {
        let app = try await make(fileDatabase: fileDatabase)
        let directory = app.minsheng.dataDirectory
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// `sqliteFile`: SQLite in a file whatever `DATABASE_URL` says (a move from the embedded default).
    /// `sharing`: a second server of that application's instance — the same database (not emptied)
    /// and the same files directory; `migrate: false` leaves the migrating to the test.
    static func make(fileDatabase: Bool = false, sqliteFile: Bool = false, sharing other: Application? = nil,
                     migrate: Bool = true) async throws -> Application {
        // Each test's files (evidence uploads) in a directory of its own, removed by `run`.
        let directory = other?.minsheng.dataDirectory ?? NSTemporaryDirectory() + "minsheng-test-\(UUID().uuidString)"
        let store: AppConfig.Store
        let postgres = usesPostgres && !sqliteFile
        if let other {
            store = other.minsheng.store
        } else if sqliteFile {
            store = .sqliteFile(directory + "/minsheng.sqlite")
        } else if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            store = .postgres(url: url)
        } else if fileDatabase {
            store = .sqliteFile(directory + "/minsheng.sqlite")
        } else {
            store = .sqliteMemory
        }
        // The cheapest bcrypt cost and no slow-down keep the suite fast; the rules are the same.
        var config = AppConfig(store: store, dataDirectory: directory, publicURL: "http://127.0.0.1:8080", bcryptCost: 4,
                               throttle: LoginThrottle(freeFailures: 2, lockAfter: 5, lockDuration: 900, delayStep: 0))
        config.maxBodySize = "64kb"
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config)
            if postgres, other == nil {
                let sql = try app.db.sql
                try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
                try await sql.raw("CREATE SCHEMA public").run()
            }
            if case .sqliteFile = store { try await app.db.sql.raw("PRAGMA journal_mode=WAL").run() }
            if migrate { try await Bootstrap.migrate(app) }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }
}

/// A small world to test access against (hand-made, not from the references):
/// 湖南省 → 邵阳市 → {双清区, 大祥区, 市本级}; a city plan decomposed to 双清区 and 大祥区;
/// a county plan of each district; admins of the city and both districts; a reporter in 双清区.
struct Fixture {
    static let password = "passw0rd-test"

    var province: Int
    var city: Int
    var shuangqing: Int
    var daxiang: Int
    var cityPlan: Int
    var shuangqingPlan: Int
    var daxiangPlan: Int
    var cityAdmin: Int
    var shuangqingAdmin: Int
    var daxiangAdmin: Int
    var reporter: Int

    static func load(into app: Application) async throws -> Fixture {
        let db = app.db
        let regions = RegionService(db: db)
        let province = try await regions.create(name: "湖南省", kind: .province, code: "430000", parentID: nil, by: nil).requireID()
        let city = try await regions.create(name: "邵阳市", kind: .city, code: "430500", parentID: province, by: nil).requireID()
        let shuangqing = try await regions.create(name: "双清区", kind: .district, code: "430502", parentID: city, by: nil).requireID()
        let daxiang = try await regions.create(name: "大祥区", kind: .district, code: "430503", parentID: city, by: nil).requireID()
        _ = try await regions.create(name: "市本级", kind: .own, code: nil, parentID: city, by: nil)

        let importer = PlanImporter(db: db)
        let header = PlanFile.header.joined(separator: ",")
        let cityCSV = """
        \(header)
        市定,1,提高养老服务水平,建设老年助餐服务点,建设老年助餐服务点,个,进度,求和,市民政局,全市,10
        市定,1,提高养老服务水平,建设老年助餐服务点,建设老年助餐服务点,个,进度,求和,市民政局,双清区,4
        市定,1,提高养老服务水平,建设老年助餐服务点,建设老年助餐服务点,个,进度,求和,市民政局,大祥区,6
        """
        _ = try await importer.importPlan(try PlanFile.parse(rows: try CSVReader.rows(cityCSV)), regionName: "邵阳市", year: 2024, by: nil)
        let sqCSV = """
        \(header)
        县定,1,双清区自定实事,双清区口袋公园,建设口袋公园,个,进度,求和,区住建局,双清区,3
        """
        _ = try await importer.importPlan(try PlanFile.parse(rows: try CSVReader.rows(sqCSV)), regionName: "双清区", year: 2024, by: nil)
        let dxCSV = """
        \(header)
        县定,1,大祥区自定实事,大祥区农贸市场改造,改造农贸市场,个,进度,求和,区商务局,大祥区,2
        """
        _ = try await importer.importPlan(try PlanFile.parse(rows: try CSVReader.rows(dxCSV)), regionName: "大祥区", year: 2024, by: nil)

        func plan(_ region: Int) async throws -> Int {
            guard let plan = try await Plan.query(on: db).filter(\.$owner.$id == region).first() else { throw Abort(.internalServerError) }
            return try plan.requireID()
        }
        let accounts = AccountService(db: db, hasher: app.passwordHasher)
        func account(_ username: String, _ region: Int, _ roles: Set<Role>, unit: Int? = nil) async throws -> Int {
            try await accounts.create(.init(username: username, displayName: username + "姓名", password: password, regionID: region,
                                            unitID: unit, roles: roles, mustChangePassword: false), by: nil).requireID()
        }
        let unit = try await UnitService(db: db).create(name: "区民政局", phone: nil, regionID: shuangqing, by: nil).requireID()
        return Fixture(
            province: province, city: city, shuangqing: shuangqing, daxiang: daxiang,
            cityPlan: try await plan(city), shuangqingPlan: try await plan(shuangqing), daxiangPlan: try await plan(daxiang),
            cityAdmin: try await account("city_admin", city, [.admin]),
            shuangqingAdmin: try await account("sq_admin", shuangqing, [.admin]),
            daxiangAdmin: try await account("dx_admin", daxiang, [.admin]),
            reporter: try await account("sq_reporter", shuangqing, [.reporter], unit: unit))
    }
}

/// A browser for tests: keeps the session cookie and fills in the CSRF token of the last page.
final class TestBrowser: @unchecked Sendable {  // each used by one task at a time
    let app: Application
    /// The session cookie, "minsheng_session=…".
    var cookie: String?
    /// Every other cookie the server set (the public pages' browser id), sent back as a browser does.
    var otherCookies: [String: String] = [:]
    var csrf: String?

    init(_ app: Application) { self.app = app }

    struct Page {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var body: String
        /// The body's bytes, for downloads that are not text.
        var data = Data()
        var location: String? { headers.first(name: .location) }
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> Page {
        try await send(.GET, path, body: nil, contentType: nil, headers: extra)
    }

    /// Posts a form; the CSRF token is added unless `csrf: false`.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf includeToken: Bool = true) async throws -> Page {
        if includeToken && csrf == nil { try await get("/login") }
        var all = fields
        if includeToken, let csrf { all.append((CSRFMiddleware.field, csrf)) }
        let body = all.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        return try await send(.POST, path, body: body, contentType: "application/x-www-form-urlencoded", headers: [:])
    }

    func send(_ method: HTTPMethod, _ path: String, body: String?, contentType: String?, headers extra: HTTPHeaders) async throws -> Page {
        try await send(method, path, data: body.map { Data($0.utf8) }, contentType: contentType, headers: extra)
    }

    /// Posts raw bytes, as an API client does, with the session's CSRF token in the header.
    @discardableResult
    func post(_ path: String, data: Data, contentType: String, headers extra: HTTPHeaders = [:]) async throws -> Page {
        if csrf == nil { try await get("/login") }
        var headers = extra
        if let csrf { headers.replaceOrAdd(name: CSRFMiddleware.header, value: csrf) }
        headers.replaceOrAdd(name: .accept, value: "application/json")
        return try await send(.POST, path, data: data, contentType: contentType, headers: headers)
    }

    /// Posts a multipart form with one file, as the upload page does.
    @discardableResult
    func upload(_ path: String, fields: [(String, String)], file: Data, fileName: String, csrf includeToken: Bool = true) async throws -> Page {
        if includeToken && csrf == nil { try await get("/login") }
        let boundary = "----minsheng-test-boundary"
        var body = Data()
        var all = fields
        if includeToken, let csrf { all.append((CSRFMiddleware.field, csrf)) }
        for (name, value) in all {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send(.POST, path, data: body, contentType: "multipart/form-data; boundary=\(boundary)", headers: [:])
    }

    /// A multipart form as a browser sends it: the CSRF token first, then the fields, then the files.
    static func multipart(token: String?, fields: [(String, String)], files: [(name: String, data: Data)], boundary: String) -> Data {
        var body = Data()
        var all: [(String, String)] = []
        if let token { all.append((CSRFMiddleware.field, token)) }
        all += fields
        for (name, value) in all {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    func uploadFiles(_ path: String, fields: [(String, String)], files: [(name: String, data: Data)], csrf includeToken: Bool = true) async throws -> Page {
        if includeToken && csrf == nil { try await get("/login") }
        let boundary = "----minsheng-evidence-boundary"
        let body = Self.multipart(token: includeToken ? csrf : nil, fields: fields, files: files, boundary: boundary)
        return try await send(.POST, path, data: body, contentType: "multipart/form-data; boundary=\(boundary)", headers: [:])
    }

    func send(_ method: HTTPMethod, _ path: String, data: Data?, contentType: String?, headers extra: HTTPHeaders) async throws -> Page {
        var headers = extra
        let jar = (cookie.map { [$0] } ?? []) + otherCookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if !jar.isEmpty { headers.replaceOrAdd(name: .cookie, value: jar.joined(separator: "; ")) }
        if let contentType { headers.replaceOrAdd(name: .contentType, value: contentType) }
        let buffer = data.map { ByteBuffer(data: $0) }
        let response = try await app.testable().sendRequest(method, path, headers: headers, body: buffer)
        if let set = response.headers.setCookie?["minsheng_session"] {
            cookie = "minsheng_session=\(set.string)"
        }
        for (name, value) in response.headers.setCookie?.all ?? [:] where name != "minsheng_session" {
            otherCookies[name] = value.string.isEmpty ? nil : value.string
        }
        let text = response.body.string
        if let range = text.range(of: "name=\"_csrf\" value=\"") {
            let rest = text[range.upperBound...]
            if let end = rest.firstIndex(of: "\"") { csrf = String(rest[..<end]) }
        }
        return Page(status: response.status, headers: response.headers, body: text, data: Data(buffer: response.body))
    }

    @discardableResult
    func signIn(_ username: String, _ password: String = Fixture.password) async throws -> Page {
        try await get("/login")
        let answer = try await post("/login", [("username", username), ("password", password)])
        // Like a browser, follow the redirect: the next page carries the session's new token.
        if answer.status == .seeOther, let location = answer.location { try await get(location) }
        return answer
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
