import Foundation
import MinshengCore
import MinshengData
import Plot

struct SupervisionStatisticsPage {
    let stats: SupervisionStatistics
    let deadlines: ProblemDeadlines
    let isOffice: Bool
    let regionParam: Int?
    let regions: [(id: Int, name: String)]

    private func table(_ title: String, first: String, withRegion: Bool, rows: [SupervisionStatistics.Row]) -> Node<HTML.BodyContext> {
        .div(.class("panel"), .h2(.text(title)),
             rows.isEmpty ? Fragments.empty("没有问题。") :
             .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text(first)), .if(withRegion, .th(.class("hide-phone"), .text("所属区划"))),
                           .forEach(Array(SupervisionStatistics.heading.enumerated())) { index, label in
                               .th(.class(index >= 4 ? "num hide-phone" : "num"), .text(label))
                           })),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.text(row.name)), .if(withRegion, .td(.class("hide-phone"), .text(row.region ?? ""))),
                        .forEach(Array(SupervisionStatistics.cells(row.tally).enumerated())) { index, cell in
                            .td(.class(index >= 4 ? "num hide-phone" : index == 3 && row.tally.overdue > 0 ? "num lagging-text" : "num"), .text(cell))
                        })
                }))))
    }

    /// The export of what the page shows: the same month (or year) and region.
    func exportLink(_ format: String) -> String {
        var parts: [String] = stats.month.map { [String(format: "month=%04d-%02d", stats.year, $0)] } ?? ["year=\(stats.year)"]
        if let regionParam { parts.append("region=\(regionParam)") }
        return SiteURL.supervisionExport(month: nil, format: format).path + "?" + parts.joined(separator: "&")
    }

    func render(in context: PageContext) -> String {
        let monthValue = stats.month.map { String(format: "%04d-%02d", stats.year, $0) } ?? ""
        let t = stats.total
        let picker: Node<HTML.BodyContext> = .form(.class("filters"), .method(.get), .action(SiteURL.supervision().path),
            .label(.class("filter"), .span(.class("filter-label"), .text("截至月份")), .input(.type(.month), .name("month"), .attr("value", monthValue))),
            .if(regions.count > 1, .label(.class("filter"), .span(.class("filter-label"), .text("区划")),
                .select(.attr("name", "region"), .forEach(regions) { Fragments.option(value: "\($0.id)", label: $0.name, selected: $0.id == regionParam) }))),
            .button(.type(.submit), .class("button"), .text("查看")),
            .a(.class("button"), .attr("href", exportLink("xlsx")), .text("导出 Excel")),
            .a(.class("button"), .attr("href", exportLink("csv")), .text("导出 CSV")))
        let summary: Node<HTML.BodyContext> = .group(
            .div(.class("stats"),
                 Fragments.stat("提出问题", "\(t.raised)", href: SiteURL.problems.path),
                 Fragments.stat("已整改", "\(t.rectified)", tone: "completed", href: SiteURL.problems.path + "?status=rectified"),
                 Fragments.stat("整改中", "\(t.open)", href: SiteURL.problems.path + "?status=open"),
                 Fragments.stat("其中超期", "\(t.overdue)", tone: t.overdue > 0 ? "lagging" : "", href: SiteURL.problems.path + "?status=overdue"),
                 Fragments.stat("整改用时中位数", t.medianDays.map { Figures.fixed($0, scale: 1) + " 天" } ?? "—"),
                 Fragments.stat("视察", "\(stats.inspections) 次", href: SiteURL.inspections.path)),
            .p(.class("bulletin-text"), .text(stats.sentence + "。" + (stats.thisMonth.map { "其中本月提出 \($0.raised) 个。" } ?? ""))))
        let settings: Node<HTML.BodyContext> = isOffice
            ? .form(.class("panel rule-form"), .method(.post), .action(SiteURL.supervisionSettings.path),
                    PageFrame.csrfField(context.csrf),
                    .strong(.text("整改时限（工作日）")),
                    .label(.text("紧急"), .input(.type(.number), .name("urgent"), .attr("min", "1"), .attr("max", "120"), .attr("value", "\(deadlines.urgent)"))),
                    .label(.text("较重"), .input(.type(.number), .name("major"), .attr("min", "1"), .attr("max", "120"), .attr("value", "\(deadlines.major)"))),
                    .label(.text("一般"), .input(.type(.number), .name("normal"), .attr("min", "1"), .attr("max", "120"), .attr("value", "\(deadlines.normal)"))),
                    .button(.type(.submit), .class("button"), .text("保存")))
            : .p(.class("hint"), .text("整改时限：紧急 \(deadlines.urgent)、较重 \(deadlines.major)、一般 \(deadlines.normal) 个工作日。"))
        let links: Node<HTML.BodyContext> = .p(.class("actions"),
            .a(.class("button"), .attr("href", SiteURL.problems.path), .text("问题清单")),
            .a(.class("button"), .attr("href", SiteURL.inspections.path), .text("视察记录")),
            .a(.class("button"), .attr("href", SiteURL.evaluations.path), .text("评议与票决")),
            .if(isOffice, .a(.class("button"), .attr("href", SiteURL.supervisors.path), .text("监督人员名册"))))
        return PageFrame.render(title: "监督", context: context, body: .group(
            Fragments.pageHeader("监督统计", subtitle: "\(stats.region) \(stats.periodText)：观察员、监督员、评议员提出问题的整改情况和视察次数。"),
            links, picker, summary, settings,
            .forEach(stats.tables) { table($0.title, first: $0.first, withRegion: $0.withRegion, rows: $0.rows) }))
    }
}

