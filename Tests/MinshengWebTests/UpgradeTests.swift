import Fluent
import FluentKit
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import SQLKit
import Vapor
import XCTest

/// An old database upgrades: one made by the first migrations (M001–M003) and filled with a year's
/// plan and progress migrates forward to today's schema and gives the same figures as a database
/// made today with the same data.
final class UpgradeTests: XCTestCase {
    /// The columns each table had after M003 (M001CreateFoundation, M003Reporting), copied by hand.
    static let oldColumns: [(table: String, columns: [String])] = [
        ("regions", ["id", "name", "kind", "code", "parent_id", "sort_order", "created_at"]),
        ("units", ["id", "region_id", "name", "phone", "sort_order", "created_at"]),
        ("years", ["id", "year", "created_at"]),
        ("plans", ["id", "year_id", "level", "owner_region_id", "title", "source", "sort_order", "created_at", "schedule"]),
        ("items", ["id", "plan_id", "seq", "name"]),
        ("projects", ["id", "item_id", "seq", "name", "content"]),
        ("indicators", ["id", "project_id", "seq", "name", "unit_label", "progress_kind", "aggregation", "lead_unit_id", "acceptance_standard"]),
        ("targets", ["id", "indicator_id", "region_id", "target", "target_note", "responsible_unit_id", "sort_order"]),
        ("progress_reports", ["id", "indicator_id", "region_id", "month", "quantity", "progress", "note", "state", "updated_at", "submitted_at", "return_reason"]),
    ]

    func testADatabaseOfTheFirstMigrationsUpgradesToTheSameFigures() async throws {
        try await TestApp.run { app in
            // Today's database with the demo's plans and January–October progress.
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            // What a database of M003's time could not hold is left out: the counting rule (M010)
            // the demo sets on the province plan; the upgraded plan counts by the default.
            try await app.db.sql.raw("UPDATE plans SET completion_rule = NULL").run()
            let expected = try await Self.figures(app)
            XCTAssertEqual(expected.count, 2 * 10, "two plans of 邵阳市 2024, ten months each")
            // Their rows, as far as the first migrations knew them.
            var dump: [(table: String, columns: [String], rows: [[any SQLExpression]])] = []
            for (table, columns) in Self.oldColumns {
                let rows = try await app.db.sql.raw("SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM \(ident: table) ORDER BY id").all()
                dump.append((table, columns, try rows.map { row in try columns.map { try Self.bind(row, $0) } }))
            }
            XCTAssertGreaterThan(dump.first { $0.table == "progress_reports" }?.rows.count ?? 0, 3000, "the province plan's progress (3,850 rows in the demo)")

            // An empty database, migrated to M003 only, with those rows.
            try await Self.emptyDatabase(app)
            let first = Migrations()
            first.add(M001CreateFoundation())
            first.add(M002AddIndexes())
            first.add(M003Reporting())
            try await Migrator(databases: app.databases, migrations: first, logger: app.logger, on: app.eventLoopGroup.any()).setupIfNeeded().get()
            try await Migrator(databases: app.databases, migrations: first, logger: app.logger, on: app.eventLoopGroup.any()).prepareBatch().get()
            let sql = try app.db.sql
            for (table, columns, rows) in dump {
                for chunk in stride(from: 0, to: rows.count, by: 200) {
                    let part = rows[chunk..<min(chunk + 200, rows.count)]
                    var query = SQLQueryString("INSERT INTO \(ident: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES ")
                    for (n, row) in part.enumerated() {
                        query.appendLiteral(n == 0 ? "(" : ", (")
                        for (m, value) in row.enumerated() {
                            if m > 0 { query.appendLiteral(", ") }
                            query.appendInterpolation(value)
                        }
                        query.appendLiteral(")")
                    }
                    try await sql.raw(query).run()
                }
            }
            let old = try await sql.raw("SELECT COUNT(*) AS n FROM progress_reports").first()
            XCTAssertEqual(try old?.decode(column: "n", as: Int.self), dump.first { $0.table == "progress_reports" }?.rows.count)

            // Every later migration, then the figures computed by today's code.
            try await Bootstrap.migrate(app)
            let upgraded = try await Self.figures(app)
            XCTAssertEqual(upgraded.count, expected.count)
            for (key, json) in expected.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(upgraded[key], json, "\(key): the upgraded database's figures differ")
                if upgraded[key] != json, ProcessInfo.processInfo.environment["UPGRADE_DIFF"] != nil {
                    try? json.write(toFile: "/tmp/upgrade-expected.json", atomically: true, encoding: .utf8)
                    try? (upgraded[key] ?? "").write(toFile: "/tmp/upgrade-actual.json", atomically: true, encoding: .utf8)
                }
            }
            // And the later tables are there: sessions (M009), challenge tokens (M011).
            try await XCTAssertEqualAsync(try await StoredSession.query(on: app.db).count(), 0)
            let tokens = try await sql.raw("SELECT COUNT(*) AS n FROM challenge_tokens").first()
            XCTAssertEqual(try tokens?.decode(column: "n", as: Int.self), 0)
        }
    }

    /// The progress table of each of 邵阳市's 2024 plans for each month 1–10, as JSON.
    static func figures(_ app: Application) async throws -> [String: String] {
        let tree = try await RegionService(db: app.db).tree()
        let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
        let plans = try await Plan.query(on: app.db).filter(\.$owner.$id == city).sort(\.$id).all()
        var result: [String: String] = [:]
        for plan in plans {
            for month in 1...10 {
                let table = try await ProgressReportService(db: app.db).table(planID: try plan.requireID(), scopeRegionID: city, tree: tree,
                                                                              focusRegionID: city, month: month)
                result["\(plan.level) \(month)"] = table.map { String(decoding: ProgressExport.json($0), as: UTF8.self) } ?? "none"
            }
        }
        return result
    }

    /// A column's value as it was read, to write back, typed by the column (M001's types).
    static func bind(_ row: any SQLRow, _ column: String) throws -> any SQLExpression {
        // NULL as a literal: a typed NULL bind (text) does not go into PostgreSQL's integer columns.
        if try row.decodeNil(column: column) { return SQLLiteral.null }
        switch column {
        case "target", "quantity", "progress": return SQLBind(try row.decode(column: column, as: Double.self))
        case "created_at", "updated_at", "submitted_at": return SQLBind(try row.decode(column: column, as: Date.self))
        case "id", "sort_order", "seq", "year", "month": return SQLBind(try row.decode(column: column, as: Int.self))
        case _ where column.hasSuffix("_id"): return SQLBind(try row.decode(column: column, as: Int.self))
        default: return SQLBind(try row.decode(column: column, as: String.self))
        }
    }

    /// Drops every table (PostgreSQL: the schema; SQLite: each table, foreign keys off meanwhile).
    static func emptyDatabase(_ app: Application) async throws {
        let sql = try app.db.sql
        if TestApp.usesPostgres {
            try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
            return
        }
        try await sql.raw("PRAGMA foreign_keys = OFF").run()
        for row in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() {
            let table = try row.decode(column: "name", as: String.self)
            try await sql.raw("DROP TABLE \(ident: table)").run()
        }
        try await sql.raw("PRAGMA foreign_keys = ON").run()
    }
}

