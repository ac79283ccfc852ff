import Foundation

/// The plan exchange format (normative):
/// `级别,实事序号,实事名称,项目名称,指标任务,单位,进度类型,汇总方式,牵头单位,行政区划,目标任务`,
/// one row per indicator × region, optionally followed by `责任单位,验收标准` (the region's
/// responsible unit; the indicator's acceptance standard, the same on each of its rows). A file
/// without the two columns leaves the units and standards as they are; a file with them sets
/// them, an empty cell clearing one.
public enum PlanFile {
    public static let header = ["级别", "实事序号", "实事名称", "项目名称", "指标任务", "单位", "进度类型", "汇总方式", "牵头单位", "行政区划", "目标任务"]
    /// The optional columns after `header`.
    public static let optionalColumns = ["责任单位", "验收标准"]
    /// The header with the optional columns: what an export writes.
    public static let fullHeader = header + optionalColumns
    /// The longest 验收标准 a cell may hold (other cells: 500 characters).
    public static let maxStandard = 2000
    /// Region names that stand for the importing region's own target.
    public static let aggregateNames: Set<String> = ["全省", "全市", "全县", "合计"]

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var level: PlanLevel
        public var itemSeq: Int
        public var itemName: String
        public var projectName: String
        public var indicatorName: String
        public var unitLabel: String
        public var kind: ProgressType
        public var rule: Aggregation
        public var leadUnit: String?
        public var region: String
        public var target: Double?
        public var targetNote: String?
        /// The file has the optional columns: the unit and the standard below are meant, even when empty.
        public var carriesUnits = false
        public var responsibleUnit: String?
        public var acceptanceStandard: String?
    }

    public static func parse(rows: [[String]]) throws -> [Row] {
        let header = try TableShape.checkHeader(rows, accepting: [Self.header, fullHeader])
        let carries = header.count == fullHeader.count
        var problems: [ImportProblem] = []
        var result: [Row] = []
        var seen: [String: Int] = [:]
        var standards: [String: (line: Int, text: String)] = [:]
        for (index, raw) in rows.enumerated().dropFirst() {
            let line = index + 1
            guard let f = TableShape.cells(raw, header: header, line: line, problems: &problems) else { continue }
            func problem(_ column: Int, _ reason: String) { problems.append(ImportProblem(row: line, column: header[column], reason: reason)) }
            for (i, value) in f.enumerated() where i != 12 && value.count > 500 { problem(i, "内容过长（超过 500 个字符）。") }
            if carries && f[12].count > maxStandard { problem(12, "内容过长（超过 \(maxStandard) 个字符）。") }
            guard let level = PlanLevel(label: f[0]) else { problem(0, "应为 省定、市定 或 县定。"); continue }
            guard let seq = Int(f[1]), seq > 0, seq < 10000 else { problem(1, "应为正整数。"); continue }
            if f[2].isEmpty { problem(2, "不能为空。"); continue }
            if f[3].isEmpty { problem(3, "不能为空。"); continue }
            if f[4].isEmpty { problem(4, "不能为空。"); continue }
            guard let kind = ProgressType(label: f[6]) else { problem(6, "应为 进度、形象进度 或 达标。"); continue }
            let rule: Aggregation
            if f[7].isEmpty { rule = kind.defaultAggregation } else if let r = Aggregation(label: f[7]) { rule = r } else { problem(7, "应为 求和 或 平均。"); continue }
            if f[9].isEmpty { problem(9, "不能为空。"); continue }
            var target: Double? = nil
            var note: String? = nil
            if !f[10].isEmpty {
                if let number = ImportNumber.value(f[10]) {
                    guard number >= 0 else { problem(10, "目标任务不能为负数。"); continue }
                    target = number
                } else if ImportNumber.looksNumeric(f[10]), let reason = ImportNumber.problem(f[10]) {
                    problem(10, "目标任务" + reason); continue
                } else {
                    note = f[10]
                }
            }
            let key = f[3] + "\u{1}" + f[4] + "\u{1}" + f[9]
            if let earlier = seen[key] {
                problem(9, "与第 \(earlier) 行重复（同一指标、同一行政区划）。")
                continue
            }
            seen[key] = line
            var row = Row(line: line, level: level, itemSeq: seq, itemName: f[2], projectName: f[3], indicatorName: f[4],
                          unitLabel: f[5], kind: kind, rule: rule, leadUnit: f[8].isEmpty ? nil : f[8], region: f[9],
                          target: target, targetNote: note)
            if carries {
                row.carriesUnits = true
                row.responsibleUnit = f[11].isEmpty ? nil : f[11]
                row.acceptanceStandard = f[12].isEmpty ? nil : f[12]
                // One standard an indicator: rows may leave it empty after the first, not differ.
                let indicatorKey = f[3] + "\u{1}" + f[4]
                if !f[12].isEmpty {
                    if let earlier = standards[indicatorKey], earlier.text != f[12] {
                        problem(12, "与第 \(earlier.line) 行同一指标的验收标准不同（每个指标只有一个验收标准）。")
                        continue
                    }
                    standards[indicatorKey] = (line, f[12])
                }
            }
            result.append(row)
        }
        // The standard written once holds for the indicator's every row.
        if carries {
            for i in result.indices where result[i].acceptanceStandard == nil {
                result[i].acceptanceStandard = standards[result[i].projectName + "\u{1}" + result[i].indicatorName]?.text
            }
        }
        if !problems.isEmpty { throw ImportRefusal(problems) }
        if result.isEmpty { throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "文件中没有数据行。")]) }
        return result
    }
}

