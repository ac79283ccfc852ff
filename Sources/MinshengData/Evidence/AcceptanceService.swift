import FluentKit
import Foundation
import MinshengCore

/// 验收率 beside 进度: the accepted share of each target, aggregated up the decomposition by the
/// indicator's rule like progress, and the gap against the office's limit for the month; with
/// the lists the offices chase (figures without evidence, evidence waiting for review, what each
/// unit still has to upload).
public struct AcceptanceService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// A reported figure with no evidence behind it, or less than it reports.
    public struct Shortfall: Sendable {
        public var indicatorID: Int
        public var indicator: String
        public var project: String
        public var unitLabel: String
        public var regionID: Int
        public var region: String
        public var responsibleUnit: String?
        public var reported: Decimal
        /// Pending and accepted evidence together.
        public var covered: Decimal?
        public var kind: ProgressType
    }

    /// Evidence waiting for a reviewing unit.
    public struct Waiting: Sendable {
        public var reviewingUnit: String
        public var count: Int
        public var oldestDays: Int
    }

    public struct Report: Sendable {
        public var table: ProgressTable
        public var planID: Int
        public var focusRegionID: Int
        public var columnRegionIDs: [Int]
        /// Figures with no evidence at all (nothing pending or accepted), in the focus's subtree.
        public var withoutEvidence: [Shortfall]
        /// Figures whose evidence (pending or accepted) covers less than they report.
        public var underCovered: [Shortfall]
        public var waiting: [Waiting]

        /// Per responsible unit, what it still has to upload: figures without evidence and with too
        /// little, most first.
        public var owedByUnit: [(unit: String, without: Int, under: Int)] {
            var counts: [String: (Int, Int)] = [:]
            for s in withoutEvidence { counts[s.responsibleUnit ?? "未指定责任单位", default: (0, 0)].0 += 1 }
            for s in underCovered { counts[s.responsibleUnit ?? "未指定责任单位", default: (0, 0)].1 += 1 }
            return counts.map { ($0.key, $0.value.0, $0.value.1) }.sorted { ($0.without + $0.under, $1.unit) > ($1.without + $1.under, $0.unit) }
        }

        /// The lists as export sheets.
        public var lists: [AcceptanceExport.List] {
            func shortfall(_ s: Shortfall) -> [String] {
                let unit = s.kind == .quantity ? s.unitLabel : "%"
                return [s.project, s.indicator, s.region, s.responsibleUnit ?? "", Figures.quantity(s.reported) + unit,
                        s.covered.map { Figures.quantity($0) + unit } ?? "0"]
            }
            let head = ["项目名称", "指标任务", "区划", "责任单位", "填报数", "佐证覆盖数"]
            return [
                .init(name: "各单位待上传佐证", heading: ["责任单位", "无佐证的填报数据", "佐证不足的填报数据"],
                      rows: owedByUnit.map { [$0.unit, "\($0.without)", "\($0.under)"] }),
                .init(name: "无佐证的填报数据", heading: head, rows: withoutEvidence.map(shortfall)),
                .init(name: "佐证不足的填报数据", heading: head, rows: underCovered.map(shortfall)),
                .init(name: "待审核的佐证", heading: ["审核单位", "待审核条数", "最长等待天数"],
                      rows: waiting.map { [$0.reviewingUnit, "\($0.count)", "\($0.oldestDays)"] }),
            ]
        }
    }

    /// The table of `planID` for the focus region at the end of `month` with 验收率 and the gap.
    /// `shortfalls: false` leaves out the lists of figures without evidence and of evidence
    /// waiting for review (the table's figures are the same either way).
    public func report(planID: Int, scopeRegionID: Int, tree: RegionTree, focusRegionID: Int? = nil, month: Int? = nil,
                       shortfalls: Bool = true, now: Date = Date()) async throws -> Report? {
        guard let browser = try await PlanService(db: db).browse(planID: planID, scopeRegionID: scopeRegionID, tree: tree,
                                                                  focusRegionID: focusRegionID, month: month) else { return nil }
        var table = ProgressReportService.table(from: browser)
        let focus = browser.focus.regionID
        let columnIDs = browser.columns.filter { !$0.isAggregate }.map(\.regionID)
        guard let shown = table.month else {
            return Report(table: table, planID: planID, focusRegionID: focus, columnRegionIDs: columnIDs, withoutEvidence: [], underCovered: [], waiting: [])
        }
        let indicatorIDs = table.rows.map(\.indicatorID)
        let limit = try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$month == shown).first()?.gapLimit
        let gapLimit = limit.map(Exact.decimal)
        table.gapLimit = gapLimit

        let shares = Dictionary(grouping: try await TableRows.shares(indicatorIDs: indicatorIDs, month: shown, on: db), by: \.indicatorID)
        let reports = Dictionary(grouping: try await TableRows.latestFigures(indicatorIDs: indicatorIDs, through: shown, on: db), by: \.indicatorID)
        let evidence = indicatorIDs.isEmpty ? [] : try await Evidence.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs)
            .filter(\.$month <= shown).filter(\.$state ~~ [Evidence.State.approved.rawValue, Evidence.State.pending.rawValue]).all()
        let evidenceByIndicator = Dictionary(grouping: evidence, by: { $0.$indicator.id })
        let focusSubtree = tree.subtreeIDs(of: focus)
        let unitNames = try await names(ofUnits: Set(shares.values.joined().compactMap(\.unitID)))

        var withoutEvidence: [Shortfall] = []
        var underCovered: [Shortfall] = []
        for (index, row) in table.rows.enumerated() {
            let indicatorShares = shares[row.indicatorID] ?? []
            let decomposition = FigureStore.Decomposition(shares: indicatorShares, tree: tree)
            // Each bottom share's latest figure (cumulative), and its evidence.
            var latest: [Int: TableRows.Figure] = [:]
            for report in reports[row.indicatorID] ?? [] where (latest[report.regionID]?.month ?? 0) < report.month { latest[report.regionID] = report }
            var accepted: [Int: ExactNumber] = [:], acceptedMonth: [Int: Int] = [:]
            var covered: [Int: ExactNumber] = [:], coveredMonth: [Int: Int] = [:]
            var hasEvidence: Set<Int> = []
            for item in evidenceByIndicator[row.indicatorID] ?? [] {
                let region = item.$region.id
                hasEvidence.insert(region)
                guard let value = item.quantity.map(ExactNumber.init) else { continue }
                func add(_ totals: inout [Int: ExactNumber], _ months: inout [Int: Int]) {
                    if row.kind == .quantity {
                        totals[region] = totals[region].map { $0 + value } ?? value
                    } else if (months[region] ?? 0) <= item.month {
                        // 形象进度 and 达标: the latest accepted progress is the figure.
                        totals[region] = value
                        months[region] = item.month
                    }
                }
                add(&covered, &coveredMonth)
                if item.evidenceState == .approved { add(&accepted, &acceptedMonth) }
            }
            let progress = decomposition.computation(kind: row.kind, rule: row.rule) { region in
                let figure = latest[region]
                return (figure?.quantity.map(ExactNumber.init), figure?.progress.map(ExactNumber.init))
            }.allFigures()
            // Nothing accepted anywhere: no 验收率 (null). Otherwise a share with nothing accepted
            // counts as 0 — in a mean it pulls the aggregate down, as it should.
            let anyAccepted = !accepted.isEmpty
            let zero = ExactNumber(0)
            let acceptance = decomposition.computation(kind: row.kind, rule: row.rule) { region in
                let value = accepted[region] ?? (anyAccepted ? zero : nil)
                return row.kind == .quantity ? (value, nil) : (nil, value)
            }.allFigures()

            func overlay(_ figure: inout ProgressTable.Figure?, region: Int) {
                guard figure != nil else { return }
                let p = progress[region]?.progress
                let a = acceptance[region]?.progress
                figure?.acceptance = a
                if let p {
                    let gap = p - (a ?? 0)
                    figure?.gap = gap
                    if let gapLimit { figure?.overLimit = gap > gapLimit }
                }
            }
            overlay(&table.rows[index].aggregate, region: focus)
            for (column, region) in columnIDs.enumerated() where column < table.rows[index].regions.count {
                overlay(&table.rows[index].regions[column], region: region)
            }

            // Bottom shares in the focus's subtree with a reported figure.
            for share in indicatorShares where shortfalls && focusSubtree.contains(share.regionID) && !decomposition.hasChildren.contains(share.regionID) {
                guard let figure = latest[share.regionID] else { continue }
                let reported = row.kind == .quantity ? (figure.quantity ?? figure.progress) : figure.progress
                guard let reportedValue = reported.map(Exact.decimal), reportedValue > 0 else { continue }
                let entry = Shortfall(indicatorID: row.indicatorID, indicator: row.indicator, project: row.projectName, unitLabel: row.unit,
                                      regionID: share.regionID, region: tree[share.regionID]?.name ?? "",
                                      responsibleUnit: share.unitID.flatMap { unitNames[$0] }, reported: reportedValue,
                                      covered: covered[share.regionID]?.decimal, kind: row.kind)
                if !hasEvidence.contains(share.regionID) {
                    withoutEvidence.append(entry)
                } else if let value = entry.covered, value < reportedValue, row.kind == .quantity || figure.quantity == nil {
                    underCovered.append(entry)
                }
            }
        }
        let waiting = !shortfalls ? [] : try await waitingByUnit(indicatorIDs: indicatorIDs, regions: focusSubtree, shares: shares, tree: tree, now: now)
        return Report(table: table, planID: planID, focusRegionID: focus, columnRegionIDs: columnIDs,
                      withoutEvidence: withoutEvidence, underCovered: underCovered, waiting: waiting)
    }

    /// Pending evidence in the regions, by the unit that reviews it, the longest waiting first.
    private func waitingByUnit(indicatorIDs: [Int], regions: Set<Int>, shares: [Int: [TableRows.Share]], tree: RegionTree, now: Date) async throws -> [Waiting] {
        guard !indicatorIDs.isEmpty else { return [] }
        let pending = try await Evidence.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs)
            .filter(\.$state == Evidence.State.pending.rawValue).all().filter { regions.contains($0.$region.id) }
        guard !pending.isEmpty else { return [] }
        let leads = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: db).filter(\.$id ~~ indicatorIDs).all()
            .compactMap { i in i.id.map { ($0, i.$leadUnit.id) } })
        var byUnit: [Int?: (count: Int, oldest: Date)] = [:]
        for item in pending {
            let unit = EvidenceService.reviewingUnit(regionID: item.$region.id, shares: shares[item.$indicator.id] ?? [],
                                                     leadUnit: leads[item.$indicator.id] ?? nil, tree: tree)
            let entry = byUnit[unit] ?? (0, item.createdAt)
            byUnit[unit] = (entry.count + 1, min(entry.oldest, item.createdAt))
        }
        let names = try await names(ofUnits: Set(byUnit.keys.compactMap { $0 }))
        return byUnit.map { unit, entry in
            Waiting(reviewingUnit: unit.flatMap { names[$0] } ?? "专班办公室", count: entry.count,
                    oldestDays: max(0, Int(now.timeIntervalSince(entry.oldest) / 86_400)))
        }.sorted { ($0.oldestDays, $0.count) > ($1.oldestDays, $1.count) }
    }

    private func names(ofUnits ids: Set<Int>) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ Array(ids)).all().compactMap { u in u.id.map { ($0, u.name) } })
    }

    /// Sets the month's limit on 进度 − 验收率 (percentage points; nil clears it). The office only.
    public func setGapLimit(planID: Int, month: Int, limit rawLimit: String, actor: Actor, tree: RegionTree) async throws {
        let plan = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室可以设置验收差距上限。", on: db)
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        let text = rawLimit.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
        var limit: Double? = nil
        if !text.isEmpty {
            guard let value = ImportNumber.value(text), value >= 0, value <= 100 else { throw ServiceError.invalid("差距上限应为 0 至 100 之间的百分数，如 10 表示 10%。") }
            limit = value
        }
        let row: PlanMonth
        if let existing = try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$month == month).first() {
            row = existing
        } else {
            row = PlanMonth(planID: planID, month: month)
        }
        row.gapLimit = limit
        let chosen = limit
        try await db.write { db in
            try await row.save(on: db)
            try await AuditLog.record("month.gap_limit", subject: "\(plan.title) \(month) 月",
                                      detail: chosen.map { "进度与验收率差距上限 \(Figures.quantity($0))%" } ?? "清除差距上限", by: actor.accountID, on: db)
        }
    }
}
