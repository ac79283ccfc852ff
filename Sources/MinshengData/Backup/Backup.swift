import FluentKit
import Foundation
import SQLKit
import ZIPFoundation

/// Writes one consistent archive of the database and its files while the server runs
/// (`minsheng backup --output FILE`; the format is `BackupManifest`'s).
///
/// Every table is read in one transaction on one connection: on PostgreSQL `REPEATABLE READ`
/// (one snapshot for all tables), on SQLite one read transaction (in write-ahead-log mode it
/// sees the file as of its first read, whatever is committed meanwhile). Files are copied after
/// the rows: a file is stored before the row naming it commits and is never removed, so every
/// file the snapshot names is there.
public enum Backup {
    public struct Summary: Sendable {
        public var tables: Int
        public var rows: Int
        public var files: Int
        public var fileBytes: Int
        public var missingFiles: [String]
    }

    /// Writes the archive to `output` (through a temporary name beside it, renamed at the end:
    /// a backup that fails leaves nothing under `output`).
    public static func write(from db: any Database, files: any BlobStore, to output: String) async throws -> Summary {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: output) else { throw ServiceError.invalid("文件 \(output) 已存在：请指定新的备份文件名，或先移走旧文件。") }
        let directory = (output as NSString).deletingLastPathComponent
        guard manager.fileExists(atPath: directory.isEmpty ? "." : directory) else { throw ServiceError.invalid("目录 \(directory) 不存在。") }
        let staging = (directory.isEmpty ? "." : directory) + "/.minsheng-backup-\(UUID().uuidString)"
        try manager.createDirectory(atPath: staging + "/tables", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? manager.removeItem(atPath: staging) }

        let manifest = try await snapshot(of: db) { db in try await dump(db, into: staging + "/tables") }
        var missing: [String] = []
        var entries: [(key: String, path: String, size: Int)] = []
        for key in manifest.keys.sorted() {
            guard let path = files.path(for: key), let size = (try? manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue else {
                missing.append(key)
                continue
            }
            entries.append((key, path, size))
        }
        let header = BackupManifest(format: BackupManifest.formatName, version: BackupManifest.currentVersion,
                                    createdAt: ISO8601DateFormatter().string(from: Date()), database: db.kind == .postgres ? "postgresql" : "sqlite",
                                    migrations: manifest.migrations, tables: manifest.tables,
                                    files: zip(entries, BackupManifest.bundles(forSizes: entries.map(\.size))).map { entry, bundle in
                                        BackupManifest.File(key: entry.key, size: entry.size, bundle: bundle)
                                    }, missingFiles: missing)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(header).write(to: URL(fileURLWithPath: staging + "/" + BackupManifest.manifestPath))

        let partial = staging + "/archive.zip"
        do {
            let archive = try Archive(url: URL(fileURLWithPath: partial), accessMode: .create)
            try archive.addEntry(with: BackupManifest.manifestPath, fileURL: URL(fileURLWithPath: staging + "/" + BackupManifest.manifestPath), compressionMethod: .deflate)
            for table in header.tables {
                try archive.addEntry(with: BackupManifest.tablePath(table.name), fileURL: URL(fileURLWithPath: staging + "/tables/\(table.name).jsonl"),
                                     compressionMethod: .deflate)
            }
            // Evidence is mostly photographs and PDF files, already compressed. Each bundle is
            // made beside the archive, added to it whole and removed.
            let bundlePath = staging + "/bundle.zip"
            var start = 0
            while start < entries.count {
                let name = header.files[start].bundle ?? ""
                var end = start
                while end < entries.count, header.files[end].bundle == name { end += 1 }
                let bundle = try Archive(url: URL(fileURLWithPath: bundlePath), accessMode: .create)
                for entry in entries[start..<end] {
                    try bundle.addEntry(with: BackupManifest.filePath(entry.key), fileURL: URL(fileURLWithPath: entry.path), compressionMethod: .none)
                }
                try archive.addEntry(with: name, fileURL: URL(fileURLWithPath: bundlePath), compressionMethod: .none)
                try manager.removeItem(atPath: bundlePath)
                start = end
            }
        } catch {
            throw ServiceError.invalid("写入备份文件失败：\(error.localizedDescription)")
        }
        try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
        do {
            try manager.moveItem(atPath: partial, toPath: output)
        } catch {
            throw ServiceError.invalid("无法写入 \(output)：\(error.localizedDescription)")
        }
        return Summary(tables: header.tables.count, rows: header.tables.reduce(0) { $0 + $1.rows }, files: entries.count,
                       fileBytes: entries.reduce(0) { $0 + $1.size }, missingFiles: missing)
    }

    /// What the snapshot read: the migrations, the tables and the files the rows name.
    struct Dump: Sendable {
        var migrations: [String]
        var tables: [BackupManifest.Table]
        var keys: Set<String>
    }

