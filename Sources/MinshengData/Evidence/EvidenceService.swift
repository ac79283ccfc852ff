import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// 佐证资料: evidence uploaded against a figure, reviewed one level up. Every action is written
/// to `evidence_history` with who and when.
///
/// Who reviews an item: the unit responsible for the share one level up in the indicator's
/// decomposition (for a share directly under the plan's owner, the indicator's lead unit), by
/// its 审核员; and the programme office (admin) of any region above. Never the uploader, never
/// anyone at the item's own level or outside the region above it.
public struct EvidenceService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// A file already in the blob store, named and judged by its content.
    public struct StoredFile: Sendable {
        public var key: String
        public var name: String
        public var kind: FileKind
        public var size: Int
        public init(key: String, name: String, kind: FileKind, size: Int) {
            self.key = key
            self.name = name
            self.kind = kind
            self.size = size
        }
    }

    /// The figure an upload is for, as the form shows it.
    public struct Figure: Sendable {
        public var planID: Int
        public var indicatorID: Int
        public var regionID: Int
        public var regionName: String
        public var month: Int
        public var projectName: String
        public var indicatorName: String
        public var unitLabel: String
        public var kind: ProgressType
        public var acceptanceStandard: String?
        public var target: Double?
        public var reported: ProgressReport?
        public var closed: Bool
    }

    // MARK: - Uploading

    /// The figure `actor` may upload evidence for: a share its unit reports (an admin: any in
    /// its subtree), in an open month. Throws a Chinese refusal otherwise.
    public func figure(indicatorID: Int, regionID: Int, month: Int, actor: Actor, tree: RegionTree) async throws -> Figure {
        guard (1...12).contains(month) else { throw ServiceError.invalid("月份应在 1 至 12 之间。") }
        try Access.duty(.report, actor, message: "只有填报员或专班办公室管理员可以上传佐证资料。").require()
        guard let planID = try await planID(ofIndicator: indicatorID) else { throw ServiceError.notFound("该指标不在您的填报范围内，不能上传佐证资料。") }
        let grid = try await ReportingService(db: db).grid(planID: planID, month: month, scopeRegionID: actor.regionID,
                                                          unitID: Access.reportingUnit(actor), tree: tree)
        guard let row = grid.rows.first(where: { $0.indicatorID == indicatorID && $0.regionID == regionID }) else {
            throw ServiceError.notFound("该指标不在您的填报范围内，不能上传佐证资料。")
        }
        let indicator = try await Indicator.find(indicatorID, on: db)
        return Figure(planID: planID, indicatorID: indicatorID, regionID: regionID, regionName: row.regionName, month: month,
                      projectName: row.projectName, indicatorName: row.indicatorName, unitLabel: row.unitLabel, kind: row.kind,
                      acceptanceStandard: indicator?.acceptanceStandard, target: row.target, reported: row.report, closed: grid.closed)
    }

    /// Records an evidence item for files already stored. Nothing is written when anything is wrong.
    public func create(indicatorID: Int, regionID: Int, month: Int, quantity rawQuantity: String, description rawDescription: String,
                       files: [StoredFile], actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Evidence {
        let figure = try await figure(indicatorID: indicatorID, regionID: regionID, month: month, actor: actor, tree: tree)
        guard !files.isEmpty else { throw ServiceError.invalid("请至少选择一个文件。") }
        guard files.count <= 20 else { throw ServiceError.invalid("一次最多上传 20 个文件。") }
        let description = rawDescription.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty else { throw ServiceError.invalid("请填写佐证说明。") }
        guard description.count <= 1000 else { throw ServiceError.invalid("佐证说明不能超过 1000 字。") }
        let text = rawQuantity.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
        var quantity: Double? = nil
        if !text.isEmpty {
            guard let value = ImportNumber.value(text) else {
                throw ServiceError.invalid(figure.kind == .quantity ? "佐证数量应为数字。" : "佐证的进度应为百分比数字，如 80。")
            }
            guard value >= 0 else { throw ServiceError.invalid("佐证数量不能为负数。") }
            if figure.kind != .quantity && value > 100 { throw ServiceError.invalid("佐证的进度不能超过 100%。") }
            if figure.kind == .quantity, let target = figure.target, value > target * 10 { throw ServiceError.invalid("佐证数量超过目标任务的 10 倍，请核对。") }
            quantity = value
        } else {
            throw ServiceError.invalid(figure.kind == .quantity ? "请填写该佐证支撑的完成数量。" : "请填写该佐证支撑的进度（%）。")
        }
        let supported = quantity
        let planID = figure.planID
        return try await db.write(locking: [.plan(planID)]) { db in
            // Closing a month locks its figures, not its evidence: offices expect 验收率 to catch
            // up after the month, so evidence for a closed month is still uploaded and reviewed.
            let item = Evidence(indicatorID: indicatorID, regionID: regionID, month: month, unitID: actor.unitID, uploadedBy: actor.accountID,
                                quantity: supported, description: description, at: now)
            try await item.create(on: db)
            let id = try item.requireID()
            for file in files {
                try await EvidenceFile(evidenceID: id, blobKey: file.key, name: file.name, kind: file.kind.rawValue, size: file.size).create(on: db)
            }
            try await EvidenceHistory(evidenceID: id, action: .upload, accountID: actor.accountID, at: now).create(on: db)
            return item
        }
    }

    /// The uploader withdraws a pending item.
    public func withdraw(id: Int, actor: Actor, now: Date = Date()) async throws {
        guard let item = try await Evidence.find(id, on: db), item.$uploader.id == actor.accountID else {
            throw ServiceError.notFound("未找到该佐证资料，或您无权操作。")
        }
        guard item.evidenceState == .pending else { throw ServiceError.conflict("只有待审核的佐证资料可以撤回。") }
        try await db.write { db in
            item.state = Evidence.State.withdrawn.rawValue
            try await item.save(on: db)
            try await EvidenceHistory(evidenceID: id, action: .withdraw, accountID: actor.accountID, at: now).create(on: db)
        }
    }

    // MARK: - Review

    /// Whether `actor` may see and decide the item (see the type's comment).
    public func mayReview(_ item: Evidence, actor: Actor, tree: RegionTree) async throws -> Bool {
        let region = item.$region.id
        guard Access.mightReview(actor, region: region, uploader: item.$uploader.id, tree: tree) else { return false }
        guard Access.reviewsByUnit(actor) else { return true }
        let shares = try await TableRows.shares(indicatorIDs: [item.$indicator.id], on: db)
        let lead = try await Indicator.find(item.$indicator.id, on: db)?.$leadUnit.id
        return Access.review(actor, region: region, uploader: item.$uploader.id,
                             reviewingUnit: Self.reviewingUnit(regionID: region, shares: shares, leadUnit: lead, tree: tree), tree: tree).isAllowed
    }

    /// The unit that reviews evidence for a share: the responsible unit of the share one level up
    /// in the decomposition, or the indicator's lead unit when that share has none.
    static func reviewingUnit(regionID: Int, shares: [TableRows.Share], leadUnit: Int?, tree: RegionTree) -> Int? {
        guard let parent = FigureStore.Decomposition.parentShare(of: regionID, among: Set(shares.map(\.regionID)), tree: tree) else { return nil }
        return shares.first(where: { $0.regionID == parent })?.unitID ?? leadUnit
    }

    /// Whether `actor` may review each item, the indicators' shares and lead units read once.
    func reviewable(_ items: [Evidence], actor: Actor, tree: RegionTree) async throws -> [Evidence] {
        let candidates = items.filter { Access.mightReview(actor, region: $0.$region.id, uploader: $0.$uploader.id, tree: tree) }
        guard Access.reviewsByUnit(actor) else { return candidates }
        guard !candidates.isEmpty else { return [] }
        let indicatorIDs = Array(Set(candidates.map { $0.$indicator.id }))
        let shares = Dictionary(grouping: try await TableRows.shares(indicatorIDs: indicatorIDs, on: db), by: \.indicatorID)
        let leads = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: db).filter(\.$id ~~ indicatorIDs).all()
            .compactMap { i in i.id.map { ($0, i.$leadUnit.id) } })
        return candidates.filter { item in
            Access.review(actor, region: item.$region.id, uploader: item.$uploader.id,
                          reviewingUnit: Self.reviewingUnit(regionID: item.$region.id, shares: shares[item.$indicator.id] ?? [],
                                                            leadUnit: leads[item.$indicator.id] ?? nil, tree: tree), tree: tree).isAllowed
        }
    }

    /// Approves or returns items; a return needs a reason. All or nothing: an item the actor
    /// may not decide, or one no longer pending, refuses the whole batch.
    public func decide(ids: [Int], approve: Bool, reason rawReason: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Int {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { throw ServiceError.invalid("请选择要审核的佐证资料。") }
        guard unique.count <= 500 else { throw ServiceError.invalid("一次最多审核 500 条。") }
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        if !approve && reason.isEmpty { throw ServiceError.invalid("退回时请填写原因。") }
        guard reason.count <= 500 else { throw ServiceError.invalid("原因不能超过 500 字。") }
        let items = try await Evidence.query(on: db).filter(\.$id ~~ unique).all()
        guard items.count == unique.count else { throw ServiceError.notFound("有佐证资料不存在，或您无权审核。") }
        for item in items {
            guard try await mayReview(item, actor: actor, tree: tree) else { throw ServiceError.notFound("有佐证资料不存在，或您无权审核。") }
            guard item.evidenceState == .pending else { throw ServiceError.conflict("“\(item.description.prefix(20))”已不是待审核状态，未做任何处理。") }
        }
        try await db.write { db in
            for item in items {
                item.state = (approve ? Evidence.State.approved : .returned).rawValue
                item.$decider.id = actor.accountID
                item.decidedAt = now
                item.reason = approve ? (reason.isEmpty ? nil : reason) : reason
                item.reopened = 0
                try await item.save(on: db)
                try await EvidenceHistory(evidenceID: try item.requireID(), action: approve ? .approve : .return,
                                          reason: reason.isEmpty ? nil : reason, accountID: actor.accountID, at: now).create(on: db)
            }
        }
        return items.count
    }

    /// An accepted item whose figure changed goes back for review. Called inside the
    /// transaction that changed the figures.
    static func reopen(figures: [(indicatorID: Int, regionID: Int, month: Int)], by accountID: Int?, at now: Date, on db: any Database) async throws {
        guard !figures.isEmpty else { return }
        // One read of the approved items of these indicators and months (a re-imported year is
        // thousands of figures), narrowed to the changed figures here.
        let changed = Set(figures.map { "\($0.indicatorID):\($0.regionID):\($0.month)" })
        let approved = try await Evidence.query(on: db).filter(\.$indicator.$id ~~ Array(Set(figures.map(\.indicatorID))))
            .filter(\.$month ~~ Array(Set(figures.map(\.month)))).filter(\.$state == Evidence.State.approved.rawValue).all()
        for item in approved where changed.contains("\(item.$indicator.id):\(item.$region.id):\(item.month)") {
            item.state = Evidence.State.pending.rawValue
            item.reopened = 1
            item.reason = "进度数据已变更，需重新审核。"
            try await item.save(on: db)
            try await EvidenceHistory(evidenceID: try item.requireID(), action: .reopen, reason: item.reason, accountID: accountID, at: now).create(on: db)
        }
    }

    // MARK: - Lists

    public struct Listed: Sendable {
        public var item: Evidence
        public var indicatorName: String
        public var projectName: String
        public var unitLabel: String
        public var kind: ProgressType
        public var regionName: String
        public var uploaderName: String
        public var unitName: String?
        public var files: [EvidenceFile]
        /// Days since upload.
        public var ageDays: Int
    }

    /// Items `actor` may review, pending, oldest first: a page of them, filtered by region, unit,
    /// month and words of the description, indicator or project, with the oldest one's age.
    public struct Queue: Sendable {
        public var listing: Listing<Listed>
        /// Pending items the account may review, before filters.
        public var pending: Int
        /// Days the oldest of them has waited.
        public var oldestDays: Int?
    }

    public func queue(actor: Actor, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow(), now: Date = Date()) async throws -> Queue {
        let all = try await pending(actor: actor, tree: tree)
        var chosen = all
        if let region = filter.regionID { let ids = tree.subtreeIDs(of: region); chosen = chosen.filter { ids.contains($0.$region.id) } }
        if let unit = filter.unitID { chosen = chosen.filter { $0.$unit.id == unit } }
        if let month = filter.month { chosen = chosen.filter { $0.month == month } }
        if let text = filter.text {
            let names = try await Indicator.query(on: db).filter(\.$id ~~ Array(Set(chosen.map { $0.$indicator.id }))).with(\.$project).all()
            let matching = Set(names.filter { $0.name.contains(text) || $0.project.name.contains(text) }.compactMap(\.id))
            chosen = chosen.filter { $0.description.contains(text) || matching.contains($0.$indicator.id) }
        }
        let page = Listing.slice(chosen, window)
        return Queue(listing: Listing(items: try await listed(page.items, tree: tree, now: now), total: page.total, window: window),
                     pending: all.count, oldestDays: Self.age(all.first, now: now))
    }

    /// How many items wait for `actor` and how long the oldest has waited (the home page's line).
    public func waiting(actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> (pending: Int, oldestDays: Int?) {
        let all = try await pending(actor: actor, tree: tree)
        return (all.count, Self.age(all.first, now: now))
    }

    static func age(_ item: Evidence?, now: Date) -> Int? {
        item.map { max(0, Int(now.timeIntervalSince($0.createdAt) / 86_400)) }
    }

    /// Every pending item `actor` may review, oldest first. Who may review an item is decided
    /// item by item (the unit one level up), so the whole queue is read, not a capped part of
    /// it; it holds what waits, not the year's history.
    private func pending(actor: Actor, tree: RegionTree) async throws -> [Evidence] {
        let subtree = tree.subtreeIDs(of: actor.regionID).subtracting([actor.regionID])
        guard !subtree.isEmpty, Access.holds(.review, actor) else { return [] }
        return try await reviewable(try await Evidence.query(on: db).filter(\.$state == Evidence.State.pending.rawValue)
            .filter(\.$region.$id ~~ Array(subtree)).sort(\.$createdAt).sort(\.$id).all(), actor: actor, tree: tree)
    }

    /// What the account uploaded, newest first: a page, filtered by state and month.
    public func uploads(by accountID: Int, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow(), now: Date = Date()) async throws -> Listing<Listed> {
        let query = Evidence.query(on: db).filter(\.$uploader.$id == accountID)
        if let state = filter.status { query.filter(\.$state == state) }
        if let month = filter.month { query.filter(\.$month == month) }
        if let text = filter.text { query.filter(\.$description ~~ text) }
        let page = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).listing(window)
        return Listing(items: try await listed(page.items, tree: tree, now: now), total: page.total, window: window)
    }

    /// One item with its files, when `actor` uploaded it or may review it.
    public func item(id: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Listed? {
        guard let item = try await Evidence.find(id, on: db) else { return nil }
        let mayReview = item.$uploader.id == actor.accountID ? false : try await mayReview(item, actor: actor, tree: tree)
        try Access.readEvidence(actor, region: item.$region.id, unit: item.$unit.id, uploader: item.$uploader.id, mayReview: mayReview, tree: tree).require()
        return try await listed([item], tree: tree, now: now).first
    }

    public func history(id: Int) async throws -> [EvidenceHistory] {
        try await EvidenceHistory.query(on: db).filter(\.$evidenceID == id).sort(\.$id).all()
    }

    private func listed(_ items: [Evidence], tree: RegionTree, now: Date) async throws -> [Listed] {
        guard !items.isEmpty else { return [] }
        let ids = try items.map { try $0.requireID() }
        let files = Dictionary(grouping: try await EvidenceFile.query(on: db).filter(\.$evidence.$id ~~ ids).sort(\.$id).all(), by: { $0.$evidence.id })
        let indicators = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: db).filter(\.$id ~~ Array(Set(items.map { $0.$indicator.id })))
            .with(\.$project).all().compactMap { i in i.id.map { ($0, i) } })
        let accounts = Dictionary(uniqueKeysWithValues: try await Account.query(on: db).filter(\.$id ~~ Array(Set(items.map { $0.$uploader.id }))).all()
            .compactMap { a in a.id.map { ($0, a.displayName) } })
        let unitIDs = Array(Set(items.compactMap { $0.$unit.id }))
        let units = unitIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ unitIDs).all()
            .compactMap { u in u.id.map { ($0, u.name) } })
        return items.map { item in
            let indicator = indicators[item.$indicator.id]
            return Listed(item: item, indicatorName: indicator?.name ?? "", projectName: indicator?.project.name ?? "",
                          unitLabel: indicator?.unitLabel ?? "", kind: indicator?.kind ?? .quantity, regionName: tree[item.$region.id]?.name ?? "",
                          uploaderName: accounts[item.$uploader.id] ?? "", unitName: item.$unit.id.flatMap { units[$0] },
                          files: files[item.id ?? 0] ?? [], ageDays: max(0, Int(now.timeIntervalSince(item.createdAt) / 86_400)))
        }
    }

    private func planID(ofIndicator id: Int) async throws -> Int? {
        let rows = try await TableRows.read({ "SELECT i.plan_id FROM indicators n JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE n.id = \($0(1))" },
                                            [.int(id)], on: db)
        return try rows.first?.int(try rows.column("plan_id"))
    }
}
