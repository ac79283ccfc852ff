import Foundation

/// The archive `minsheng backup` writes and `minsheng restore` reads: a ZIP file holding
///
/// - `manifest.json` — `BackupManifest`: the format and its version, when and from which kind of
///   database it was made, the migrations that database had run, every table with its columns
///   (name and kind) and its row count, and every stored file with its size;
/// - `tables/<table>.jsonl` — one line per row, a JSON array of the row's values in the manifest's
///   column order: `null`, a number (`int`; `real`, where `"NaN"`, `"Infinity"` and `"-Infinity"`
///   stand for the values JSON cannot write; `time`: microseconds since 1970-01-01 UTC), a string
///   (`text`) or `true`/`false` (`bool`);
/// - `bundles/<nnnnnn>.zip` — the evidence and disclosure files the tables name, up to
///   `filesPerBundle` files or `bytesPerBundle` bytes in each inner ZIP archive, each as `files/<sha256>` (its content's hash);
///   the manifest names each file's bundle. (ZIPFoundation rewrites an archive's whole central
///   directory with each entry it adds, so one archive of 100,000 files took time in the square of
///   their number; bundles keep the backup linear.) Version 1 archives held the files as
///   `files/<sha256>` in the archive itself, which a file without a bundle still means.
public struct BackupManifest: Codable, Sendable {
    public static let formatName = "minsheng-backup"
    public static let currentVersion = 2
    /// The versions `Restore` reads.
    public static let readableVersions = 1...2
    /// A bundle holds at most this many files, and is closed once it holds this many bytes (a
    /// restore takes one bundle out at a time into its scratch directory).
    public static let filesPerBundle = 1000
    public static let bytesPerBundle = 256 << 20

    /// The bundle of each file, in order: a new one when the current one is full.
    public static func bundles(forSizes sizes: [Int]) -> [String] {
        var number = 1, count = 0, bytes = 0
        return sizes.map { size in
            if count > 0, count >= filesPerBundle || bytes + size > bytesPerBundle {
                number += 1
                count = 0
                bytes = 0
            }
            count += 1
            bytes += size
            return bundlePath(number)
        }
    }

    public struct Table: Codable, Sendable {
        public var name: String
        public var columns: [StoredSchema.Column]
        public var rows: Int
    }

    public struct File: Codable, Sendable {
        public var key: String
        public var size: Int
        /// The inner archive holding the file (`bundles/<nnnnnn>.zip`); nil: `files/<key>` in the
        /// archive itself (version 1).
        public var bundle: String?
    }

    public var format: String
    public var version: Int
    public var createdAt: String
    /// `sqlite` or `postgresql`.
    public var database: String
    public var migrations: [String]
    public var tables: [Table]
    public var files: [File]
    /// Files the tables name that were not in the files directory when the backup was made.
    public var missingFiles: [String]

    public static func tablePath(_ name: String) -> String { "tables/\(name).jsonl" }
    public static func filePath(_ key: String) -> String { "files/\(key)" }
    public static func bundlePath(_ number: Int) -> String { "bundles/" + String(format: "%06d", number) + ".zip" }
    public static let manifestPath = "manifest.json"

