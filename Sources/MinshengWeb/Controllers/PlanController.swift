import MinshengCore
import MinshengData
import Vapor

/// The plan browser: 实事 → 项目 → 指标, each indicator with its decomposition by region.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get("plans", use: index)
        signedIn.get(SiteURL.Route.plan.map { PathComponent(stringLiteral: $0) }, use: show)
    }

    func index(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let summaries = try await PlanService(db: req.db).summaries(scopeRegionID: principal.regionID, tree: principal.tree)
        return req.page(PlanIndexPage(plans: summaries).render(in: PageContext(request: req)))
    }

    func show(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        let region = try? req.query.get(Int.self, at: "region")
        let month = try? req.query.get(Int.self, at: "month")
        if let region { try AccessPolicy.withinScope(region).check(req) }
        guard let browser = try await PlanService(db: req.db).browse(planID: id, scopeRegionID: principal.regionID, tree: principal.tree,
                                                                     focusRegionID: region, month: month) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return req.page(PlanShowPage(browser: browser).render(in: PageContext(request: req)))
    }
}
