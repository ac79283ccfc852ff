import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 十佳民生实事投票: the office sets the candidates, K and the weights, opens and closes the vote and
/// publishes the result; evaluators vote in the app; the public votes on `/p/votes/:id`.
struct BallotController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.ballots, use: index)
        signedIn.get(SiteURL.ballot(id: .parameter), use: show)
        signedIn.post(SiteURL.ballotVote(id: .parameter), use: vote)
        let office = signedIn.grouped(RequireDuty(.office))
        office.get(SiteURL.ballotNew, use: form)
        office.post(SiteURL.ballots, use: create)
        office.post(SiteURL.ballotAdvance(id: .parameter), use: advance)
        routes.get(SiteURL.publicBallot(id: .parameter), use: publicPage)
        // Sent without a session, like the rating form: refused when the browser says it comes from another site.
        routes.post(SiteURL.publicBallot(id: .parameter), use: publicVote).checksOwnOrigin()
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该投票，或您无权查看。") }
        return id
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let ballots = try await BallotService(db: req.db).list(actor: principal.actor, tree: principal.tree, window: query.window)
        return req.page(BallotListPage(ballots: ballots, query: query, isOffice: principal.may(.office)).render(in: PageContext(request: req)))
    }

    func form(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let year = EvaluationController.year(req)
        let projects = try await SupervisionService(db: req.db).projects(inRegions: principal.scope, tree: principal.tree, year: year)
        return req.page(BallotFormPage(year: year, projects: projects).render(in: PageContext(request: req)))
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let projects = form.keys.filter { $0.hasPrefix("project.") }.compactMap { Int($0.dropFirst(8)) }.sorted()
        let year = form["year"].flatMap { Int($0) } ?? ChineseDate.yearMonth(Date()).year
        do {
            let ballot = try await BallotService(db: req.db, secret: req.application.instanceSecret).create(
                regionID: principal.regionID, year: year, title: form["title"] ?? "", pick: form["pick"].flatMap { Int($0) }, projectIDs: projects,
                evaluatorWeight: form["weight"].flatMap { Int($0) }, publicVote: form["public"] == "1", actor: principal.actor, tree: principal.tree)
            req.notify("已建立投票；点击“开始投票”后评议员和群众即可投票。")
            return req.redirect(to: SiteURL.ballot(id: ballot.id ?? 0).path)
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.ballotNew.path + "?year=\(year)")
        }
    }

    private func readable(_ req: Request) async throws -> (Principal, Ballot) {
        let principal = try req.requirePrincipal()
        let ballot = try await BallotService(db: req.db).ballot(id: try id(req))
        try Access.readBallot(principal.actor, region: ballot.$region.id, tree: principal.tree).require()
        if ballot.stateValue == .draft { try Access.manageEvaluation(principal.actor, region: ballot.$region.id, tree: principal.tree).require() }
        return (principal, ballot)
    }

    func show(req: Request) async throws -> Response {
        let (principal, ballot) = try await readable(req)
        let service = BallotService(db: req.db, secret: req.application.instanceSecret)
        let manages = Access.manageEvaluation(principal.actor, region: ballot.$region.id, tree: principal.tree).isAllowed
        let serving = try await SupervisionService(db: req.db).serving([principal.accountID]).contains(principal.accountID)
        let mayVote = Access.voteAsEvaluator(principal.actor, region: ballot.$region.id, serving: serving, tree: principal.tree).isAllowed
        let cast = mayVote ? try await service.vote(of: principal.accountID, ballotID: try ballot.requireID()) : nil
        // The tally: for the office once voting has ended, for everyone once published.
        let showResult = ballot.stateValue == .published || (manages && ballot.stateValue == .closed)
        return req.page(BallotPage(ballot: ballot, manages: manages, mayVote: mayVote, cast: cast, result: showResult ? try await service.result(ballot) : nil,
                                   publicURL: SiteURL.publicBallot(id: try ballot.requireID()).absolute(req.application.minsheng.publicURL))
            .render(in: PageContext(request: req)))
    }

    func advance(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        // Decided before the form is read: a ballot not the office's is not found whatever it sends.
        let ballot = try await BallotService(db: req.db).ballot(id: id)
        try Access.manageEvaluation(principal.actor, region: ballot.$region.id, tree: principal.tree).require()
        let state = (try? req.content.get(String.self, at: "state")).flatMap(Ballot.State.init(rawValue:))
        do {
            guard let state, state != .draft else { throw ServiceError.invalid("请选择操作。") }
            try await BallotService(db: req.db).advance(id: id, to: state, actor: principal.actor, tree: principal.tree)
            req.notify(["open": "投票已开始。", "closed": "投票已结束，可以查看计票结果。", "published": "结果已公布，公开页面显示评选结果。"][state.rawValue] ?? "")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.ballot(id: id).path)
    }

    /// The picks a form sends: `pick` fields (checkboxes).
    static func picks(_ req: Request) -> [String] {
        guard let body = req.body.string else { return [] }
        return body.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "pick" else { return nil }
            return String(parts[1])
        }
    }

    func vote(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        let ballot = try await BallotService(db: req.db).ballot(id: id)
        try Access.voteAsEvaluator(principal.actor, region: ballot.$region.id, tree: principal.tree).require()
        do {
            let valid = try await BallotService(db: req.db).voteAsEvaluator(id: id, picks: Self.picks(req), actor: principal.actor, tree: principal.tree)
            req.notify(valid ? "投票成功，谢谢！" : "已收到您的选票，但所选项目不是 \(ballot.pickCount) 个，按规定为废票。", success: valid)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.ballot(id: id).path)
    }

    // MARK: - The public vote

    private func publicBallot(_ req: Request) async throws -> Ballot {
        let ballot = try await BallotService(db: req.db).ballot(id: try id(req))
        guard ballot.hasPublicVote || ballot.stateValue == .published, ballot.stateValue != .draft else { throw Abort(.notFound, reason: "未找到该投票。") }
        return ballot
    }

    func publicPage(req: Request) async throws -> Response {
        let ballot = try await publicBallot(req)
        let result = ballot.stateValue == .published ? try await BallotService(db: req.db).result(ballot) : nil
        let sent = req.query[String.self, at: "sent"]
        return Self.html(PublicBallotPage(ballot: ballot, result: result, notice: sent == "1" ? (true, "投票成功，谢谢您的参与！") : sent == "0" ? (true, "已收到您的选票，但所选项目不是 \(ballot.pickCount) 个，按规定为废票。") : nil,
                                          typedPhone: "").render(), status: .ok)
    }

    func publicVote(req: Request) async throws -> Response {
        let ballot = try await publicBallot(req)
        let id = try ballot.requireID()
        let existing = req.cookies[PublicController.browserCookie].map(\.string).flatMap { (id: String) in id.count == 32 && id.allSatisfy(\.isHexDigit) ? id : nil }
        let browser = existing ?? PublicController.newBrowserID()
        let phone = (try? req.content.get(String.self, at: "phone")) ?? ""
        do {
            let valid = try await BallotService(db: req.db, secret: req.application.instanceSecret)
                .votePublic(id: id, .init(picks: Self.picks(req), phone: phone, address: req.senderAddress, browser: browser))
            let response = req.redirect(to: SiteURL.publicBallot(id: id).path + "?sent=" + (valid ? "1" : "0"), redirectType: .normal)
            return PublicController.withBrowserCookie(response, req, existing == nil ? browser : nil)
        } catch let error as ServiceError where error.kind != .notFound {
            let status: HTTPResponseStatus = error.kind == .tooMany ? .tooManyRequests : .unprocessableEntity
            return PublicController.withBrowserCookie(Self.html(PublicBallotPage(ballot: ballot, result: nil, notice: (false, error.message), typedPhone: String(phone.prefix(20))).render(),
                                                                status: status), req, existing == nil ? browser : nil)
        }
    }

    static func html(_ html: String, status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}

