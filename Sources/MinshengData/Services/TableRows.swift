import FluentKit
import Foundation
import MinshengCore
import PostgresNIO
import SQLiteNIO
import SQLKit

/// Reads the rows the progress tables are built from. On SQLite the rows are read straight from
/// the driver (a province's plan is thousands of rows, and generic row decoding would cost more
/// than the query); elsewhere through SQLKit.
enum TableRows {
    struct Share {
        var indicatorID: Int
        var regionID: Int
        var target: Double?
        var targetNote: String?
        var sortOrder: Int
        var unitID: Int?
    }

    /// A submitted figure: the plan browser's own type, read here.
    typealias Figure = PlanService.ReportedFigure

    /// Runs a query on one connection, collecting the rows where the driver produces them (the
    /// database-level call hands each row to the event loop separately, which costs more than
    /// reading it).
    static func rowsOnConnection(_ sqlite: any SQLiteDatabase, _ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        try await sqlite.withConnection { connection in
            let collector = RowCollector()
            try await connection.query(sql, binds) { row in collector.append(row) }
            return collector.rows
        }
    }

    /// Runs `body` on one PostgreSQL connection of the database (inside a transaction: its own).
    static func onPostgres<T: Sendable>(_ postgres: any PostgresDatabase, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask { try await body(connection) }
        }.get()
    }

    private final class RowCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [SQLiteRow] = []
        func append(_ row: SQLiteRow) { lock.lock(); collected.append(row); lock.unlock() }
        var rows: [SQLiteRow] { lock.lock(); defer { lock.unlock() }; return collected }
    }

    static func shares(indicatorIDs: [Int], on db: any Database) async throws -> [Share] {
        if let sqlite = db as? any SQLiteDatabase {
            let marks = Array(repeating: "?", count: indicatorIDs.count).joined(separator: ",")
            let rows = try await rowsOnConnection(sqlite,
                "SELECT indicator_id, region_id, target, target_note, sort_order, responsible_unit_id FROM targets WHERE indicator_id IN (\(marks))",
                indicatorIDs.map { .integer($0) })
            return rows.map { row in
                Share(indicatorID: row.column("indicator_id")?.integer ?? 0, regionID: row.column("region_id")?.integer ?? 0,
                      target: row.column("target")?.double, targetNote: row.column("target_note")?.string,
                      sortOrder: row.column("sort_order")?.integer ?? 0, unitID: row.column("responsible_unit_id")?.integer)
            }
        }
        if let postgres = db as? any PostgresDatabase {
            var binds = PostgresBindings()
            for id in indicatorIDs { binds.append(id) }
            let marks = (1...indicatorIDs.count).map { "$\($0)" }.joined(separator: ",")
            let query = PostgresQuery(unsafeSQL: "SELECT indicator_id, region_id, target, target_note, sort_order, responsible_unit_id FROM targets WHERE indicator_id IN (\(marks))", binds: binds)
            return try await onPostgres(postgres) { connection in
                var result: [Share] = []
                for try await (indicator, region, target, note, order, unit) in try await connection.query(query, logger: connection.logger)
                    .decode((Int, Int, Double?, String?, Int, Int?).self) {
                    result.append(Share(indicatorID: indicator, regionID: region, target: target, targetNote: note, sortOrder: order, unitID: unit))
                }
                return result
            }
        }
        let rows = try await db.sql.select()
            .columns("indicator_id", "region_id", "target", "target_note", "sort_order", "responsible_unit_id")
            .from(Target.schema)
            .where("indicator_id", .in, SQLBind.group(indicatorIDs))
            .all()
        return try rows.map { row in
            Share(indicatorID: try row.decode(column: "indicator_id", as: Int.self), regionID: try row.decode(column: "region_id", as: Int.self),
                  target: try row.decode(column: "target", as: Double?.self), targetNote: try row.decode(column: "target_note", as: String?.self),
                  sortOrder: try row.decode(column: "sort_order", as: Int.self), unitID: try row.decode(column: "responsible_unit_id", as: Int?.self))
        }
    }

    /// Submitted figures of the indicators for the month (`before`: for every earlier month).
    static func figures(indicatorIDs: [Int], month: Int, before: Bool, on db: any Database) async throws -> [Figure] {
        let submitted = ProgressReport.State.submitted.rawValue
        if let sqlite = db as? any SQLiteDatabase {
            let marks = Array(repeating: "?", count: indicatorIDs.count).joined(separator: ",")
            let rows = try await rowsOnConnection(sqlite,
                "SELECT indicator_id, region_id, month, quantity, progress, note FROM progress_reports WHERE indicator_id IN (\(marks)) AND month \(before ? "<" : "=") ? AND state = ?",
                indicatorIDs.map { .integer($0) } + [.integer(month), .text(submitted)])
            return rows.map { row in
                Figure(indicatorID: row.column("indicator_id")?.integer ?? 0, regionID: row.column("region_id")?.integer ?? 0,
                       month: row.column("month")?.integer ?? 0, quantity: row.column("quantity")?.double,
                       progress: row.column("progress")?.double, note: row.column("note")?.string)
            }
        }
        if let postgres = db as? any PostgresDatabase {
            var binds = PostgresBindings()
            for id in indicatorIDs { binds.append(id) }
            binds.append(month)
            binds.append(submitted)
            let marks = (1...indicatorIDs.count).map { "$\($0)" }.joined(separator: ",")
            let query = PostgresQuery(unsafeSQL: "SELECT indicator_id, region_id, month, quantity, progress, note FROM progress_reports WHERE indicator_id IN (\(marks)) AND month \(before ? "<" : "=") $\(indicatorIDs.count + 1) AND state = $\(indicatorIDs.count + 2)", binds: binds)
            return try await onPostgres(postgres) { connection in
                var result: [Figure] = []
                for try await (indicator, region, month, quantity, progress, note) in try await connection.query(query, logger: connection.logger)
                    .decode((Int, Int, Int, Double?, Double?, String?).self) {
                    result.append(Figure(indicatorID: indicator, regionID: region, month: month, quantity: quantity, progress: progress, note: note))
                }
                return result
            }
        }
        let rows = try await db.sql.select()
            .columns("indicator_id", "region_id", "month", "quantity", "progress", "note")
            .from(ProgressReport.schema)
            .where("indicator_id", .in, SQLBind.group(indicatorIDs))
            .where("month", before ? .lessThan : .equal, SQLBind(month))
            .where("state", .equal, SQLBind(submitted))
            .all()
        return try rows.map { row in
            Figure(indicatorID: try row.decode(column: "indicator_id", as: Int.self), regionID: try row.decode(column: "region_id", as: Int.self),
                   month: try row.decode(column: "month", as: Int.self), quantity: try row.decode(column: "quantity", as: Double?.self),
                   progress: try row.decode(column: "progress", as: Double?.self), note: try row.decode(column: "note", as: String?.self))
        }
    }
}

