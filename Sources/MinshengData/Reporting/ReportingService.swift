import FluentKit
import Foundation
import MinshengCore

/// Monthly reporting in the browser: a reporter's grid of shares, drafts and submissions, the
/// office's returns, deadlines, closing and reopening of months. Every change to a figure is
/// written to the history.
public struct ReportingService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Row: Sendable {
        public var indicatorID: Int
        public var regionID: Int
        public var regionName: String
        public var itemName: String
        public var projectName: String
        public var indicatorName: String
        public var unitLabel: String
        public var kind: ProgressType
        public var target: Double?
        public var targetNote: String?
        public var responsibleUnitID: Int?
        public var responsibleUnit: String?
        /// This month's report, in whatever state.
        public var report: ProgressReport?
        /// Last month's submitted figure.
        public var previous: PlanService.ReportedFigure?

        public var state: ProgressReport.State? { report?.reportState }
    }

    public struct Grid: Sendable {
        public var planID: Int
        public var planTitle: String
        public var year: Int
        public var month: Int
        public var ownerRegionID: Int
        public var deadline: String?
        public var closed: Bool
        public var rows: [Row]
        /// 序时进度 at the end of the month.
        public var schedule: Decimal
        /// Each region's place in the plan's (the bulletin's) column order.
        public var regionOrder: [Int: Int] = [:]

        public var submitted: Int { rows.filter { $0.state == .submitted }.count }
        public var missing: [Row] { rows.filter { $0.state != .submitted } }

        /// The figures still missing, by responsible unit — the unit itself, never its name (every
        /// county has a 县人社局) — each labelled with its region ("邵东市 县人社局"), in the plan's
        /// region order. Shares without a unit are grouped by region.
        public var missingByUnit: [UnitRows] {
            let groups = Dictionary(grouping: missing, by: { row in row.responsibleUnitID.map { "u\($0)" } ?? "r\(row.regionID)" })
            return groups.values.compactMap { rows -> UnitRows? in
                guard let first = rows.first else { return nil }
                return UnitRows(unitID: first.responsibleUnitID, label: first.regionName + " " + (first.responsibleUnit ?? "（未指定责任单位）"), rows: rows)
            }.sorted { a, b in
                let ra = a.rows.first.flatMap { regionOrder[$0.regionID] } ?? Int.max, rb = b.rows.first.flatMap { regionOrder[$0.regionID] } ?? Int.max
                return ra != rb ? ra < rb : a.label < b.label
            }
        }
    }

    public struct UnitRows: Sendable {
        public var unitID: Int?
        public var label: String
        public var rows: [Row]
    }

    public struct Entry: Sendable {
        public var indicatorID: Int
        public var regionID: Int
        public var quantity: String
        public var progress: String
        public var note: String
        /// Why the figure is lower than last month's; required when it is.
        public var decreaseReason: String = ""
        public init(indicatorID: Int, regionID: Int, quantity: String, progress: String, note: String, decreaseReason: String = "") {
            self.decreaseReason = decreaseReason
            self.indicatorID = indicatorID
            self.regionID = regionID
            self.quantity = quantity
            self.progress = progress
            self.note = note
        }
    }

    // MARK: - The grid

    /// The shares reported in `scopeRegionID`'s subtree for a plan and month: the leaves of each
    /// indicator's decomposition (aggregates are computed), restricted to `unitID` when given.
    public func grid(planID: Int, month: Int, scopeRegionID: Int, unitID: Int?, tree: RegionTree) async throws -> Grid {
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        guard let plan = try await Plan.query(on: db).filter(\.$id == planID).with(\.$year).first() else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
        let owner = plan.$owner.id
        guard tree.isWithin(scopeRegionID, of: owner) || tree.isWithin(owner, of: scopeRegionID) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
        let items = try await Item.query(on: db).filter(\.$plan.$id == planID).sort(\.$seq).all()
        let projects = items.isEmpty ? [] : try await Project.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).sort(\.$seq).all()
        let indicators = projects.isEmpty ? [] : try await Indicator.query(on: db).filter(\.$project.$id ~~ projects.compactMap(\.id)).sort(\.$seq).all()
        let indicatorIDs = indicators.compactMap(\.id)
        let targets = indicatorIDs.isEmpty ? [] : try await Target.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs).with(\.$responsibleUnit).all()
        let reports = indicatorIDs.isEmpty ? [] : try await ProgressReport.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs).filter(\.$month == month).all()
        let lastMonth = indicatorIDs.isEmpty || month == 1 ? [] : try await TableRows.figures(indicatorIDs: indicatorIDs, month: month - 1, before: false, on: db)

        var sharesByIndicator: [Int: Set<Int>] = [:]
        for target in targets { sharesByIndicator[target.$indicator.id, default: []].insert(target.$region.id) }
        var current: [String: ProgressReport] = [:]
        var previous: [String: PlanService.ReportedFigure] = [:]
        for report in reports { current["\(report.$indicator.id):\(report.$region.id)"] = report }
        for figure in lastMonth { previous["\(figure.indicatorID):\(figure.regionID)"] = figure }
        let itemByID = Dictionary(uniqueKeysWithValues: items.compactMap { item in item.id.map { ($0, item) } })
        let projectByID = Dictionary(uniqueKeysWithValues: projects.compactMap { project in project.id.map { ($0, project) } })
        let indicatorOrder = Dictionary(uniqueKeysWithValues: indicators.enumerated().compactMap { index, indicator in indicator.id.map { ($0, index) } })
        let indicatorByID = Dictionary(uniqueKeysWithValues: indicators.compactMap { indicator in indicator.id.map { ($0, indicator) } })

        var rows: [Row] = []
        for target in targets {
            let regionID = target.$region.id
            guard tree.isWithin(regionID, of: scopeRegionID), let indicator = indicatorByID[target.$indicator.id] else { continue }
            // A share decomposed further is computed from its children, not reported.
            let shares = sharesByIndicator[target.$indicator.id] ?? []
            if tree.children(of: regionID).contains(where: { shares.contains($0.id) }) { continue }
            if let unitID, target.$responsibleUnit.id != unitID { continue }
            let project = projectByID[indicator.$project.id]
            let key = "\(target.$indicator.id):\(regionID)"
            rows.append(Row(indicatorID: target.$indicator.id, regionID: regionID, regionName: tree[regionID]?.name ?? "",
                            itemName: project.flatMap { itemByID[$0.$item.id]?.name } ?? "", projectName: project?.name ?? "",
                            indicatorName: indicator.name, unitLabel: indicator.unitLabel, kind: indicator.kind,
                            target: target.target, targetNote: target.targetNote, responsibleUnitID: target.$responsibleUnit.id,
                            responsibleUnit: target.responsibleUnit?.name, report: current[key], previous: previous[key]))
        }
        // Indicators in the plan's order, regions in the plan's (the bulletin's) order.
        let regionOrder = Dictionary(try await FigureStore.planRegions(planID: planID, on: db).map { ($0.regionID, $0.sortOrder) }, uniquingKeysWith: { a, _ in a })
        rows.sort { a, b in
            let ia = indicatorOrder[a.indicatorID] ?? 0, ib = indicatorOrder[b.indicatorID] ?? 0
            if ia != ib { return ia < ib }
            let ra = regionOrder[a.regionID] ?? Int.max, rb = regionOrder[b.regionID] ?? Int.max
            if ra != rb { return ra < rb }
            return (tree.path(of: a.regionID)) < (tree.path(of: b.regionID))
        }
        let planMonth = try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$month == month).first()
        return Grid(planID: planID, planTitle: plan.title, year: plan.year.year, month: month, ownerRegionID: owner,
                    deadline: planMonth?.deadline, closed: planMonth?.isClosed ?? false, rows: rows,
                    schedule: plan.scheduleShare(endOfMonth: month), regionOrder: regionOrder)
    }

    // MARK: - Saving and submitting

    /// Saves the reporter's entries as drafts, or submits them. All or nothing: a bad entry
    /// refuses the whole form with every problem named.
    public func save(planID: Int, month: Int, entries: [Entry], submit: Bool, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Int {
        try Access.duty(.report, actor, message: "只有填报员或专班办公室管理员可以填报进度。").require()
        let grid = try await grid(planID: planID, month: month, scopeRegionID: actor.regionID, unitID: Access.reportingUnit(actor), tree: tree)
        if grid.closed { throw ServiceError.conflict("\(month) 月已关账，数据已锁定；如需更正，请联系专班办公室重新开放该月。") }
        let rows = Dictionary(grid.rows.map { ("\($0.indicatorID):\($0.regionID)", $0) }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        var accepted: [(Row, Double?, Double?, String?, String?)] = []
        for entry in entries {
            guard let row = rows["\(entry.indicatorID):\(entry.regionID)"] else {
                throw ServiceError.notFound("表单中有不属于您填报范围的指标，未保存任何数据。")
            }
            let where_ = "“\(row.indicatorName)”（\(row.regionName)）"
            let q = entry.quantity.trimmingCharacters(in: .whitespaces)
            let p = entry.progress.trimmingCharacters(in: .whitespaces)
            let note = entry.note.trimmingCharacters(in: .whitespacesAndNewlines)
            if q.isEmpty && p.isEmpty && note.isEmpty && row.report == nil { continue }
            var quantity: Double? = nil
            var progress: Double? = nil
            if !q.isEmpty {
                guard row.kind == .quantity else { problems.append("\(where_)是\(row.kind.label)指标，不填完成数量。"); continue }
                guard let value = ImportNumber.value(q) else { problems.append("\(where_)的完成数量" + (ImportNumber.problem(q) ?? "应为数字。")); continue }
                guard value >= 0 else { problems.append("\(where_)的完成数量不能为负数。"); continue }
                quantity = value
            }
            if !p.isEmpty {
                guard let value = ProgressFile.percent(p) else { problems.append("\(where_)的进度应为百分比，如 92.79。"); continue }
                guard value >= 0 else { problems.append("\(where_)的进度不能为负数。"); continue }
                guard value <= 1000 else { problems.append("\(where_)的进度超过 1000%，请核对。"); continue }
                progress = value
            }
            if note.count > 500 { problems.append("\(where_)的进度情况超过 500 字。"); continue }
            if submit {
                if row.kind == .quantity && quantity == nil && progress == nil { problems.append("\(where_)需填写完成数量。"); continue }
                if row.kind != .quantity && progress == nil { problems.append("\(where_)需填写\(row.kind.label)。"); continue }
            }
            // Figures are cumulative: one lower than last month's needs its reason, kept in the history.
            var reason: String? = nil
            if let fall = Self.decrease(row, quantity: quantity, progress: progress) {
                let given = entry.decreaseReason.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !given.isEmpty else { problems.append("\(where_)的累计数低于上月（\(fall)），请在“下降原因”中说明"); continue }
                guard given.count <= 500 else { problems.append("\(where_)的下降原因超过 500 字。"); continue }
                reason = given
            }
            accepted.append((row, quantity, progress, note.isEmpty ? nil : note, reason))
        }
        if !problems.isEmpty { throw ServiceError.invalid("未保存任何数据：" + problems.joined(separator: "；")) }

        let state: ProgressReport.State = submit ? .submitted : .draft
        let writes = accepted
        return try await db.write(locking: [.plan(planID)]) { db in
            // Closing takes the same lock: a month closed while this form was checked stays closed.
            if try await PlanMonth.isClosed(planID: planID, month: month, on: db) {
                throw ServiceError.conflict("\(month) 月已关账，数据已锁定；如需更正，请联系专班办公室重新开放该月。")
            }
            var changed = 0
            var history: [ProgressHistory] = []
            for (row, quantity, progress, note, reason) in writes {
                let report: ProgressReport
                let before: ProgressReport?
                if let existing = try await ProgressReport.query(on: db).filter(\.$indicator.$id == row.indicatorID)
                    .filter(\.$region.$id == row.regionID).filter(\.$month == month).first() {
                    if existing.quantity == quantity && existing.progress == progress && existing.note == note && existing.reportState == state
                        && existing.decreaseReason == reason { continue }
                    before = ProgressReport(indicatorID: row.indicatorID, regionID: row.regionID, month: month, quantity: existing.quantity,
                                            progress: existing.progress, note: existing.note, state: existing.reportState, reportedBy: nil, submittedAt: nil)
                    report = existing
                } else {
                    before = nil
                    report = ProgressReport(indicatorID: row.indicatorID, regionID: row.regionID, month: month, quantity: nil, progress: nil,
                                            note: nil, state: state, reportedBy: actor.accountID, submittedAt: nil)
                }
                report.quantity = quantity
                report.progress = progress
                report.note = note
                report.decreaseReason = reason
                report.state = state.rawValue
                report.$reportedBy.id = actor.accountID
                if submit { report.submittedAt = now; report.returnReason = nil }
                try await report.save(on: db)
                history.append(ProgressHistory(indicatorID: row.indicatorID, regionID: row.regionID, month: month,
                                               action: submit ? .submitted : .saved, old: before, new: report,
                                               reason: reason.map(CumulativeFigure.historyReason), accountID: actor.accountID, at: now))
                changed += 1
            }
            try await PlanImporter.insertHistory(history, on: db)
            try await EvidenceService.reopen(figures: history.filter { $0.oldQuantity != nil || $0.oldProgress != nil }
                .map { ($0.$indicator.id, $0.$region.id, $0.month) }, by: actor.accountID, at: now, on: db)
            if changed > 0 {
                try await FigureStore.refresh(indicatorIDs: writes.map(\.0.indicatorID), fromMonth: month, on: db)
                try await AuditLog.record(submit ? "progress.submit" : "progress.save", subject: "\(grid.planTitle) \(month) 月",
                                          detail: "\(changed) 条", by: actor.accountID, on: db)
            }
            return changed
        }
    }

    /// "100% → 95%" when the figure is lower than the region's figure of the month before
    /// (quantities for 进度 indicators, percents otherwise), else nil.
    public static func decrease(_ row: Row, quantity: Double?, progress: Double?) -> String? {
        guard let previous = row.previous else { return nil }
        return CumulativeFigure.fall(quantity: quantity, progress: progress, beforeQuantity: previous.quantity, beforeProgress: previous.progress, unit: row.unitLabel)
    }

    // MARK: - The office

    /// Returns a submitted figure to its reporter with a reason. Only an admin of a region
    /// above the figure's region may do so, while the month is open.
    public func returnReport(indicatorID: Int, regionID: Int, month: Int, reason: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        try Access.office(actor, region: regionID, tree: tree, denied: "只有上级专班办公室管理员可以退回报送。").require()
        guard regionID != actor.regionID else { throw ServiceError.forbidden("不能退回本级报送的数据，应由上级专班办公室退回。") }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ServiceError.invalid("请填写退回原因。") }
        guard text.count <= 500 else { throw ServiceError.invalid("退回原因不能超过 500 字。") }
        let planID = try await planID(ofIndicator: indicatorID)
        // Read and decided under the plan's lock: a save, an import or a closing in between is seen.
        try await db.write(locking: [.plan(planID)]) { db in
            guard let report = try await ProgressReport.query(on: db).filter(\.$indicator.$id == indicatorID).filter(\.$region.$id == regionID)
                .filter(\.$month == month).first() else { throw ServiceError.notFound("该月尚无报送数据。") }
            guard report.reportState == .submitted else { throw ServiceError.conflict("该数据尚未报送，无需退回。") }
            if try await PlanMonth.isClosed(planID: planID, month: month, on: db) {
                throw ServiceError.conflict("\(month) 月已关账，请先重新开放该月。")
            }
            let before = ProgressReport(indicatorID: indicatorID, regionID: regionID, month: month, quantity: report.quantity, progress: report.progress,
                                        note: report.note, state: .submitted, reportedBy: nil, submittedAt: nil)
            report.state = ProgressReport.State.returned.rawValue
            report.returnReason = text
            try await report.save(on: db)
            try await ProgressHistory(indicatorID: indicatorID, regionID: regionID, month: month, action: .returned, old: before, new: report,
                                      reason: text, accountID: actor.accountID, at: now).create(on: db)
            try await FigureStore.refresh(indicatorIDs: [indicatorID], fromMonth: month, on: db)
            try await EvidenceService.reopen(figures: [(indicatorID, regionID, month)], by: actor.accountID, at: now, on: db)
            try await AuditLog.record("progress.return", subject: "\(tree[regionID]?.name ?? "") \(month) 月", detail: text, by: actor.accountID, on: db)
        }
    }

    /// Sets the reporting deadline of a plan's month ("YYYY-MM-DD", or empty to clear).
    public func setDeadline(planID: Int, month: Int, deadline: String, actor: Actor, tree: RegionTree) async throws {
        try await requireOffice(planID: planID, actor: actor, tree: tree)
        var text = deadline.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
                throw ServiceError.invalid("截止日期应为 YYYY-MM-DD 格式。")
            }
            text = String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
        }
        let chosen = text
        try await db.write(locking: [.plan(planID)]) { db in
            let row = try await ReportingService(db: db).planMonth(planID: planID, month: month)
            row.deadline = chosen.isEmpty ? nil : chosen
            try await row.save(on: db)
            try await AuditLog.record("month.deadline", subject: "计划 \(planID) \(month) 月", detail: chosen.isEmpty ? "清除截止日期" : "截止日期 \(chosen)",
                                      by: actor.accountID, on: db)
        }
    }

    /// Sets the plan's own 序时进度 ("3:20,6:50", month:percent; empty for m/12 throughout).
    public func setSchedule(planID: Int, text: String, actor: Actor, tree: RegionTree) async throws {
        try await requireOffice(planID: planID, actor: actor, tree: tree)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var stored: String? = nil
        if !trimmed.isEmpty {
            guard trimmed.count <= 200, let parsed = Schedule.parse(trimmed), !parsed.isEmpty else {
                throw ServiceError.invalid("序时进度应写成“月份:百分比”，以逗号分隔，如 3:20,6:50,9:75；月份 1-12，百分比 0-100，每月只写一次。")
            }
            stored = Schedule.format(parsed)
        }
        guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
        let schedule = stored
        try await db.write(locking: [.plan(planID)]) { db in
            plan.schedule = schedule
            try await plan.save(on: db)
            try await FigureStore.refresh(planID: planID, on: db)
            try await AuditLog.record("plan.schedule", subject: plan.title, detail: schedule.map { "序时进度 \($0)" } ?? "恢复按月平均（m/12）", by: actor.accountID, on: db)
        }
    }

    /// How the plan's bulletins count 已完成 (`CompletionRule`): the office's own rule.
    public func setCompletionRule(planID: Int, rule raw: String, actor: Actor, tree: RegionTree) async throws {
        try await requireOffice(planID: planID, actor: actor, tree: tree)
        guard let rule = CompletionRule(rawValue: raw) else { throw ServiceError.invalid("请选择已完成的计数规则。") }
        guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
        try await db.write(locking: [.plan(planID)]) { db in
            plan.completionRuleText = rule.rawValue
            try await plan.save(on: db)
            try await AuditLog.record("plan.completion_rule", subject: plan.title, detail: "已完成计数规则：\(rule.label)", by: actor.accountID, on: db)
        }
    }

    /// The office was shown figures still missing and closes anyway; the count it saw must
    /// still be the count when it closes.
    public struct MissingNotAcknowledged: Error, Sendable {
        public var missing: Int
    }

    /// Closes a month: its figures are locked (its evidence is not).
    /// - Parameter acknowledgedMissing: how many figures the office saw still missing when it
    ///   asked to close; the count is taken again under the plan's lock, and a different one
    ///   refuses with `MissingNotAcknowledged`. Nil closes regardless (the command line, tests).
    public func close(planID: Int, month: Int, actor: Actor, tree: RegionTree, acknowledgedMissing: Int? = nil, now: Date = Date()) async throws {
        try await requireOffice(planID: planID, actor: actor, tree: tree)
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        try await db.write(locking: [.plan(planID)]) { db in
            let row = try await ReportingService(db: db).planMonth(planID: planID, month: month)
            guard !row.isClosed else { throw ServiceError.conflict("\(month) 月已关账。") }
            if let acknowledgedMissing {
                let missing = try await ReportingService(db: db).grid(planID: planID, month: month, scopeRegionID: actor.regionID, unitID: nil, tree: tree).missing.count
                if missing != acknowledgedMissing { throw MissingNotAcknowledged(missing: missing) }
            }
            row.closedAt = now
            row.$closedBy.id = actor.accountID
            try await row.save(on: db)
            try await AuditLog.record("month.close", subject: "计划 \(planID) \(month) 月", detail: "关账", by: actor.accountID, on: db)
        }
        try await PublicVersion.changed(on: db)
    }

    /// Reopens a closed month for a correction; the reason is recorded.
    public func reopen(planID: Int, month: Int, reason: String, actor: Actor, tree: RegionTree) async throws {
        try await requireOffice(planID: planID, actor: actor, tree: tree)
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ServiceError.invalid("请填写重新开放的原因。") }
        guard text.count <= 500 else { throw ServiceError.invalid("原因不能超过 500 字。") }
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        try await db.write(locking: [.plan(planID)]) { db in
            let row = try await ReportingService(db: db).planMonth(planID: planID, month: month)
            guard row.isClosed else { throw ServiceError.conflict("\(month) 月未关账。") }
            row.closedAt = nil
            row.$closedBy.id = nil
            try await row.save(on: db)
            try await AuditLog.record("month.reopen", subject: "计划 \(planID) \(month) 月", detail: "重新开放：\(text)", by: actor.accountID, on: db)
        }
        try await PublicVersion.changed(on: db)
    }

    /// The history of one figure, newest first.
    public func history(indicatorID: Int, regionID: Int, month: Int? = nil) async throws -> [ProgressHistory] {
        var query = ProgressHistory.query(on: db).filter(\.$indicator.$id == indicatorID).filter(\.$region.$id == regionID).with(\.$account)
        if let month { query = query.filter(\.$month == month) }
        return try await query.sort(\.$id, .descending).all()
    }

    /// The months of a plan with their deadline and closing.
    public func months(planID: Int) async throws -> [Int: PlanMonth] {
        var result: [Int: PlanMonth] = [:]
        for row in try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).all() { result[row.month] = row }
        return result
    }

    // MARK: - Helpers

    private func requireOffice(planID: Int, actor: Actor, tree: RegionTree) async throws {
        _ = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室管理员可以设置截止日期、关账或重新开放。", on: db)
    }

    func planMonth(planID: Int, month: Int) async throws -> PlanMonth {
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        if let row = try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$month == month).first() { return row }
        let row = PlanMonth(planID: planID, month: month)
        try await row.create(on: db)
        return row
    }

    private func planID(ofIndicator id: Int) async throws -> Int {
        guard let indicator = try await Indicator.query(on: db).filter(\.$id == id).with(\.$project, { $0.with(\.$item) }).first() else {
            throw ServiceError.notFound()
        }
        return indicator.project.item.$plan.id
    }
}
