import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 评议: rounds opened by the office, scored by evaluators with the project's figures, evidence,
/// problems and public ratings beside the form; results (trimmed, weighted, ranked) once closed.
struct EvaluationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.evaluations, use: index)
        signedIn.get(SiteURL.evaluation(id: .parameter), use: show)
        signedIn.get(SiteURL.evaluationScore(assignment: .parameter), use: scoreForm)
        signedIn.post(SiteURL.evaluationScore(assignment: .parameter), use: score)
        let office = signedIn.grouped(RequireDuty(.office))
        office.get(SiteURL.evaluationNew, use: form)
        office.post(SiteURL.evaluations, use: open)
        office.post(SiteURL.evaluationClose(id: .parameter), use: close)
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该评议，或您无权查看。") }
        return id
    }

    static func year(_ req: Request) -> Int { req.query[Int.self, at: "year"].flatMap { (2000...2100).contains($0) ? $0 : nil } ?? ChineseDate.yearMonth(Date()).year }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let rounds = try await EvaluationService(db: req.db).list(actor: principal.actor, tree: principal.tree, window: query.window)
        // The latest ten ballots here; every one, paged, under /ballots.
        let ballots = try await BallotService(db: req.db).list(actor: principal.actor, tree: principal.tree, window: ListWindow(page: 1, size: 10))
        return req.page(EvaluationListPage(rounds: rounds, ballots: ballots, query: query, isOffice: principal.may(.office), tree: principal.tree)
            .render(in: PageContext(request: req)))
    }

    func form(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let year = Self.year(req)
        let projects = try await SupervisionService(db: req.db).projects(inRegions: principal.scope, tree: principal.tree, year: year)
        let evaluators = try await Account.query(on: req.db).filter(\.$region.$id ~~ Array(principal.scope)).filter(\.$active == true).sort(\.$displayName).all()
            .filter(Access.isEvaluator)
        return req.page(EvaluationFormPage(year: year, projects: projects, evaluators: evaluators, tree: principal.tree).render(in: PageContext(request: req)))
    }

    func open(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let projects = form.keys.filter { $0.hasPrefix("project.") }.compactMap { Int($0.dropFirst(8)) }.sorted()
        let evaluators = form.keys.filter { $0.hasPrefix("evaluator.") }.compactMap { Int($0.dropFirst(10)) }
        let year = form["year"].flatMap { Int($0) } ?? ChineseDate.yearMonth(Date()).year
        do {
            let opened = try await EvaluationService(db: req.db).open(regionID: principal.regionID, year: year, title: form["title"] ?? "", criteria: form["criteria"] ?? "",
                                                                      projectIDs: projects, evaluatorIDs: evaluators, actor: principal.actor, tree: principal.tree)
            let recused = opened.recused.map { "\($0.evaluator)回避“\($0.project)”" }
            req.notify("已开始评议，评议员可在“评议”中打分。" + (recused.isEmpty ? "" : "按回避规定：" + recused.joined(separator: "；") + "。"))
            return req.redirect(to: SiteURL.evaluation(id: opened.round.id ?? 0).path)
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.evaluationNew.path + "?year=\(year)")
        }
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = EvaluationService(db: req.db)
        let round = try await service.round(id: try id(req), actor: principal.actor, tree: principal.tree)
        let manages = Access.manageEvaluation(principal.actor, region: round.$region.id, tree: principal.tree).isAllowed
        let mine = try await service.assignments(roundID: try round.requireID(), accountID: principal.accountID)
        return req.page(EvaluationPage(round: round, manages: manages, mine: mine, progress: try await service.progress(roundID: try round.requireID()),
                                       results: try await service.results(round)).render(in: PageContext(request: req)))
    }

    func close(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        do {
            try await EvaluationService(db: req.db).close(id: id, actor: principal.actor, tree: principal.tree)
            req.notify("评议已结束，得分和排名已生成。")
        } catch let error as ServiceError where error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.evaluation(id: id).path)
    }

    /// The evaluator's own assignment, with the project's context.
    private func assignment(_ req: Request) async throws -> (Principal, EvaluationAssignment) {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: Int.self),
              let assignment = try await EvaluationAssignment.query(on: req.db).filter(\.$id == id).with(\.$entry, { $0.with(\.$round).with(\.$project) }).first() else {
            throw Abort(.notFound, reason: "未找到该评议项目，或您无权评分。")
        }
        try Access.score(principal.actor, assignee: assignment.$account.id).require()
        return (principal, assignment)
    }

    func scoreForm(req: Request) async throws -> Response {
        let (_, assignment) = try await assignment(req)
        let project = assignment.entry.$project.id
        let page = try await PublicProjectService(db: req.db).page(projectID: project, regionID: nil)
        let indicators = try await Indicator.query(on: req.db).filter(\.$project.$id == project).all().compactMap(\.id)
        let evidence = indicators.isEmpty ? [] : try await Evidence.query(on: req.db).filter(\.$indicator.$id ~~ indicators).field(\.$id).field(\.$state).all()
        let states = Dictionary(grouping: evidence, by: \.state).mapValues(\.count)
        return req.page(ScorePage(assignment: assignment, context: page, evidence: states, message: nil).render(in: PageContext(request: req)))
    }

    func score(req: Request) async throws -> Response {
        let (principal, assignment) = try await assignment(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let scores = assignment.entry.round.criteria.indices.map { form["score.\($0)"] ?? "" }
        do {
            try await EvaluationService(db: req.db).score(assignmentID: try assignment.requireID(), scores: scores, note: form["note"] ?? "", actor: principal.actor)
            req.notify("已保存评分。评议结束前，其他评议员和专班办公室看不到您的分数。")
            return req.redirect(to: SiteURL.evaluation(id: assignment.entry.$round.id).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.evaluationScore(assignment: try assignment.requireID()).path)
        }
    }
}

