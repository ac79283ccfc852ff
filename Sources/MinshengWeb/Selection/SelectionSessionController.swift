import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 人大代表票决: the office's session page (registration, opening, the paper tallies entered twice,
/// closing, the result and its printable record) and a deputy's in-app secret ballot.
struct SelectionSessionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let office = routes.grouped(RequireSignIn(), RequireDuty(.office))
        office.get(SiteURL.selectionSession(round: .parameter, action: nil), use: session)
        office.post(SiteURL.selectionSession(round: .parameter, action: nil), use: setSession)
        office.post(SiteURL.selectionSession(round: .parameter, action: "open"), use: open)
        office.post(SiteURL.selectionSession(round: .parameter, action: "close"), use: close)
        office.post(SiteURL.selectionTallies(round: .parameter, action: nil), use: tally)
        office.post(SiteURL.selectionTallies(round: .parameter, action: "clear"), use: clear)
        office.get(SiteURL.selectionRecord(round: .parameter), use: record)
        office.post(SiteURL.selectionPlan(round: .parameter), use: makePlan)
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.selectionBallot(round: .parameter), use: ballot)
        signedIn.post(SiteURL.selectionBallot(round: .parameter), use: cast)
    }

    static let field = SelectionController.field
    func service(_ req: Request) -> SelectionService { SelectionService(db: req.db, secret: req.application.instanceSecret) }

    /// The round, checked against the office before anything else is read.
    func round(_ req: Request) async throws -> (Principal, Int) {
        let principal = try AccessPolicy.office.check(req)
        let id = try SelectionController.id(req)
        _ = try await service(req).managedRound(id, actor: principal.actor, tree: principal.tree)
        return (principal, id)
    }

    func session(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        let status = try await service(req).session(roundID: id, actor: principal.actor, tree: principal.tree)
        let deputies = try await Account.query(on: req.db).filter(\.$region.$id ~~ Array(principal.tree.subtreeIDs(of: status.round.$region.id)))
            .filter(\.$active == true).sort(\.$displayName).all()
            .filter { Access.isEvaluator($0) }
        let registered = Set(try await SelectionDeputy.query(on: req.db).filter(\.$roundID == id).all().map(\.accountID))
        return req.page(SessionPage(status: status, deputies: deputies.map { ($0.id ?? 0, "\($0.displayName)（\($0.username)）") }, registered: registered,
                                    accountID: principal.accountID).render(in: PageContext(request: req)))
    }

    func setSession(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        let accounts = ((try? req.content.get([String].self, at: "deputy")) ?? []).compactMap { Int($0) }
        return try await SelectionReviewController.perform(req, back: .selectionSession(round: id, action: nil), success: "票决会议已登记。") {
            try await service(req).setSession(roundID: id, .init(title: Self.field(req, "title"), date: Self.field(req, "date"), deputies: Self.field(req, "deputies"),
                                                                  present: Self.field(req, "present"), rule: Self.field(req, "rule"), mode: Self.field(req, "mode"),
                                                                  deputyAccounts: accounts),
                                              actor: principal.actor, tree: principal.tree)
        }
    }

    func open(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        return try await SelectionReviewController.perform(req, back: .selectionSession(round: id, action: nil), success: "票决已开始。") {
            try await service(req).openSession(roundID: id, actor: principal.actor, tree: principal.tree)
        }
    }

    func close(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        return try await SelectionReviewController.perform(req, back: .selectionSession(round: id, action: nil), success: "票决已结束，结果如下。") {
            guard Self.field(req, "confirm") == "1" else { throw ServiceError.invalid("请勾选确认后再结束票决。") }
            try await service(req).closeSession(roundID: id, actor: principal.actor, tree: principal.tree)
        }
    }

    func tally(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        let candidate = Int(Self.field(req, "candidate")) ?? 0
        let box = ResultBox()
        let response = try await SelectionReviewController.perform(req, back: .selectionSession(round: id, action: nil), success: "已录入。") {
            box.accepted = try await service(req).enterTally(roundID: id, candidateID: candidate, votesFor: Self.field(req, "for"), against: Self.field(req, "against"),
                                                             abstain: Self.field(req, "abstain"), actor: principal.actor, tree: principal.tree)
        }
        if box.accepted { req.notify("两次录入一致，该项计票结果已确认。") }
        return response
    }

    final class ResultBox: @unchecked Sendable { var accepted = false }

    func clear(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        return try await SelectionReviewController.perform(req, back: .selectionSession(round: id, action: nil), success: "已清除该项的录入，请重新录入两次。") {
            guard let candidate = Int(Self.field(req, "candidate")) else { throw ServiceError.invalid("请选择候选项目。") }
            try await service(req).clearTally(roundID: id, candidateID: candidate, actor: principal.actor, tree: principal.tree)
        }
    }

    func record(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        let status = try await service(req).session(roundID: id, actor: principal.actor, tree: principal.tree)
        return req.page(SessionRecordPage(status: status, regionName: principal.tree[status.round.$region.id]?.name ?? "").render(in: PageContext(request: req)))
    }

    func makePlan(req: Request) async throws -> Response {
        let (principal, id) = try await round(req)
        do {
            guard let level = PlanLevel(rawValue: Self.field(req, "level")) else { throw ServiceError.invalid("请选择计划级别。") }
            let plan = try await service(req).makePlan(roundID: id, level: level, actor: principal.actor, tree: principal.tree)
            req.notify("已生成计划：请补全各项目的指标、单位、目标任务和分解，核对后通过。")
            return req.redirect(to: SiteURL.planEditor(id: plan).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.selectionSession(round: id, action: nil).path)
        }
    }

    func ballot(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let ballot = try await service(req).ballot(roundID: try SelectionController.id(req), actor: principal.actor)
        return req.page(DeputyBallotPage(round: ballot.round, candidates: ballot.candidates, voted: ballot.voted).render(in: PageContext(request: req)))
    }

    func cast(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let id = try SelectionController.id(req)
        let ballot = try await service(req).ballot(roundID: id, actor: principal.actor)
        var choices: [Int: String] = [:]
        for candidate in ballot.candidates {
            let choice = Self.field(req, "c\(candidate.id ?? 0)")
            if !choice.isEmpty { choices[candidate.id ?? 0] = choice }
        }
        let chosen = choices
        return try await SelectionReviewController.perform(req, back: .selectionBallot(round: id), success: "投票成功。您的选择不记名，任何人都无法查看。") {
            try await service(req).castBallot(roundID: id, choices: chosen, actor: principal.actor)
        }
    }
}

