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
        let page = try await HomePage.load(req, principal: principal)
        return req.page(page.render(in: PageContext(request: req)))
    }
}
