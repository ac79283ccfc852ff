import FluentKit
import Foundation
import MinshengCore

/// Disclosure items on the public pages: units publish, edit and withdraw their own; the office
/// of the region or above withdraws any with a reason. Every change is in the audit log.
public struct DisclosureService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Draft: Sendable {
        public var category: String
        public var title: String
        public var date: String
        public var body: String
        public var link: String
        public init(category: String, title: String, date: String, body: String, link: String) {
            self.category = category
            self.title = title
            self.date = date
            self.body = body
            self.link = link
        }
    }

    /// Checked fields of a draft, or a Chinese refusal naming every problem.
    struct Checked {
        var category: DisclosureCategory
        var title: String
        var date: String
        var body: String?
        var link: String?
    }

    static func check(_ draft: Draft, year: Int, files: Int) throws -> Checked {
        var problems: [String] = []
        let category = DisclosureCategory(rawValue: draft.category) ?? DisclosureCategory(label: draft.category)
        if category == nil { problems.append("请选择信息类别。") }
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { problems.append("请填写标题。") }
        if title.count > 200 { problems.append("标题不能超过 200 字。") }
        if title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { problems.append("标题含有不可见的控制字符。") }
        let parts = draft.date.trimmingCharacters(in: .whitespaces).split(separator: "-").compactMap { Int($0) }
        var date = ""
        if parts.count == 3, parts[0] == year, (1...12).contains(parts[1]), (1...31).contains(parts[2]) {
            date = String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
        } else {
            problems.append("日期应为 \(year) 年内的 YYYY-MM-DD。")
        }
        let body = draft.body.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        if body.count > 20_000 { problems.append("正文不能超过 20000 字（现有 \(body.count) 字）。") }
        let link = draft.link.trimmingCharacters(in: .whitespaces)
        if !link.isEmpty {
            let lower = link.lowercased()
            if !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || link.count > 500 || URL(string: link) == nil {
                problems.append("链接应为以 http:// 或 https:// 开头的网址。")
            }
        }
        if body.isEmpty && link.isEmpty && files == 0 { problems.append("请填写正文、链接，或上传图片或附件。") }
        guard problems.isEmpty, let category else { throw ServiceError.invalid("未发布：" + problems.joined(separator: "")) }
        return Checked(category: category, title: title, date: date, body: body.isEmpty ? nil : body, link: link.isEmpty ? nil : link)
    }

    /// The plan year of a project, and whether `actor` may publish for it in `regionID`: a unit
    /// responsible for one of its indicators there, or the region's office (or one above).
    func permission(projectID: Int, regionID: Int, actor: Actor, tree: RegionTree) async throws -> Int {
        guard let project = try await Project.query(on: db).filter(\.$id == projectID).with(\.$item).first(),
              let plan = try await Plan.query(on: db).filter(\.$id == project.item.$plan.id).with(\.$year).first() else {
            throw ServiceError.notFound("未找到该项目。")
        }
        let indicatorIDs = try await Indicator.query(on: db).filter(\.$project.$id == projectID).all().compactMap(\.id)
        let shares = try await TableRows.shares(indicatorIDs: indicatorIDs, regionIDs: [regionID], on: db)
        guard !shares.isEmpty || regionID == plan.$owner.id else { throw ServiceError.notFound("该区划不承担这个项目。") }
        try Access.publish(actor, region: regionID, unitHoldsShare: { unit in shares.contains { $0.unitID == unit } }, tree: tree).require()
        return plan.year.year
    }

    public func publish(projectID: Int, regionID: Int, draft: Draft, files: [EvidenceService.StoredFile], actor: Actor, tree: RegionTree,
                        now: Date = Date()) async throws -> Disclosure {
        let year = try await permission(projectID: projectID, regionID: regionID, actor: actor, tree: tree)
        guard files.count <= 20 else { throw ServiceError.invalid("一次最多上传 20 个文件。") }
        let checked = try Self.check(draft, year: year, files: files.count)
        let item = try await db.write { db in
            let item = Disclosure(projectID: projectID, regionID: regionID, unitID: actor.unitID, category: checked.category, title: checked.title,
                                  publishedOn: checked.date, body: checked.body, link: checked.link, createdBy: actor.accountID, at: now)
            try await item.create(on: db)
            let id = try item.requireID()
            for file in files {
                try await DisclosureFile(disclosureID: id, blobKey: file.key, name: file.name, kind: file.kind.rawValue, size: file.size).create(on: db)
            }
            try await AuditLog.record("disclosure.publish", subject: checked.title, detail: "\(checked.category.label) \(checked.date)", by: actor.accountID, on: db)
            return item
        }
        try await PublicVersion.changed(on: db)  // after the commit: a page rendered in between must not be cached as current
        return item
    }

    /// The author edits its own published item.
    public func edit(id: Int, draft: Draft, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard let item = try await Disclosure.find(id, on: db), item.$author.id == actor.accountID, item.isPublished else {
            throw ServiceError.notFound("未找到该信息，或您无权修改。")
        }
        let year = try await permission(projectID: item.$project.id, regionID: item.$region.id, actor: actor, tree: tree)
        let files = try await DisclosureFile.query(on: db).filter(\.$disclosure.$id == id).count()
        let checked = try Self.check(draft, year: year, files: files)
        item.category = checked.category.rawValue
        item.title = checked.title
        item.publishedOn = checked.date
        item.body = checked.body
        item.link = checked.link
        item.updatedAt = now
        try await db.write { db in
            try await item.save(on: db)
            try await AuditLog.record("disclosure.edit", subject: checked.title, detail: "修改", by: actor.accountID, on: db)
        }
        try await PublicVersion.changed(on: db)  // after the commit
    }

    /// The author withdraws its own item; the office of the item's region or above withdraws any,
    /// with a reason.
    public func withdraw(id: Int, reason rawReason: String, actor: Actor, tree: RegionTree) async throws {
        guard let item = try await Disclosure.find(id, on: db), item.isPublished else { throw ServiceError.notFound("未找到该信息，或已撤回。") }
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        let isAuthor = item.$author.id == actor.accountID
        let isOffice = Access.isOffice(actor, region: item.$region.id, tree: tree)
        guard isAuthor || isOffice else { throw ServiceError.notFound("未找到该信息，或您无权撤回。") }
        if !isAuthor && reason.isEmpty { throw ServiceError.invalid("撤回他人发布的信息须填写原因。") }
        guard reason.count <= 500 else { throw ServiceError.invalid("原因不能超过 500 字。") }
        item.state = Disclosure.State.withdrawn.rawValue
        item.$withdrawer.id = actor.accountID
        item.withdrawnReason = reason.isEmpty ? nil : reason
        try await db.write { db in
            try await item.save(on: db)
            try await AuditLog.record("disclosure.withdraw", subject: item.title, detail: reason.isEmpty ? "撤回" : "撤回：\(reason)", by: actor.accountID, on: db)
        }
        try await PublicVersion.changed(on: db)  // after the commit
    }

    /// Published items of a project (in a region, when given), newest first.
    public func published(projectID: Int, regionID: Int?) async throws -> [Disclosure] {
        var query = Disclosure.query(on: db).filter(\.$project.$id == projectID).filter(\.$state == Disclosure.State.published.rawValue)
        if let regionID { query = query.filter(\.$region.$id == regionID) }
        return try await query.with(\.$files).with(\.$unit).sort(\.$publishedOn, .descending).sort(\.$id, .descending).limit(500).all()
    }

    // MARK: - Lists for the staff pages

    public struct Publishable: Sendable {
        public var projectID: Int
        public var project: String
        public var regionID: Int
        public var region: String
        public var planTitle: String
    }

    /// The (project, region) pairs `actor` may publish for: its unit's shares in its region, or,
    /// for an office, every project with a share in its region.
    public func publishable(actor: Actor, tree: RegionTree) async throws -> [Publishable] {
        guard Access.holds(.publish, actor) else { return [] }
        let office = Access.holds(.office, actor)
        let rows = try await TableRows.read({ mark in
            """
            SELECT DISTINCT p.id AS project_id, p.name AS project_name, t.region_id, pl.title AS plan_title, pl.id AS plan_id, p.seq
            FROM targets t JOIN indicators n ON n.id = t.indicator_id JOIN projects p ON p.id = n.project_id
            JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id
            WHERE t.region_id = \(mark(1))
            """ + (office ? "" : " AND t.responsible_unit_id = \(mark(2))")
        }, office ? [.int(actor.regionID)] : [.int(actor.regionID), .int(actor.unitID ?? -1)], on: db)
        let c = (project: try rows.column("project_id"), name: try rows.column("project_name"), region: try rows.column("region_id"),
                 title: try rows.column("plan_title"))
        return try rows.map { row in
            let region = try row.requiredInt(c.region)
            return Publishable(projectID: try row.requiredInt(c.project), project: try row.requiredString(c.name), regionID: region,
                               region: tree[region]?.name ?? "", planTitle: try row.requiredString(c.title))
        }.sorted { ($0.planTitle, $0.project) < ($1.planTitle, $1.project) }
    }

    /// A published item with the quality checks' findings.
    public struct Flagged: Sendable {
        public var item: Disclosure
        public var project: String
        public var region: String
        public var flags: [String]
    }

    /// A page of the published items in `actor`'s region and below (an office) or its own (a
    /// unit), newest first, each with the reasons the quality checks flag it; filtered by region,
    /// project, unit, category, month, title words and 待核查 (`status == "flagged"`).
    public struct Items: Sendable {
        public var listing: Listing<Flagged>
        /// Flagged items in the whole list (before filters).
        public var flaggedTotal: Int
        /// Published items in the whole list (before filters).
        public var allTotal: Int
        /// The projects the whole list has items of, for the project filter.
        public var projects: [(id: Int, name: String)]
    }

    public func items(actor: Actor, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow()) async throws -> Items {
        func scoped() -> QueryBuilder<Disclosure> {
            let query = Disclosure.query(on: db).filter(\.$state == Disclosure.State.published.rawValue)
            if Access.holds(.office, actor) { return query.filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: actor.regionID))) }
            return query.filter(\.$author.$id == actor.accountID)
        }
        // The quality checks judge every item of the list's projects (a repeat needs its original).
        let projectIDs = try await scoped().unique().all(\.$project.$id)
        let plain = try await Self.publishedItems(projectIDs: Array(Set(projectIDs)), on: db)
        var flaggedIDs = Set(Self.repeats(plain).keys)
        for item in plain where item.category == DisclosureCategory.report.rawValue
            && DisclosureQuality.misfiledReport(title: item.title, text: item.body, images: item.images) != nil {
            flaggedIDs.insert(item.id)
        }
        let inList = Set(try await scoped().all(\.$id).compactMap { $0 })
        flaggedIDs.formIntersection(inList)

        let query = scoped()
        if let region = filter.regionID { query.filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: region))) }
        if let project = filter.projectID { query.filter(\.$project.$id == project) }
        if let unit = filter.unitID { query.filter(\.$unit.$id == unit) }
        if let category = filter.category { query.filter(\.$category == category) }
        if let range = filter.dateRange { query.filter(\.$publishedOn >= range.from).filter(\.$publishedOn < range.until) }
        if let text = filter.text { query.filter(\.$title ~~ text) }
        if filter.status == "flagged" { query.filter(\.$id ~~ (flaggedIDs.isEmpty ? [-1] : Array(flaggedIDs))) }
        let page = try await query.with(\.$files).with(\.$project).sort(\.$publishedOn, .descending).sort(\.$id, .descending).listing(window)
        let flagged = try await flag(page.items, tree: tree)
        let names = try await Project.query(on: db).filter(\.$id ~~ (projectIDs.isEmpty ? [-1] : Array(Set(projectIDs)))).all()
            .compactMap { project in project.id.map { (id: $0, name: project.name) } }.sorted { $0.name < $1.name }
        return Items(listing: Listing(items: flagged, total: page.total, window: window), flaggedTotal: flaggedIDs.count, allTotal: inList.count,
                     projects: names)
    }

    /// Published items of the projects in `regionID` and below that the quality checks flag,
    /// newest first. The checks read plain rows; only flagged items are loaded as models.
    public func flagged(projectIDs: [Int], regionID: Int, tree: RegionTree) async throws -> [Flagged] {
        guard !projectIDs.isEmpty else { return [] }
        let scope = tree.subtreeIDs(of: regionID)
        let plain = try await Self.publishedItems(projectIDs: projectIDs, on: db)
        var reasons = Self.repeats(plain)
        for item in plain where item.category == DisclosureCategory.report.rawValue {
            if let reason = DisclosureQuality.misfiledReport(title: item.title, text: item.body, images: item.images) {
                reasons[item.id, default: []].append("张冠李戴：" + reason)
            }
        }
        let ids = plain.filter { scope.contains($0.regionID) && reasons[$0.id] != nil }.map(\.id)
        guard !ids.isEmpty else { return [] }
        let items = try await Disclosure.query(on: db).filter(\.$id ~~ ids).with(\.$project)
            .sort(\.$publishedOn, .descending).sort(\.$id, .descending).all()
        return items.map { Flagged(item: $0, project: $0.project.name, region: tree[$0.$region.id]?.name ?? "", flags: reasons[$0.id ?? 0] ?? []) }
    }

    /// Each item with the reasons the quality checks flag it. Repeats are judged within each
    /// project's page in a region, against everything published there: the same policy file on
    /// every county's page of a project is no repeat.
    private func flag(_ items: [Disclosure], tree: RegionTree) async throws -> [Flagged] {
        let flags = Self.repeats(try await Self.publishedItems(projectIDs: Array(Set(items.map { $0.$project.id })), on: db))
        return items.map { item in
            var reasons = flags[item.id ?? 0] ?? []
            if item.disclosureCategory == .report {
                let images = item.files.filter { FileKind(rawValue: $0.kind)?.isImage == true }.count
                if let reason = DisclosureQuality.misfiledReport(title: item.title, text: item.body ?? "", images: images) { reasons.append("张冠李戴：" + reason) }
            }
            return Flagged(item: item, project: item.project.name, region: tree[item.$region.id]?.name ?? "", flags: reasons)
        }
    }

    /// 滥竽充数 reasons by item id, judged within each project's page in a region.
    static func repeats(_ items: [PlainItem]) -> [Int: [String]] {
        var flags: [Int: [String]] = [:]
        for (_, group) in Dictionary(grouping: items, by: { "\($0.projectID):\($0.regionID)" }) {
            let entries = group.sorted { $0.id < $1.id }.map { (id: $0.id, title: $0.title, text: $0.body) }
            for found in DisclosureQuality.duplicates(entries) { flags[found.id, default: []].append("滥竽充数：" + found.reason) }
        }
        return flags
    }

    /// A published item as the counts and checks need it, read without model decoding.
    struct PlainItem: Sendable {
        var id: Int
        var projectID: Int
        var regionID: Int
        var category: String
        var title: String
        var publishedOn: String
        var body: String
        var images: Int
    }

    static func publishedItems(projectIDs: [Int], on db: any Database) async throws -> [PlainItem] {
        guard !projectIDs.isEmpty else { return [] }
        let images = FileKind.allCases.filter(\.isImage).map { "'\($0.rawValue)'" }.joined(separator: ",")
        let rows = try await TableRows.read({ mark in
            "SELECT d.id, d.project_id, d.region_id, d.category, d.title, d.published_on, d.body, "
                + "(SELECT COUNT(*) FROM disclosure_files f WHERE f.disclosure_id = d.id AND f.kind IN (\(images))) AS images "
                + "FROM disclosures d WHERE d.state = \(mark(1)) AND d.project_id IN (" + TableRows.marks(mark, from: 2, count: projectIDs.count) + ")"
        }, [.text(Disclosure.State.published.rawValue)] + projectIDs.map(TableRows.Bind.int), on: db)
        let c = (id: try rows.column("id"), project: try rows.column("project_id"), region: try rows.column("region_id"), category: try rows.column("category"),
                 title: try rows.column("title"), date: try rows.column("published_on"), body: try rows.column("body"), images: try rows.column("images"))
        return try rows.map { row in
            PlainItem(id: try row.requiredInt(c.id), projectID: try row.requiredInt(c.project), regionID: try row.requiredInt(c.region),
                      category: try row.requiredString(c.category), title: try row.requiredString(c.title), publishedOn: try row.requiredString(c.date),
                      body: try row.string(c.body) ?? "", images: try row.requiredInt(c.images))
        }
    }
}
