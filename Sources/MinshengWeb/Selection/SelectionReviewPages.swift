import Foundation
import MinshengCore
import MinshengData
import Plot

/// A department's opinion as shown to the office and the department.
enum OpinionView {
    static func shown(_ proposal: Proposal, unitName: String?) -> Node<HTML.BodyContext> {
        guard proposal.opinionUnitID != nil else { return .empty }
        guard let at = proposal.opinionAt else {
            return .p(.class("hint"), .text("已于 \(proposal.opinionRequestedAt.map(ChineseDate.day) ?? "") 请\(unitName ?? "部门")提出意见，尚未回复。"))
        }
        return .div(.class("opinion"),
                    .h3(.text("\(unitName ?? "部门")意见（\(ChineseDate.day(at))）")),
                    .dl(.dt(.text("必要性")), .dd(.text(proposal.opinionNecessity ?? "")),
                        .dt(.text("可行性")), .dd(.text(proposal.opinionFeasibility ?? "")),
                        .dt(.text("合法性")), .dd(.text(proposal.opinionLegality ?? "")),
                        .dt(.text("估算投资")), .dd(.text(proposal.opinionCost.map { Figures.quantity($0) + " 万元" } ?? "未估算")),
                        .unwrap(proposal.opinionNote) { .group(.dt(.text("其他")), .dd(.text($0))) }))
    }
}

/// 征集建议意见: what the department was asked for.
struct OpinionListPage {
    let listing: Listing<Proposal>
    let query: ListQuery
    let unitName: String?

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("征集建议意见", subtitle: "专班办公室请\(unitName ?? "本单位")对群众建议提出必要性、可行性、合法性意见和估算投资。"),
            .p(.class("counts"), .text("共 \(listing.total) 条")),
            .if(listing.items.isEmpty, Fragments.empty("没有需要本单位提出意见的建议。")),
            .if(!listing.items.isEmpty, .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("建议")), .th(.class("hide-phone"), .text("类别")), .th(.text("请提意见")), .th(.text("状态")))),
                .tbody(.forEach(listing.items) { proposal in
                    .tr(.td(.a(.attr("href", SiteURL.selectionOpinion(id: proposal.id ?? 0).path), .text(proposal.title)),
                            .div(.class("muted small"), .text(proposal.reference))),
                        .td(.class("hide-phone"), .text(proposal.category)),
                        .td(.text(proposal.opinionRequestedAt.map(ChineseDate.day) ?? "")),
                        .td(proposal.opinionAt == nil ? .span(.class("badge proposal-received"), .text("待提意见"))
                            : .span(.class("badge proposal-candidate"), .text("已提意见"))))
                })))),
            Fragments.pager(listing, base: SiteURL.selectionOpinions.path, query: query))
        return PageFrame.render(title: "征集建议意见", context: context, body: body)
    }
}

