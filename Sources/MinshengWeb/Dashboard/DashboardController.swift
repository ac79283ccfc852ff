import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 领导看板 `/dashboard?region=&month=YYYY-MM&level=`: a region's month at a glance, drilled down
/// from region to child region, project and indicator, by the bulletin's own facts.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireSignIn()).get(SiteURL.dashboard(), use: show)
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard Access.readsDashboard(principal.actor) else { throw Abort(.forbidden, reason: "领导看板供领导、专班办公室和监督人员查看。") }
        let region = req.query[Int.self, at: "region"] ?? principal.regionID
        try AccessPolicy.read(region: region).check(req)
        let level = (try? req.query.get(String.self, at: "level")).flatMap { $0.isEmpty ? nil : PlanLevel(rawValue: $0) }
        let service = DashboardService(db: req.db)
        // The month asked for; else the latest closed month of the latest year with plans.
        var year: Int, month: Int
        if let text = try? req.query.get(String.self, at: "month"), !text.isEmpty {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y), (1...12).contains(m) else {
                throw Abort(.badRequest, reason: "月份应为 YYYY-MM 格式，如 2024-10。")
            }
            (year, month) = (y, m)
        } else {
            let now = ChineseDate.yearMonth(Date())
            let years = try await Year.query(on: req.db).sort(\.$year, .descending).all().map(\.year).filter { $0 <= now.year }
            var chosen: (Int, Int)? = nil
            for y in years where chosen == nil {
                guard try await !BulletinService(db: req.db).plans(regionID: region, year: y, level: nil, tree: principal.tree).isEmpty else { continue }
                chosen = (y, try await service.latestClosedMonth(regionID: region, year: y, tree: principal.tree) ?? (y == now.year ? now.month : 12))
            }
            (year, month) = chosen ?? (now.year, now.month)
        }
        let dashboard = try await service.dashboard(regionID: region, year: year, month: month, level: level, tree: principal.tree)
        let trail = principal.tree.ancestors(of: region).filter { principal.sees(region: $0.id) }.map { (id: $0.id, name: $0.name) }
        return req.page(DashboardPage(dashboard: dashboard, trail: trail).render(in: PageContext(request: req)))
    }
}

struct DashboardPage {
    let dashboard: DashboardService.Dashboard
    let trail: [(id: Int, name: String)]

    private var monthText: String { String(format: "%04d-%02d", dashboard.year, dashboard.month) }

    private func link(region: Int) -> String { SiteURL.dashboard(region: region, month: monthText, level: dashboard.level?.rawValue).path }

    private func figure(_ value: Decimal?) -> String { value.map(Figures.percent) ?? "—" }

    /// A chart with its data table one click away.
    private func chart(_ title: String, svg: String, table: Node<HTML.BodyContext>, note: String? = nil) -> Node<HTML.BodyContext> {
        .div(.class("panel chart-panel"), .h3(.text(title)), .unwrap(note) { .p(.class("hint"), .text($0)) },
             .div(.class("chart"), .raw(svg)),
             .element(named: "details", nodes: [.element(named: "summary", text: "查看数据表"), table]))
    }

    private func legend() -> Node<HTML.BodyContext> {
        .p(.class("legend"), .span(.class("dot completed")), .text("已完成 "), .span(.class("dot on_schedule")), .text("按序时推进 "),
           .span(.class("dot lagging")), .text("未达序时 "), .span(.class("dot none")), .text("尚无进度"))
    }

