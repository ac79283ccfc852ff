import Foundation
import MinshengCore
import MinshengData
import Plot

/// The reporter's grid: its unit's shares for the month, with last month's figure beside each,
/// to save as a draft or submit.
struct ReportingPage {
    let principal: Principal
    let plans: [Plan]
    let grid: ReportingService.Grid?
    let message: String?
    var typed: [String: String] = [:]
    /// Filters and page of the grid (region, indicator as `project`, state as `status`).
    var query = ListQuery()

    /// The grid's rows after the filters.
    static func filtered(_ rows: [ReportingService.Row], _ filter: ListFilter, tree: RegionTree) -> [ReportingService.Row] {
        var rows = rows
        if let region = filter.regionID { let ids = tree.subtreeIDs(of: region); rows = rows.filter { ids.contains($0.regionID) } }
        if let indicator = filter.projectID { rows = rows.filter { $0.indicatorID == indicator } }
        switch filter.status {
        case "unreported"?: rows = rows.filter { $0.report == nil }
        case "draft"?: rows = rows.filter { $0.state == .draft }
        case "submitted"?: rows = rows.filter { $0.state == .submitted }
        case "returned"?: rows = rows.filter { $0.state == .returned }
        default: break
        }
        if let text = filter.text { rows = rows.filter { $0.indicatorName.contains(text) || $0.projectName.contains(text) || ($0.responsibleUnit ?? "").contains(text) } }
        return rows
    }

    private func gridFilters(_ grid: ReportingService.Grid) -> Node<HTML.BodyContext> {
        var regions: [(String, String)] = [], seenRegions = Set<Int>()
        var indicators: [(String, String)] = [], seenIndicators = Set<Int>()
        for row in grid.rows {
            if seenRegions.insert(row.regionID).inserted { regions.append(("\(row.regionID)", row.regionName)) }
            if seenIndicators.insert(row.indicatorID).inserted { indicators.append(("\(row.indicatorID)", row.indicatorName)) }
        }
        let f = query.filter
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
        let page = Listing.slice(Self.filtered(grid.rows, query.filter, tree: principal.tree), query.window)
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
                 Fragments.stat("应填报", "\(grid.rows.count)"),
                 Fragments.stat("已报送", "\(grid.submitted)", tone: "completed"),
                 Fragments.stat("草稿", "\(grid.rows.filter { $0.state == .draft }.count)"),
                 Fragments.stat("被退回", "\(grid.rows.filter { $0.state == .returned }.count)", tone: "lagging"),
                 Fragments.stat("未填报", "\(grid.rows.filter { $0.report == nil }.count)")),
            .if(locked, .div(.class("notice error"), .attr("role", "status"), .text("\(grid.month) 月已关账，进度数据已锁定；佐证资料仍可上传和审核。如需更正数据，请联系专班办公室重新开放该月。"))),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .if(principal.may(.office), .p(.a(.class("button"), .attr("href", SiteURL.reportingStatus(plan: grid.planID, month: grid.month).path), .text("查看报送情况、退回与关账")))),
            grid.rows.isEmpty ? Fragments.empty("本月没有需要您填报的指标。") : .group(
            .if(grid.rows.count > 10, gridFilters(grid)),
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
        let key = "\(row.indicatorID)_\(row.regionID)"
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
        let typedFall = ReportingService.decrease(row, quantity: ImportNumber.value(quantity), progress: ProgressFile.percent(progress))
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

    /// The office's mark on a figure lower than last month's, with its reason.
    static func decreaseMark(_ row: ReportingService.Row) -> Node<HTML.BodyContext> {
        guard let report = row.report, let fall = ReportingService.decrease(row, quantity: report.quantity, progress: report.quantity == nil ? report.progress : nil) else { return .empty }
        return .div(.class("flag"), .text("低于上月（\(fall)）：" + (report.decreaseReason ?? "未说明原因")))
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

/// The office's view of a month: who has not submitted, what is missing, returns, the
/// deadline, closing and reopening.
struct ReportingStatusPage {
    let principal: Principal
    let grid: ReportingService.Grid
    let reporters: [Account]
    let schedule: String
    /// The viewer is the plan's office (or one above): it sets the deadline, schedule and closing.
    var canManage = true
    var ownerName = ""
    var message: String? = nil
    /// What a refused form held, shown again.
    var typed: [String: String] = [:]

    func render(in context: PageContext) -> String {
        let missing = grid.missing
        let units = grid.missingByUnit
        let submitted = grid.rows.filter { $0.state == .submitted }
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
            .if(overdue(missing: missing.count), .div(.class("notice error"), .attr("role", "status"),
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

    /// Past the deadline with figures still missing (the deadline is a calendar day, inclusive).
    private func overdue(missing: Int) -> Bool {
        guard missing > 0, let deadline = grid.deadline else { return false }
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date()) > deadline
    }

    private func unitRow(_ unit: String, rows: [ReportingService.Row], context: PageContext) -> Node<HTML.TableContext> {
        let unitID = rows.first?.responsibleUnitID
        let names = reporters.filter { $0.$unit.id == unitID && unitID != nil }.map(\.displayName).joined(separator: "、")
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
        return .tr(.td(.text(row.indicatorName)), .td(.text(row.regionName)), .td(.class("num"), .text(value), ReportingPage.decreaseMark(row)),
                   .td(.class("hide-phone"), .text(row.report?.note ?? "")),
                   .td(grid.closed || own ? .span(.class("muted"), .text(own ? "本级数据" : "已关账")) :
                       .form(.class("inline-return"), .method(.post), .action(SiteURL.reportingReturn(plan: grid.planID, month: grid.month).path),
                             PageFrame.csrfField(context.csrf),
                             .input(.type(.hidden), .attr("name", "indicator"), .attr("value", "\(row.indicatorID)")),
                             .input(.type(.hidden), .attr("name", "region"), .attr("value", "\(row.regionID)")),
                             .input(.type(.text), .attr("name", "reason"), .attr("placeholder", "退回原因"), .attr("aria-label", "退回原因"), .attr("maxlength", "500"), .required(true)),
                             .button(.type(.submit), .class("button small"), .text("退回")))))
    }
}
