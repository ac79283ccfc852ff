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
        var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return collected.isEmpty }
    }

    /// The shares of the indicators (in the regions, when given) as they stand today, or as they
    /// stood in `month` when given: an approved adjustment's earlier targets count for the months
    /// before it took effect (`TargetVersion`).
    static func shares(indicatorIDs: [Int], regionIDs: [Int]? = nil, month: Int?, on db: any Database) async throws -> [Share] {
        let current = try await shares(indicatorIDs: indicatorIDs, regionIDs: regionIDs, on: db)
        guard let month, !indicatorIDs.isEmpty else { return current }
        let versions = try await targetVersions(indicatorIDs: indicatorIDs, from: month, on: db)
        guard !versions.isEmpty else { return current }
        let wanted = regionIDs.map(Set.init)
        return overlay(current, versions: versions, month: month, regions: wanted)
    }

    /// A version of a share: what `TargetVersion` holds.
    struct Version {
        var indicatorID: Int
        var regionID: Int
        var throughMonth: Int
        var present: Bool
        var share: Share
    }

    /// The versions of the indicators' shares that count in `month` or later.
    static func targetVersions(indicatorIDs: [Int], from month: Int, on db: any Database) async throws -> [Version] {
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, through_month, present, target, target_note, sort_order, responsible_unit_id FROM \(TargetVersion.schema)"
                + " WHERE through_month >= \(mark(1)) AND indicator_id IN (" + marks(mark, from: 2, count: indicatorIDs.count) + ")"
        }, ([month] + indicatorIDs).map(Bind.int), on: db)
        let c = (indicator: try rows.column("indicator_id"), region: try rows.column("region_id"), through: try rows.column("through_month"),
                 present: try rows.column("present"), target: try rows.column("target"), note: try rows.column("target_note"),
                 sort: try rows.column("sort_order"), unit: try rows.column("responsible_unit_id"))
        return try rows.map { row in
            let indicator = try row.requiredInt(c.indicator), region = try row.requiredInt(c.region)
            return Version(indicatorID: indicator, regionID: region, throughMonth: try row.requiredInt(c.through), present: try row.requiredInt(c.present) != 0,
                           share: Share(indicatorID: indicator, regionID: region, target: try row.double(c.target), targetNote: try row.string(c.note),
                                        sortOrder: try row.requiredInt(c.sort), unitID: try row.int(c.unit)))
        }
    }

    /// The shares as they stood in `month`: for each share a version covers, the version with
    /// the least `throughMonth` at or after the month.
    static func overlay(_ current: [Share], versions: [Version], month: Int, regions: Set<Int>?) -> [Share] {
        var chosen: [ShareKey: Version] = [:]
        for version in versions where version.throughMonth >= month && (regions?.contains(version.regionID) ?? true) {
            let key = ShareKey(version.indicatorID, version.regionID)
            if let held = chosen[key], held.throughMonth <= version.throughMonth { continue }
            chosen[key] = version
        }
        guard !chosen.isEmpty else { return current }
        var result: [Share] = []
        for share in current {
            let key = ShareKey(share.indicatorID, share.regionID)
            if let version = chosen.removeValue(forKey: key) {
                if version.present { result.append(version.share) }
            } else {
                result.append(share)
            }
        }
        // Shares an adjustment removed: they stood in the earlier months.
        for (_, version) in chosen.sorted(by: { ($0.key.indicator, $0.key.region) < ($1.key.indicator, $1.key.region) }) where version.present {
            result.append(version.share)
        }
        return result
    }

    /// The shares of the indicators (in the regions, when given), as they stand today.
    static func shares(indicatorIDs: [Int], regionIDs: [Int]? = nil, on db: any Database) async throws -> [Share] {
        guard !indicatorIDs.isEmpty else { return [] }
        let regions = regionIDs ?? []
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, target, target_note, sort_order, responsible_unit_id FROM targets WHERE indicator_id IN ("
                + marks(mark, from: 1, count: indicatorIDs.count) + ")"
                + (regions.isEmpty ? "" : " AND region_id IN (" + marks(mark, from: 1 + indicatorIDs.count, count: regions.count) + ")")
        }, (indicatorIDs + regions).map(Bind.int), on: db)
        let (indicator, region, target, note, sort, unit) = (try rows.column("indicator_id"), try rows.column("region_id"), try rows.column("target"),
                                                              try rows.column("target_note"), try rows.column("sort_order"), try rows.column("responsible_unit_id"))
        return try rows.map { row in
            Share(indicatorID: try row.requiredInt(indicator), regionID: try row.requiredInt(region), target: try row.double(target),
                  targetNote: try row.string(note), sortOrder: try row.requiredInt(sort), unitID: try row.int(unit))
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
        return try reportRows(rows)
    }
}

