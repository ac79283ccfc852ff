import Fluent
import FluentKit
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import SQLKit
import Vapor
import XCTest
import ZIPFoundation

/// `minsheng backup` and `minsheng restore`: an archive of a running instance restored into an
/// empty one gives back every row, figure and file — on the same database, and from the
/// embedded SQLite to the configured one (PostgreSQL in `.ci/run`) and back.
final class BackupTests: XCTestCase {
    /// What is compared between an instance and its restored copy, read with plain SQL and
    /// through the pages, not through the backup's own code.
    struct State: Equatable {
        var counts: [String: Int]
        var figures: [String: String]
        var updatedAt: [Int: Int64]
        var history: [String]
        var evidenceFile: Data?
    }

    static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF 备份测试的现场照片".utf8) + Data((0..<6000).map { UInt8($0 % 251) })

    /// The served demo (plans, progress and its history, disclosure, ratings and opinions) with an
    /// evidence upload (a file in the store).
    func fill(_ app: Application) async throws {
        // Started as a server starts: the secret's fingerprint and the housekeeping's run recorded.
        try await Bootstrap.checkSecret(app)
        try await ScheduledWork.runOnce(ScheduledWork.housekeeping, on: app.db)
        let loaded = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
        XCTAssertTrue(loaded)
        let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
        let school = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
        let reporter = TestBrowser(app)
        try await reporter.signIn("reporter", "minsheng2024")
        let done = try await reporter.uploadFiles("/evidence/upload", fields: [("indicator", "\(school)"), ("region", "\(shaodong)"), ("month", "10"),
                                                                              ("quantity", "100"), ("description", "竣工验收报告与现场照片")],
                                                  files: [("现场照片.jpg", Self.photo)])
        XCTAssertEqual(done.status, .seeOther, done.body)
    }

