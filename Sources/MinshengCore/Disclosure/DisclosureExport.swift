import Foundation

/// How projects keep their public pages up to date, as a table: one row per project and region
/// with counts per category and 工作动态 per month, and the rule's verdict.
public struct DisclosureTable: Sendable {
    public struct Row: Sendable {
        public var region: String
        public var unit: String?
        public var project: String
        public var counts: [DisclosureCategory: Int]
        public var updatesByMonth: [Int: Int]
        public var monthly: [Int: Bool]
        public var missing: [DisclosureCategory]
        public init(region: String, unit: String?, project: String, counts: [DisclosureCategory: Int], updatesByMonth: [Int: Int],
                    monthly: [Int: Bool], missing: [DisclosureCategory]) {
            self.region = region
            self.unit = unit
            self.project = project
            self.counts = counts
            self.updatesByMonth = updatesByMonth
            self.monthly = monthly
            self.missing = missing
        }

        public var updates: Int { DisclosureCategory.updates.reduce(0) { $0 + (counts[$1] ?? 0) } }
        public var meetsMonthlyRule: Bool { monthly.values.allSatisfy { $0 } }
    }

    public var title: String
    public var region: String
    public var year: Int
    public var month: Int
    public var rule: UpdateRule
    public var requiredTotal: Int
    public var rows: [Row]

    public init(title: String, region: String, year: Int, month: Int, rule: UpdateRule, requiredTotal: Int, rows: [Row]) {
        self.title = title
        self.region = region
        self.year = year
        self.month = month
        self.rule = rule
        self.requiredTotal = requiredTotal
        self.rows = rows
    }

    public var short: [Row] { rows.filter { $0.updates < requiredTotal } }

    /// A region's completion of the year's disclosure task.
    public struct RegionCompletion: Sendable, Equatable {
        public var region: String
        public var completed: Int
        public var projects: Int
        public init(region: String, completed: Int, projects: Int) {
            self.region = region
            self.completed = completed
            self.projects = projects
        }
        /// completed / projects in percent, rounded half-up to 0.01; nil for a region without
        /// projects (no share, not 0%). The one place it is computed: pages and exports show it.
        public var share: Decimal? { projects == 0 ? nil : Exact.rounded(Decimal(completed) * 100 / Decimal(projects)) }
    }

    /// Per region, in row order: how many of its projects have completed the year's disclosure
    /// task (every required category present and the year's 工作动态 reached), of how many.
    public var completionByRegion: [RegionCompletion] {
        var order: [String] = []
        var counts: [String: (Int, Int)] = [:]
        for row in rows {
            if counts[row.region] == nil { order.append(row.region) }
            let done = row.missing.isEmpty && row.updates >= requiredTotal
            counts[row.region, default: (0, 0)].0 += done ? 1 : 0
            counts[row.region, default: (0, 0)].1 += 1
        }
        return order.map { RegionCompletion(region: $0, completed: counts[$0]?.0 ?? 0, projects: counts[$0]?.1 ?? 0) }
    }
    public var withoutNews: [Row] { rows.filter { ($0.counts[.news] ?? 0) == 0 } }
    public var missingCategory: [Row] { rows.filter { !$0.missing.isEmpty } }
    var judgedMonths: [Int] { rule.months(through: month).map(Array.init) ?? [] }
}