struct EvaluationListPage {
    let rounds: Listing<EvaluationRound>
    let ballots: Listing<Ballot>
    let query: ListQuery
    let isOffice: Bool
    let tree: RegionTree

    func render(in context: PageContext) -> String {
        let roundRows: Node<HTML.TableContext> = .tbody(.forEach(rounds.items) { r in
            .tr(.td(.class("title"), .a(.attr("href", SiteURL.evaluation(id: r.id ?? 0).path), .text(r.title))),
                .td(.text("\(r.year)年")), .td(.class("hide-phone"), .text(tree[r.$region.id]?.name ?? "")),
                .td(.span(.class(r.isOpen ? "badge on_schedule" : "badge completed"), .text(r.isOpen ? "评议中" : "已结束"))))
        })
        return PageFrame.render(title: "评议与票决", context: context, body: .group(
            Fragments.pageHeader("评议与票决", subtitle: "评议员对项目打分（加权、去掉最高分和最低分后取平均），并投票评选十佳民生实事。"),
            .if(isOffice, .p(.class("actions"), .a(.class("button primary"), .attr("href", SiteURL.evaluationNew.path), .text("开始评议")),
                            .a(.class("button"), .attr("href", SiteURL.ballotNew.path), .text("发起十佳投票")))),
            .div(.class("panel"), .h2(.text("评议（共 \(rounds.total) 轮）")),
                 rounds.items.isEmpty ? Fragments.empty("还没有评议。") :
                 .div(.class("table-wrap"), .table(.class("list"), .thead(.tr(.th(.class("title"), .text("名称")), .th(.text("年度")), .th(.class("hide-phone"), .text("区划")),
                                                                              .th(.text("状态")))), roundRows)),
                 Fragments.pager(rounds, base: SiteURL.evaluations.path, query: query)),
            .div(.class("panel"), .h2(.text("十佳民生实事投票（共 \(ballots.total) 次）")),
                 Self.ballotTable(ballots),
                 .if(ballots.total > ballots.items.count, .p(.a(.attr("href", SiteURL.ballots.path), .text("查看全部 \(ballots.total) 次投票")))))))
    }

    /// Ballots with their candidates, weights and state.
    static func ballotTable(_ ballots: Listing<Ballot>) -> Node<HTML.BodyContext> {
        let ballotRows: Node<HTML.TableContext> = .tbody(.forEach(ballots.items) { b in
            .tr(.td(.class("title"), .a(.attr("href", SiteURL.ballot(id: b.id ?? 0).path), .text(b.title))),
                .td(.text("\(b.candidates.count) 选 \(b.pickCount)")), .td(.class("hide-phone"), .text(b.hasPublicVote ? "评议员 \(b.evaluatorWeight)% · 群众 \(b.publicWeight)%" : "评议员投票")),
                .td(.span(.class(b.stateValue == .open ? "badge on_schedule" : b.stateValue == .published ? "badge completed" : "badge none"), .text(b.stateValue.label))))
        })
        return ballots.items.isEmpty ? Fragments.empty("还没有投票。") :
            .div(.class("table-wrap"), .table(.class("list"), .thead(.tr(.th(.class("title"), .text("名称")), .th(.text("候选")), .th(.class("hide-phone"), .text("方式")),
                                                                          .th(.text("状态")))), ballotRows))
    }
}

struct EvaluationFormPage {
    let year: Int
    let projects: [SupervisionService.ProjectInRegion]
    let evaluators: [Account]
    let tree: RegionTree

