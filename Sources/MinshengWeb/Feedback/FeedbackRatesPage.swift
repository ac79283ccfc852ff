import Foundation
import MinshengCore
import MinshengData
import Plot

/// 亮码评价统计: the totals, the units short of 100% 处理率, then the figures per region (with
/// links down), per project, per unit and per month; the office's deadline and 满意率 rule.
struct FeedbackRatesPage {
    let planID: Int
    let focusRegionID: Int
    let table: FeedbackTable
    let mayRule: Bool
    /// From the top region the account may see down to the focus.
    let trail: [(id: Int, name: String)]
    /// Regions directly below the focus that have regions below them, by name.
    let drillable: [String: Int]

    private func url(region: Int? = nil, month: Int? = nil) -> String {
        SiteURL.feedbackRates(plan: planID, region: region ?? focusRegionID, month: month ?? table.month).path
    }

    func render(in context: PageContext) -> String {
        let total = table.total
        let crumbs: [(String, String?)] = [("计划与任务分解", SiteURL.plans.path), (table.title, SiteURL.plan(id: planID).path)]
            + trail.map { ($0.name, $0.id == focusRegionID ? nil : url(region: $0.id)) } + [("亮码评价", nil)]
        let header = Fragments.pageHeader("亮码评价", subtitle: "\(table.title) · \(table.region) · \(table.year) 年 \(table.period)收到的意见与评价，截至 \(table.month) 月底",
                                          trail: crumbs)
        let stats: Node<HTML.BodyContext> = .div(.class("stats"),
            Fragments.stat("收到意见建议", "\(total.received)"),
            Fragments.stat("已回复", "\(total.answered)", tone: "completed"),
            Fragments.stat("处理率", total.handlingRate.map(Figures.percent) ?? "—", tone: (total.handlingRate ?? 100) < 100 ? "lagging" : "completed"),
            Fragments.stat("超期未回复", "\(total.overdue)", tone: total.overdue > 0 ? "lagging" : ""),
            Fragments.stat("评价", "\(total.ratings)"),
            Fragments.stat("满意率", total.satisfactionRate.map(Figures.percent) ?? "—"),
            Fragments.stat("回复用时中位数", hours(total.medianReplyHours)),
            Fragments.stat("无效（另计）", "\(total.invalid)"))
        let exports: Node<HTML.BodyContext> = .p(.class("actions"),
            .a(.class("button"), .attr("href", SiteURL.feedbackRatesExport(plan: planID, region: focusRegionID, month: table.month, format: "xlsx").path), .text("导出 Excel")),
            .a(.class("button"), .attr("href", SiteURL.feedbackRatesExport(plan: planID, region: focusRegionID, month: table.month, format: "csv").path), .text("导出 CSV")),
            .a(.class("button"), .attr("href", SiteURL.feedbackInbox.path), .text("群众意见处理")))
        let body: Node<HTML.BodyContext> = .group(
            header, Fragments.monthPicker(1...12, current: table.month, label: "统计截至", url: { url(month: $0) }), rules(context: context), stats, exports, shortUnits(),
            section("按区划", rows: table.regions, link: true),
            section("按项目", rows: table.projects),
            section("按责任单位", rows: table.units, empty: "还没有单位收到意见建议或评价。"),
            section("按月份（当月收到的意见，截至 \(table.month) 月底的处理情况）", rows: table.months))
        return PageFrame.render(title: "亮码评价", context: context, body: body)
    }

    private func hours(_ value: Double?) -> String {
        guard let value else { return "—" }
        return Figures.quantity(Exact.roundedDouble(Exact.decimal(value), scale: 1)) + " 小时"
    }