extension TableRows {
    struct OutlineItem { var id: Int; var seq: Int; var name: String }
    struct OutlineProject { var id: Int; var itemID: Int; var seq: Int; var name: String; var content: String? }
    struct OutlineIndicator {
        var id: Int
        var projectID: Int
        var name: String
        var unitLabel: String
        var kind: ProgressType
        var rule: Aggregation
        var leadUnit: String?
        var acceptanceStandard: String?
    }

    /// A plan's items, projects and indicators, in the plan's order, as plain rows.
    static func outline(planID: Int, on db: any Database) async throws -> ([OutlineItem], [OutlineProject], [OutlineIndicator]) {
        let sql = try db.sql
        let items = try await sql.raw("SELECT id, seq, name FROM items WHERE plan_id = \(bind: planID) ORDER BY seq, id").all().map { row in
            OutlineItem(id: try row.decode(column: "id", as: Int.self), seq: try row.decode(column: "seq", as: Int.self), name: try row.decode(column: "name", as: String.self))
        }
        guard !items.isEmpty else { return ([], [], []) }
        let projects = try await sql.raw("""
            SELECT p.id, p.item_id, p.seq, p.name, p.content FROM projects p JOIN items i ON i.id = p.item_id
            WHERE i.plan_id = \(bind: planID) ORDER BY p.seq, p.id
            """).all().map { row in
            OutlineProject(id: try row.decode(column: "id", as: Int.self), itemID: try row.decode(column: "item_id", as: Int.self),
                           seq: try row.decode(column: "seq", as: Int.self), name: try row.decode(column: "name", as: String.self),
                           content: try row.decode(column: "content", as: String?.self))
        }
        let indicators = try await sql.raw("""
            SELECT n.id, n.project_id, n.name, n.unit_label, n.progress_kind, n.aggregation, n.acceptance_standard, u.name AS lead_unit
            FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id
            LEFT JOIN units u ON u.id = n.lead_unit_id
            WHERE i.plan_id = \(bind: planID) ORDER BY n.seq, n.id
            """).all().map { row in
            let kind = ProgressType(rawValue: try row.decode(column: "progress_kind", as: String.self)) ?? .quantity
            return OutlineIndicator(id: try row.decode(column: "id", as: Int.self), projectID: try row.decode(column: "project_id", as: Int.self),
                                    name: try row.decode(column: "name", as: String.self), unitLabel: try row.decode(column: "unit_label", as: String.self),
                                    kind: kind, rule: Aggregation(rawValue: try row.decode(column: "aggregation", as: String.self)) ?? kind.defaultAggregation,
                                    leadUnit: try row.decode(column: "lead_unit", as: String?.self),
                                    acceptanceStandard: try row.decode(column: "acceptance_standard", as: String?.self))
        }
        return (items, projects, indicators)
    }
}