/// The progress exchange format (normative): `月份,项目名称,指标任务,行政区划,完成数量,进度,进度情况`.
public enum ProgressFile {
    public static let header = ["月份", "项目名称", "指标任务", "行政区划", "完成数量", "进度", "进度情况"]

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var year: Int
        public var month: Int
        public var projectName: String
        public var indicatorName: String
        public var region: String
        public var quantity: Double?
        /// In percent.
        public var progress: Double?
        public var note: String?
    }

    /// Parses "92.79%", "92.79", "是" (100) or "否" (0).
    public static func percent(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "是" { return 100 }
        if trimmed == "否" { return 0 }
        let number = trimmed.hasSuffix("%") || trimmed.hasSuffix("％") ? String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) : trimmed
        return ImportNumber.value(number)
    }

    public static func parse(rows: [[String]]) throws -> [Row] {
        let (result, problems) = try parseCollecting(rows: rows)
        if !problems.isEmpty { throw ImportRefusal(problems) }
        return result
    }

    /// The rows that are well formed and the problems of the others, so that an importer can
    /// check the good rows against the plan too and name every problem at once. Throws only
    /// when the file as a whole is unusable (empty, wrong header, no data rows).
    public static func parseCollecting(rows: [[String]]) throws -> (rows: [Row], problems: [ImportProblem]) {
        try TableShape.checkHeader(rows, header)
        var problems: [ImportProblem] = []
        var result: [Row] = []
        var seen: [String: Int] = [:]
        for (index, raw) in rows.enumerated().dropFirst() {
            let line = index + 1
            guard let f = TableShape.cells(raw, header: header, line: line, problems: &problems) else { continue }
            func problem(_ column: Int, _ reason: String) { problems.append(ImportProblem(row: line, column: header[column], reason: reason)) }
            guard let (year, month) = MonthText.parse(f[0]) else {
                problem(0, "应为月份，如 2024-10、2024/10 或 2024年10月。"); continue
            }
            if f[1].isEmpty { problem(1, "不能为空。"); continue }
            if f[2].isEmpty { problem(2, "不能为空。"); continue }
            if f[3].isEmpty { problem(3, "不能为空。"); continue }
            var quantity: Double? = nil
            if !f[4].isEmpty {
                guard let q = ImportNumber.value(f[4]) else { problem(4, ImportNumber.problem(f[4]) ?? "应为数字。"); continue }
                guard q >= 0 else { problem(4, "不能为负数。"); continue }
                quantity = q
            }
            var progress: Double? = nil
            if !f[5].isEmpty {
                guard let p = percent(f[5]) else { problem(5, "应为百分比，如 92.79% 或 92.79（十进制数字）。"); continue }
                guard p >= 0 else { problem(5, "不能为负数。"); continue }
                guard p <= 1000 else { problem(5, "进度超过 1000%，请核对。"); continue }
                progress = p
            }
            if f[6].count > 500 { problem(6, "内容过长（超过 500 个字符）。"); continue }
            let key = ["\(year)-\(month)", f[1], f[2], f[3]].joined(separator: "\u{1}")
            if let earlier = seen[key] { problem(3, "与第 \(earlier) 行重复（同一月份、指标和行政区划）。"); continue }
            seen[key] = line
            result.append(Row(line: line, year: year, month: month, projectName: f[1], indicatorName: f[2], region: f[3],
                              quantity: quantity, progress: progress, note: f[6].isEmpty ? nil : f[6]))
        }
        if result.isEmpty && problems.isEmpty { throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "文件中没有数据行。")]) }
        return (result, problems)
    }
}