public enum DisclosureExport {
    public static func jsonValue(_ table: DisclosureTable) -> JSONValue {
        let rows: [JSONValue] = table.rows.map { row in
            .object([
                ("project", .string(row.project)), ("region", .string(row.region)), ("unit", .optional(row.unit)),
                ("counts", .object(DisclosureCategory.allCases.map { ($0.rawValue, JSONValue.int(row.counts[$0] ?? 0)) } + [("updates", .int(row.updates))])),
                ("months", .object((1...table.month).map { ("\($0)", JSONValue.int(row.updatesByMonth[$0] ?? 0)) })),
                ("monthly_rule_met", .object(table.judgedMonths.map { ("\($0)", JSONValue.bool(row.monthly[$0] ?? false)) })),
                ("meets_rule", .bool(row.meetsMonthlyRule)),
                ("short_of_year", .bool(row.updates < table.requiredTotal)),
                ("missing_categories", .array(row.missing.map { .string($0.rawValue) })),
            ])
        }
        return .object([
            ("region", .string(table.region)),
            ("month", .string(String(format: "%04d-%02d", table.year, table.month))),
            ("rule", .object([("from_month", .int(table.rule.fromMonth)), ("minimum", .int(table.rule.minimum)), ("required_total", .int(table.requiredTotal))])),
            ("summary", .object([("projects", .int(table.rows.count)), ("meeting_rule", .int(table.rows.filter(\.meetsMonthlyRule).count)),
                                 ("short_of_year", .int(table.short.count)), ("without_news", .int(table.withoutNews.count)),
                                 ("missing_category", .int(table.missingCategory.count))])),
            ("regions", .array(table.completionByRegion.map { entry in
                .object([("region", .string(entry.region)), ("projects", .int(entry.projects)), ("completed", .int(entry.completed)),
                         ("completed_share", .optional(entry.share.map(Exact.double)))])
            })),
            ("projects", .array(rows)),
        ])
    }

    static let kinds: [DisclosureCategory] = [.news, .summary, .report, .typicalCase]

    static func heading(_ table: DisclosureTable) -> [String] {
        ["序号", "行政区划", "责任单位", "项目名称"] + kinds.map(\.label) + ["总数"] + table.judgedMonths.map { "\($0)月份" } + ["缺少的类别"]
    }

    static func cells(_ index: Int, _ row: DisclosureTable.Row, _ table: DisclosureTable) -> [String] {
        ["\(index)", row.region, row.unit ?? "", row.project] + kinds.map { "\(row.counts[$0] ?? 0)" } + ["\(row.updates)"]
            + table.judgedMonths.map { row.monthly[$0] == true ? "√" : "" } + [row.missing.map(\.label).joined(separator: "、")]
    }

    public static func csv(_ table: DisclosureTable) -> String {
        var lines: [[String]] = [["\(table.region)\(table.year)年重点民生实事项目动态情况统计表（截至\(table.month)月）"], heading(table)]
        for (index, row) in table.rows.enumerated() { lines.append(cells(index + 1, row, table)) }
        return CSVWriter.document(lines)
    }

    public static func workbook(_ table: DisclosureTable) -> Workbook {
        func sheet(_ name: String, _ title: String, _ rows: [DisclosureTable.Row]) -> Workbook.Sheet {
            var sheet = Workbook.Sheet(name: name)
            let head = heading(table)
            var titleRow = Array(repeating: Workbook.Cell(.empty, .title), count: head.count)
            titleRow[0] = .text(title, .title)
            sheet.rows.append(titleRow)
            sheet.merge(row: 0, column: 0, toRow: 0, toColumn: head.count - 1)
            sheet.rows.append(head.map { .text($0, .header) })
            for (index, row) in rows.enumerated() {
                sheet.rows.append(cells(index + 1, row, table).enumerated().map { column, text in
                    .text(text, column >= 4 && column < head.count - 1 ? .number : .text)
                })
            }
            sheet.frozenRows = 2
            sheet.columnWidths = [6, 14, 12, 34] + Array(repeating: 8, count: head.count - 5) + [18]
            sheet.landscape = true
            return sheet
        }
        let rule = "每个项目每月工作动态不少于 \(table.rule.minimum) 条，自 \(table.rule.fromMonth) 月起；全年应达 \(table.requiredTotal) 条"
        return Workbook(sheets: [
            sheet("每月动态", "\(table.region)\(table.year)年项目每月动态情况统计表（\(rule)）", table.rows),
            sheet("动态不达标", "未达到项目动态更新要求的项目（\(table.short.count) 个）", table.short),
            sheet("无新闻动态", "没有新闻动态的项目（\(table.withoutNews.count) 个）", table.withoutNews),
            sheet("缺少类别", "缺少政策文件、建设内容或项目详情的项目（\(table.missingCategory.count) 个）", table.missingCategory),
        ])
    }
}