/// The session page for the office.
struct SessionPage {
    let status: SelectionService.SessionStatus
    let deputies: [(Int, String)]
    let registered: Set<Int>
    let accountID: Int

    func render(in context: PageContext) -> String {
        let round = status.round
        let id = round.id ?? 0
        let csrf = context.csrf
        let state = round.sessionClosed ? "已结束" : round.sessionOpen ? "进行中" : "未开始"
        var summary = "候选项目 \(status.candidates.count) 个，名额 \(round.places.map(String.init) ?? "未设")。"
        if let deputies = round.deputies {
            let present = round.present ?? 0
            let needed = round.passRule == .majorityOfAll ? deputies / 2 : present / 2
            summary += "全体代表 \(deputies) 人，出席 \(present) 人，\(round.passRule.label)（赞成票须多于 \(needed) 票）。"
        }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("人大代表票决", subtitle: "\(round.title) · \(state)",
                                 trail: [("项目征集", SiteURL.selection.path), (round.title, SiteURL.selectionRound(id: id).path), ("票决", nil)]),
            .p(.class("hint"), .text(summary)),
            .if(round.sessionState == nil, setup(csrf: csrf)),
            .if(round.sessionState == nil && round.sessionTitle != nil,
                .form(.class("panel"), .method(.post), .action(SiteURL.selectionSession(round: id, action: "open").path), PageFrame.csrfField(csrf),
                      .p(.text("开始后会议信息和候选名单不能再改。")),
                      .button(.type(.submit), .class("button primary"), .text("开始票决")))),
            .if(round.sessionOpen && round.ballotMode == .paper, tallies(csrf: csrf)),
            .if(round.sessionOpen && round.ballotMode == .app,
                .div(.class("panel"), .h2(.text("线上无记名投票")),
                     .p(.text("登记代表 \(status.registered) 人，已投票 \(status.voted) 人。投票结束前不显示任何票数；结束后只有各项目的合计，没有任何人（包括管理员）能看到某位代表的选择。")))),
            .if(round.sessionOpen,
                .form(.class("panel"), .method(.post), .action(SiteURL.selectionSession(round: id, action: "close").path), PageFrame.csrfField(csrf),
                      .label(.class("check"), .input(.type(.checkbox), .name("confirm"), .attr("value", "1")), .text(" 计票完毕，结束票决")),
                      .button(.type(.submit), .class("button danger"), .text("结束票决")))),
            .unwrap(status.result) { _ in
                .group(SessionRecordPage.resultTable(status),
                       .p(.class("actions"), .a(.class("button"), .attr("href", SiteURL.selectionRecord(round: id).path), .text("打印票决结果"))),
                       round.planID.map { plan in
                           .p(.class("notice ok"), .text("入选项目已生成计划。"), .a(.attr("href", SiteURL.planEditor(id: plan).path), .text("编辑计划")))
                       } ?? .form(.class("panel"), .method(.post), .action(SiteURL.selectionPlan(round: id).path), PageFrame.csrfField(csrf),
                                  .h2(.text("生成 \(round.year) 年计划")),
                                  .p(.text("入选项目依名次成为计划的实事和项目（含责任部门），目标任务和分解由办公室在计划中补全；每个项目都与候选项目和群众建议相连，建议人可在建议页面看到项目进展和满意度。")),
                                  .div(.class("row-form"),
                                       .label(.for("level"), .text("计划级别")),
                                       .select(.attr("name", "level"), .id("level"), .forEach(PlanLevel.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == .city) }),
                                       .button(.type(.submit), .class("button primary"), .text("生成计划")))))
            })
        return PageFrame.render(title: "人大代表票决", context: context, body: body)
    }

    func setup(csrf: String) -> Node<HTML.BodyContext> {
        let round = status.round
        return .form(.class("panel"), .method(.post), .action(SiteURL.selectionSession(round: round.id ?? 0, action: nil).path), PageFrame.csrfField(csrf),
            .h2(.text("登记票决会议")),
            .div(.class("grid-form"),
                 .div(.class("wide"), .label(.for("title"), .text("会议名称")),
                      .input(.type(.text), .name("title"), .id("title"), .attr("required", "required"), .attr("maxlength", "100"),
                             .attr("placeholder", "如 市第十七届人民代表大会第四次会议"), .attr("value", round.sessionTitle ?? ""))),
                 .div(.label(.for("date"), .text("会议日期")), .input(.type(.date), .name("date"), .id("date"), .attr("value", round.sessionDate ?? ""))),
                 .div(.label(.for("deputies"), .text("全体代表人数")),
                      .input(.type(.number), .name("deputies"), .id("deputies"), .attr("min", "1"), .attr("value", round.deputies.map(String.init) ?? ""))),
                 .div(.label(.for("present"), .text("出席代表人数")),
                      .input(.type(.number), .name("present"), .id("present"), .attr("min", "1"), .attr("value", round.present.map(String.init) ?? ""))),
                 .div(.label(.for("rule"), .text("通过规则")),
                      .select(.attr("name", "rule"), .id("rule"), .forEach(DeputyVote.PassRule.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == round.passRule) })),
                 .div(.label(.for("mode"), .text("投票方式")),
                      .select(.attr("name", "mode"), .id("mode"), .forEach(SelectionRound.BallotMode.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == round.ballotMode) }))),
            .div(.class("fieldset"), .p(.strong(.text("线上投票的代表（评议员账号）"))),
                      .if(deputies.isEmpty, .p(.class("hint"), .text("本区划还没有评议员账号：线上投票请先在账号管理中为代表开设账号。"))),
                      .forEach(deputies) { deputy in
                          .label(.class("inline-check"), registered.contains(deputy.0)
                                    ? .input(.type(.checkbox), .name("deputy[]"), .attr("value", "\(deputy.0)"), .attr("checked", "checked"))
                                    : .input(.type(.checkbox), .name("deputy[]"), .attr("value", "\(deputy.0)")),
                                 .text(" " + deputy.1))
                      }),
            .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存"))))
    }

    func tallies(csrf: String) -> Node<HTML.BodyContext> {
        let id = status.round.id ?? 0
        return .section(.class("panel"),
            .h2(.text("录入计票结果")),
            .p(.class("hint"), .text("每个候选项目的赞成、反对、弃权票数由两名工作人员分别录入，两次一致才确认；不一致时不予保存。")),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("候选项目")), .th(.text("录入情况")), .th(.text("录入")))),
                .tbody(.forEach(status.candidates) { candidate in
                    let entries = status.entries[candidate.id ?? 0] ?? []
                    let mine = entries.contains { $0.accountID == accountID }
                    return .tr(.td(.text("\(candidate.seq). \(candidate.name)")),
                        .td(entries.count == 2 ? .span(.class("badge proposal-candidate"), .text("已确认"))
                            : entries.count == 1 ? .span(.class("badge proposal-received"), .text(mine ? "已录入一次，待另一人核录" : "待第二次录入"))
                            : .span(.class("badge"), .text("未录入"))),
                        .td(entries.count == 2 ? .text("—") : (mine ? .text("请由另一名工作人员录入") : .form(.class("row-form"), .method(.post),
                                .action(SiteURL.selectionTallies(round: id, action: nil).path), PageFrame.csrfField(csrf),
                                .input(.type(.hidden), .name("candidate"), .attr("value", "\(candidate.id ?? 0)")),
                                .input(.type(.number), .name("for"), .attr("min", "0"), .attr("aria-label", "赞成"), .attr("placeholder", "赞成"), .class("short")),
                                .input(.type(.number), .name("against"), .attr("min", "0"), .attr("aria-label", "反对"), .attr("placeholder", "反对"), .class("short")),
                                .input(.type(.number), .name("abstain"), .attr("min", "0"), .attr("aria-label", "弃权"), .attr("placeholder", "弃权"), .class("short")),
                                .button(.type(.submit), .class("button small"), .text("录入")))),
                            .if(!entries.isEmpty, .form(.class("inline"), .method(.post), .action(SiteURL.selectionTallies(round: id, action: "clear").path),
                                                        PageFrame.csrfField(csrf), .input(.type(.hidden), .name("candidate"), .attr("value", "\(candidate.id ?? 0)")),
                                                        .button(.type(.submit), .class("button small danger"), .text("清除重录"))))))
                }))))
    }
}