extension TableRows {
    /// A value for a bulk insert on SQLite, stored as the SQLite driver stores it for Fluent.
    enum Value {
        case int(Int?)
        case double(Double?)
        case text(String?)
        case date(Date?)

        var sqlite: SQLiteData {
            switch self {
            case .int(let v): return v.map { .integer($0) } ?? .null
            case .double(let v): return v.map { .float($0) } ?? .null
            case .text(let v): return v.map { .text($0) } ?? .null
            // SQLiteNIO stores a Date as its seconds since 1970, as a float.
            case .date(let v): return v.map { .float($0.timeIntervalSince1970) } ?? .null
            }
        }
    }

    /// Multi-row inserts through the driver of the database (SQLite, PostgreSQL), or SQLKit.
    static func insert(into table: String, columns: [String], rows: [[Value]], on db: any Database) async throws {
        if let sqlite = db as? any SQLiteDatabase { return try await insert(into: table, columns: columns, rows: rows, on: sqlite) }
        if let postgres = db as? any PostgresDatabase { return try await insert(into: table, columns: columns, rows: rows, on: postgres) }
        let sql = try db.sql
        var start = 0
        while start < rows.count {
            let end = min(start + max(1, 5_000 / columns.count), rows.count)
            var insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<end] {
                insert = insert.values(row.map { value -> any SQLExpression in
                    switch value {
                    case .int(let v): return SQLBind(v)
                    case .double(let v): return SQLBind(v)
                    case .text(let v): return SQLBind(v)
                    case .date(let v): return SQLBind(v)
                    }
                })
            }
            try await insert.run()
            start = end
        }
    }

    /// Multi-row inserts on one PostgreSQL connection, binds encoded by the driver.
    static func insert(into table: String, columns: [String], rows: [[Value]], on postgres: any PostgresDatabase) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 60_000 / columns.count)
        let head = "INSERT INTO \(table) (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
        var start = 0
        while start < rows.count {
            let end = min(start + perStatement, rows.count)
            var binds = PostgresBindings(capacity: (end - start) * columns.count)
            var groups: [String] = []
            var n = 0
            for row in rows[start..<end] {
                var marks: [String] = []
                for value in row {
                    n += 1
                    marks.append("$\(n)")
                    switch value {
                    case .int(let v): binds.append(v)
                    case .double(let v): binds.append(v)
                    case .text(let v): binds.append(v)
                    case .date(let v): binds.append(v)
                    }
                }
                groups.append("(" + marks.joined(separator: ",") + ")")
            }
            let query = PostgresQuery(unsafeSQL: head + groups.joined(separator: ","), binds: binds)
            try await onPostgres(postgres) { connection in
                try await connection.query(query, logger: connection.logger)
                return true
            }
            start = end
        }
    }

    /// Multi-row inserts on one connection, straight to the driver.
    static func insert(into table: String, columns: [String], rows: [[Value]], on sqlite: any SQLiteDatabase) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 30_000 / columns.count)
        let rowMarks = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT INTO \(table) (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
        try await sqlite.withConnection { connection in
            var start = 0
            while start < rows.count {
                let end = min(start + perStatement, rows.count)
                var binds: [SQLiteData] = []
                binds.reserveCapacity((end - start) * columns.count)
                for row in rows[start..<end] { for value in row { binds.append(value.sqlite) } }
                let statement = head + Array(repeating: rowMarks, count: end - start).joined(separator: ",")
                try await connection.query(statement, binds) { _ in }
                start = end
            }
        }
    }
}