struct BallotListPage {
    let ballots: Listing<Ballot>
    let query: ListQuery
    let isOffice: Bool

    func render(in context: PageContext) -> String {
        PageFrame.render(title: "十佳民生实事投票", context: context, body: .group(
            Fragments.pageHeader("十佳民生实事投票", trail: [("评议与票决", SiteURL.evaluations.path), ("十佳投票", nil)]),
            .if(isOffice, .p(.class("actions"), .a(.class("button primary"), .attr("href", SiteURL.ballotNew.path), .text("发起十佳投票")))),
            EvaluationListPage.ballotTable(ballots),
            Fragments.pager(ballots, base: SiteURL.ballots.path, query: query)))
    }
}

struct BallotFormPage {
    let year: Int
    let projects: [SupervisionService.ProjectInRegion]

    func render(in context: PageContext) -> String {
        var seen = Set<Int>()
        let unique = projects.filter { seen.insert($0.projectID).inserted }
        let form: Node<HTML.BodyContext> = .form(.class("panel form"), .method(.post), .action(SiteURL.ballots.path),
            PageFrame.csrfField(context.csrf),
            .input(.type(.hidden), .name("year"), .attr("value", "\(year)")),
            .label(.for("title"), .text("名称")),
            .input(.type(.text), .id("title"), .name("title"), .attr("maxlength", "100"), .attr("required", "required"), .attr("value", "\(year)年度十佳民生实事评选")),
            .div(.class("grid-form"),
                 .div(.label(.for("pick"), .text("每票应选项目数（K）")), .input(.type(.number), .id("pick"), .name("pick"), .attr("min", "1"), .attr("value", "10"))),
                 .div(.label(.class("check"), .input(.type(.checkbox), .name("public"), .attr("value", "1")), .text(" 同时开放群众网上投票"))),
                 .div(.label(.for("weight"), .text("评议员投票权重（%，其余为群众投票）")),
                      .input(.type(.number), .id("weight"), .name("weight"), .attr("min", "0"), .attr("max", "100"), .attr("value", "50")))),
            .p(.class("hint"), .text("每张选票必须恰好选 K 个项目，多选或少选为废票。得分 = 评议员得票率 × 权重 + 群众得票率 × 权重。")),
            .element(named: "fieldset", nodes: [.element(named: "legend", text: "候选项目（N）"),
                .forEach(unique) { p in
                    .label(.class("check"), .input(.type(.checkbox), .name("project.\(p.projectID)"), .attr("value", "1"), .attr("checked", "checked")), .text(" \(p.project)"))
                }]),
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("建立投票"))))
        return PageFrame.render(title: "发起十佳投票", context: context, body: .group(
            Fragments.pageHeader("发起十佳民生实事投票", subtitle: "\(year) 年", trail: [("评议与票决", SiteURL.evaluations.path), ("发起投票", nil)]), form))
    }
}

