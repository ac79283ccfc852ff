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
            let collector = Collector<SQLiteRow>()
            try await connection.query(sql, binds) { row in collector.append(row) }
            return collector.items
        }
    }

    /// Runs `body` on one PostgreSQL connection of the database (inside a transaction: its own).
    static func onPostgres<T: Sendable>(_ postgres: any PostgresDatabase, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask { try await body(connection) }
        }.get()
    }

    /// Rows handed over by a driver's callback, one at a time.
    final class Collector<Item>: @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [Item] = []
        func append(_ item: Item) { lock.lock(); collected.append(item); lock.unlock() }
        var items: [Item] { lock.lock(); defer { lock.unlock() }; return collected }
    }

    /// The shares of the indicators (in the regions, when given).
    static func shares(indicatorIDs: [Int], regionIDs: [Int]? = nil, on db: any Database) async throws -> [Share] {
        guard !indicatorIDs.isEmpty else { return [] }
        let regions = regionIDs ?? []
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, target, target_note, sort_order, responsible_unit_id FROM targets WHERE indicator_id IN ("
                + marks(mark, from: 1, count: indicatorIDs.count) + ")"
                + (regions.isEmpty ? "" : " AND region_id IN (" + marks(mark, from: 1 + indicatorIDs.count, count: regions.count) + ")")
        }, (indicatorIDs + regions).map(Bind.int), on: db)
        return rows.map { row in
            Share(indicatorID: row[0].int ?? 0, regionID: row[1].int ?? 0, target: row[2].double, targetNote: row[3].string,
                  sortOrder: row[4].int ?? 0, unitID: row[5].int)
        }
    }

    /// Submitted figures of the indicators for the month (`before`: for every earlier month).
    static func figures(indicatorIDs: [Int], month: Int, before: Bool, on db: any Database) async throws -> [Figure] {
        guard !indicatorIDs.isEmpty else { return [] }
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, month, quantity, progress, note FROM progress_reports WHERE indicator_id IN ("
                + marks(mark, from: 1, count: indicatorIDs.count) + ") AND month \(before ? "<" : "=") \(mark(indicatorIDs.count + 1))"
                + " AND state = \(mark(indicatorIDs.count + 2))"
        }, indicatorIDs.map(Bind.int) + [.int(month), .text(ProgressReport.State.submitted.rawValue)], on: db)
        return rows.map { row in
            Figure(indicatorID: row[0].int ?? 0, regionID: row[1].int ?? 0, month: row[2].int ?? 0,
                   quantity: row[3].double, progress: row[4].double, note: row[5].string)
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

    /// A plan's items, projects and indicators, in the plan's order, as plain rows: one read.
    static func outline(planID: Int, on db: any Database) async throws -> ([OutlineItem], [OutlineProject], [OutlineIndicator]) {
        let rows = try await read({ mark in
            """
            SELECT i.id, i.seq, i.name, p.id, p.seq, p.name, p.content,
                   n.id, n.name, n.unit_label, n.progress_kind, n.aggregation, n.acceptance_standard, u.name, n.seq
            FROM items i LEFT JOIN projects p ON p.item_id = i.id LEFT JOIN indicators n ON n.project_id = p.id
            LEFT JOIN units u ON u.id = n.lead_unit_id
            WHERE i.plan_id = \(mark(1))
            """
        }, [.int(planID)], on: db)
        var items: [Int: OutlineItem] = [:]
        var projects: [Int: OutlineProject] = [:]
        var indicators: [(seq: Int, row: OutlineIndicator)] = []
        for row in rows {
            guard let itemID = row[0].int else { continue }
            items[itemID] = OutlineItem(id: itemID, seq: row[1].int ?? 0, name: row[2].string ?? "")
            guard let projectID = row[3].int else { continue }
            projects[projectID] = OutlineProject(id: projectID, itemID: itemID, seq: row[4].int ?? 0, name: row[5].string ?? "", content: row[6].string)
            guard let indicatorID = row[7].int else { continue }
            let kind = ProgressType(rawValue: row[10].string ?? "") ?? .quantity
            indicators.append((row[14].int ?? 0, OutlineIndicator(
                id: indicatorID, projectID: projectID, name: row[8].string ?? "", unitLabel: row[9].string ?? "", kind: kind,
                rule: Aggregation(rawValue: row[11].string ?? "") ?? kind.defaultAggregation, leadUnit: row[13].string,
                acceptanceStandard: row[12].string)))
        }
        return (items.values.sorted { ($0.seq, $0.id) < ($1.seq, $1.id) },
                projects.values.sorted { ($0.seq, $0.id) < ($1.seq, $1.id) },
                indicators.sorted { ($0.seq, $0.row.id) < ($1.seq, $1.row.id) }.map(\.row))
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

        /// Appends the value in COPY's text format: `\\N` for null, backslash escapes in text.
        func appendCopyText(to out: inout String) {
            switch self {
            case .int(let v): if let v { out.append(String(v)) } else { out.append("\\N") }
            case .double(let v):
                guard let v else { out.append("\\N"); return }
                out.append(v.isFinite ? "\(v)" : v.isNaN ? "NaN" : v < 0 ? "-Infinity" : "Infinity")
            case .text(let v):
                guard let v else { out.append("\\N"); return }
                for scalar in v.unicodeScalars {
                    switch scalar {
                    case "\\": out.append("\\\\")
                    case "\t": out.append("\\t")
                    case "\n": out.append("\\n")
                    case "\r": out.append("\\r")
                    default: out.unicodeScalars.append(scalar)
                    }
                }
            case .date(let v):
                guard let v else { out.append("\\N"); return }
                out.append(Self.timestamp(v))
            }
        }

        /// The last timestamp's text, reused: an import stamps every row with the same moment.
        struct TimestampCache {
            private var last: (Date, String)?
            mutating func text(_ date: Date) -> String {
                if let last, last.0 == date { return last.1 }
                let text = Value.timestamp(date)
                last = (date, text)
                return text
            }
        }

        /// "2024-10-31 08:00:00.123456+00" (UTC).
        static func timestamp(_ date: Date) -> String {
            let interval = date.timeIntervalSince1970
            let secondsTotal = interval.rounded(.down)
            var seconds = time_t(secondsTotal)
            let micros = Int(((interval - secondsTotal) * 1_000_000).rounded())
            var parts = tm()
            gmtime_r(&seconds, &parts)
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                          Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), min(micros, 999_999))
        }
    }
}

