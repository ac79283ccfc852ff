import Foundation
import MinshengCore
import MinshengData
import Plot

/// The public page's layout and its stylesheet (`PublicProjectPage+Model.swift` holds its data).
extension PublicProjectPage {
    static let stylesheet = """
    *{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2933;background:#f4f5f7}
    header{background:#b3202a;color:#fff;padding:.9rem 1rem .8rem}header .brand{font-size:.85rem;opacity:.9;letter-spacing:.05em}
    header h1{font-size:1.35rem;line-height:1.35;margin:.3rem 0 .2rem}header p{margin:0;font-size:.9rem;opacity:.92}
    main{max-width:760px;margin:0 auto;padding:.8rem}section{background:#fff;border-radius:.7rem;padding:.9rem 1rem;margin:0 0 .8rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
    h2{font-size:1.05rem;margin:0 0 .6rem}.muted{color:#6b7280;font-size:.88rem}
    .ind{padding:.6rem 0;border-top:1px solid #eef0f3}.ind:first-of-type{border-top:0;padding-top:0}
    .ind .name{font-weight:600}.ind .meta{display:flex;justify-content:space-between;gap:.5rem;font-size:.9rem;color:#4b5563;margin:.15rem 0 .35rem}
    .bar{display:block;width:100%;height:.55rem}
    .pct{font-variant-numeric:tabular-nums;font-weight:600}.tag{display:inline-block;font-size:.78rem;padding:0 .45rem;border-radius:.6rem;background:#eef2ff;color:#3730a3;margin-left:.3rem}
    .tag.completed{background:#e7f6ec;color:#1f6f3f}.tag.lagging{background:#fdecea;color:#a52a1c}
    ul.regions{list-style:none;margin:0;padding:0}ul.regions li{display:flex;justify-content:space-between;padding:.45rem 0;border-top:1px solid #eef0f3}
    ul.regions li:first-child{border-top:0}a{color:#1d4ed8;text-decoration:none}
    header p.jump{display:flex;gap:.6rem;margin-top:.6rem;opacity:1}header .jump a{color:#fff;border:1px solid rgba(255,255,255,.7);border-radius:1.2rem;padding:.2rem .8rem;font-size:.9rem}
    header .jump a.rate-link{background:#fff;color:#b3202a;font-weight:700;border-color:#fff}.crumbs{margin:0 0 .6rem;font-size:.9rem}
    .units p{margin:.2rem 0}img.photo{max-width:100%;border-radius:.4rem}footer{text-align:center;color:#6b7280;font-size:.8rem;padding:1rem .5rem 2rem}
    .ratings{display:flex;gap:.5rem;margin:0 0 .6rem}.ratings div{flex:1;text-align:center;background:#f7f8fa;border-radius:.5rem;padding:.4rem 0}
    .ratings b{display:block;font-size:1.2rem}.ratings span{font-size:.8rem;color:#6b7280}
    form.rate .ask{font-weight:600;margin:0 0 .3rem}form.rate .options{display:flex;gap:.4rem}
    form.rate .options label{flex:1;text-align:center;border:1px solid #d1d5db;border-radius:.5rem;padding:.45rem 0;font-size:.95rem}
    form.rate input[type=radio]{margin:0 .25rem 0 0}form.rate label.field{display:block;font-weight:600;margin:.7rem 0 .25rem}
    form.rate textarea,form.rate input[type=tel],form.rate input[type=text],form.rate select,form.rate .challenge input{width:100%;box-sizing:border-box;background:#fff;font:inherit;padding:.5rem .6rem;border:1px solid #d1d5db;border-radius:.5rem}
    form.rate button{margin-top:.7rem;width:100%;font:inherit;font-weight:600;color:#fff;background:#b3202a;border:0;border-radius:.5rem;padding:.6rem}
    .notice{border-radius:.5rem;padding:.6rem .8rem;margin:0 0 .7rem}.notice.ok{background:#e7f6ec;color:#1f6f3f}.notice.err{background:#fdecea;color:#a52a1c}
    .qa{padding:.6rem 0;border-top:1px solid #eef0f3}.qa:first-of-type{border-top:0}.qa .q{margin:0}.qa .a{margin:.35rem 0 0;padding:.45rem .6rem;background:#f7f8fa;border-radius:.4rem}
    .badge{display:inline-block;border-radius:1rem;padding:.1rem .6rem;font-size:.85rem;background:#eef1f5;color:#374151}
    .badge.proposal-received{background:#fff4d6;color:#8a5a00}.badge.proposal-candidate{background:#e3f5e8;color:#17683a}
    .badge.proposal-merged{background:#e8eefb;color:#1d4ed8}.badge.proposal-not_adopted{background:#f1f2f4;color:#4b5563}.badge.proposal-referred{background:#eef6ff;color:#1e40af}
    .answer{white-space:pre-wrap}
    """