/// The printable result of the deputies' vote.
struct SessionRecordPage {
    let status: SelectionService.SessionStatus
    let regionName: String

    static func resultTable(_ status: SelectionService.SessionStatus) -> Node<HTML.BodyContext> {
        guard let result = status.result else { return .p(.text("票决尚未结束。")) }
        let names = Dictionary(status.candidates.map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { a, _ in a })
        return .section(.class("panel"),
            .h2(.text("票决结果")),
            .unwrap(result.tiedAtLastPlace.isEmpty ? nil : result.tiedAtLastPlace) { tied in
                .p(.class("notice error"), .text("最后一个名额出现同票：" + tied.compactMap { names[$0] }.joined(separator: "、")
                    + "赞成票相同，均列为入选待定，须另行表决确定。"))
            },
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("num"), .text("名次")), .th(.text("候选项目")), .th(.class("num"), .text("赞成")), .th(.class("num"), .text("反对")),
                           .th(.class("num"), .text("弃权")), .th(.text("结果")))),
                .tbody(.forEach(result.standings) { standing in
                    .tr(.td(.class("num"), .text(standing.rank.map(String.init) ?? "—")),
                        .td(.text(names[standing.tally.candidateID] ?? "")),
                        .td(.class("num"), .text("\(standing.tally.votesFor)")),
                        .td(.class("num"), .text("\(standing.tally.against)")),
                        .td(.class("num"), .text("\(standing.tally.abstain)")),
                        .td(.text(standing.chosen ? (result.tiedAtLastPlace.contains(standing.tally.candidateID) ? "同票待定" : "入选") : standing.passes ? "通过，名额已满" : "未通过")))
                }))),
            .p(.class("hint"), .text("赞成票须多于 \(result.threshold) 票方为通过；通过的项目按赞成票多少依次入选，至名额为止。")))
    }

    func render(in context: PageContext) -> String {
        let round = status.round
        let body: Node<HTML.BodyContext> = .div(.class("paper"),
            .h1(.class("doc-title"), .text("\(regionName)\(round.year)年重点民生实事项目票决结果")),
            .p(.text("\(round.sessionTitle ?? "")于 \(round.sessionDate ?? "") 对 \(status.candidates.count) 个候选项目进行票决（名额 \(round.places ?? 0) 个）。"
                + "全体代表 \(round.deputies ?? 0) 人，出席 \(round.present ?? 0) 人；\(round.passRule.label)；\(round.ballotMode.label)。")),
            Self.resultTable(status),
            .p(.class("actions hide-print"), .a(.class("button"), .attr("href", SiteURL.selectionSession(round: round.id ?? 0, action: nil).path), .text("返回"))))
        return PageFrame.render(title: "票决结果", context: context, body: body)
    }
}

