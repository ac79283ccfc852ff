import Foundation
import MinshengCore
import MinshengData
import Vapor

/// The reporter's grid: its unit's shares for the month, with last month's figure beside each,
/// to save as a draft or submit. The counts, the filtered page and each typed figure's fall
/// below last month are worked out here; the view (`ReportingPage+View.swift`) lays them out.
struct ReportingPage {
    let principal: Principal
    let plans: [Plan]
    let grid: ReportingService.Grid?
    let message: String?
    let typed: [String: String]
    /// Filters and page of the grid (region, indicator as `project`, state as `status`).
    let query: ListQuery

    /// The grid's rows by state.
    struct Counts { var total = 0, submitted = 0, drafts = 0, returned = 0, unreported = 0 }
    let counts: Counts
    /// The page of rows the filters leave.
    let page: Listing<ReportingService.Row>
    /// The regions and indicators of the grid, for the filters (in the grid's order).
    let regionChoices: [(String, String)]
    let indicatorChoices: [(String, String)]
    /// For each row on the page ("indicator_region"): how far what was typed (or is stored) falls
    /// below last month's figure, when it does.
    let falls: [String: String]

    init(principal: Principal, plans: [Plan], grid: ReportingService.Grid?, message: String?, typed: [String: String] = [:], query: ListQuery = ListQuery()) {
        self.principal = principal
        self.plans = plans
        self.grid = grid
        self.message = message
        self.typed = typed
        self.query = query
        let rows = grid?.rows ?? []
        counts = Counts(total: rows.count, submitted: grid?.submitted ?? 0, drafts: rows.filter { $0.state == .draft }.count,
                        returned: rows.filter { $0.state == .returned }.count, unreported: rows.filter { $0.report == nil }.count)
        page = Listing.slice(Self.filtered(rows, query.filter, tree: principal.tree), query.window)
        var regions: [(String, String)] = [], seenRegions = Set<Int>()
        var indicators: [(String, String)] = [], seenIndicators = Set<Int>()
        for row in rows {
            if seenRegions.insert(row.regionID).inserted { regions.append(("\(row.regionID)", row.regionName)) }
            if seenIndicators.insert(row.indicatorID).inserted { indicators.append(("\(row.indicatorID)", row.indicatorName)) }
        }
        regionChoices = regions
        indicatorChoices = indicators
        var falls: [String: String] = [:]
        for row in page.items {
            let key = Self.key(row)
            let quantity = typed["q_" + key] ?? row.report?.quantity.map(Figures.quantity) ?? ""
            let progress = typed["p_" + key] ?? (row.kind == .quantity && row.report?.quantity != nil ? "" : row.report?.progress.map { Figures.quantity($0) } ?? "")
            falls[key] = ReportingService.decrease(row, quantity: ImportNumber.value(quantity), progress: ProgressFile.percent(progress))
        }
        self.falls = falls
    }

    /// A row's name in the form's fields.
    static func key(_ row: ReportingService.Row) -> String { "\(row.indicatorID)_\(row.regionID)" }

    /// The grid for the signed-in reporter: the plan and month asked for (the first plan and the
    /// month being reported by default), its unit's shares.
    static func load(_ req: Request, principal: Principal, planID asked: Int?, month askedMonth: Int?, message: String? = nil,
                     typed: [String: String] = [:]) async throws -> ReportingPage {
        let plans = try await PlanService(db: req.db).visiblePlans(scopeRegionID: principal.regionID, tree: principal.tree)
        guard !plans.isEmpty else { return ReportingPage(principal: principal, plans: [], grid: nil, message: nil) }
        let chosen = asked.flatMap { id in plans.first { $0.id == id } } ?? plans[0]
        let planID = try chosen.requireID()
        let month: Int
        if let askedMonth, (1...12).contains(askedMonth) {
            month = askedMonth
        } else {
            month = try await WorkListService(db: req.db).currentMonth(planID: planID)
        }
        let grid = try await ReportingService(db: req.db).grid(planID: planID, month: month, scopeRegionID: principal.regionID,
                                                               unitID: Access.reportingUnit(principal.actor), tree: principal.tree)
        return ReportingPage(principal: principal, plans: plans, grid: grid, message: message, typed: typed, query: gridQuery(req, plan: planID, month: month))
    }

    /// The grid's filters and page, keeping its plan and month; 100 rows a page unless asked.
    static func gridQuery(_ req: Request, plan: Int, month: Int) -> ListQuery {
        var query = ListQuery(req)
        query.fixed = [("plan", "\(plan)"), ("month", "\(month)")]
        // month= is the grid's month here, not a filter.
        query.filter.month = nil
        query.filter.year = nil
        if (try? req.query.get(Int.self, at: "size")) == nil { query.window = ListWindow(page: query.window.page, size: 100) }
        return query
    }

    /// The grid's rows after the filters.
    static func filtered(_ rows: [ReportingService.Row], _ filter: ListFilter, tree: RegionTree) -> [ReportingService.Row] {
        var rows = rows
        if let region = filter.regionID { let ids = tree.subtreeIDs(of: region); rows = rows.filter { ids.contains($0.regionID) } }
        if let indicator = filter.projectID { rows = rows.filter { $0.indicatorID == indicator } }
        switch filter.status {
        case "unreported"?: rows = rows.filter { $0.report == nil }
        case "draft"?: rows = rows.filter { $0.state == .draft }
        case "submitted"?: rows = rows.filter { $0.state == .submitted }
        case "returned"?: rows = rows.filter { $0.state == .returned }
        default: break
        }
        if let text = filter.text { rows = rows.filter { $0.indicatorName.contains(text) || $0.projectName.contains(text) || ($0.responsibleUnit ?? "").contains(text) } }
        return rows
    }
}