extension TableRows {
    /// Each bottom share's latest submitted figure at or before `month` (figures are cumulative),
    /// found through the stored figures: a bottom share's stored row for the month names the
    /// month its figure was carried from (`carried_from`, else the month itself), so each share
    /// costs one lookup instead of a read of every month. (Shares decomposed further may come
    /// with their own report of the month; they are not bottom shares.)
    static func latestFigures(indicatorIDs: [Int], through month: Int, on db: any Database) async throws -> [Figure] {
        guard !indicatorIDs.isEmpty, (1...12).contains(month) else { return [] }
        let count = indicatorIDs.count
        let rows = try await read({ mark in
            "SELECT r.indicator_id, r.region_id, r.month, r.quantity, r.progress, r.note FROM \(FigureStore.schema) f JOIN progress_reports r"
                + " ON r.indicator_id = f.indicator_id AND r.region_id = f.region_id AND r.month = COALESCE(f.carried_from, f.month)"
                + " WHERE f.indicator_id IN (" + marks(mark, from: 1, count: count) + ") AND f.month = \(mark(count + 1)) AND r.state = \(mark(count + 2))"
        }, indicatorIDs.map(Bind.int) + [.int(month), .text(ProgressReport.State.submitted.rawValue)], on: db)
        return try reportRows(rows)
    }
}

