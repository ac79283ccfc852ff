import Foundation
import MinshengCore
import MinshengData
import Plot

/// The bulletin's lists: the sentence its text needs, then the completed, on-schedule and
/// lagging indicators (with the lagging regions named), and the ≥ 75% / < 75% bands.
struct PlanListsPage {
    let planID: Int
    let regionID: Int?
    let table: ProgressTable
    /// The viewer is the plan's office and may change how 已完成 is counted.
    var canSetRule = false

    func render(in context: PageContext) -> String {
        let title = "\(table.region)\(table.periodLabel)完成情况清单"
        let s = table.summary
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(title, subtitle: table.title, trail: [("计划与任务分解", SiteURL.plans.path),
                                                                    (table.title, SiteURL.plan(id: planID, region: regionID, month: table.month).path),
                                                                    ("完成情况清单", nil)]),
            .div(.class("panel bulletin"), .h2(.text("通报用语")),
                 .p(.class("bulletin-text"), .text(table.projectSentence)),
                 .p(.class("bulletin-text"), .text(table.bulletinSentence))),
            ruleNote(context),
            .h2(.text("指标（\(s.indicators) 个）")),
            .div(.class("stats"),
                 Fragments.stat("已完成", "\(s.completed)", tone: "completed"),
                 Fragments.stat("按序时推进", "\(s.onSchedule)", tone: "on_schedule"),
                 Fragments.stat("未达序时", "\(s.lagging)", tone: "lagging"),
                 Fragments.stat("未完成中 ≥75%", "\(s.atLeast75)"),
                 Fragments.stat("未完成中 <75%", "\(s.below75)")),
            .h2(.text("项目（\(s.projects) 个）")),
            .div(.class("stats"),
                 Fragments.stat("已完成", "\(s.projectsCompleted)", tone: "completed"),
                 Fragments.stat("按序时推进", "\(s.projectsOnSchedule)", tone: "on_schedule"),
                 Fragments.stat("未达序时", "\(s.projectsLagging)", tone: "lagging"),
                 .if(!table.columns.isEmpty, Fragments.stat("县市区层面的项目", "\(s.regionProjects)")),
                 .if(!table.columns.isEmpty, Fragments.stat("其中未达序时", "\(s.regionProjectsLagging)", tone: s.regionProjectsLagging > 0 ? "lagging" : ""))),
            .p(.a(.class("button"), .attr("href", SiteURL.planExport(id: planID, region: regionID, month: table.month, format: "xlsx").path), .text("导出 Excel（含清单）"))),
            list("已完成的指标", table.rows(with: .completed), lagging: false),
            list("按序时进度推进的指标", table.rows(with: .onSchedule), lagging: true),
            list("未达序时进度的指标", table.rows(with: .lagging), lagging: true),
            .if(s.unreported > 0, list("尚无进度数据的指标", table.rows(with: nil), lagging: false)),
            list("进度在 75% 以上（未完成）的指标", table.rows(atLeast75: true), lagging: false),
            list("进度在 75% 以下的指标", table.rows(atLeast75: false), lagging: false)
        )
        return PageFrame.render(title: title, context: context, body: body)
    }

    /// Which rule the counts follow, and for the plan's office the form that changes it.
    private func ruleNote(_ context: PageContext) -> Node<HTML.BodyContext> {
        let rule = table.completionRule
        return .div(.class("panel rule-note"),
            .p(.strong(.text("已完成的计数规则：\(rule.label)。")), .text(rule.explanation),
               .text(" 项目的全部指标已完成计为已完成，任一指标未达序时计为未达序时，其余计为按序时推进。")),
            .if(canSetRule, .form(.method(.post), .action(SiteURL.planCompletionRule(id: planID).path), .class("rule-form"),
                PageFrame.csrfField(context.csrf),
                .label(.text("本计划按"),
                       .select(.attr("name", "rule"), .forEach(CompletionRule.allCases) { option in
                           Fragments.option(value: option.rawValue, label: option.label, selected: option == rule)
                       }),
                       .text("计数")),
                .button(.type(.submit), .class("button secondary"), .text("保存规则")))))
    }

    private func list(_ heading: String, _ rows: [ProgressTable.Row], lagging: Bool) -> Node<HTML.BodyContext> {
        .section(.class("list-section"),
            .h2(.text("\(heading)（\(rows.count) 个）")),
            rows.isEmpty ? Fragments.empty("无。") :
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("num"), .text("序号")), .th(.class("hide-phone"), .text("实事名称")), .th(.text("项目 / 指标任务")),
                           .th(.class("num hide-phone"), .text("目标任务")), .th(.class("num hide-phone"), .text("完成数量")), .th(.class("num"), .text("进度")),
                           .if(lagging, .th(.text("未达序时的区划"))))),
                .tbody(.forEach(rows.enumerated()) { index, row in listRow(index, row, lagging: lagging) }                ))))
    }

    private func listRow(_ index: Int, _ row: ProgressTable.Row, lagging: Bool) -> Node<HTML.TableContext> {
        let name: String = row.projectName == row.indicator ? row.indicator : "\(row.projectName)：\(row.indicator)"
        let target: String = row.aggregate?.target.map { Figures.quantity($0) } ?? row.aggregate?.targetNote ?? ""
        let quantity: String = row.kind == .quantity ? (row.aggregate?.quantity.map { Figures.quantity($0) } ?? "") : ""
        let progress: String = row.aggregate?.progress.map(Figures.percent) ?? "—"
        let regions: String = row.laggingRegions(columns: table.columns).joined(separator: "、")
        return .tr(.td(.class("num"), .text("\(index + 1)")),
                   .td(.class("hide-phone"), .text(row.itemName)),
                   .td(.text(name), .span(.class("muted"), .text("（" + row.unit + "）"))),
                   .td(.class("num hide-phone"), .text(target)),
                   .td(.class("num hide-phone"), .text(quantity)),
                   .td(.class("num"), .text(progress)),
                   .if(lagging, .td(.text(regions))))
    }
}

