import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// Plans edited in the app: a new plan, its 实事, 项目 and 指标 (everything the exchange format
/// carries), the decomposition of each indicator region by region, the plan's adoption, and after
/// it the adjustments (计划调整) that change targets and responsible units from a month on.
///
/// Every write takes the plan's lock, checks what it decides on inside the transaction, and is
/// audited; a target's change refreshes the stored figures in the same transaction.
public struct PlanEditor: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public static let maxName = 200
    public static let maxReason = 1000

    // MARK: - The plan

    public struct NewPlan: Sendable {
        public var year: Int
        public var level: PlanLevel
        public var ownerRegionID: Int
        public var title: String
        public var approver: AdjustmentApprover
        public init(year: Int, level: PlanLevel, ownerRegionID: Int, title: String, approver: AdjustmentApprover) {
            self.year = year
            self.level = level
            self.ownerRegionID = ownerRegionID
            self.title = title
            self.approver = approver
        }
    }

    /// A new, empty plan of the region's office.
    public func create(_ new: NewPlan, actor: Actor, tree: RegionTree) async throws -> Plan {
        try Access.office(actor, region: new.ownerRegionID, tree: tree, notFound: "未找到该行政区划，或您无权管理。").require()
        guard (2000...2100).contains(new.year) else { throw ServiceError.invalid("年度应为 2000 至 2100 之间的四位数字。") }
        let title = try Self.text(new.title, field: "计划名称", limit: Self.maxName)
        guard let region = tree[new.ownerRegionID] else { throw ServiceError.notFound("未找到该行政区划，或您无权管理。") }
        return try await db.write(locking: [.planImport(region: region.name, year: new.year)]) { db in
            let yearRow: Year
            if let existing = try await Year.query(on: db).filter(\.$year == new.year).first() {
                yearRow = existing
                if try await Plan.query(on: db).filter(\.$year.$id == yearRow.requireID()).filter(\.$level == new.level.rawValue)
                    .filter(\.$owner.$id == new.ownerRegionID).first() != nil {
                    throw ServiceError.conflict("\(region.name)\(new.year)年已有\(new.level.label)计划，请在原计划中编辑。")
                }
            } else {
                yearRow = Year(year: new.year)
                try await yearRow.create(on: db)
            }
            let plan = Plan(yearID: try yearRow.requireID(), level: new.level, ownerRegionID: new.ownerRegionID, title: title,
                            sortOrder: try await Plan.query(on: db).count() + 1)
            plan.adjustmentApproverText = new.approver.rawValue
            try await plan.create(on: db)
            try await AuditLog.record("plan.create", subject: title, detail: "\(region.name) \(new.year)年 \(new.level.label)", by: actor.accountID, on: db)
            return plan
        }
    }

    /// Renames the plan and sets who approves its adjustments.
    public func updatePlan(planID: Int, title: String, approver: AdjustmentApprover, actor: Actor, tree: RegionTree) async throws {
        let title = try Self.text(title, field: "计划名称", limit: Self.maxName)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            plan.title = title
            plan.adjustmentApproverText = approver.rawValue
            try await plan.save(on: db)
            try await AuditLog.record("plan.update", subject: title, detail: approver.label, by: actor.accountID, on: db)
        }
    }

    /// 通过: from now on targets, decomposition and responsible units change by adjustment only.
    public func adopt(planID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            guard !plan.isAdopted else { throw ServiceError.conflict("该计划已于 \(Self.day(plan.adoptedAt)) 通过。") }
            let indicators = try await Self.indicatorIDs(planID: planID, on: db)
            guard !indicators.isEmpty else { throw ServiceError.invalid("计划还没有任何指标，不能通过。") }
            plan.adoptedAt = now
            plan.adoptedBy = actor.accountID
            try await plan.save(on: db)
            try await AuditLog.record("plan.adopt", subject: plan.title, detail: "\(indicators.count) 项指标", by: actor.accountID, on: db)
        }
    }

    // MARK: - 实事, 项目, 指标

    public enum Direction: String, Sendable { case up, down }

    public func addItem(planID: Int, name: String, actor: Actor, tree: RegionTree) async throws {
        let name = try Self.text(name, field: "实事名称", limit: Self.maxName)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let next = (try await Item.query(on: db).filter(\.$plan.$id == planID).max(\.$seq) ?? 0) + 1
            try await Item(planID: planID, seq: next, name: name).create(on: db)
            try await AuditLog.record("plan.item.add", subject: plan.title, detail: "\(next). \(name)", by: actor.accountID, on: db)
        }
    }

    public func updateItem(planID: Int, itemID: Int, name: String, actor: Actor, tree: RegionTree) async throws {
        let name = try Self.text(name, field: "实事名称", limit: Self.maxName)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let item = try await Self.item(itemID, planID: planID, on: db)
            guard try await Item.query(on: db).filter(\.$plan.$id == planID).filter(\.$name == name).filter(\.$id != itemID).first() == nil else {
                throw ServiceError.conflict("计划中已有名为“\(name)”的实事。")
            }
            let old = item.name
            item.name = name
            try await item.save(on: db)
            try await AuditLog.record("plan.item.update", subject: plan.title, detail: "\(old) → \(name)", by: actor.accountID, on: db)
        }
    }

    public func moveItem(planID: Int, itemID: Int, _ direction: Direction, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { _, db in
            let item = try await Self.item(itemID, planID: planID, on: db)
            let siblings = try await Item.query(on: db).filter(\.$plan.$id == planID).sort(\.$seq).all()
            try await Self.swap(item, in: siblings, direction, seq: \.seq, on: db)
        }
    }

    public func removeItem(planID: Int, itemID: Int, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let item = try await Self.item(itemID, planID: planID, on: db)
            guard try await Project.query(on: db).filter(\.$item.$id == itemID).count() == 0 else {
                throw ServiceError.conflict("“\(item.name)”下还有项目，请先删除或移走这些项目。")
            }
            try await item.delete(on: db)
            try await Self.renumber(Item.query(on: db).filter(\.$plan.$id == planID).sort(\.$seq).all(), seq: \.seq, on: db)
            try await AuditLog.record("plan.item.remove", subject: plan.title, detail: item.name, by: actor.accountID, on: db)
        }
    }

    public func addProject(planID: Int, itemID: Int, name: String, actor: Actor, tree: RegionTree) async throws {
        let name = try Self.text(name, field: "项目名称", limit: Self.maxName)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            _ = try await Self.item(itemID, planID: planID, on: db)
            try await Self.requireUniqueProject(name, planID: planID, except: nil, on: db)
            let next = (try await Project.query(on: db).filter(\.$item.$id == itemID).max(\.$seq) ?? 0) + 1
            try await Project(itemID: itemID, seq: next, name: name).create(on: db)
            try await AuditLog.record("plan.project.add", subject: plan.title, detail: name, by: actor.accountID, on: db)
        }
    }

    /// Renames a project (its 建设内容 is not part of the exchange format and is not edited here).
    public func updateProject(planID: Int, projectID: Int, name: String, actor: Actor, tree: RegionTree) async throws {
        let name = try Self.text(name, field: "项目名称", limit: Self.maxName)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let project = try await Self.project(projectID, planID: planID, on: db)
            try await Self.requireUniqueProject(name, planID: planID, except: projectID, on: db)
            let old = project.name
            project.name = name
            try await project.save(on: db)
            try await AuditLog.record("plan.project.update", subject: plan.title, detail: old == name ? name : "\(old) → \(name)", by: actor.accountID, on: db)
        }
    }

    public func moveProject(planID: Int, projectID: Int, _ direction: Direction, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { _, db in
            let project = try await Self.project(projectID, planID: planID, on: db)
            let siblings = try await Project.query(on: db).filter(\.$item.$id == project.$item.id).sort(\.$seq).all()
            try await Self.swap(project, in: siblings, direction, seq: \.seq, on: db)
        }
    }

    public func removeProject(planID: Int, projectID: Int, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let project = try await Self.project(projectID, planID: planID, on: db)
            guard try await Indicator.query(on: db).filter(\.$project.$id == projectID).count() == 0 else {
                throw ServiceError.conflict("“\(project.name)”下还有指标，请先删除这些指标。")
            }
            // Opinions, disclosures, problems, inspections and rounds name the project: it stays.
            for table in ["feedback", Disclosure.schema, "problems", "inspection_sites", "evaluation_entries", "ballot_candidates"] {
                let row = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE project_id = \(bind: projectID)").first()
                if try row?.decode(column: "n", as: Int.self) ?? 0 > 0 {
                    throw ServiceError.conflict("“\(project.name)”已有群众意见、信息公开或监督记录，不能删除。")
                }
            }
            try await project.delete(on: db)
            try await Self.renumber(Project.query(on: db).filter(\.$item.$id == project.$item.id).sort(\.$seq).all(), seq: \.seq, on: db)
            try await AuditLog.record("plan.project.remove", subject: plan.title, detail: project.name, by: actor.accountID, on: db)
        }
    }

    /// An indicator's fields as the exchange format carries them.
    public struct IndicatorFields: Sendable {
        public var name: String
        public var unitLabel: String
        public var kind: ProgressType
        public var rule: Aggregation
        public var leadUnit: String
        public var acceptanceStandard: String
        public init(name: String, unitLabel: String, kind: ProgressType, rule: Aggregation, leadUnit: String, acceptanceStandard: String) {
            self.name = name
            self.unitLabel = unitLabel
            self.kind = kind
            self.rule = rule
            self.leadUnit = leadUnit
            self.acceptanceStandard = acceptanceStandard
        }
    }

    /// A new indicator: the plan's owner gets its share (its own target is set in the grid).
    @discardableResult
    public func addIndicator(planID: Int, projectID: Int, _ fields: IndicatorFields, actor: Actor, tree: RegionTree) async throws -> Int {
        let checked = try Self.check(fields)
        return try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            _ = try await Self.project(projectID, planID: planID, on: db)
            guard try await Indicator.query(on: db).filter(\.$project.$id == projectID).filter(\.$name == checked.name).first() == nil else {
                throw ServiceError.conflict("该项目下已有指标“\(checked.name)”。")
            }
            let lead = try await Self.leadUnit(checked.leadUnit, region: plan.$owner.id, on: db)
            let next = (try await Indicator.query(on: db).filter(\.$project.$id == projectID).max(\.$seq) ?? 0) + 1
            let indicator = Indicator(projectID: projectID, seq: next, name: checked.name, unitLabel: checked.unitLabel, kind: checked.kind,
                                      aggregation: checked.rule, leadUnitID: lead, acceptanceStandard: checked.acceptanceStandard.nilIfEmpty)
            try await indicator.create(on: db)
            let id = try indicator.requireID()
            try await Target(indicatorID: id, regionID: plan.$owner.id, target: nil, responsibleUnitID: lead, sortOrder: 0).create(on: db)
            try await FigureStore.refreshPlanRegions(indicatorIDs: [id], on: db)
            try await AuditLog.record("plan.indicator.add", subject: plan.title, detail: checked.name, by: actor.accountID, on: db)
            return id
        }
    }

    /// Edits an indicator's fields. Once it has figures, its 单位, 进度类型 and 汇总方式 no longer
    /// change (the figures were reported in them); its text, lead unit and standard do.
    public func updateIndicator(planID: Int, indicatorID: Int, _ fields: IndicatorFields, actor: Actor, tree: RegionTree) async throws {
        let checked = try Self.check(fields)
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let indicator = try await Self.indicator(indicatorID, planID: planID, on: db)
            guard try await Indicator.query(on: db).filter(\.$project.$id == indicator.$project.id).filter(\.$name == checked.name)
                .filter(\.$id != indicatorID).first() == nil else {
                throw ServiceError.conflict("该项目下已有指标“\(checked.name)”。")
            }
            let measureChanged = indicator.unitLabel != checked.unitLabel || indicator.kind != checked.kind || indicator.rule != checked.rule
            if measureChanged, try await Self.hasFigures(indicatorID, on: db) {
                throw ServiceError.conflict("该指标已有填报数据，单位、进度类型和汇总方式不能再改；如需改变口径，请将其停止实施并新增指标。")
            }
            var changes: [String] = []
            if indicator.name != checked.name { changes.append("指标：\(indicator.name) → \(checked.name)") }
            if measureChanged { changes.append("单位/类型/汇总：\(indicator.unitLabel)/\(indicator.kind.label)/\(indicator.rule.label) → \(checked.unitLabel)/\(checked.kind.label)/\(checked.rule.label)") }
            if (indicator.acceptanceStandard ?? "") != checked.acceptanceStandard { changes.append("验收标准已修改") }
            let lead = try await Self.leadUnit(checked.leadUnit, region: plan.$owner.id, on: db)
            if indicator.$leadUnit.id != lead { changes.append("牵头单位：\(checked.leadUnit.isEmpty ? "（无）" : checked.leadUnit)") }
            indicator.name = checked.name
            indicator.unitLabel = checked.unitLabel
            indicator.progressKind = checked.kind.rawValue
            indicator.aggregation = checked.rule.rawValue
            indicator.$leadUnit.id = lead
            indicator.acceptanceStandard = checked.acceptanceStandard.nilIfEmpty
            try await indicator.save(on: db)
            if measureChanged { try await FigureStore.refresh(indicatorIDs: [indicatorID], on: db) }
            try await AuditLog.record("plan.indicator.update", subject: plan.title, detail: changes.isEmpty ? checked.name : changes.joined(separator: "；"),
                                      by: actor.accountID, on: db)
        }
    }

    public func moveIndicator(planID: Int, indicatorID: Int, _ direction: Direction, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { _, db in
            let indicator = try await Self.indicator(indicatorID, planID: planID, on: db)
            let siblings = try await Indicator.query(on: db).filter(\.$project.$id == indicator.$project.id).sort(\.$seq).all()
            try await Self.swap(indicator, in: siblings, direction, seq: \.seq, on: db)
        }
    }

    /// Removes an indicator that nobody has reported on; one with figures or evidence is refused
    /// (it can be stopped instead).
    public func removeIndicator(planID: Int, indicatorID: Int, actor: Actor, tree: RegionTree) async throws {
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let indicator = try await Self.indicator(indicatorID, planID: planID, on: db)
            if try await Self.hasFigures(indicatorID, on: db) {
                throw ServiceError.conflict("“\(indicator.name)”已有填报数据或佐证材料，不能删除；如不再实施，请标记为“停止实施”并写明原因。")
            }
            let sql = try db.sql
            for table in [Target.schema, IndicatorUnit.schema, FigureStore.schema, IndicatorAttachment.schema, TargetVersion.schema, PlanAdjustment.schema] {
                try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE indicator_id = \(bind: indicatorID)").run()
            }
            let projectID = indicator.$project.id
            try await indicator.delete(on: db)
            try await Self.renumber(Indicator.query(on: db).filter(\.$project.$id == projectID).sort(\.$seq).all(), seq: \.seq, on: db)
            try await FigureStore.refresh(planID: try plan.requireID(), on: db)
            try await AuditLog.record("plan.indicator.remove", subject: plan.title, detail: indicator.name, by: actor.accountID, on: db)
        }
    }

    /// 停止实施 with its reason (or, with `reason` nil, resumes it).
    public func stopIndicator(planID: Int, indicatorID: Int, reason: String?, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let reason = try reason.map { try Self.text($0, field: "停止实施的原因", limit: Self.maxReason) }
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let indicator = try await Self.indicator(indicatorID, planID: planID, on: db)
            indicator.stoppedAt = reason == nil ? nil : now
            indicator.stopReason = reason
            try await indicator.save(on: db)
            try await AuditLog.record(reason == nil ? "plan.indicator.resume" : "plan.indicator.stop", subject: plan.title,
                                      detail: indicator.name + (reason.map { "：\($0)" } ?? ""), by: actor.accountID, on: db)
        }
    }

    // MARK: - Helpers

    /// Runs `body` in a write holding the plan's lock, after the office check.
    func withPlan<T: Sendable>(_ planID: Int, actor: Actor, tree: RegionTree,
                               _ body: @escaping @Sendable (Plan, any Database) async throws -> T) async throws -> T {
        _ = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室可以编辑计划。", on: db)
        return try await db.write(locking: [.plan(planID)]) { db in
            guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
            return try await body(plan, db)
        }
    }

    static func text(_ raw: String, field: String, limit: Int) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ServiceError.invalid("请填写\(field)。") }
        guard text.count <= limit else { throw ServiceError.invalid("\(field)过长（不超过 \(limit) 个字）。") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw ServiceError.invalid("\(field)含有不可见的控制字符，请重新输入。")
        }
        return text
    }

    static func optionalText(_ raw: String?, field: String, limit: Int) throws -> String? {
        guard let raw, !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try text(raw, field: field, limit: limit)
    }

    static func check(_ fields: IndicatorFields) throws -> IndicatorFields {
        var checked = fields
        checked.name = try text(fields.name, field: "指标任务", limit: maxName)
        checked.unitLabel = try text(fields.unitLabel, field: "单位", limit: 20)
        checked.leadUnit = try optionalText(fields.leadUnit, field: "牵头单位", limit: 100) ?? ""
        checked.acceptanceStandard = try optionalText(fields.acceptanceStandard, field: "验收标准", limit: PlanFile.maxStandard) ?? ""
        return checked
    }

    static func leadUnit(_ name: String, region: Int, on db: any Database) async throws -> Int? {
        name.isEmpty ? nil : try await UnitService(db: db).findOrCreate(name: name, regionID: region).requireID()
    }

    static func item(_ id: Int, planID: Int, on db: any Database) async throws -> Item {
        guard let item = try await Item.find(id, on: db), item.$plan.id == planID else { throw ServiceError.notFound("未找到该实事。") }
        return item
    }

    static func project(_ id: Int, planID: Int, on db: any Database) async throws -> Project {
        guard let project = try await Project.find(id, on: db) else { throw ServiceError.notFound("未找到该项目。") }
        _ = try await item(project.$item.id, planID: planID, on: db)
        return project
    }

    static func indicator(_ id: Int, planID: Int, on db: any Database) async throws -> Indicator {
        guard let indicator = try await Indicator.find(id, on: db) else { throw ServiceError.notFound("未找到该指标。") }
        _ = try await project(indicator.$project.id, planID: planID, on: db)
        return indicator
    }

    static func requireUniqueProject(_ name: String, planID: Int, except: Int?, on db: any Database) async throws {
        let rows = try await db.sql.raw("""
            SELECT p.id FROM projects p JOIN items i ON i.id = p.item_id WHERE i.plan_id = \(bind: planID) AND p.name = \(bind: name)
            """).all()
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        if ids.contains(where: { $0 != except }) { throw ServiceError.conflict("计划中已有名为“\(name)”的项目（项目名称在计划内唯一，导入文件按它对应）。") }
    }

    static func indicatorIDs(planID: Int, on db: any Database) async throws -> [Int] {
        try await db.sql.raw("""
            SELECT n.id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE i.plan_id = \(bind: planID)
            """).all().map { try $0.decode(column: "id", as: Int.self) }
    }

    /// Whether anything was reported or submitted as evidence for the indicator.
    static func hasFigures(_ indicatorID: Int, on db: any Database) async throws -> Bool {
        let reports = try await ProgressReport.query(on: db).filter(\.$indicator.$id == indicatorID).count()
        let evidence = try await Evidence.query(on: db).filter(\.$indicator.$id == indicatorID).count()
        return reports + evidence > 0
    }

    /// Swaps a record's sequence number with its neighbour's.
    static func swap<M: Model>(_ record: M, in siblings: [M], _ direction: Direction, seq: ReferenceWritableKeyPath<M, Int>,
                               on db: any Database) async throws where M.IDValue == Int {
        guard let index = siblings.firstIndex(where: { $0.id == record.id }) else { return }
        let other = direction == .up ? index - 1 : index + 1
        guard siblings.indices.contains(other) else { return }
        let (a, b) = (siblings[index], siblings[other])
        let (first, second) = (a[keyPath: seq], b[keyPath: seq])
        // Sequence numbers are unique among siblings: through a free number.
        a[keyPath: seq] = -first
        try await a.save(on: db)
        b[keyPath: seq] = first
        try await b.save(on: db)
        a[keyPath: seq] = second
        try await a.save(on: db)
    }

    /// Numbers the records 1, 2, 3 … in their order.
    static func renumber<M: Model>(_ records: [M], seq: ReferenceWritableKeyPath<M, Int>, on db: any Database) async throws {
        for (index, record) in records.enumerated() where record[keyPath: seq] != index + 1 {
            record[keyPath: seq] = index + 1
            try await record.save(on: db)
        }
    }

    static func day(_ date: Date?) -> String { date.map(ChineseDate.day) ?? "" }
}

