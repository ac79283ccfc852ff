import Fluent
import MinshengCore
import MinshengData
import Vapor

/// The selection's review and shortlist: departments' opinions, the candidates and the rules of
/// the shortlist, and the public's advisory vote.
struct SelectionReviewController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let office = routes.grouped(RequireSignIn(), RequireDuty(.office))
        office.post(SiteURL.selectionProposal(id: .parameter, action: "opinion-request"), use: requestOpinion)
        office.get(SiteURL.selectionCandidates(round: .parameter), use: candidates)
        office.post(SiteURL.selectionCandidates(round: .parameter), use: addCandidate)
        office.post(SiteURL.selectionRules(round: .parameter), use: rules)
        office.post(SiteURL.selectionCandidate(id: .parameter, action: nil), use: updateCandidate)
        office.post(SiteURL.selectionCandidate(id: .parameter, action: "remove"), use: removeCandidate)
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.selectionOpinions, use: opinions)
        signedIn.get(SiteURL.selectionOpinion(id: .parameter), use: opinion)
        signedIn.post(SiteURL.selectionOpinion(id: .parameter), use: giveOpinion)
        routes.get(SiteURL.publicVote(round: .parameter), use: publicVote)
        routes.on(.POST, SiteURL.publicVote(round: .parameter), body: .collect(maxSize: "64kb"), use: vote).checksOwnOrigin()
    }

    static let field = SelectionController.field
    static func id(_ req: Request) throws -> Int { try SelectionController.id(req) }
    func service(_ req: Request) -> SelectionService { SelectionService(db: req.db, secret: req.application.instanceSecret) }

    /// Runs an office's edit and goes back to `back`; a refused input is shown there, nothing written.
    static func perform(_ req: Request, back: SiteURL, success: String, _ body: @Sendable () async throws -> Void) async throws -> Response {
        do {
            try await body()
            req.notify(success)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back.path)
    }

    // MARK: - Opinions

    func requestOpinion(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        _ = try await service(req).managedProposal(id, actor: principal.actor, tree: principal.tree)
        return try await Self.perform(req, back: .selectionProposal(id: id, action: nil), success: "已请该部门提出意见，部门账号登录后即可看到。") {
            guard let unit = Int(Self.field(req, "unit")) else { throw ServiceError.invalid("请选择部门。") }
            try await service(req).requestOpinion(proposalID: id, unitID: unit, actor: principal.actor, tree: principal.tree)
        }
    }

    func opinions(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let query = ListQuery(req)
        let listing = try await service(req).opinionRequests(actor: principal.actor, window: query.window)
        return req.page(OpinionListPage(listing: listing, query: query, unitName: principal.unitName).render(in: PageContext(request: req)))
    }

    /// The proposal asked of the actor's unit (or, for an office, of any unit in its scope).
    func requested(_ req: Request, _ principal: Principal) async throws -> (Proposal, SelectionRound) {
        guard let proposal = try await Proposal.find(try Self.id(req), on: req.db), let unit = proposal.opinionUnitID,
              let round = try await SelectionRound.find(proposal.$round.id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该建议，或没有请您提出意见。")
        }
        try Access.giveOpinion(principal.actor, unit: unit, region: round.$region.id, tree: principal.tree).require()
        return (proposal, round)
    }

    func opinion(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (proposal, round) = try await requested(req, principal)
        var unit: Department? = nil
        if let id = proposal.opinionUnitID { unit = try await Department.find(id, on: req.db) }
        return req.page(OpinionPage(proposal: proposal, round: round, unitName: unit?.name ?? "").render(in: PageContext(request: req)))
    }

    func giveOpinion(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (proposal, _) = try await requested(req, principal)
        let id = try proposal.requireID()
        return try await Self.perform(req, back: .selectionOpinion(id: id), success: "意见已提交，专班办公室据此答复建议人。") {
            try await service(req).giveOpinion(proposalID: id, .init(necessity: Self.field(req, "necessity"), feasibility: Self.field(req, "feasibility"),
                                                                      legality: Self.field(req, "legality"), cost: Self.field(req, "cost"),
                                                                      note: Self.field(req, "note")),
                                               actor: principal.actor, tree: principal.tree)
        }
    }

    // MARK: - The shortlist

    func candidates(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        let summary = try await service(req).summary(roundID: id, actor: principal.actor, tree: principal.tree)
        let shortlist = try await service(req).shortlist(roundID: id)
        let units = try await Department.query(on: req.db).filter(\.$region.$id ~~ Array(principal.tree.subtreeIDs(of: summary.round.$region.id)))
            .sort(\.$name).all()
        let candidates = try await Proposal.query(on: req.db).filter(\.$round.$id == id).filter(\.$stateText == Proposal.State.candidate.rawValue)
            .sort(\.$seq).all()
        return req.page(ShortlistPage(summary: summary, shortlist: shortlist.candidates, voters: shortlist.voters, units: principal.labelled(units),
                                      adopted: candidates).render(in: PageContext(request: req)))
    }

    static func candidateDraft(_ req: Request) -> SelectionService.CandidateDraft {
        .init(name: field(req, "name"), description: field(req, "description"), cost: field(req, "cost"), unitID: Int(field(req, "unit")),
              proposals: field(req, "proposals"))
    }

    func addCandidate(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        _ = try await service(req).managedRound(id, actor: principal.actor, tree: principal.tree)
        return try await Self.perform(req, back: .selectionCandidates(round: id), success: "已加入候选名单。") {
            try await service(req).saveCandidate(roundID: id, Self.candidateDraft(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func candidate(_ req: Request, _ principal: Principal) async throws -> SelectionCandidate {
        guard let candidate = try await SelectionCandidate.find(try Self.id(req), on: req.db) else { throw Abort(.notFound, reason: "未找到该候选项目。") }
        _ = try await service(req).managedRound(candidate.$round.id, actor: principal.actor, tree: principal.tree)
        return candidate
    }

    func updateCandidate(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let candidate = try await candidate(req, principal)
        let (round, id) = (candidate.$round.id, try candidate.requireID())
        return try await Self.perform(req, back: .selectionCandidates(round: round), success: "候选项目已保存。") {
            try await service(req).saveCandidate(roundID: round, candidateID: id, Self.candidateDraft(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func removeCandidate(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let candidate = try await candidate(req, principal)
        let (round, id) = (candidate.$round.id, try candidate.requireID())
        return try await Self.perform(req, back: .selectionCandidates(round: round), success: "已从候选名单中移除。") {
            guard Self.field(req, "confirm") == "1" else { throw ServiceError.invalid("请确认移除。") }
            try await service(req).removeCandidate(candidateID: id, actor: principal.actor, tree: principal.tree)
        }
    }

    func rules(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let id = try Self.id(req)
        _ = try await service(req).managedRound(id, actor: principal.actor, tree: principal.tree)
        return try await Self.perform(req, back: .selectionCandidates(round: id), success: "名额和网络投票设置已保存。") {
            try await service(req).setShortlistRules(roundID: id, .init(places: Self.field(req, "places"), voteOpensOn: Self.field(req, "vote_opens"),
                                                                         voteClosesOn: Self.field(req, "vote_closes"), votePicks: Self.field(req, "picks")),
                                                     actor: principal.actor, tree: principal.tree)
        }
    }

    // MARK: - The public vote

    func publicPage(_ req: Request, notice: (ok: Bool, text: String)?, typedPhone: String, question: FeedbackChallenge.Question?,
                    status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try Self.id(req)
        guard let round = try await SelectionRound.find(id, on: req.db) else { throw Abort(.notFound, reason: "没有找到这次征集。") }
        let shortlist = try await service(req).shortlist(roundID: id)
        let tree = try await RegionService(db: req.db).tree()
        let html = PublicVotePage(round: round, regionName: tree[round.$region.id]?.name ?? "", candidates: shortlist.candidates, voters: shortlist.voters,
                                  today: ChineseDate.isoDay(Date()), notice: notice, typedPhone: typedPhone, question: question).render()
        var headers = HTTPHeaders()
        headers.contentType = .html
        if notice != nil { headers.replaceOrAdd(name: .cacheControl, value: "no-store") }
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    func publicVote(req: Request) async throws -> Response {
        let sent = req.query[String.self, at: "sent"] == "1"
        return try await publicPage(req, notice: sent ? (true, "投票成功，感谢参与！网络投票结果供人大代表票决参考。") : nil, typedPhone: "", question: nil)
    }

    func vote(req: Request) async throws -> Response {
        let id = try Self.id(req)
        let picks = (try? req.content.get([String].self, at: "pick")) ?? ((try? req.content.get(String.self, at: "pick")).map { [$0] } ?? [])
        let existing = req.cookies[PublicController.browserCookie].map(\.string).flatMap { (id: String) in id.count == 32 && id.allSatisfy(\.isHexDigit) ? id : nil }
        let browser = existing ?? PublicController.newBrowserID()
        let challenge = try await req.application.feedbackChallenge(on: req.db)
        do {
            try await service(req).vote(roundID: id, picks: picks, phone: Self.field(req, "phone"), address: req.senderAddress, browser: browser,
                                        challengeToken: Self.field(req, "challenge"), challengeAnswer: Self.field(req, "answer"), challenge: challenge)
            return PublicController.withBrowserCookie(req.redirect(to: SiteURL.publicVote(round: id).path + "?sent=1", redirectType: .normal), req,
                                                      existing == nil ? browser : nil)
        } catch let error as ServiceError where error.kind != .notFound {
            let status: HTTPResponseStatus = error.kind == .tooMany || error.kind == .challenge ? .tooManyRequests : .unprocessableEntity
            let page = try await publicPage(req, notice: (false, error.message), typedPhone: String(Self.field(req, "phone").prefix(20)),
                                            question: error.kind == .challenge ? challenge.issue() : nil, status: status)
            return PublicController.withBrowserCookie(page, req, existing == nil ? browser : nil)
        }
    }
}
