import Foundation

/// 亮码评价 figures of a plan in a region through a month: the totals, then per region below,
/// per project, per answering unit and per month, with the units short of 100% 处理率.
public struct FeedbackTable: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var rates: FeedbackRates
        public init(name: String, rates: FeedbackRates) {
            self.name = name
            self.rates = rates
        }
    }

    public var title: String
    public var region: String
    public var year: Int
    public var month: Int
    /// The end of the month: what happened later is not counted.
    public var asOf: Date
    public var rule: SatisfactionRule
    public var replyDays: Int
    public var total: FeedbackRates
    public var regions: [Row]
    public var projects: [Row]
    public var units: [Row]
    /// Items received in each month 1…`month`, as they stood at `asOf`.
    public var months: [Row]

    public init(title: String, region: String, year: Int, month: Int, asOf: Date, rule: SatisfactionRule, replyDays: Int,
                total: FeedbackRates, regions: [Row], projects: [Row], units: [Row], months: [Row]) {
        self.title = title
        self.region = region
        self.year = year
        self.month = month
        self.asOf = asOf
        self.rule = rule
        self.replyDays = replyDays
        self.total = total
        self.regions = regions
        self.projects = projects
        self.units = units
        self.months = months
    }

    /// Units that have not answered everything they received (处理率 below 100%).
    public var unitsBelowFull: [Row] { units.filter { ($0.rates.handlingRate ?? 100) < 100 } }

    public var period: String { ChineseDate.monthSpan(through: month) }
}

/// The feedback figures as JSON (`minsheng report feedback`), CSV and XLSX.
public enum FeedbackExport {
    public static let heading = ["名称", "收到意见", "已回复", "未回复", "超期未回复", "逾期回复", "无效", "处理率",
                                 "回复用时中位数（小时）", "回复用时90%分位（小时）", "评价数", "满意", "基本满意", "不满意", "满意率"]

    public static func title(_ table: FeedbackTable) -> String {
        "\(table.region)\(table.year)年\(table.period)亮码评价处理情况"
    }

    public static func caption(_ table: FeedbackTable) -> String {
        "统计截至 \(table.year) 年 \(table.month) 月底（\(ChineseDate.day(table.asOf.addingTimeInterval(-1)))）。"
            + "处理率 = 已回复 ÷ 收到的意见建议（无效的不计入，另列）；满意率 = \(table.rule == .satisfiedOrBasic ? "（满意 + 基本满意）" : "满意") ÷ 评价数；"
            + "答复期限 \(table.replyDays) 个工作日。"
    }

    static func hours(_ value: Double?) -> Double? { value.map { Exact.roundedDouble(Exact.decimal($0), scale: 1) } }

    static func texts(_ rates: FeedbackRates) -> [String] {
        [String(rates.received), String(rates.answered), String(rates.unanswered), String(rates.overdue), String(rates.answeredLate),
         String(rates.invalid), rates.handlingRate.map(Figures.percent) ?? "—",
         hours(rates.medianReplyHours).map(Figures.quantity) ?? "—", hours(rates.p90ReplyHours).map(Figures.quantity) ?? "—",
         String(rates.ratings), String(rates.satisfied), String(rates.basic), String(rates.unsatisfied),
         rates.satisfactionRate.map(Figures.percent) ?? "—"]
    }

    /// The sections in their order, each with its rows (the total first).
    static func sections(_ table: FeedbackTable) -> [(String, [FeedbackTable.Row])] {
        [("合计", [.init(name: table.region, rates: table.total)]), ("按区划", table.regions), ("按项目", table.projects),
         ("按责任单位", table.units), ("按月份（当月收到的意见）", table.months)]
    }

    public static func csv(_ table: FeedbackTable) -> String {
        var lines: [[String]] = [[title(table)], [caption(table)]]
        for (name, rows) in sections(table) {
            lines.append([])
            lines.append([name])
            lines.append(heading)
            for row in rows { lines.append([row.name] + texts(row.rates)) }
        }
        lines.append([])
        lines.append(["处理率未达100%的单位"])
        lines.append(table.unitsBelowFull.isEmpty ? ["无"] : table.unitsBelowFull.map(\.name))
        return CSVWriter.document(lines)
    }

