import Foundation

/// The progress table written out: the normative JSON report, the wide CSV and the XLSX
/// workbook that reads like the bulletins' attachment 1.
public enum ProgressExport {
    // MARK: - JSON (normative shape)

    static func number(_ value: Decimal?) -> Double? {
        value.map { Exact.double(Exact.rounded($0, scale: 6)) }
    }

    static func percent(_ value: Decimal?) -> Double? {
        value.map { Exact.roundedDouble($0) }
    }

    /// The report in the normative shape: region, month, schedule, summary, indicators (each
    /// with its aggregate figure and `regions`, every child with a share, in the plan's order).
    /// - Parameter acceptance: adds each figure's `acceptance` (验收率) and `gap` (进度 − 验收率),
    ///   as `minsheng report acceptance` prints them.
    public static func jsonValue(_ table: ProgressTable, acceptance: Bool = false) -> JSONValue {
        let s = table.summary
        func figure(_ f: ProgressTable.Figure?) -> [(String, JSONValue)] {
            var fields: [(String, JSONValue)] = [("target", .optional(number(f?.target))), ("quantity", .optional(number(f?.quantity))),
                                                 ("progress", .optional(percent(f?.progress))), ("status", .optional(f?.status?.rawValue))]
            if acceptance {
                fields += [("acceptance", .optional(percent(f?.acceptance))), ("gap", .optional(percent(f?.gap))),
                           ("over_limit", .bool(f?.overLimit ?? false))]
            }
            return fields
        }
        let indicators: [JSONValue] = table.rows.map { row in
            let regions: [JSONValue] = zip(table.columns, row.regions).compactMap { name, f in
                f.map { .object([("region", .string(name))] + figure($0)) }
            }
            return .object([("item", .string(row.itemName)), ("project", .string(row.projectName)),
                            ("indicator", .string(row.indicator)), ("unit", .string(row.unit))]
                            + figure(row.aggregate)
                            + [("standing", .optional(row.standing(table.completionRule)?.rawValue)), ("regions", .array(regions))])
        }
        return .object([
            ("region", .string(table.region)),
            ("month", .optional(table.month.map { String(format: "%04d-%02d", table.year, $0) })),
            ("schedule", .optional(percent(table.schedule))),
        ] + (acceptance ? [("gap_limit", JSONValue.optional(percent(table.gapLimit)))] : []) + [
            ("summary", .object([("items", .int(s.items)), ("projects", .int(s.projects)), ("indicators", .int(s.indicators)),
                                 ("completed", .int(s.completed)), ("on_schedule", .int(s.onSchedule)), ("lagging", .int(s.lagging)),
                                 ("projects_completed", .int(s.projectsCompleted)), ("projects_on_schedule", .int(s.projectsOnSchedule)),
                                 ("projects_lagging", .int(s.projectsLagging)), ("completion_rule", .string(table.completionRule.rawValue)),
                                 ("region_projects", .int(s.regionProjects)), ("region_projects_lagging", .int(s.regionProjectsLagging))])),
            ("indicators", .array(indicators)),
        ])
    }

    public static func json(_ table: ProgressTable, acceptance: Bool = false) -> Data {
        Data(jsonValue(table, acceptance: acceptance).text().utf8)
    }

    // MARK: - Cell texts shared by CSV and XLSX

    static func targetText(_ figure: ProgressTable.Figure?) -> String {
        guard let figure else { return "/" }
        if let target = figure.target { return Figures.quantity(target) }
        return figure.targetNote ?? ""
    }


    static func quantityCell(_ figure: ProgressTable.Figure?, kind: ProgressType) -> String {
        guard let figure else { return "/" }
        guard kind == .quantity, let quantity = figure.quantity else { return "" }
        return Figures.quantity(quantity)
    }

    static func progressCell(_ figure: ProgressTable.Figure?) -> String {
        guard let figure else { return "/" }
        return figure.progress.map(Figures.percent) ?? ""
    }

    public static let subRows = ["指标", "数量", "进度"]

    static func heading(_ table: ProgressTable) -> [String] {
        ["序号", "实事名称", "项目名称", "指标任务", "单位", "推进情况", table.aggregateLabel] + table.columns
    }

    static func title(_ table: ProgressTable) -> String {
        table.month == nil ? "\(table.title)任务分解表" : "\(table.title) \(table.periodLabel)工作进度表"
    }

    static func caption(_ table: ProgressTable) -> String {
        guard let month = table.month, let schedule = table.schedule else { return "尚无已报送的进度数据。" }
        let s = table.summary
        return "截至 \(table.year) 年 \(month) 月底，序时进度 \(Figures.percent(schedule))。\(s.indicators) 个指标中已完成 \(s.completed) 个，按序时推进 \(s.onSchedule) 个，未达序时 \(s.lagging) 个" + (s.unreported > 0 ? "，无数据 \(s.unreported) 个。" : "。") + "“/”表示该区划无此项任务。"
    }

    // MARK: - CSV

    /// The wide table: three sub-rows (指标 / 数量 / 进度) per indicator, the identifying columns
    /// repeated on each so that the file filters well in a spreadsheet.
    public static func csv(_ table: ProgressTable) -> String {
        var lines: [[String]] = [[title(table)], [caption(table)], heading(table)]
        for (index, row) in table.rows.enumerated() {
            let lead = ["\(index + 1)", row.itemName, row.projectName, row.indicator, row.unit]
            let figures = [row.aggregate] + row.regions
            lines.append(lead + ["指标"] + figures.map(targetText))
            lines.append(lead + ["数量"] + figures.map { quantityCell($0, kind: row.kind) })
            lines.append(lead + ["进度"] + figures.map(progressCell))
        }
        return CSVWriter.document(lines)
    }

