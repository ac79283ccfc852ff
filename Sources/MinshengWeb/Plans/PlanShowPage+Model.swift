import MinshengCore
import MinshengData
import Vapor

/// One plan: its items, projects and indicators, with each indicator's target in the aggregate
/// column and in every child region that has a share ("/" where it has none), and the latest
/// reported progress beneath each target. The figures are the plan browser's
/// (`PlanService.browse`: stored figures, 序时进度 at the month); the view
/// (`PlanShowPage+View.swift`) lays them out.
struct PlanShowPage {
    let browser: PlanService.Browser
    /// The account manages the plan (its outline and its owner's targets).
    var manages = false
    /// The region whose decomposition the account edits from this view (its own office's, with regions below).
    var decomposeRegion: Int? = nil

    /// The plan as the signed-in account sees it, for a region of its scope and a month; nil when
    /// the plan is not there or not the account's to see.
    static func load(_ req: Request, principal: Principal, planID: Int, region: Int?, month: Int?) async throws -> PlanShowPage? {
        guard let browser = try await PlanService(db: req.db).browse(planID: planID, scopeRegionID: principal.regionID, tree: principal.tree,
                                                                     focusRegionID: region, month: month) else { return nil }
        var page = PlanShowPage(browser: browser)
        guard let plan = try await Plan.find(planID, on: req.db) else { return page }
        let tree = principal.tree
        page.manages = Access.officeOfPlan(principal.actor, owner: plan.$owner.id, tree: tree).isAllowed
        let focus = browser.focus.regionID
        if !tree.children(of: focus).isEmpty, Access.decompose(principal.actor, owner: plan.$owner.id, region: focus, tree: tree).isAllowed {
            page.decomposeRegion = focus
        }
        return page
    }
}
