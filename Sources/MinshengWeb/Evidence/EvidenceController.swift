import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 佐证资料: the upload form (files streamed to the store), the uploader's list, the review queue,
/// an item's page with previews and history, and its files.
struct EvidenceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        // Uploading and one's own uploads: reporters and offices; reviewing: reviewers and offices.
        let reporters = signedIn.grouped(RequireDuty(.report))
        let reviewers = signedIn.grouped(RequireDuty(.review))
        reporters.get(SiteURL.evidenceNew(indicator: .parameter, region: .parameter, month: .parameter), use: form)
        // Streamed: the form's first part carries the token, checked before any file is stored.
        reporters.on(.POST, SiteURL.evidenceUpload, body: .stream, use: upload).checksTokenItself()
        reporters.get(SiteURL.evidenceMine, use: mine)
        reviewers.get(SiteURL.evidenceReview, use: queue)
        reviewers.post(SiteURL.evidenceDecide, use: decide)
        signedIn.get(SiteURL.evidence(id: .parameter), use: show)
        reporters.post(SiteURL.evidenceWithdraw(id: .parameter), use: withdraw)
        signedIn.get(SiteURL.evidenceFile(id: .parameter), use: file)
    }

    private func int(_ req: Request, _ name: String) throws -> Int {
        guard let value = req.query[Int.self, at: name] ?? req.parameters.get(name, as: Int.self) else {
            throw Abort(.badRequest, reason: "缺少参数。")
        }
        return value
    }

    // MARK: - Uploading

    func form(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let figure = try await EvidenceService(db: req.db).figure(indicatorID: try int(req, "indicator"), regionID: try int(req, "region"),
                                                                 month: try int(req, "month"), actor: principal.actor, tree: principal.tree)
        let existing = try await Evidence.query(on: req.db).filter(\.$indicator.$id == figure.indicatorID).filter(\.$region.$id == figure.regionID)
            .filter(\.$month == figure.month).sort(\.$createdAt, .descending).all()
        return req.page(EvidenceFormPage(figure: figure, existing: existing, message: nil, limitMB: req.application.minsheng.uploadLimit / 1024 / 1024)
            .render(in: PageContext(request: req)))
    }

    func upload(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        // The database is taken now: a request cut off while the application shuts down must
        // not ask the application for it later (Fluent would trap).
        let db = req.db
        let store = req.application.blobStore
        let reader = StreamedUpload(store: store, expectedToken: req.session.data["csrf"] ?? "")
        let limitMB = req.application.minsheng.uploadLimit / 1024 / 1024
        do {
            try await reader.read(req)
        } catch let refusal as StreamedUpload.Refusal {
            return try await refuse(req, db: db, principal: principal, fields: reader.fields, message: refusal.message, status: refusal.status, limitMB: limitMB)
        }
        let fields = reader.fields
        guard let indicator = fields["indicator"].flatMap({ Int($0) }), let region = fields["region"].flatMap({ Int($0) }),
              let month = fields["month"].flatMap({ Int($0) }) else {
            reader.discard()
            throw Abort(.badRequest, reason: "表单不完整，请从填报页面进入上传。")
        }
        do {
            let item = try await EvidenceService(db: db).create(indicatorID: indicator, regionID: region, month: month,
                                                                   quantity: fields["quantity"] ?? "", description: fields["description"] ?? "",
                                                                   files: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("已上传佐证资料（\(reader.files.count) 个文件），等待上级审核。")
            return req.redirect(to: SiteURL.evidence(id: item.id ?? 0).path)
        } catch let error as ServiceError {
            try await reader.discardUnused(on: db)
            if error.kind == .notFound || error.kind == .forbidden { throw error }
            return try await refuse(req, db: db, principal: principal, fields: fields, message: error.message,
                                    status: error.kind == .conflict ? .conflict : .unprocessableEntity, limitMB: limitMB)
        }
    }

    private func refuse(_ req: Request, db: any Database, principal: Principal, fields: [String: String], message: String, status: HTTPResponseStatus, limitMB: Int) async throws -> Response {
        guard let indicator = fields["indicator"].flatMap({ Int($0) }), let region = fields["region"].flatMap({ Int($0) }),
              let month = fields["month"].flatMap({ Int($0) }),
              let figure = try? await EvidenceService(db: db).figure(indicatorID: indicator, regionID: region, month: month,
                                                                        actor: principal.actor, tree: principal.tree) else {
            throw Abort(status, reason: message)
        }
        return req.page(EvidenceFormPage(figure: figure, existing: [], message: message, limitMB: limitMB, typed: fields)
            .render(in: PageContext(request: req)), status: status)
    }

    // MARK: - Lists and review

    func mine(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        return req.page(try await EvidenceListPage.mine(req, principal: principal).render(in: PageContext(request: req)))
    }

    func queue(req: Request) async throws -> Response { try await queuePage(req) }

    /// The reviewer's queue; after a refused decision, with the reason beside the form and what
    /// was typed and ticked kept.
    private func queuePage(_ req: Request, message: String? = nil, reason: String? = nil, ticked: Set<Int> = [], status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.may(.review) else { throw Abort(.forbidden, reason: "此功能仅限审核员和专班办公室使用。") }
        let page = try await EvidenceListPage.queue(req, principal: principal, message: message, reason: reason, ticked: ticked)
        return req.page(page.render(in: PageContext(request: req)), status: status)
    }

    struct Decision: Content {
        var ids: [Int]?
        var action: String
        var reason: String?
    }

    func decide(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let decision = try req.content.decode(Decision.self)
        let ids = decision.ids ?? []
        let count: Int
        do {
            count = try await EvidenceService(db: req.db).decide(ids: ids, approve: decision.action == "approve", reason: decision.reason ?? "",
                                                             actor: principal.actor, tree: principal.tree)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            return try await queuePage(req, message: error.message, reason: decision.reason, ticked: Set(ids),
                                       status: error.kind == .invalid ? .unprocessableEntity : .conflict)
        }
        req.notify(decision.action == "approve" ? "已审核通过 \(count) 条佐证资料。" : "已退回 \(count) 条佐证资料。")
        let back = req.headers.first(name: .referer).flatMap { URL(string: $0)?.path }.flatMap { $0.hasPrefix("/evidence/") ? $0 : nil } ?? SiteURL.evidenceReview.path
        return req.redirect(to: back == SiteURL.evidenceDecide.path ? SiteURL.evidenceReview.path : back)
    }

    func show(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let service = EvidenceService(db: req.db)
        guard let id = req.parameters.get("id", as: Int.self),
              let listed = try await service.item(id: id, actor: principal.actor, tree: principal.tree) else {
            throw Abort(.notFound, reason: "未找到该佐证资料，或您无权查看。")
        }
        let history = try await service.history(id: id)
        let names = Dictionary(uniqueKeysWithValues: try await Account.query(on: req.db).filter(\.$id ~~ history.compactMap(\.accountID)).all()
            .compactMap { a in a.id.map { ($0, a.displayName) } })
        let mayReview = try await service.mayReview(listed.item, actor: principal.actor, tree: principal.tree)
        let standard = try await Indicator.find(listed.item.$indicator.id, on: req.db)?.acceptanceStandard
        return req.page(EvidenceItemPage(listed: listed, history: history, names: names, mayReview: mayReview,
                                         isUploader: listed.item.$uploader.id == principal.accountID, standard: standard)
            .render(in: PageContext(request: req)))
    }

    func withdraw(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        try await EvidenceService(db: req.db).withdraw(id: id, actor: principal.actor)
        req.notify("已撤回该佐证资料。")
        return req.redirect(to: SiteURL.evidence(id: id).path)
    }

    /// A file, to those who may see its item: inline when the browser previews it, else a
    /// download; the Chinese name kept either way.
    func file(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let fileID = req.parameters.get("file", as: Int.self), let file = try await EvidenceFile.find(fileID, on: req.db),
              try await EvidenceService(db: req.db).item(id: file.$evidence.id, actor: principal.actor, tree: principal.tree) != nil,
              let path = req.application.blobStore.path(for: file.blobKey) else {
            throw Abort(.notFound, reason: "未找到该文件，或您无权查看。")
        }
        return try await Download.storedFile(req, path: path, name: file.name, kind: FileKind(rawValue: file.kind), cacheControl: "private, max-age=3600")
    }
}
