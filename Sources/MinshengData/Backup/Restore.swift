import FluentKit
import Foundation
import SQLKit
import ZIPFoundation

/// Restores an archive of `Backup` into an empty instance (`minsheng restore FILE`), on either
/// database whichever the archive came from: an office outgrowing the embedded SQLite moves to
/// PostgreSQL with a backup and a restore.
///
/// The archive is checked before anything is written: its format, the migrations (the instance
/// must be of the same version as the one that made the archive), every table and column. The
/// files go into the files directory first (by content: checked against their names), then every
/// row in one transaction, which first checks that the database holds no data. Should anything
/// fail, the transaction writes nothing and the files it brought are removed again.
public enum Restore {
    public struct Summary: Sendable {
        public var tables: Int
        public var rows: Int
        public var files: Int
        /// Files the backed-up instance's rows named but did not have (listed in the archive).
        public var missingFiles: [String]
        /// Said when the restore committed but a step after it did not complete.
        public var note: String?
    }

    /// Settings that belong to the instance restored into, not to the one backed up: the public
    /// pages' version counts this database's changes (servers compare it with what they saw).
    static let localSettings: Set<String> = ["public_version"]

    /// `scratch`: where the tables and one bundle of files at a time are taken out of the archive
    /// (the target's data directory; the system's temporary directory when nil).
    public static func run(archive path: String, into db: any Database, files: any BlobStore, scratch scratchParent: String? = nil) async throws -> Summary {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ServiceError.invalid(FileManager.default.fileExists(atPath: path) ? "\(path) 不是民生实事管理平台的备份文件（无法作为 ZIP 文件读取）。" : "找不到备份文件 \(path)。")
        }
        // The archive's entries by path, read once (a lookup by path walks the whole directory).
        var entries: [String: Entry] = [:]
        for entry in archive where entries[entry.path] == nil { entries[entry.path] = entry }
        let manifest = try readManifest(archive, entries)
        let schema = try await StoredSchema.read(on: db)
        try check(manifest, against: schema, migrations: try await StoredSchema.migrations(on: db))
        let full = try await nonEmptyTables(manifest, on: db)
        guard full.isEmpty else { throw notEmpty(full) }

