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

    private func link(regionNamed name: String) -> String? { dashboard.childIDs[name].map(link(region:)) }

    private func link(month: Int) -> String {
        SiteURL.dashboard(region: dashboard.regionID, month: String(format: "%04d-%02d", dashboard.year, month), level: dashboard.level?.rawValue).path
    }

    private func figure(_ value: Decimal?) -> String { value.map(Figures.percent) ?? "—" }

    /// "（项目）" after an indicator, unless the indicator only repeats its project's name.
    private func project(_ project: String, of indicator: String) -> String { project == indicator ? "" : "（\(project)）" }

    private func regionCell(_ name: String) -> Node<HTML.TableRowContext> {
        .td(link(regionNamed: name).map { Node<HTML.BodyContext>.a(.attr("href", $0), .text(name)) } ?? .text(name))
    }

    /// A chart drawn at a desk's width and at a phone's (the page shows the one that fits).
    private func svg(_ draw: (Double) -> String) -> Node<HTML.BodyContext> {
        .div(.class("chart"), .div(.class("chart-wide"), .raw(draw(DashboardCharts.wide))), .div(.class("chart-narrow"), .raw(draw(DashboardCharts.narrow))))
    }

    /// A chart with its data table one click away.
    private func chart(_ title: String, note: String? = nil, legend: Node<HTML.BodyContext> = .empty, table: Node<HTML.BodyContext>,
                       _ charts: Node<HTML.BodyContext>...) -> Node<HTML.BodyContext> {
        .div(.class("panel chart-panel"), .h3(.text(title)), .unwrap(note) { .p(.class("hint"), .text($0)) },
             .group(charts), legend,
             .element(named: "details", nodes: [.element(named: "summary", text: "查看数据表"), table]))
    }

    private func key(_ entries: [(String, String)]) -> Node<HTML.BodyContext> {
        .p(.class("legend"), .forEach(entries) { colour, name in .group(.span(.class("dot " + (Self.dots[colour] ?? "none"))), .text(name + " ")) })
    }

    /// The legend's dots by the charts' colours (classes: the pages allow no inline style).
    private static let dots = ["#1f8a4c": "completed", "#2f6fd0": "on_schedule", "#d2452f": "lagging", "#c9ced6": "none"]

    private func statusLegend() -> Node<HTML.BodyContext> {
        key([("#1f8a4c", "已完成"), ("#2f6fd0", "按序时推进"), ("#d2452f", "未达序时"), ("#c9ced6", "尚无进度")])
    }

    private func dataTable(_ headings: [String], _ rows: [Node<HTML.TableContext>]) -> Node<HTML.BodyContext> {
        .div(.class("table-wrap"), .table(.class("list"),
            .thead(.tr(.forEach(headings.enumerated()) { index, h in .th(index == 0 ? .class("") : .class("num"), .text(h)) })),
            .tbody(.group(rows))))
    }

    private func num(_ text: String, alert: Bool = false) -> Node<HTML.TableRowContext> { .td(.class(alert ? "num lagging-text" : "num"), .text(text)) }

    private func level(_ level: DashboardService.Level) -> Node<HTML.BodyContext> {
        let table = level.table
        // The table's own region: the dashboard's, or the plan's owner where this region has no share in it.
        let focus = table.focusRegionID ?? dashboard.regionID
        let s = table.summary
        let children = level.children.filter { $0.shares > 0 }
        let sorted = children.sorted { a, b in
            let pa = a.meanProgress ?? -1, pb = b.meanProgress ?? -1
            return pa != pb ? pa < pb : a.name < b.name
        }
        let planLink = SiteURL.plan(id: level.planID, region: focus, month: dashboard.month).path
        let status: Node<HTML.BodyContext> = .div(.class("panel chart-panel"),
            .h3(.text("指标和项目完成情况")),
            .p(.class("hint"), .text("\(table.periodLabel)，序时进度 \(figure(table.schedule))" + (table.completionRule == .everyRegion ? "；按汇总数及各区划均完成计为已完成" : "；按汇总数计"))),
            .p(.text("指标 \(s.indicators) 个：已完成 \(s.completed)、按序时 \(s.onSchedule)、未达序时 \(s.lagging)" + (s.unreported > 0 ? "、尚无进度 \(s.unreported)" : ""))),
            .div(.class("chart"), .raw(DashboardCharts.status("指标完成情况", completed: s.completed, onSchedule: s.onSchedule, lagging: s.lagging, unreported: s.unreported))),
            .p(.text("项目 \(s.projects) 个：已完成 \(s.projectsCompleted)、按序时 \(s.projectsOnSchedule)、未达序时 \(s.projectsLagging)")),
            .div(.class("chart"), .raw(DashboardCharts.status("项目完成情况", completed: s.projectsCompleted, onSchedule: s.projectsOnSchedule, lagging: s.projectsLagging,
                                                                unreported: max(0, s.projects - s.projectsCompleted - s.projectsOnSchedule - s.projectsLagging)))),
            .if(s.regionProjects > 0, .p(.class("hint"), .text("下级层面 \(s.regionProjects) 个项目，\(s.regionProjectsLagging) 个未达序时进度。"))),
            statusLegend())
        let regionTable = dataTable(["区划", "已完成", "按序时", "未达序时", "尚无进度", "平均进度", "平均验收率"], sorted.map { c in
            .tr(regionCell(c.name), num("\(c.completed)"), num("\(c.onSchedule)"), num("\(c.lagging)", alert: c.lagging > 0), num("\(c.unreported)"),
                num(figure(c.meanProgress)), num(figure(c.meanAcceptance)))
        })
        let regionsChart: Node<HTML.BodyContext> = sorted.isEmpty ? .empty : chart("各区划进度与序时进度",
            note: "各区划所承担指标的平均进度，自低到高；虚线为序时进度。点击区划查看其看板。",
            legend: key([("#2f6fd0", "无指标未达序时"), ("#d2452f", "有指标未达序时")]), table: regionTable,
            svg { DashboardCharts.regions(sorted.map { (name: $0.name, link: $0.regionID.map(link(region:)), progress: $0.meanProgress, lagging: $0.lagging) },
                                          schedule: table.schedule, title: "各区划平均进度", width: $0) })
        // 进度 and 验收率 with the month's limit: 验收率 may trail 进度 by at most the limit.
        let limit = table.gapLimit
        let acceptanceTable = dataTable(["区划", "平均进度", "平均验收率", "差距（百分点）"] + (limit != nil ? ["最低验收率"] : []), sorted.map { c in
            let gap = c.meanProgress.flatMap { p in c.meanAcceptance.map { Exact.rounded(p - $0, scale: 2) } ?? p }
            let floor = limit.flatMap { l in c.meanProgress.map { max(0, $0 - l) } }
            return .tr(regionCell(c.name), num(figure(c.meanProgress)), num(figure(c.meanAcceptance), alert: floor.map { (c.meanAcceptance ?? 0) < $0 } == true),
                       num(gap.map { Figures.fixed($0, scale: 2) } ?? "—"), .if(limit != nil, num(figure(floor))))
        })
        let acceptanceChart: Node<HTML.BodyContext> = sorted.isEmpty ? .empty : chart("进度与验收率",
            note: limit.map { "本月进度与验收率的差距上限 \(Figures.fixed($0, scale: 2)) 个百分点；竖线为据此应达到的最低验收率，低于者标红。" } ?? "本月未设差距上限。",
            legend: key([("#2f6fd0", "平均进度"), ("#1f8a4c", "平均验收率"), ("#d2452f", "低于最低验收率")]), table: acceptanceTable,
            svg { DashboardCharts.grouped(sorted.map { c in (name: c.name, link: c.regionID.map(link(region:)), values: [c.meanProgress, c.meanAcceptance],
                                                             mark: limit.flatMap { l in c.meanProgress.map { max(0, $0 - l) } }) },
                                          series: [.init(name: "平均进度", colour: "#2f6fd0"), .init(name: "平均验收率", colour: "#1f8a4c")],
                                          title: "各区划进度与验收率", markLabel: "最低验收率", width: $0) })
        let trendTable = dataTable(["月份", "已完成", "按序时", "未达序时", "尚无进度", "项目已完成", "项目未达序时", "平均进度", "序时进度"], level.trend.map { p in
            .tr(.td(.a(.attr("href", link(month: p.month)), .text("\(p.month)月"))), num("\(p.completed)"), num("\(p.onSchedule)"), num("\(p.lagging)", alert: p.lagging > 0),
                num("\(p.unreported)"), num("\(p.projectsCompleted)"), num("\(p.projectsLagging)", alert: p.projectsLagging > 0),
                num(figure(p.meanProgress)), num(figure(p.schedule)))
        })
        let trendChart = chart("逐月推进情况",
            note: "上图：\(table.aggregateLabel)各指标平均进度（实线）与序时进度（虚线）；下图：每月指标完成情况，按计划的完成口径统计，点击某月查看当月看板。",
            legend: statusLegend(), table: trendTable,
            svg { Charts.trend(level.trend.map { (month: $0.month, progress: DashboardCharts.double($0.meanProgress), schedule: DashboardCharts.double($0.schedule) ?? 0) }, width: $0) },
            svg { DashboardCharts.trend(level.trend, title: "逐月指标完成情况", link: link(month:), width: $0) })
        let lagging = table.rows(with: .lagging)
        let laggingProjects = table.projectRows.filter { CompletionRule.projectStanding($0.map { $0.standing(table.completionRule) }) == .lagging }
        // Below the aggregate: each child region's lagging shares, named (reference 000: "…个项目未达到序时进度").
        let laggingBelow: [(name: String, regionID: Int?, rows: [ProgressTable.Row])] = table.columns.indices.compactMap { index in
            let rows = table.rows.filter { index < $0.regions.count && $0.regions[index]?.status == .lagging }
            return rows.isEmpty ? nil : (table.columns[index], index < table.columnIDs.count ? table.columnIDs[index] : dashboard.childIDs[table.columns[index]], rows)
        }
        let below: Node<HTML.BodyContext> = laggingBelow.isEmpty ? .p(.class("hint"), .text("下级区划没有未达序时的任务。")) : .group(
            .h4(.text("下级未达序时的任务（\(laggingBelow.count) 个区划）")),
            .ul(.forEach(laggingBelow) { entry in
                .li(entry.regionID.map { id in Node<HTML.BodyContext>.a(.attr("href", link(region: id)), .strong(.text(entry.name))) } ?? .strong(.text(entry.name)),
                    .text("："),
                    .forEach(entry.rows.enumerated()) { index, row in
                        .group(.if(index > 0, .text("、")),
                               .a(.attr("href", SiteURL.indicatorTrend(plan: level.planID, indicator: row.indicatorID, region: entry.regionID ?? focus).path),
                                  .text(ChineseText.quoted(row.indicator))))
                    })
            }))
        let laggingPanel: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("未达序时的项目和指标")),
            laggingProjects.isEmpty ? .p(.class("hint"), .text("没有未达序时的项目。")) :
            .p(.text("项目（\(laggingProjects.count) 个）："), .forEach(laggingProjects.enumerated()) { index, rows in
                .group(.if(index > 0, .text("、")),
                       rows.first.flatMap { row in row.projectID.map { id in Node<HTML.BodyContext>.a(.attr("href", planLink + "#project-\(id)"), .text(row.projectName)) } }
                           ?? .text(rows.first?.projectName ?? ""))
            }),
            lagging.isEmpty ? .p(.class("hint"), .text("没有未达序时的指标。")) :
            .ul(.forEach(lagging) { row in
                .li(.a(.attr("href", SiteURL.indicatorTrend(plan: level.planID, indicator: row.indicatorID, region: focus).path), .text(ChineseText.quoted(row.indicator))),
                    .text("\(project(row.projectName, of: row.indicator)) \(figure(row.aggregate?.progress))"),
                    .if(!row.laggingRegions(columns: table.columns).isEmpty, .span(.class("hint"), .text("；未达序时的区划：" + row.laggingRegions(columns: table.columns).joined(separator: "、")))))
            }),
            below)
        let labels: [DashboardService.Change.Kind: String] = [.fellBehind: "转为未达序时", .completed: "新完成", .caughtUp: "赶上序时", .gain: "进度提升最多", .drop: "进度下降"]
        let changesPanel: Node<HTML.BodyContext> = .div(.class("panel"), .h3(.text("较上月变化")),
            level.changes.isEmpty ? .p(.class("hint"), .text(dashboard.month > 1 ? "与上月相比没有变化。" : "1 月没有上月可比。")) :
            .ul(.forEach(level.changes) { c in
                .li(.span(.class(c.kind == .fellBehind || c.kind == .drop ? "badge lagging" : "badge completed"), .text(labels[c.kind] ?? "")),
                    .text(" "), .a(.attr("href", SiteURL.indicatorTrend(plan: level.planID, indicator: c.indicatorID, region: focus).path), .text(ChineseText.quoted(c.indicator))),
                    .text("\(project(c.project, of: c.indicator)) \(figure(c.before)) → \(figure(c.after))"))
            }))
        // 信息公开: each region's projects meeting the monthly-update rule (the compliance table's own rows).
        let disclosureRows: [(name: String, projects: Int, meeting: Int)] = level.disclosure.map { table in
            var order: [String] = []
            var counts: [String: (Int, Int)] = [:]
            for row in table.rows {
                if counts[row.region] == nil { order.append(row.region) }
                let current = counts[row.region] ?? (0, 0)
                counts[row.region] = (current.0 + 1, current.1 + (row.meetsMonthlyRule ? 1 : 0))
            }
            // The lowest share first, as the progress chart puts the furthest behind first.
            return order.map { (name: $0, projects: counts[$0]?.0 ?? 0, meeting: counts[$0]?.1 ?? 0) }
                .sorted { ($0.meeting * max($1.projects, 1), $0.name) < ($1.meeting * max($0.projects, 1), $1.name) }
        } ?? []
        func share(_ row: (name: String, projects: Int, meeting: Int)) -> Decimal? {
            row.projects > 0 ? Exact.rounded(Decimal(row.meeting) * 100 / Decimal(row.projects), scale: 2) : nil
        }
        let disclosureChart: Node<HTML.BodyContext> = disclosureRows.isEmpty ? .empty : chart("信息公开达标情况",
            note: "各区划达到每月至少一条工作动态规定的项目所占比例。",
            table: dataTable(["区划", "项目", "达标", "达标率"], disclosureRows.map { row in
                .tr(regionCell(row.name), num("\(row.projects)"), num("\(row.meeting)", alert: row.meeting < row.projects), num(figure(share(row))))
            }),
            svg { DashboardCharts.grouped(disclosureRows.map { (name: $0.name, link: link(regionNamed: $0.name), values: [share($0)], mark: nil) },
                                          series: [.init(name: "达标率", colour: "#1f8a4c")], title: "各区划信息公开达标率", width: $0) })
        return .section(.class("dashboard-level"),
            .h2(.a(.attr("href", planLink), .text(table.title))),
            .div(.class("dashboard-grid"), status, regionsChart, trendChart, acceptanceChart, laggingPanel, changesPanel, disclosureChart))
    }

    func render(in context: PageContext) -> String {
        let d = dashboard
        let feedbackRows = d.feedbackByRegion.sorted { $0.key < $1.key }
        let feedback: Node<HTML.BodyContext> = chart("亮码评价",
            note: d.feedback.map { "\(d.year)年1—\(d.month)月共收到评价和意见 \($0.received) 条，处理率 \(figure($0.handlingRate))，满意率 \(figure($0.satisfactionRate))。" }
                ?? "\(d.year)年1—\(d.month)月尚未收到评价和意见。",
            legend: key([("#2f6fd0", "处理率"), ("#1f8a4c", "满意率")]),
            table: dataTable(["区划", "收到", "处理率", "满意率"], feedbackRows.map { name, rates in
                .tr(regionCell(name), num("\(rates.received)"), num(figure(rates.handlingRate)), num(figure(rates.satisfactionRate)))
            }),
            feedbackRows.isEmpty ? .empty : svg { DashboardCharts.grouped(feedbackRows.map { (name: $0.key, link: link(regionNamed: $0.key), values: [$0.value.handlingRate, $0.value.satisfactionRate], mark: nil) },
                                                                          series: [.init(name: "处理率", colour: "#2f6fd0"), .init(name: "满意率", colour: "#1f8a4c")],
                                                                          title: "各区划处理率与满意率", width: $0) })
        let problemRows = d.supervision?.byRegion.filter { $0.tally.raised > 0 } ?? []
        let supervision: Node<HTML.BodyContext> = chart("监督问题和督办函件",
            note: (d.supervision.map { $0.total.raised > 0 ? $0.sentence + "。" : "本年度尚无监督问题。" } ?? "本年度尚无监督问题。")
                + "\(d.month) 月发出督办函件 \(d.lettersSent) 件，已回复 \(d.lettersReplied) 件。",
            legend: problemRows.isEmpty ? .empty : key([("#1f8a4c", "已整改"), ("#2f6fd0", "整改中"), ("#d2452f", "超期")]),
            table: dataTable(["区划", "提出", "已整改", "整改中（未超期）", "超期"], problemRows.map { row in
                .tr(regionCell(row.name), num("\(row.tally.raised)"), num("\(row.tally.rectified)"), num("\(max(0, row.tally.open - row.tally.overdue))"),
                    num("\(row.tally.overdue)", alert: row.tally.overdue > 0))
            }),
            problemRows.isEmpty ? .empty : svg { DashboardCharts.stacked(problemRows.map { row in
                (name: row.name, link: link(regionNamed: row.name), counts: [row.tally.rectified, max(0, row.tally.open - row.tally.overdue), row.tally.overdue]) },
                series: [.init(name: "已整改", colour: "#1f8a4c"), .init(name: "整改中", colour: "#2f6fd0"), .init(name: "超期", colour: "#d2452f")],
                title: "各区划监督问题", width: $0) })
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
            // Printed, the page keeps its title (the site's print rules hide the page header).
            .div(.class("print-only"), .h1(.text("\(d.region)重点民生实事看板")),
                 .p(.text("\(d.year)年\(d.month)月 · 与月通报同一口径" + (d.level.map { " · \($0.label)" } ?? "")))),
            filters,
            d.levels.isEmpty ? Fragments.empty("\(d.region)\(d.year)年没有重点民生实事计划。") : .forEach(d.levels) { level($0) },
            .section(.class("dashboard-level"), .h2(.text("群众评价和监督")), .div(.class("dashboard-grid"), feedback, supervision))))
    }
}