extension Fragments {
    /// The tally of a ballot: votes, shares, combined score, rank; the K chosen marked.
    static func ballotResult(_ result: BallotMath.Result, ballot: Ballot) -> Node<HTML.BodyContext> {
        .group(
            .p(.class("hint"), .text("评议员有效票 \(result.validEvaluator) 张、废票 \(result.voidEvaluator) 张" +
                                     (ballot.hasPublicVote ? "；群众有效票 \(result.validPublic) 张、废票 \(result.voidPublic) 张" : "") +
                                     "。得分 = 评议员得票率 × \(result.evaluatorWeight)% + 群众得票率 × \(result.publicWeight)%" +
                                     (result.evaluatorWeight != ballot.evaluatorWeight ? "（一方没有有效票，另一方按 100% 计）" : "") + "。")),
            .if(result.tiedAtCut, .div(.class("notice error"), .text("第 \(ballot.pickCount) 名有并列，入选项目多于 \(ballot.pickCount) 个，请专班办公室研究确定。"))),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("num"), .text("名次")), .th(.class("title"), .text("项目")), .th(.class("num"), .text("评议员票")),
                           .if(ballot.hasPublicVote, .th(.class("num hide-phone"), .text("群众票"))), .th(.class("num"), .text("得分")), .th(.text("")))),
                .tbody(.forEach(result.tallies) { t in
                    .tr(.td(.class("num"), .text("\(t.rank)")), .td(.text(t.name)),
                        .td(.class("num"), .text("\(t.evaluatorVotes)（\(Figures.percent(t.evaluatorShare))）")),
                        .if(ballot.hasPublicVote, .td(.class("num hide-phone"), .text("\(t.publicVotes)（\(Figures.percent(t.publicShare))）"))),
                        .td(.class("num"), .text(Figures.fixed(t.combined, scale: 2))),
                        .td(.if(t.chosen, .span(.class("badge completed"), .text("入选")))))
                }))))
    }
}

struct BallotPage {
    let ballot: Ballot
    let manages: Bool
    let mayVote: Bool
    let cast: BallotVote?
    let result: BallotMath.Result?
    let publicURL: String

