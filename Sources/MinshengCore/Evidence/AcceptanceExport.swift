import Foundation

/// 进度 and 验收率 side by side, one line per indicator and region (the aggregate first), as
/// CSV and XLSX; the office's lists (figures without evidence, evidence waiting) as extra sheets.
public enum AcceptanceExport {
    public static let heading = ["序号", "实事名称", "项目名称", "指标任务", "单位", "区划", "目标任务", "进度", "验收率", "差距", "超过上限"]

    /// A list for its own sheet: a name, a heading and the rows.
    public struct List: Sendable {
        public var name: String
        public var heading: [String]
        public var rows: [[String]]
        public init(name: String, heading: [String], rows: [[String]]) {
            self.name = name
            self.heading = heading
            self.rows = rows
        }
    }

    public static func title(_ table: ProgressTable) -> String {
        "\(table.region)\(table.year)年重点民生实事进度与验收率（\(table.periodLabel)）"
    }

    public static func caption(_ table: ProgressTable) -> String {
        let limit = table.gapLimit.map { "本月进度与验收率差距上限 \(Figures.quantity($0))%，超过的行已标出。" } ?? "本月尚未设置进度与验收率差距上限。"
        return "验收率 = 已审核通过的佐证数量 ÷ 目标任务（形象进度、达标类为已通过的进度），按指标的汇总方式逐级汇总。" + limit
    }

    /// Every (indicator, region) line: the aggregate column first, then each child with a share.
    public static func lines(_ table: ProgressTable) -> [(row: ProgressTable.Row, region: String, figure: ProgressTable.Figure)] {
        var result: [(ProgressTable.Row, String, ProgressTable.Figure)] = []
        for row in table.rows {
            if let aggregate = row.aggregate { result.append((row, table.aggregateLabel, aggregate)) }
            for (name, figure) in zip(table.columns, row.regions) {
                if let figure { result.append((row, name, figure)) }
            }
        }
        return result
    }

    static func texts(_ index: Int, _ row: ProgressTable.Row, _ region: String, _ figure: ProgressTable.Figure) -> [String] {
        ["\(index)", row.itemName, row.projectName, row.indicator, row.unit, region,
         figure.target.map(Figures.quantity) ?? figure.targetNote ?? "",
         figure.progress.map(Figures.percent) ?? "", figure.acceptance.map(Figures.percent) ?? "",
         figure.gap.map(Figures.percent) ?? "", figure.overLimit ? "是" : ""]
    }

    public static func csv(_ table: ProgressTable) -> String {
        var lines: [[String]] = [[title(table)], [caption(table)], heading]
        var index = 0
        var lastIndicator: Int? = nil
        for (row, region, figure) in self.lines(table) {
            if row.indicatorID != lastIndicator { index += 1; lastIndicator = row.indicatorID }
            lines.append(texts(index, row, region, figure))
        }
        return CSVWriter.document(lines)
    }

    public static func workbook(_ table: ProgressTable, lists: [List]) -> Workbook {
        var sheet = Workbook.Sheet(name: "进度与验收率")
        let width = heading.count
        var titleRow = Array(repeating: Workbook.Cell(.empty, .title), count: width)
        titleRow[0] = .text(title(table), .title)
        sheet.rows.append(titleRow)
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: width - 1)
        var captionRow = Array(repeating: Workbook.Cell(.empty, .caption), count: width)
        captionRow[0] = .text(caption(table), .caption)
        sheet.rows.append(captionRow)
        sheet.merge(row: 1, column: 0, toRow: 1, toColumn: width - 1)
        sheet.rows.append(heading.map { .text($0, .header) })
        sheet.frozenRows = 3
        var index = 0
        var lastIndicator: Int? = nil
        for (row, region, figure) in lines(table) {
            if row.indicatorID != lastIndicator { index += 1; lastIndicator = row.indicatorID }
            let over: Workbook.Style = figure.overLimit ? .lagging : .percent
            func percent(_ value: Decimal?, _ style: Workbook.Style) -> Workbook.Cell {
                value.map { Workbook.Cell(.percent(Exact.roundedDouble($0 / 100, scale: 4)), style) } ?? .text("", .number)
            }
            sheet.rows.append([
                .text("\(index)", .number), .text(row.itemName), .text(row.projectName), .text(row.indicator), .text(row.unit, .number),
                .text(region), .text(figure.target.map(Figures.quantity) ?? figure.targetNote ?? "", .number),
                percent(figure.progress, .percent), percent(figure.acceptance, .percent),
                percent(figure.gap, figure.overLimit ? .lagging : .percent),
                .text(figure.overLimit ? "是" : "", over == .lagging ? .lagging : .number),
            ])
        }
        sheet.columnWidths = [6, 16, 22, 28, 7, 10, 10, 10, 10, 12, 9]
        sheet.landscape = true
        var sheets = [sheet]
        for list in lists {
            var extra = Workbook.Sheet(name: list.name)
            var head = Array(repeating: Workbook.Cell(.empty, .title), count: max(list.heading.count, 1))
            head[0] = .text(list.name + "（\(list.rows.count) 条）", .title)
            extra.rows.append(head)
            extra.merge(row: 0, column: 0, toRow: 0, toColumn: max(list.heading.count - 1, 0))
            extra.rows.append(list.heading.map { .text($0, .header) })
            for row in list.rows { extra.rows.append(row.map { .text($0) }) }
            extra.columnWidths = list.heading.map { $0.count > 4 ? 20 : 12 }
            extra.landscape = true
            sheets.append(extra)
        }
        return Workbook(sheets: sheets)
    }
}
