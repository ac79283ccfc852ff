import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 问题清单: raised at the site on a phone (photos streamed to the store), assigned by the office,
/// answered by the unit, confirmed by the raiser; every step on the problem's page.
struct ProblemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.problems, use: index)
        signedIn.get(SiteURL.problemNew(), use: form)
        // Streamed: the form's first part carries the token, checked before any photo is stored.
        signedIn.on(.POST, SiteURL.problems, body: .stream, use: raise).checksTokenItself()
        signedIn.get(SiteURL.problem(id: .parameter), use: show)
        signedIn.post(SiteURL.problemAssign(id: .parameter), use: assign)
        signedIn.on(.POST, SiteURL.problemAnswer(id: .parameter), body: .stream, use: answer).checksTokenItself()
        signedIn.post(SiteURL.problemReview(id: .parameter), use: review)
        signedIn.post(SiteURL.problemDismiss(id: .parameter), use: dismiss)
        signedIn.post(SiteURL.problemPublish(id: .parameter), use: publish)
        signedIn.get(SiteURL.supervisionFile(id: .parameter), use: file)
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该问题，或您无权查看。") }
        return id
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        let (listing, counts) = try await ProblemService(db: req.db).list(actor: principal.actor, tree: principal.tree, filter: query.filter, window: query.window)
        let mayRaise = !(try await ProblemService(db: req.db).raisable(actor: principal.actor, tree: principal.tree)).isEmpty
        return req.page(ProblemListPage(listing: listing, counts: counts, query: query, regions: principal.regionsInScope(), mayRaise: mayRaise,
                                        tree: principal.tree, accountID: principal.accountID).render(in: PageContext(request: req)))
    }

    func form(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let choices = try await ProblemService(db: req.db).raisable(actor: principal.actor, tree: principal.tree)
        guard !choices.isEmpty else {
            throw Abort(.forbidden, reason: "只有专班办公室聘任的观察员、监督员、评议员（在聘期内）可以提出问题。")
        }
        let project = req.query[Int.self, at: "project"], region = req.query[Int.self, at: "region"]
        let inspection = req.query[Int.self, at: "inspection"]
        let chosen = choices.first { $0.projectID == project && $0.regionID == region } ?? (choices.count == 1 ? choices.first : nil)
        return req.page(ProblemFormPage(choices: choices, chosen: chosen, pickedRegion: region, inspection: inspection, message: nil, typed: [:])
            .render(in: PageContext(request: req)))
    }

    func raise(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let db = req.db
        // Refused before the body is read: someone who may raise nothing is told so whatever they send.
        guard !(try await ProblemService(db: db).raisable(actor: principal.actor, tree: principal.tree)).isEmpty else {
            throw Abort(.forbidden, reason: "只有专班办公室聘任的观察员、监督员、评议员（在聘期内）可以提出问题。")
        }
        let reader = StreamedUpload(store: req.application.blobStore, expectedToken: req.session.data["csrf"] ?? "", maxFiles: ProblemService.maxPhotos)
        let service = ProblemService(db: db)
        func again(_ message: String, _ status: HTTPResponseStatus) async throws -> Response {
            let fields = reader.fields
            let choices = try await service.raisable(actor: principal.actor, tree: principal.tree)
            let chosen = choices.first { "\($0.projectID)" == fields["project"] && "\($0.regionID)" == fields["region"] }
            return req.page(ProblemFormPage(choices: choices, chosen: chosen, inspection: fields["inspection"].flatMap { Int($0) }, message: message, typed: fields)
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
            return try await again("请先选择项目。", .unprocessableEntity)
        }
        do {
            let problem = try await service.raise(.init(projectID: project, regionID: region, category: fields["category"] ?? "", severity: fields["severity"] ?? "",
                                                        description: fields["description"] ?? "", location: fields["location"] ?? "",
                                                        inspectionID: fields["inspection"].flatMap { Int($0) }),
                                                  photos: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("问题已提交，专班办公室将分派给责任单位整改；整改后请您确认。")
            return req.redirect(to: SiteURL.problem(id: problem.id ?? 0).path)
        } catch {
            // Whatever went wrong, the photos this request stored go again.
            try await reader.discardUnused(on: db)
            guard let refusal = error as? ServiceError, refusal.kind != .notFound, refusal.kind != .forbidden else { throw error }
            return try await again(refusal.message, .unprocessableEntity)
        }
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = ProblemService(db: req.db)
        let problem = try await service.problem(id: try id(req), actor: principal.actor, tree: principal.tree)
        let history = try await service.history(try problem.requireID())
        let region = problem.$region.id
        let manages = Access.manageProblem(principal.actor, region: region, tree: principal.tree).isAllowed
        let line: [Int] = principal.tree.ancestors(of: region).map(\.id) + [region]
        let units = manages ? try await Department.query(on: req.db).filter(\.$region.$id ~~ line).sort(\.$sortOrder).all() : []
        let suggested = manages ? try await SupervisionService(db: req.db).projects(inRegions: [region], tree: principal.tree)
            .first { $0.projectID == problem.$project.id }?.unitIDs ?? [] : []
        let deadlines = try await SupervisionService(db: req.db).deadlines(regionID: region, tree: principal.tree)
        let page = ProblemPage(problem: problem, history: history, regionName: principal.tree.path(of: region),
                               mayAnswer: Access.answerProblem(principal.actor, region: region, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: principal.tree).isAllowed,
                               confirm: Access.confirmProblem(principal.actor, region: region, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: principal.tree),
                               manages: manages, units: principal.labelled(units), suggested: Set(suggested), deadlines: deadlines)
        return req.page(page.render(in: PageContext(request: req)))
    }

    /// Runs a step and comes back to the problem with its outcome; a refusal inside the scope is shown there.
    private func step(_ req: Request, success: String, _ body: () async throws -> Void) async throws -> Response {
        let id = try id(req)
        do {
            try await body()
            req.notify(success)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.problem(id: id).path)
    }

    /// The problem the route names, when the rule allows the actor this step: decided before the form is read.
    private func allowed(_ req: Request, _ rule: (Principal, Problem) -> Decision) async throws -> Principal {
        let principal = try req.requirePrincipal()
        let problem = try await ProblemService(db: req.db).problem(id: try id(req), actor: principal.actor, tree: principal.tree)
        try rule(principal, problem).require()
        return principal
    }

    func assign(req: Request) async throws -> Response {
        let principal = try await allowed(req) { p, problem in Access.manageProblem(p.actor, region: problem.$region.id, tree: p.tree) }
        let unit = (try? req.content.get(String.self, at: "unit")).flatMap { Int($0) }
        let severity = try? req.content.get(String.self, at: "severity")
        return try await step(req, success: "已分派，责任单位的账号会在“问题整改”中看到，并须在期限内反馈整改情况。") {
            guard let unit else { throw ServiceError.invalid("请选择责任单位。") }
            try await ProblemService(db: req.db).assign(id: try id(req), unitID: unit, severity: severity, actor: principal.actor, tree: principal.tree)
        }
    }

    func answer(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        let db = req.db
        // The scope is decided before anything is read: a form to a problem not the account's is 404 whatever it holds.
        let service = ProblemService(db: db)
        let problem = try await service.problem(id: id, actor: principal.actor, tree: principal.tree)
        try Access.answerProblem(principal.actor, region: problem.$region.id, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: principal.tree).require()
        let reader = StreamedUpload(store: req.application.blobStore, expectedToken: req.session.data["csrf"] ?? "", maxFiles: ProblemService.maxPhotos)
        do {
            try await reader.read(req)
        } catch let refusal as StreamedUpload.Refusal {
            req.notify(refusal.message, success: false)
            return req.redirect(to: SiteURL.problem(id: id).path)
        }
        do {
            try await service.answer(id: id, text: reader.fields["text"] ?? "", photos: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("已反馈整改情况，等待问题提出人确认。")
        } catch {
            try await reader.discardUnused(on: db)
            guard let refusal = error as? ServiceError, refusal.kind == .invalid || refusal.kind == .conflict else { throw error }
            req.notify(refusal.message, success: false)
        }
        return req.redirect(to: SiteURL.problem(id: id).path)
    }

    func review(req: Request) async throws -> Response {
        let principal = try await allowed(req) { p, problem in
            Access.confirmProblem(p.actor, region: problem.$region.id, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: p.tree).0
        }
        let verdict = (try? req.content.get(String.self, at: "verdict")).flatMap(ProblemAction.init(rawValue:))
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        let deadline = try? req.content.get(String.self, at: "deadline")
        let messages: [ProblemAction: String] = [.confirm: "已确认整改完成，问题关闭。", .partial: "已记录部分整改，并重新限期。", .reopen: "已退回责任单位重新整改。"]
        return try await step(req, success: verdict.flatMap { messages[$0] } ?? "") {
            guard let verdict else { throw ServiceError.invalid("请选择确认结果。") }
            try await ProblemService(db: req.db).review(id: try id(req), verdict: verdict, text: text, newDeadline: deadline, actor: principal.actor, tree: principal.tree)
        }
    }

    func dismiss(req: Request) async throws -> Response {
        let principal = try await allowed(req) { p, problem in Access.manageProblem(p.actor, region: problem.$region.id, tree: p.tree) }
        let verdict = (try? req.content.get(String.self, at: "verdict")).flatMap(ProblemAction.init(rawValue:)) ?? .invalid
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        return try await step(req, success: "问题已关闭。") {
            try await ProblemService(db: req.db).dismiss(id: try id(req), as: verdict, reason: reason, actor: principal.actor, tree: principal.tree)
        }
    }

    func publish(req: Request) async throws -> Response {
        let principal = try await allowed(req) { p, problem in Access.manageProblem(p.actor, region: problem.$region.id, tree: p.tree) }
        let published = (try? req.content.get(String.self, at: "published")) == "1"
        return try await step(req, success: published ? "已在项目公开页面公布该问题及整改情况。" : "已从项目公开页面撤下该问题。") {
            try await ProblemService(db: req.db).publish(id: try id(req), published, actor: principal.actor, tree: principal.tree)
        }
    }

    /// A photo of a problem's step or an inspection's finding: for those who may read its owner.
    func file(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let fileID = req.parameters.get("id", as: Int.self), let file = try await SupervisionFile.find(fileID, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该文件，或您无权查看。")
        }
        switch SupervisionFile.Owner(rawValue: file.owner) {
        case .step?:
            guard let step = try await ProblemStep.find(file.ownerID, on: req.db) else { throw Abort(.notFound, reason: "未找到该文件，或您无权查看。") }
            _ = try await ProblemService(db: req.db).problem(id: step.$problem.id, actor: principal.actor, tree: principal.tree)
        case .finding?:
            guard let finding = try await InspectionFinding.query(on: req.db).filter(\.$id == file.ownerID).with(\.$site).first() else {
                throw Abort(.notFound, reason: "未找到该文件，或您无权查看。")
            }
            _ = try await InspectionService(db: req.db).inspection(id: finding.site.$inspection.id, actor: principal.actor, tree: principal.tree)
        case nil:
            throw Abort(.notFound, reason: "未找到该文件，或您无权查看。")
        }
        guard let path = req.application.blobStore.path(for: file.blobKey) else { throw Abort(.notFound, reason: "该文件缺失，请联系系统管理员从备份恢复。") }
        return try await Download.storedFile(req, path: path, name: file.name, kind: FileKind(rawValue: file.kind), cacheControl: "private, max-age=3600")
    }
}
