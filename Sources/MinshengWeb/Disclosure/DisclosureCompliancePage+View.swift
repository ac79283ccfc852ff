import Foundation
import MinshengCore
import MinshengData
import Plot

/// The compliance page's layout (`DisclosureCompliancePage+Model.swift` holds its figures).
extension DisclosureCompliancePage {
    private var table: DisclosureTable { report.table }

    private func url(region: Int? = nil, month: Int? = nil) -> String {
        SiteURL.disclosureCompliance(plan: planID, region: region ?? focusRegionID, month: month ?? report.month).path
    }

    func render(in context: PageContext) -> String {
        let rows = report.rows
        let crumbs: [(String, String?)] = [("计划与任务分解", SiteURL.plans.path), (report.planTitle, SiteURL.plan(id: planID).path)]
            + trail.map { ($0.name, $0.id == focusRegionID ? nil : url(region: $0.id)) } + [("信息公开考核", nil)]
        let header = Fragments.pageHeader("信息公开考核", subtitle: "\(report.planTitle) · \(report.regionName) · 截至 \(report.year) 年 \(report.month) 月",
                                          trail: crumbs)
        let stats: Node<HTML.BodyContext> = .div(.class("stats"),
            Fragments.stat("项目（区划）", "\(rows.count)"),
            Fragments.stat("每月按要求更新", "\(meeting)", tone: "completed"),
            Fragments.stat("全年动态不足", "\(report.short.count)", tone: report.short.isEmpty ? "" : "lagging"),
            Fragments.stat("无新闻动态", "\(report.withoutNews.count)", tone: report.withoutNews.isEmpty ? "" : "lagging"),
            Fragments.stat("缺少必备类别", "\(report.missingCategory.count)", tone: report.missingCategory.isEmpty ? "" : "lagging"),
            Fragments.stat("待核查信息", "\(flagged.count)", tone: flagged.isEmpty ? "" : "lagging"))
        let exports: Node<HTML.BodyContext> = .p(.class("actions"),
            .a(.class("button"), .attr("href", SiteURL.disclosureComplianceExport(plan: planID, region: focusRegionID, month: report.month, format: "xlsx").path), .text("导出 Excel")),
            .a(.class("button"), .attr("href", SiteURL.disclosureComplianceExport(plan: planID, region: focusRegionID, month: report.month, format: "csv").path), .text("导出 CSV")))
        let body: Node<HTML.BodyContext> = .group(
            header, Fragments.monthPicker(1...12, current: report.month, label: "统计截至", url: { url(month: $0) }), ruleLine(context: context), stats, exports,
            rows.isEmpty ? Fragments.empty("该计划在\(report.regionName)没有分解到项目。") : .group(regions(), matrix(), shortList(), gaps(), quality()))
        return PageFrame.render(title: "信息公开考核", context: context, body: body)
    }


    private func ruleLine(context: PageContext) -> Node<HTML.BodyContext> {
        let rule = report.rule
        let text = "动态更新要求：自 \(rule.fromMonth) 月起，每个项目每月至少发布 \(rule.minimum) 条工作动态（新闻动态、工作总结、工作专报或典型案例），全年应达 \(report.requiredTotal) 条；"
            + "政策文件、建设内容、项目详情三类各至少一条。"
        guard mayRule else { return .p(.class("hint"), .text(text)) }
        return .div(.class("panel"),
                    .p(.class("hint"), .text(text)),
                    .form(.class("limit"), .method(.post), .action(SiteURL.disclosureRule(plan: planID).path),
                          PageFrame.csrfField(context.csrf),
                          .input(.type(.hidden), .name("region"), .attr("value", "\(focusRegionID)")),
                          .input(.type(.hidden), .name("month"), .attr("value", "\(report.month)")),
                          .label(.for("fromMonth"), .text("自")),
                          .select(.attr("name", "fromMonth"), .id("fromMonth"), .forEach(1...12) { month in
                              Fragments.option(value: "\(month)", label: "\(month) 月", selected: month == rule.fromMonth)
                          }),
                          .label(.for("minimum"), .text("起，每月至少")),
                          .input(.type(.text), .id("minimum"), .name("minimum"), .attr("inputmode", "numeric"), .attr("value", "\(rule.minimum)"),
                                 .attr("maxlength", "2")),
                          .span(.text("条工作动态")),
                          .button(.type(.submit), .class("button"), .text("保存"))))
    }