/// Downloadable templates: the header and a few example rows transcribed from reference 000.
public enum ImportTemplate {
    public enum Kind: String, CaseIterable, Sendable {
        case plan, progress
        public var rows: [[String]] { self == .plan ? ImportTemplate.planRows : ImportTemplate.progressRows }
        public var title: String { self == .plan ? "计划导入模板" : "进度导入模板" }
    }

    public static func csv(_ kind: Kind) -> Data { Data(CSVWriter.document(kind.rows).utf8) }

    /// The template as the import page offers it: one sheet, the header frozen.
    public static func xlsx(_ kind: Kind) throws -> Data {
        let rows = kind.rows
        var sheet = Workbook.Sheet(name: kind.title)
        sheet.rows = rows.enumerated().map { index, row in row.map { Workbook.Cell.text($0, index == 0 ? .header : .text) } }
        sheet.columnWidths = rows[0].map { _ in 16 }
        sheet.frozenRows = 1
        return try Workbook(sheets: [sheet]).data()
    }

    public static let planRows: [[String]] = [
        PlanFile.fullHeader,
        ["省定", "1", "推进教育高质量发展", "建成县域普通高中“徐特立项目”", "建成县域普通高中“徐特立项目”", "所", "形象进度", "平均", "市教育局", "全市", "10", "",
         "项目竣工并通过验收，提供竣工验收报告和现场照片"],
        ["省定", "1", "推进教育高质量发展", "建成县域普通高中“徐特立项目”", "建成县域普通高中“徐特立项目”", "所", "形象进度", "平均", "市教育局", "邵东市", "1", "邵东市教育局", ""],
        ["省定", "2", "提高优生优育水平", "普惠性托育“护蕾”行动", "新增普惠性托位", "个", "进度", "求和", "市卫生健康委", "全市", "3900", "",
         "托位通过卫生健康部门备案，提供备案清单"],
        ["省定", "2", "提高优生优育水平", "普惠性托育“护蕾”行动", "新增普惠性托位", "个", "进度", "求和", "市卫生健康委", "双清区", "259", "双清区卫生健康局", ""],
        ["市定", "1", "城市更新", "化解超期安置", "化解超期安置户数", "户", "进度", "", "市住房城乡建设局", "市本级", "待另行发文确定", "", ""],
    ]

    public static let progressRows: [[String]] = [
        ProgressFile.header,
        ["2024-10", "建成县域普通高中“徐特立项目”", "建成县域普通高中“徐特立项目”", "邵东市", "", "100%", "已竣工验收"],
        ["2024-10", "普惠性托育“护蕾”行动", "新增普惠性托位", "双清区", "277", "", "新增托位 277 个"],
    ]
}

