import MinshengCore
import MinshengData
import Vapor

/// Administration of regions and their units, limited to the admin's own subtree.
struct RegionAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireSignIn(), RequireDuty(.office))
        admin.get(SiteURL.regions, use: index)
        admin.post(SiteURL.regions, use: create)
        admin.get(SiteURL.region(id: .parameter), use: show)
        admin.post(SiteURL.region(id: .parameter), use: update)
        admin.post(SiteURL.regionUnits(id: .parameter), use: createUnit)
        admin.post(SiteURL.unit(id: .parameter), use: updateUnit)
    }

    struct RegionForm: Content {
        var name: String?
        var kind: String?
        var code: String?
        var parent: Int?
    }

    struct UnitForm: Content {
        var name: String?
        var phone: String?
    }

    func index(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let nodes = principal.tree.subtree(of: principal.regionID)
        let units = try await UnitService(db: req.db).units(inRegions: Set(nodes.map(\.id)))
        let unitCounts = Dictionary(grouping: units, by: { $0.$region.id }).mapValues(\.count)
        let page = RegionIndexPage(principal: principal, nodes: nodes, unitCounts: unitCounts)
        return req.page(page.render(in: PageContext(request: req)))
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(RegionForm.self)
        guard let parent = input.parent else { throw Abort(.badRequest, reason: "请选择上级行政区划。") }
        let principal = try AccessPolicy.officeOf(region: parent).check(req)
        guard let kind = input.kind.flatMap(RegionKind.init(rawValue:)) else { throw Abort(.unprocessableEntity, reason: "请选择行政区划类型。") }
        do {
            let region = try await RegionService(db: req.db).create(name: input.name ?? "", kind: kind, code: input.code, parentID: parent, by: principal.accountID)
            req.notify("已新增行政区划“\(region.name)”。")
            return req.redirect(to: SiteURL.region(id: try region.requireID()).path)
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.regions.path)
        }
    }

    func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let principal = try AccessPolicy.officeOf(region: id).check(req)
        guard let node = principal.tree[id] else { throw Abort(.notFound, reason: "未找到该行政区划，或您无权查看。") }
        let units = try await UnitService(db: req.db).units(inRegions: [id])
        let accounts = try await AccountService(db: req.db, hasher: req.application.passwordHasher).accounts(inRegions: [id])
        let page = RegionShowPage(principal: principal, node: node, children: principal.tree.children(of: id), units: units, accountCount: accounts.count)
        return req.page(page.render(in: PageContext(request: req)))
    }

    func update(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let principal = try AccessPolicy.officeOf(region: id).check(req)
        let input = try req.content.decode(RegionForm.self)
        guard let region = try await Region.find(id, on: req.db) else { throw Abort(.notFound) }
        do {
            try await RegionService(db: req.db).update(region, name: input.name ?? "", code: input.code, by: principal.accountID)
            req.notify("已保存。")
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.region(id: id).path)
    }

    func createUnit(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let principal = try AccessPolicy.officeOf(region: id).check(req)
        let input = try req.content.decode(UnitForm.self)
        do {
            let unit = try await UnitService(db: req.db).create(name: input.name ?? "", phone: input.phone, regionID: id, by: principal.accountID)
            req.notify("已新增单位“\(unit.name)”。")
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.region(id: id).path)
    }

    func updateUnit(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self), let unit = try await Department.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该单位，或您无权查看。")
        }
        let principal = try AccessPolicy.officeOf(region: unit.$region.id).check(req)
        let input = try req.content.decode(UnitForm.self)
        do {
            try await UnitService(db: req.db).update(unit, name: input.name ?? "", phone: input.phone, by: principal.accountID)
            req.notify("已保存单位“\(unit.name)”。")
        } catch let error as ServiceError {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.region(id: unit.$region.id).path)
    }
}