    private func level(_ level: DashboardService.Level) -> Node<HTML.BodyContext> {
        let table = level.table
        let s = table.summary
        let children = level.children.filter { $0.shares > 0 }
        let sorted = children.sorted { a, b in
            let pa = a.meanProgress ?? -1, pb = b.meanProgress ?? -1
            return pa != pb ? pa < pb : a.name < b.name
        }
        let status: Node<HTML.BodyContext> = .div(.class("panel chart-panel"),
            .h3(.text("指标和项目完成情况")),
            .p(.class("hint"), .text("\(table.periodLabel)，序时进度 \(figure(table.schedule))" + (table.completionRule == .everyRegion ? "；按汇总数及各区划均完成计为已完成" : ""))),
            .p(.text("指标 \(s.indicators) 个：已完成 \(s.completed)、按序时 \(s.onSchedule)、未达序时 \(s.lagging)" + (s.unreported > 0 ? "、尚无进度 \(s.unreported)" : ""))),
            .div(.class("chart"), .raw(DashboardCharts.status("指标完成情况", completed: s.completed, onSchedule: s.onSchedule, lagging: s.lagging, unreported: s.unreported))),
            .p(.text("项目 \(s.projects) 个：已完成 \(s.projectsCompleted)、按序时 \(s.projectsOnSchedule)、未达序时 \(s.projectsLagging)")),
            .div(.class("chart"), .raw(DashboardCharts.status("项目完成情况", completed: s.projectsCompleted, onSchedule: s.projectsOnSchedule, lagging: s.projectsLagging,
                                                                unreported: max(0, s.projects - s.projectsCompleted - s.projectsOnSchedule - s.projectsLagging)))),
            legend())
        let regionRows: Node<HTML.BodyContext> = .div(.class("table-wrap"), .table(.class("list"),
            .thead(.tr(.th(.text("区划")), .th(.class("num"), .text("已完成")), .th(.class("num"), .text("按序时")), .th(.class("num"), .text("未达序时")),
                       .th(.class("num"), .text("平均进度")), .th(.class("num"), .text("平均验收率")))),
            .tbody(.forEach(sorted) { c in
                .tr(.td(c.regionID.map { id in Node<HTML.BodyContext>.a(.attr("href", link(region: id)), .text(c.name)) } ?? .text(c.name)),
                    .td(.class("num"), .text("\(c.completed)")), .td(.class("num"), .text("\(c.onSchedule)")),
                    .td(.class(c.lagging > 0 ? "num lagging-text" : "num"), .text("\(c.lagging)")),
                    .td(.class("num"), .text(figure(c.meanProgress))), .td(.class("num"), .text(figure(c.meanAcceptance))))
            })))
        let lagging = table.rows(with: .lagging)
        let laggingPanel: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("未达序时的指标（\(lagging.count) 个）")),
            lagging.isEmpty ? .p(.class("hint"), .text("没有未达序时的指标。")) :
            .ul(.forEach(lagging) { row in
                .li(.a(.attr("href", SiteURL.indicatorTrend(plan: level.planID, indicator: row.indicatorID, region: dashboard.regionID).path), .text(ChineseText.quoted(row.indicator))),
                    .text("（\(row.projectName)）\(figure(row.aggregate?.progress))"),
                    .if(!row.laggingRegions(columns: table.columns).isEmpty, .span(.class("hint"), .text("；未达序时的区划：" + row.laggingRegions(columns: table.columns).joined(separator: "、")))))
            }))
        let changes = level.changes
        let labels: [DashboardService.Change.Kind: String] = [.fellBehind: "转为未达序时", .completed: "新完成", .caughtUp: "赶上序时", .gain: "进度提升最多", .drop: "进度下降"]
        let changesPanel: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("较上月变化")),
            changes.isEmpty ? .p(.class("hint"), .text(dashboard.month > 1 ? "与上月相比没有变化。" : "1 月没有上月可比。")) :
            .ul(.forEach(changes) { c in
                .li(.span(.class(c.kind == .fellBehind || c.kind == .drop ? "badge lagging" : "badge completed"), .text(labels[c.kind] ?? "")),
                    .text(" \(ChineseText.quoted(c.indicator))（\(c.project)）\(figure(c.before)) → \(figure(c.after))"))
            }))
        let trendTable: Node<HTML.BodyContext> = .div(.class("table-wrap"), .table(.class("list"),
            .thead(.tr(.th(.text("月份")), .th(.class("num"), .text("已完成")), .th(.class("num"), .text("按序时")), .th(.class("num"), .text("未达序时")), .th(.class("num"), .text("指标")))),
            .tbody(.forEach(level.trend) { p in
                .tr(.td(.text("\(p.month)月")), .td(.class("num"), .text("\(p.completed)")), .td(.class("num"), .text("\(p.onSchedule)")),
                    .td(.class("num"), .text("\(p.lagging)")), .td(.class("num"), .text("\(p.indicators)")))
            })))
        // 信息公开: each region's projects meeting the monthly-update rule (the compliance table's own rows).
        let disclosureRows: [(name: String, projects: Int, meeting: Int)] = level.disclosure.map { table in
            var order: [String] = []
            var counts: [String: (Int, Int)] = [:]
            for row in table.rows {
                if counts[row.region] == nil { order.append(row.region) }
                let current = counts[row.region] ?? (0, 0)
                counts[row.region] = (current.0 + 1, current.1 + (row.meetsMonthlyRule ? 1 : 0))
            }
            return order.map { (name: $0, projects: counts[$0]?.0 ?? 0, meeting: counts[$0]?.1 ?? 0) }
        } ?? []
        let disclosurePanel: Node<HTML.BodyContext> = disclosureRows.isEmpty ? .empty : .div(.class("panel"), .h3(.text("信息公开达标情况")),
            .p(.class("hint"), .text("达到每月至少一条工作动态规定的项目。")),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("区划")), .th(.class("num"), .text("项目")), .th(.class("num"), .text("达标")), .th(.class("num"), .text("达标率")))),
                .tbody(.forEach(disclosureRows) { row in
                    .tr(.td(dashboard.childIDs[row.name].map { id in Node<HTML.BodyContext>.a(.attr("href", link(region: id)), .text(row.name)) } ?? .text(row.name)),
                        .td(.class("num"), .text("\(row.projects)")), .td(.class(row.meeting < row.projects ? "num lagging-text" : "num"), .text("\(row.meeting)")),
                        .td(.class("num"), .text(row.projects > 0 ? Figures.percent(Decimal(row.meeting) * 100 / Decimal(row.projects)) : "—")))
                }))))
        return .section(.class("dashboard-level"),
            .h2(.a(.attr("href", SiteURL.plan(id: level.planID, region: dashboard.regionID, month: dashboard.month).path), .text(table.title))),
            .div(.class("dashboard-grid"),
                 status,
                 sorted.isEmpty ? .empty : chart("各区划进度与序时进度", svg: DashboardCharts.regions(sorted.map { (name: $0.name, link: $0.regionID.map(link(region:)), progress: $0.meanProgress, lagging: $0.lagging) },
                                                                                          schedule: table.schedule, title: "各区划平均进度"),
                                                table: regionRows, note: "各区划所承担指标的平均进度（红色：有指标未达序时）；点击区划查看其看板。"),
                 sorted.isEmpty ? .empty : chart("进度与验收率", svg: DashboardCharts.acceptance(sorted.map { (name: $0.name, progress: $0.meanProgress, acceptance: $0.meanAcceptance) },
                                                                                            title: "各区划进度与验收率"),
                                                table: regionRows, note: table.gapLimit.map { "蓝：平均进度；绿：平均验收率。本月差距上限 \(Figures.fixed($0, scale: 2)) 个百分点。" } ?? "蓝：平均进度；绿：平均验收率。"),
                 chart("逐月推进情况", svg: DashboardCharts.trend(level.trend, title: "逐月指标完成情况"), table: trendTable),
                 laggingPanel, changesPanel, disclosurePanel))
    }

    func render(in context: PageContext) -> String {
        let d = dashboard
        let feedbackRows = d.feedbackByRegion.sorted { $0.key < $1.key }
        let feedback: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("亮码评价")),
            .unwrap(d.feedback) { rates in
                .p(.text("\(d.year)年1—\(d.month)月共收到评价和意见 \(rates.received) 条，处理率 \(figure(rates.handlingRate))，满意率 \(figure(rates.satisfactionRate))。"))
            },
            feedbackRows.isEmpty ? .empty : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("区划")), .th(.class("num"), .text("收到")), .th(.class("num"), .text("处理率")), .th(.class("num"), .text("满意率")))),
                .tbody(.forEach(feedbackRows) { name, rates in
                    .tr(.td(d.childIDs[name].map { id in Node<HTML.BodyContext>.a(.attr("href", link(region: id)), .text(name)) } ?? .text(name)),
                        .td(.class("num"), .text("\(rates.received)")), .td(.class("num"), .text(figure(rates.handlingRate))), .td(.class("num"), .text(figure(rates.satisfactionRate))))
                }))))
        let supervision: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("监督问题和督办函件")),
            .unwrap(d.supervision) { s in
                .group(.p(.text(s.total.raised > 0 ? s.sentence + "。" : "本年度尚无监督问题。")),
                       .if(s.total.raised > 0, .div(.class("table-wrap"), .table(.class("list"),
                           .thead(.tr(.th(.text("区划")), .th(.class("num"), .text("提出")), .th(.class("num"), .text("已整改")), .th(.class("num"), .text("整改中")), .th(.class("num"), .text("超期")))),
                           .tbody(.forEach(s.byRegion.filter { $0.tally.raised > 0 }) { row in
                               .tr(.td(.text(row.name)), .td(.class("num"), .text("\(row.tally.raised)")), .td(.class("num"), .text("\(row.tally.rectified)")),
                                   .td(.class("num"), .text("\(row.tally.open)")), .td(.class(row.tally.overdue > 0 ? "num lagging-text" : "num"), .text("\(row.tally.overdue)")))
                           })))))
            },
            .p(.text("\(d.month) 月发出督办函件 \(d.lettersSent) 件，已回复 \(d.lettersReplied) 件。")))
        let months = Array(1...12)
        let filters: Node<HTML.BodyContext> = .form(.class("filters"), .method(.get), .action(SiteURL.dashboard().path),
            .input(.type(.hidden), .name("region"), .attr("value", "\(d.regionID)")),
            .label(.class("filter"), .span(.class("filter-label"), .text("月份")),
                   .select(.attr("name", "month"), .forEach(months) { m in Fragments.option(value: String(format: "%04d-%02d", d.year, m), label: "\(d.year)年\(m)月", selected: m == d.month) })),
            .label(.class("filter"), .span(.class("filter-label"), .text("级别")),
                   .select(.attr("name", "level"), Fragments.option(value: "", label: "全部"),
                           .forEach(PlanLevel.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == d.level) })),
            .button(.type(.submit), .class("button"), .text("查看")))
        let crumbs: [(String, String?)] = trail.map { ($0.name, link(region: $0.id)) } + [(d.region, nil)]
        return PageFrame.render(title: "领导看板", context: context, body: .group(
            Fragments.pageHeader("\(d.region)重点民生实事看板", subtitle: "\(d.year)年\(d.month)月 · 与月通报同一口径", trail: crumbs.count > 1 ? crumbs : []),
            filters,
            d.levels.isEmpty ? Fragments.empty("\(d.region)\(d.year)年没有重点民生实事计划。") : .forEach(d.levels) { level($0) },
            .div(.class("dashboard-grid"), feedback, supervision)))
    }
}
