import Fluent
import Foundation
import MinshengCore
import MinshengData
import Vapor

/// The office's view of a month: who has not submitted, what is missing, returns, the
/// deadline, closing and reopening. What is missing, by unit, whether the deadline has passed,
/// each unit's reporters and each submitted figure's fall below last month are worked out here;
/// the view (`ReportingStatusPage+View.swift`) lays them out.
struct ReportingStatusPage {
    let principal: Principal
    let grid: ReportingService.Grid
    let schedule: String
    /// The viewer is the plan's office (or one above): it sets the deadline, schedule and closing.
    let canManage: Bool
    let ownerName: String
    let message: String?
    /// What a refused form held, shown again.
    let typed: [String: String]

    /// Figures not submitted, and the units they belong to.
    let missing: [ReportingService.Row]
    let units: [ReportingService.UnitRows]
    let submitted: [ReportingService.Row]
    /// Past the deadline with figures still missing.
    let overdue: Bool
    /// Each unit's active reporters' names, by unit.
    let reporterNames: [Int: String]
    /// How far each submitted figure falls below last month's ("indicator_region"), when it does.
    let falls: [String: String]

    init(principal: Principal, grid: ReportingService.Grid, reporters: [Account], schedule: String, canManage: Bool = true, ownerName: String = "",
         message: String? = nil, typed: [String: String] = [:], today: Date = Date()) {
        self.principal = principal
        self.grid = grid
        self.schedule = schedule
        self.canManage = canManage
        self.ownerName = ownerName
        self.message = message
        self.typed = typed
        missing = grid.missing
        units = grid.missingByUnit
        submitted = grid.rows.filter { $0.state == .submitted }
        overdue = Self.overdue(missing: missing.count, deadline: grid.deadline, today: today)
        var names: [Int: [String]] = [:]
        for account in reporters { if let unit = account.$unit.id { names[unit, default: []].append(account.displayName) } }
        reporterNames = names.mapValues { $0.joined(separator: "、") }
        var falls: [String: String] = [:]
        for row in submitted {
            guard let report = row.report else { continue }
            falls[ReportingPage.key(row)] = ReportingService.decrease(row, quantity: report.quantity, progress: report.quantity == nil ? report.progress : nil)
        }
        self.falls = falls
    }

    /// Past the deadline with figures still missing (the deadline is a calendar day in China, inclusive).
    static func overdue(missing: Int, deadline: String?, today: Date) -> Bool {
        guard missing > 0, let deadline else { return false }
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: today) > deadline
    }

    /// The month of a plan as the office sees it; `message` says why a form it sent was refused.
    static func load(_ req: Request, principal: Principal, planID: Int, month: Int, message: String?, typed: [String: String]) async throws -> ReportingStatusPage {
        let grid = try await ReportingService(db: req.db).grid(planID: planID, month: month, scopeRegionID: principal.regionID, unitID: nil, tree: principal.tree)
        let unitIDs = Array(Set(grid.missing.compactMap(\.responsibleUnitID)))
        let reporters = unitIDs.isEmpty ? [] : try await Account.query(on: req.db).filter(\.$unit.$id ~~ unitIDs).filter(\.$active == true).all()
            .filter(Access.reports)
        let plan = try await Plan.find(planID, on: req.db)
        // Only the plan's own office (or one above it) sets its deadline, schedule and closing.
        let manages = plan.map { Access.officeOfPlan(principal.actor, owner: $0.$owner.id, tree: principal.tree).isAllowed } ?? false
        return ReportingStatusPage(principal: principal, grid: grid, reporters: reporters, schedule: plan?.schedule ?? "", canManage: manages,
                                   ownerName: plan.flatMap { principal.tree[$0.$owner.id]?.name } ?? "", message: message, typed: typed)
    }
}
