import Foundation

/// The bulletin's attachments, as tables: the progress tables of reference 000 附件1 / 附件3 (one
/// row or three rows per indicator), the disclosure list of 附件2, reference 002's three lists and
/// its 附表4 matrix, and the month's ranking.
public enum BulletinAnnexes {
    typealias Cell = Bulletin.Cell

    public static func make(_ facts: BulletinFacts, options: BulletinComposer.Options) -> [Bulletin.Annex] {
        var annexes: [Bulletin.Annex] = []
        let span = facts.period.span
        for kind in BulletinAnnexKind.allCases where options.annexes.contains(kind) {
            switch kind {
            case .progress:
                for level in facts.levels where !level.table.rows.isEmpty {
                    annexes.append(Bulletin.Annex(kind: .progress, title: "\(facts.region)\(span)重点民生实事工作进度表（\(level.level.label)重点民生实事）",
                                                  note: progressNote(level.table), table: progressTable(level.table, layout: options.layout)))
                }
            case .disclosure:
                for level in facts.levels {
                    guard let table = level.disclosure else { continue }
                    let rows = table.rows.filter { $0.updates < table.requiredTotal }
                    let which = facts.levels.count > 1 ? "\(level.level.label)重点民生实事，" : ""
                    annexes.append(Bulletin.Annex(kind: .disclosure, title: "未达到动态更新要求的项目一览（\(which)\(facts.period.asOf.replacingOccurrences(of: "截至 ", with: "截至"))）",
                                                  note: "注：每个项目自 \(table.rule.fromMonth) 月起每月工作动态不少于 \(table.rule.minimum) 条，截至本月每个项目工作动态总数需达到 \(table.requiredTotal) 条，方满足基本要求。表内为未达到要求的项目及其责任单位，共 \(rows.count) 个。",
                                                  table: disclosureTable(rows)))
                }
            case .lists:
                let bands: [(ProgressBand, String)] = [(.completed, "已完成的"), (.atLeast75, "进度在 75% 以上的"), (.below75, "进度在 75% 以下的")]
                for (band, words) in bands {
                    let rows = facts.levels.flatMap { level in level.table.rows.filter { $0.aggregate?.band == band }.map { (level.level, $0) } }
                    annexes.append(Bulletin.Annex(kind: .lists, title: "\(facts.region)\(span)\(words)重点民生实事项目（\(rows.count) 项）",
                                                  table: listTable(rows), landscape: false))
                }
            case .matrix:
                let tables = facts.levels.compactMap(\.disclosure)
                guard let first = tables.first else { continue }
                annexes.append(Bulletin.Annex(kind: .matrix, title: "每月动态情况统计表",
                                              note: "注：“√”表示该月工作动态达到每月不少于 \(first.rule.minimum) 条的要求，空白表示未达到。",
                                              table: matrixTable(tables, month: facts.period.month), landscape: true))
            case .ranking:
                guard let ranking = facts.ranking else { continue }
                annexes.append(Bulletin.Annex(kind: .ranking, title: "\(ranking.title)（县市区）",
                                              note: rankingNote(ranking), table: rankingTable(ranking, units: false)))
                if !ranking.units.isEmpty {
                    annexes.append(Bulletin.Annex(kind: .ranking, title: "\(ranking.title)（牵头单位）",
                                                  note: rankingNote(ranking), table: rankingTable(ranking, units: true)))
                }
            }
        }
        return annexes
    }

    static func progressNote(_ table: ProgressTable) -> String {
        var text = "注："
        if let schedule = table.schedule { text += "序时进度 \(Figures.percent(schedule))；" }
        return text + "“/”表示该区划无此项任务；红色为未达序时进度，“形象进度”为工程建设的形象进度百分比。"
    }

    static func mark(_ figure: ProgressTable.Figure?) -> String? { figure?.status?.rawValue }

    static func percent(_ figure: ProgressTable.Figure?) -> String {
        guard let figure else { return "/" }
        return figure.progress.map(Figures.percent) ?? ""
    }

    /// One row (进度) or three rows (指标 / 数量 / 进度) per indicator.
    public static func progressTable(_ table: ProgressTable, layout: BulletinLayout) -> Bulletin.Table {
        let head = ["序号", "实事名称", "项目名称", "指标任务", "单位", "推进情况", table.aggregateLabel] + table.columns
        let per = layout == .full ? 3 : 1
        var body: [[Cell]] = []
        // How many rows each item and each project spans.
        var itemRows: [Int: Int] = [:]
        var projectRows: [String: Int] = [:]
        for row in table.rows {
            itemRows[row.itemSeq, default: 0] += per
            projectRows["\(row.itemSeq)\u{1}\(row.projectSeq)", default: 0] += per
        }
        var itemNumber = 0
        var lastItem: Int? = nil
        var lastProject: String? = nil
        for row in table.rows {
            let projectKey = "\(row.itemSeq)\u{1}\(row.projectSeq)"
            var lead: [Cell] = []
            if row.itemSeq != lastItem {
                itemNumber += 1
                lead.append(Cell("\(itemNumber)", rows: itemRows[row.itemSeq] ?? per))
                lead.append(Cell(row.itemName, rows: itemRows[row.itemSeq] ?? per))
            }
            if projectKey != lastProject {
                lead.append(Cell(row.projectName, rows: projectRows[projectKey] ?? per))
            }
            lastItem = row.itemSeq
            lastProject = projectKey
            let figures = [row.aggregate] + row.regions
            if layout == .progress {
                body.append(lead + [Cell(row.indicator, left: true), Cell(row.unit), Cell(row.kind.label)]
                            + figures.map { Cell(percent($0), mark: mark($0)) })
            } else {
                let indicatorCells = [Cell(row.indicator, rows: 3, left: true), Cell(row.unit, rows: 3)]
                body.append(lead + indicatorCells + [Cell("指标")] + figures.map { Cell(ProgressExport.targetText($0)) })
                body.append([Cell("数量")] + figures.map { figure -> Cell in
                    guard let figure else { return Cell("/") }
                    if row.kind == .quantity, let quantity = figure.quantity { return Cell(Figures.quantity(quantity)) }
                    return Cell(figure.note ?? "")
                })
                body.append([Cell("进度")] + figures.map { Cell(percent($0), mark: mark($0)) })
            }
        }
        let widths = [3, 6, 9, 11, 3, 4, 7] + Array(repeating: 7, count: table.columns.count)
        return Bulletin.Table(widths: widths, head: [head.map { Cell($0) }], body: body)
    }