    static func json(_ rates: FeedbackRates) -> [(String, JSONValue)] {
        [("received", .int(rates.received)), ("answered", .int(rates.answered)), ("unanswered", .int(rates.unanswered)),
         ("overdue", .int(rates.overdue)), ("answered_late", .int(rates.answeredLate)), ("invalid", .int(rates.invalid)),
         ("handling_rate", .optional(rates.handlingRate.map { Exact.roundedDouble($0) })),
         ("median_reply_hours", .optional(hours(rates.medianReplyHours))), ("p90_reply_hours", .optional(hours(rates.p90ReplyHours))),
         ("ratings", .int(rates.ratings)), ("satisfied", .int(rates.satisfied)), ("basic_satisfied", .int(rates.basic)),
         ("unsatisfied", .int(rates.unsatisfied)), ("satisfaction_rate", .optional(rates.satisfactionRate.map { Exact.roundedDouble($0) }))]
    }

    /// The report's JSON: normative, described in the README.
    public static func jsonValue(_ table: FeedbackTable) -> JSONValue {
        func rows(_ key: String, _ rows: [FeedbackTable.Row]) -> JSONValue {
            .array(rows.map { .object([(key, .string($0.name))] + json($0.rates)) })
        }
        return .object([
            ("plan", .string(table.title)), ("region", .string(table.region)), ("year", .int(table.year)),
            ("month", .string(String(format: "%04d-%02d", table.year, table.month))),
            ("as_of", .string(ChineseDate.isoDay(table.asOf.addingTimeInterval(-1)))),
            ("satisfaction_rule", .string(table.rule.rawValue)), ("reply_days", .int(table.replyDays)),
            ("total", .object(json(table.total))),
            ("regions", rows("region", table.regions)), ("projects", rows("project", table.projects)),
            ("units", rows("unit", table.units)),
            ("months", .array(table.months.enumerated().map { index, row in
                .object([("month", .string(String(format: "%04d-%02d", table.year, index + 1)))] + json(row.rates))
            })),
            ("units_below_full", .array(table.unitsBelowFull.map { .string($0.name) })),
        ])
    }

    public static func workbook(_ table: FeedbackTable) -> Workbook {
        var sheet = Workbook.Sheet(name: "亮码评价")
        let width = heading.count
        func banner(_ text: String, _ style: Workbook.Style) {
            var row = Array(repeating: Workbook.Cell(.empty, style), count: width)
            row[0] = .text(text, style)
            sheet.rows.append(row)
            sheet.merge(row: sheet.rows.count - 1, column: 0, toRow: sheet.rows.count - 1, toColumn: width - 1)
        }
        banner(title(table), .title)
        banner(caption(table), .caption)
        func percent(_ value: Decimal?, short: Bool = false) -> Workbook.Cell {
            value.map { Workbook.Cell(.percent(Exact.roundedDouble($0 / 100, scale: 4)), short ? .lagging : .percent) } ?? .text("—", .number)
        }
        func count(_ value: Int, _ style: Workbook.Style = .number) -> Workbook.Cell { Workbook.Cell(.number(Double(value)), style) }
        func hoursCell(_ value: Double?) -> Workbook.Cell { hours(value).map { Workbook.Cell(.number($0), .number) } ?? .text("—", .number) }
        for (name, rows) in sections(table) {
            banner(name, .group)
            sheet.rows.append(heading.map { .text($0, .header) })
            for row in rows {
                let r = row.rates
                let short = (r.handlingRate ?? 100) < 100
                sheet.rows.append([.text(row.name), count(r.received), count(r.answered), count(r.unanswered, r.unanswered > 0 ? .alert : .number),
                                   count(r.overdue, r.overdue > 0 ? .alert : .number), count(r.answeredLate), count(r.invalid),
                                   percent(r.handlingRate, short: short), hoursCell(r.medianReplyHours), hoursCell(r.p90ReplyHours),
                                   count(r.ratings), count(r.satisfied), count(r.basic), count(r.unsatisfied), percent(r.satisfactionRate)])
            }
        }
        banner("处理率未达100%的单位：" + (table.unitsBelowFull.isEmpty ? "无" : table.unitsBelowFull.map(\.name).joined(separator: "、")), .caption)
        sheet.columnWidths = [24, 8, 8, 8, 9, 9, 7, 9, 11, 11, 8, 7, 8, 7, 9]
        sheet.frozenRows = 2
        sheet.landscape = true
        return Workbook(sheets: [sheet])
    }
}
