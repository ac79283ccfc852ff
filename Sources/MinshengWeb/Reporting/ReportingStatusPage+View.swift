import Foundation
import MinshengCore
import MinshengData
import Plot

/// The status page's layout (`ReportingStatusPage+Model.swift` holds its figures).
extension ReportingStatusPage {
    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("\(grid.month) 月报送情况", subtitle: grid.planTitle + (grid.deadline.map { " · 截止 \($0)" } ?? "") + (grid.closed ? " · 已关账" : ""),
                                 trail: [("月度填报", SiteURL.reporting(plan: grid.planID, month: grid.month).path), ("报送情况", nil)]),
            .div(.class("stats"),
                 Fragments.stat("应报送", "\(grid.rows.count)"),
                 Fragments.stat("已报送", "\(grid.submitted)", tone: "completed"),
                 Fragments.stat("未报送", "\(missing.count)", tone: missing.isEmpty ? "" : "lagging"),
                 Fragments.stat("未报送单位", "\(units.count)")),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .if(!canManage, .p(.class("notice"), .text("本计划由\(ownerName)专班办公室设置截止日期、序时进度和关账；您可查看本辖区的报送情况并退回下级的报送。"))),
            .if(canManage, .div(.class("cards two"),
                .section(.class("panel"), .h2(.text("截止日期")),
                    .form(.method(.post), .action(SiteURL.monthDeadline(plan: grid.planID, month: grid.month).path),
                          PageFrame.csrfField(context.csrf),
                          .label(.for("deadline"), .text("\(grid.month) 月填报截止日期")),
                          .input(.type(.date), .attr("name", "deadline"), .id("deadline"), .attr("value", typed["deadline"] ?? grid.deadline ?? "")),
                          .button(.type(.submit), .class("button"), .text("保存")))),
                .section(.class("panel"), .h2(.text(grid.closed ? "已关账" : "关账")),
                    grid.closed
                    ? .form(.method(.post), .action(SiteURL.monthReopen(plan: grid.planID, month: grid.month).path),
                            PageFrame.csrfField(context.csrf),
                            .p(.class("hint"), .text("重新开放后可更正本月数据，操作与原因将被记录。")),
                            .label(.for("reopen-reason"), .text("重新开放的原因")),
                            .textarea(.attr("name", "reason"), .id("reopen-reason"), .attr("rows", "2"), .attr("maxlength", "500"), .required(true), .text(typed["reason"] ?? "")),
                            .button(.type(.submit), .class("button"), .text("重新开放")))
                    : .form(.method(.post), .action(SiteURL.monthClose(plan: grid.planID, month: grid.month).path),
                            PageFrame.csrfField(context.csrf),
                            .p(.class("hint"), .text("关账后本月进度数据锁定，填报、导入和退回均不可再进行；佐证资料仍可上传和审核。")),
                            .input(.type(.hidden), .name("missing"), .attr("value", "\(missing.count)")),
                            missing.isEmpty ? .p(.text("全部 \(grid.rows.count) 条均已报送。"))
                                : .group(.p(.class("notice error"), .text("仍有 \(units.count) 个单位的 \(missing.count) 条未报送（见下方清单）。关账后这些数据将无法再报送。")),
                                         .label(.class("check"), .input(.type(.checkbox), .name("confirm"), .attr("value", "1"), .required(true)),
                                                .text("我已核对，仍有 \(missing.count) 条未报送，确认关账"))),
                            .button(.type(.submit), .class(missing.isEmpty ? "button primary" : "button danger"), .text(missing.isEmpty ? "关账" : "确认关账")))))),
            .if(overdue, .div(.class("notice error"), .attr("role", "status"),
                .text("已过填报截止日期（\(grid.deadline ?? "")），仍有 \(missing.count) 条未报送。"))),
            .if(canManage, .section(.class("panel"), .h2(.text("序时进度")),
                .form(.method(.post), .action(SiteURL.planSchedule(plan: grid.planID, month: grid.month).path),
                      PageFrame.csrfField(context.csrf),
                      .p(.class("hint"), .text("默认第 m 月底为 m/12。若本计划另有规定，按“月份:百分比”填写，如 3:20,6:50,9:75；未写的月份仍按 m/12。本月序时进度：\(Figures.percent(grid.schedule))。")),
                      .label(.for("schedule"), .text("本计划的序时进度")),
                      .input(.type(.text), .attr("name", "schedule"), .id("schedule"), .attr("value", typed["schedule"] ?? schedule), .attr("maxlength", "200"), .attr("placeholder", "留空为按月平均")),
                      .button(.type(.submit), .class("button"), .text("保存"))))),
            .h2(.text("尚未报送的单位（\(units.count) 个）")),
            units.isEmpty ? Fragments.empty("全部已报送。") :
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("责任单位")), .th(.class("num"), .text("未报送")), .th(.text("指标与区划")), .th(.class("hide-phone"), .text("填报员")),
                           .if(canManage && !grid.closed, .th(.text("催报"))))),
                .tbody(.forEach(units) { unit in unitRow(unit.label, rows: unit.rows, context: context) }))),
            .h2(.text("已报送（\(submitted.count) 条）")),
            submitted.isEmpty ? Fragments.empty("尚无报送。") :
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("指标")), .th(.text("区划")), .th(.class("num"), .text("报送值")), .th(.class("hide-phone"), .text("进度情况")), .th(.text("退回")))),
                .tbody(.forEach(submitted) { row in submittedRow(row, context: context) })))
        )
        return PageFrame.render(title: "\(grid.month) 月报送情况", context: context, body: body)
    }

    private func unitRow(_ unit: String, rows: [ReportingService.Row], context: PageContext) -> Node<HTML.TableContext> {
        let unitID = rows.first?.responsibleUnitID
        let names = unitID.flatMap { reporterNames[$0] } ?? ""
        let remind: Node<HTML.BodyContext> = unitID == nil || names.isEmpty ? .span(.class("muted"), .text("—")) :
            .form(.class("inline"), .method(.post), .action(SiteURL.monthRemind(plan: grid.planID, month: grid.month).path), PageFrame.csrfField(context.csrf),
                  .input(.type(.hidden), .name("unit"), .attr("value", "\(unitID ?? 0)")), .input(.type(.hidden), .name("back"), .attr("value", "status")),
                  .button(.type(.submit), .class("button small"), .text("催报")))
        let items = rows.prefix(6).map { "\($0.indicatorName)（\($0.regionName)）" + ($0.state == .returned ? "［被退回］" : $0.state == .draft ? "［草稿］" : "") }
        return .tr(.td(.text(unit)), .td(.class("num"), .text("\(rows.count)")),
                   .td(.text(items.joined(separator: "；") + (rows.count > 6 ? " 等" : ""))),
                   .td(.class("hide-phone"), .text(names.isEmpty ? "未设填报员" : names)),
                   .if(canManage && !grid.closed, .td(remind)))
    }

    private func submittedRow(_ row: ReportingService.Row, context: PageContext) -> Node<HTML.TableContext> {
        let value = IndicatorTrendPage.value(row.report?.quantity, row.report?.quantity == nil ? row.report?.progress : nil)
        let own = row.regionID == principal.regionID
        return .tr(.td(.text(row.indicatorName)), .td(.text(row.regionName)), .td(.class("num"), .text(value), decreaseMark(row)),
                   .td(.class("hide-phone"), .text(row.report?.note ?? "")),
                   .td(grid.closed || own ? .span(.class("muted"), .text(own ? "本级数据" : "已关账")) :
                       .form(.class("inline-return"), .method(.post), .action(SiteURL.reportingReturn(plan: grid.planID, month: grid.month).path),
                             PageFrame.csrfField(context.csrf),
                             .input(.type(.hidden), .attr("name", "indicator"), .attr("value", "\(row.indicatorID)")),
                             .input(.type(.hidden), .attr("name", "region"), .attr("value", "\(row.regionID)")),
                             .input(.type(.text), .attr("name", "reason"), .attr("placeholder", "退回原因"), .attr("aria-label", "退回原因"), .attr("maxlength", "500"), .required(true)),
                             .button(.type(.submit), .class("button small"), .text("退回")))))
    }

    /// The office's mark on a figure lower than last month's, with its reason.
    private func decreaseMark(_ row: ReportingService.Row) -> Node<HTML.BodyContext> {
        guard let fall = falls[ReportingPage.key(row)] else { return .empty }
        return .div(.class("flag"), .text("低于上月（\(fall)）：" + (row.report?.decreaseReason ?? "未说明原因")))
    }
}
