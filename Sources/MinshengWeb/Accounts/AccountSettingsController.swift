import MinshengData
import Vapor

/// The account's own settings: password change, and for a unit's reporter the unit's contact
/// phone (printed on its posters and public pages).
struct AccountSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.password, use: form)
        signedIn.post(SiteURL.password, use: change)
        let unitReporters = signedIn.grouped(RequireDuty(.unitPhone))
        unitReporters.get(SiteURL.unitPhone, use: unitForm)
        unitReporters.post(SiteURL.unitPhone, use: saveUnit)
    }

    private func ownUnit(_ req: Request) async throws -> (Principal, Department) {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.may(.unitPhone), let id = principal.unitID, let unit = try await Department.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "您的账号不属于某个责任单位。")
        }
        return (principal, unit)
    }

    func unitForm(req: Request) async throws -> Response {
        let (principal, unit) = try await ownUnit(req)
        return req.page(UnitPhonePage(principal: principal, unit: unit, typed: nil, message: nil).render(in: PageContext(request: req)))
    }

    /// The unit sets its own contact phone (the office can too, under 行政区划与单位).
    func saveUnit(req: Request) async throws -> Response {
        let (principal, unit) = try await ownUnit(req)
        let phone = (try? req.content.get(String.self, at: "phone")) ?? ""
        do {
            try await UnitService(db: req.db).update(unit, name: unit.name, phone: phone, by: principal.accountID)
        } catch let error as ServiceError {
            return req.page(UnitPhonePage(principal: principal, unit: unit, typed: phone, message: error.message).render(in: PageContext(request: req)),
                            status: .unprocessableEntity)
        }
        req.notify("已保存本单位的联系电话，亮码海报和项目页面将显示该电话。")
        return req.redirect(to: SiteURL.unitPhone.path)
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
