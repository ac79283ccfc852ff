import Foundation
import MinshengCore
import MinshengData
import Plot

/// The plan table's layout (`PlanShowPage+Model.swift` holds its data).
extension PlanShowPage {
    private static let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"]

    func render(in context: PageContext) -> String {
        let summary = browser.summary
        let columns = browser.columns
        let trail: [(String, String?)] = [("计划与任务分解", SiteURL.plans.path)] + browser.trail.map { column in
            (column.name, column.regionID == browser.focus.regionID ? nil : SiteURL.plan(id: summary.id, region: column.regionID, month: summary.month).path)
        }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(summary.title, subtitle: subtitle(summary), trail: trail),
            .div(.class("stats"),
                 Fragments.stat("实事", "\(summary.items)"),
                 Fragments.stat("项目", "\(summary.projects)"),
                 Fragments.stat("指标", "\(summary.indicators)"),
                 Fragments.stat("已完成", "\(summary.counts.completed)", tone: "completed"),
                 Fragments.stat("按序时推进", "\(summary.counts.onSchedule)", tone: "on_schedule"),
                 Fragments.stat("未达序时", "\(summary.counts.lagging)", tone: "lagging")),
            .p(.class("hint"), .text("指标计数规则：\(summary.completionRule.label)。\(summary.completionRule.explanation)")),
            monthPicker(summary),
            .p(.class("actions"),
               .a(.class("button"), .attr("href", SiteURL.planLists(id: summary.id, region: browser.focus.regionID, month: summary.month).path), .text("完成情况清单")),
               .a(.class("button"), .attr("href", SiteURL.acceptance(plan: summary.id, region: browser.focus.regionID, month: summary.month).path), .text("进度与验收率")),
               .a(.class("button"), .attr("href", SiteURL.disclosureCompliance(plan: summary.id, region: browser.focus.regionID, month: nil).path), .text("信息公开考核")),
               .a(.class("button"), .attr("href", SiteURL.feedbackRates(plan: summary.id, region: browser.focus.regionID, month: nil).path), .text("亮码评价")),
               .a(.class("button"), .attr("href", SiteURL.planExport(id: summary.id, region: browser.focus.regionID, month: summary.month, format: "xlsx").path), .text("导出 Excel")),
               .a(.class("button"), .attr("href", SiteURL.planExport(id: summary.id, region: browser.focus.regionID, month: summary.month, format: "csv").path), .text("导出 CSV")),
               .a(.class("button"), .attr("href", SiteURL.planFile(id: summary.id, format: "xlsx").path),
                  .attr("title", "计划本身（指标、分解、责任单位和验收标准），可按导入格式再次导入"), .text("导出计划（导入格式）")),
               .if(manages, .a(.class("button primary"), .attr("href", SiteURL.planEditor(id: summary.id).path), .text("编辑计划"))),
               .a(.class("button"), .attr("href", SiteURL.planAdjustments(plan: summary.id).path), .text("计划调整"))),
            .if(browser.items.isEmpty, Fragments.empty("该计划在本行政区划没有分解任务。")),
            // One scroll container: the header row and the indicator column stay in view while the
            // table scrolls either way, at every width.
            .if(!browser.items.isEmpty, .div(.class("table-wrap matrix"), .attr("tabindex", "0"), .attr("aria-label", "任务分解表（可横向和纵向滚动）"), .table(.class("plan"),
                .thead(.tr(
                    .th(.class("seq"), .text("序号")),
                    .th(.class("name"), .text("项目 / 指标任务")),
                    .th(.class("meta"), .text("单位")),
                    .th(.class("meta"), .text("进度类型")),
                    .th(.class("meta"), .text("牵头单位")),
                    .forEach(columns) { column in
                        // Every region opens its own view of the plan (its own decomposition where it has one); the breadcrumb leads back up.
                        .th(.class(column.isAggregate ? "region aggregate" : "region"),
                            column.isAggregate ? .text(column.name)
                                : .a(.attr("href", SiteURL.plan(id: summary.id, region: column.regionID, month: summary.month).path),
                                     .attr("title", column.hasChildren ? "查看\(column.name)的下级分解" : "查看\(column.name)承担的任务"),
                                     .text(column.name + (column.hasChildren ? " ›" : ""))))
                    })),
                .tbody(.forEach(browser.items.enumerated()) { index, item in
                    .group(
                        // The label stays in view while the table scrolls sideways (.pin is sticky).
                        .tr(.class("item-row"), .td(.attr("colspan", "\(5 + columns.count)"),
                            .span(.class("pin"), .text("\(index < Self.numerals.count ? Self.numerals[index] : String(index + 1))、\(item.name)")))),
                        .forEach(item.projects) { project in
                            // A project that only repeats its item's name needs no header row of its own.
                            let header = project.name != item.name || project.content != nil
                            return .group(
                                // The project's anchor (#project-N: the dashboard links to it) is its header row, or its first indicator's.
                                .if(header, .tr(.class("project-row"), .id("project-\(project.id)"),
                                    .td(.class("seq"), .text(Self.circled(project.seq))),
                                    .td(.attr("colspan", "\(4 + columns.count)"),
                                        .span(.class("pin"), .strong(.text(project.name)),
                                              .unwrap(project.content) { .span(.class("muted content"), .text("　" + $0)) })))),
                                .forEach(project.indicators.enumerated()) { index, indicator in
                                    indicatorRow(indicator, columns: columns, seq: !header && index == 0 ? Self.circled(project.seq) : nil,
                                                 anchor: !header && index == 0 ? "project-\(project.id)" : nil)
                                })
                        })
                })
            ))),
            .p(.class("note"), .text("表中每格上方为目标任务，下方为截至所选月份的完成数量与进度；“/”表示该区划无此项任务。汇总列按指标的汇总方式计算：求和为下级完成数量之和除以本级目标任务，平均为下级进度的算术平均。"))
        )
        return PageFrame.render(title: summary.title, context: context, body: body)
    }

    private func subtitle(_ summary: PlanService.Summary) -> String {
        var parts = ["\(summary.year) 年", summary.level.label, "制定：\(summary.ownerName)"]
        if summary.isShare { parts.append("显示\(summary.focusName)承担的任务") }
        if let month = summary.month, let schedule = browser.schedule {
            parts.append("截至 \(month) 月底，序时进度 \(Figures.percent(schedule))")
        }
        return parts.joined(separator: " · ")
    }

    private func monthPicker(_ summary: PlanService.Summary) -> Node<HTML.BodyContext> {
        guard !browser.months.isEmpty else { return .p(.class("muted"), .text("尚无已报送的进度数据，表中仅显示目标任务。")) }
        return Fragments.monthPicker(browser.months, current: summary.month, label: "调度月份") { month in
            SiteURL.plan(id: summary.id, region: browser.focus.regionID, month: month).path
        }
    }

    private func indicatorRow(_ indicator: PlanService.IndicatorRow, columns: [PlanService.Column], seq: String?, anchor: String? = nil) -> Node<HTML.TableContext> {
        .tr(.class("indicator-row"), .unwrap(anchor) { .id($0) },
            .td(.class("seq"), .text(seq ?? "")),
            .td(.class("name"), .a(.attr("href", SiteURL.indicatorTrend(plan: browser.summary.id, indicator: indicator.id, region: browser.focus.regionID).path),
                                   .attr("title", "逐月进度"), .text(indicator.name)),
                .span(.class("unit-inline"), .text("（\(indicator.unitLabel)）")),
                .unwrap(indicator.stopReason) { .div(.class("stopped-note"), .span(.class("badge stopped"), .text("停止实施")), .text(" " + $0)) },
                .unwrap(indicator.acceptanceStandard) { .div(.class("muted small"), .text("验收标准：" + $0)) },
                .unwrap(decomposeRegion) { region in
                    .a(.class("decompose-link hide-print"), .attr("href", SiteURL.decomposition(plan: browser.summary.id, indicator: indicator.id, region: region).path),
                       .attr("title", "分解\(browser.focus.name)承担的目标任务"), .text("分解"))
                }),
            .td(.class("meta"), .text(indicator.unitLabel)),
            .td(.class("meta"), .text(indicator.kind.label + (indicator.rule == indicator.kind.defaultAggregation ? "" : "（\(indicator.rule.label)）"))),
            .td(.class("meta"), .text(indicator.leadUnit ?? "")),
            .forEach(columns) { column in cell(indicator.cells[column.regionID], kind: indicator.kind, aggregate: column.isAggregate) })
    }

    private func cell(_ cell: PlanService.Cell?, kind: ProgressType, aggregate: Bool) -> Node<HTML.TableRowContext> {
        guard let cell else { return .td(.class("cell none" + (aggregate ? " aggregate" : "")), .text("/")) }
        let target: String = cell.target.map(Figures.quantity) ?? cell.targetNote ?? "—"
        let progress = cell.figure?.progress
        let quantity = cell.figure?.quantity
        return .td(.class("cell" + (aggregate ? " aggregate" : "")),
                   .unwrap(cell.responsibleUnit) { .attr("title", "责任单位：" + $0) },
                   .div(.class(cell.target == nil && cell.targetNote != nil ? "target note" : "target"), .text(target)),
                   .unwrap(progress) { value in
                       .group(
                           .div(.class("figure " + (cell.status?.rawValue ?? "")),
                                .unwrap(cell.carriedFrom) { .attr("title", "本月未报送，沿用 \($0) 月数据") },
                                .if(kind == .quantity && quantity != nil,
                                    .span(.class("qty"), .text(quantity.map { Figures.quantity($0) } ?? "") )),
                                .span(.class("pct"), .text(Figures.percent(value)))),
                           .raw(Charts.progressBar(percent: NSDecimalNumber(decimal: value).doubleValue, colour: Self.colour(cell.status))))
                   })
    }

    static func colour(_ status: ProgressStatus?) -> String {
        switch status {
        case .completed?: return "#1f8a4c"
        case .onSchedule?: return "#2f6fd0"
        case .lagging?: return "#d2452f"
        case nil: return "#9aa3af"
        }
    }

    /// ①②③ … as the bulletins number projects.
    static func circled(_ n: Int) -> String {
        if (1...20).contains(n), let scalar = Unicode.Scalar(0x2460 + n - 1) { return String(Character(scalar)) }
        if (21...35).contains(n), let scalar = Unicode.Scalar(0x3251 + n - 21) { return String(Character(scalar)) }
        return "\(n)"
    }
}
