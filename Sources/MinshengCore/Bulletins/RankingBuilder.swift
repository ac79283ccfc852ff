import Foundation

/// The ranking's inputs from the tables a bulletin is built on: each child region (市本级 left
/// out: it is the office's own level) and each lead unit, measured on every level's plan at once.
public enum RankingBuilder {
    /// Figures of one region or unit, summed over the levels.
    struct Tally {
        var withStatus = 0, good = 0
        var paceSum: Decimal = 0, paceCount = 0
        var acceptanceSum: Decimal = 0, gapSum: Decimal = 0, reported = 0
        var projectRows = 0, compliant = 0, news = 0
        var rates: FeedbackRates = FeedbackRates([])

        mutating func add(_ figure: ProgressTable.Figure?, schedule: Decimal?) {
            guard let figure, let status = figure.status else { return }
            withStatus += 1
            if status != .lagging { good += 1 }
            if let progress = figure.progress {
                if let schedule, schedule > 0 {
                    paceSum += min(progress / schedule, 1) * 100
                    paceCount += 1
                }
                reported += 1
                acceptanceSum += min(figure.acceptance ?? 0, 100)
                gapSum += max(figure.gap ?? progress, 0)
            }
        }

        mutating func add(_ row: DisclosureTable.Row, required: Int) {
            projectRows += 1
            if row.updates >= required { compliant += 1 }
            news += row.counts[.news] ?? 0
        }

        mutating func add(_ other: FeedbackRates) {
            rates.received += other.received
            rates.answered += other.answered
            rates.satisfied += other.satisfied
            rates.basic += other.basic
            rates.unsatisfied += other.unsatisfied
            rates.overdue += other.overdue
            rates.rule = other.rule
        }

        var values: [RankingMeasure: RankingInput.Value] {
            func share(_ part: Int, _ whole: Int) -> Decimal? { whole > 0 ? Decimal(part) * 100 / Decimal(whole) : nil }
            return [
                .progress: .init(share(good, withStatus), count: withStatus),
                .pace: .init(paceCount > 0 ? paceSum / Decimal(paceCount) : nil, count: paceCount),
                .acceptance: .init(reported > 0 ? acceptanceSum / Decimal(reported) : nil, count: reported),
                .gap: .init(reported > 0 ? gapSum / Decimal(reported) : nil, count: reported),
                .disclosure: .init(share(compliant, projectRows), count: projectRows),
                .publicity: .init(projectRows > 0 ? Decimal(news) : nil, count: projectRows),
                .handling: .init(rates.handlingRate, count: rates.received),
                .satisfaction: .init(rates.satisfactionRate, count: rates.ratings),
            ]
        }
    }

    /// - Parameters:
    ///   - feedbackByRegion: per level, 亮码评价 rates of each child region by name.
    ///   - feedbackByProject: per level, rates of each project by name.
    public static func inputs(levels: [BulletinFacts.Level], feedbackByRegion: [String: FeedbackRates],
                              feedbackByProject: [String: FeedbackRates], focus: String) -> (regions: [RankingInput], units: [RankingInput]) {
        var regionOrder: [String] = []
        var regions: [String: Tally] = [:]
        var unitOrder: [String] = []
        var units: [String: Tally] = [:]
        var unitProjects: [String: Set<String>] = [:]
        for level in levels {
            let table = level.table
            for (index, name) in table.columns.enumerated() where !table.ownLevelColumns.contains(index) {
                if regions[name] == nil { regionOrder.append(name); regions[name] = Tally() }
            }
            for row in table.rows {
                for (index, name) in table.columns.enumerated() where !table.ownLevelColumns.contains(index) {
                    regions[name]?.add(row.regions.indices.contains(index) ? row.regions[index] : nil, schedule: table.schedule)
                }
                if let lead = row.leadUnit, !lead.isEmpty {
                    if units[lead] == nil { unitOrder.append(lead); units[lead] = Tally() }
                    units[lead]?.add(row.aggregate, schedule: table.schedule)
                    unitProjects[lead, default: []].insert(row.projectName)
                }
            }
            if let disclosure = level.disclosure {
                for row in disclosure.rows {
                    regions[row.region]?.add(row, required: disclosure.requiredTotal)
                    for unit in unitOrder where unitProjects[unit]?.contains(row.project) == true {
                        units[unit]?.add(row, required: disclosure.requiredTotal)
                    }
                }
            }
        }
        for (name, rates) in feedbackByRegion { regions[name]?.add(rates) }
        for unit in unitOrder {
            for project in unitProjects[unit] ?? [] { if let rates = feedbackByProject[project] { units[unit]?.add(rates) } }
        }
        return (regionOrder.map { RankingInput(name: $0, values: regions[$0]?.values ?? [:]) },
                unitOrder.map { RankingInput(name: $0, region: focus, values: units[$0]?.values ?? [:]) })
    }
}

