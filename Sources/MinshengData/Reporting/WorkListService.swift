import FluentKit
import Foundation
import MinshengCore

/// What is waiting for an account, for its home page: the reporter's figures due this month
/// and their deadline, figures and evidence returned with the reason, the office's 催报 notices;
/// the reviewer's evidence queue and its oldest item; the office's units that have not reported,
/// each named with its region.
public struct WorkListService: Sendable {
    public typealias UnitRows = ReportingService.UnitRows

    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct ReturnedFigure: Sendable {
        public var indicator: String
        public var region: String
        public var reason: String
    }

    /// A reporter's month of one plan.
    public struct Due: Sendable {
        public var planID: Int
        public var planTitle: String
        public var month: Int
        public var deadline: String?
        /// Shares not yet submitted (unreported, drafts, returned).
        public var due: Int
        public var total: Int
        public var returned: [ReturnedFigure]
    }

    public struct ReturnedEvidence: Sendable {
        public var id: Int
        public var indicator: String
        public var region: String
        public var month: Int
        public var reason: String
    }

    /// A unit that has not reported the month, as the office names it.
    public struct Unreported: Sendable {
        public var unitID: Int?
        /// "邵东市 县人社局".
        public var label: String
        public var missing: Int
        /// Active reporters of the unit (who a 催报 reaches).
        public var reporters: Int
        /// When the office last sent it a 催报 for this month.
        public var remindedAt: Date?
    }

    /// An office's month of one plan.
    public struct OfficeMonth: Sendable {
        public var planID: Int
        public var planTitle: String
        public var month: Int
        public var deadline: String?
        public var total: Int
        public var submitted: Int
        public var units: [Unreported]
    }

    public struct Work: Sendable {
        public var due: [Due] = []
        public var returnedEvidence: [ReturnedEvidence] = []
        public var reminders: [Reminder] = []
        public var reviewPending = 0
        public var reviewOldestDays: Int?
        public var office: [OfficeMonth] = []
        public init() {}

        public var isEmpty: Bool {
            due.allSatisfy { $0.due == 0 && $0.returned.isEmpty } && returnedEvidence.isEmpty && reminders.isEmpty && reviewPending == 0
                && office.allSatisfy { $0.units.isEmpty }
        }
    }

    /// The month a plan is being reported for: the first not closed after the latest closed one;
    /// else the latest month with figures; January when there are none.
    public func currentMonth(planID: Int) async throws -> Int {
        let months = try await ReportingService(db: db).months(planID: planID)
        let lastClosed = months.values.filter(\.isClosed).map(\.month).max() ?? 0
        if lastClosed > 0 { return min(lastClosed + 1, 12) }
        let latest = try await ProgressReport.query(on: db)
            .join(Indicator.self, on: \ProgressReport.$indicator.$id == \Indicator.$id)
            .join(Project.self, on: \Indicator.$project.$id == \Project.$id)
            .join(Item.self, on: \Project.$item.$id == \Item.$id)
            .filter(Item.self, \.$plan.$id == planID)
            .max(\.$month) ?? 0
        return min(max(latest, 1), 12)
    }

