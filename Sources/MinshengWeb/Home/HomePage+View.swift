import MinshengCore
import MinshengData
import Plot

/// The home page's layout (`HomePage+Model.swift` holds its figures).
extension HomePage {
    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("\(principal.regionName)重点民生实事总览",
                                 subtitle: "\(principal.displayName)，您好。以下是您所在行政区划可查看的计划及最新调度情况。"),
            workList(context),
            .div(.class("stats"),
                 Fragments.stat("计划", "\(planCount)"),
                 Fragments.stat("实事", "\(itemCount)"),
                 Fragments.stat("项目", "\(projectCount)"),
                 Fragments.stat("指标", "\(indicatorCount)"),
                 .if(!childRegions.isEmpty, Fragments.stat("下辖区划", "\(childRegions.count)")),
                 .unwrap(accountCount) { Fragments.stat("账号", "\($0)") }),
            .if(cards.isEmpty, Fragments.empty("暂无可查看的计划。专班办公室导入计划后，这里将显示各项实事的推进情况。")),
            .forEach(years) { year in
                .section(.class("year"),
                    .h2(.text("\(year) 年")),
                    .div(.class("cards"), .forEach(cards.filter { $0.plan.year == year }) { card($0) }))
            },
            .if(!childRegions.isEmpty, .section(
                .h2(.text("下辖行政区划")),
                .p(.class("chips"), .forEach(childRegions) { .span(.class("chip"), .text($0)) })))
        )
        return PageFrame.render(title: "首页", context: context, body: body)
    }

    /// 待办: what waits for this account, each with its count and a link to where it is done.
    private func workList(_ context: PageContext) -> Node<HTML.BodyContext> {
        var items: [Node<HTML.ListContext>] = []
        func todo(_ text: String, detail: String? = nil, urgent: Bool, link: (String, String, Bool), extra: Node<HTML.BodyContext> = .empty) -> Node<HTML.ListContext> {
            let button: Node<HTML.BodyContext> = .a(.class(link.2 ? "button small primary" : "button small"), .attr("href", link.1), .text(link.0))
            let body: Node<HTML.BodyContext> = .group(.span(.class("todo-text"), .text(text)), .unwrap(detail) { .div(.class("small muted todo-detail"), .text($0)) }, button, extra)
            return .li(.class(urgent ? "todo urgent" : "todo"), body)
        }
        for reminder in work.reminders {
            let when: String = "（" + ChineseDate.dayAndTime(reminder.createdAt) + "）"
            let dismiss: Node<HTML.BodyContext> = .form(.class("inline"), .method(.post), .action(SiteURL.reminderDismiss(id: reminder.id ?? 0).path), PageFrame.csrfField(context.csrf),
                                                        .button(.type(.submit), .class("button small"), .text("知道了")))
            items.append(todo("催报：" + reminder.text + when, urgent: true,
                              link: ("去填报", SiteURL.reporting(plan: reminder.planID, month: reminder.month).path, true), extra: dismiss))
        }
        for due in work.due where due.due > 0 || !due.returned.isEmpty {
            let deadline: String = due.deadline.map { "，截止 " + $0 } ?? ""
            let text: String = "《\(due.planTitle)》\(due.month) 月：应填报 \(due.total) 条，尚有 \(due.due) 条未报送" + deadline + "。"
            let returned: [String] = due.returned.prefix(3).map { $0.indicator + "（" + $0.region + "）：" + $0.reason }
            let detail: String? = due.returned.isEmpty ? nil : "被退回 \(due.returned.count) 条：" + returned.joined(separator: "；") + (due.returned.count > 3 ? " 等" : "")
            items.append(todo(text, detail: detail, urgent: !due.returned.isEmpty, link: ("去填报", SiteURL.reporting(plan: due.planID, month: due.month).path, true)))
        }
        if !work.returnedEvidence.isEmpty {
            let listed: [String] = work.returnedEvidence.prefix(3).map { $0.indicator + "（" + $0.region + " \($0.month) 月）：" + $0.reason }
            let detail: String = listed.joined(separator: "；") + (work.returnedEvidence.count > 3 ? " 等" : "")
            items.append(todo("佐证资料被退回 \(work.returnedEvidence.count) 条。", detail: detail, urgent: true,
                              link: ("查看并重新上传", SiteURL.evidenceMine.path + "?status=returned", false)))
        }
        if let notice = principal.feedback, notice.open > 0 {
            var parts: [String] = []
            if notice.new > 0 { parts.append("新收到 \(notice.new) 条") }
            parts.append("待回复 \(notice.open) 条")
            if notice.overdue > 0 { parts.append("其中 \(notice.overdue) 条已超过答复期限") }
            items.append(todo("群众意见：" + parts.joined(separator: "，") + "。", urgent: notice.overdue > 0,
                              link: ("去回复", SiteURL.feedbackInbox.path + "?status=received", true)))
        }
        if work.reviewPending > 0 {
            let oldest: String = work.reviewOldestDays.map { "，最早的已等待 \($0) 天" } ?? ""
            items.append(todo("佐证资料待审核 \(work.reviewPending) 条" + oldest + "。", urgent: (work.reviewOldestDays ?? 0) > 5,
                              link: ("去审核", SiteURL.evidenceReview.path, true)))
        }
        // The leader's summary: where each plan stands, and what lags.
        for standing in standings {
            do {
                let (plan, month) = (standing.plan, standing.month)
                let c = plan.counts
                let text = "《\(plan.title)》截至 \(month) 月底：\(c.completed) 个指标已完成，\(c.onSchedule) 个按序时推进，\(c.lagging) 个未达序时。"
                items.append(todo(text, urgent: c.lagging > 0, link: (c.lagging > 0 ? "查看未达序时的指标" : "完成情况清单",
                                                                      SiteURL.planLists(id: plan.id, region: nil, month: month).path, c.lagging > 0)))
            }
        }
        let office: [Node<HTML.BodyContext>] = officeMonths.map { officeMonth($0, context: context) }
        guard !items.isEmpty || !office.isEmpty else {
            return .div(.class("panel worklist"), .h2(.text(heading)), .p(.class("muted"), .text("目前没有等待您处理的事项。")))
        }
        return .div(.class("panel worklist"), .h2(.text(heading)),
                    .if(!items.isEmpty, .ul(.class("todos"), .group(items))),
                    .group(office))
    }

    /// The office's units that have not reported a plan's month, each with a 催报 button.
    private func officeMonth(_ office: OfficeMonth, context: PageContext) -> Node<HTML.BodyContext> {
        let (month, missing, reachable, shown) = (office.month, office.missing, office.reachable, office.shown)
        let deadline: String = month.deadline.map { "（截止 " + $0 + "）" } ?? ""
        let summary: String = "《\(month.planTitle)》\(month.month) 月：已报送 \(month.submitted)/\(month.total) 条，\(month.units.count) 个单位尚有 \(missing) 条未报送" + deadline + "。"
        let rows: [Node<HTML.TableContext>] = shown.map { unit in
            let action: Node<HTML.BodyContext>
            if unit.unitID == nil {
                action = .span(.class("muted"), .text("未指定责任单位"))
            } else if unit.reporters == 0 {
                action = .span(.class("muted"), .text("未设填报员"))
            } else {
                let sent: Node<HTML.BodyContext> = unit.remindedAt.map { .span(.class("muted small"), .text(" 已于 " + ChineseDate.dayAndTime($0) + " 催报")) } ?? .empty
                let form: Node<HTML.BodyContext> = .form(.class("inline"), .method(.post), .action(SiteURL.monthRemind(plan: month.planID, month: month.month).path),
                               PageFrame.csrfField(context.csrf),
                               .input(.type(.hidden), .name("unit"), .attr("value", "\(unit.unitID ?? 0)")),
                               .button(.type(.submit), .class("button small"), .text(unit.remindedAt == nil ? "催报" : "再次催报")))
                action = .group(form, sent)
            }
            return .tr(.td(.text(unit.label)), .td(.class("num"), .text("\(unit.missing)")), .td(action))
        }
        let status = SiteURL.reportingStatus(plan: month.planID, month: month.month).path
        let remindAll: Node<HTML.BodyContext> = reachable == 0 ? .empty :
            .form(.class("inline"), .method(.post), .action(SiteURL.monthRemind(plan: month.planID, month: month.month).path), PageFrame.csrfField(context.csrf),
                  .input(.type(.hidden), .name("unit"), .attr("value", "all")),
                  .button(.type(.submit), .class("button small primary"), .text("向 \(reachable) 个有填报员的单位一键催报")))
        return .section(.class("todo-office"),
                        .p(.class("todo-summary"), .strong(.text(summary)), .text(" "), remindAll,
                           .a(.class("button small"), .attr("href", status), .text("全部 \(month.units.count) 个单位与报送情况"))),
                        .div(.class("table-wrap"), .table(.class("list"),
                            .thead(.tr(.th(.text("未报送的单位")), .th(.class("num"), .text("未报送")), .th(.text("催报")))),
                            .tbody(.group(rows)))),
                        .if(month.units.count > shown.count, .p(.class("muted small"), .text("另有 \(month.units.count - shown.count) 个单位未报送，"),
                                                               .a(.attr("href", status), .text("在报送情况中查看全部")))))
    }

    private func card(_ card: Card) -> Node<HTML.BodyContext> {
        let (plan, counts, total) = (card.plan, card.plan.counts, card.barTotal)
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
                       .text("截至 \(month) 月底（序时进度 \(card.schedule.map(Figures.percent) ?? "—")）："),
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