extension TableRows {
    /// Rows of submitted figures (indicator_id, region_id, month, quantity, progress, note).
    static func reportRows(_ rows: Rows) throws -> [Figure] {
        let (indicator, region, monthColumn, quantity, progress, note) = (try rows.column("indicator_id"), try rows.column("region_id"), try rows.column("month"),
                                                                          try rows.column("quantity"), try rows.column("progress"), try rows.column("note"))
        return try rows.map { row in
            Figure(indicatorID: try row.requiredInt(indicator), regionID: try row.requiredInt(region), month: try row.requiredInt(monthColumn),
                   quantity: try row.double(quantity), progress: try row.double(progress), note: try row.string(note))
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
        /// 停止实施: the reason, when the indicator is stopped.
        var stopReason: String? = nil
    }

    /// A plan's items, projects and indicators, in the plan's order, as plain rows: one read.
    static func outline(planID: Int, on db: any Database) async throws -> ([OutlineItem], [OutlineProject], [OutlineIndicator]) {
        let rows = try await read({ mark in
            """
            SELECT i.id AS item_id, i.seq AS item_seq, i.name AS item_name, p.id AS project_id, p.seq AS project_seq, p.name AS project_name,
                   p.content, n.id AS indicator_id, n.name AS indicator_name, n.unit_label, n.progress_kind, n.aggregation,
                   n.acceptance_standard, n.stop_reason, u.name AS lead_unit, n.seq AS indicator_seq
            FROM items i LEFT JOIN projects p ON p.item_id = i.id LEFT JOIN indicators n ON n.project_id = p.id
            LEFT JOIN units u ON u.id = n.lead_unit_id
            WHERE i.plan_id = \(mark(1))
            """
        }, [.int(planID)], on: db)
        var items: [Int: OutlineItem] = [:]
        var projects: [Int: OutlineProject] = [:]
        var indicators: [(seq: Int, row: OutlineIndicator)] = []
        let c = (item: try rows.column("item_id"), itemSeq: try rows.column("item_seq"), itemName: try rows.column("item_name"),
                 project: try rows.column("project_id"), projectSeq: try rows.column("project_seq"), projectName: try rows.column("project_name"),
                 content: try rows.column("content"), indicator: try rows.column("indicator_id"), indicatorName: try rows.column("indicator_name"),
                 unitLabel: try rows.column("unit_label"), kind: try rows.column("progress_kind"), rule: try rows.column("aggregation"),
                 standard: try rows.column("acceptance_standard"), lead: try rows.column("lead_unit"), indicatorSeq: try rows.column("indicator_seq"),
                 stop: try rows.column("stop_reason"))
        for row in rows {
            let itemID = try row.requiredInt(c.item)
            items[itemID] = OutlineItem(id: itemID, seq: try row.requiredInt(c.itemSeq), name: try row.requiredString(c.itemName))
            guard let projectID = try row.int(c.project) else { continue }
            projects[projectID] = OutlineProject(id: projectID, itemID: itemID, seq: try row.requiredInt(c.projectSeq), name: try row.requiredString(c.projectName),
                                                 content: try row.string(c.content))
            guard let indicatorID = try row.int(c.indicator) else { continue }
            let kindText = try row.requiredString(c.kind)
            guard let kind = ProgressType(rawValue: kindText) else { throw RowError.wrongType(c.kind.name, expected: "progress kind", found: kindText) }
            let ruleText = try row.requiredString(c.rule)
            indicators.append((try row.requiredInt(c.indicatorSeq), OutlineIndicator(
                id: indicatorID, projectID: projectID, name: try row.requiredString(c.indicatorName), unitLabel: try row.requiredString(c.unitLabel), kind: kind,
                rule: Aggregation(rawValue: ruleText) ?? kind.defaultAggregation, leadUnit: try row.string(c.lead),
                acceptanceStandard: try row.string(c.standard), stopReason: try row.string(c.stop))))
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
        let shares = try await self.shares(indicatorIDs: indicatorIDs, regionIDs: regionIDs, month: (1...12).contains(month) ? month : nil, on: db)
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
        let c = (indicator: try rows.column("indicator_id"), region: try rows.column("region_id"), quantity: try rows.column("quantity"),
                 progress: try rows.column("progress"), status: try rows.column("status"), band: try rows.column("band"),
                 carried: try rows.column("carried_from"), note: try rows.column("note"))
        for row in rows {
            let cell = StoredCell(indicatorID: try row.requiredInt(c.indicator), regionID: try row.requiredInt(c.region), quantity: try row.double(c.quantity),
                                  progress: try row.double(c.progress), status: try row.string(c.status), band: try row.string(c.band),
                                  carriedFrom: try row.int(c.carried), note: try row.string(c.note))
            result[ShareKey(cell.indicatorID, cell.regionID)] = cell
        }
        return result
    }

    /// The stored status and progress of the indicators in the regions, for months 1 through
    /// `through`, in one read: the month-by-month standing the dashboard draws.
    static func storedStandings(indicatorIDs: [Int], regionIDs: [Int], through month: Int, on db: any Database) async throws
        -> [ShareKey: [Int: (status: ProgressStatus?, progress: Decimal?)]] {
        guard !indicatorIDs.isEmpty, !regionIDs.isEmpty, month >= 1 else { return [:] }
        let rows = try await read({ mark in
            "SELECT indicator_id, region_id, month, progress, status FROM \(FigureStore.schema) WHERE month <= \(mark(1))"
                + " AND region_id IN (" + marks(mark, from: 2, count: regionIDs.count) + ")"
                + " AND indicator_id IN (" + marks(mark, from: 2 + regionIDs.count, count: indicatorIDs.count) + ")"
        }, ([min(month, 12)] + regionIDs + indicatorIDs).map(Bind.int), on: db)
        let c = (indicator: try rows.column("indicator_id"), region: try rows.column("region_id"), month: try rows.column("month"),
                 progress: try rows.column("progress"), status: try rows.column("status"))
        var result: [ShareKey: [Int: (status: ProgressStatus?, progress: Decimal?)]] = [:]
        for row in rows {
            let key = ShareKey(try row.requiredInt(c.indicator), try row.requiredInt(c.region))
            result[key, default: [:]][try row.requiredInt(c.month)] = (try row.string(c.status).flatMap(ProgressStatus.init(rawValue:)),
                                                                       try row.double(c.progress).map(Exact.decimal))
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

    /// Runs a query on the database's driver and returns its rows as plain values with their
    /// columns' names. `sql` writes the query given the placeholder for the n-th bind (1-based).
    /// Values are read by name (`Rows.column`, then `Row.int` …): a column that is not there, or
    /// holds another type than the one asked for, is an error, never a silent 0.
    static func read(_ sql: (_ placeholder: (Int) -> String) -> String, _ binds: [Bind], on db: any Database) async throws -> Rows {
        if let sqlite = db as? any SQLiteDatabase {
            let rows = try await rowsOnConnection(sqlite, sql { _ in "?" }, binds.map { bind -> SQLiteData in
                switch bind {
                case .int(let v): return .integer(v)
                case .text(let v): return .text(v)
                }
            })
            return Rows(names: rows.first?.columns.map(\.name) ?? [], cells: rows.map { $0.columns.map { Cell($0.data) } })
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
            let names = Collector<String>()
            try await postgres.query(sql { "$\($0)" }, values) { row in
                var cells: [Cell] = []
                cells.reserveCapacity(8)
                let first = names.isEmpty
                for cell in row {
                    if first { names.append(cell.columnName) }
                    cells.append(try Cell(cell))
                }
                collector.append(cells)
            }.get()
            return Rows(names: names.items, cells: collector.items)
        }
        throw DataError.unsupportedDatabase
    }

    /// The rows of one read and their columns' names.
    struct Rows: Sendable, RandomAccessCollection {
        let names: [String]
        let cells: [[Cell]]

        var startIndex: Int { cells.startIndex }
        var endIndex: Int { cells.endIndex }
        subscript(position: Int) -> Row { Row(cells: cells[position]) }

        /// The column of that name. An empty result names no columns: any name is accepted then
        /// (there is no row to read it from).
        func column(_ name: String) throws -> Column {
            if let index = names.firstIndex(of: name) { return Column(index: index, name: name) }
            guard cells.isEmpty else { throw RowError.noColumn(name, names) }
            return Column(index: -1, name: name)
        }
    }

    /// A column found by name, read by its place in each row.
    struct Column: Sendable {
        let index: Int
        let name: String
    }

    enum RowError: Error, CustomStringConvertible {
        case noColumn(String, [String])
        case wrongType(String, expected: String, found: String)
        case missing(String)

        var description: String {
            switch self {
            case .noColumn(let name, let names): return "no column \(name) among \(names)"
            case .wrongType(let name, let expected, let found): return "column \(name): \(expected) expected, \(found) found"
            case .missing(let name): return "column \(name): a value expected, NULL found"
            }
        }
    }

    /// One row's values, read by column.
    struct Row: Sendable {
        let cells: [Cell]

        /// The integer, nil for NULL; another type is an error.
        func int(_ column: Column) throws -> Int? {
            switch cells[column.index] {
            case .null: return nil
            case .int(let v): return v
            case .double(let v):
                guard let exact = Int(exactly: v) else { throw RowError.wrongType(column.name, expected: "integer", found: "\(v)") }
                return exact
            case .text: throw RowError.wrongType(column.name, expected: "integer", found: "text")
            }
        }

        /// The number, nil for NULL; another type is an error.
        func double(_ column: Column) throws -> Double? {
            switch cells[column.index] {
            case .null: return nil
            case .double(let v): return v
            case .int(let v): return Double(v)
            case .text: throw RowError.wrongType(column.name, expected: "number", found: "text")
            }
        }

        /// The text, nil for NULL; another type is an error.
        func string(_ column: Column) throws -> String? {
            switch cells[column.index] {
            case .null: return nil
            case .text(let v): return v
            case .int, .double: throw RowError.wrongType(column.name, expected: "text", found: "number")
            }
        }

        /// The integer of a column that is never NULL.
        func requiredInt(_ column: Column) throws -> Int {
            guard let value = try int(column) else { throw RowError.missing(column.name) }
            return value
        }

        /// The text of a column that is never NULL.
        func requiredString(_ column: Column) throws -> String {
            guard let value = try string(column) else { throw RowError.missing(column.name) }
            return value
        }
    }

    /// "a,b,c" placeholders for `count` binds starting at bind `first`.
    static func marks(_ placeholder: (Int) -> String, from first: Int, count: Int) -> String {
        (0..<count).map { placeholder(first + $0) }.joined(separator: ",")
    }
}
