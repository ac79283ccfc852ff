import MinshengCore
import MinshengData
import Vapor

/// The access rules a route states before it reads anything: the request's side of the one
/// access module (`MinshengData/Access`). Every check runs on the server, per request; record-level
/// rules (this share, this evidence item) are decided by the services, which ask the same module.
enum AccessPolicy: Sendable {
    /// Any signed-in account.
    case signedIn
    /// An account that holds the duty somewhere (专班办公室, 填报员, 审核员 …).
    case duty(Access.Duty)
    /// The office of this region or of an ancestor of it.
    case officeOf(region: Int)
    /// The region is the account's own or lies below it (read access, every role).
    case read(region: Int)

    /// The office duty: 专班办公室 of any region (its own region and below are what it manages).
    static let office = AccessPolicy.duty(.office)

    /// Throws 401 when nobody is signed in, 403 when the rule refuses, 404 for regions outside
    /// the account's scope (so their existence is not revealed).
    @discardableResult
    func check(_ request: Request) throws -> Principal {
        let principal = try request.requirePrincipal()
        let decision: Decision
        switch self {
        case .signedIn: decision = .allow
        case .duty(let duty): decision = Access.duty(duty, principal.actor)
        case .officeOf(let region): decision = Access.office(principal.actor, region: region, tree: principal.tree, notFound: "未找到该行政区划，或您无权查看。")
        case .read(let region): decision = Access.read(principal.actor, region: region, tree: principal.tree, notFound: "未找到该行政区划，或您无权查看。")
        }
        switch decision {
        case .allow: return principal
        case .notFound(let message): throw Abort(.notFound, reason: message)
        case .forbidden(let message): throw Abort(.forbidden, reason: message)
        }
    }
}

/// Route groups that refuse anonymous requests before any handler runs. An account whose
/// password was set by someone else (first start, admin reset) can use nothing but the
/// password page until it chooses its own.
struct RequireSignIn: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(request)
        if principal.mustChangePassword && request.url.path != SiteURL.password.path {
            if request.method == .GET && !request.wantsJSON {
                request.notify("请先设置新密码后再继续使用。", success: false)
                return request.redirect(to: SiteURL.password.path)
            }
            throw Abort(.forbidden, reason: "请先修改初始密码。")
        }
        return try await next.respond(to: request)
    }
}

/// Route groups of one duty (the office's administration pages).
struct RequireDuty: AsyncMiddleware {
    let duty: Access.Duty
    init(_ duty: Access.Duty) { self.duty = duty }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try AccessPolicy.duty(duty).check(request)
        return try await next.respond(to: request)
    }
}

/// The plan a route names, checked before its form is read: a refusal never depends on what the
/// form holds, so a form sent to a plan outside the account's scope is answered 404 whatever it
/// contains.
enum PlanAccess {
    /// The plan, when the account reads it (its owner within the scope, or above the account's region).
    static func read(_ req: Request, _ planID: Int) async throws -> Principal {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let plan = try await Plan.find(planID, on: req.db) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        try Access.readPlan(principal.actor, owner: plan.$owner.id, tree: principal.tree).require()
        return principal
    }

    /// The plan, when the account is an office of its owner or above (who sets its rules, limits
    /// and months); 403 for others who read it, 404 for those who do not.
    static func manage(_ req: Request, _ planID: Int, denied: String = "只有该计划的专班办公室可以进行此设置。") async throws -> Principal {
        let principal = try AccessPolicy.office.check(req)
        _ = try await Access.officePlan(planID, actor: principal.actor, tree: principal.tree, denied: denied, on: req.db)
        return principal
    }

    /// The `:id` parameter as a plan's id.
    static func id(_ req: Request, _ name: String = "id") throws -> Int {
        guard let id = req.parameters.get(name, as: Int.self) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        return id
    }
}