    /// Whether a key is a stored file's name (64 lowercase hexadecimal digits).
    public static func isFileKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// One value of a row in an archive.
public enum BackupCell: Sendable, Equatable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)

    /// A row as its line in a table file (without the line break).
    public static func line(_ cells: [BackupCell]) -> String {
        var out = "["
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(",") }
            switch cell {
            case .null: out.append("null")
            case .int(let v): out.append(String(v))
            case .real(let v):
                if v.isNaN { out.append("\"NaN\"") } else if v.isInfinite { out.append(v < 0 ? "\"-Infinity\"" : "\"Infinity\"") } else { out.append(v.description) }
            case .bool(let v): out.append(v ? "true" : "false")
            case .text(let v): appendString(v, to: &out)
            }
        }
        out.append("]")
        return out
    }

    static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out.append(String(format: "\\u%04x", scalar.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    /// Reads a table file's line, checking each value against its column's kind.
    public static func parse(_ line: Data, columns: [StoredSchema.Column], table: String, number: Int) throws -> [BackupCell] {
        func refuse(_ why: String) -> ServiceError { .invalid("备份文件中数据表 \(table) 的第 \(number) 行\(why)。") }
        var parser = LineParser(Array(line))
        guard let values = parser.array() else { throw refuse("不是有效的 JSON 数组") }
        guard values.count == columns.count else { throw refuse("有 \(values.count) 个值，应为 \(columns.count) 个") }
        return try zip(values, columns).map { value, column in
            switch (value, column.kind) {
            case (.null, _): return .null
            case (.text(let text), .text): return .text(text)
            case (.text("NaN"), .real): return .real(.nan)
            case (.text("Infinity"), .real): return .real(.infinity)
            case (.text("-Infinity"), .real): return .real(-.infinity)
            case (.real(let v), .real): return .real(v)
            case (.int(let v), .real): return .real(Double(v))
            case (.int(let v), .int), (.int(let v), .time): return .int(v)
            case (.bool(let v), .bool): return .bool(v)
            case (_, .text): throw refuse("的列 \(column.name) 应为文本")
            case (_, .real): throw refuse("的列 \(column.name) 应为数值")
            case (_, .int), (_, .time): throw refuse("的列 \(column.name) 应为整数")
            case (_, .bool): throw refuse("的列 \(column.name) 应为 true 或 false")
            }
        }
    }
}

/// A JSON array of scalars (the only thing a table file's line holds), read exactly: an integer
/// as `Int64`, a number with a fraction or an exponent as `Double`.
struct LineParser {
    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func array() -> [BackupCell]? {
        skipSpace()
        guard take(0x5B) else { return nil }
        var values: [BackupCell] = []
        skipSpace()
        if take(0x5D) { return end() ? values : nil }
        while true {
            skipSpace()
            guard let value = scalar() else { return nil }
            values.append(value)
            skipSpace()
            if take(0x2C) { continue }
            guard take(0x5D) else { return nil }
            return end() ? values : nil
        }
    }

    private mutating func end() -> Bool {
        skipSpace()
        return at == bytes.count
    }

    private mutating func skipSpace() {
        while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    private mutating func word(_ text: String) -> Bool {
        let word = Array(text.utf8)
        guard at + word.count <= bytes.count, Array(bytes[at..<at + word.count]) == word else { return false }
        at += word.count
        return true
    }

    private mutating func scalar() -> BackupCell? {
        guard at < bytes.count else { return nil }
        switch bytes[at] {
        case 0x6E: return word("null") ? .null : nil
        case 0x74: return word("true") ? .bool(true) : nil
        case 0x66: return word("false") ? .bool(false) : nil
        case 0x22: return string().map { .text($0) }
        default: return number()
        }
    }

    private mutating func number() -> BackupCell? {
        let start = at
        var fraction = false
        while at < bytes.count {
            let byte = bytes[at]
            if (0x30...0x39).contains(byte) || byte == 0x2D { at += 1; continue }
            if byte == 0x2E || byte == 0x65 || byte == 0x45 || byte == 0x2B { fraction = true; at += 1; continue }
            break
        }
        guard at > start, let text = String(bytes: bytes[start..<at], encoding: .ascii) else { return nil }
        if fraction { return Double(text).map { .real($0) } }
        return Int64(text).map { .int($0) }
    }

    private mutating func string() -> String? {
        at += 1
        var scalars = String.UnicodeScalarView()
        var run = at
        func flush(_ end: Int) -> Bool {
            guard end > run else { return true }
            guard let text = String(bytes: bytes[run..<end], encoding: .utf8) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            return true
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte == 0x22 {
                guard flush(at) else { return nil }
                at += 1
                return String(scalars)
            }
            if byte < 0x20 { return nil }
            guard byte == 0x5C else { at += 1; continue }
            guard flush(at), at + 1 < bytes.count else { return nil }
            let escape = bytes[at + 1]
            at += 2
            switch escape {
            case 0x22: scalars.append("\"")
            case 0x5C: scalars.append("\\")
            case 0x2F: scalars.append("/")
            case 0x62: scalars.append("\u{08}")
            case 0x66: scalars.append("\u{0C}")
            case 0x6E: scalars.append("\n")
            case 0x72: scalars.append("\r")
            case 0x74: scalars.append("\t")
            case 0x75:
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code) {
                    guard word("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                scalars.append(scalar)
            default: return nil
            }
            run = at
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count, let text = String(bytes: bytes[at..<at + 4], encoding: .ascii), let value = UInt32(text, radix: 16) else { return nil }
        at += 4
        return value
    }
}