    /// Each region's share of projects that have completed the year's disclosure task.
    private func regions() -> Node<HTML.BodyContext> {
        let head: Node<HTML.TableContext> = .thead(.tr(.th(.text("行政区划")), .th(.class("num"), .text("项目")),
                                                       .th(.class("num"), .text("已完成")), .th(.class("num"), .text("完成率"))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(table.completionByRegion) { entry in
            let id = drillable[entry.region]
            let drill = id != nil
            let share = entry.share.map(Figures.percent) ?? "—"
            return .tr(.td(drill ? .a(.attr("href", url(region: id)), .attr("title", "查看\(entry.region)的下级"), .text(entry.region + " ›")) : .text(entry.region)),
                       .td(.class("num"), .text("\(entry.projects)")), .td(.class("num"), .text("\(entry.completed)")),
                       .td(.class("num"), .text(share)))
        })
        return .div(.class("panel"), .h2(.text("各地完成情况")),
                    .p(.class("hint"), .text("已完成全年公开任务：三类必备信息齐全，且全年工作动态已达 \(report.requiredTotal) 条。")),
                    .div(.class("table-wrap"), .table(.class("list"), head, body)))
    }

    /// Reference 002 附表4: √ for each judged month the project met the rule.
    private func matrix() -> Node<HTML.BodyContext> {
        let (whole, rows, showRegion) = (matrixIsWhole, matrixRows, showsRegion)
        let head: Node<HTML.TableContext> = .thead(.tr(
            .th(.class("hide-phone"), .text("序号")), .th(.class("name"), .text(showRegion ? "项目 / 区划 · 责任单位" : "项目 / 责任单位")),
            .forEach(judged) { .th(.class("tick"), .text("\($0)月")) },
            .th(.class("num"), .text("工作动态"))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(rows.enumerated()) { index, row in
            .tr(.td(.class("num hide-phone"), .text("\(index + 1)")),
                .td(.class("name"), .a(.attr("href", SiteURL.publicProject(project: row.projectID, region: row.regionID).path), .text(row.project)),
                    .div(.class("muted small"), .text(([showRegion ? row.region : nil, row.unit].compactMap { $0 }).joined(separator: " · ")))),
                .forEach(judged) { month in
                    row.monthly[month] == true
                        ? .td(.class("tick"), .attr("title", "\(month) 月 \(row.updatesByMonth[month] ?? 0) 条"), .text("√"))
                        : .td(.class("tick miss"), .attr("title", "\(month) 月 \(row.updatesByMonth[month] ?? 0) 条，未达要求"), .text("·"))
                },
                .td(.class("num"), .text("\(row.updates)")))
        })
        let title = whole ? "项目每月动态情况" : "未按月更新的项目（\(rows.count) 个）"
        let hint = judged.isEmpty ? "\(report.rule.fromMonth) 月起开始考核每月动态。"
            : "√ 表示当月工作动态达到要求；标红的月份未达到。" + (whole ? "" : "全部 \(report.rows.count) 个项目（区划）的逐月情况见导出的 Excel。")
        return .div(.class("panel"), .h2(.text(title)), .p(.class("hint"), .text(hint)),
                    rows.isEmpty ? Fragments.empty("每个项目每月都按要求更新了工作动态。")
                        : .div(.class("table-wrap"), .table(.class("list compliance"), head, body)))
    }

    /// Reference 000 附件2: the projects short of the year's updates, with counts per kind.
    private func shortList() -> Node<HTML.BodyContext> {
        guard !report.short.isEmpty else {
            return .div(.class("panel"), .h2(.text("未达到动态更新要求的项目")), Fragments.empty("所有项目的工作动态均已达到全年 \(report.requiredTotal) 条。"))
        }
        let head: Node<HTML.TableContext> = .thead(.tr(.th(.text("序号")), .th(.text("县市区")), .th(.text("责任单位")), .th(.text("项目名称")),
                                                       .forEach(Self.kinds) { .th(.class("num"), .text($0.label)) }, .th(.class("num"), .text("总数"))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(report.short.enumerated()) { index, row in
            .tr(.td(.class("num"), .attr("data-label", "序号"), .text("\(index + 1)")),
                .td(.attr("data-label", "县市区"), .text(row.region)),
                .td(.attr("data-label", "责任单位"), .text(row.unit ?? "")),
                .td(.attr("data-label", "项目"), .text(row.project)),
                .forEach(Self.kinds) { kind in .td(.class("num"), .attr("data-label", kind.label), .text("\(row.counts[kind] ?? 0)")) },
                .td(.class("num"), .attr("data-label", "总数"), .text("\(row.updates)")))
        })
        return .div(.class("panel"), .h2(.text("未达到动态更新要求的项目（\(report.short.count) 个）")),
                    .p(.class("hint"), .text("全年应发布工作动态 \(report.requiredTotal) 条，统计截至 \(report.month) 月。")),
                    .div(.class("table-wrap"), .table(.class("list stacked"), head, body)))
    }

    private func gaps() -> Node<HTML.BodyContext> {
        func list(_ rows: [DisclosureComplianceService.Row], note: (DisclosureComplianceService.Row) -> String?) -> Node<HTML.BodyContext> {
            .ul(.class("plain"), .forEach(rows) { row in
                .li(.a(.attr("href", SiteURL.publicProject(project: row.projectID, region: row.regionID).path), .text(row.project)),
                    .span(.class("muted small"), .text(" \(row.region)" + (row.unit.map { " · \($0)" } ?? ""))),
                    .unwrap(note(row)) { .div(.class("flag"), .text($0)) })
            })
        }
        return .div(.class("columns"),
                    .div(.class("panel"), .h2(.text("没有新闻动态的项目（\(report.withoutNews.count) 个）")),
                         report.withoutNews.isEmpty ? Fragments.empty("每个项目都有新闻动态。") : list(report.withoutNews) { _ in nil }),
                    .div(.class("panel"), .h2(.text("缺少必备类别的项目（\(report.missingCategory.count) 个）")),
                         report.missingCategory.isEmpty ? Fragments.empty("每个项目的政策文件、建设内容、项目详情均已公开。")
                             : list(report.missingCategory) { "缺少：" + $0.missingCategories.map(\.label).joined(separator: "、") }))
    }

    /// Items the quality checks flag: repeats (滥竽充数) and progress sheets or site photos filed
    /// as 工作专报 (张冠李戴), each with its reason.
    private func quality() -> Node<HTML.BodyContext> {
        guard !flagged.isEmpty else {
            return .div(.class("panel"), .h2(.text("质量核查")), Fragments.empty("没有发现重复发布或归类不当的信息。"))
        }
        let head: Node<HTML.TableContext> = .thead(.tr(.th(.text("标题")), .th(.text("类别")), .th(.text("日期")), .th(.text("项目 / 区划")), .th(.text("问题"))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(flagged) { entry in
            .tr(.td(.attr("data-label", "标题"), .a(.attr("href", SiteURL.publicItem(id: entry.item.id ?? 0).path), .text(entry.item.title))),
                .td(.attr("data-label", "类别"), .text(entry.item.disclosureCategory?.label ?? "")),
                .td(.class("nowrap"), .attr("data-label", "日期"), .text(entry.item.publishedOn)),
                .td(.attr("data-label", "项目"), .text(entry.project), .div(.class("muted small"), .text(entry.region))),
                .td(.attr("data-label", "问题"), .forEach(entry.flags) { .div(.class("flag"), .text($0)) }))
        })
        return .div(.class("panel"), .h2(.text("质量核查（\(flagged.count) 条）")),
                    .p(.class("hint"), .text("专班办公室可在“信息公开”页面填写原因后撤回。")),
                    .div(.class("table-wrap"), .table(.class("list stacked"), head, body)))
    }
}