// MARK: - The outline as the editor shows it

extension PlanEditor {
    public struct Outline: Sendable {
        public struct IndicatorRow: Sendable {
            public var id: Int
            public var seq: Int
            public var name: String
            public var unitLabel: String
            public var kind: ProgressType
            public var rule: Aggregation
            public var leadUnit: String?
            public var acceptanceStandard: String?
            public var stopped: Bool
            public var stopReason: String?
            public var ownTarget: Double?
            public var ownNote: String?
            public var shares: Int
            public var attachments: [Attachment]
        }
        public struct ProjectRow: Sendable {
            public var id: Int
            public var seq: Int
            public var name: String
            public var content: String?
            public var indicators: [IndicatorRow]
        }
        public struct ItemRow: Sendable {
            public var id: Int
            public var seq: Int
            public var name: String
            public var projects: [ProjectRow]
        }
        public struct Attachment: Sendable {
            public var id: Int
            public var name: String
            public var kind: String
            public var size: Int
        }
        public var planID: Int
        public var title: String
        public var year: Int
        public var level: PlanLevel
        public var ownerID: Int
        public var ownerName: String
        public var adoptedAt: Date?
        public var approver: AdjustmentApprover
        public var items: [ItemRow]
        public var pendingAdjustments: Int
        public var indicatorCount: Int { items.reduce(0) { $0 + $1.projects.reduce(0) { $0 + $1.indicators.count } } }
    }

