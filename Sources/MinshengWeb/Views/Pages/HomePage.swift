import MinshengCore
import MinshengData
import Plot

/// What the home page shows: every plan the account can see, with the status of its indicators
/// at the latest reported month.
struct HomePage {
    let principal: Principal
    let plans: [PlanService.Summary]
    let childRegions: [String]
    let accountCount: Int?

    func render(in context: PageContext) -> String {
        let years = Array(Set(plans.map(\.year))).sorted(by: >)
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("\(principal.regionName)重点民生实事总览",
                                 subtitle: "\(principal.displayName)，您好。以下是您所在行政区划可查看的计划及最新调度情况。"),
            feedbackNotice(),
            .div(.class("stats"),
                 Fragments.stat("计划", "\(plans.count)"),
                 Fragments.stat("实事", "\(plans.reduce(0) { $0 + $1.items })"),
                 Fragments.stat("项目", "\(plans.reduce(0) { $0 + $1.projects })"),
                 Fragments.stat("指标", "\(plans.reduce(0) { $0 + $1.indicators })"),
                 .if(!childRegions.isEmpty, Fragments.stat("下辖区划", "\(childRegions.count)")),
                 .unwrap(accountCount) { Fragments.stat("账号", "\($0)") }),
            .if(plans.isEmpty, Fragments.empty("暂无可查看的计划。专班办公室导入计划后，这里将显示各项实事的推进情况。")),
            .forEach(years) { year in
                .section(.class("year"),
                    .h2(.text("\(year) 年")),
                    .div(.class("cards"), .forEach(plans.filter { $0.year == year }) { plan in card(plan) }))
            },
            .if(!childRegions.isEmpty, .section(
                .h2(.text("下辖行政区划")),
                .p(.class("chips"), .forEach(childRegions) { .span(.class("chip"), .text($0)) })))
        )
        return PageFrame.render(title: "首页", context: context, body: body)
    }

    /// Opinions from the public pages waiting for this account: new since it last looked, and overdue.
    private func feedbackNotice() -> Node<HTML.BodyContext> {
        guard let notice = principal.feedback, notice.open > 0 else { return .empty }
        var parts: [String] = []
        if notice.new > 0 { parts.append("新收到 \(notice.new) 条") }
        parts.append("待回复 \(notice.open) 条")
        if notice.overdue > 0 { parts.append("其中 \(notice.overdue) 条已超过答复期限") }
        return .div(.class(notice.overdue > 0 ? "panel flagged home-notice" : "panel home-notice"), .attr("role", "status"),
                    .p(.strong(.text("群众意见：")), .text(parts.joined(separator: "，") + "。")),
                    .a(.class("button primary small"), .attr("href", SiteURL.feedbackInbox.path), .text("去处理")))
    }

    private func card(_ plan: PlanService.Summary) -> Node<HTML.BodyContext> {
        let counts = plan.counts
        let total = max(counts.completed + counts.onSchedule + counts.lagging + counts.unreported, 1)
        return .article(.class("card"),
            .div(.class("card-head"),
                 .span(.class("level level-" + plan.level.rawValue), .text(plan.level.label)),
                 .h3(.a(.attr("href", SiteURL.plan(id: plan.id).path), .text(plan.title)))),
            .p(.class("muted"), .text(plan.isShare ? "\(plan.ownerName)计划中\(plan.focusName)承担的任务" : "计划制定：\(plan.ownerName)")),
            .p(.class("counts"), .text("\(plan.items) 件实事 · \(plan.projects) 个项目 · \(plan.indicators) 个指标" + (plan.childRegions > 0 ? " · 分解至 \(plan.childRegions) 个区划" : ""))),
            .unwrap(plan.month, { month in
                .group(
                    .div(.class("meter"), .attr("aria-hidden", "true"),
                         .raw(Charts.stackedBar([(counts.completed, "#1f8a4c"), (counts.onSchedule, "#2f6fd0"),
                                                 (counts.lagging, "#d2452f"), (counts.unreported, "#c9ced6")], total: total))),
                    .p(.class("legend"),
                       .text("截至 \(month) 月底（序时进度 \(Figures.percent(Schedule.share(endOfMonth: month)))）："),
                       .span(.class("dot completed")), .text("已完成 \(counts.completed)　"),
                       .span(.class("dot on_schedule")), .text("按序时推进 \(counts.onSchedule)　"),
                       .span(.class("dot lagging")), .text("未达序时 \(counts.lagging)"),
                       .if(counts.unreported > 0, .text("　未填报 \(counts.unreported)")),
                       .if(plan.completionRule != .aggregate, .span(.class("muted"), .text("（已完成按\(plan.completionRule.label)计）")))))
            }, else: .p(.class("muted"), .text("尚无已报送的进度数据。"))),
            .a(.class("more"), .attr("href", SiteURL.plan(id: plan.id).path), .text("查看任务分解 →"))
        )
    }
}
