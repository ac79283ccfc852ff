import MinshengData
import Vapor

/// What a plan's report page (信息公开考核, 亮码评价) shows, within what the account may see:
/// the plan, its top region for this account, the region asked for and the month (by default
/// the plan's latest month with figures).
struct PlanReportScope {
    let principal: Principal
    let planID: Int
    let top: Int
    let focus: Int
    let month: Int

    static func resolve(_ req: Request) async throws -> PlanReportScope {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, region, month) = try PlanController.parameters(req)
        let service = ReportingService(db: req.db)
        guard let (top, focus) = try await service.planFocus(planID: id, requested: region, scopeRegionID: principal.regionID, tree: principal.tree) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        var shown = month.flatMap { (1...12).contains($0) ? $0 : nil }
        if shown == nil { shown = try await service.defaultMonth(planID: id, regionID: focus) }
        return PlanReportScope(principal: principal, planID: id, top: top, focus: focus, month: shown ?? 12)
    }

    /// The regions from the top down to the focus, for the breadcrumb.
    var trail: [(id: Int, name: String)] {
        let tree = principal.tree
        return (tree.ancestors(of: focus).reversed() + [tree[focus]].compactMap { $0 })
            .filter { tree.isWithin($0.id, of: top) }.map { ($0.id, $0.name) }
    }
}
