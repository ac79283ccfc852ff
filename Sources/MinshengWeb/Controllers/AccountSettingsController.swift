import MinshengData
import Vapor

/// The account's own settings: password change.
struct AccountSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get("account", "password", use: form)
        signedIn.post("account", "password", use: change)
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirmation: String?
    }

    func form(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        return req.page(PasswordPage(principal: principal, message: nil).render(in: PageContext(request: req)))
    }

    func change(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let input = try req.content.decode(PasswordForm.self)
        guard let account = try await Account.find(principal.accountID, on: req.db) else { throw Abort(.unauthorized) }
        do {
            try await AccountService(db: req.db, hasher: req.application.passwordHasher)
                .changePassword(account, current: input.current ?? "", new: input.new ?? "", confirmation: input.confirmation ?? "",
                                keepSession: req.session.id?.string)
        } catch let error as ServiceError {
            return req.page(PasswordPage(principal: principal, message: error.message).render(in: PageContext(request: req)), status: .unprocessableEntity)
        }
        req.notify("密码已修改。")
        return req.redirect(to: SiteURL.home.path)
    }
}
