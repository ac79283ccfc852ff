import Foundation
import MinshengCore
import MinshengData
import Plot

/// The inbox of opinions from the public pages: unanswered first, oldest first, with the
/// deadline and overdue flags; a unit answers its own, an office marks invalid or reassigns.
struct FeedbackInboxPage {
    let inbox: FeedbackService.Inbox
    let query: ListQuery
    let regions: [(id: Int, name: String)]
    let filterUnits: [(id: Int, name: String)]
    let isOffice: Bool
    let unitID: Int?
    /// When the account last opened the inbox: later items are marked new.
    let seenAt: Date?
    /// The units an item may be handed to, by region.
    let unitsByRegion: [Int: [(Int, String)]]
    /// A refused form: why, and the reply typed for each item.
    var message: String? = nil
    var typed: [Int: String] = [:]

    func render(in context: PageContext) -> String {
        let entries = inbox.listing.items
        let all = inbox.open + inbox.answered + inbox.invalid
        func link(_ status: String) -> String { SiteURL.feedbackInbox.path + ListQuery(filter: ListFilter(status: status)).query(page: 1) }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("群众意见", subtitle: "项目页面（民生实事码上通）收到的意见建议；每条都要答复，答复在项目页面公开"),
            .div(.class("stats"),
                 Fragments.stat("待回复", "\(inbox.open)", tone: inbox.open == 0 ? "" : "lagging", href: link("received")),
                 Fragments.stat("已超期", "\(inbox.overdue)", tone: inbox.overdue > 0 ? "lagging" : "", href: link("overdue")),
                 Fragments.stat("已回复", "\(inbox.answered)", tone: "completed", href: link("answered")),
                 Fragments.stat("无效", "\(inbox.invalid)", href: link("invalid"))),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            all == 0 ? Fragments.empty("还没有收到意见建议。") : .group(
                filters(),
                Fragments.pager(inbox.listing, base: SiteURL.feedbackInbox.path, query: query),
                entries.isEmpty ? Fragments.empty("没有符合筛选条件的意见。") : .div(.forEach(entries) { card($0, context: context) }),
                .if(inbox.listing.pageCount > 1, Fragments.pager(inbox.listing, base: SiteURL.feedbackInbox.path, query: query))))
        return PageFrame.render(title: "群众意见", context: context, body: body)
    }

    private func filters() -> Node<HTML.BodyContext> {
        let f = query.filter
        var fields: [Node<HTML.FormContext>] = []
        if isOffice && regions.count > 1 {
            fields.append(Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: f.regionID.map { "\($0)" }))
        }
        if isOffice && !filterUnits.isEmpty {
            fields.append(Fragments.filterSelect("unit", label: "责任单位", choices: filterUnits.map { ("\($0.id)", $0.name) }, selected: f.unitID.map { "\($0)" }))
        }
        fields.append(Fragments.filterSelect("status", label: "状态", choices: [("received", "待回复"), ("overdue", "已超期"), ("answered", "已回复"), ("invalid", "无效")],
                                             selected: f.status))
        fields.append(Fragments.filterMonth(f, label: "收到月份"))
        fields.append(Fragments.filterText("q", label: "内容", value: f.text, placeholder: "意见中的文字"))
        return Fragments.filterBar(action: SiteURL.feedbackInbox.path, query: query, fields)
    }

    private func age(_ entry: FeedbackService.Entry) -> String {
        let hours = Int(Date().timeIntervalSince(entry.item.createdAt) / 3600)
        return hours < 24 ? "\(max(hours, 0)) 小时前" : "\(hours / 24) 天前"
    }

    private func card(_ entry: FeedbackService.Entry, context: PageContext) -> Node<HTML.BodyContext> {
        let item = entry.item
        let id = item.id ?? 0
        let state = item.stateValue
        let tone = state == .received ? (entry.overdue ? "lagging" : "on_schedule") : (state == .answered ? "completed" : "none")
        let mine = item.$unit.id != nil && item.$unit.id == unitID
        return .div(.class("panel feedback"),
            .div(.class("feedback-head"),
                 .span(.class("badge \(tone)"), .text(entry.overdue ? "已超期" : state.label)),
                 .if(state == .received && seenAt.map { item.createdAt > $0 } ?? true, .span(.class("badge new"), .text("新"))),
                 .span(.class("muted small"), .text(" \(ChineseDate.dayAndTime(item.createdAt)) · \(age(entry)) · 答复期限 \(ChineseDate.day(entry.due.addingTimeInterval(-1)))"))),
            .p(.class("feedback-text"), .text(item.body ?? "")),
            .p(.class("muted small"), .text("\(entry.project) · \(entry.region) · \(entry.unit ?? "未分配单位")"
                                            + (item.ratingValue.map { " · 评价：\($0.label)" } ?? "") + (entry.phone.map { " · 电话：\($0)" } ?? "")),
               .text(" · "), .a(.class("public-page"), .attr("href", SiteURL.publicProject(project: item.$project.id, region: item.$region.id).path),
                                .text("查看项目页面"))),
            .unwrap(item.reply) { reply in .div(.class("standard"), .text("答复（\(item.replyUnit ?? "")）：" + reply)) },
            .unwrap(item.invalidReason) { .p(.class("flag"), .text("无效：" + $0)) },
            .if(mine && state != .invalid, .form(.class("reply"), .method(.post), .action(SiteURL.feedbackReply(id: id).path),
                PageFrame.csrfField(context.csrf),
                .label(.for("reply-\(id)"), .text(state == .answered ? "修改答复" : "答复（公开，署本单位名称）")),
                .textarea(.id("reply-\(id)"), .name("reply"), .attr("rows", "3"), .attr("maxlength", "1000"), .attr("required", "required"), .text(typed[id] ?? item.reply ?? "")),
                .button(.type(.submit), .class("button primary small"), .text(state == .answered ? "保存答复" : "答复")))),
            .if(isOffice && state != .invalid, .div(.class("ops"),
                .form(.class("inline-return"), .method(.post), .action(SiteURL.feedbackInvalid(id: id).path),
                      PageFrame.csrfField(context.csrf),
                      .input(.type(.text), .name("reason"), .attr("placeholder", "无效原因：广告、辱骂、无关等"), .attr("maxlength", "200"),
                             .attr("aria-label", "无效原因"), .attr("required", "required")),
                      .button(.type(.submit), .class("button small"), .text("标为无效"))),
                .form(.class("inline-return"), .method(.post), .action(SiteURL.feedbackReassign(id: id).path),
                      PageFrame.csrfField(context.csrf),
                      .select(.attr("name", "unit"), .attr("aria-label", "转交给"), .forEach(unitsByRegion[item.$region.id] ?? []) { unit in
                          Fragments.option(value: "\(unit.0)", label: unit.1, selected: unit.0 == item.$unit.id)
                      }),
                      .button(.type(.submit), .class("button small"), .text("转交"))))))
    }
}
