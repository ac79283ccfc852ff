import Foundation
import MinshengCore
import MinshengData
import Plot

/// The round's settings, as a form (new round, or the round's own page).
enum SelectionForms {
    static func roundFields(_ draft: SelectionService.RoundDraft, regions: [(id: Int, name: String)]?) -> Node<HTML.FormContext> {
        .group(
            .div(.class("grid-form"),
                 .div(.class("wide"), .label(.for("title"), .text("征集名称")),
                      .input(.type(.text), .name("title"), .id("title"), .attr("maxlength", "100"), .attr("required", "required"), .attr("value", draft.title))),
                 .unwrap(regions) { regions in
                     .div(.label(.for("region"), .text("征集的行政区划")),
                          .select(.attr("name", "region"), .id("region"), .forEach(regions) { Fragments.option(value: "\($0.id)", label: $0.name) }))
                 },
                 .div(.label(.for("year"), .text("项目年度")),
                      .input(.type(.number), .name("year"), .id("year"), .attr("min", "2000"), .attr("max", "2100"), .attr("value", "\(draft.year)"))),
                 .div(.label(.for("opens"), .text("开始日期")),
                      .input(.type(.date), .name("opens"), .id("opens"), .attr("required", "required"), .attr("value", draft.opensOn))),
                 .div(.label(.for("closes"), .text("截止日期")),
                      .input(.type(.date), .name("closes"), .id("closes"), .attr("required", "required"), .attr("value", draft.closesOn)))),
            .label(.for("criteria"), .text("遴选标准（向建议人公开）")),
            .textarea(.name("criteria"), .id("criteria"), .attr("rows", "3"), .attr("maxlength", "2000"), .text(draft.criteria)),
            .div(.class("columns"),
                 .div(.label(.for("categories"), .text("建议类别（每行一个）")),
                      .textarea(.name("categories"), .id("categories"), .attr("rows", "6"), .text(draft.categories))),
                 .div(.label(.for("negative"), .text("负面清单（每行一项，不予采纳）")),
                      .textarea(.name("negative"), .id("negative"), .attr("rows", "6"), .text(draft.negativeList)))))
    }

    static func rate(_ summary: SelectionService.RoundSummary) -> String {
        summary.answerRate.map { Figures.percent($0) } ?? "—"
    }
}

/// 项目征集: the office's rounds, and a new one.
struct SelectionIndexPage {
    let rounds: [SelectionService.RoundSummary]
    let draft: SelectionService.RoundDraft
    let regions: [(id: Int, name: String)]

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("民生实事项目征集", subtitle: "向群众征集下一年度的重点民生实事：每条建议都有编号和公开页面，逐条公开答复。"),
            .if(rounds.isEmpty, Fragments.empty("还没有征集。在下面开始第一次征集。")),
            .if(!rounds.isEmpty, .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("征集")), .th(.class("hide-phone"), .text("区划")), .th(.text("起止日期")), .th(.class("num"), .text("收到")),
                           .th(.class("num"), .text("已答复")), .th(.class("num"), .text("答复率")))),
                .tbody(.forEach(rounds) { summary in
                    .tr(.td(.a(.attr("href", SiteURL.selectionRound(id: summary.round.id ?? 0).path), .text(summary.round.title))),
                        .td(.class("hide-phone"), .text(summary.regionName)),
                        .td(.text("\(summary.round.opensOn) 至 \(summary.round.closesOn)")),
                        .td(.class("num"), .text("\(summary.total)")),
                        .td(.class("num"), .text("\(summary.answered)")),
                        .td(.class("num"), .text(SelectionForms.rate(summary))))
                })))),
            .form(.class("panel"), .method(.post), .action(SiteURL.selection.path), PageFrame.csrfField(context.csrf),
                  .h2(.text("开始新的征集")),
                  SelectionForms.roundFields(draft, regions: regions),
                  .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("开始征集")))))
        return PageFrame.render(title: "民生实事项目征集", context: context, body: body)
    }
}