extension TableRows {
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

    /// Bulk inserts on one PostgreSQL connection with `COPY … FROM STDIN` (text format): a year of a
    /// province's figures is tens of thousands of rows, which multi-row INSERTs parse slowly.
    static func insert(into table: String, columns: [String], rows: [[Value]], on postgres: any PostgresDatabase) async throws {
        guard !rows.isEmpty else { return }
        try await onPostgres(postgres) { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: connection.logger) { writer in
                var chunk = ""
                chunk.reserveCapacity(1 << 20)
                var stamps = Value.TimestampCache()
                for row in rows {
                    for (index, value) in row.enumerated() {
                        if index > 0 { chunk.append("\t") }
                        if case .date(let date?) = value { chunk.append(stamps.text(date)) } else { value.appendCopyText(to: &chunk) }
                    }
                    chunk.append("\n")
                    if chunk.utf8.count >= 1 << 20 {
                        try await writer.write(ByteBuffer(string: chunk))
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
            }
            return true
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

extension TableRows {
    /// A share of a table's column with its stored figure for the month, if any.
    struct StoredCell {
        var indicatorID: Int
        var regionID: Int
        var target: Double? = nil
        var targetNote: String? = nil
        var unitID: Int? = nil
        var quantity: Double?
        var progress: Double?
        var status: String?
        var band: String?
        var carriedFrom: Int?
        var note: String?
    }

    /// The shares of the indicators in the regions, each with its stored figure for the month:
    /// two reads on their indexes (a join makes PostgreSQL scan the month's figures).
    static func storedCells(indicatorIDs: [Int], regionIDs: [Int], month: Int, on db: any Database) async throws -> [StoredCell] {
        guard !indicatorIDs.isEmpty, !regionIDs.isEmpty else { return [] }
        let shares = try await self.shares(indicatorIDs: indicatorIDs, regionIDs: regionIDs, on: db)
        guard (1...12).contains(month) else {
            return shares.map { StoredCell(indicatorID: $0.indicatorID, regionID: $0.regionID, target: $0.target, targetNote: $0.targetNote, unitID: $0.unitID) }
        }
        let figures = try await storedFigures(indicatorIDs: indicatorIDs, regionIDs: regionIDs, month: month, on: db)
        return shares.map { share in
            var cell = StoredCell(indicatorID: share.indicatorID, regionID: share.regionID, target: share.target, targetNote: share.targetNote, unitID: share.unitID)
            if let figure = figures[ShareKey(share.indicatorID, share.regionID)] {
                cell.quantity = figure.quantity
                cell.progress = figure.progress
                cell.status = figure.status
                cell.band = figure.band
                cell.carriedFrom = figure.carriedFrom
                cell.note = figure.note
            }
            return cell
        }
    }

    struct ShareKey: Hashable {
        let indicator: Int
        let region: Int
        init(_ indicator: Int, _ region: Int) { self.indicator = indicator; self.region = region }
    }

    private static func storedFigures(indicatorIDs: [Int], regionIDs: [Int], month: Int, on db: any Database) async throws -> [ShareKey: StoredCell] {
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, quantity, progress, status, band, carried_from, note FROM \(FigureStore.schema) WHERE month = \(mark(1))"
                + " AND region_id IN (" + marks(mark, from: 2, count: regionIDs.count) + ")"
                + " AND indicator_id IN (" + marks(mark, from: 2 + regionIDs.count, count: indicatorIDs.count) + ")"
        }, ([month] + regionIDs + indicatorIDs).map(Bind.int), on: db)
        var result: [ShareKey: StoredCell] = [:]
        for row in rows {
            let cell = StoredCell(indicatorID: row[0].int ?? 0, regionID: row[1].int ?? 0, quantity: row[2].double, progress: row[3].double,
                                  status: row[4].string, band: row[5].string, carriedFrom: row[6].int, note: row[7].string)
            result[ShareKey(cell.indicatorID, cell.regionID)] = cell
        }
        return result
    }

    /// After a bulk write, PostgreSQL's planner statistics are refreshed for the tables (it would
    /// otherwise plan the next reads for the tables as they were, and scan). SQLite needs nothing.
    static func analyzeAfterBulkWrite(rows: Int, tables: [String], on db: any Database) async throws {
        guard rows >= 5_000, db is any PostgresDatabase else { return }
        for table in tables { try await db.sql.raw("ANALYZE \(ident: table)").run() }
    }
}

extension TableRows {
    /// A column value as the table reads take it.
    enum Cell: Sendable {
        case null
        case int(Int)
        case double(Double)
        case text(String)

        var int: Int? {
            switch self {
            case .int(let v): return v
            case .double(let v): return Int(exactly: v)
            default: return nil
            }
        }

        var double: Double? {
            switch self {
            case .double(let v): return v
            case .int(let v): return Double(v)
            default: return nil
            }
        }

        var string: String? { if case .text(let v) = self { return v } else { return nil } }

        init(_ data: SQLiteData) {
            switch data {
            case .integer(let v): self = .int(v)
            case .float(let v): self = .double(v)
            case .text(let v): self = .text(v)
            case .blob, .null: self = .null
            }
        }

        /// From PostgreSQL's binary row format, without the generic decoding machinery (which
        /// costs about a microsecond a value; a province's table reads thousands).
        init(_ cell: PostgresCell) throws {
            guard var bytes = cell.bytes else { self = .null; return }
            guard cell.format == .binary else { self = .text(bytes.readString(length: bytes.readableBytes) ?? ""); return }
            switch cell.dataType {
            case .int8: self = bytes.readInteger(as: Int64.self).map { .int(Int($0)) } ?? .null
            case .int4: self = bytes.readInteger(as: Int32.self).map { .int(Int($0)) } ?? .null
            case .int2: self = bytes.readInteger(as: Int16.self).map { .int(Int($0)) } ?? .null
            case .float8: self = bytes.readInteger(as: UInt64.self).map { .double(Double(bitPattern: $0)) } ?? .null
            case .float4: self = bytes.readInteger(as: UInt32.self).map { .double(Double(Float(bitPattern: $0))) } ?? .null
            case .bool: self = bytes.readInteger(as: UInt8.self).map { .int(Int($0)) } ?? .null
            case .text, .varchar, .name, .bpchar: self = .text(bytes.readString(length: bytes.readableBytes) ?? "")
            default: self = .text(try cell.decode(String.self))
            }
        }
    }

    enum Bind: Sendable {
        case int(Int)
        case text(String)
    }

    /// Runs a query on the database's driver and returns its rows as plain values, columns in
    /// the order selected. `sql` writes the query given the placeholder for the n-th bind (1-based).
    static func read(_ sql: (_ placeholder: (Int) -> String) -> String, _ binds: [Bind], on db: any Database) async throws -> [[Cell]] {
        if let sqlite = db as? any SQLiteDatabase {
            let rows = try await rowsOnConnection(sqlite, sql { _ in "?" }, binds.map { bind -> SQLiteData in
                switch bind {
                case .int(let v): return .integer(v)
                case .text(let v): return .text(v)
                }
            })
            return rows.map { $0.columns.map { Cell($0.data) } }
        }
        if let postgres = db as? any PostgresDatabase {
            // Rows are converted in the driver's callback, on its event loop: iterating the
            // async row sequence costs more than the rows themselves.
            let values = binds.map { bind -> PostgresData in
                switch bind {
                case .int(let v): return PostgresData(int: v)
                case .text(let v): return PostgresData(string: v)
                }
            }
            let collector = Collector<[Cell]>()
            try await postgres.query(sql { "$\($0)" }, values) { row in
                var cells: [Cell] = []
                cells.reserveCapacity(8)
                for cell in row { cells.append(try Cell(cell)) }
                collector.append(cells)
            }.get()
            return collector.items
        }
        throw DataError.unsupportedDatabase
    }

    /// "a,b,c" placeholders for `count` binds starting at bind `first`.
    static func marks(_ placeholder: (Int) -> String, from first: Int, count: Int) -> String {
        (0..<count).map { placeholder(first + $0) }.joined(separator: ",")
    }
}