    /// Runs `body` in one read-only transaction that sees one state of the whole database.
    static func snapshot<T: Sendable>(of db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch db.kind {
        case .postgres:
            return try await db.transaction { tx in
                try await tx.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
                return try await body(tx)
            }
        default:
            return try await db.withConnection { connection in try await connection.transaction { tx in try await body(tx) } }
        }
    }

    static func dump(_ db: any Database, into directory: String) async throws -> Dump {
        let schema = try await StoredSchema.read(on: db)
        let migrations = try await StoredSchema.migrations(on: db)
        var tables: [BackupManifest.Table] = []
        let keys = TableFile.Keys()
        for table in schema.tables {
            let out = try TableFile(path: "\(directory)/\(table.name).jsonl")
            let keyColumn = table.columns.firstIndex { $0.name == "blob_key" && $0.kind == .text }
            let rows = try await readRows(of: table, on: db) { cells in
                try out.append(BackupCell.line(cells))
                if let keyColumn, case .text(let key) = cells[keyColumn] { keys.insert(key) }
            }
            try out.close()
            tables.append(BackupManifest.Table(name: table.name, columns: table.columns, rows: rows))
        }
        return Dump(migrations: migrations, tables: tables, keys: keys.all)
    }

    /// Reads every row of a table, in the order of its `id` when it has one, and hands each to
    /// `row` as the archive's values. A value that does not match its column's type is an error.
    static func readRows(of table: StoredSchema.Table, on db: any Database, _ row: @escaping @Sendable ([BackupCell]) throws -> Void) async throws -> Int {
        let postgres = db.kind == .postgres
        let select = table.columns.map { column -> String in
            let name = quoted(column.name)
            return postgres && column.kind == .time ? "(EXTRACT(EPOCH FROM \(name)) * 1000000)::bigint AS \(name)" : name
        }.joined(separator: ", ")
        let order = table.columns.contains { $0.name == "id" } ? "\"id\"" : (1...max(1, table.columns.count)).map(String.init).joined(separator: ", ")
        let reader = RowReader(table: table, row: row)
        try await db.sql.raw("SELECT \(unsafeRaw: select) FROM \(ident: table.name) ORDER BY \(unsafeRaw: order)").run { reader.take($0) }
        return try reader.finish()
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Converts the driver's rows; the first failure stops the rest and is thrown at the end.
    final class RowReader: @unchecked Sendable {
        private let table: StoredSchema.Table
        private let row: @Sendable ([BackupCell]) throws -> Void
        private let lock = NSLock()
        private var count = 0
        private var failure: (any Error)?

        init(table: StoredSchema.Table, row: @escaping @Sendable ([BackupCell]) throws -> Void) {
            self.table = table
            self.row = row
        }

        func take(_ sqlRow: any SQLRow) {
            lock.lock(); defer { lock.unlock() }
            guard failure == nil else { return }
            count += 1
            do {
                try row(try table.columns.map { column in
                    do {
                        if try sqlRow.decodeNil(column: column.name) { return .null }
                        switch column.kind {
                        case .int, .time: return .int(try sqlRow.decode(column: column.name, as: Int64.self))
                        case .real: return .real(try sqlRow.decode(column: column.name, as: Double.self))
                        case .text: return .text(try sqlRow.decode(column: column.name, as: String.self))
                        case .bool: return .bool(try sqlRow.decode(column: column.name, as: Bool.self))
                        }
                    } catch let error as ServiceError {
                        throw error
                    } catch {
                        throw ServiceError.invalid("数据表 \(table.name) 第 \(count) 行的列 \(column.name) 不是\(column.kind.label)，无法备份。")
                    }
                })
            } catch {
                failure = error
            }
        }

        func finish() throws -> Int {
            lock.lock(); defer { lock.unlock() }
            if let failure { throw failure }
            return count
        }
    }

    /// A table file written in large pieces.
    final class TableFile: @unchecked Sendable {
        /// The stored files the rows name.
        final class Keys: @unchecked Sendable {
            private let lock = NSLock()
            private var keys: Set<String> = []
            func insert(_ key: String) { lock.withLock { _ = keys.insert(key) } }
            var all: Set<String> { lock.withLock { keys } }
        }

        private let handle: FileHandle
        private var buffer = Data()

        init(path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: path) else { throw ServiceError.invalid("无法创建临时文件 \(path)。") }
            self.handle = handle
            buffer.reserveCapacity(1 << 20)
        }

        func append(_ line: String) throws {
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { try flush() }
        }

        private func flush() throws {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        func close() throws {
            try flush()
            try handle.close()
        }
    }
}

extension StoredSchema.Kind {
    /// The kind's name in messages.
    var label: String {
        switch self {
        case .int: return "整数"
        case .real: return "数值"
        case .text: return "文本"
        case .bool: return "是/否值"
        case .time: return "时间"
        }
    }
}