/// One round: its counts, its proposals (filtered, paged, with the true total), a letter entered, the settings.
struct SelectionRoundPage {
    let summary: SelectionService.RoundSummary
    let listing: Listing<Proposal>
    let query: ListQuery
    let publicURL: String

    func render(in context: PageContext) -> String {
        let round = summary.round
        let id = round.id ?? 0
        let base = SiteURL.selectionRound(id: id).path
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(round.title, subtitle: "\(summary.regionName) · \(round.opensOn) 至 \(round.closesOn)",
                                 trail: [("项目征集", SiteURL.selection.path), (round.title, nil)]),
            .div(.class("stats"),
                 Fragments.stat("收到建议", "\(summary.total)"),
                 Fragments.stat("已答复", "\(summary.answered)"),
                 Fragments.stat("待答复", "\(summary.counts[.received] ?? 0)", tone: (summary.counts[.received] ?? 0) > 0 ? "lagging" : ""),
                 Fragments.stat("答复率", SelectionForms.rate(summary)),
                 Fragments.stat("列为候选", "\(summary.counts[.candidate] ?? 0)", tone: "completed")),
            .p(.class("actions"),
               .a(.class("button primary"), .attr("href", SiteURL.selectionCandidates(round: id).path), .text("候选名单与网络投票")),
               .a(.class("button"), .attr("href", SiteURL.selectionSession(round: id, action: nil).path), .text("人大代表票决")),
               .a(.class("button"), .attr("href", SiteURL.publicRound(id: id).path), .text("公开征集页面")),
               .a(.class("button"), .attr("href", SiteURL.publicRoundPoster(id: id).path), .text("征集海报（A4 打印）")),
               .a(.class("button"), .attr("href", SiteURL.publicRoundQR(id: id).path), .attr("download", "征集二维码.svg"), .text("下载征集二维码")),
               .span(.class("hint"), .text("二维码指向 " + publicURL))),
            Fragments.filterBar(action: base, query: query, [
                Fragments.filterSelect("status", label: "答复情况", choices: Proposal.State.allCases.map { ($0.rawValue, $0.label) }, selected: query.filter.status),
                Fragments.filterSelect("category", label: "类别", choices: round.categories.map { ($0, $0) }, selected: query.filter.category),
                Fragments.filterText("q", label: "查找", value: query.filter.text, placeholder: "名称、内容或编号"),
            ]),
            .p(.class("counts"), .text("共 \(listing.total) 条" + (query.isFiltered ? "（已筛选）" : ""))),
            .if(listing.items.isEmpty, Fragments.empty(query.isFiltered ? "没有符合条件的建议。" : "还没有收到建议。")),
            .if(!listing.items.isEmpty, .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("num"), .text("序号")), .th(.text("建议")), .th(.class("hide-phone"), .text("类别")), .th(.class("hide-phone"), .text("渠道")),
                           .th(.class("hide-phone"), .text("收到")), .th(.text("答复")))),
                .tbody(.forEach(listing.items) { proposal in
                    .tr(.td(.class("num"), .text("\(proposal.seq)")),
                        .td(.a(.attr("href", SiteURL.selectionProposal(id: proposal.id ?? 0, action: nil).path), .text(proposal.title)),
                            .div(.class("muted small"), .text(proposal.reference))),
                        .td(.class("hide-phone"), .text(proposal.category)),
                        .td(.class("hide-phone"), .text(proposal.channel.label)),
                        .td(.class("hide-phone"), .text(proposal.receivedOn)),
                        .td(.span(.class("badge proposal-" + proposal.state.rawValue), .text(proposal.state.label))))
                })))),
            Fragments.pager(listing, base: base, query: query),
            .div(.class("columns"),
                 .form(.class("panel"), .method(.post), .action(SiteURL.selectionEntry(round: id).path), PageFrame.csrfField(context.csrf),
                       .h2(.text("登记来信、电话或座谈会收集的建议")),
                       .div(.class("grid-form"),
                            .div(.label(.for("channel"), .text("渠道")),
                                 .select(.attr("name", "channel"), .id("channel"),
                                         .forEach(Proposal.Channel.allCases.filter { $0 != .online }) { Fragments.option(value: $0.rawValue, label: $0.label) })),
                            .div(.label(.for("received"), .text("收到日期")),
                                 .input(.type(.date), .name("received"), .id("received"), .attr("required", "required"))),
                            .div(.label(.for("entry-category"), .text("类别")),
                                 .select(.attr("name", "category"), .id("entry-category"), .forEach(round.categories) { Fragments.option(value: $0, label: $0) }))),
                       .label(.for("entry-title"), .text("建议的项目名称")),
                       .input(.type(.text), .name("title"), .id("entry-title"), .attr("maxlength", "\(SelectionService.maxTitle)"), .attr("required", "required")),
                       .label(.for("entry-body"), .text("建议内容")),
                       .textarea(.name("body"), .id("entry-body"), .attr("rows", "4"), .attr("maxlength", "\(SelectionService.maxBody)"), .attr("required", "required"), .text("")),
                       .div(.class("grid-form"),
                            .div(.label(.for("entry-place"), .text("地点（可不填）")), .input(.type(.text), .name("place"), .id("entry-place"), .attr("maxlength", "100"))),
                            .div(.label(.for("entry-name"), .text("建议人（可不填）")), .input(.type(.text), .name("name"), .id("entry-name"), .attr("maxlength", "20"))),
                            .div(.label(.for("entry-phone"), .text("联系电话（可不填）")), .input(.type(.tel), .name("phone"), .id("entry-phone"), .attr("maxlength", "20")))),
                       .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("登记")))),
                 .form(.class("panel"), .method(.post), .action(base), PageFrame.csrfField(context.csrf),
                       .h2(.text("征集设置")),
                       SelectionForms.roundFields(.init(year: round.year, title: round.title, opensOn: round.opensOn, closesOn: round.closesOn,
                                                        categories: round.categoriesText, criteria: round.criteria, negativeList: round.negativeList), regions: nil),
                       .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存设置"))))))
        return PageFrame.render(title: round.title, context: context, body: body)
    }
}

