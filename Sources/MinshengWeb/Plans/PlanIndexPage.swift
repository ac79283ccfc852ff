import MinshengCore
import MinshengData
import Plot

/// Every plan the account can see, by year.
struct PlanIndexPage {
    let plans: [PlanService.Summary]
    /// The account is an office: it may start a plan here.
    var canCreate = false

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("计划与任务分解", subtitle: "按年度列出省定、市定、县定重点民生实事计划及其任务分解。"),
            .if(canCreate, .p(.class("actions"),
                              .a(.class("button primary"), .attr("href", SiteURL.newPlan.path), .text("新建计划")),
                              .a(.class("button"), .attr("href", SiteURL.imports.path), .text("导入计划文件")))),
            .if(plans.isEmpty, Fragments.empty("暂无可查看的计划。")),
            .if(!plans.isEmpty, .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("hide-phone"), .text("年度")), .th(.text("级别")), .th(.class("title"), .text("计划")), .th(.class("hide-phone"), .text("制定")),
                           .th(.class("num"), .text("实事")), .th(.class("num"), .text("项目")), .th(.class("num"), .text("指标")),
                           .th(.class("hide-phone"), .text("最新调度")))),
                .tbody(.forEach(plans) { plan in
                    .tr(.td(.class("hide-phone"), .text("\(plan.year)")),
                        .td(.span(.class("level level-" + plan.level.rawValue), .text(plan.level.label))),
                        .td(.class("title"), .a(.attr("href", SiteURL.plan(id: plan.id).path), .text(plan.title))),
                        .td(.class("hide-phone"), .text(plan.isShare ? "\(plan.ownerName)（本级承担部分）" : plan.ownerName)),
                        .td(.class("num"), .text("\(plan.items)")),
                        .td(.class("num"), .text("\(plan.projects)")),
                        .td(.class("num"), .text("\(plan.indicators)")),
                        .td(.class("hide-phone"), .text(plan.month.map { "\($0) 月" } ?? "—")))
                })
            )))
        )
        return PageFrame.render(title: "计划与任务分解", context: context, body: body)
    }
}