    func render(in context: PageContext) -> String {
        // A project is evaluated once, whatever the regions that run it.
        var seen = Set<Int>()
        let unique = projects.filter { seen.insert($0.projectID).inserted }
        let criteria = EvaluationCriterion.standard.map { "\($0.name) \($0.weight)" }.joined(separator: "\n")
        let form: Node<HTML.BodyContext> = .form(.class("panel form"), .method(.post), .action(SiteURL.evaluations.path),
            PageFrame.csrfField(context.csrf),
            .input(.type(.hidden), .name("year"), .attr("value", "\(year)")),
            .label(.for("title"), .text("名称")),
            .input(.type(.text), .id("title"), .name("title"), .attr("maxlength", "100"), .attr("required", "required"), .attr("value", "\(year)年重点民生实事项目评议")),
            .label(.for("criteria"), .text("评分项和权重（每行一项：名称 权重）")),
            .textarea(.id("criteria"), .name("criteria"), .attr("rows", "5"), .text(criteria)),
            .p(.class("hint"), .text("每项满分 100 分；项目得分 = 各项得分按权重加权；有 5 名以上评议员打分时去掉一个最高分和一个最低分后取平均。")),
            .element(named: "fieldset", nodes: [.element(named: "legend", text: "参加评议的项目（\(unique.count) 个）"),
                .forEach(unique) { p in
                    .label(.class("check"), .input(.type(.checkbox), .name("project.\(p.projectID)"), .attr("value", "1"), .attr("checked", "checked")),
                           .text(" \(p.project)"), .span(.class("hint"), .text(" · \(p.planTitle)")))
                }]),
            .element(named: "fieldset", nodes: [.element(named: "legend", text: "评议员（来自项目责任单位的评议员自动回避该项目）"),
                evaluators.isEmpty ? .p(.class("hint"), .text("本区划还没有聘任评议员，请先在“监督人员名册”中聘任。")) :
                .forEach(evaluators) { a in
                    .label(.class("check"), .input(.type(.checkbox), .name("evaluator.\(a.id ?? 0)"), .attr("value", "1"), .attr("checked", "checked")),
                           .text(" \(a.displayName)（\(tree[a.$region.id]?.name ?? "")）"))
                }]),
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("开始评议"))))
        return PageFrame.render(title: "开始评议", context: context, body: .group(
            Fragments.pageHeader("开始评议", subtitle: "\(year) 年", trail: [("评议与票决", SiteURL.evaluations.path), ("开始评议", nil)]), form))
    }
}

struct EvaluationPage {
    let round: EvaluationRound
    let manages: Bool
    let mine: [EvaluationAssignment]
    let progress: [EvaluationService.Progress]
    let results: [EvaluationResult]?

    func render(in context: PageContext) -> String {
        let criteria = round.criteria
        let weights = criteria.map { "\($0.name) \($0.weight)" }.joined(separator: "、")
        let minePanel: Node<HTML.BodyContext> = mine.isEmpty ? .empty : .div(.class("panel"), .h2(.text("我的评分（\(mine.filter { $0.submittedAt != nil }.count) / \(mine.count)）")),
            .ul(.class("pick-list"), .forEach(mine) { a in
                .li(.a(.attr("href", SiteURL.evaluationScore(assignment: a.id ?? 0).path), .text(a.entry.project.name),
                       .text(a.submittedAt == nil ? "（未评分）" : "（已评分 \(a.total.flatMap { Decimal(string: $0) }.map { Figures.fixed($0, scale: 2) } ?? "")）")))
            }))
        let progressPanel: Node<HTML.BodyContext> = manages && round.isOpen ? .div(.class("panel"), .h2(.text("评分进度")),
            .p(.class("hint"), .text("评议结束前不显示分数。")),
            .div(.class("table-wrap"), .table(.class("list"), .thead(.tr(.th(.class("title"), .text("项目")), .th(.class("num"), .text("评议员")), .th(.class("num"), .text("已评分")))),
                .tbody(.forEach(progress) { p in .tr(.td(.text(p.entry.project.name)), .td(.class("num"), .text("\(p.assigned)")), .td(.class("num"), .text("\(p.scored)"))) }))),
            .form(.method(.post), .action(SiteURL.evaluationClose(id: round.id ?? 0).path), PageFrame.csrfField(context.csrf),
                  .button(.type(.submit), .class("button primary"), .attr("data-confirm", "结束后不能再评分，确定结束评议？"), .text("结束评议并生成结果")))) : .empty
        let resultPanel: Node<HTML.BodyContext> = results.map { results in
            .div(.class("panel"), .h2(.text("评议结果")),
                 .div(.class("table-wrap"), .table(.class("list"),
                    .thead(.tr(.th(.class("num"), .text("名次")), .th(.class("title"), .text("项目")), .th(.class("num"), .text("得分")),
                               .forEach(criteria) { .th(.class("num hide-phone"), .text($0.name)) }, .th(.class("num"), .text("评分人数")))),
                    .tbody(.forEach(results) { r in
                        .tr(.td(.class("num"), .text(r.rank.map(String.init) ?? "—")), .td(.text(r.project)),
                            .td(.class("num"), .text(r.score.map { Figures.fixed($0, scale: 2) } ?? "—")),
                            .forEach(r.byCriterion) { .td(.class("num hide-phone"), .text($0.map { Figures.fixed($0, scale: 2) } ?? "—")) },
                            .td(.class("num"), .text("\(r.scored) / \(r.assigned)" + (r.trimmed ? "（去掉最高、最低分）" : ""))))
                    }))))
        } ?? .empty
        return PageFrame.render(title: round.title, context: context, body: .group(
            Fragments.pageHeader(round.title, subtitle: "评分项：\(weights) · " + (round.isOpen ? "评议中" : "已结束"),
                                 trail: [("评议与票决", SiteURL.evaluations.path), (round.title, nil)]),
            minePanel, progressPanel, resultPanel))
    }
}