/// One proposal for the department asked: the proposal and the opinion form.
struct OpinionPage {
    let proposal: Proposal
    let round: SelectionRound
    let unitName: String

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(proposal.title, subtitle: "\(round.title) · 第 \(proposal.seq) 号 · \(proposal.reference) · \(proposal.category)",
                                 trail: [("征集建议意见", SiteURL.selectionOpinions.path), ("第 \(proposal.seq) 号", nil)]),
            .div(.class("columns"),
                 .section(.class("panel"), .h2(.text("建议内容")), .p(.class("pre"), .text(proposal.body)),
                          .unwrap(proposal.place) { .p(.text("地点：" + $0)) }),
                 .form(.class("panel"), .method(.post), .action(SiteURL.selectionOpinion(id: proposal.id ?? 0).path), PageFrame.csrfField(context.csrf),
                       .h2(.text(proposal.opinionAt == nil ? "\(unitName)意见" : "修改\(unitName)意见")),
                       .label(.for("necessity"), .text("必要性：是否群众急需、受益面多大")),
                       .textarea(.name("necessity"), .id("necessity"), .attr("rows", "2"), .attr("maxlength", "500"), .attr("required", "required"),
                                 .text(proposal.opinionNecessity ?? "")),
                       .label(.for("feasibility"), .text("可行性：当年能否完成，资金、用地、技术条件")),
                       .textarea(.name("feasibility"), .id("feasibility"), .attr("rows", "2"), .attr("maxlength", "500"), .attr("required", "required"),
                                 .text(proposal.opinionFeasibility ?? "")),
                       .label(.for("legality"), .text("合法性：是否符合法律法规和政策")),
                       .textarea(.name("legality"), .id("legality"), .attr("rows", "2"), .attr("maxlength", "500"), .attr("required", "required"),
                                 .text(proposal.opinionLegality ?? "")),
                       .label(.for("cost"), .text("估算投资（万元，可不填）")),
                       .input(.type(.text), .name("cost"), .id("cost"), .attr("inputmode", "decimal"), .attr("value", proposal.opinionCost.map(Figures.quantity) ?? "")),
                       .label(.for("note"), .text("其他意见（可不填）")),
                       .textarea(.name("note"), .id("note"), .attr("rows", "2"), .attr("maxlength", "1000"), .text(proposal.opinionNote ?? "")),
                       .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("提交意见"))))))
        return PageFrame.render(title: proposal.title, context: context, body: body)
    }
}

/// 候选名单: the places, the public vote, the candidates and the proposals behind them.
struct ShortlistPage {
    let summary: SelectionService.RoundSummary
    let shortlist: [SelectionService.CandidateRow]
    let voters: Int
    let units: [(id: Int, name: String)]
    /// The proposals answered 列为候选项目, for choosing a candidate's sources.
    let adopted: [Proposal]