    private func rules(context: PageContext) -> Node<HTML.BodyContext> {
        let text = "答复期限：收到后 \(table.replyDays) 个工作日内答复（每条意见建议都要答复，表扬也要回应）。"
            + "满意率 = \(table.rule == .satisfiedOrBasic ? "（满意 + 基本满意）" : "满意") ÷ 评价数；处理率 = 已回复 ÷ 收到的意见建议，无效意见不计入、另行列出。"
        guard mayRule else { return .p(.class("hint"), .text(text)) }
        return .div(.class("panel"),
                    .p(.class("hint"), .text(text)),
                    .form(.class("limit"), .method(.post), .action(SiteURL.feedbackRules(plan: planID).path),
                          PageFrame.csrfField(context.csrf),
                          .input(.type(.hidden), .name("region"), .attr("value", "\(focusRegionID)")),
                          .input(.type(.hidden), .name("month"), .attr("value", "\(table.month)")),
                          .label(.for("days"), .text("答复期限")),
                          .input(.type(.text), .id("days"), .name("days"), .attr("inputmode", "numeric"), .attr("value", "\(table.replyDays)"),
                                 .attr("maxlength", "2")),
                          .span(.text("个工作日；满意率口径")),
                          .select(.attr("name", "rule"), .attr("aria-label", "满意率口径"), .forEach(SatisfactionRule.allCases) { rule in
                              Fragments.option(value: rule.rawValue, label: rule.label, selected: rule == table.rule)
                          }),
                          .button(.type(.submit), .class("button"), .text("保存"))))
    }

    private func shortUnits() -> Node<HTML.BodyContext> {
        let short = table.unitsBelowFull
        guard !short.isEmpty else {
            return table.total.received == 0 ? .empty : .p(.class("notice ok"), .text("所有责任单位的处理率均为 100%。"))
        }
        return .div(.class("panel flagged"),
                    .h2(.text("处理率未达 100% 的单位（\(short.count) 个）")),
                    .ul(.class("short-units"), .forEach(short) { row in
                        .li(.strong(.text(row.name)), .text("：收到 \(row.rates.received) 条，未回复 \(row.rates.unanswered) 条"
                            + (row.rates.overdue > 0 ? "（超期 \(row.rates.overdue) 条）" : "") + "，处理率 \(row.rates.handlingRate.map(Figures.percent) ?? "—")"))
                    }))
    }

    private func section(_ title: String, rows: [FeedbackTable.Row], link: Bool = false, empty: String = "暂无数据。") -> Node<HTML.BodyContext> {
        let head: Node<HTML.TableContext> = .thead(.tr(
            .th(.class("name"), .text("名称")), .th(.class("num"), .text("收到")), .th(.class("num"), .text("已回复")),
            .th(.class("num"), .text("未回复")), .th(.class("num"), .text("超期")), .th(.class("num hide-phone"), .text("无效")),
            .th(.class("num"), .text("处理率")), .th(.class("num hide-phone"), .text("用时中位数")), .th(.class("num hide-phone"), .text("90%用时")),
            .th(.class("num hide-phone"), .text("评价")), .th(.class("num"), .text("满意率"))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(rows) { row in
            let r = row.rates
            let short = (r.handlingRate ?? 100) < 100
            let drill = link ? drillable[row.name] : nil
            return .tr(
                .td(.class("name"), drill.map { .a(.attr("href", url(region: $0)), .attr("title", "查看\(row.name)的下级"), .text(row.name + " ›")) } ?? .text(row.name)),
                .td(.class("num"), .text("\(r.received)")), .td(.class("num"), .text("\(r.answered)")),
                .td(.class(r.unanswered > 0 ? "num lagging-text" : "num"), .text("\(r.unanswered)")),
                .td(.class(r.overdue > 0 ? "num lagging-text" : "num"), .text("\(r.overdue)")),
                .td(.class("num hide-phone"), .text("\(r.invalid)")),
                .td(.class(short ? "num lagging-text" : "num"), .text(r.handlingRate.map(Figures.percent) ?? "—")),
                .td(.class("num hide-phone"), .text(hours(r.medianReplyHours))), .td(.class("num hide-phone"), .text(hours(r.p90ReplyHours))),
                .td(.class("num hide-phone"), .text("\(r.ratings)")),
                .td(.class("num"), .text(r.satisfactionRate.map(Figures.percent) ?? "—")))
        })
        return .div(.class("panel"), .h2(.text(title)),
                    rows.isEmpty ? Fragments.empty(empty) : .div(.class("table-wrap"), .table(.class("list rates"), head, body)))
    }
}