struct ScorePage {
    let assignment: EvaluationAssignment
    let context: PublicProjectService.Page?
    let evidence: [String: Int]
    let message: String?

    func render(in pageContext: PageContext) -> String {
        let round = assignment.entry.round
        let criteria = round.criteria
        let current = assignment.scores
        let facts: Node<HTML.BodyContext> = .div(.class("panel"), .h2(.text("项目情况")),
            .unwrap(context) { page in
                .group(
                    .p(.class("hint"), .text(page.month.map { "截至 \(page.year) 年 \($0) 月底（已关账）" } ?? "尚无已关账的月度进度")),
                    .div(.class("table-wrap"), .table(.class("list"), .thead(.tr(.th(.class("title"), .text("指标")), .th(.class("num"), .text("进度")), .th(.text("状态")))),
                        .tbody(.forEach(page.indicators) { i in
                            .tr(.td(.text(i.name)), .td(.class("num"), .text(i.progress.map(Figures.percent) ?? "—")), .td(Fragments.statusBadge(i.status)))
                        }))),
                    .p(.text("群众评价：满意 \(page.feedback.counts[.satisfied] ?? 0)、基本满意 \(page.feedback.counts[.basic] ?? 0)、不满意 \(page.feedback.counts[.unsatisfied] ?? 0)；"
                             + "意见建议 \(page.feedback.received) 条，已答复 \(page.feedback.answeredCount) 条。")),
                    .p(.text("监督问题：提出 \(page.supervision.raised) 个，已整改 \(page.supervision.rectified) 个。")))
            },
            .p(.text("佐证资料：已验收 \(evidence[Evidence.State.approved.rawValue] ?? 0) 份，待审核 \(evidence[Evidence.State.pending.rawValue] ?? 0) 份，"
                     + "退回 \(evidence[Evidence.State.returned.rawValue] ?? 0) 份。")),
            .p(.a(.attr("href", SiteURL.publicProject(project: assignment.entry.$project.id, region: nil).path), .attr("target", "_blank"), .text("查看项目公开页面"))))
        let form: Node<HTML.BodyContext> = round.isOpen
            ? .form(.class("panel form"), .method(.post), .action(SiteURL.evaluationScore(assignment: assignment.id ?? 0).path),
                    PageFrame.csrfField(pageContext.csrf),
                    .h2(.text("评分（每项 0–100 分）")),
                    .div(.class("grid-form"), .forEach(Array(criteria.enumerated())) { index, c in
                        .div(.label(.for("score-\(index)"), .text("\(c.name)（权重 \(c.weight)）")),
                             .input(.type(.number), .id("score-\(index)"), .name("score.\(index)"), .attr("min", "0"), .attr("max", "100"), .attr("step", "0.1"),
                                    .attr("required", "required"), .attr("value", current.flatMap { index < $0.count ? NSDecimalNumber(decimal: $0[index]).stringValue : nil } ?? "")))
                    }),
                    .label(.for("note"), .text("评议意见（可选）")),
                    .textarea(.id("note"), .name("note"), .attr("rows", "3"), .attr("maxlength", "1000"), .text(assignment.note ?? "")),
                    .p(.class("hint"), .text("评议结束前可以修改；其他评议员和专班办公室看不到您的分数。")),
                    .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("保存评分"))))
            : .div(.class("panel"), .p(.text("评议已结束。" + (assignment.total.flatMap { Decimal(string: $0) }.map { "您的加权得分：\(Figures.fixed($0, scale: 2))。" } ?? "您未评分。"))))
        let name = assignment.entry.project.name
        return PageFrame.render(title: "评分 · " + name, context: pageContext, body: .group(
            Fragments.pageHeader(name, subtitle: round.title, trail: [("评议与票决", SiteURL.evaluations.path), (round.title, SiteURL.evaluation(id: round.id ?? 0).path), (name, nil)]),
            .div(.class("evidence-layout"), facts, form)))
    }
}
