import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 信息公开: units publish items to their projects' public pages (files streamed to the store);
/// offices see everything below them with the quality checks' flags and withdraw with a reason.
struct DisclosureController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn(), RequireDuty(.publish))
        signedIn.get(SiteURL.disclosures, use: index)
        signedIn.get(SiteURL.disclosureNew(project: .parameter, region: .parameter), use: form)
        // Streamed: the form's first part carries the token, checked before any file is stored.
        signedIn.on(.POST, SiteURL.disclosureUpload, body: .stream, use: publish).checksTokenItself()
        signedIn.post(SiteURL.disclosureWithdraw(id: .parameter), use: withdraw)
        signedIn.get(SiteURL.disclosureEdit(id: .parameter), use: editForm)
        signedIn.post(SiteURL.disclosureEdit(id: .parameter), use: edit)
    }

    private func require(_ req: Request) throws -> Principal {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.may(.report) else { throw Abort(.forbidden, reason: "此功能仅限填报员和专班办公室使用。") }
        return principal
    }

    func index(req: Request) async throws -> Response {
        let principal = try require(req)
        let service = DisclosureService(db: req.db)
        let publishable = try await service.publishable(actor: principal.actor, tree: principal.tree)
        let query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        let items = try await service.items(actor: principal.actor, tree: principal.tree, filter: query.filter, window: query.window)
        let units = principal.may(.office) ? principal.labelled(try await UnitService(db: req.db).units(inRegions: principal.scope)) : []
        return req.page(DisclosureListPage(publishable: publishable, items: items, isOffice: principal.may(.office), accountID: principal.accountID,
                                           query: query, regions: principal.regionsInScope(), units: units).render(in: PageContext(request: req)))
    }

    func form(req: Request) async throws -> Response {
        let principal = try require(req)
        guard let project = req.query[Int.self, at: "project"], let region = req.query[Int.self, at: "region"] else {
            throw Abort(.badRequest, reason: "请从“信息公开”页面选择项目。")
        }
        let choices = try await DisclosureService(db: req.db).publishable(actor: principal.actor, tree: principal.tree)
        guard let choice = choices.first(where: { $0.projectID == project && $0.regionID == region }) else {
            throw Abort(.notFound, reason: "您不负责该区划的这个项目。")
        }
        return req.page(DisclosureFormPage(choice: choice, message: nil, typed: [:], limitMB: req.application.minsheng.uploadLimit / 1024 / 1024)
            .render(in: PageContext(request: req)))
    }

    func publish(req: Request) async throws -> Response {
        let principal = try require(req)
        let reader = StreamedUpload(store: req.application.blobStore, expectedToken: req.session.data["csrf"] ?? "")
        let service = DisclosureService(db: req.db)
        func again(_ message: String, _ status: HTTPResponseStatus) async throws -> Response {
            let fields = reader.fields
            let choices = try await service.publishable(actor: principal.actor, tree: principal.tree)
            guard let choice = choices.first(where: { "\($0.projectID)" == fields["project"] && "\($0.regionID)" == fields["region"] }) else {
                throw Abort(status, reason: message)
            }
            return req.page(DisclosureFormPage(choice: choice, message: message, typed: fields, limitMB: req.application.minsheng.uploadLimit / 1024 / 1024)
                .render(in: PageContext(request: req)), status: status)
        }
        do {
            try await reader.read(req)
        } catch let refusal as StreamedUpload.Refusal {
            return try await again(refusal.message, refusal.status)
        }
        let fields = reader.fields
        guard let project = fields["project"].flatMap({ Int($0) }), let region = fields["region"].flatMap({ Int($0) }) else {
            reader.discard()
            throw Abort(.badRequest, reason: "表单不完整。")
        }
        do {
            let item = try await service.publish(projectID: project, regionID: region,
                                                 draft: .init(category: fields["category"] ?? "", title: fields["title"] ?? "", date: fields["date"] ?? "",
                                                              body: fields["body"] ?? "", link: fields["link"] ?? ""),
                                                 files: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("已发布，公众可在项目页面看到。")
            return req.redirect(to: SiteURL.publicItem(id: item.id ?? 0).path)
        } catch let error as ServiceError {
            try await reader.discardUnused(on: service.db)
            if error.kind == .notFound || error.kind == .forbidden { throw error }
            return try await again(error.message, .unprocessableEntity)
        }
    }

    func withdraw(req: Request) async throws -> Response {
        let principal = try require(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        try await DisclosureService(db: req.db).withdraw(id: id, reason: reason, actor: principal.actor, tree: principal.tree)
        req.notify("已撤回该信息。")
        return req.redirect(to: SiteURL.disclosures.path)
    }

    /// The author's own published item, with the subtitle naming its project and region.
    private func editable(_ req: Request, _ principal: Principal) async throws -> (Disclosure, String) {
        guard let id = req.parameters.get("id", as: Int.self),
              let item = try await Disclosure.query(on: req.db).filter(\.$id == id).with(\.$project).first(),
              item.isPublished, item.$author.id == principal.accountID else {
            throw Abort(.notFound, reason: "未找到该信息，或您无权修改。")
        }
        return (item, "\(item.project.name) · \(principal.tree[item.$region.id]?.name ?? "")")
    }

    func editForm(req: Request) async throws -> Response {
        let principal = try require(req)
        let (item, subtitle) = try await editable(req, principal)
        return req.page(DisclosureFormPage(editing: item, subtitle: subtitle, message: nil).render(in: PageContext(request: req)))
    }

    struct EditForm: Content {
        var category: String?
        var title: String?
        var date: String?
        var body: String?
        var link: String?
    }

    func edit(req: Request) async throws -> Response {
        let principal = try require(req)
        let (item, subtitle) = try await editable(req, principal)
        let form = try req.content.decode(EditForm.self)
        let draft = DisclosureService.Draft(category: form.category ?? "", title: form.title ?? "", date: form.date ?? "", body: form.body ?? "", link: form.link ?? "")
        do {
            try await DisclosureService(db: req.db).edit(id: item.id ?? 0, draft: draft, actor: principal.actor, tree: principal.tree)
        } catch let error as ServiceError where error.kind == .invalid {
            let typed = ["category": draft.category, "title": draft.title, "date": draft.date, "body": draft.body, "link": draft.link]
            return req.page(DisclosureFormPage(editing: item, subtitle: subtitle, message: error.message, typed: typed).render(in: PageContext(request: req)),
                            status: .unprocessableEntity)
        }
        req.notify("已保存修改。")
        return req.redirect(to: SiteURL.publicItem(id: item.id ?? 0).path)
    }
}