    // MARK: - XLSX

    public static func workbook(_ table: ProgressTable) -> Workbook {
        var sheet = Workbook.Sheet(name: "\(table.periodLabel)进度表")
        let head = heading(table)
        let width = head.count
        func blank(_ style: Workbook.Style) -> [Workbook.Cell] { Array(repeating: Workbook.Cell(.empty, style), count: width) }

        var titleRow = blank(.title)
        titleRow[0] = .text(title(table), .title)
        sheet.rows.append(titleRow)
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: width - 1)
        var captionRow = blank(.caption)
        captionRow[0] = .text(caption(table), .caption)
        sheet.rows.append(captionRow)
        sheet.merge(row: 1, column: 0, toRow: 1, toColumn: width - 1)
        sheet.rows.append(head.map { .text($0, .header) })
        sheet.frozenRows = 3
        sheet.frozenColumns = 7

        var itemStart: (row: Int, seq: Int)? = nil
        var itemNumber = 0
        for row in table.rows {
            let top = sheet.rows.count
            if itemStart?.seq != row.itemSeq {
                itemNumber += 1
                itemStart = (top, row.itemSeq)
            }
            let figures = [row.aggregate] + row.regions
            for (sub, label) in subRows.enumerated() {
                var cells: [Workbook.Cell] = [
                    .text(sub == 0 ? "\(itemNumber)" : "", .number),
                    .text(sub == 0 ? row.itemName : ""),
                    .text(sub == 0 ? row.projectName : ""),
                    .text(sub == 0 ? row.indicator : ""),
                    .text(sub == 0 ? row.unit : "", .number),
                    .text(label, .number),
                ]
                for figure in figures {
                    switch sub {
                    case 0: cells.append(.text(targetText(figure), .number))
                    case 1:
                        if row.kind == .quantity, let quantity = figure?.quantity {
                            cells.append(Workbook.Cell(.number(Exact.double(Exact.rounded(quantity, scale: 4))), .number))
                        } else {
                            cells.append(.text(figure == nil ? "/" : "", .number))
                        }
                    default:
                        if let figure, let progress = figure.progress {
                            let style: Workbook.Style
                            switch figure.status {
                            case .completed?: style = .completed
                            case .onSchedule?: style = .onSchedule
                            case .lagging?: style = .lagging
                            case nil: style = .percent
                            }
                            cells.append(Workbook.Cell(.percent(Exact.roundedDouble(progress / 100, scale: 4)), style))
                        } else {
                            cells.append(.text(figure == nil ? "/" : "", .number))
                        }
                    }
                }
                sheet.rows.append(cells)
            }
            for column in 2...4 { sheet.merge(row: top, column: column, toRow: top + 2, toColumn: column) }
        }
        // Merge each item's 序号 and 实事名称 over all its rows.
        var start = 3
        while start < sheet.rows.count {
            var end = start + 2
            let seq = table.rows[(start - 3) / 3].itemSeq
            while end + 3 < sheet.rows.count, table.rows[(end + 1 - 3) / 3].itemSeq == seq { end += 3 }
            sheet.merge(row: start, column: 0, toRow: end, toColumn: 0)
            sheet.merge(row: start, column: 1, toRow: end, toColumn: 1)
            start = end + 1
        }
        sheet.columnWidths = [5, 14, 18, 26, 7, 7, 10] + Array(repeating: 9.5, count: table.columns.count)

        return Workbook(sheets: [sheet, listsSheet(table)])
    }

    /// The lists a bulletin names: completed, on schedule, lagging (with the lagging regions).
    static func listsSheet(_ table: ProgressTable) -> Workbook.Sheet {
        var sheet = Workbook.Sheet(name: "完成情况清单")
        let head = ["序号", "实事名称", "项目名称", "指标任务", "单位", "目标任务", "完成数量", "进度", "未达序时的区划"]
        sheet.columnWidths = [6, 16, 22, 30, 7, 10, 10, 10, 30]
        var titleRow = Array(repeating: Workbook.Cell(.empty, .title), count: head.count)
        titleRow[0] = .text("\(table.region)\(table.periodLabel)重点民生实事完成情况清单", .title)
        sheet.rows.append(titleRow)
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: head.count - 1)
        let groups: [(String, [ProgressTable.Row])] = [
            ("已完成的指标", table.rows(with: .completed)),
            ("按序时进度推进的指标", table.rows(with: .onSchedule)),
            ("未达序时进度的指标", table.rows(with: .lagging)),
        ]
        for (label, rows) in groups {
            var groupRow = Array(repeating: Workbook.Cell(.empty, .group), count: head.count)
            groupRow[0] = .text("\(label)（\(rows.count) 个）", .group)
            sheet.merge(row: sheet.rows.count, column: 0, toRow: sheet.rows.count, toColumn: head.count - 1)
            sheet.rows.append(groupRow)
            sheet.rows.append(head.map { .text($0, .header) })
            for (index, row) in rows.enumerated() {
                let figure = row.aggregate
                sheet.rows.append([
                    .text("\(index + 1)", .number), .text(row.itemName), .text(row.projectName), .text(row.indicator),
                    .text(row.unit, .number), .text(targetText(figure), .number),
                    .text(quantityCell(figure, kind: row.kind), .number),
                    figure?.progress.map { Workbook.Cell(.percent(Exact.roundedDouble($0 / 100, scale: 4)), .percent) } ?? .text("", .number),
                    .text(row.laggingRegions(columns: table.columns).joined(separator: "、")),
                ])
            }
        }
        sheet.landscape = true
        return sheet
    }

    public static func xlsx(_ table: ProgressTable) throws -> Data {
        try workbook(table).data()
    }
}