/// The ranking as JSON (`minsheng report ranking`, normative), CSV and XLSX.
public enum RankingExport {
    static func int(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }

    static func measures(_ entry: RankingEntry, rules: RankingRules) -> JSONValue {
        .object(RankingMeasure.allCases.map { measure in
            let m = entry.measures[measure]
            return (measure.rawValue, .object([
                ("value", .optional(m?.value.map { Exact.roundedDouble($0) })),
                ("count", .int(m?.count ?? 0)),
                ("ranked", .bool(m?.ranked ?? false)),
                ("rank", int(m?.rank)),
                ("weight", .int(rules.weight(measure))),
            ]))
        })
    }

    /// `{"region", "month", "regions": [{"region", "rank", "score", "measures": {...}}], "units": [{"unit", "region", "rank", "score", "measures": {...}}]}`;
    /// each entry also carries `previous_rank` and `change` (places gained since last month).
    public static func jsonValue(_ table: RankingTable) -> JSONValue {
        func fields(_ entry: RankingEntry) -> [(String, JSONValue)] {
            [("rank", int(entry.rank)), ("score", .optional(entry.score.map { Exact.roundedDouble($0) })),
             ("measures", measures(entry, rules: table.rules)), ("previous_rank", int(entry.previousRank)), ("change", int(entry.change))]
        }
        return .object([
            ("region", .string(table.region)),
            ("month", .string(String(format: "%04d-%02d", table.year, table.month))),
            ("regions", .array(table.regions.map { .object([("region", .string($0.name))] + fields($0)) })),
            ("units", .array(table.units.map { .object([("unit", .string($0.name)), ("region", .string($0.region ?? table.region))] + fields($0)) })),
        ])
    }

    public static let csvHeading = ["类别", "名称", "所属区划", "名次", "综合得分", "较上月"]

    public static func csv(_ table: RankingTable) -> String {
        let measures = RankingMeasure.allCases
        var lines: [[String]] = [[table.title], csvHeading + measures.map(\.label) + measures.map { "\($0.label)名次" }]
        for (label, entries) in [("区划", table.regions), ("牵头单位", table.units)] {
            for e in entries {
                lines.append([label, e.name, e.region ?? "", e.rank.map(String.init) ?? "—", e.score.map { Figures.fixed($0, scale: 2) } ?? "—", RankingText.change(e)]
                             + measures.map { RankingText.value(e.measures[$0], measure: $0) }
                             + measures.map { e.measures[$0]?.rank.map(String.init) ?? "—" })
            }
        }
        return CSVWriter.document(lines)
    }

    public static func workbook(_ table: RankingTable) -> Workbook {
        var sheets: [Workbook.Sheet] = []
        for (label, units) in [("区划排名", false), ("牵头单位排名", true)] {
            let annex = BulletinAnnexes.rankingTable(table, units: units)
            var sheet = Workbook.Sheet(name: label)
            let width = annex.head.first?.count ?? 1
            var title = Array(repeating: Workbook.Cell(.empty, .title), count: width)
            title[0] = .text("\(table.title)（\(units ? "牵头单位" : "县市区")）", .title)
            sheet.rows.append(title)
            sheet.merge(row: 0, column: 0, toRow: 0, toColumn: width - 1)
            for row in annex.head { sheet.rows.append(row.map { .text($0.text, .header) }) }
            for row in annex.body { sheet.rows.append(row.map { .text($0.text, .number) }) }
            sheet.frozenRows = 2
            sheet.columnWidths = annex.widths.map { Double($0) * 1.6 }
            var note = Array(repeating: Workbook.Cell(.empty, .caption), count: width)
            note[0] = .text(BulletinAnnexes.rankingNote(table), .caption)
            sheet.merge(row: sheet.rows.count, column: 0, toRow: sheet.rows.count, toColumn: width - 1)
            sheet.rows.append(note)
            sheets.append(sheet)
        }
        return Workbook(sheets: sheets)
    }
}
