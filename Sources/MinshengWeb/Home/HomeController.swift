import MinshengCore
import MinshengData
import Vapor

/// The home page: the account's programme at a glance.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireSignIn()).get(SiteURL.home, use: home)
    }

    func home(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let summaries = try await PlanService(db: req.db).summaries(scopeRegionID: principal.regionID, tree: principal.tree)
        let childRegions = principal.tree.children(of: principal.regionID)
        let accounts = principal.may(.office) ? try await AccountService(db: req.db, hasher: req.application.passwordHasher)
            .accounts(inRegions: principal.scope).count : nil
        let work = try await WorkListService(db: req.db).work(actor: principal.actor, tree: principal.tree)
        let page = HomePage(principal: principal, plans: summaries, childRegions: childRegions.map(\.name), accountCount: accounts, work: work)
        return req.page(page.render(in: PageContext(request: req)))
    }
}
