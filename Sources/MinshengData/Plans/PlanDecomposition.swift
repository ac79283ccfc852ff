import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// One indicator's decomposition below one region, edited as a grid: before the plan is adopted
/// a save writes the targets; after it, a save proposes an adjustment (计划调整) that the
/// approving office approves from a month on, or returns.
public struct PlanDecomposition: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// A region's row in the grid.
    public struct Cell: Sendable, Equatable {
        public var regionID: Int
        public var name: String
        public var present: Bool
        public var target: Double?
        public var targetNote: String?
        public var unitName: String?
        /// Figures were reported for the share (its removal keeps them in earlier months only).
        public var hasFigures: Bool
        /// The region has regions below it (its share can be decomposed further).
        public var hasChildren: Bool
    }

    public struct Grid: Sendable {
        public var planID: Int
        public var planTitle: String
        public var adopted: Bool
        public var indicatorID: Int
        public var indicatorName: String
        public var projectName: String
        public var unitLabel: String
        public var rule: Aggregation
        public var regionID: Int
        public var regionName: String
        /// The region's own share: its target is edited here only for the plan's owner (every
        /// other region's own target is its parent's to set).
        public var own: Cell
        public var ownEditable: Bool
        public var cells: [Cell]
        public var sum: DecompositionSum
        /// The adjustment of this grid waiting for a decision, if any.
        public var pending: AdjustmentRecord?
        /// Every adjustment of the indicator, newest first.
        public var history: [AdjustmentRecord]
        public var approverName: String
        /// The grid's cells in paste order: the own share (when editable), then the children.
        public var pasteOrder: [Int] { (ownEditable ? [own.regionID] : []) + cells.map(\.regionID) }
    }

    /// An adjustment with its names resolved, for pages and history.
    public struct AdjustmentRecord: Sendable {
        public struct Line: Sendable, Equatable {
            public var regionName: String
            public var before: String
            public var after: String
        }
        public var id: Int
        public var planID: Int
        public var indicatorID: Int
        public var indicatorName: String
        public var regionID: Int
        public var regionName: String
        public var state: PlanAdjustment.State
        public var reason: String
        public var proposer: String
        public var proposedAt: Date
        public var approverRegionID: Int
        public var approverName: String
        public var decider: String?
        public var decidedAt: Date?
        public var effectiveMonth: Int?
        public var returnReason: String?
        public var lines: [Line]
    }

    // MARK: - Reading

    public func grid(planID: Int, indicatorID: Int, regionID: Int, actor: Actor, tree: RegionTree) async throws -> Grid {
        let (plan, indicator, project) = try await Self.locate(planID: planID, indicatorID: indicatorID, on: db)
        try Access.decompose(actor, owner: plan.$owner.id, region: regionID, tree: tree).require()
        let shares = try await TableRows.shares(indicatorIDs: [indicatorID], on: db)
        let byRegion = Dictionary(shares.map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
        let isOwner = regionID == plan.$owner.id
        guard isOwner || byRegion[regionID] != nil else {
            throw ServiceError.notFound("\(tree[regionID]?.name ?? "该区划")在该指标中没有任务，无需分解。")
        }
        let unitIDs = Set(shares.compactMap(\.unitID))
        let units = unitIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ Array(unitIDs)).all()
            .map { (try $0.requireID(), $0.name) })
        let reported = Set(try await db.sql.raw("""
            SELECT DISTINCT region_id FROM progress_reports WHERE indicator_id = \(bind: indicatorID)
            """).all().map { try $0.decode(column: "region_id", as: Int.self) })
        func cell(_ region: Int) -> Cell {
            let share = byRegion[region]
            return Cell(regionID: region, name: tree[region]?.name ?? "", present: share != nil, target: share?.target, targetNote: share?.targetNote,
                        unitName: share?.unitID.flatMap { units[$0] }, hasFigures: reported.contains(region),
                        hasChildren: !tree.children(of: region).isEmpty)
        }
        let cells = tree.children(of: regionID).map { cell($0.id) }
        let own = cell(regionID)
        let history = try await records(planID: planID, indicatorID: indicatorID, tree: tree)
        let approver = Access.approverRegion(for: regionID, owner: plan.$owner.id, rule: Self.approver(plan, tree: tree), tree: tree)
        return Grid(planID: planID, planTitle: plan.title, adopted: plan.isAdopted, indicatorID: indicatorID, indicatorName: indicator.name,
                    projectName: project.name, unitLabel: indicator.unitLabel, rule: indicator.rule, regionID: regionID,
                    regionName: tree[regionID]?.name ?? "", own: own, ownEditable: isOwner, cells: cells,
                    sum: DecompositionSum(parentTarget: own.target, children: cells.map { $0.present ? $0.target : nil }),
                    pending: history.first { $0.state == .proposed && $0.regionID == regionID },
                    history: history, approverName: tree[approver]?.name ?? "")
    }

    /// The plan's adjustments (newest first), or one indicator's.
    public func records(planID: Int, indicatorID: Int? = nil, tree: RegionTree) async throws -> [AdjustmentRecord] {
        var query = PlanAdjustment.query(on: db).filter(\.$plan.$id == planID)
        if let indicatorID { query = query.filter(\.$indicator.$id == indicatorID) }
        let adjustments = try await query.sort(\.$id, .descending).all()
        guard !adjustments.isEmpty else { return [] }
        let indicatorIDs = Array(Set(adjustments.map { $0.$indicator.id }))
        let names = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: db).filter(\.$id ~~ indicatorIDs).all().map { (try $0.requireID(), $0.name) })
        let accountIDs = Array(Set(adjustments.flatMap { [$0.proposedBy, $0.decidedBy].compactMap { $0 } }))
        let people = accountIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Account.query(on: db).filter(\.$id ~~ accountIDs).all()
            .map { (try $0.requireID(), $0.displayName) })
        let changes = adjustments.map(\.changes)
        let unitIDs = Array(Set(changes.flatMap { ($0.before + $0.after).compactMap(\.unitID) }))
        let units = unitIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ unitIDs).all()
            .map { (try $0.requireID(), $0.name) })
        func describe(_ change: PlanAdjustment.Change?) -> String {
            guard let change, change.present else { return "无任务" }
            var parts = [change.target.map(Figures.quantity) ?? (change.targetNote ?? "未定")]
            if let unit = change.unitID.flatMap({ units[$0] }) { parts.append("责任单位 \(unit)") }
            return parts.joined(separator: "，")
        }
        return try zip(adjustments, changes).map { adjustment, change in
            let before = Dictionary(change.before.map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
            let lines = change.after.map { after in
                AdjustmentRecord.Line(regionName: tree[after.regionID]?.name ?? "", before: describe(before[after.regionID]), after: describe(after))
            }
            return AdjustmentRecord(id: try adjustment.requireID(), planID: planID, indicatorID: adjustment.$indicator.id,
                                    indicatorName: names[adjustment.$indicator.id] ?? "", regionID: adjustment.$region.id,
                                    regionName: tree[adjustment.$region.id]?.name ?? "", state: adjustment.state, reason: adjustment.reason,
                                    proposer: adjustment.proposedBy.flatMap { people[$0] } ?? "", proposedAt: adjustment.proposedAt,
                                    approverRegionID: adjustment.$approverRegion.id, approverName: tree[adjustment.$approverRegion.id]?.name ?? "",
                                    decider: adjustment.decidedBy.flatMap { people[$0] }, decidedAt: adjustment.decidedAt,
                                    effectiveMonth: adjustment.effectiveMonth, returnReason: adjustment.returnReason, lines: lines)
        }
    }

    // MARK: - Saving

    /// A region's row as typed or pasted: the target, its note (a target in words), the 责任单位.
    public struct Entry: Sendable {
        public var regionID: Int
        public var target: String
        public var note: String
        public var unit: String
        public init(regionID: Int, target: String, note: String = "", unit: String = "") {
            self.regionID = regionID
            self.target = target
            self.note = note
            self.unit = unit
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// Written (the plan is not adopted yet): how many shares changed.
        case saved(changed: Int)
        /// Proposed as an adjustment for the approving office.
        case proposed(id: Int, approver: String)
    }

    /// Fills the entries' targets from a paste, in the grid's paste order (refused whole when a
    /// cell is bad or there are more cells than the grid).
    public static func applyPaste(_ text: String, to entries: [Entry], order: [Int]) throws -> [Entry] {
        switch GridPaste.parse(text, capacity: order.count) {
        case .failure(let refusal): throw ServiceError.invalid("粘贴的内容未能使用，表格未作改动：" + refusal.message + "。")
        case .success(let values):
            var byRegion = Dictionary(entries.map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
            for (region, value) in zip(order, values) {
                var entry = byRegion[region] ?? Entry(regionID: region, target: "")
                entry.target = value.map(Figures.quantity) ?? ""
                if value != nil { entry.note = "" }
                byRegion[region] = entry
            }
            return order.compactMap { byRegion[$0] }
        }
    }

    /// Saves the grid: writes it before the plan is adopted, proposes it as an adjustment after.
    public func save(planID: Int, indicatorID: Int, regionID: Int, entries: [Entry], reason: String?, actor: Actor, tree: RegionTree,
                     now: Date = Date()) async throws -> Outcome {
        let (plan0, _, _) = try await Self.locate(planID: planID, indicatorID: indicatorID, on: db)
        try Access.decompose(actor, owner: plan0.$owner.id, region: regionID, tree: tree).require()
        let isOwner = regionID == plan0.$owner.id
        let allowed = Set(tree.children(of: regionID).map(\.id) + (isOwner ? [regionID] : []))
        // Every cell judged before anything is written.
        var problems: [String] = []
        var parsed: [(Entry, Double?)] = []
        for entry in entries {
            guard allowed.contains(entry.regionID) else {
                if entry.regionID == regionID { problems.append("本级目标任务由上级下达，不能在此修改"); continue }
                throw ServiceError.invalid("表格中有不属于\(tree[regionID]?.name ?? "该区划")下级的区划，请刷新页面后重试。")
            }
            let name = tree[entry.regionID]?.name ?? ""
            switch GridPaste.cell(entry.target) {
            case .failure(let refusal): problems.append(refusal.message.replacingOccurrences(of: "第 1 格", with: name))
            case .success(let value):
                if entry.note.count > 200 { problems.append("\(name)的目标说明过长（不超过 200 个字）") }
                if entry.unit.count > 100 { problems.append("\(name)的责任单位名称过长（不超过 100 个字）") }
                parsed.append((entry, value))
            }
        }
        guard problems.isEmpty else { throw ServiceError.invalid("表格未保存：" + problems.joined(separator: "；") + "。") }
        let reasonText = try PlanEditor.optionalText(reason, field: "调整原因", limit: PlanEditor.maxReason)
        let cells = parsed

        return try await db.write(locking: [.plan(planID)]) { db in
            guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
            let current = Dictionary(try await TableRows.shares(indicatorIDs: [indicatorID], on: db).map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
            guard isOwner || current[regionID] != nil else { throw ServiceError.notFound("\(tree[regionID]?.name ?? "该区划")在该指标中没有任务，无需分解。") }
            var before: [PlanAdjustment.Change] = []
            var after: [PlanAdjustment.Change] = []
            for (entry, value) in cells {
                let note = entry.note.trimmingCharacters(in: .whitespacesAndNewlines)
                let unitName = entry.unit.trimmingCharacters(in: .whitespacesAndNewlines)
                let old = current[entry.regionID]
                let present = value != nil || !note.isEmpty || !unitName.isEmpty
                var unitID: Int? = nil
                if !unitName.isEmpty {
                    unitID = try await UnitService(db: db).findOrCreate(name: unitName, regionID: entry.regionID).requireID()
                } else if present {
                    unitID = old?.unitID
                }
                let was = PlanAdjustment.Change(regionID: entry.regionID, present: old != nil, target: old?.target, targetNote: old?.targetNote, unitID: old?.unitID)
                let will = PlanAdjustment.Change(regionID: entry.regionID, present: present, target: value, targetNote: value == nil && !note.isEmpty ? note : nil,
                                                 unitID: present ? unitID : nil)
                // The owner's own share stays (the plan's aggregate column) even when emptied.
                let kept = entry.regionID == plan.$owner.id ? PlanAdjustment.Change(regionID: will.regionID, present: true, target: will.target,
                                                                                    targetNote: will.targetNote, unitID: will.unitID) : will
                if Self.same(was, kept) { continue }
                before.append(was)
                after.append(kept)
            }
            guard !after.isEmpty else { throw ServiceError.invalid("表格没有改动。") }
            let changes = PlanAdjustment.Changes(before: before, after: after)
            if !plan.isAdopted {
                try await Self.apply(changes, indicatorID: indicatorID, effectiveMonth: nil, adjustmentID: nil, tree: tree, on: db)
                try await AuditLog.record("plan.decompose", subject: plan.title,
                                          detail: "\(tree[regionID]?.name ?? "")：\(after.count) 个区划的任务", by: actor.accountID, on: db)
                return .saved(changed: after.count)
            }
            guard let reasonText else { throw ServiceError.invalid("计划已通过，修改目标任务或责任单位须提出计划调整：请填写调整原因。") }
            if try await PlanAdjustment.query(on: db).filter(\.$indicator.$id == indicatorID).filter(\.$region.$id == regionID)
                .filter(\.$stateText == PlanAdjustment.State.proposed.rawValue).first() != nil {
                throw ServiceError.conflict("该指标在\(tree[regionID]?.name ?? "")已有一项待审批的调整，请待其审批或退回后再提出。")
            }
            let approver = Access.approverRegion(for: regionID, owner: plan.$owner.id, rule: Self.approver(plan, tree: tree), tree: tree)
            let adjustment = PlanAdjustment()
            adjustment.$plan.id = planID
            adjustment.$indicator.id = indicatorID
            adjustment.$region.id = regionID
            adjustment.changesJSON = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
            adjustment.reason = reasonText
            adjustment.stateText = PlanAdjustment.State.proposed.rawValue
            adjustment.proposedBy = actor.accountID
            adjustment.proposedAt = now
            adjustment.$approverRegion.id = approver
            try await adjustment.create(on: db)
            try await AuditLog.record("plan.adjustment.propose", subject: plan.title, detail: "\(tree[regionID]?.name ?? "")：\(reasonText)",
                                      by: actor.accountID, on: db)
            return .proposed(id: try adjustment.requireID(), approver: tree[approver]?.name ?? "")
        }
    }

    /// Approves an adjustment from `effectiveMonth` on: the months before it keep the targets
    /// they had, in every table, bulletin and report.
    public func approve(adjustmentID: Int, effectiveMonth: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let adjustment0 = try await find(adjustmentID, actor: actor, tree: tree)
        guard (1...12).contains(effectiveMonth) else { throw ServiceError.invalid("请选择调整生效的月份（1 至 12 月）。") }
        try await db.write(locking: [.plan(adjustment0.$plan.id)]) { db in
            guard let adjustment = try await PlanAdjustment.find(adjustmentID, on: db), adjustment.state == .proposed else {
                throw ServiceError.conflict("该调整已经审批过了。")
            }
            guard let plan = try await Plan.find(adjustment.$plan.id, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
            let planID = try plan.requireID()
            if try await PlanMonth.isClosed(planID: planID, month: effectiveMonth, on: db) {
                throw ServiceError.conflict("\(effectiveMonth) 月已关账，调整只能从尚未关账的月份起生效。")
            }
            let latest = try await PlanAdjustment.query(on: db).filter(\.$indicator.$id == adjustment.$indicator.id)
                .filter(\.$stateText == PlanAdjustment.State.approved.rawValue).all().compactMap(\.effectiveMonth).max()
            if let latest, effectiveMonth < latest {
                throw ServiceError.conflict("该指标上一次调整自 \(latest) 月起生效，本次调整的生效月份不能早于 \(latest) 月。")
            }
            let changes = adjustment.changes
            // The shares must still be what the proposal saw.
            let current = Dictionary(try await TableRows.shares(indicatorIDs: [adjustment.$indicator.id], on: db).map { ($0.regionID, $0) },
                                     uniquingKeysWith: { a, _ in a })
            for was in changes.before {
                let now = current[was.regionID]
                let seen = PlanAdjustment.Change(regionID: was.regionID, present: now != nil, target: now?.target, targetNote: now?.targetNote, unitID: now?.unitID)
                guard Self.same(seen, was) else {
                    throw ServiceError.conflict("提出调整后，\(tree[was.regionID]?.name ?? "")的任务已有变化，请退回该调整，由提出单位按现行任务重新提出。")
                }
            }
            try await Self.apply(changes, indicatorID: adjustment.$indicator.id, effectiveMonth: effectiveMonth, adjustmentID: adjustmentID, tree: tree, on: db)
            adjustment.stateText = PlanAdjustment.State.approved.rawValue
            adjustment.decidedBy = actor.accountID
            adjustment.decidedAt = now
            adjustment.effectiveMonth = effectiveMonth
            try await adjustment.save(on: db)
            try await AuditLog.record("plan.adjustment.approve", subject: plan.title, detail: "第 \(adjustmentID) 号调整，自 \(effectiveMonth) 月起生效",
                                      by: actor.accountID, on: db)
        }
    }

    /// Returns an adjustment to its proposer with the reason.
    public func returnAdjustment(adjustmentID: Int, reason: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let adjustment0 = try await find(adjustmentID, actor: actor, tree: tree)
        let reason = try PlanEditor.text(reason, field: "退回原因", limit: PlanEditor.maxReason)
        try await db.write(locking: [.plan(adjustment0.$plan.id)]) { db in
            guard let adjustment = try await PlanAdjustment.find(adjustmentID, on: db), adjustment.state == .proposed else {
                throw ServiceError.conflict("该调整已经审批过了。")
            }
            adjustment.stateText = PlanAdjustment.State.returned.rawValue
            adjustment.decidedBy = actor.accountID
            adjustment.decidedAt = now
            adjustment.returnReason = reason
            try await adjustment.save(on: db)
            try await AuditLog.record("plan.adjustment.return", subject: "第 \(adjustmentID) 号调整", detail: reason, by: actor.accountID, on: db)
        }
    }

    /// The adjustment, when the actor's office decides it.
    func find(_ id: Int, actor: Actor, tree: RegionTree) async throws -> PlanAdjustment {
        try Access.duty(.office, actor).require()
        guard let adjustment = try await PlanAdjustment.find(id, on: db), let plan = try await Plan.find(adjustment.$plan.id, on: db),
              Access.readPlan(actor, owner: plan.$owner.id, tree: tree).isAllowed else {
            throw ServiceError.notFound("未找到该调整，或您无权查看。")
        }
        try Access.decideAdjustment(actor, approverRegion: adjustment.$approverRegion.id, tree: tree).require()
        return adjustment
    }

    // MARK: - Writing shares

    /// Writes the changes; with an effective month after January, each changed share's earlier
    /// state is kept as a version for the months before it.
    static func apply(_ changes: PlanAdjustment.Changes, indicatorID: Int, effectiveMonth: Int?, adjustmentID: Int?, tree: RegionTree,
                      on db: any Database) async throws {
        let targets = Dictionary(try await Target.query(on: db).filter(\.$indicator.$id == indicatorID).all().map { ($0.$region.id, $0) },
                                 uniquingKeysWith: { a, _ in a })
        let reported = Set(try await db.sql.raw("SELECT DISTINCT region_id FROM progress_reports WHERE indicator_id = \(bind: indicatorID)").all()
            .map { try $0.decode(column: "region_id", as: Int.self) })
        var nextOrder = (targets.values.map(\.sortOrder).max() ?? 0) + 1
        let planOrders = try await planColumnOrders(indicatorID: indicatorID, on: db)
        for (index, after) in changes.after.enumerated() {
            let region = after.regionID
            let existing = targets[region]
            if let effectiveMonth, effectiveMonth > 1, let adjustmentID {
                let was = index < changes.before.count ? changes.before[index] : nil
                let version = TargetVersion()
                version.indicatorID = indicatorID
                version.regionID = region
                version.throughMonth = effectiveMonth - 1
                version.present = (was?.present ?? false) ? 1 : 0
                version.target = was?.target
                version.targetNote = was?.targetNote
                version.unitID = was?.unitID
                version.sortOrder = existing?.sortOrder ?? planOrders[region] ?? nextOrder
                version.adjustmentID = adjustmentID
                try await version.create(on: db)
            }
            if after.present {
                if let existing {
                    existing.target = after.target
                    existing.targetNote = after.targetNote
                    existing.$responsibleUnit.id = after.unitID
                    try await existing.save(on: db)
                } else {
                    let order = planOrders[region] ?? nextOrder
                    if planOrders[region] == nil { nextOrder += 1 }
                    try await Target(indicatorID: indicatorID, regionID: region, target: after.target, targetNote: after.targetNote,
                                     responsibleUnitID: after.unitID, sortOrder: order).create(on: db)
                }
            } else if let existing {
                // A share that was reported on stays in the months before an adjustment only.
                if reported.contains(region) && effectiveMonth == nil {
                    throw ServiceError.conflict("\(tree[region]?.name ?? "")已填报该指标，不能取消其任务。")
                }
                if !tree.children(of: region).isEmpty,
                   try await Target.query(on: db).filter(\.$indicator.$id == indicatorID).filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: region).subtracting([region]))).count() > 0 {
                    throw ServiceError.conflict("\(tree[region]?.name ?? "")的任务已向下分解，请先清空其下级的任务。")
                }
                try await existing.delete(on: db)
            }
        }
        try await FigureStore.refresh(indicatorIDs: [indicatorID], fromMonth: effectiveMonth ?? 1, on: db)
    }

    /// The column position each region already has in the indicator's plan.
    static func planColumnOrders(indicatorID: Int, on db: any Database) async throws -> [Int: Int] {
        let rows = try await db.sql.raw("""
            SELECT r.region_id, r.sort_order FROM plan_regions r JOIN items i ON i.plan_id = r.plan_id JOIN projects p ON p.item_id = i.id
            JOIN indicators n ON n.project_id = p.id WHERE n.id = \(bind: indicatorID)
            """).all()
        return Dictionary(try rows.map { (try $0.decode(column: "region_id", as: Int.self), try $0.decode(column: "sort_order", as: Int.self)) },
                          uniquingKeysWith: { a, _ in a })
    }

    static func same(_ a: PlanAdjustment.Change, _ b: PlanAdjustment.Change) -> Bool {
        guard a.present == b.present else { return false }
        guard a.present else { return true }
        let targetsEqual: Bool
        switch (a.target, b.target) {
        case (nil, nil): targetsEqual = true
        case let (x?, y?): targetsEqual = ExactNumber(x).decimal == ExactNumber(y).decimal
        default: targetsEqual = false
        }
        return targetsEqual && (a.targetNote ?? "") == (b.targetNote ?? "") && a.unitID == b.unitID
    }

    static func approver(_ plan: Plan, tree: RegionTree) -> AdjustmentApprover {
        plan.adjustmentApproverText.flatMap(AdjustmentApprover.init(rawValue:)) ?? .above
    }

    static func locate(planID: Int, indicatorID: Int, on db: any Database) async throws -> (Plan, Indicator, Project) {
        guard let plan = try await Plan.find(planID, on: db), let indicator = try await Indicator.find(indicatorID, on: db),
              let project = try await Project.find(indicator.$project.id, on: db), let item = try await Item.find(project.$item.id, on: db),
              item.$plan.id == planID else {
            throw ServiceError.notFound("未找到该指标，或您无权查看。")
        }
        return (plan, indicator, project)
    }
}