struct RosterPage {
    let listing: Listing<Supervisor>
    let query: ListQuery
    let regions: [(id: Int, name: String)]
    let appointable: [Account]
    let projects: [SupervisionService.ProjectInRegion]
    let units: [(id: Int, name: String)]
    let tree: RegionTree

    static func covers(_ s: Supervisor, tree: RegionTree) -> String {
        switch s.scopeValue {
        case .region: return "全区划"
        case .project: return (s.projectRegionID.flatMap { tree[$0]?.name }.map { $0 + " " } ?? "") + (s.project?.name ?? "")
        case .unit: return s.unit?.name ?? ""
        }
    }

    static func cells(_ s: Supervisor, tree: RegionTree) -> [String] {
        [s.account.displayName, s.account.username, s.roleValue.label + (s.scopeValue == .region ? "" : "（\(s.scopeValue.label)）"), s.identityValue.label,
         tree[s.$region.id]?.name ?? "", covers(s, tree: tree), s.organisation ?? "", s.phone ?? "", s.termFrom, s.termUntil]
    }

    func render(in context: PageContext) -> String {
        let today = ChineseDate.isoDay(Date())
        let base = SiteURL.supervisors.path
        let filters = Fragments.filterBar(action: base, query: query, [
            Fragments.filterSelect("category", label: "类别", choices: Access.appointedRoles.map { ($0.rawValue, $0.label) }, selected: query.filter.category),
            Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: query.filter.regionID.map { "\($0)" }),
            Fragments.filterText("q", label: "姓名", value: query.filter.text, placeholder: "姓名中的字"),
        ])
        let exportQuery = query.query(page: 1).replacingOccurrences(of: "?", with: "")
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { s in
            let cells = Self.cells(s, tree: tree)
            return .tr(.td(.text(cells[0])), .td(.text(cells[2])), .td(.class("hide-phone"), .text(cells[3])), .td(.class("hide-phone"), .text(cells[4])),
                       .td(.class("hide-phone"), .text(cells[5])), .td(.class("hide-phone"), .text(cells[6])), .td(.class("hide-phone"), .text(cells[7])),
                       .td(.text("\(s.termFrom) 至 \(s.termUntil)"), .if(!s.serves(on: today), .span(.class("badge none"), .text("不在聘期")))),
                       .td(.form(.class("inline"), .method(.post), .action(SiteURL.supervisorDismiss(id: s.id ?? 0).path), PageFrame.csrfField(context.csrf),
                                 .input(.type(.hidden), .name("confirm"), .attr("value", "1")),
                                 .button(.type(.submit), .class("button danger"), .attr("data-confirm", "确定解聘\(s.account.displayName)？"), .text("解聘")))))
        })
        let table: Node<HTML.BodyContext> = listing.items.isEmpty
            ? Fragments.empty(query.isFiltered ? "没有符合条件的人员。" : "还没有聘任监督人员。先在“账号管理”为其开通账号，再在下方聘任。")
            : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("姓名")), .th(.text("类别")), .th(.class("hide-phone"), .text("身份")), .th(.class("hide-phone"), .text("区划")),
                           .th(.class("hide-phone"), .text("联系项目或单位")), .th(.class("hide-phone"), .text("工作单位及职务")), .th(.class("hide-phone"), .text("联系电话")),
                           .th(.text("聘期")), .th(.text("")))), rows))
        let year = ChineseDate.yearMonth(Date()).year
        let appoint: Node<HTML.BodyContext> = appointable.isEmpty
            ? .div(.class("panel"), .h2(.text("聘任")), .p(.class("hint"), .text("本区划没有尚未聘任的账号。请先在“账号管理”中新建账号。")),
                   .p(.a(.class("button"), .attr("href", SiteURL.newAccount.path), .text("新建账号"))))
            : .form(.class("panel form"), .method(.post), .action(base), PageFrame.csrfField(context.csrf),
                    .h2(.text("聘任监督人员")),
                    .div(.class("grid-form"),
                         .div(.label(.for("account"), .text("账号")),
                              .select(.attr("name", "account"), .id("account"), .attr("required", "required"), Fragments.option(value: "", label: "请选择"),
                                      .forEach(appointable) { Fragments.option(value: "\($0.id ?? 0)", label: "\($0.displayName)（\($0.username)，\(tree[$0.$region.id]?.name ?? "")）") })),
                         .div(.label(.for("role"), .text("类别")),
                              .select(.attr("name", "role"), .id("role"), .forEach(Access.appointedRoles) { Fragments.option(value: $0.rawValue, label: $0.label) })),
                         .div(.label(.for("identity"), .text("身份")),
                              .select(.attr("name", "identity"), .id("identity"), .forEach(SupervisorIdentity.allCases) { Fragments.option(value: $0.rawValue, label: $0.label) })),
                         .div(.label(.for("scope"), .text("联系范围")),
                              .select(.attr("name", "scope"), .id("scope"), .forEach(SupervisorScope.allCases) { Fragments.option(value: $0.rawValue, label: $0.label) })),
                         .div(.label(.for("project"), .text("所观察的项目（项目观察员）")),
                              .select(.attr("name", "project"), .id("project"), Fragments.option(value: "", label: "—"),
                                      .forEach(projects) { Fragments.option(value: "\($0.projectID):\($0.regionID)", label: "\($0.region) \($0.project)") })),
                         .div(.label(.for("unit"), .text("所联系的牵头单位（单位观察员）")),
                              .select(.attr("name", "unit"), .id("unit"), Fragments.option(value: "", label: "—"),
                                      .forEach(units) { Fragments.option(value: "\($0.id)", label: $0.name) })),
                         .div(.label(.for("organisation"), .text("工作单位及职务")),
                              .input(.type(.text), .id("organisation"), .name("organisation"), .attr("maxlength", "100"))),
                         .div(.label(.for("phone"), .text("联系电话")), .input(.type(.tel), .id("phone"), .name("phone"), .attr("maxlength", "20"))),
                         .div(.label(.for("from"), .text("聘期开始")), .input(.type(.date), .id("from"), .name("from"), .attr("required", "required"), .attr("value", "\(year)-01-01"))),
                         .div(.label(.for("until"), .text("聘期结束")), .input(.type(.date), .id("until"), .name("until"), .attr("required", "required"), .attr("value", "\(year)-12-31")))),
                    .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("聘任"))))
        return PageFrame.render(title: "监督人员名册", context: context, body: .group(
            Fragments.pageHeader("监督人员名册", subtitle: "观察员（项目观察员、单位观察员）、监督员、评议员：身份、联系范围、聘期和联系方式。",
                                 trail: [("监督", SiteURL.supervision().path), ("名册", nil)]),
            .p(.class("actions"), .a(.class("button"), .attr("href", SiteURL.supervisorsExport(format: "xlsx").path + (exportQuery.isEmpty ? "" : "?" + exportQuery)), .text("导出 Excel")),
               .a(.class("button"), .attr("href", SiteURL.supervisorsExport(format: "csv").path + (exportQuery.isEmpty ? "" : "?" + exportQuery)), .text("导出 CSV"))),
            filters, table, Fragments.pager(listing, base: base, query: query), appoint))
    }
}
