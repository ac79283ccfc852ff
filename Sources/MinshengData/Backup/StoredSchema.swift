import FluentKit
import Foundation
import SQLKit

/// The tables of a database as the backup sees them, read from the database itself (SQLite's
/// `PRAGMA`s, PostgreSQL's `information_schema`), so that a table or column added by a later
/// migration is backed up without a change here.
public struct StoredSchema: Sendable {
    /// How a column's values are written into an archive. SQLite keeps a moment as seconds since
    /// 1970 in a REAL column, so on SQLite a moment is `real`; PostgreSQL's `timestamptz` is
    /// `time` (microseconds since 1970, exact). Restoring converts between the two.
    public enum Kind: String, Codable, Sendable {
        case int, real, text, bool, time
    }

    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        public var kind: Kind
    }

    public struct Table: Sendable {
        public var name: String
        public var columns: [Column]
        /// Tables this one refers to by foreign key, with the referring column.
        public var references: [(column: String, table: String)]

        /// The column naming the table's own rows, when it refers to itself (a region's parent).
        var selfReference: String? { references.first { $0.table == name }?.column }
    }

    /// Tables not backed up: sign-in sessions and challenge tokens (they do not survive a move),
    /// sign-in counters, the SQLite writers' gate row, and Fluent's own bookkeeping (the archive
    /// records the migrations instead).
    public static let excluded: Set<String> = ["sessions", "_fluent_sessions", "challenge_tokens", "login_attempts", "write_gate", "_fluent_migrations"]

    public var tables: [Table]

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }

    /// Reads the schema of every table except the excluded ones, by name.
    public static func read(on db: any Database) async throws -> StoredSchema {
        let sql = try db.sql
        var tables: [Table] = []
        switch db.kind {
        case .sqlite:
            let names = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
                .map { try $0.decode(column: "name", as: String.self) }
            for name in names where !excluded.contains(name) {
                let columns = try await sql.raw("PRAGMA table_info(\(ident: name))").all().map { row in
                    let column = try row.decode(column: "name", as: String.self)
                    return Column(name: column, kind: try sqliteKind(try row.decode(column: "type", as: String.self), table: name, column: column))
                }
                let references = try await sql.raw("PRAGMA foreign_key_list(\(ident: name))").all().map { row in
                    (column: try row.decode(column: "from", as: String.self), table: try row.decode(column: "table", as: String.self))
                }
                tables.append(Table(name: name, columns: columns, references: references))
            }
        case .postgres:
            let names = try await sql.raw("""
                SELECT table_name::text AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """).all().map { try $0.decode(column: "name", as: String.self) }
            var columns: [String: [Column]] = [:]
            for row in try await sql.raw("""
                SELECT table_name::text AS t, column_name::text AS c, data_type::text AS type FROM information_schema.columns
                WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
                """).all() {
                let table = try row.decode(column: "t", as: String.self), column = try row.decode(column: "c", as: String.self)
                guard !excluded.contains(table) else { continue }
                columns[table, default: []].append(Column(name: column, kind: try postgresKind(try row.decode(column: "type", as: String.self), table: table, column: column)))
            }
            // Foreign keys from the catalogue (information_schema shows only tables the role owns).
            var references: [String: [(column: String, table: String)]] = [:]
            for row in try await sql.raw("""
                SELECT c.conrelid::regclass::text AS t, a.attname::text AS c, c.confrelid::regclass::text AS r
                FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """).all() {
                references[try row.decode(column: "t", as: String.self), default: []]
                    .append((try row.decode(column: "c", as: String.self), try row.decode(column: "r", as: String.self)))
            }
            for name in names where !excluded.contains(name) {
                tables.append(Table(name: name, columns: columns[name] ?? [], references: references[name] ?? []))
            }
        case .other:
            throw ServiceError.invalid("备份只支持 SQLite 和 PostgreSQL 数据库。")
        }
        return StoredSchema(tables: tables)
    }

    /// The migrations the database has run, by name.
    public static func migrations(on db: any Database) async throws -> [String] {
        try await db.sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, name").all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// The tables in an order where every table comes after the tables it refers to.
    public func insertionOrder() throws -> [Table] {
        var placed: Set<String> = []
        var order: [Table] = []
        var rest = tables
        while !rest.isEmpty {
            let ready = rest.filter { table in table.references.allSatisfy { $0.table == table.name || placed.contains($0.table) || self.table($0.table) == nil } }
            guard !ready.isEmpty else {
                throw ServiceError.invalid("数据表之间的外键构成循环（\(rest.map(\.name).joined(separator: "、"))），无法确定恢复顺序。")
            }
            for table in ready { placed.insert(table.name); order.append(table) }
            rest.removeAll { placed.contains($0.name) }
        }
        return order
    }

    static func sqliteKind(_ declared: String, table: String, column: String) throws -> Kind {
        let type = declared.uppercased()
        if type.contains("INT") { return .int }
        if type.contains("BOOL") { return .bool }
        if type.contains("CHAR") || type.contains("TEXT") || type.contains("CLOB") || type.contains("JSON") { return .text }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return .real }
        throw ServiceError.invalid("数据表 \(table) 的列 \(column) 类型为“\(declared)”，备份不支持这种类型。")
    }

    static func postgresKind(_ type: String, table: String, column: String) throws -> Kind {
        switch type {
        case "bigint", "integer", "smallint": return .int
        case "double precision", "real": return .real
        case "text", "character varying", "character": return .text
        case "boolean": return .bool
        case "timestamp with time zone": return .time
        default: throw ServiceError.invalid("数据表 \(table) 的列 \(column) 类型为“\(type)”，备份不支持这种类型。")
        }
    }
}
