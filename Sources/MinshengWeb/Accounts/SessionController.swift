import MinshengCore
import MinshengData
import Vapor

/// Sign-in and sign-out.
struct SessionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.login(next: nil), use: form)
        // Sign-in has no session to hold a form token yet: it checks the request's origin instead.
        routes.post(SiteURL.login(next: nil), use: signIn).checksOwnOrigin()
        routes.post(SiteURL.logout, use: signOut)
    }

    struct SignInForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    func form(req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: SiteURL.home.path) }
        let next = try? req.query.get(String.self, at: "next")
        return req.page(LoginPage(username: "", next: Self.safeNext(next), message: nil).render(in: PageContext(request: req)))
    }

    func signIn(req: Request) async throws -> Response {
        let input = try req.content.decode(SignInForm.self)
        let username = (input.username ?? "").trimmingCharacters(in: .whitespaces)
        let password = input.password ?? ""
        let next = Self.safeNext(input.next)
        func refuse(_ message: String, status: HTTPResponseStatus) -> Response {
            req.page(LoginPage(username: String(username.prefix(64)), next: next, message: message).render(in: PageContext(request: req)), status: status)
        }
        guard !username.isEmpty, !password.isEmpty else { return refuse("请输入用户名和密码。", status: .unprocessableEntity) }
        let service = AccountService(db: req.db, hasher: req.application.passwordHasher, throttle: req.application.minsheng.throttle,
                                     secret: req.application.instanceSecret)
        switch try await service.signIn(username: username, password: password, address: req.senderAddress) {
        case .success(let account):
            try await req.renewSession(with: ["account": String(try account.requireID())])
            // Sessions that are over are removed now and then: at each sign-in.
            try await SessionStore(db: req.db).purge()
            if account.mustChangePassword {
                req.notify("首次登录或密码已被重置，请先设置新密码。", success: false)
                return req.redirect(to: SiteURL.password.path)
            }
            return req.redirect(to: next)
        case .failure(let delay):
            if delay > 0 { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            return refuse("用户名或密码错误。", status: .unauthorized)
        case .locked(let until):
            return refuse("从您的网络连续登录失败次数过多，该账号在此已临时锁定，请于 \(ChineseDate.dayAndTime(until)) 后再试，或联系管理员重置密码。",
                          status: .tooManyRequests)
        case .inactive:
            return refuse("该账号已停用，请联系管理员。", status: .forbidden)
        }
    }

    func signOut(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteURL.login(next: nil).path)
    }

    /// Only local paths are followed after sign-in, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 300,
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return SiteURL.home.path }
        return next
    }
}