    func render(in context: PageContext) -> String {
        let round = summary.round
        let id = round.id ?? 0
        let places = round.places
        let margin: Node<HTML.BodyContext> = places.map { places in
            shortlist.count > places
                ? .p(.class("sum-line"), .text("候选项目 \(shortlist.count) 个，名额 \(places) 个：差额 \(shortlist.count - places) 个（\(shortlist.count) 选 \(places)）。"))
                : .p(.class("notice error"), .text("候选项目 \(shortlist.count) 个，名额 \(places) 个：差额遴选要求候选项目多于名额，请再增加候选项目。"))
        } ?? .p(.class("hint"), .text("请先设置名额。"))
        let unassigned = adopted.filter { $0.candidateID == nil }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("候选名单", subtitle: round.title,
                                 trail: [("项目征集", SiteURL.selection.path), (round.title, SiteURL.selectionRound(id: id).path), ("候选名单", nil)]),
            margin,
            .form(.class("panel"), .method(.post), .action(SiteURL.selectionRules(round: id).path), PageFrame.csrfField(context.csrf),
                  .h2(.text("名额与网络投票")),
                  .div(.class("grid-form"),
                       .div(.label(.for("places"), .text("名额（计划项目数）")),
                            .input(.type(.number), .name("places"), .id("places"), .attr("min", "1"), .attr("max", "200"), .attr("value", places.map(String.init) ?? ""))),
                       .div(.label(.for("vote_opens"), .text("网络投票开始")),
                            .input(.type(.date), .name("vote_opens"), .id("vote_opens"), .attr("value", round.voteOpensOn ?? ""))),
                       .div(.label(.for("vote_closes"), .text("网络投票截止")),
                            .input(.type(.date), .name("vote_closes"), .id("vote_closes"), .attr("value", round.voteClosesOn ?? ""))),
                       .div(.label(.for("picks"), .text("每人最多选")),
                            .input(.type(.number), .name("picks"), .id("picks"), .attr("min", "1"), .attr("value", round.votePicks.map(String.init) ?? "")))),
                  .p(.class("hint"), .text("网络投票仅供参考，由人大代表票决决定。不进行网络投票时日期留空。每个手机号码、每台设备限投一次。")),
                  .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存")),
                       .if(round.voteOpensOn != nil, .a(.class("button"), .attr("href", SiteURL.publicVote(round: id).path), .text("公开投票页面"))),
                       .a(.class("button"), .attr("href", SiteURL.selectionSession(round: id, action: nil).path), .text("人大代表票决")))),
            .h2(.text("候选项目（\(shortlist.count)）" + (round.voteOpensOn != nil ? " · 网络投票 \(voters) 人" : ""))),
            .if(shortlist.isEmpty, Fragments.empty("还没有候选项目：在下面由“列为候选项目”的建议组成候选项目。")),
            .forEach(shortlist) { row in candidateBlock(row, csrf: context.csrf) },
            .if(!unassigned.isEmpty, .p(.class("hint"), .text("尚未纳入候选项目的建议：" + unassigned.map { "第 \($0.seq) 号 \($0.title)" }.joined(separator: "；")))),
            .form(.class("panel"), .method(.post), .action(SiteURL.selectionCandidates(round: id).path), PageFrame.csrfField(context.csrf),
                  .h2(.text("新增候选项目")),
                  candidateFields(nil, prefix: "new-"),
                  .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("加入候选名单")))))
        return PageFrame.render(title: "候选名单", context: context, body: body)
    }

    func candidateFields(_ row: SelectionService.CandidateRow?, prefix: String) -> Node<HTML.FormContext> {
        .group(
            .div(.class("grid-form"),
                 .div(.class("wide"), .label(.for(prefix + "name"), .text("候选项目名称")),
                      .input(.type(.text), .name("name"), .id(prefix + "name"), .attr("maxlength", "100"), .attr("required", "required"),
                             .attr("value", row?.candidate.name ?? ""))),
                 .div(.label(.for(prefix + "cost"), .text("估算投资（万元）")),
                      .input(.type(.text), .name("cost"), .id(prefix + "cost"), .attr("inputmode", "decimal"), .attr("value", row?.candidate.cost.map(Figures.quantity) ?? ""))),
                 .div(.label(.for(prefix + "unit"), .text("责任部门")),
                      .select(.attr("name", "unit"), .id(prefix + "unit"), Fragments.option(value: "", label: "—"),
                              .forEach(units) { Fragments.option(value: "\($0.id)", label: $0.name, selected: row?.candidate.$unit.id == $0.id) })),
                 .div(.label(.for(prefix + "proposals"), .text("来源建议序号（如 3, 7）")),
                      .input(.type(.text), .name("proposals"), .id(prefix + "proposals"),
                             .attr("value", row?.proposals.map { String($0.seq) }.joined(separator: ", ") ?? "")))),
            .label(.for(prefix + "description"), .text("项目简介（建设内容、受益群众、完成时限）")),
            .textarea(.name("description"), .id(prefix + "description"), .attr("rows", "3"), .attr("maxlength", "2000"), .attr("required", "required"),
                      .text(row?.candidate.description ?? "")))
    }

    func candidateBlock(_ row: SelectionService.CandidateRow, csrf: String) -> Node<HTML.BodyContext> {
        let c = row.candidate
        return .section(.class("panel"),
            .h3(.text("\(c.seq). \(c.name)"), .if(summary.round.voteOpensOn != nil, .span(.class("badge"), .text(" 网络投票 \(row.votes) 票")))),
            .p(.class("pre"), .text(c.description)),
            .p(.class("muted small"), .text("估算投资：\(c.cost.map { Figures.quantity($0) + " 万元" } ?? "未估算") · 责任部门：\(row.unitName ?? "未定") · 来源建议："
                + (row.proposals.isEmpty ? "无" : row.proposals.map { "第 \($0.seq) 号" }.joined(separator: "、")))),
            .details(.summary(.text("修改")),
                     .form(.method(.post), .action(SiteURL.selectionCandidate(id: c.id ?? 0, action: nil).path), PageFrame.csrfField(csrf),
                           candidateFields(row, prefix: "c\(c.id ?? 0)-"),
                           .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存")))),
                     .form(.class("inline"), .method(.post), .action(SiteURL.selectionCandidate(id: c.id ?? 0, action: "remove").path), PageFrame.csrfField(csrf),
                           .input(.type(.hidden), .name("confirm"), .attr("value", "1")),
                           .button(.type(.submit), .class("button danger"), .text("移出候选名单")))))
    }
}

