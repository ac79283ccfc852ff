import Fluent
import MinshengCore
import MinshengData
import Vapor

/// Administration of accounts in the admin's own region subtree.
struct AccountAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireSignIn(), RequireDuty(.office))
        admin.get(SiteURL.accounts, use: index)
        admin.get(SiteURL.newAccount, use: new)
        admin.post(SiteURL.accounts, use: create)
        admin.get(SiteURL.account(id: .parameter), use: show)
        admin.post(SiteURL.accountReset(id: .parameter), use: reset)
        admin.post(SiteURL.accountActive(id: .parameter), use: setActive)
    }

    struct AccountForm: Content {
        var username: String?
        var displayName: String?
        var password: String?
        var region: Int?
        var unit: String?
        var roles: [String]?
    }

    struct ResetForm: Content { var password: String? }
    struct ActiveForm: Content { var active: String? }

    func index(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        let accounts = try await AccountService(db: req.db, hasher: req.application.passwordHasher)
            .accounts(inRegions: principal.scope, tree: principal.tree, filter: query.filter, window: query.window)
        let units = try await UnitService(db: req.db).units(inRegions: principal.scope)
        let unitNames = Dictionary(uniqueKeysWithValues: units.compactMap { unit in unit.id.map { ($0, unit.name) } })
        return req.page(AccountIndexPage(principal: principal, listing: accounts, unitNames: unitNames, units: units, query: query).render(in: PageContext(request: req)))
    }

    func new(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let units = try await UnitService(db: req.db).units(inRegions: principal.scope)
        return req.page(AccountNewPage(principal: principal, units: units, form: nil, message: nil).render(in: PageContext(request: req)))
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(AccountForm.self)
        guard let regionID = input.region else { throw Abort(.unprocessableEntity, reason: "请选择所属行政区划。") }
        let principal = try AccessPolicy.officeOf(region: regionID).check(req)
        var roles: Set<Role> = []
        for token in input.roles ?? [] {
            guard let role = Role(rawValue: token) else { throw Abort(.unprocessableEntity, reason: "角色“\(token.prefix(20))”不存在。") }
            roles.insert(role)
        }
        let unitID = input.unit.flatMap { $0.isEmpty ? nil : Int($0) }
        do {
            let account = try await AccountService(db: req.db, hasher: req.application.passwordHasher).create(.init(
                username: input.username ?? "", displayName: input.displayName ?? "", password: input.password ?? "",
                regionID: regionID, unitID: unitID, roles: roles, mustChangePassword: true), by: principal.accountID)
            req.notify("已创建账号“\(account.username)”。首次登录时需修改密码。")
            return req.redirect(to: SiteURL.account(id: try account.requireID()).path)
        } catch let error as ServiceError {
            let units = try await UnitService(db: req.db).units(inRegions: principal.scope)
            let page = AccountNewPage(principal: principal, units: units, form: input, message: error.message)
            return req.page(page.render(in: PageContext(request: req)), status: error.kind == .conflict ? .conflict : .unprocessableEntity)
        }
    }

    /// Loads an account and checks that it lies in the admin's subtree (404 otherwise).
    private func scopedAccount(_ req: Request) async throws -> (Principal, Account) {
        guard let id = req.parameters.get("id", as: Int.self), let account = try await Account.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该账号，或您无权查看。")
        }
        let principal = try AccessPolicy.officeOf(region: account.$region.id).check(req)
        return (principal, account)
    }

    func show(req: Request) async throws -> Response {
        let (principal, account) = try await scopedAccount(req)
        let unitName = try await account.$unit.get(on: req.db)?.name
        let events = try await AuditEvent.query(on: req.db).filter(\.$subject == "账号 \(account.username)").sort(\.$id, .descending).limit(20).all()
        return req.page(AccountShowPage(principal: principal, account: account, unitName: unitName, events: events).render(in: PageContext(request: req)))
    }

    func reset(req: Request) async throws -> Response {
        let (principal, account) = try await scopedAccount(req)
        let input = try req.content.decode(ResetForm.self)
        do {
            try await AccountService(db: req.db, hasher: req.application.passwordHasher).resetPassword(account, to: input.password ?? "", by: principal.accountID)
            req.notify("已重置“\(account.username)”的密码，并解除锁定。对方下次登录时需修改密码。")
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.account(id: try account.requireID()).path)
    }

    func setActive(req: Request) async throws -> Response {
        let (principal, account) = try await scopedAccount(req)
        let input = try req.content.decode(ActiveForm.self)
        do {
            try await AccountService(db: req.db, hasher: req.application.passwordHasher).setActive(account, input.active == "1", by: principal.accountID)
            req.notify(input.active == "1" ? "已启用账号。" : "已停用账号。")
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.account(id: try account.requireID()).path)
    }
}