    /// The plan's outline for its office (every other reader sees the plan's tables).
    public func outline(planID: Int, actor: Actor, tree: RegionTree) async throws -> Outline {
        let plan = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室可以编辑计划。", on: db)
        let year = try await Year.find(plan.$year.id, on: db)?.year ?? 0
        let items = try await Item.query(on: db).filter(\.$plan.$id == planID).sort(\.$seq).all()
        let itemIDs = try items.map { try $0.requireID() }
        let projects = itemIDs.isEmpty ? [] : try await Project.query(on: db).filter(\.$item.$id ~~ itemIDs).sort(\.$seq).all()
        let projectIDs = try projects.map { try $0.requireID() }
        let indicators = projectIDs.isEmpty ? [] : try await Indicator.query(on: db).filter(\.$project.$id ~~ projectIDs).sort(\.$seq).all()
        let indicatorIDs = try indicators.map { try $0.requireID() }
        let shares = Dictionary(grouping: try await TableRows.shares(indicatorIDs: indicatorIDs, on: db), by: \.indicatorID)
        let leadIDs = Array(Set(indicators.compactMap { $0.$leadUnit.id }))
        let leads = leadIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ leadIDs).all().map { (try $0.requireID(), $0.name) })
        let attachments = indicatorIDs.isEmpty ? [] : try await IndicatorAttachment.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs).sort(\.$id).all()
        let attachmentsBy = Dictionary(grouping: attachments, by: { $0.$indicator.id })
        let owner = plan.$owner.id
        let pending = try await PlanAdjustment.query(on: db).filter(\.$plan.$id == planID).filter(\.$stateText == PlanAdjustment.State.proposed.rawValue).count()
        let rows: [Outline.ItemRow] = try items.map { item in
            let itemID = try item.requireID()
            return Outline.ItemRow(id: itemID, seq: item.seq, name: item.name, projects: try projects.filter { $0.$item.id == itemID }.map { project in
                let projectID = try project.requireID()
                return Outline.ProjectRow(id: projectID, seq: project.seq, name: project.name, content: project.content,
                                          indicators: try indicators.filter { $0.$project.id == projectID }.map { indicator in
                    let id = try indicator.requireID()
                    let own = shares[id]?.first { $0.regionID == owner }
                    return Outline.IndicatorRow(id: id, seq: indicator.seq, name: indicator.name, unitLabel: indicator.unitLabel, kind: indicator.kind,
                                                rule: indicator.rule, leadUnit: indicator.$leadUnit.id.flatMap { leads[$0] },
                                                acceptanceStandard: indicator.acceptanceStandard, stopped: indicator.stoppedAt != nil,
                                                stopReason: indicator.stopReason, ownTarget: own?.target, ownNote: own?.targetNote,
                                                shares: (shares[id]?.count ?? 1) - 1,
                                                attachments: try (attachmentsBy[id] ?? []).map {
                                                    Outline.Attachment(id: try $0.requireID(), name: $0.fileName, kind: $0.contentType, size: $0.byteCount)
                                                })
                })
            })
        }
        return Outline(planID: planID, title: plan.title, year: year, level: plan.planLevel, ownerID: owner, ownerName: tree[owner]?.name ?? "",
                       adoptedAt: plan.adoptedAt, approver: PlanDecomposition.approver(plan, tree: tree), items: rows, pendingAdjustments: pending)
    }

    // MARK: - 验收标准's attachments

    public static let maxAttachments = 10

    /// Attaches stored files to an indicator's 验收标准.
    public func attach(planID: Int, indicatorID: Int, files: [EvidenceService.StoredFile], actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard !files.isEmpty else { throw ServiceError.invalid("请选择要上传的文件（PDF、Word 或图片）。") }
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            let indicator = try await Self.indicator(indicatorID, planID: planID, on: db)
            let count = try await IndicatorAttachment.query(on: db).filter(\.$indicator.$id == indicatorID).count()
            guard count + files.count <= Self.maxAttachments else {
                throw ServiceError.invalid("每个指标的验收标准附件不超过 \(Self.maxAttachments) 个（已有 \(count) 个）。")
            }
            for file in files {
                let attachment = IndicatorAttachment()
                attachment.$indicator.id = indicatorID
                attachment.fileName = String(file.name.prefix(200))
                attachment.contentType = file.kind.rawValue
                attachment.byteCount = file.size
                attachment.blobKey = file.key
                attachment.uploadedBy = actor.accountID
                attachment.uploadedAt = now
                try await attachment.create(on: db)
            }
            try await AuditLog.record("plan.indicator.attach", subject: plan.title,
                                      detail: "\(indicator.name)：" + files.map(\.name).joined(separator: "、"), by: actor.accountID, on: db)
        }
    }

    /// Removes an attachment; returns its blob key (the caller removes the file when nothing else uses it).
    @discardableResult
    public func detach(planID: Int, indicatorID: Int, attachmentID: Int, actor: Actor, tree: RegionTree) async throws -> String {
        try await withPlan(planID, actor: actor, tree: tree) { plan, db in
            _ = try await Self.indicator(indicatorID, planID: planID, on: db)
            guard let attachment = try await IndicatorAttachment.find(attachmentID, on: db), attachment.$indicator.id == indicatorID else {
                throw ServiceError.notFound("未找到该附件。")
            }
            try await attachment.delete(on: db)
            try await AuditLog.record("plan.indicator.detach", subject: plan.title, detail: attachment.fileName, by: actor.accountID, on: db)
            return attachment.blobKey
        }
    }

    /// An attachment for whoever reads the plan.
    public func attachment(planID: Int, indicatorID: Int, attachmentID: Int, actor: Actor, tree: RegionTree) async throws -> IndicatorAttachment {
        let (plan, _, _) = try await PlanDecomposition.locate(planID: planID, indicatorID: indicatorID, on: db)
        try Access.readPlan(actor, owner: plan.$owner.id, tree: tree).require()
        guard let attachment = try await IndicatorAttachment.find(attachmentID, on: db), attachment.$indicator.id == indicatorID else {
            throw ServiceError.notFound("未找到该附件。")
        }
        return attachment
    }
}