/// One proposal for the office: what it says, who sent it (the phone in full, for the office
/// only), and the answer or merge.
struct SelectionProposalPage {
    let summary: SelectionService.RoundSummary
    let proposal: Proposal
    let view: SelectionService.PublicProposal
    let merged: [Proposal]
    /// The departments that may be asked for an opinion, and the one asked.
    let units: [(id: Int, name: String)]
    let askedUnit: String?

    func render(in context: PageContext) -> String {
        let id = proposal.id ?? 0
        let round = summary.round
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("第 \(proposal.seq) 号：\(proposal.title)", subtitle: "\(proposal.reference) · \(proposal.category) · \(proposal.channel.label) · \(proposal.receivedOn) 收到",
                                 trail: [("项目征集", SiteURL.selection.path), (round.title, SiteURL.selectionRound(id: round.id ?? 0).path), ("第 \(proposal.seq) 号", nil)]),
            .div(.class("columns"),
                 .section(.class("panel"),
                          .h2(.text("建议内容")),
                          .p(.class("pre"), .text(proposal.body)),
                          .unwrap(proposal.place) { .p(.text("地点：" + $0)) },
                          .p(.text("建议人：\(proposal.proposer ?? "未留姓名") · 电话：\(proposal.phone.isEmpty ? "未留" : proposal.phone)")),
                          .p(.class("hint"), .text("公开页面只显示“\(view.proposer)”，电话不公开。")),
                          OpinionView.shown(proposal, unitName: askedUnit),
                          .if(proposal.state != .merged, .form(.class("merge-form"), .method(.post),
                                .action(SiteURL.selectionProposal(id: id, action: "opinion-request").path), PageFrame.csrfField(context.csrf),
                                .h3(.text(proposal.opinionUnitID == nil ? "征求部门意见" : "改请其他部门或重新征求")),
                                .div(.class("row-form"),
                                     .label(.class("visually-hidden"), .for("unit"), .text("部门")),
                                     .select(.attr("name", "unit"), .id("unit"), .forEach(units) { Fragments.option(value: "\($0.id)", label: $0.name) }),
                                     .button(.type(.submit), .class("button"), .text("请其提出意见"))))),
                          .if(!merged.isEmpty, .group(.h3(.text("并入本条的建议（\(merged.count)）")),
                              .ul(.forEach(merged) { m in .li(.a(.attr("href", SiteURL.selectionProposal(id: m.id ?? 0, action: nil).path),
                                                                  .text("第 \(m.seq) 号 \(m.title)"))) })))),
                 .section(.class("panel"),
                          .h2(.text("答复")),
                          .p(.span(.class("badge proposal-" + proposal.state.rawValue), .text(proposal.state.label)),
                             .unwrap(proposal.answeredAt) { .span(.class("hint"), .text(" " + ChineseDate.day($0))) }),
                          .unwrap(proposal.answer) { .p(.class("pre"), .text($0)) },
                          .p(.a(.attr("href", SiteURL.publicProposal(reference: proposal.reference).path), .text("查看公开页面"))),
                          .if(proposal.state != .merged, .form(.method(.post), .action(SiteURL.selectionProposal(id: id, action: "answer").path), PageFrame.csrfField(context.csrf),
                                .label(.for("state"), .text("答复方式")),
                                .select(.attr("name", "state"), .id("state"),
                                        .forEach([Proposal.State.candidate, .notAdopted, .referred]) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == proposal.state) }),
                                .label(.for("text"), .text("答复内容（不予采纳须写明理由，转办须写明转交的单位）")),
                                .textarea(.name("text"), .id("text"), .attr("rows", "4"), .attr("maxlength", "\(SelectionService.maxAnswer)"), .text(proposal.state == .received ? "" : (proposal.answer ?? ""))),
                                .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text(proposal.isAnswered ? "修改答复" : "公开答复"))))),
                          .form(.class("merge-form"), .method(.post), .action(SiteURL.selectionProposal(id: id, action: "merge").path), PageFrame.csrfField(context.csrf),
                                .h3(.text("合并办理")),
                                .p(.class("hint"), .text("内容相近的建议并入另一条，一并答复；建议人都能在各自的公开页面看到结果。")),
                                .div(.class("row-form"),
                                     .label(.for("into"), .text("并入第")),
                                     .input(.type(.number), .name("into"), .id("into"), .attr("min", "1"), .attr("required", "required"), .class("short")),
                                     .span(.text("号")),
                                     .button(.type(.submit), .class("button"), .text("合并"))),
                                .label(.for("note"), .text("合并说明（可不填）")),
                                .input(.type(.text), .name("note"), .id("note"), .attr("maxlength", "200"))))))
        return PageFrame.render(title: proposal.title, context: context, body: body)
    }
}