    static func disclosureTable(_ rows: [DisclosureTable.Row]) -> Bulletin.Table {
        let updates = DisclosureCategory.updates
        let head1 = [Cell("序号", rows: 2), Cell("行政区划", rows: 2), Cell("责任单位", rows: 2), Cell("项目名称", rows: 2), Cell("项目动态", span: updates.count + 1)]
        let head2 = updates.map { Cell($0.label) } + [Cell("总数")]
        let body = rows.enumerated().map { index, row in
            [Cell("\(index + 1)"), Cell(row.region), Cell(row.unit ?? ""), Cell(row.project, left: true)]
                + updates.map { Cell("\(row.counts[$0] ?? 0)") } + [Cell("\(row.updates)")]
        }
        return Bulletin.Table(widths: [4, 10, 10, 28] + Array(repeating: 6, count: updates.count + 1), head: [head1, head2], body: body)
    }

    static func listTable(_ rows: [(PlanLevel, ProgressTable.Row)]) -> Bulletin.Table {
        let head = ["序号", "实事类别", "项目名称", "牵头单位", "任务数", "进度情况", "完成比例"].map { Cell($0) }
        let body = rows.enumerated().map { index, pair -> [Cell] in
            let (level, row) = pair
            let figure = row.aggregate
            let done: String
            if row.kind == .quantity, let quantity = figure?.quantity { done = Figures.quantity(quantity) } else { done = figure?.note ?? "" }
            return [Cell("\(index + 1)"), Cell("\(level.label)实事"), Cell(row.indicator, left: true), Cell(row.leadUnit ?? ""),
                    Cell(ProgressExport.targetText(figure)), Cell(done, left: true), Cell(percent(figure), mark: mark(figure))]
        }
        return Bulletin.Table(widths: [4, 7, 22, 8, 8, 14, 7], head: [head], body: body)
    }

    static func matrixTable(_ tables: [DisclosureTable], month: Int) -> Bulletin.Table {
        let rule = tables.first?.rule ?? UpdateRule()
        let months = rule.months(through: month).map(Array.init) ?? []
        let rows = tables.flatMap(\.rows)
        let manyRegions = Set(rows.map(\.region)).count > 1
        var head = ["序号", "主要责任单位"] + (manyRegions ? ["区划"] : []) + ["考核项目"]
        head += months.map { "\($0)月份" }
        let body = rows.enumerated().map { index, row -> [Cell] in
            var cells = [Cell("\(index + 1)"), Cell(row.unit ?? "")]
            if manyRegions { cells.append(Cell(row.region)) }
            cells.append(Cell(row.project, left: true))
            cells += months.map { Cell(row.monthly[$0] == true ? "√" : "") }
            return cells
        }
        return Bulletin.Table(widths: [4, 10] + (manyRegions ? [9] : []) + [24] + Array(repeating: 4, count: months.count),
                              head: [head.map { Cell($0) }], body: body)
    }

    public static func rankingNote(_ ranking: RankingTable) -> String {
        let weights = ranking.shownMeasures.map { "\($0.label) \(ranking.rules.weight($0))" }.joined(separator: "、")
        return "注：综合得分按权重（\(weights)）加权；\(ranking.rules.minimumCount > 0 ? "数量少于 \(ranking.rules.minimumCount) 的项不参与排名（“—”）；" : "")得分相同者名次并列。"
    }

    public static func rankingTable(_ ranking: RankingTable, units: Bool) -> Bulletin.Table {
        let measures = ranking.shownMeasures
        let head = ["名次", units ? "牵头单位" : "区划", "综合得分"] + measures.map(\.label) + ["较上月"]
        let entries = units ? ranking.units : ranking.regions
        let body = entries.map { entry -> [Cell] in
            [Cell(entry.rank.map(String.init) ?? "—"), Cell(entry.name), Cell(entry.score.map { Figures.fixed($0, scale: 2) } ?? "—")]
                + measures.map { Cell(RankingText.value(entry.measures[$0], measure: $0)) }
                + [Cell(RankingText.change(entry))]
        }
        return Bulletin.Table(widths: [4, 14, 6] + Array(repeating: 8, count: measures.count) + [5], head: [head.map { Cell($0) }], body: body)
    }
}

/// Ranking values as printed in tables, pages and exports.
public enum RankingText {
    public static func value(_ measure: RankingEntry.Measure?, measure kind: RankingMeasure) -> String {
        guard let measure, let value = measure.value else { return "—" }
        let text = kind.isCount ? Figures.quantity(value) : kind == .gap ? Figures.fixed(value, scale: 2) : Figures.percent(value)
        return measure.ranked ? text : "\(text)（不排名）"
    }

    /// "↑2", "↓1", "—" (no change), "" (no rank last month).
    public static func change(_ entry: RankingEntry) -> String {
        guard let change = entry.change else { return entry.rank == nil || entry.previousRank == nil ? "" : "—" }
        return change > 0 ? "↑\(change)" : change < 0 ? "↓\(-change)" : "—"
    }
}
