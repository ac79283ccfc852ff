import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 民生实事我来提: the office's rounds and their proposals, and the public's form, the round's QR
/// code and each proposal's public page.
struct SelectionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let office = routes.grouped(RequireSignIn(), RequireDuty(.office))
        office.get(SiteURL.selection, use: index)
        office.post(SiteURL.selection, use: createRound)
        office.get(SiteURL.selectionRound(id: .parameter), use: round)
        office.post(SiteURL.selectionRound(id: .parameter), use: updateRound)
        office.post(SiteURL.selectionEntry(round: .parameter), use: enter)
        office.get(SiteURL.selectionProposal(id: .parameter, action: nil), use: proposal)
        office.post(SiteURL.selectionProposal(id: .parameter, action: "answer"), use: answer)
        office.post(SiteURL.selectionProposal(id: .parameter, action: "merge"), use: merge)
        // The public: no sign-in; the form checks its origin instead of a token.
        routes.get(SiteURL.publicRound(id: .parameter), use: publicRound)
        routes.get(SiteURL.publicRoundQR(id: .parameter), use: publicRoundQR)
        routes.get(SiteURL.publicRoundPoster(id: .parameter), use: publicRoundPoster)
        routes.on(.POST, SiteURL.publicRound(id: .parameter), body: .collect(maxSize: "64kb"), use: publicSubmit).checksOwnOrigin()
        routes.get(SiteURL.publicProposal(reference: .parameter), use: publicProposal)
        routes.get(SiteURL.publicProposalLookup, use: lookup)
    }

    static func field(_ req: Request, _ name: String) -> String { (try? req.content.get(String.self, at: name)) ?? "" }

    static func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该记录。") }
        return id
    }

    var service: @Sendable (Request) -> SelectionService { { SelectionService(db: $0.db, secret: $0.application.instanceSecret) } }

    // MARK: - The office

    func index(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let rounds = try await service(req).rounds(actor: principal.actor, tree: principal.tree)
        let year = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
        return req.page(SelectionIndexPage(rounds: rounds, draft: .standard(year: year, regionName: principal.regionName),
                                           regions: principal.regionsInScope()).render(in: PageContext(request: req)))
    }

    static func draft(_ req: Request) -> SelectionService.RoundDraft {
        .init(year: Int(field(req, "year")) ?? 0, title: field(req, "title"), opensOn: field(req, "opens"), closesOn: field(req, "closes"),
              categories: field(req, "categories"), criteria: field(req, "criteria"), negativeList: field(req, "negative"))
    }

    func createRound(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        do {
            let region = Int(Self.field(req, "region")) ?? principal.regionID
            let round = try await service(req).createRound(regionID: region, Self.draft(req), actor: principal.actor, tree: principal.tree)
            req.notify("已开始征集：把征集页面的二维码张贴出去，群众扫码即可提交建议。")
            return req.redirect(to: SiteURL.selectionRound(id: try round.requireID()).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.selection.path)
        }
    }

    func round(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        let service = service(req)
        let summary = try await service.summary(roundID: id, actor: principal.actor, tree: principal.tree)
        let query = ListQuery(req)
        let listing = try await service.proposals(roundID: id, filter: query.filter, window: query.window, actor: principal.actor, tree: principal.tree)
        return req.page(SelectionRoundPage(summary: summary, listing: listing, query: query,
                                           publicURL: SiteURL.publicRound(id: id).absolute(req.application.minsheng.publicURL))
            .render(in: PageContext(request: req)))
    }

    func updateRound(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        do {
            try await service(req).updateRound(id: id, Self.draft(req), actor: principal.actor, tree: principal.tree)
            req.notify("征集设置已保存。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.selectionRound(id: id).path)
    }

    func enter(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        _ = try await service(req).managedRound(id, actor: principal.actor, tree: principal.tree)
        do {
            guard let channel = Proposal.Channel(rawValue: Self.field(req, "channel")) else { throw ServiceError.invalid("请选择收到建议的渠道。") }
            let proposal = try await service(req).enter(roundID: id, .init(title: Self.field(req, "title"), body: Self.field(req, "body"),
                                                                            category: Self.field(req, "category"), place: Self.field(req, "place"),
                                                                            name: Self.field(req, "name"), phone: Self.field(req, "phone")),
                                                        channel: channel, receivedOn: Self.field(req, "received"), actor: principal.actor, tree: principal.tree)
            req.notify("已登记第 \(proposal.seq) 号建议，编号 \(proposal.reference)（可告知建议人，用于查询办理结果）。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.selectionRound(id: id).path)
    }

    func proposal(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let service = service(req)
        let proposal = try await service.managedProposal(try Self.id(req), actor: principal.actor, tree: principal.tree)
        let summary = try await service.summary(roundID: proposal.$round.id, actor: principal.actor, tree: principal.tree)
        let view = try await service.publicProposal(reference: proposal.reference, tree: principal.tree)
        let merged = try await Proposal.query(on: req.db).filter(\.$mergedInto == proposal.requireID()).sort(\.$seq).all()
        let units = try await Department.query(on: req.db).filter(\.$region.$id ~~ Array(principal.tree.subtreeIDs(of: summary.round.$region.id))).sort(\.$name).all()
        var asked: Department? = nil
        if let unit = proposal.opinionUnitID { asked = try await Department.find(unit, on: req.db) }
        return req.page(SelectionProposalPage(summary: summary, proposal: proposal, view: view, merged: merged, units: principal.labelled(units),
                                              askedUnit: asked?.name).render(in: PageContext(request: req)))
    }

    func answer(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        _ = try await service(req).managedProposal(id, actor: principal.actor, tree: principal.tree)
        do {
            guard let state = Proposal.State(rawValue: Self.field(req, "state")) else { throw ServiceError.invalid("请选择答复方式。") }
            try await service(req).answer(proposalID: id, state: state, text: Self.field(req, "text"), actor: principal.actor, tree: principal.tree)
            req.notify("已答复，建议人可凭编号在公开页面查看。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.selectionProposal(id: id, action: nil).path)
    }

    func merge(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        let proposal = try await service(req).managedProposal(id, actor: principal.actor, tree: principal.tree)
        do {
            // The target is named by its number in the round (第 N 号).
            guard let seq = Int(Self.field(req, "into")),
                  let target = try await Proposal.query(on: req.db).filter(\.$round.$id == proposal.$round.id).filter(\.$seq == seq).first() else {
                throw ServiceError.invalid("请填写同一次征集中另一条建议的序号。")
            }
            try await service(req).merge(proposalID: id, into: try target.requireID(), note: Self.field(req, "note"), actor: principal.actor, tree: principal.tree)
            req.notify("已与第 \(seq) 号建议合并办理。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.selectionProposal(id: id, action: nil).path)
    }

    // MARK: - The public

    func publicRound(req: Request) async throws -> Response {
        let id = try Self.id(req)
        let tree = try await RegionService(db: req.db).tree()
        let round = try await service(req).publicRound(id: id, tree: tree)
        return PublicController.publicHTML(PublicRoundPage(round: round.round, regionName: round.regionName, open: round.open, received: round.received,
                                                           answered: round.answered, notice: nil, typed: [:], question: nil).render())
    }

    func publicRoundQR(req: Request) async throws -> Response {
        let id = try Self.id(req)
        guard try await SelectionRound.find(id, on: req.db) != nil else { throw Abort(.notFound, reason: "没有找到这次征集。") }
        let code = try QRCode(text: SiteURL.publicRound(id: id).absolute(req.application.minsheng.publicURL), level: .medium)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(string: code.svg(moduleSize: 8)))
    }

    /// The round's A4 poster (民生实事我来提), to print and post where people gather.
    func publicRoundPoster(req: Request) async throws -> Response {
        let id = try Self.id(req)
        let tree = try await RegionService(db: req.db).tree()
        let round = try await service(req).publicRound(id: id, tree: tree)
        let url = SiteURL.publicRound(id: id).absolute(req.application.minsheng.publicURL)
        let html = RoundPosterPage(round: round.round, regionName: round.regionName, url: url)
            .render(qrPNG: try QRCode(text: url, level: .quartile).png(moduleSize: 10))
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: "Content-Security-Policy", value: PosterPage.contentSecurityPolicy)
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    func publicSubmit(req: Request) async throws -> Response {
        let id = try Self.id(req)
        let fields = ["title", "body", "category", "place", "name", "phone"]
        var typed: [String: String] = [:]
        for name in fields { typed[name] = String(Self.field(req, name).prefix(2000)) }
        let existing = req.cookies[PublicController.browserCookie].map(\.string).flatMap { (id: String) in id.count == 32 && id.allSatisfy(\.isHexDigit) ? id : nil }
        let browser = existing ?? PublicController.newBrowserID()
        let challenge = try await req.application.feedbackChallenge(on: req.db)
        let notice: String
        let status: HTTPResponseStatus
        var question: FeedbackChallenge.Question? = nil
        do {
            let proposal = try await service(req).submit(roundID: id, .init(title: Self.field(req, "title"), body: Self.field(req, "body"),
                                                                             category: Self.field(req, "category"), place: Self.field(req, "place"),
                                                                             name: Self.field(req, "name"), phone: Self.field(req, "phone")),
                                                         address: req.senderAddress, browser: browser,
                                                         challengeToken: Self.field(req, "challenge"), challengeAnswer: Self.field(req, "answer"),
                                                         challenge: challenge)
            let response = req.redirect(to: SiteURL.publicProposal(reference: proposal.reference).path + "?sent=1", redirectType: .normal)
            return PublicController.withBrowserCookie(response, req, existing == nil ? browser : nil)
        } catch let error as ServiceError where error.kind != .notFound {
            notice = error.message
            status = error.kind == .tooMany || error.kind == .challenge ? .tooManyRequests : .unprocessableEntity
            if error.kind == .challenge { question = challenge.issue() }
        }
        let tree = try await RegionService(db: req.db).tree()
        let round = try await service(req).publicRound(id: id, tree: tree)
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let html = PublicRoundPage(round: round.round, regionName: round.regionName, open: round.open, received: round.received, answered: round.answered,
                                   notice: notice, typed: typed, question: question).render()
        return PublicController.withBrowserCookie(Response(status: status, headers: headers, body: .init(string: html)), req, existing == nil ? browser : nil)
    }

    /// `/p/proposals?ref=…`: the proposal's page by its reference, as typed.
    func lookup(req: Request) async throws -> Response {
        let typed = (req.query[String.self, at: "ref"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard !typed.isEmpty, typed.count <= 30 else { return PublicController.publicHTML(PublicProposalPage.missing("请输入建议编号。"), status: .badRequest) }
        return req.redirect(to: SiteURL.publicProposal(reference: typed).path)
    }

    func publicProposal(req: Request) async throws -> Response {
        guard let reference = req.parameters.get("reference") else { throw Abort(.notFound, reason: "没有找到这个编号的建议。") }
        let tree = try await RegionService(db: req.db).tree()
        do {
            let view = try await service(req).publicProposal(reference: reference, tree: tree)
            return PublicController.publicHTML(PublicProposalPage(view: view, sent: req.query[String.self, at: "sent"] == "1").render())
        } catch let error as ServiceError where error.kind == .notFound {
            return PublicController.publicHTML(PublicProposalPage.missing(error.message), status: .notFound)
        }
    }
}