/// The table reads take columns by name and refuse a mismatch: a text where a number is expected,
/// a column that is not selected, a NULL where a value must be — errors, never a silent 0.
final class RowsByNameTests: XCTestCase {
    func testAColumnIsReadByNameAndAMismatchIsAnError() async throws {
        try await TestApp.run { app in
            let fixture = try await Fixture.load(into: app)
            let rows = try await TableRows.read({ "SELECT sort_order, name, code, parent_id FROM regions WHERE id = \($0(1))" }, [.int(fixture.shuangqing)], on: app.db)
            XCTAssertEqual(rows.count, 1)
            let row = try XCTUnwrap(rows.first)
            let (name, code, parent) = (try rows.column("name"), try rows.column("code"), try rows.column("parent_id"))
            XCTAssertEqual(try row.requiredString(name), "双清区")
            XCTAssertEqual(try row.string(code), "430502")
            XCTAssertEqual(try row.requiredInt(parent), fixture.city)
            XCTAssertThrowsError(try row.int(name), "text read as a number")
            XCTAssertThrowsError(try rows.column("region_name"), "a column not selected")
            let none = try await TableRows.read({ _ in "SELECT NULL AS missing FROM regions" }, [], on: app.db)
            XCTAssertThrowsError(try none.first?.requiredInt(try none.column("missing")), "NULL where a value must be")
        }
    }
}

/// A change to what public pages show is published after its transaction commits, not inside it:
/// a page rendered meanwhile would be cached as current with the old figures, and on PostgreSQL
/// every writer would queue on the shared version row.
final class PublicVersionTests: XCTestCase {
    func testAChangeInAWriteIsPublishedOnceAfterItCommits() async throws {
        try await TestApp.run { app in
            func stored() async throws -> String? {
                try await app.db.sql.raw("SELECT value FROM instance_settings WHERE key = 'public_version'").first()?.decode(column: "value", as: String.self)
            }
            let before = PublicVersion.shared.current
            let storedBefore = try await stored()
            let inside = try await app.db.write { db -> PublicVersion.Value in
                try await PublicVersion.changed(on: db)
                try await PublicVersion.changed(on: db)
                return PublicVersion.shared.current
            }
            XCTAssertEqual(inside, before, "nothing is published inside the transaction")
            XCTAssertNotEqual(PublicVersion.shared.current, before, "published after the commit")
            let storedAfter = try await stored()
            XCTAssertEqual(storedAfter.flatMap { Int($0) }, storedBefore.flatMap { Int($0) }.map { $0 + 1 }, "the shared row bumped once for the write")
        }
    }
}
