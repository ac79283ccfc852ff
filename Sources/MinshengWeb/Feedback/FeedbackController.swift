import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 群众意见: the responsible unit's inbox of opinions from the public pages — unanswered first,
/// with their age and deadline — where it answers in public; offices see everything below them,
/// mark invalid items with a reason and hand items to another unit.
struct FeedbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn(), RequireDuty(.answer))
        signedIn.get(SiteURL.feedbackInbox, use: inbox)
        signedIn.post(SiteURL.feedbackReply(id: .parameter), use: reply)
        signedIn.post(SiteURL.feedbackInvalid(id: .parameter), use: invalid)
        signedIn.post(SiteURL.feedbackReassign(id: .parameter), use: reassign)
    }

    private func require(_ req: Request) throws -> Principal {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.may(.answer) else { throw Abort(.forbidden, reason: "群众意见由责任单位和专班办公室处理。") }
        return principal
    }

    func inbox(req: Request) async throws -> Response { try await inboxPage(req) }

    /// The inbox; after a refused reply or mark, with the reason on the page and what was typed kept.
    private func inboxPage(_ req: Request, message: String? = nil, typed: [Int: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try require(req)
        let service = FeedbackService(db: req.db)
        var query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        // Months are of the current year unless the filter names one (month=2024-10).
        if query.filter.month != nil && query.filter.year == nil {
            query.filter.year = Calendar(identifier: .gregorian).dateComponents(in: ChineseDate.timeZone, from: Date()).year
        }
        let inbox = try await service.inbox(actor: principal.actor, tree: principal.tree, filter: query.filter, window: query.window)
        let entries = inbox.listing.items
        // What arrived since the last visit is marked new on this page, and is no longer new after it.
        let seenAt = try await Account.find(principal.accountID, on: req.db)?.feedbackSeenAt
        try await service.markSeen(accountID: principal.accountID)
        // An item can go to a unit of its own region: only those regions' units are offered.
        let regions = Set(entries.map { $0.item.$region.id })
        let units = principal.may(.office) && !regions.isEmpty ? try await UnitService(db: req.db).units(inRegions: regions) : []
        let filterUnits = principal.may(.office) ? principal.labelled(try await UnitService(db: req.db).units(inRegions: principal.scope)) : []
        return req.page(FeedbackInboxPage(inbox: inbox, query: query, regions: principal.regionsInScope(), filterUnits: filterUnits,
                                          isOffice: principal.may(.office), unitID: principal.unitID, seenAt: seenAt,
                                          unitsByRegion: Dictionary(grouping: units.compactMap { unit in unit.id.map { (id: $0, name: unit.name, region: unit.$region.id) } },
                                                                    by: \.region).mapValues { $0.map { ($0.id, $0.name) } },
                                          message: message, typed: typed)
            .render(in: PageContext(request: req)), status: status)
    }

    /// Runs an inbox form; a refusal comes back on the inbox with what was typed.
    private func onInbox(_ req: Request, typed: [Int: String], _ body: () async throws -> Void, done: String) async throws -> Response {
        do {
            try await body()
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            return try await inboxPage(req, message: error.message, typed: typed, status: error.kind == .invalid ? .unprocessableEntity : .conflict)
        }
        req.notify(done)
        return req.redirect(to: SiteURL.feedbackInbox.path)
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到这条意见，或您无权处理。") }
        return id
    }

    func reply(req: Request) async throws -> Response {
        let principal = try require(req)
        let text = (try? req.content.get(String.self, at: "reply")) ?? ""
        let item = try id(req)
        return try await onInbox(req, typed: [item: text], {
            try await FeedbackService(db: req.db).reply(id: item, text: text, actor: principal.actor, tree: principal.tree)
        }, done: "已回复，答复已在项目页面公开。")
    }

    func invalid(req: Request) async throws -> Response {
        let principal = try require(req)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        let item = try id(req)
        return try await onInbox(req, typed: [:], {
            try await FeedbackService(db: req.db).markInvalid(id: item, reason: reason, actor: principal.actor, tree: principal.tree)
        }, done: "已标为无效。")
    }

    func reassign(req: Request) async throws -> Response {
        let principal = try require(req)
        let unit = try? req.content.get(Int.self, at: "unit")
        try await FeedbackService(db: req.db).reassign(id: try id(req), unitID: unit, actor: principal.actor, tree: principal.tree)
        req.notify("已转交。")
        return req.redirect(to: SiteURL.feedbackInbox.path)
    }
}