    func render() -> String {
        let title = page.projectName + (page.isWhole ? "" : " · " + page.regionName)
        let month = page.month.map { "以下为截至 \(page.year) 年 \($0) 月底、已关账的进度数据。" } ?? "本年度尚无已关账的月度进度，进度将在首个月度关账后公布。"
        let html = HTML(
            .lang(.chinese),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width,initial-scale=1")),
                .pageTitle(title + " - 民生实事码上通"),
                .link(.rel(.stylesheet), .href(SiteURL.publicStylesheet.path))),
            .body(
                .header(.div(.class("brand"), .text("民生实事码上通 · \(page.planTitle)")),
                        .h1(.text(page.projectName)),
                        .p(.text(page.isWhole ? "\(page.itemName)" : "\(page.regionName) · \(page.itemName)")),
                        // The rating form is far down on a phone: one tap takes the visitor there.
                        .p(.class("jump"), .a(.class("rate-link"), .attr("href", "#feedback"), .text("我要评价")),
                           .a(.attr("href", "#answers"), .text("意见与答复（\(page.feedback.answeredCount)）")))),
                .main(
                    contentSection(),
                    .section(.h2(.text("进展情况")), .p(.class("muted"), .text(month)),
                             .forEach(page.indicators) { indicator($0) }),
                    .if(!page.regions.isEmpty, .section(.h2(.text("各地进展")), .ul(.class("regions"), .forEach(page.regions) { region($0) }))),
                    units(),
                    disclosures(),
                    rate(),
                    answers(),
                    supervision(),
                    related()),
                .footer(.p(.text("本页地址：" + url)), .p(.text("扫码查看 · 数据由各责任单位报送、上级审核后公布")))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }

    /// The form's target; the fragment brings the answer page back to the form and its message.
    private var feedbackAction: String {
        SiteURL.publicFeedback(project: page.projectID, region: page.isWhole ? nil : page.regionID).path + "#feedback"
    }

    /// Where a notice goes in a rendered page: after the rating counts.
    static let feedbackMarker = "<!--feedback-notice-->"

    /// The rating counts and the form: a rating, an opinion, a phone number for a call back.
    private func rate() -> Node<HTML.BodyContext> {
        let counts = page.feedback.counts
        return .section(.id("feedback"), .h2(.text("群众评价")),
            .div(.class("ratings"), .forEach(Rating.allCases) { rating in
                .div(.b(.text("\(counts[rating] ?? 0)")), .span(.text(rating.label)))
            }),
            .raw(Self.feedbackMarker),
            .unwrap(notice) { .div(.class($0.ok ? "notice ok" : "notice err"), .attr("role", "status"), .text($0.text)) },
            .form(.class("rate"), .method(.post), .action(feedbackAction),
                  .div(.class("choices"), .attr("role", "radiogroup"), .attr("aria-label", "您对这个项目满意吗？"),
                       .p(.class("ask"), .text("您对这个项目满意吗？")),
                       .div(.class("options"), .forEach(Rating.allCases) { rating in
                           .label(typed["rating"] == rating.rawValue
                                      ? .input(.type(.radio), .name("rating"), .value(rating.rawValue), .attr("checked", "checked"))
                                      : .input(.type(.radio), .name("rating"), .value(rating.rawValue)),
                                  .text(rating.label))
                       })),
                  .label(.class("field"), .for("text"), .text("意见建议（可选，500 字以内）")),
                  .textarea(.id("text"), .name("text"), .attr("rows", "4"), .attr("maxlength", "500"), .text(typed["text"] ?? "")),
                  .label(.class("field"), .for("phone"), .text("联系电话（可选，仅用于回访，不会公开）")),
                  .input(.type(.tel), .id("phone"), .name("phone"), .attr("autocomplete", "tel"), .attr("maxlength", "20"), .attr("value", typed["phone"] ?? "")),
                  .unwrap(question) { PublicProjectPage.challenge($0) },
                  .button(.type(.submit), .text("提交"))))
    }

    /// What the supervisors found: how many problems were raised and rectified, and the ones the office published.
    private func supervision() -> Node<HTML.BodyContext> {
        let s = page.supervision
        guard s.raised > 0 else { return .empty }
        return .section(.id("supervision"), .h2(.text("监督情况")),
            .p(.text("观察员、监督员共提出问题 \(s.raised) 个，已整改 \(s.rectified) 个" + (s.rectifying > 0 ? "，正在整改 \(s.rectifying) 个" : "") + "。")),
            .forEach(s.published) { problem in
                .div(.class("qa"),
                     .p(.class("q"), .text(problem.description)),
                     .p(.class("muted"), .text(ChineseDate.day(problem.createdAt) + " · " + problem.categoryValue.label + " · " + problem.stateValue.label)))
            })
    }

    /// Answered opinions with their answers, signed by the answering unit.
    private func answers() -> Node<HTML.BodyContext> {
        let answered = page.feedback.answered
        return .section(.id("answers"), .h2(.text("意见建议与答复")),
            .p(.class("muted"), .text("共收到意见建议 \(page.feedback.received) 条，已答复 \(page.feedback.answeredCount) 条；每条意见都由责任单位在规定时间内答复。")),
            .forEach(answered) { item in
                .div(.class("qa"),
                     .p(.class("q"), .text(item.body ?? "")),
                     .p(.class("muted"), .text(ChineseDate.day(item.createdAt) + " · 群众留言")),
                     .p(.class("a"), .text("答复：" + (item.reply ?? ""))),
                     .p(.class("muted"), .text((item.replyUnit ?? "") + (item.repliedAt.map { " · " + ChineseDate.day($0) } ?? ""))))
            })
    }

    private func indicator(_ row: PublicProjectService.Indicator) -> Node<HTML.BodyContext> {
        let target: String = row.target.map { Figures.quantity($0) + row.unitLabel } ?? row.targetNote ?? "—"
        let progress: String = row.progress.map(Figures.percent) ?? "—"
        let (width, tone) = Self.bar(row)
        let done: String = row.kind == .quantity ? (row.quantity.map { "已完成 " + Figures.quantity($0) + row.unitLabel } ?? "") : row.kind.label
        return .div(.class("ind"),
                    .div(.class("name"), .text(row.name),
                         .unwrap(row.status) { .span(.class("tag " + tone), .text($0.label)) }),
                    .div(.class("meta"), .span(.text("目标 " + target + (done.isEmpty ? "" : " · " + done))), .span(.class("pct"), .text(progress))),
                    .raw(Self.barSVG(width, tone: tone)),
                    // The 责任单位 section names the unit once; an indicator names its own only where units differ.
                    .unwrap(page.responsibleUnits.count > 1 ? row.responsibleUnit : (page.responsibleUnits.isEmpty ? row.leadUnit : nil)) {
                        .p(.class("muted"), .text((row.responsibleUnit == nil ? "牵头单位：" : "责任单位：") + $0))
                    })
    }

    /// 建设内容, once: the project's description with the items published under it.
    private func contentSection() -> Node<HTML.BodyContext> {
        let published = contentItems
        guard page.content != nil || !published.isEmpty else { return .empty }
        return .section(.h2(.text("建设内容")), .unwrap(page.content) { .p(.text($0)) }, .forEach(published.prefix(10)) { Self.item($0) })
    }

    /// Where else to look: the whole project, the region's other projects, the region's index.
    private func related() -> Node<HTML.BodyContext> {
        .section(.class("related"), .h2(.text("更多民生实事")),
                 .if(!page.isWhole, .p(.a(.attr("href", SiteURL.publicProject(project: page.projectID, region: nil).path), .text("查看“\(page.projectName)”全部地区的进展")))),
                 .if(!page.siblings.isEmpty, .group(
                     .p(.class("muted"), .text("\(page.regionName)的其他项目：")),
                     .ul(.class("regions"), .forEach(page.siblings.prefix(30)) { sibling in
                         .li(.a(.attr("href", SiteURL.publicProject(project: sibling.id, region: page.isWhole ? nil : page.regionID).path), .text(sibling.name)))
                     }))),
                 .p(.a(.attr("href", SiteURL.publicRegion(id: page.regionID).path), .text("\(page.regionName)全部重点民生实事 →"))))
    }

    /// A progress bar as SVG attributes (no inline style: the pages' content policy forbids it).
    static func barSVG(_ percent: Double, tone: String) -> String {
        let colour = tone == "completed" ? "#1f8a4c" : tone == "lagging" ? "#d2452f" : "#2f6fd0"
        let width = String(format: "%.1f", percent)
        return "<svg class=\"bar\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"进度 \(width)%\">"
            + "<rect width=\"100\" height=\"6\" rx=\"3\" fill=\"#e5e7eb\"/><rect width=\"\(width)\" height=\"6\" rx=\"3\" fill=\"\(colour)\"/></svg>"
    }

    private func region(_ link: PublicProjectService.RegionLink) -> Node<HTML.ListContext> {
        .li(.a(.attr("href", SiteURL.publicProject(project: page.projectID, region: link.regionID).path), .text(link.name)),
            .span(.class("pct"), .text(link.progress.map(Figures.percent) ?? "—")))
    }

    /// Published items by heading (工作动态 first: the latest news), each a title, date and excerpt.
    private func disclosures() -> Node<HTML.BodyContext> {
        guard hasDisclosures else {
            return .section(.h2(.text("公开信息")), .p(.class("muted"), .text("暂无已发布的政策文件、项目详情、成效展示或工作动态。")))
        }
        // 建设内容 items are shown with the project's description (contentSection), once.
        return .group(.forEach(disclosureGroups) { group in
            .section(.h2(.text(group.heading)), .forEach(group.items.prefix(10)) { Self.item($0) })
        })
    }

    static func item(_ item: Disclosure) -> Node<HTML.BodyContext> {
        let excerpt = item.body.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 }
        let kind = item.disclosureCategory.map { $0.isUpdate ? "[\($0.label)] " : "" } ?? ""
        return .div(.class("ind"),
                    .div(.class("name"), .a(.attr("href", SiteURL.publicItem(id: item.id ?? 0).path), .text(kind + item.title))),
                    .div(.class("muted"), .text(item.publishedOn + (item.unit.map { " · " + $0.name } ?? ""))),
                    .unwrap(excerpt) { .p(.text($0)) })
    }

    private func units() -> Node<HTML.BodyContext> {
        guard !page.responsibleUnits.isEmpty else { return .empty }
        return .section(.class("units"), .h2(.text("责任单位")),
                        .forEach(page.responsibleUnits) { unit in
                            .p(.text(unit.name), .unwrap(unit.phone) { .span(.class("muted"), .text(" 电话 " + $0)) })
                        })
    }
}

extension PublicProjectPage {
    /// The question a public form asks after a burst from one address (亮码评价, 民生实事我来提).
    static func challenge(_ question: FeedbackChallenge.Question) -> Node<HTML.FormContext> {
        .div(.class("challenge"),
             .input(.type(.hidden), .name("challenge"), .attr("value", question.token)),
             .label(.class("field"), .for("answer"), .text("请回答：" + question.text)),
             .input(.type(.text), .id("answer"), .name("answer"), .attr("inputmode", "numeric"), .attr("autocomplete", "off"),
                    .attr("maxlength", "6"), .attr("required", "required"), .attr("autofocus", "autofocus")))
    }
}