/// The public's advisory vote on the shortlist, and its results once it closes.
struct PublicVotePage {
    let round: SelectionRound
    let regionName: String
    let candidates: [SelectionService.CandidateRow]
    let voters: Int
    let today: String
    let notice: (ok: Bool, text: String)?
    let typedPhone: String
    let question: FeedbackChallenge.Question?

    func render() -> String {
        let open = round.voteOpen(on: today)
        let closed = round.voteClosesOn.map { today > $0 } ?? false
        let picks = round.votePicks ?? 1
        let advisory = "网络投票结果仅供参考，最终由人大代表票决确定。"
        let main: Node<HTML.BodyContext>
        if open {
            main = .section(.h2(.text("请选择您最希望实施的项目（最多 \(picks) 个）")),
                .form(.class("rate"), .method(.post), .action(SiteURL.publicVote(round: round.id ?? 0).path),
                      .forEach(candidates) { row in
                          .label(.class("field pick"), .input(.type(.checkbox), .name("pick[]"), .attr("value", "\(row.candidate.id ?? 0)")),
                                 .strong(.text(" \(row.candidate.seq). \(row.candidate.name)")),
                                 .span(.class("muted"), .text("　" + row.candidate.description)))
                      },
                      .label(.class("field"), .for("phone"), .text("手机号码（每个号码限投一次，不会公开）")),
                      .input(.type(.tel), .id("phone"), .name("phone"), .attr("autocomplete", "tel"), .attr("maxlength", "20"), .attr("required", "required"),
                             .attr("value", typedPhone)),
                      .unwrap(question) { PublicProjectPage.challenge($0) },
                      .button(.type(.submit), .text("投票")),
                      .p(.class("muted"), .text(advisory))))
        } else if closed {
            let ranked = candidates.sorted { ($1.votes, $0.candidate.seq) < ($0.votes, $1.candidate.seq) }
            main = .section(.h2(.text("网络投票结果（共 \(voters) 人参与）")),
                            .p(.class("muted"), .text(advisory)),
                            .forEach(ranked) { row in .div(.class("qa"), .p(.class("q"), .text("\(row.candidate.name)：\(row.votes) 票"))) })
        } else {
            main = .section(.p(.text(round.voteOpensOn.map { "网络投票将于 \($0) 开始。" } ?? "本次征集不进行网络投票。")),
                            .forEach(candidates) { row in .div(.class("qa"), .p(.class("q"), .text("\(row.candidate.seq). \(row.candidate.name)"))) })
        }
        let body: Node<HTML.BodyContext> = .group(
            .unwrap(notice) { .div(.class($0.ok ? "notice ok" : "notice err"), .attr("role", "status"), .text($0.text)) },
            .p(.class("muted"), .text("候选项目 \(candidates.count) 个" + (round.places.map { "，拟选 \($0) 个" } ?? "")
                + (round.voteOpensOn.map { "；投票时间 \($0) 至 \(round.voteClosesOn ?? "")" } ?? "") + "。")),
            main,
            .p(.a(.attr("href", SiteURL.publicRound(id: round.id ?? 0).path), .text("返回“\(round.title)”"))))
        return PublicSelectionFrame.page(title: round.title + " · 网络投票", brand: "民生实事码上通 · \(regionName) · 民生实事网络投票",
                                         heading: round.title, body: body)
    }
}