    func render(in context: PageContext) -> String {
        let id = ballot.id ?? 0
        let state = ballot.stateValue
        let candidates = ballot.candidates.sorted { $0.seq < $1.seq }
        let next: [Ballot.State: (Ballot.State, String)] = [.draft: (.open, "开始投票"), .open: (.closed, "结束投票"), .closed: (.published, "公布结果")]
        let actions: Node<HTML.BodyContext> = manages ? .group(.unwrap(next[state]) { target in
            .form(.class("panel rule-form"), .method(.post), .action(SiteURL.ballotAdvance(id: id).path), PageFrame.csrfField(context.csrf),
                  .input(.type(.hidden), .name("state"), .attr("value", target.0.rawValue)),
                  .span(.text("当前：\(state.label)。")),
                  .button(.type(.submit), .class("button primary"), .attr("data-confirm", "确定\(target.1)？"), .text(target.1)))
        }, .if(ballot.hasPublicVote, .p(.class("hint"), .text("群众投票地址（可制作二维码张贴）：" + publicURL)))) : .empty
        let voteForm: Node<HTML.BodyContext>
        if let cast {
            let names = Dictionary(candidates.compactMap { c in c.id.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
            voteForm = .div(.class("panel"), .h2(.text("我的选票" + (cast.valid ? "" : "（废票）"))),
                            .p(.text(cast.pickIDs.compactMap { names[$0] }.joined(separator: "、"))))
        } else if mayVote && state == .open {
            voteForm = .form(.class("panel form"), .method(.post), .action(SiteURL.ballotVote(id: id).path), PageFrame.csrfField(context.csrf),
                             .h2(.text("投票：请选择 \(ballot.pickCount) 个项目")),
                             .p(.class("hint"), .text("多选或少选均为废票；提交后不能修改。")),
                             .forEach(candidates) { c in
                                 .label(.class("choice wide"), .input(.type(.checkbox), .name("pick"), .attr("value", "\(c.id ?? 0)")), .text(c.name))
                             },
                             .p(.class("actions"), .button(.type(.submit), .class("button primary"), .attr("data-confirm", "提交后不能修改，确定提交？"), .text("提交选票"))))
        } else {
            voteForm = .empty
        }
        let list: Node<HTML.BodyContext> = .div(.class("panel"), .h2(.text("候选项目（\(candidates.count) 个，选 \(ballot.pickCount) 个）")),
                                               .ol(.forEach(candidates) { .li(.text($0.name)) }))
        return PageFrame.render(title: ballot.title, context: context, body: .group(
            Fragments.pageHeader(ballot.title, subtitle: "\(state.label) · " + (ballot.hasPublicVote ? "评议员 \(ballot.evaluatorWeight)%、群众 \(ballot.publicWeight)%" : "评议员投票"),
                                 trail: [("评议与票决", SiteURL.evaluations.path), (ballot.title, nil)]),
            actions, voteForm,
            .unwrap(result) { .div(.class("panel"), .h2(.text(state == .published ? "评选结果（已公布）" : "计票结果（未公布）")), Fragments.ballotResult($0, ballot: ballot)) },
            .if(result == nil, list)))
    }
}

/// The public's ballot on a phone: the candidates, exactly K to tick, a phone number (one vote
/// per number); the result once published.
struct PublicBallotPage {
    let ballot: Ballot
    let result: BallotMath.Result?
    let notice: (ok: Bool, text: String)?
    let typedPhone: String

    func render() -> String {
        let candidates = ballot.candidates.sorted { $0.seq < $1.seq }
        let body: Node<HTML.BodyContext>
        if let result {
            body = .section(.h2(.text("评选结果")),
                            .forEach(result.tallies.filter(\.chosen)) { t in .div(.class("qa"), .p(.class("q"), .text("\(t.rank). \(t.name)"))) },
                            .p(.class("muted"), .text("评议员投票占 \(result.evaluatorWeight)%，群众投票占 \(result.publicWeight)%；群众有效票 \(result.validPublic) 张。")))
        } else if ballot.stateValue == .open {
            body = .section(.h2(.text("请选择 \(ballot.pickCount) 个项目")),
                .form(.class("rate"), .method(.post), .action(SiteURL.publicBallot(id: ballot.id ?? 0).path),
                      .p(.class("muted"), .text("恰好选 \(ballot.pickCount) 个，多选或少选为废票。")),
                      .forEach(candidates) { c in
                          .label(.class("field"), .input(.type(.checkbox), .name("pick"), .attr("value", "\(c.id ?? 0)")), .text(" " + c.name))
                      },
                      .label(.class("field"), .for("phone"), .text("手机号码（每个号码限投一次，不会公开）")),
                      .input(.type(.tel), .id("phone"), .name("phone"), .attr("autocomplete", "tel"), .attr("maxlength", "20"), .attr("required", "required"),
                             .attr("value", typedPhone)),
                      .button(.type(.submit), .text("投票"))))
        } else {
            body = .section(.p(.text("投票已结束，结果将在公布后在此显示。")))
        }
        let html = HTML(.lang(.chinese),
            .head(.meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width,initial-scale=1")),
                  .pageTitle(ballot.title + " - 民生实事码上通"), .link(.rel(.stylesheet), .href(SiteURL.publicStylesheet.path))),
            .body(.header(.div(.class("brand"), .text("民生实事码上通 · 十佳民生实事评选")), .h1(.text(ballot.title))),
                  .main(.unwrap(notice) { .div(.class($0.ok ? "notice ok" : "notice err"), .attr("role", "status"), .text($0.text)) }, body),
                  .footer(.p(.text("每个手机号码、每台设备限投一次")))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }
}
