import Foundation
import MinshengCore
import MinshengData
import Vapor

/// Cross-site request forgery protection: every state-changing request must carry the
/// session's token, in the `_csrf` form field or the `X-CSRF-Token` header.
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"
    static let header = "X-CSRF-Token"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        switch request.method {
        case .GET, .HEAD, .OPTIONS:
            return try await next.respond(to: request)
        default:
            // The route says how it is protected (`Route.checksOwnOrigin`, `checksTokenItself`);
            // the router has matched it before the middleware runs.
            let rule = request.route?.userInfo[FormProtection.key] as? FormProtection
            // A streamed upload checks the token itself, in the form's first part, before it
            // stores anything (collecting it here would buffer the files).
            if rule == .tokenInBody, request.headers.first(name: Self.header) == nil {
                return try await next.respond(to: request)
            }
            // Forms sent without a session (sign-in, the public pages' rating form) have no session
            // to hold a token: they are refused when the browser says they come from another site.
            if rule == .ownOrigin {
                guard Self.sameSite(request) else { throw Abort(.forbidden, reason: "请在本站页面上提交。") }
                return try await next.respond(to: request)
            }
            // Collect the body first, within the size limit, so an oversized request is answered
            // 413 rather than mistaken for a missing token.
            if request.headers.first(name: Self.header) == nil {
                _ = try await request.body.collect(max: Self.bodyLimit(for: request)).get()
            }
            guard let expected = request.session.data["csrf"], !expected.isEmpty else {
                throw Abort(.forbidden, reason: "页面已过期，请刷新页面后重试。")
            }
            let sent = request.headers.first(name: Self.header) ?? (try? request.content.get(String.self, at: Self.field))
            guard let sent, ConstantTime.equal(sent, expected) else {
                throw Abort(.forbidden, reason: "请求缺少有效的安全令牌，请刷新页面后重试。")
            }
            return try await next.respond(to: request)
        }
    }

    /// True unless the browser says the request comes from another site: `Sec-Fetch-Site` other
    /// than same-origin or none, or an `Origin` that is not this site's (`null` and unreadable
    /// origins included). A client that sends neither header (not a browser) passes.
    static func sameSite(_ request: Request) -> Bool {
        if let site = request.headers.first(name: "Sec-Fetch-Site"), !["same-origin", "none"].contains(site) { return false }
        guard let origin = request.headers.first(name: .origin) else { return true }
        guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
              let host = url.host?.lowercased(), !host.isEmpty else { return false }
        let own = request.headers.first(name: .host)?.split(separator: ":").first.map { String($0).lowercased() }
        return host == own || host == URL(string: request.application.minsheng.publicURL)?.host?.lowercased()
    }

    /// Upload routes take files up to the import limit (plus the form's own fields).
    static let uploadLimit = TableFile.maxBytes + 1024 * 1024

    static func bodyLimit(for request: Request) -> Int {
        request.route?.userInfo[FormProtection.uploads] != nil ? uploadLimit : request.application.routes.defaultMaxBodySize.value
    }

}

/// How a route that changes state is protected against forged requests, declared where the route
/// is registered. A route that declares nothing needs the session's token.
enum FormProtection: Sendable, Hashable {
    /// Sent without a session (sign-in, the public rating form): refused when the browser says it
    /// comes from another site.
    case ownOrigin
    /// A streamed upload that checks the token itself, in the form's first part.
    case tokenInBody

    static let key = "minsheng.form-protection"
    /// Routes that take files up to the import limit.
    static let uploads = "minsheng.uploads"
}

extension Route {
    /// Declares that the route is sent without a session and checks the request's origin instead of a token.
    @discardableResult
    func checksOwnOrigin() -> Route { userInfo[FormProtection.key] = FormProtection.ownOrigin; return self }

    /// Declares that the route streams its body and checks the token in the form's first part.
    @discardableResult
    func checksTokenItself() -> Route { userInfo[FormProtection.key] = FormProtection.tokenInBody; return self }

    /// Declares that the route takes files up to the import limit (the body is read within it).
    @discardableResult
    func takesUploads() -> Route { userInfo[FormProtection.uploads] = true; return self }
}

extension Request {
    /// The session's CSRF token, created on first use.
    func csrfToken() -> String {
        if let token = session.data["csrf"], !token.isEmpty { return token }
        let token = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        session.data["csrf"] = token
        return token
    }
}