/// The shape every import file shares: a header row, then data rows that programs save in
/// their own way. Excel, WPS and LibreOffice leave empty cells out, so a row may be shorter
/// than the header; formatting beyond the last column leaves empty cells after it.
enum TableShape {
    /// The header row, without the empty cells after its last heading, must be `header`.
    static func checkHeader(_ rows: [[String]], _ header: [String]) throws {
        _ = try checkHeader(rows, accepting: [header])
    }

    /// The header row must be one of `headers` (the shortest first); returns the one it is.
    static func checkHeader(_ rows: [[String]], accepting headers: [[String]]) throws -> [String] {
        guard let first = rows.first else { throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "文件为空。")]) }
        let head = withoutTrailingEmpty(first.map { $0.trimmingCharacters(in: .whitespaces) })
        guard let header = headers.first(where: { $0 == head }) else {
            let expected = headers.map { "“\($0.joined(separator: ","))”" }.joined(separator: "或")
            throw ImportRefusal([ImportProblem(row: 1, column: nil, reason: "表头应为\(expected)，实际为“\(head.joined(separator: ",").echoed(200))”。")])
        }
        return header
    }

    /// A data row's cells, trimmed, exactly as many as the header: missing cells at the end are
    /// empty; empty cells beyond the header are dropped. Nil for a blank row (skipped) and for a
    /// row with something beyond the header (a problem is recorded).
    static func cells(_ raw: [String], header: [String], line: Int, problems: inout [ImportProblem]) -> [String]? {
        let cells = withoutTrailingEmpty(raw.map(\.trimmedCell))
        if cells.isEmpty { return nil }
        guard cells.count <= header.count else {
            problems.append(ImportProblem(row: line, column: nil, reason: "应有 \(header.count) 列，第 \(cells.count) 列（表头之外）有内容“\(cells[cells.count - 1].echoed(20))”。"))
            return nil
        }
        return cells + Array(repeating: "", count: header.count - cells.count)
    }

    static func withoutTrailingEmpty(_ cells: [String]) -> [String] {
        var cells = cells
        while let last = cells.last, last.isEmpty { cells.removeLast() }
        return cells
    }
}

/// A month as people write it in a spreadsheet: `2025-11`, `2025/11`, `2025年11月`, `2025.11`
/// is not accepted (a number cell 2025.10 reads as 2025.1); a day, as a date cell reads
/// (`2025-11-01`) or as typed (`2025/11/30`, `2025年11月30日`), and a time after it are ignored.
public enum MonthText {
    public static func parse(_ text: String) -> (year: Int, month: Int)? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let space = rest.firstIndex(where: { $0 == " " || $0 == "T" }) { rest = rest[..<space] }
        func number(_ maxDigits: Int) -> Int? {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= maxDigits, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            return value
        }
        guard let year = number(4), (2000...2100).contains(year) else { return nil }
        let separator = rest.first
        guard separator == "-" || separator == "/" || separator == "年" else { return nil }
        rest = rest.dropFirst()
        guard let month = number(2), (1...12).contains(month) else { return nil }
        if separator == "年" {
            guard rest.first == "月" else { return nil }
            rest = rest.dropFirst()
            if rest.isEmpty { return (year, month) }
            guard let day = number(2), (1...31).contains(day), rest == "日" else { return nil }
            return (year, month)
        }
        if rest.isEmpty { return (year, month) }
        guard rest.first == separator else { return nil }
        rest = rest.dropFirst()
        guard let day = number(2), (1...31).contains(day), rest.isEmpty else { return nil }
        return (year, month)
    }
}

extension String {
    /// Without leading and trailing whitespace or line breaks; a cell that has none (nearly all of
    /// a file's tens of thousands) is returned as it is, without Foundation's slower trimming.
    var trimmedCell: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
