import MinshengCore
import Vapor

/// The named access rules routes compose. Every check runs on the server, per request.
enum AccessPolicy: Sendable {
    /// Any signed-in account.
    case signedIn
    /// 专班办公室 admin of any region.
    case admin
    /// Admin of this region or of an ancestor of it.
    case adminOfRegion(Int)
    /// The region is the account's own or lies below it (read access).
    case withinScope(Int)

    /// Throws 401 when nobody is signed in, 403 when the rule refuses, 404 for regions outside
    /// the account's scope (so their existence is not revealed).
    @discardableResult
    func check(_ request: Request) throws -> Principal {
        let principal = try request.requirePrincipal()
        switch self {
        case .signedIn:
            break
        case .admin:
            guard principal.has(.admin) else { throw Abort(.forbidden, reason: "此功能仅限专班办公室管理员使用。") }
        case .adminOfRegion(let id):
            guard principal.sees(region: id) else { throw Abort(.notFound, reason: "未找到该行政区划，或您无权查看。") }
            guard principal.has(.admin) else { throw Abort(.forbidden, reason: "此功能仅限专班办公室管理员使用。") }
        case .withinScope(let id):
            guard principal.sees(region: id) else { throw Abort(.notFound, reason: "未找到该行政区划，或您无权查看。") }
        }
        return principal
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

struct RequireAdmin: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try AccessPolicy.admin.check(request)
        return try await next.respond(to: request)
    }
}
