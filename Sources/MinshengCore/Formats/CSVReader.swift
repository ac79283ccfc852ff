/// Reads RFC 4180 CSV: quoted fields, doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF line ends, and a leading UTF-8 byte-order mark.
public enum CSVReader {
    public struct Malformed: Error, Sendable, Equatable {
        /// 1-based line where the problem was found.
        public var line: Int
        public var reason: String
    }

    public static func rows(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; afterQuote = true; pending = n }
                    } else {
                        inQuotes = false; afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                fallthrough
            case "\n":
                row.append(field); field = ""; afterQuote = false
                rows.append(row); row = []
                line += 1
            case "\"":
                if field.isEmpty && !afterQuote {
                    inQuotes = true
                } else {
                    throw Malformed(line: line, reason: "引号位置不正确：字段中的引号需写成两个连续的引号，且整个字段用引号括起。")
                }
            default:
                if afterQuote {
                    throw Malformed(line: line, reason: "引号后出现了多余的字符。")
                }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw Malformed(line: line, reason: "引号未闭合，文件可能不完整。") }
        if !field.isEmpty || !row.isEmpty || afterQuote {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Writes one row, quoting fields that need it.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",")
    }
}
