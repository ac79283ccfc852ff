/// One reason an import file is refused, naming where in the file, in Chinese.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based row number as a spreadsheet shows it (the header is row 1); nil for the whole file.
    public var row: Int?
    public var column: String?
    public var reason: String

    public init(row: Int?, column: String?, reason: String) {
        self.row = row
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var parts: [String] = []
        if let row { parts.append("第 \(row) 行") }
        if let column { parts.append("“\(column)”列") }
        return parts.isEmpty ? reason : parts.joined(separator: "，") + "：" + reason
    }
}

/// All the problems found in a file; nothing is written when there is any.
public struct ImportRefusal: Error, Sendable, Equatable {
    public var problems: [ImportProblem]
    public init(_ problems: [ImportProblem]) { self.problems = problems }
}

extension String {
    /// Cell text as an error message repeats it: at most `limit` characters, then "…", so that a
    /// hostile or runaway cell cannot fill the page with its own text.
    public func echoed(_ limit: Int = 40) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }
}
