import Foundation

/// The supervision statistics of a region and year, as of a month's end (or the year's end):
/// problems raised, rectified, open and overdue, by region, unit, project, category and raiser,
/// month by month, and the inspections held.
public struct SupervisionStatistics: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        /// The region a unit or project row belongs to.
        public var region: String?
        public var tally: ProblemTally

        public init(name: String, region: String? = nil, tally: ProblemTally) {
            self.name = name
            self.region = region
            self.tally = tally
        }
    }

    public var region: String
    public var year: Int
    /// The month the figures are as of (its end), or nil for the whole year.
    public var month: Int?
    /// Year to date as of the month's end.
    public var total: ProblemTally
    /// Raised in the month itself (nil for a whole year).
    public var thisMonth: ProblemTally?
    public var byRegion: [Row]
    public var byUnit: [Row]
    public var byProject: [Row]
    public var byCategory: [Row]
    public var byRaiser: [Row]
    /// Month 1 … the last month, each the problems raised that month as they stood at its end.
    public var monthly: [Row]
    /// Inspections held in the year up to the month's end.
    public var inspections: Int
    /// The categories the most problems were raised in, most first (for the sentence).
    public var topCategories: [ProblemCategory]
    /// Who raised them ("观察员", "观察员、监督员").
    public var raisers: String

    public init(region: String, year: Int, month: Int?, total: ProblemTally, thisMonth: ProblemTally?, byRegion: [Row], byUnit: [Row], byProject: [Row],
                byCategory: [Row], byRaiser: [Row], monthly: [Row], inspections: Int, topCategories: [ProblemCategory], raisers: String) {
        self.region = region
        self.year = year
        self.month = month
        self.total = total
        self.thisMonth = thisMonth
        self.byRegion = byRegion
        self.byUnit = byUnit
        self.byProject = byProject
        self.byCategory = byCategory
        self.byRaiser = byRaiser
        self.monthly = monthly
        self.inspections = inspections
        self.topCategories = topCategories
        self.raisers = raisers
    }

    /// "观察员共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个".
    public var sentence: String { total.sentence(categories: topCategories, who: raisers.isEmpty ? "监督人员" : raisers) }

    public var periodText: String { month.map { "\(year)年1—\($0)月" } ?? "\(year)年" }

    // MARK: - Exports

    /// The normative JSON: `{"region", "month", "problems": {"raised", "rectified", "overdue", "open"},
    /// "by_region": [...], "by_unit": [...], "inspections": N}`.
    public var json: JSONValue {
        func counts(_ t: ProblemTally) -> [(String, JSONValue)] {
            [("raised", .int(t.raised)), ("rectified", .int(t.rectified)), ("overdue", .int(t.overdue)), ("open", .int(t.open))]
        }
        return .object([
            ("region", .string(region)),
            ("month", month.map { .string(String(format: "%04d-%02d", year, $0)) } ?? .null),
            ("problems", .object(counts(total))),
            ("by_region", .array(byRegion.map { .object([("region", .string($0.name))] + counts($0.tally)) })),
            ("by_unit", .array(byUnit.map { .object([("unit", .string($0.name)), ("region", .string($0.region ?? region))] + counts($0.tally)) })),
            ("inspections", .int(inspections)),
        ])
    }

    public static let heading = ["提出", "已整改", "整改中", "其中超期", "不属实或重复", "整改率", "整改用时中位数（天）"]

    public static func cells(_ t: ProblemTally) -> [String] {
        let real = t.raised - t.dismissed
        let rate = real > 0 ? Figures.percent(Decimal(t.rectified) * 100 / Decimal(real)) : "—"
        return [String(t.raised), String(t.rectified), String(t.open), String(t.overdue), String(t.dismissed), rate,
                t.medianDays.map { Figures.fixed($0, scale: 1) } ?? "—"]
    }

    /// The tables of the page and the exports: a title and rows with a first column (and a region column where it applies).
    public var tables: [(title: String, first: String, withRegion: Bool, rows: [Row])] {
        [("按区划", "区划", false, byRegion), ("按责任单位", "责任单位", true, byUnit), ("按项目", "项目", true, byProject),
         ("按问题类别", "类别", false, byCategory), ("按提出人", "提出人", true, byRaiser), ("按月份（当月提出）", "月份", false, monthly)]
    }

    public var title: String { "\(region)\(periodText)民生实事监督问题统计" }

    public var csv: String {
        var lines: [[String]] = [[title], ["合计"] + Self.heading, ["合计"] + Self.cells(total), ["视察次数", String(inspections)], []]
        for table in tables {
            lines.append([table.title])
            lines.append([table.first] + (table.withRegion ? ["所属区划"] : []) + Self.heading)
            for row in table.rows { lines.append([row.name] + (table.withRegion ? [row.region ?? ""] : []) + Self.cells(row.tally)) }
            lines.append([])
        }
        return CSVWriter.document(lines)
    }

    public var workbook: Workbook {
        var sheets: [Workbook.Sheet] = []
        var summary = Workbook.Sheet(name: "汇总")
        summary.rows.append([.text(title, .title)] + Array(repeating: Workbook.Cell(.empty, .title), count: Self.heading.count))
        summary.merge(row: 0, column: 0, toRow: 0, toColumn: Self.heading.count)
        summary.rows.append([.text("", .header)] + Self.heading.map { .text($0, .header) })
        summary.rows.append([.text("合计", .text)] + Self.cells(total).map { .text($0, .number) })
        summary.rows.append([.text("视察次数", .text), .init(.number(Double(inspections)), .number)])
        summary.rows.append([.text(sentence + "。", .caption)] + Array(repeating: Workbook.Cell(.empty, .caption), count: Self.heading.count))
        summary.merge(row: 4, column: 0, toRow: 4, toColumn: Self.heading.count)
        summary.columnWidths = [16] + Array(repeating: 12, count: Self.heading.count)
        sheets.append(summary)
        for table in tables {
            var sheet = Workbook.Sheet(name: table.title.replacingOccurrences(of: "（当月提出）", with: ""))
            let head = [table.first] + (table.withRegion ? ["所属区划"] : []) + Self.heading
            sheet.rows.append([.text("\(title)（\(table.title)）", .title)] + Array(repeating: Workbook.Cell(.empty, .title), count: head.count - 1))
            sheet.merge(row: 0, column: 0, toRow: 0, toColumn: head.count - 1)
            sheet.rows.append(head.map { .text($0, .header) })
            for row in table.rows {
                sheet.rows.append([.text(row.name, .text)] + (table.withRegion ? [.text(row.region ?? "", .text)] : [])
                                  + Self.cells(row.tally).map { .text($0, .number) })
            }
            sheet.frozenRows = 2
            sheet.columnWidths = [table.first == "项目" ? 36 : 20] + (table.withRegion ? [12] : []) + Array(repeating: 11, count: Self.heading.count)
            sheets.append(sheet)
        }
        return Workbook(sheets: sheets)
    }
}