    func state(_ app: Application) async throws -> State {
        let sql = try app.db.sql
        // Every table from the database's own catalogue, but those a backup leaves out by design
        // (sessions, challenge tokens, sign-in counters, the writers' gate, Fluent's migrations).
        let catalogue = TestApp.usesPostgres && app.db.kind == .postgres
            ? "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        let left = ["sessions", "_fluent_sessions", "challenge_tokens", "login_attempts", "write_gate", "_fluent_migrations"]
        var counts: [String: Int] = [:]
        for table in try await sql.raw(SQLQueryString(catalogue)).all().map({ try $0.decode(column: "name", as: String.self) }) where !left.contains(table) {
            counts[table] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self)
        }
        var updatedAt: [Int: Int64] = [:]
        for row in try await sql.raw("SELECT id, updated_at FROM progress_reports").all() {
            let date = try row.decode(column: "updated_at", as: Date.self)
            updatedAt[try row.decode(column: "id", as: Int.self)] = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        }
        let history = try await sql.raw("SELECT id, indicator_id, region_id, month, action, quantity, progress FROM progress_history ORDER BY id").all().map { row in
            "\(try row.decode(column: "id", as: Int.self)) \(try row.decode(column: "indicator_id", as: Int.self)) \(try row.decode(column: "region_id", as: Int.self)) "
                + "\(try row.decode(column: "month", as: Int.self)) \(try row.decode(column: "action", as: String.self)) "
                + "\(String(describing: try row.decode(column: "quantity", as: Double?.self))) \(String(describing: try row.decode(column: "progress", as: Double?.self)))"
        }
        // The uploaded photo, downloaded as the reporter does.
        var file: Data?
        if let id = try await EvidenceFile.query(on: app.db).first()?.id {
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let page = try await reporter.get("/evidence/files/\(id)")
            XCTAssertEqual(page.status, .ok)
            file = page.data
        }
        return State(counts: counts, figures: try await UpgradeTests.figures(app), updatedAt: updatedAt, history: history, evidenceFile: file)
    }

    func archivePath() -> String {
        let directory = NSTemporaryDirectory() + "minsheng-backup-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory + "/备份.zip"
    }

    /// Runs `body` with `app`, then closes it whatever happens.
    static func using<T>(_ app: Application, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            try await close(app)
            return result
        } catch {
            try? await close(app)
            throw error
        }
    }

    static func count(_ app: Application, _ query: String) async throws -> Int {
        try await app.db.sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    static func close(_ app: Application) async throws {
        let directory = app.minsheng.dataDirectory
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Backs up `source`, closes it, restores into `makeTarget()` and returns the target.
    /// `rewriting`: the archive restored is this copy of the one written.
    func move(_ source: Application, to makeTarget: () async throws -> Application, expected: State,
              rewriting: ((String) throws -> String)? = nil) async throws -> Application {
        let written = archivePath()
        let summary = try await Backup.write(from: source.db, files: source.blobStore, to: written)
        let path = try rewriting?(written) ?? written
        XCTAssertEqual(summary.files, 1, "the one uploaded photo")
        XCTAssertEqual(summary.missingFiles, [])
        XCTAssertEqual(summary.rows, expected.counts.values.reduce(0, +))
        try await Self.close(source)
        let target = try await makeTarget()
        do {
            // The target was started once, as `minsheng restore` starts it: its secret's fingerprint
            // and a scheduled job's run are recorded, and it still counts as empty.
            try await Bootstrap.checkSecret(target)
            try await ScheduledWork.runOnce(ScheduledWork.housekeeping, on: target.db)
            let restored = try await Restore.run(archive: path, into: target.db, files: target.restoreBlobStore, scratch: target.minsheng.dataDirectory)
            // Started again, it uses the restored secret (the source's), which is the recorded one.
            try await Bootstrap.checkSecret(target)
            XCTAssertEqual(restored.files, 1)
            XCTAssertEqual(restored.rows, summary.rows)
            let state = try await state(target)
            XCTAssertEqual(state.counts, expected.counts)
            XCTAssertEqual(state.figures, expected.figures, "every progress table of 邵阳市's plans, months 1–10")
            XCTAssertEqual(state.updatedAt, expected.updatedAt, "every moment to the microsecond")
            XCTAssertEqual(state.history, expected.history)
            XCTAssertEqual(state.evidenceFile, Self.photo, "the photo as it was uploaded")
            // New rows continue after the restored ones (PostgreSQL's sequences were moved on).
            try await AuditEvent(accountID: nil, action: "after-restore", subject: "", detail: "").create(on: target.db)
            return target
        } catch {
            try? await Self.close(target)
            throw error
        }
    }

    func testABackupRestoresEveryRowFigureAndFileIntoAnEmptyInstance() async throws {
        let source = try await TestApp.make(fileDatabase: true)
        let expected = try await filled(source)
        // Hand-checked against the demo: 邵阳市's province plan has 3,850 progress rows for
        // January–October (the upgrade test's count) and the city plan more.
        XCTAssertGreaterThan(expected.counts["progress_reports"] ?? 0, 3850)
        XCTAssertEqual(expected.counts["evidence_files"], 1)
        XCTAssertEqual(expected.figures.count, 20, "two plans, ten months")
        XCTAssertGreaterThan(expected.history.count, 0)
        let target = try await move(source, to: { try await TestApp.make(fileDatabase: true) }, expected: expected)
        try await Self.using(target) {
            // The accounts sign in with their passwords, and the office's home page answers.
            let office = TestBrowser(target)
            let signedIn = try await office.signIn("admin", "minsheng2024")
            XCTAssertEqual(signedIn.status, .seeOther)
            try await XCTAssertEqualAsync(try await office.get("/").status, .ok)
        }
    }

    /// An archive of the first format (files in the archive itself, no bundles) still restores.
    func testAnArchiveOfTheFirstVersionStillRestores() async throws {
        let source = try await TestApp.make(fileDatabase: true)
        let expected = try await filled(source)
        let target = try await move(source, to: { try await TestApp.make(fileDatabase: true) }, expected: expected, rewriting: { path in
            try Self.versionOne(path, in: (path as NSString).deletingLastPathComponent)
        })
        try await Self.close(target)
    }

    /// Files go into bundles of at most 1,000 files or 256 MB (hand-counted: 2,500 small files make
    /// bundles of 1,000, 1,000 and 500; 200 MB then 100 MB do not fit one; a file larger than a
    /// bundle has one of its own).
    func testFilesAreBundledByCountAndSize() {
        let small = BackupManifest.bundles(forSizes: Array(repeating: 100, count: 2500))
        XCTAssertEqual(small.filter { $0 == "bundles/000001.zip" }.count, 1000)
        XCTAssertEqual(small.filter { $0 == "bundles/000002.zip" }.count, 1000)
        XCTAssertEqual(small.filter { $0 == "bundles/000003.zip" }.count, 500)
        XCTAssertEqual(Set(small).count, 3)
        let mb = 1 << 20
        XCTAssertEqual(BackupManifest.bundles(forSizes: [200 * mb, 100 * mb, 10 * mb]), ["bundles/000001.zip", "bundles/000002.zip", "bundles/000002.zip"])
        XCTAssertEqual(BackupManifest.bundles(forSizes: [300 * mb, 1, 1]), ["bundles/000001.zip", "bundles/000002.zip", "bundles/000002.zip"])
        XCTAssertEqual(BackupManifest.bundles(forSizes: []), [])
    }

    /// The served demo with an upload in `app`, and its state (the app is closed if this fails).
    func filled(_ app: Application) async throws -> State {
        do {
            try await fill(app)
            return try await state(app)
        } catch {
            try? await Self.close(app)
            throw error
        }
    }

    func testAnOfficeMovesFromTheEmbeddedSQLiteToTheConfiguredDatabaseAndBack() async throws {
        // SQLite → the test database (PostgreSQL in `.ci/run`, SQLite otherwise) → SQLite.
        let source = try await TestApp.make(sqliteFile: true)
        let expected = try await filled(source)
        let middle = try await move(source, to: { try await TestApp.make() }, expected: expected)
        let back = try await move(middle, to: { try await TestApp.make(sqliteFile: true) }, expected: try await state(middle))
        try await Self.using(back) {
            let state = try await self.state(back)
            XCTAssertEqual(state.counts["audit_events"], (expected.counts["audit_events"] ?? 0) + 2, "one row added after each restore")
            XCTAssertEqual(state.figures, expected.figures)
        }
    }

    /// Writes go on during the backup; the archive holds a state the database was in: two rows
    /// written in one transaction to two tables are both in it or both not.
    func testABackupDuringWritesIsOneState() async throws {
        let source = try await TestApp.make(fileDatabase: true)
        let path = archivePath()
        let probes = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'probe'"
        let written = try await Self.using(source) {
            try await fill(source)
            let stop = ManagedAtomicFlag()
            let writer = Task {
                var n = 0
                while !stop.isSet {
                    n += 1
                    let key = "probe-\(n)"
                    try await source.db.write { tx in
                        try await AuditEvent(accountID: nil, action: "probe", subject: key, detail: "").create(on: tx)
                        try await tx.sql.raw("INSERT INTO instance_settings (key, value) VALUES (\(bind: key), 'x')").run()
                    }
                    await Task.yield()
                }
                return n
            }
            // Some writes before the backup starts, the rest during it.
            while try await Self.count(source, probes) < 5 { try await Task.sleep(for: .milliseconds(5)) }
            let before = try await Self.count(source, probes)
            _ = try await Backup.write(from: source.db, files: source.blobStore, to: path)
            let after = try await Self.count(source, probes)
            stop.set()
            XCTAssertGreaterThan(after, before, "writes committed while the backup ran")
            return try await writer.value
        }
        let target = try await TestApp.make(fileDatabase: true)
        try await Self.using(target) {
            _ = try await Restore.run(archive: path, into: target.db, files: target.restoreBlobStore)
            let events = try await Self.count(target, probes)
            let settings = try await Self.count(target, "SELECT COUNT(*) AS n FROM instance_settings WHERE key LIKE 'probe-%'")
            XCTAssertGreaterThanOrEqual(events, 5)
            XCTAssertLessThanOrEqual(events, written)
            XCTAssertEqual(events, settings, "both rows of each write, or neither")
        }
    }

    /// A damaged, foreign or mismatched archive, or a target that is not empty, is refused in
    /// Chinese before anything is written.
    func testBadArchivesAndFullTargetsAreRefusedAndWriteNothing() async throws {
        let source = try await TestApp.make(fileDatabase: true)
        let path = archivePath()
        try await Self.using(source) {
            try await fill(source)
            _ = try await Backup.write(from: source.db, files: source.blobStore, to: path)
            // An existing file is not overwritten.
            await XCTAssertThrowsServiceError(try await Backup.write(from: source.db, files: source.blobStore, to: path), contains: "已存在")
            // Nor is a full instance restored into.
            await XCTAssertThrowsServiceError(try await Restore.run(archive: path, into: source.db, files: source.restoreBlobStore), contains: "不是空的")
        }

        let directory = (path as NSString).deletingLastPathComponent
        let notZip = directory + "/not.zip"
        try Data("这不是备份".utf8).write(to: URL(fileURLWithPath: notZip))
        let cases: [(name: String, make: () throws -> String, message: String)] = [
            ("missing", { directory + "/none.zip" }, "找不到备份文件"),
            ("not a zip", { notZip }, "不是民生实事管理平台的备份文件"),
            ("no manifest", { try Self.rewrite(path, in: directory, drop: BackupManifest.manifestPath) }, "缺少 manifest.json"),
            ("other version", { try Self.rewrite(path, in: directory, manifest: { $0.migrations.removeLast() }) }, "另一版本"),
            ("tampered file", { try Self.rewrite(path, in: directory, entry: { name, data in name.hasPrefix("bundles/") ? try? Self.tamperedBundle(data, in: directory) : nil }) }, "校验值不符"),
            ("missing bundle", { try Self.rewrite(path, in: directory, drop: BackupManifest.bundlePath(1)) }, "缺少 bundles/000001.zip"),
            ("bundle not a zip", { try Self.rewrite(path, in: directory, entry: { name, _ in name.hasPrefix("bundles/") ? Data("不是压缩包".utf8) : nil }) }, "无法作为 ZIP 文件读取"),
            ("short table", { try Self.rewrite(path, in: directory, entry: { $0 == "tables/regions.jsonl" ? Data($1.split(separator: 0x0A).dropLast().joined(separator: [0x0A])) + Data([0x0A]) : nil }) },
             "应有"),
            ("bad row", { try Self.rewrite(path, in: directory, entry: { $0 == "tables/units.jsonl" ? $1 + Self.textInFirstColumn($1) : nil }) }, "应为整数"),
            ("damaged byte", { try Self.damage(try Self.rewrite(path, in: directory, stored: "tables/years.jsonl"), entry: "tables/years.jsonl", in: path) }, "校验和不符"),
        ]
        for item in cases {
            let target = try await TestApp.make(fileDatabase: true)
            try await Self.using(target) {
                let archive = try item.make()
                await XCTAssertThrowsServiceError(try await Restore.run(archive: archive, into: target.db, files: target.restoreBlobStore), contains: item.message, item.name)
                try await XCTAssertEqualAsync(try await Region.query(on: target.db).count(), 0, "\(item.name): no row written")
                let files = (try? FileManager.default.subpathsOfDirectory(atPath: target.minsheng.dataDirectory + "/files")) ?? []
                XCTAssertEqual(files.filter { BackupManifest.isFileKey(($0 as NSString).lastPathComponent) }, [], "\(item.name): no file left")
            }
        }
    }

    /// A copy of the archive with one entry dropped or changed (`entry` returns the new bytes, or
    /// nil to keep them), or its manifest changed.
    static func rewrite(_ path: String, in directory: String, drop: String? = nil, manifest change: ((inout BackupManifest) -> Void)? = nil,
                        entry: ((String, Data) -> Data?)? = nil, stored: String? = nil) throws -> String {
        let source = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let output = directory + "/changed-\(UUID().uuidString).zip"
        let archive = try Archive(url: URL(fileURLWithPath: output), accessMode: .create)
        for item in source where item.path != drop {
            var data = Data()
            _ = try source.extract(item) { data.append($0) }
            if item.path == BackupManifest.manifestPath, let change {
                var manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
                change(&manifest)
                data = try JSONEncoder().encode(manifest)
            }
            if let replaced = entry?(item.path, data) { data = replaced }
            let bytes = data
            try archive.addEntry(with: item.path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: item.path == stored ? .none : .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return output
    }
}

extension BackupTests {
    /// A bundle whose first file has other content under the same name.
    static func tamperedBundle(_ bundle: Data, in directory: String) throws -> Data {
        let original = directory + "/bundle-\(UUID().uuidString).zip"
        try bundle.write(to: URL(fileURLWithPath: original))
        let changed = try rewrite(original, in: directory, entry: { path, data in
            path.hasPrefix("files/") ? Data("别的内容".utf8) + data.dropFirst(12) : nil
        })
        return try Data(contentsOf: URL(fileURLWithPath: changed))
    }

    /// The archive as version 1 wrote it: every file as `files/<key>` in the archive itself.
    static func versionOne(_ path: String, in directory: String) throws -> String {
        let source = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let output = directory + "/v1-\(UUID().uuidString).zip"
        let archive = try Archive(url: URL(fileURLWithPath: output), accessMode: .create)
        func add(_ name: String, _ bytes: Data) throws {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .none) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        for item in source {
            var data = Data()
            _ = try source.extract(item) { data.append($0) }
            if item.path == BackupManifest.manifestPath {
                var manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
                manifest.version = 1
                for index in manifest.files.indices { manifest.files[index].bundle = nil }
                try add(item.path, try JSONEncoder().encode(manifest))
            } else if item.path.hasPrefix("bundles/") {
                let inner = directory + "/inner-\(UUID().uuidString).zip"
                try data.write(to: URL(fileURLWithPath: inner))
                let bundle = try Archive(url: URL(fileURLWithPath: inner), accessMode: .read)
                for file in bundle {
                    var content = Data()
                    _ = try bundle.extract(file) { content.append($0) }
                    try add(file.path, content)
                }
            } else {
                try add(item.path, data)
            }
        }
        return output
    }

    /// The table file's first row again, with a text where its first column (the id) holds a number.
    static func textInFirstColumn(_ table: Data) -> Data {
        let first = table.split(separator: 0x0A).first.map { Data($0) } ?? Data()
        guard let comma = first.firstIndex(of: 0x2C) else { return Data() }
        return Data("[\"不是数字\"".utf8) + first[comma...] + Data([0x0A])
    }

    /// The archive with one byte of a stored (uncompressed) entry changed in place: its first row's
    /// year 2024 becomes 2025, which still reads as a row — only the checksum tells.
    static func damage(_ archivePath: String, entry: String, in original: String) throws -> String {
        let source = try Archive(url: URL(fileURLWithPath: original), accessMode: .read)
        guard let item = source[entry] else { throw ServiceError.invalid("no \(entry)") }
        var content = Data()
        _ = try source.extract(item) { content.append($0) }
        let line = content.split(separator: 0x0A).first.map { Data($0) } ?? Data()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archivePath))
        guard let at = bytes.range(of: line), let year = bytes[at].range(of: Data("2024".utf8)) else { throw ServiceError.invalid("row not found") }
        bytes[year.upperBound - 1] = UInt8(ascii: "5")
        try bytes.write(to: URL(fileURLWithPath: archivePath))
        return archivePath
    }
}

/// A flag set once, read from another task.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

func XCTAssertThrowsServiceError<T>(_ expression: @autoclosure () async throws -> T, contains text: String, _ message: String = "",
                                    file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected a refusal containing “\(text)” \(message)", file: file, line: line)
    } catch let error as ServiceError {
        XCTAssertTrue(error.message.contains(text), "“\(error.message)” does not contain “\(text)” \(message)", file: file, line: line)
    } catch {
        XCTFail("expected a ServiceError, got \(error) \(message)", file: file, line: line)
    }
}