/// Shared head and frame of the selection's public pages (phone first).
enum PublicSelectionFrame {
    static func page(title: String, brand: String, heading: String, body: Node<HTML.BodyContext>) -> String {
        let html = HTML(.lang(.chinese),
            .head(.meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width,initial-scale=1")),
                  .pageTitle(title + " - 民生实事码上通"), .link(.rel(.stylesheet), .href(SiteURL.publicStylesheet.path))),
            .body(.header(.div(.class("brand"), .text(brand)), .h1(.text(heading))),
                  .main(body),
                  .footer(.p(.text("民生实事码上通 · 民生实事我来提")))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }
}

/// 民生实事我来提: the round's terms and the form (no sign-in; a phone number required, never shown).
struct PublicRoundPage {
    let round: SelectionRound
    let regionName: String
    let open: Bool
    let received: Int
    let answered: Int
    let notice: String?
    let typed: [String: String]
    let question: FeedbackChallenge.Question?

    func render() -> String {
        let body: Node<HTML.BodyContext> = .group(
            .unwrap(notice) { .div(.class("notice err"), .attr("role", "alert"), .text($0)) },
            .section(.h2(.text("征集什么样的项目")),
                     .p(.text(round.criteria)),
                     .if(!round.negativeItems.isEmpty, .group(.p(.strong(.text("以下不予采纳："))), .ul(.forEach(round.negativeItems) { .li(.text($0)) }))),
                     .p(.class("muted"), .text("征集时间：\(round.opensOn) 至 \(round.closesOn)。已收到建议 \(received) 条，已答复 \(answered) 条。每条建议都会公开答复。")),
                     .unwrap(round.voteOpensOn) { opens in
                         .p(.a(.attr("href", SiteURL.publicVote(round: round.id ?? 0).path), .text("候选项目网络投票（\(opens) 至 \(round.voteClosesOn ?? "")）")))
                     }),
            open ? form() : .section(.p(.text(ChineseDate.isoDay(Date()) < round.opensOn ? "征集将于 \(round.opensOn) 开始。" : "本次征集已结束，感谢您的关注。"))),
            .section(.h2(.text("查询办理结果")),
                     .form(.method(.get), .action(SiteURL.publicProposalLookup.path), .class("rate"),
                           .label(.class("field"), .for("ref"), .text("建议编号（提交后、或来信登记后告知的编号）")),
                           .input(.type(.text), .id("ref"), .name("ref"), .attr("maxlength", "30"), .attr("required", "required"), .attr("placeholder", "如 \(round.year)-\(round.id ?? 0)-0001")),
                           .button(.type(.submit), .text("查询")))))
        return PublicSelectionFrame.page(title: round.title, brand: "民生实事码上通 · \(regionName)", heading: round.title, body: body)
    }

    func form() -> Node<HTML.BodyContext> {
        .section(.id("propose"), .h2(.text("我来提建议")),
            .form(.class("rate"), .method(.post), .action(SiteURL.publicRound(id: round.id ?? 0).path),
                  .label(.class("field"), .for("title"), .text("建议的项目名称（\(SelectionService.maxTitle) 字以内）")),
                  .input(.type(.text), .id("title"), .name("title"), .attr("maxlength", "\(SelectionService.maxTitle)"), .attr("required", "required"),
                         .attr("placeholder", "如：在××社区建一个老年食堂"), .attr("value", typed["title"] ?? "")),
                  .label(.class("field"), .for("category"), .text("类别")),
                  .select(.id("category"), .attr("name", "category"),
                          .forEach(round.categories) { Fragments.option(value: $0, label: $0, selected: typed["category"] == $0) }),
                  .label(.class("field"), .for("body"), .text("建议内容：为什么要做、怎么做、惠及多少人（\(SelectionService.maxBody) 字以内）")),
                  .textarea(.id("body"), .name("body"), .attr("rows", "6"), .attr("maxlength", "\(SelectionService.maxBody)"), .attr("required", "required"),
                            .text(typed["body"] ?? "")),
                  .label(.class("field"), .for("place"), .text("地点（可选）")),
                  .input(.type(.text), .id("place"), .name("place"), .attr("maxlength", "\(SelectionService.maxPlace)"), .attr("value", typed["place"] ?? "")),
                  .label(.class("field"), .for("name"), .text("姓名（可选，公开时只显示姓氏）")),
                  .input(.type(.text), .id("name"), .name("name"), .attr("maxlength", "\(SelectionService.maxName)"), .attr("autocomplete", "name"),
                         .attr("value", typed["name"] ?? "")),
                  .label(.class("field"), .for("phone"), .text("联系电话（必填，仅用于联系您，不会公开）")),
                  .input(.type(.tel), .id("phone"), .name("phone"), .attr("autocomplete", "tel"), .attr("maxlength", "20"), .attr("required", "required"),
                         .attr("value", typed["phone"] ?? "")),
                  .unwrap(question) { PublicProjectPage.challenge($0) },
                  .button(.type(.submit), .text("提交建议"))))
    }
}

/// A proposal's public page: what was proposed and what became of it.
struct PublicProposalPage {
    let view: SelectionService.PublicProposal
    let sent: Bool

    func render() -> String {
        let body: Node<HTML.BodyContext> = .group(
            .if(sent, .div(.class("notice ok"), .attr("role", "status"),
                           .text("已收到您的建议，编号 \(view.reference)。请记下编号或收藏本页，办理结果将在此公开。"))),
            .section(.h2(.text("办理结果")),
                     .p(.span(.class("badge proposal-" + view.state.rawValue), .text(view.state.label)),
                        .unwrap(view.answeredOn) { .span(.class("muted"), .text(" " + $0)) }),
                     .unwrap(view.answer) { .p(.class("answer"), .text($0)) },
                     .unwrap(view.mergedInto) { target in
                         .p(.a(.attr("href", SiteURL.publicProposal(reference: target.reference).path), .text("查看合并后的建议：\(target.title)")))
                     },
                     .if(view.mergedFrom > 0, .p(.class("muted"), .text("另有 \(view.mergedFrom) 条内容相近的建议与本条合并办理。"))),
                     .if(view.state == .received, .p(.class("muted"), .text("建议正在研究，答复后会在此公开。")))),
            .unwrap(view.project) { project in
                .section(.h2(.text("已列入计划")),
                         .p(.text("本建议已列入《\(project.planTitle)》：\(project.projectName)。")),
                         .forEach(project.progress) { row in .p(.class("muted"), .text("\(row.indicator)：" + (row.progress.map { "进度 " + Figures.percent($0) } ?? "尚未报送进度"))) },
                         .p(.class("muted"), .text("群众评价：" + Rating.allCases.map { "\($0.label) \(project.ratings[$0] ?? 0)" }.joined(separator: "，"))),
                         .p(.a(.attr("href", SiteURL.publicProject(project: project.projectID, region: nil).path), .text("查看项目进展、评价和意见"))))
            },
            .section(.h2(.text("建议内容")),
                     .p(.class("muted"), .text("编号 \(view.reference) · 第 \(view.seq) 号 · \(view.category) · \(view.receivedOn) 收到 · 建议人 \(view.proposer)")),
                     .p(.class("answer"), .text(view.body)),
                     .unwrap(view.place) { .p(.text("地点：" + $0)) },
                     .p(.a(.attr("href", SiteURL.publicRound(id: view.roundID).path), .text("返回“\(view.roundTitle)”")))))
        return PublicSelectionFrame.page(title: view.title, brand: "民生实事码上通 · \(view.regionName) · 民生实事我来提", heading: view.title, body: body)
    }

    static func missing(_ message: String) -> String {
        PublicSelectionFrame.page(title: "未找到建议", brand: "民生实事码上通 · 民生实事我来提", heading: "未找到建议",
                                  body: .section(.p(.text(message)), .p(.a(.attr("href", SiteURL.publicIndex.path), .text("返回民生实事码上通")))))
    }
}

/// The round's A4 poster: what is collected, the QR code to the form, the period.
struct RoundPosterPage {
    let round: SelectionRound
    let regionName: String
    let url: String

    func render(qrPNG: Data) -> String {
        let html = HTML(
            .lang(.chinese),
            .head(.meta(.charset(.utf8)), .pageTitle("民生实事我来提 · " + round.title), .element(named: "style", text: PosterPage.stylesheet)),
            .body(.div(.class("sheet"),
                .div(.class("band"),
                     .div(.class("kicker"), .text("民生实事我来提 · 征集 \(round.year) 年重点民生实事")),
                     .h1(.text(round.title)),
                     .div(.class("where"), .text("征集时间：\(round.opensOn) 至 \(round.closesOn)"))),
                .div(.class("qr"),
                     .img(.attr("src", "data:image/png;base64," + qrPNG.base64EncodedString()), .attr("alt", "征集二维码")),
                     .p(.text("扫码提建议 · 每条建议都公开答复")),
                     .p(.class("url"), .text(url))),
                .div(.class("body"),
                     .h2(.text("征集什么样的项目")),
                     .p(.text(round.criteria)),
                     .if(!round.negativeItems.isEmpty, .group(.h2(.text("以下不予采纳")), .p(.text(round.negativeItems.joined(separator: "；")))))),
                .div(.class("foot"),
                     .span(.text("\(regionName)重点民生实事工作专班办公室")),
                     .span(.text("也可来信或到社区（村）提交")))))
        )
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }
}
