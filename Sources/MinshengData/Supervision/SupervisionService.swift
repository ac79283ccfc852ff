import FluentKit
import Foundation
import MinshengCore

/// The people an office appoints and its supervision settings; the projects supervision works on.
public struct SupervisionService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: - Settings

    /// The office's times to rectify (the standard 3 / 10 / 30 working days until it sets its own;
    /// a county without settings of its own follows the nearest office above that has them).
    public func deadlines(regionID: Int, tree: RegionTree) async throws -> ProblemDeadlines {
        var region: Int? = regionID
        while let current = region {
            if let stored = try await SupervisionSettings.find(current, on: db),
               let decoded = try? JSONDecoder().decode(ProblemDeadlines.self, from: Data(stored.deadlines.utf8)) {
                return decoded
            }
            region = tree[current]?.parentID
        }
        return .standard
    }

    public func setDeadlines(_ deadlines: ProblemDeadlines, regionID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        try Access.office(actor, region: regionID, tree: tree).require()
        if let problem = deadlines.problem() { throw ServiceError.invalid(problem) }
        let json = String(decoding: try JSONEncoder().encode(deadlines), as: UTF8.self)
        try await db.write { db in
            let settings = try await SupervisionSettings.find(regionID, on: db) ?? { let s = SupervisionSettings(); s.id = regionID; return s }()
            settings.deadlines = json
            settings.updatedBy = actor.accountID
            settings.updatedAt = now
            try await settings.save(on: db)
            try await AuditLog.record("supervision.deadlines", subject: "region:\(regionID)",
                                      detail: "紧急 \(deadlines.urgent)、较重 \(deadlines.major)、一般 \(deadlines.normal) 个工作日", by: actor.accountID, on: db)
        }
    }

    // MARK: - Projects

    /// A project as it runs in one region: the units holding its shares there.
    public struct ProjectInRegion: Sendable, Equatable {
        public var projectID: Int
        public var project: String
        public var regionID: Int
        public var region: String
        public var planTitle: String
        public var year: Int
        /// Units responsible for its shares in the region, in their first appearance.
        public var unitIDs: [Int]
    }

    /// Every (project, region) pair with a share in one of `regions`, in plan order.
    public func projects(inRegions regions: Set<Int>, tree: RegionTree, year: Int? = nil) async throws -> [ProjectInRegion] {
        guard !regions.isEmpty else { return [] }
        let list = regions.sorted()
        let rows = try await TableRows.read({ mark in
            """
            SELECT p.id AS project_id, p.name AS project_name, t.region_id, t.responsible_unit_id, pl.title AS plan_title, y.year,
                   pl.sort_order, i.seq AS item_seq, p.seq AS project_seq, t.sort_order AS target_order
            FROM targets t JOIN indicators n ON n.id = t.indicator_id JOIN projects p ON p.id = n.project_id
            JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id JOIN years y ON y.id = pl.year_id
            WHERE t.region_id IN (\(list.indices.map { mark($0 + 1) }.joined(separator: ", ")))
            """ + (year == nil ? "" : " AND y.year = \(mark(list.count + 1))")
        }, list.map { .int($0) } + (year.map { [.int($0)] } ?? []), on: db)
        let c = (project: try rows.column("project_id"), name: try rows.column("project_name"), region: try rows.column("region_id"),
                 unit: try rows.column("responsible_unit_id"), title: try rows.column("plan_title"), year: try rows.column("year"),
                 plan: try rows.column("sort_order"), item: try rows.column("item_seq"), seq: try rows.column("project_seq"))
        var order: [String] = []
        var found: [String: (entry: ProjectInRegion, sort: [Int])] = [:]
        for row in rows {
            let project = try row.requiredInt(c.project), region = try row.requiredInt(c.region)
            let key = "\(project):\(region)"
            if found[key] == nil {
                order.append(key)
                found[key] = (ProjectInRegion(projectID: project, project: try row.requiredString(c.name), regionID: region,
                                              region: tree[region]?.name ?? "", planTitle: try row.requiredString(c.title),
                                              year: try row.requiredInt(c.year), unitIDs: []),
                              [try row.int(c.plan) ?? 0, try row.requiredInt(c.item), try row.requiredInt(c.seq), project, tree.depth(of: region), region])
            }
            if let unit = try row.int(c.unit), !(found[key]?.entry.unitIDs.contains(unit) ?? true) { found[key]?.entry.unitIDs.append(unit) }
        }
        return order.compactMap { found[$0] }.sorted { $0.sort.lexicographicallyPrecedes($1.sort) }.map(\.entry)
    }

    // MARK: - People

    public struct Appointment: Sendable {
        public var role: Role
        public var scope: SupervisorScope
        public var identity: SupervisorIdentity
        /// For a project observer: "projectID:regionID".
        public var project: String
        public var unitID: Int?
        public var organisation: String
        public var phone: String
        public var termFrom: String
        public var termUntil: String

        public init(role: Role, scope: SupervisorScope, identity: SupervisorIdentity, project: String = "", unitID: Int? = nil,
                    organisation: String = "", phone: String = "", termFrom: String, termUntil: String) {
            self.role = role
            self.scope = scope
            self.identity = identity
            self.project = project
            self.unitID = unitID
            self.organisation = organisation
            self.phone = phone
            self.termFrom = termFrom
            self.termUntil = termUntil
        }
    }

    /// An ISO day typed in a form, or nil.
    static func day(_ text: String) -> String? { ChineseDate.parseDay(text)?.iso }

    /// Appoints an account of the office's region (or below) as 观察员 / 监督员 / 评议员: the role is
    /// added to the account, the appointment recorded. An account has one appointment.
    public func appoint(accountID: Int, _ appointment: Appointment, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Supervisor {
        guard let account = try await Account.find(accountID, on: db) else { throw ServiceError.notFound("未找到该账号，或您无权查看。") }
        try Access.office(actor, region: account.$region.id, tree: tree, notFound: "未找到该账号，或您无权查看。").require()
        guard Access.appointedRoles.contains(appointment.role) else { throw ServiceError.invalid("请选择观察员、监督员或评议员。") }
        var problems: [String] = []
        let from = Self.day(appointment.termFrom), until = Self.day(appointment.termUntil)
        if from == nil || until == nil { problems.append("聘期应为有效日期（YYYY-MM-DD）。") }
        if let from, let until, from > until { problems.append("聘期的结束日期早于开始日期。") }
        let organisation = appointment.organisation.trimmingCharacters(in: .whitespacesAndNewlines)
        if organisation.count > 100 { problems.append("工作单位及职务不超过 100 个字。") }
        let phoneText = appointment.phone.trimmingCharacters(in: .whitespaces)
        let phone = phoneText.isEmpty ? nil : FeedbackText.phone(phoneText)
        if !phoneText.isEmpty && phone == nil { problems.append("联系电话应为 7 至 15 位数字。") }
        var chosenProject: Int?, chosenRegion: Int?, chosenUnit: Int?
        switch appointment.scope {
        case .region: break
        case .project:
            let parts = appointment.project.split(separator: ":").compactMap { Int($0) }
            if parts.count == 2, tree.isWithin(parts[1], of: account.$region.id) {
                let runs = try await projects(inRegions: [parts[1]], tree: tree).contains { $0.projectID == parts[0] }
                if runs { chosenProject = parts[0]; chosenRegion = parts[1] } else { problems.append("所选项目在该区划没有任务。") }
            } else {
                problems.append("项目观察员请选择所观察的项目和区划。")
            }
        case .unit:
            if let id = appointment.unitID, let unit = try await Department.find(id, on: db), tree.isWithin(unit.$region.id, of: actor.regionID) {
                chosenUnit = unit.id
            } else {
                problems.append("单位观察员请选择所联系的牵头单位。")
            }
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let (projectID, projectRegion, unitID) = (chosenProject, chosenRegion, chosenUnit)
        return try await db.write(locking: [.record("supervisor:\(accountID)")]) { db in
            guard try await Supervisor.query(on: db).filter(\.$account.$id == accountID).first() == nil else {
                throw ServiceError.conflict("\(account.displayName)已有聘任记录；如需改变，请先解聘。")
            }
            let record = Supervisor()
            record.$account.id = accountID
            record.$region.id = account.$region.id
            record.role = appointment.role.rawValue
            record.scope = appointment.scope.rawValue
            record.$project.id = projectID
            record.projectRegionID = projectRegion
            record.$unit.id = unitID
            record.identity = appointment.identity.rawValue
            record.organisation = organisation.isEmpty ? nil : organisation
            record.phone = phone
            record.termFrom = from ?? ""
            record.termUntil = until ?? ""
            record.appointedBy = actor.accountID
            record.createdAt = now
            try await record.create(on: db)
            guard let fresh = try await Account.find(accountID, on: db) else { throw ServiceError.notFound("未找到该账号，或您无权查看。") }
            var roles = fresh.roleSet
            roles.insert(appointment.role)
            fresh.roles = Role.encode(roles)
            try await fresh.save(on: db)
            try await AuditLog.record("supervisor.appoint", subject: "账号 \(account.username)",
                                      detail: "\(appointment.role.label)（\(appointment.identity.label)），聘期 \(record.termFrom) 至 \(record.termUntil)",
                                      by: actor.accountID, on: db)
            return record
        }
    }

    /// Ends an appointment: the record goes, the role is taken from the account; what the person
    /// raised and recorded stays.
    public func dismiss(id: Int, confirmed: Bool = true, actor: Actor, tree: RegionTree) async throws {
        guard let record = try await Supervisor.query(on: db).filter(\.$id == id).with(\.$account).first() else {
            throw ServiceError.notFound("未找到该聘任记录，或您无权查看。")
        }
        try Access.office(actor, region: record.$region.id, tree: tree, notFound: "未找到该聘任记录，或您无权查看。").require()
        guard confirmed else { throw ServiceError.invalid("请在名册中点击“解聘”并确认。") }
        try await db.write { db in
            guard let fresh = try await Supervisor.find(id, on: db) else { return }
            if let account = try await Account.find(fresh.$account.id, on: db) {
                var roles = account.roleSet
                roles.remove(fresh.roleValue)
                account.roles = Role.encode(roles)
                try await account.save(on: db)
            }
            try await fresh.delete(on: db)
            try await AuditLog.record("supervisor.dismiss", subject: "账号 \(record.account.username)", detail: record.roleValue.label, by: actor.accountID, on: db)
        }
    }

    /// Of these accounts, those whose appointment's term covers the day.
    public func serving(_ accountIDs: [Int], on day: String = ChineseDate.isoDay(Date())) async throws -> Set<Int> {
        guard !accountIDs.isEmpty else { return [] }
        return Set(try await Supervisor.query(on: db).filter(\.$account.$id ~~ accountIDs).all().filter { $0.serves(on: day) }.map(\.$account.id))
    }

    /// The appointment of an account, if it has one.
    public func appointment(accountID: Int) async throws -> Supervisor? {
        try await Supervisor.query(on: db).filter(\.$account.$id == accountID).first()
    }

    /// The appointment as the access rule needs it.
    public func accessAppointment(accountID: Int, today: String = ChineseDate.isoDay(Date())) async throws -> Access.Appointment? {
        guard let record = try await appointment(accountID: accountID) else { return nil }
        return Access.Appointment(scope: record.scopeValue, projectID: record.$project.id, projectRegionID: record.projectRegionID,
                                  unitID: record.$unit.id, serving: record.serves(on: today))
    }

    /// The roster of the actor's region and below, filtered by region, role and words in names,
    /// paged, with the true total.
    public func roster(actor: Actor, tree: RegionTree, role: Role? = nil, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow()) async throws -> Listing<Supervisor> {
        let regions = Array(tree.subtreeIDs(of: filter.regionID.flatMap { tree.isWithin($0, of: actor.regionID) ? $0 : nil } ?? actor.regionID))
        let query = Supervisor.query(on: db).filter(\.$region.$id ~~ regions).join(Account.self, on: \Supervisor.$account.$id == \Account.$id)
        if let role { query.filter(\.$role == role.rawValue) }
        if let text = filter.text { query.filter(Account.self, \.$displayName ~~ text) }
        return try await query.with(\.$account).with(\.$project).with(\.$unit)
            .sort(\.$region.$id).sort(\.$role).sort(Account.self, \.$displayName).listing(window)
    }

    /// Accounts of the actor's scope that could be appointed (active, not yet appointed).
    public func appointable(actor: Actor, tree: RegionTree) async throws -> [Account] {
        let regions = Array(tree.subtreeIDs(of: actor.regionID))
        let appointed = Set(try await Supervisor.query(on: db).filter(\.$region.$id ~~ regions).all(\.$account.$id))
        return try await Account.query(on: db).filter(\.$region.$id ~~ regions).filter(\.$active == true).sort(\.$displayName).all()
            .filter { !appointed.contains($0.id ?? -1) }
    }
}
