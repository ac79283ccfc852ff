import Foundation
import MinshengCore
import MinshengData
import Plot

/// The reporting grid's layout (`ReportingPage+Model.swift` holds its figures).
extension ReportingPage {
    private func gridFilters() -> Node<HTML.BodyContext> {
        let (regions, indicators, f) = (regionChoices, indicatorChoices, query.filter)
        return Fragments.filterBar(action: SiteURL.reporting().path, query: query, [
            Fragments.filterSelect("region", label: "区划", choices: regions, selected: f.regionID.map { "\($0)" }),
            Fragments.filterSelect("project", label: "指标", choices: indicators, selected: f.projectID.map { "\($0)" }),
            Fragments.filterSelect("status", label: "状态", choices: [("unreported", "未填报"), ("draft", "草稿"), ("returned", "被退回"), ("submitted", "已报送")], selected: f.status),
            Fragments.filterText("q", label: "指标、项目或单位", value: f.text, placeholder: "文字"),
        ])
    }

    func render(in context: PageContext) -> String {
        guard let grid else {
            return PageFrame.render(title: "月度填报", context: context, body: .group(
                Fragments.pageHeader("月度填报"), Fragments.empty("暂无需要填报的计划。")))
        }
        let locked = grid.closed
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("月度填报", subtitle: "\(grid.planTitle) · \(grid.month) 月 · 序时进度 \(Figures.percent(grid.schedule))"
                                 + (grid.deadline.map { " · 截止 \($0)" } ?? "")),
            .form(.class("filters"), .method(.get), .action(SiteURL.reporting().path),
                  .label(.for("plan"), .text("计划")),
                  .select(.attr("name", "plan"), .id("plan"), .forEach(plans) { plan in
                      Fragments.option(value: "\(plan.id ?? 0)", label: plan.title, selected: plan.id == grid.planID)
                  }),
                  .label(.for("month"), .text("月份")),
                  .select(.attr("name", "month"), .id("month"), .forEach(1...12) { month in
                      Fragments.option(value: "\(month)", label: "\(month) 月", selected: month == grid.month)
                  }),
                  .button(.type(.submit), .class("button"), .text("切换"))),
            .div(.class("stats"),
                 Fragments.stat("应填报", "\(counts.total)"),
                 Fragments.stat("已报送", "\(counts.submitted)", tone: "completed"),
                 Fragments.stat("草稿", "\(counts.drafts)"),
                 Fragments.stat("被退回", "\(counts.returned)", tone: "lagging"),
                 Fragments.stat("未填报", "\(counts.unreported)")),
            .if(locked, .div(.class("notice error"), .attr("role", "status"), .text("\(grid.month) 月已关账，进度数据已锁定；佐证资料仍可上传和审核。如需更正数据，请联系专班办公室重新开放该月。"))),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .if(principal.may(.office), .p(.a(.class("button"), .attr("href", SiteURL.reportingStatus(plan: grid.planID, month: grid.month).path), .text("查看报送情况、退回与关账")))),
            grid.rows.isEmpty ? Fragments.empty("本月没有需要您填报的指标。") : .group(
            .if(grid.rows.count > 10, gridFilters()),
            Fragments.pager(page, base: SiteURL.reporting().path, query: query),
            page.items.isEmpty ? Fragments.empty("没有符合筛选条件的指标。") :
            .form(.method(.post), .action(SiteURL.reportingSave(plan: grid.planID, month: grid.month).path + query.query(page: page.window.page)),
                PageFrame.csrfField(context.csrf),
                .div(.class("table-wrap"), .table(.class("list grid"),
                    .thead(.tr(.th(.text("指标")), .th(.text("区划")), .th(.class("num"), .text("目标任务")),
                               .th(.class("num"), .text("上月")), .th(.text("完成数量 / 进度(%)")), .th(.text("进度情况")), .th(.text("状态")))),
                    .tbody(.forEach(page.items) { row in gridRow(row, locked: locked) }))),
                .if(!locked, .p(.class("actions"),
                    .button(.type(.submit), .attr("name", "action"), .attr("value", "save"), .class("button"), .text("保存草稿")),
                    .button(.type(.submit), .attr("name", "action"), .attr("value", "submit"), .class("button primary"), .text("报送")))),
                .p(.class("hint"), .text("进度类指标填写截至本月底的累计完成数量，系统按目标任务计算进度；形象进度和达标类指标填写百分比（达标可填“是”或“否”）。草稿不计入进度表，报送后上级可见。"
                                         + (page.pageCount > 1 ? "每页分别保存或报送。" : "")))),
            .if(page.pageCount > 1, Fragments.pager(page, base: SiteURL.reporting().path, query: query)))
        )
        return PageFrame.render(title: "月度填报", context: context, body: body)
    }

    private func gridRow(_ row: ReportingService.Row, locked: Bool) -> Node<HTML.TableContext> {
        let key = Self.key(row)
        let report = row.report
        let quantity: String = typed["q_" + key] ?? report?.quantity.map(Figures.quantity) ?? ""
        let progress: String = typed["p_" + key] ?? (row.kind == .quantity && report?.quantity != nil ? "" : report?.progress.map { Figures.quantity($0) } ?? "")
        let note: String = typed["n_" + key] ?? report?.note ?? ""
        let target: String = row.target.map(Figures.quantity) ?? row.targetNote ?? "—"
        let previous: String = row.previous.map { Self.previousText($0) } ?? "—"
        let label: String = row.indicatorName + "（" + row.regionName + "）"
        let kindNote: String = "（" + row.unitLabel + "，" + row.kind.label + "）"
        let nameCell: Node<HTML.TableRowContext> = .td(.text(row.indicatorName), .span(.class("muted"), .text(kindNote)),
                                                      .div(.class("muted small"), .text(row.projectName)))
        let quantityInput: Node<HTML.BodyContext> = row.kind != .quantity ? .input(.type(.hidden), .attr("name", "q_" + key), .attr("value", "")) :
                                                    .input(.type(.text), .attr("name", "q_" + key), .attr("value", quantity), .attr("inputmode", "decimal"),
                                                           .attr("placeholder", row.kind == .quantity ? "完成数量" : "—"), .attr("aria-label", label + "完成数量"),
                                                           .attr(locked ? "readonly" : "data-editable", "readonly"))
        let progressInput: Node<HTML.BodyContext> = .input(.type(.text), .attr("name", "p_" + key), .attr("value", progress), .attr("inputmode", "decimal"),
                                                           .attr("placeholder", row.kind == .quantity ? "或进度%" : "进度%"), .attr("aria-label", label + "进度"),
                                                           .attr(locked ? "readonly" : "data-editable", "readonly"))
        // A figure lower than last month's asks for its reason (the form was refused without one,
        // or the stored figure already has one).
        let typedFall = falls[key]
        let decreaseReason = typed["r_" + key] ?? report?.decreaseReason ?? ""
        let asksReason = typedFall != nil || !decreaseReason.isEmpty
        let fallText: String = typedFall.map { "（" + $0 + "）" } ?? ""
        let reasonLabel: Node<HTML.BodyContext> = .label(.class("small"), .text("下降原因" + fallText))
        let reasonInput: Node<HTML.BodyContext> = .input(.type(.text), .attr("name", "r_" + key), .attr("value", decreaseReason), .attr("maxlength", "500"),
                                                         .attr("aria-label", label + "下降原因"), .attr("placeholder", "累计数低于上月的原因，如核减重复统计"),
                                                         .attr(locked ? "readonly" : "data-editable", "readonly"))
        let noteArea: Node<HTML.BodyContext> = .textarea(.attr("name", "n_" + key), .attr("rows", "2"), .attr("maxlength", "500"), .attr("aria-label", label + "进度情况"),
                                                        .if(locked, .attr("readonly", "readonly")), .text(note))
        let noteInput: Node<HTML.BodyContext> = .group(noteArea, .if(asksReason, .div(.class("decrease"), reasonLabel, reasonInput)))
        let reason: String? = row.state == .returned ? report?.returnReason : nil
        let evidence = SiteURL.evidenceNew(indicator: row.indicatorID, region: row.regionID, month: grid?.month ?? 1).path
        let stateCell: Node<HTML.TableRowContext> = .td(Self.badge(row.state), .unwrap(reason) { .div(.class("muted small"), .text("退回原因：" + $0)) },
                                                        .if(row.state == .submitted, .div(.a(.class("small"), .attr("href", evidence), .text("上传佐证")))))
        return .tr(nameCell, .td(.class("nowrap"), .text(row.regionName)), .td(.class("num"), .attr("data-label", "目标任务"), .text(target)),
                   .td(.class("num"), .attr("data-label", "上月"), .text(previous)),
                   .td(.class("inputs"), quantityInput, progressInput), .td(noteInput), stateCell)
    }

    static func previousText(_ report: PlanService.ReportedFigure) -> String {
        let value: String = IndicatorTrendPage.value(report.quantity, report.quantity == nil ? report.progress : nil)
        return value + "（\(report.month) 月）"
    }

    static func badge(_ state: ProgressReport.State?) -> Node<HTML.BodyContext> {
        switch state {
        case .submitted?: return .span(.class("badge completed"), .text("已报送"))
        case .draft?: return .span(.class("badge none"), .text("草稿"))
        case .returned?: return .span(.class("badge lagging"), .text("被退回"))
        case nil: return .span(.class("badge none"), .text("未填报"))
        }
    }
}