        let scratch = (scratchParent.map { $0 + "/" } ?? NSTemporaryDirectory()) + ".minsheng-restore-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var brought: [String] = []
        let rows: Int
        do {
            brought = try restoreFiles(manifest, from: archive, entries: entries, scratch: scratch, into: files)
            // Each table's file is taken out of the archive before the transaction (the archive
            // is read synchronously), then read a line at a time inside it.
            var tablePaths: [String: String] = [:]
            for table in manifest.tables {
                guard let entry = entries[BackupManifest.tablePath(table.name)] else { throw incomplete("缺少数据表 \(table.name)") }
                let target = scratch + "/\(table.name).jsonl"
                _ = try extract(archive, entry, to: target)
                tablePaths[table.name] = target
            }
            let order = try schema.insertionOrder()
            let kind = db.kind
            let paths = tablePaths
            rows = try await db.write { tx in
                let full = try await nonEmptyTables(manifest, on: tx)
                guard full.isEmpty else { throw notEmpty(full) }
                var total = 0
                for table in order {
                    guard let stored = manifest.tables.first(where: { $0.name == table.name }), let path = paths[table.name] else { continue }
                    total += try await insert(stored, into: table, from: path, kind: kind, on: tx)
                }
                if kind == .postgres { try await resetSequences(order, on: tx) }
                return total
            }
        } catch {
            for key in brought { try? files.remove(key) }
            if error is ServiceError { throw error }
            throw ServiceError.invalid("恢复失败，未写入任何数据：\(error.localizedDescription)")
        }
        // Committed: the files now belong to the rows and stay, whatever follows. Figures computed
        // with other rules are recomputed; should that fail, the next start does it.
        var note: String?
        do {
            _ = try await FigureStore.rebuildIfOutdated(on: db)
            try await PublicVersion.publish(on: db)
        } catch {
            note = "数据已全部恢复，但重新计算进度数据未完成（\(error.localizedDescription)）；下次启动服务时将自动重新计算。"
        }
        return Summary(tables: manifest.tables.count, rows: rows, files: manifest.files.count, missingFiles: manifest.missingFiles, note: note)
    }

    static func incomplete(_ what: String) -> ServiceError { .invalid("备份文件不完整或已损坏（\(what)），未写入任何数据。") }

    static func notEmpty(_ tables: [String]) -> ServiceError {
        .invalid("目标实例不是空的（已有数据：\(tables.prefix(8).joined(separator: "、"))\(tables.count > 8 ? " 等" : "")），未写入任何数据。恢复只能写入新建的空实例：请换一个新的数据目录或空数据库，且在恢复之前不要启动服务。")
    }

    static func readManifest(_ archive: Archive, _ entries: [String: Entry]) throws -> BackupManifest {
        guard let entry = entries[BackupManifest.manifestPath] else {
            throw ServiceError.invalid("这不是民生实事管理平台的备份文件（缺少 manifest.json）。")
        }
        guard entry.uncompressedSize < 64 << 20 else { throw incomplete("manifest.json 过大") }
        var data = Data()
        do {
            try checkedExtract(archive, entry) { data.append($0) }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw incomplete("manifest.json 无法读取")
        }
        guard let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data), manifest.format == BackupManifest.formatName else {
            throw ServiceError.invalid("这不是民生实事管理平台的备份文件（manifest.json 格式不对）。")
        }
        guard BackupManifest.readableVersions.contains(manifest.version) else {
            throw ServiceError.invalid("备份文件格式版本为 \(manifest.version)，本程序只能恢复版本 \(BackupManifest.readableVersions.map(String.init).joined(separator: "、"))。")
        }
        return manifest
    }

    /// The archive fits the instance: same migrations, same tables, same columns.
    static func check(_ manifest: BackupManifest, against schema: StoredSchema, migrations: [String]) throws {
        guard Set(manifest.migrations) == Set(migrations) else {
            let older = Set(manifest.migrations).subtracting(migrations).sorted(), newer = Set(migrations).subtracting(manifest.migrations).sorted()
            var detail: [String] = []
            if !older.isEmpty { detail.append("备份有而本实例没有：\(older.joined(separator: "、"))") }
            if !newer.isEmpty { detail.append("本实例有而备份没有：\(newer.joined(separator: "、"))") }
            throw ServiceError.invalid("备份来自另一版本的民生实事管理平台（数据库迁移不同：\(detail.joined(separator: "；"))）。请用与备份时相同的版本恢复，再升级。")
        }
        var problems: [String] = []
        let names = Set(manifest.tables.map(\.name))
        if names.count != manifest.tables.count { problems.append("有数据表重复列出") }
        if Set(manifest.files.map(\.key)).count != manifest.files.count { problems.append("有文件重复列出") }
        for table in manifest.tables {
            guard let target = schema.table(table.name) else { problems.append("本实例没有数据表 \(table.name)"); continue }
            guard table.rows >= 0 else { problems.append("数据表 \(table.name) 的行数无效"); continue }
            let have = Set(target.columns.map(\.name)), want = Set(table.columns.map(\.name))
            if have != want || want.count != table.columns.count {
                problems.append("数据表 \(table.name) 的列不同（备份：\(table.columns.map(\.name).joined(separator: ","))；本实例：\(target.columns.map(\.name).joined(separator: ","))）")
            }
        }
        for table in schema.tables where !names.contains(table.name) { problems.append("备份中没有数据表 \(table.name)") }
        for file in manifest.files where !BackupManifest.isFileKey(file.key) || file.size < 0 { problems.append("文件名 \(file.key.prefix(80)) 无效") }
        guard problems.isEmpty else {
            throw ServiceError.invalid("备份与本实例的数据结构不符，未写入任何数据：" + problems.prefix(10).joined(separator: "；") + (problems.count > 10 ? " 等 \(problems.count) 处" : "") + "。")
        }
    }

    /// The archive's tables that already hold rows here (the instance's own settings aside).
    static func nonEmptyTables(_ manifest: BackupManifest, on db: any Database) async throws -> [String] {
        var full: [String] = []
        for table in manifest.tables {
            // What the instance's own start writes: its secret and its fingerprint, the figures' and
            // pages' versions, the scheduled jobs' last runs.
            let filter = table.name == "instance_settings" ? " WHERE key NOT IN ('secret', 'secret_fingerprint', 'figures_version', 'public_version') AND key NOT LIKE 'job:%'" : ""
            if try await db.sql.raw("SELECT 1 AS n FROM \(ident: table.name)\(unsafeRaw: filter) LIMIT 1").first() != nil { full.append(table.name) }
        }
        return full
    }

    /// Copies the archive's files into the store, each checked against its name; returns the keys
    /// that were new to the store. A bundle is taken out into `scratch` and read from there, one
    /// bundle at a time, in the manifest's order.
    static func restoreFiles(_ manifest: BackupManifest, from archive: Archive, entries: [String: Entry], scratch: String,
                             into files: any BlobStore) throws -> [String] {
        var brought: [String] = []
        do {
            var open: (path: String, archive: Archive, entries: [String: Entry])?
            // One bundle after the other, whatever order a manifest lists its files in.
            let ordered = manifest.files.enumerated().sorted { ($0.element.bundle ?? "", $0.offset) < ($1.element.bundle ?? "", $1.offset) }.map(\.element)
            for file in ordered {
                var source = (archive: archive, entries: entries)
                if let bundle = file.bundle {
                    if open?.path != bundle {
                        guard let entry = entries[bundle] else { throw incomplete("缺少 \(bundle.prefix(80))") }
                        let target = scratch + "/bundle.zip"
                        try? FileManager.default.removeItem(atPath: target)
                        _ = try extract(archive, entry, to: target)
                        guard let inner = try? Archive(url: URL(fileURLWithPath: target), accessMode: .read) else {
                            throw incomplete("\(bundle.prefix(80)) 无法作为 ZIP 文件读取")
                        }
                        var innerEntries: [String: Entry] = [:]
                        for entry in inner where innerEntries[entry.path] == nil { innerEntries[entry.path] = entry }
                        open = (bundle, inner, innerEntries)
                    }
                    if let open { source = (open.archive, open.entries) }
                }
                guard let entry = source.entries[BackupManifest.filePath(file.key)] else { throw incomplete("缺少文件 \(file.key)") }
                guard entry.uncompressedSize == UInt64(file.size) else { throw incomplete("文件 \(file.key) 的大小不符") }
                let writer = try files.begin()
                do {
                    try checkedExtract(source.archive, entry) { chunk in try chunk.withUnsafeBytes { try writer.write($0) } }
                    let key = try writer.finish()
                    guard key == file.key else {
                        if writer.isNew { try? files.remove(key) }
                        throw incomplete("文件 \(file.key) 的内容与其校验值不符")
                    }
                    if writer.isNew { brought.append(key) }
                } catch {
                    writer.abort()
                    throw error
                }
            }
        } catch {
            for key in brought { try? files.remove(key) }
            if error is ServiceError { throw error }
            throw incomplete("文件无法读取：\(error.localizedDescription)")
        }
        return brought
    }

    /// Extracts an entry to a file, returning its size.
    static func extract(_ archive: Archive, _ entry: Entry, to path: String) throws -> UInt64 {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw ServiceError.invalid("无法创建临时文件 \(path)。") }
        defer { try? handle.close() }
        var size: UInt64 = 0
        do {
            try checkedExtract(archive, entry) { chunk in
                try handle.write(contentsOf: chunk)
                size += UInt64(chunk.count)
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw incomplete("\(entry.path) 无法读取")
        }
        return size
    }

    /// Extracts an entry, refusing more bytes than its header declares (a forged header cannot
    /// fill the disk) and content whose checksum is not the header's (ZIPFoundation hands the
    /// checksum back without comparing it).
    static func checkedExtract(_ archive: Archive, _ entry: Entry, _ consumer: (Data) throws -> Void) throws {
        var seen: UInt64 = 0
        let declared = entry.uncompressedSize
        let crc = try archive.extract(entry, skipCRC32: false) { chunk in
            seen += UInt64(chunk.count)
            guard seen <= declared else { throw incomplete("\(entry.path) 的内容超过其登记的大小") }
            try consumer(chunk)
        }
        guard seen == declared, crc == entry.checksum else { throw incomplete("\(entry.path) 的校验和不符") }
    }

    /// Inserts a table's rows from its file; the count must be the manifest's.
    static func insert(_ stored: BackupManifest.Table, into table: StoredSchema.Table, from path: String, kind: DatabaseKind, on db: any Database) async throws -> Int {
        let targetKinds = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0.kind) })
        let columns = stored.columns
        let isSettings = table.name == "instance_settings"
        let keyIndex = columns.firstIndex { $0.name == "key" }
        var lines = try LineFile(path: path)
        var number = 0
        var batch: [[any SQLExpression]] = []
        let perStatement = max(1, min(500, 20_000 / max(1, columns.count)))
        var pending: [[BackupCell]] = []
        var ids: [Int64: Int] = [:]
        let selfReference = table.selfReference.flatMap { name in columns.firstIndex { $0.name == name } }
        let idIndex = columns.firstIndex { $0.name == "id" }

        func flush() async throws {
            guard !batch.isEmpty else { return }
            var insert = try db.sql.insert(into: table.name).columns(columns.map(\.name))
            for row in batch { insert = insert.values(row) }
            try await insert.run()
            batch.removeAll(keepingCapacity: true)
        }
        func add(_ cells: [BackupCell], line: Int) async throws {
            batch.append(try zip(cells, columns).map { cell, column in
                try expression(cell, from: column.kind, into: targetKinds[column.name] ?? column.kind, kind: kind, table: table.name, column: column.name, line: line)
            })
            if batch.count >= perStatement { try await flush() }
        }

        // The target's own secret fingerprint goes: the secret comes from the archive, and with it
        // the archive's fingerprint if it has one (else the next start records it afresh).
        if isSettings { try await db.sql.raw("DELETE FROM instance_settings WHERE key = 'secret_fingerprint'").run() }
        while let line = try lines.next() {
            number += 1
            if line.isEmpty { throw incomplete("数据表 \(table.name) 第 \(number) 行为空") }
            let cells = try BackupCell.parse(line, columns: columns, table: table.name, number: number)
            if isSettings, let keyIndex, case .text(let key) = cells[keyIndex] {
                if localSettings.contains(key) { continue }
                // The archive's setting replaces the one this instance's migrations made.
                try await db.sql.raw("DELETE FROM instance_settings WHERE key = \(bind: key)").run()
            }
            // A table that refers to itself (a region's parent) takes each row after the row it names.
            if selfReference != nil, idIndex != nil {
                pending.append(cells)
                continue
            }
            try await add(cells, line: number)
        }
        guard number == stored.rows else { throw incomplete("数据表 \(table.name) 应有 \(stored.rows) 行，实有 \(number) 行") }
        if let selfReference, let idIndex {
            for (index, cells) in pending.enumerated() { if case .int(let id) = cells[idIndex] { ids[id] = index } }
            // Parents before children (Kahn's order over the rows); rows whose parent is not in the
            // table keep their place; rows left over form a cycle.
            var children: [Int: [Int]] = [:]
            var ready: [Int] = []
            for (index, cells) in pending.enumerated() {
                if case .int(let parent) = cells[selfReference], let parentIndex = ids[parent], parentIndex != index {
                    children[parentIndex, default: []].append(index)
                } else {
                    ready.append(index)
                }
            }
            var order: [Int] = []
            order.reserveCapacity(pending.count)
            var next = 0
            while next < ready.count {
                let index = ready[next]
                next += 1
                order.append(index)
                ready.append(contentsOf: children[index] ?? [])
            }
            guard order.count == pending.count else { throw incomplete("数据表 \(table.name) 的上下级关系构成循环") }
            for index in order { try await add(pending[index], line: index + 1) }
        }
        try await flush()
        return number
    }

    /// A value from the archive as the target column takes it. A moment moves between SQLite's
    /// seconds (`real`) and PostgreSQL's `timestamptz` (`time`, microseconds) exactly to the
    /// microsecond.
    static func expression(_ cell: BackupCell, from source: StoredSchema.Kind, into target: StoredSchema.Kind, kind: DatabaseKind,
                           table: String, column: String, line: Int) throws -> any SQLExpression {
        func refuse() -> ServiceError { .invalid("备份文件中数据表 \(table) 第 \(line) 行的列 \(column) 无法写入本实例（\(source.label)→\(target.label)）。") }
        switch (cell, target) {
        case (.null, _): return SQLLiteral.null
        case (.int(let v), .int): return SQLBind(v)
        case (.bool(let v), .int): return SQLBind(Int64(v ? 1 : 0))
        case (.bool(let v), .bool): return SQLBind(v)
        case (.int(let v), .bool) where v == 0 || v == 1: return SQLBind(v == 1)
        case (.text(let v), .text): return SQLBind(v)
        case (.real(let v), .real): return SQLBind(v)
        case (.int(let v), .real): return SQLBind(source == .time ? Double(v) / 1_000_000 : Double(v))
        case (.int(let v), .time) where source == .time: return timestamp(microseconds: v)
        case (.real(let v), .time) where v.isFinite && abs(v) < 1e11: return timestamp(microseconds: Int64((v * 1_000_000).rounded()))
        default: throw refuse()
        }
    }

    /// A PostgreSQL `timestamptz` from microseconds since 1970, in integer arithmetic.
    static func timestamp(microseconds: Int64) -> any SQLExpression {
        SQLQueryString("(TIMESTAMP WITH TIME ZONE 'epoch' + \(bind: microseconds) * INTERVAL '1 microsecond')")
    }

    /// After rows were inserted with their own numbers, each table's sequence continues after
    /// the highest (else the next insert would take a number in use).
    static func resetSequences(_ tables: [StoredSchema.Table], on db: any Database) async throws {
        for table in tables where table.columns.contains(where: { $0.name == "id" && $0.kind == .int }) {
            guard let row = try await db.sql.raw("SELECT pg_get_serial_sequence(\(bind: Backup.quoted(table.name)), 'id') AS s").first(),
                  let sequence = try row.decode(column: "s", as: String?.self) else { continue }
            try await db.sql.raw("SELECT setval(\(bind: sequence)::regclass, COALESCE((SELECT MAX(id) FROM \(ident: table.name)), 0) + 1, false)").run()
        }
    }
}

/// A file's lines, read in large pieces.
struct LineFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The longest line accepted (a row with a long note is far below it).
    static let longest = 64 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ServiceError.invalid("无法读取临时文件 \(path)。") }
        self.handle = handle
    }

    /// The next line without its line break, or nil at the end.
    mutating func next() throws -> Data? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Data(buffer[start..<newline])
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { try? handle.close(); return nil }
                let line = Data(buffer[start...])
                start = buffer.count
                return line
            }
            guard buffer.count - start < Self.longest else { throw Restore.incomplete("有一行超过 \(Self.longest >> 20) MB") }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