/// A deputy's secret ballot.
struct DeputyBallotPage {
    let round: SelectionRound
    let candidates: [SelectionCandidate]
    let voted: Bool

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("代表票决", subtitle: "\(round.title) · \(round.sessionTitle ?? "")"),
            voted ? .p(.class("notice ok"), .text("您已投票。投票不记名：您的选择没有被保存到任何可以查看的地方，只计入各项目的合计。"))
                : !round.sessionOpen ? .p(.class("notice"), .text(round.sessionClosed ? "票决已经结束。" : "票决尚未开始。"))
                : .form(.class("panel"), .method(.post), .action(SiteURL.selectionBallot(round: round.id ?? 0).path), PageFrame.csrfField(context.csrf),
                        .p(.class("hint"), .text("请对每个候选项目选择赞成、反对或弃权；提交后不能修改。无记名：任何人（包括管理员）都看不到您的选择。")),
                        .forEach(candidates) { candidate in
                            .div(.class("fieldset"), .p(.strong(.text("\(candidate.seq). \(candidate.name)"))),
                                      .p(.class("muted small"), .text(candidate.description)),
                                      .forEach([("for", "赞成"), ("against", "反对"), ("abstain", "弃权")]) { choice in
                                          .label(.class("inline-check"), .input(.type(.radio), .name("c\(candidate.id ?? 0)"), .attr("value", choice.0), .attr("required", "required")),
                                                 .text(" " + choice.1))
                                      })
                        },
                        .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("投票")))))
        return PageFrame.render(title: "代表票决", context: context, body: body)
    }
}