    public func work(actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Work {
        var work = Work()
        let plans = try await PlanService(db: db).visiblePlans(scopeRegionID: actor.regionID, tree: tree)
        let reporting = ReportingService(db: db)
        // Only the current year's plans are reported now.
        let latestYear = plans.map(\.year.year).max()
        for plan in plans where plan.year.year == latestYear {
            let planID = try plan.requireID()
            let month = try await currentMonth(planID: planID)
            if let unit = Access.reporterUnit(actor) {
                let grid = try await reporting.grid(planID: planID, month: month, scopeRegionID: actor.regionID, unitID: unit, tree: tree)
                if !grid.rows.isEmpty && !grid.closed {
                    let returned = grid.rows.filter { $0.state == .returned }.map {
                        ReturnedFigure(indicator: $0.indicatorName, region: $0.regionName, reason: $0.report?.returnReason ?? "")
                    }
                    work.due.append(Due(planID: planID, planTitle: plan.title, month: month, deadline: grid.deadline,
                                        due: grid.missing.count, total: grid.rows.count, returned: returned))
                }
            }
            // The office months whose 催报 the account may send: plans of its own office or one above.
            if Access.officeOfPlan(actor, owner: plan.$owner.id, tree: tree).isAllowed {
                let grid = try await reporting.grid(planID: planID, month: month, scopeRegionID: actor.regionID, unitID: nil, tree: tree)
                guard !grid.rows.isEmpty, !grid.closed else { continue }
                let groups = grid.missingByUnit
                let unitIDs = groups.compactMap(\.unitID)
                let reporters = unitIDs.isEmpty ? [] : try await Account.query(on: db).filter(\.$unit.$id ~~ unitIDs).filter(\.$active == true).all()
                    .filter(Access.reports)
                let reporterIDs = reporters.compactMap(\.id)
                let sent = reporterIDs.isEmpty ? [] : try await Reminder.query(on: db).filter(\.$planID == planID).filter(\.$month == month)
                    .filter(\.$account.$id ~~ reporterIDs).all()
                let units = groups.map { group -> Unreported in
                    let theirs = group.unitID.map { unit in reporters.filter { $0.$unit.id == unit } } ?? []
                    let ids = Set(theirs.compactMap(\.id))
                    return Unreported(unitID: group.unitID, label: group.label, missing: group.rows.count, reporters: theirs.count,
                                      remindedAt: sent.filter { ids.contains($0.$account.id) }.map(\.createdAt).max())
                }
                work.office.append(OfficeMonth(planID: planID, planTitle: plan.title, month: month, deadline: grid.deadline,
                                               total: grid.rows.count, submitted: grid.submitted, units: units))
            }
        }
        if Access.reporterUnit(actor) != nil {
            let returned = try await Evidence.query(on: db).filter(\.$uploader.$id == actor.accountID)
                .filter(\.$state == Evidence.State.returned.rawValue).sort(\.$createdAt, .descending).all()
            let indicators = Dictionary(try await Indicator.query(on: db).filter(\.$id ~~ Array(Set(returned.map { $0.$indicator.id }))).all()
                .compactMap { i in i.id.map { ($0, i.name) } }, uniquingKeysWith: { a, _ in a })
            work.returnedEvidence = returned.compactMap { item in
                item.id.map { ReturnedEvidence(id: $0, indicator: indicators[item.$indicator.id] ?? "", region: tree[item.$region.id]?.name ?? "",
                                               month: item.month, reason: item.reason ?? "") }
            }
            work.reminders = try await Reminder.query(on: db).filter(\.$account.$id == actor.accountID).filter(\.$readAt == nil)
                .sort(\.$createdAt, .descending).all()
        }
        if Access.holds(.review, actor) {
            let waiting = try await EvidenceService(db: db).waiting(actor: actor, tree: tree, now: now)
            work.reviewPending = waiting.pending
            work.reviewOldestDays = waiting.oldestDays
        }
        return work
    }

    /// 催报 to every unit of the plan's month that has figures missing and reporters to reach:
    /// one reading of the month's grid, one write. Returns (units, reporters) reached.
    public func remindAll(planID: Int, month: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> (units: Int, reporters: Int) {
        try await send(planID: planID, month: month, onlyUnit: nil, actor: actor, tree: tree, now: now)
    }

    /// The office sends a 催报 notice to every active reporter of `unitID` for the plan's month.
    /// Returns how many reporters it reached.
    public func remind(planID: Int, month: Int, unitID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Int {
        guard let unit = try await Department.find(unitID, on: db), tree.isWithin(unit.$region.id, of: actor.regionID) else {
            throw ServiceError.notFound("未找到该单位。")
        }
        return try await send(planID: planID, month: month, onlyUnit: unit, actor: actor, tree: tree, now: now).reporters
    }

    /// Notices to the active reporters of each unit with figures missing (or of `onlyUnit`),
    /// each naming its own count and the deadline, audited per unit.
    private func send(planID: Int, month: Int, onlyUnit: Department?, actor: Actor, tree: RegionTree, now: Date) async throws -> (units: Int, reporters: Int) {
        let plan = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有本计划的专班办公室可以催报。", on: db)
        let grid = try await ReportingService(db: db).grid(planID: planID, month: month, scopeRegionID: actor.regionID, unitID: onlyUnit?.id, tree: tree)
        let groups = grid.missingByUnit.filter { $0.unitID != nil }
        if let unit = onlyUnit, groups.isEmpty { throw ServiceError.conflict("\(unit.name)本月已全部报送，无需催报。") }
        let unitIDs = groups.compactMap(\.unitID)
        let reporters = unitIDs.isEmpty ? [] : try await Account.query(on: db).filter(\.$unit.$id ~~ unitIDs).filter(\.$active == true).all()
            .filter(Access.reports)
        let reached = groups.compactMap { group -> (UnitRows, [Account])? in
            let theirs = reporters.filter { $0.$unit.id == group.unitID }
            return theirs.isEmpty ? nil : (group, theirs)
        }
        guard !reached.isEmpty else {
            if let unit = onlyUnit { throw ServiceError.conflict("\(tree[unit.$region.id]?.name ?? "") \(unit.name)还没有填报员账号，请先为该单位开设账号。") }
            throw ServiceError.conflict("未报送的单位都还没有填报员账号，无法催报；请先为这些单位开设账号。")
        }
        let from = tree[actor.regionID]?.name ?? ""
        let deadline = grid.deadline.map { "，截止日期 \($0)" } ?? ""
        try await db.write { db in
            for (group, accounts) in reached {
                let text = "\(from)专班办公室催报：《\(plan.title)》\(month) 月尚有 \(group.rows.count) 条未报送\(deadline)，请尽快填报。"
                for account in accounts {
                    try await Reminder(accountID: try account.requireID(), planID: planID, month: month, text: text, sentBy: actor.accountID, at: now).create(on: db)
                }
                try await AuditLog.record("reporting.remind", subject: group.label, detail: text, by: actor.accountID, on: db)
            }
        }
        return (reached.count, reached.reduce(0) { $0 + $1.1.count })
    }

    /// The reporter has read a notice.
    public func dismiss(reminderID: Int, accountID: Int, now: Date = Date()) async throws {
        guard let reminder = try await Reminder.find(reminderID, on: db), reminder.$account.id == accountID else { throw ServiceError.notFound("未找到该通知。") }
        reminder.readAt = now
        try await db.bookkeeping { db in try await reminder.save(on: db) }
    }
}