/// One indicator in one region month by month, against the schedule, with its change history.
struct IndicatorTrendPage {
    let trend: ProgressReportService.Trend
    let history: [ProgressHistory]
    let tree: RegionTree

    func render(in context: PageContext) -> String {
        let title = "\(trend.indicator) · \(trend.regionName)"
        let target = trend.target.map(Figures.quantity) ?? trend.targetNote ?? "—"
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(title, subtitle: "\(trend.project) · 目标任务 \(target) \(trend.unit) · \(trend.kind.label)",
                                 trail: [("计划与任务分解", SiteURL.plans.path), (trend.planTitle, SiteURL.plan(id: trend.planID, region: trend.regionID).path), ("逐月进度", nil)]),
            trend.points.isEmpty ? Fragments.empty("尚无已报送的进度数据。") :
            .group(
                .div(.class("panel chart"), .raw(Charts.trend(trend.points.map { ($0.month, $0.figure?.progress.map(Exact.double), Exact.double($0.schedule)) }))),
                .div(.class("table-wrap"), .table(.class("list"),
                    .thead(.tr(.th(.text("月份")), .th(.class("num"), .text("序时进度")),
                               .if(trend.kind == .quantity, .th(.class("num"), .text("完成数量"))),
                               .th(.class("num"), .text("进度")), .th(.text("状态")), .th(.class("hide-phone"), .text("进度情况")))),
                    .tbody(.forEach(trend.points) { point in pointRow(point) })))),
            .h2(.text("修改记录")),
            history.isEmpty ? Fragments.empty("本区划的该指标由下级数据汇总计算，或尚无修改记录。") :
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("时间")), .th(.text("月份")), .th(.text("操作")), .th(.class("num"), .text("原值")), .th(.class("num"), .text("新值")),
                           .th(.class("hide-phone"), .text("经办人")), .th(.class("hide-phone"), .text("说明")))),
                .tbody(.forEach(history) { entry in
                    .tr(.td(.text(ChineseDate.dayAndTime(entry.at))),
                        .td(.text("\(entry.month) 月")),
                        .td(.text(entry.historyAction?.label ?? entry.action)),
                        .td(.class("num"), .text(Self.value(entry.oldQuantity, entry.oldProgress))),
                        .td(.class("num"), .text(Self.value(entry.quantity, entry.progress))),
                        .td(.class("hide-phone"), .text(entry.account?.displayName ?? "系统导入")),
                        .td(.class("hide-phone"), .text(entry.reason ?? entry.note ?? "")))
                })))
        )
        return PageFrame.render(title: title, context: context, body: body)
    }

    private func pointRow(_ point: ProgressReportService.TrendPoint) -> Node<HTML.TableContext> {
        let carried = !point.reported && point.figure?.progress != nil
        let month: String = "\(point.month) 月" + (carried ? "（沿用前月）" : "")
        let quantity: String = point.figure?.quantity.map { Figures.quantity($0) } ?? ""
        let progress: String = point.figure?.progress.map(Figures.percent) ?? "—"
        return .tr(.td(.text(month)),
                   .td(.class("num"), .text(Figures.percent(point.schedule))),
                   .if(trend.kind == .quantity, .td(.class("num"), .text(quantity))),
                   .td(.class("num"), .text(progress)),
                   .td(Fragments.statusBadge(point.status)),
                   .td(.class("hide-phone"), .text(point.note ?? "")))
    }

    static func value(_ quantity: Double?, _ progress: Double?) -> String {
        var parts: [String] = []
        if let quantity { parts.append(Figures.quantity(quantity)) }
        if let progress { parts.append(Figures.fixed(Exact.decimal(progress), scale: 2) + "%") }
        return parts.isEmpty ? "—" : parts.joined(separator: " / ")
    }
}
