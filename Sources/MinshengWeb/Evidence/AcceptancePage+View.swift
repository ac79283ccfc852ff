import Foundation
import MinshengCore
import MinshengData
import Plot

/// The acceptance page's layout (`AcceptancePage+Model.swift` holds its counts).
extension AcceptancePage {
    func render(in context: PageContext) -> String {
        let overRows = overLimit
        let subtitle = (table.month.map { "截至 \($0) 月底" } ?? "尚无进度数据")
            + (table.gapLimit.map { " · 差距上限 \(Figures.quantity($0))%" } ?? " · 未设差距上限")
        let month = table.month
        let header = Fragments.pageHeader("进度与验收率", subtitle: "\(table.title) · " + subtitle,
                                          trail: [("计划与任务分解", SiteURL.plans.path), (table.title, SiteURL.plan(id: report.planID).path), ("进度与验收率", nil)])
        let stats: Node<HTML.BodyContext> = .div(.class("stats"),
            Fragments.stat("指标", "\(table.rows.count)"),
            Fragments.stat("超过差距上限", "\(overRows)", tone: overRows > 0 ? "lagging" : ""),
            Fragments.stat("无佐证的填报", "\(report.withoutEvidence.count)", tone: report.withoutEvidence.isEmpty ? "" : "lagging"),
            Fragments.stat("佐证不足", "\(report.underCovered.count)"),
            Fragments.stat("待审核佐证", "\(waiting)"))
        let exports: Node<HTML.BodyContext> = .p(.class("actions"),
            .a(.class("button"), .attr("href", SiteURL.acceptanceExport(plan: report.planID, region: report.focusRegionID, month: month, format: "xlsx").path), .text("导出 Excel")),
            .a(.class("button"), .attr("href", SiteURL.acceptanceExport(plan: report.planID, region: report.focusRegionID, month: month, format: "csv").path), .text("导出 CSV")))
        let body: Node<HTML.BodyContext> = .group(header, stats, limitForm(context: context), exports,
                                                  .p(.class("hint"), .text(AcceptanceExport.caption(table))),
                                                  grid(), lists())
        return PageFrame.render(title: "进度与验收率", context: context, body: body)
    }

    private func limitForm(context: PageContext) -> Node<HTML.BodyContext> {
        guard mayLimit, let month = table.month else { return .empty }
        return .form(.class("limit"), .method(.post), .action(SiteURL.acceptanceLimit(plan: report.planID).path),
                     PageFrame.csrfField(context.csrf),
                     .input(.type(.hidden), .name("month"), .attr("value", "\(month)")),
                     .label(.for("limit"), .text("\(month) 月进度与验收率差距上限（%）")),
                     .input(.type(.text), .id("limit"), .name("limit"), .attr("inputmode", "decimal"),
                            .attr("value", table.gapLimit.map(Figures.quantity) ?? ""), .attr("placeholder", "如 10")),
                     .button(.type(.submit), .class("button"), .text("保存")))
    }

    private func grid() -> Node<HTML.BodyContext> {
        let head: Node<HTML.TableContext> = .thead(.tr(.th(.text("指标任务")), .th(.class("aggregate"), .text(table.aggregateLabel)),
                                                       .forEach(table.columns) { .th(.text($0)) }))
        let body: Node<HTML.TableContext> = .tbody(.forEach(table.rows) { row in
            .tr(.class(row.aggregate?.overLimit == true ? "over" : ""),
                .td(.class("name"), .text(row.indicator), .div(.class("muted small"), .text(row.projectName == row.indicator ? row.unit : row.projectName))),
                cell(row.aggregate, aggregate: true),
                .forEach(row.regions) { cell($0, aggregate: false) })
        })
        return .div(.class("table-wrap"), .table(.class("plan-table acceptance"), head, body))
    }

    private func cell(_ figure: ProgressTable.Figure?, aggregate: Bool) -> Node<HTML.TableRowContext> {
        guard let figure else { return .td(.class("cell none"), .text("/")) }
        let classes = "cell" + (aggregate ? " aggregate" : "") + (figure.overLimit ? " over" : "")
        return .td(.class(classes),
                   .div(.class("pair"), .span(.class("label"), .text("进度")), .span(.text(figure.progress.map(Figures.percent) ?? "—"))),
                   .div(.class("pair"), .span(.class("label"), .text("验收")), .span(.text(figure.acceptance.map(Figures.percent) ?? "—"))),
                   .div(.class("pair gap"), .span(.class("label"), .text("差距")), .span(.text(figure.gap.map(Figures.percent) ?? "—"))))
    }

    private func lists() -> Node<HTML.BodyContext> {
        .group(.forEach(report.lists) { list in
            .div(.class("panel list-section"),
                 .h2(.text("\(list.name)（\(list.rows.count)）")),
                 list.rows.isEmpty ? Fragments.empty("无。") :
                    .div(.class("table-wrap"), .table(.class("list stacked"),
                        .thead(.tr(.forEach(list.heading) { .th(.text($0)) })),
                        .tbody(.forEach(list.rows) { row in
                            .tr(.forEach(Array(zip(list.heading, row))) { pair in .td(.attr("data-label", pair.0), .text(pair.1)) })
                        }))))
        })
    }
}
