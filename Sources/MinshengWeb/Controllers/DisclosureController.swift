import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 信息公开: units publish items to their projects' public pages (files streamed to the store);
/// offices see everything below them with the quality checks' flags and withdraw with a reason.
struct DisclosureController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get("disclosures", use: index)
        signedIn.get("disclosures", "new", use: form)
        signedIn.on(.POST, "disclosures", "upload", body: .stream, use: publish)
        signedIn.post("disclosures", ":id", "withdraw", use: withdraw)
    }

    static func actor(_ principal: Principal) -> DisclosureService.Actor { ReportingController.actor(principal) }

    private func require(_ req: Request) throws -> Principal {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.has(.reporter) || principal.has(.admin) else { throw Abort(.forbidden, reason: "此功能仅限填报员和专班办公室使用。") }
        return principal
    }

    func index(req: Request) async throws -> Response {
        let principal = try require(req)
        let service = DisclosureService(db: req.db)
        let publishable = try await service.publishable(actor: Self.actor(principal), tree: principal.tree)
        let items = try await service.items(actor: Self.actor(principal), tree: principal.tree)
        return req.page(DisclosureListPage(publishable: publishable, items: items, isOffice: principal.has(.admin)).render(in: PageContext(request: req)))
    }

    func form(req: Request) async throws -> Response {
        let principal = try require(req)
        guard let project = req.query[Int.self, at: "project"], let region = req.query[Int.self, at: "region"] else {
            throw Abort(.badRequest, reason: "请从“信息公开”页面选择项目。")
        }
        let choices = try await DisclosureService(db: req.db).publishable(actor: Self.actor(principal), tree: principal.tree)
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
            let choices = try await service.publishable(actor: Self.actor(principal), tree: principal.tree)
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
                                                 files: reader.files, actor: Self.actor(principal), tree: principal.tree)
            req.notify("已发布，公众可在项目页面看到。")
            return req.redirect(to: "/p/i/\(item.id ?? 0)")
        } catch let error as ServiceError {
            try await reader.discardUnused(on: req.db)
            if error.kind == .notFound || error.kind == .forbidden { throw error }
            return try await again(error.message, .unprocessableEntity)
        }
    }

    func withdraw(req: Request) async throws -> Response {
        let principal = try require(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        try await DisclosureService(db: req.db).withdraw(id: id, reason: reason, actor: Self.actor(principal), tree: principal.tree)
        req.notify("已撤回该信息。")
        return req.redirect(to: "/disclosures")
    }
}
