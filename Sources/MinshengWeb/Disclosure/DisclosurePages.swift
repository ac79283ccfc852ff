import Foundation
import MinshengCore
import MinshengData
import Plot

/// 信息公开: the projects the account publishes for, and the published items with the quality
/// checks' flags (an office sees everything below it and withdraws with a reason).
struct DisclosureListPage {
    let publishable: [DisclosureService.Publishable]
    let items: DisclosureService.Items
    let isOffice: Bool
    /// The signed-in account: its own items may be edited.
    let accountID: Int
    let query: ListQuery
    /// The office's regions and units, for the filters.
    var regions: [(id: Int, name: String)] = []
    var units: [(id: Int, name: String)] = []

    func render(in context: PageContext) -> String {
        let flagged = items.flaggedTotal
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("信息公开", subtitle: "项目页面（民生实事码上通）上的政策文件、建设内容、项目详情、成效展示和工作动态"),
            .div(.class("stats"),
                 Fragments.stat("可发布的项目", "\(publishable.count)"),
                 Fragments.stat(isOffice ? "辖区已发布" : "我已发布", "\(items.allTotal)"),
                 Fragments.stat("待核查", "\(flagged)", tone: flagged > 0 ? "lagging" : "")),
            // An office checks what was published first; a unit publishes first.
            isOffice ? list(context: context) : projects(),
            isOffice ? projects() : list(context: context))
        return PageFrame.render(title: "信息公开", context: context, body: body)
    }

    private func projects() -> Node<HTML.BodyContext> {
        guard !publishable.isEmpty else { return Fragments.empty("您所在单位在本区划没有需要公开信息的项目。") }
        return .div(.class("panel"), .h2(.text("发布信息")),
                    .ul(.class("plain"), .forEach(publishable) { choice in
                        .li(.a(.attr("href", SiteURL.disclosureNew(project: choice.projectID, region: choice.regionID).path), .text(choice.project)),
                            .span(.class("muted small"), .text(" \(choice.region) · \(choice.planTitle)")),
                            .text(" "), .a(.class("small"), .attr("href", SiteURL.publicProject(project: choice.projectID, region: choice.regionID).path), .text("查看公开页面")),
                            .text(" "), .a(.class("small"), .attr("href", SiteURL.publicPoster(project: choice.projectID, region: choice.regionID).path), .text("打印亮码海报")))
                    }),
                    .unwrap(publishable.first?.regionID) { region in
                        .p(.a(.class("button"), .attr("href", SiteURL.posters(region: region).path), .text("下载本区划全部亮码海报（ZIP）")))
                    })
    }

    private func filters() -> Node<HTML.BodyContext> {
        let f = query.filter
        var fields: [Node<HTML.FormContext>] = []
        if isOffice && regions.count > 1 {
            fields.append(Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: f.regionID.map { "\($0)" }))
        }
        fields.append(Fragments.filterSelect("project", label: "项目", choices: items.projects.map { ("\($0.id)", $0.name) }, selected: f.projectID.map { "\($0)" }))
        if isOffice && !units.isEmpty {
            fields.append(Fragments.filterSelect("unit", label: "单位", choices: units.map { ("\($0.id)", $0.name) }, selected: f.unitID.map { "\($0)" }))
        }
        fields.append(Fragments.filterSelect("category", label: "类别", choices: DisclosureCategory.allCases.map { ($0.rawValue, $0.label) }, selected: f.category))
        fields.append(Fragments.filterMonth(f, label: "月份"))
        fields.append(Fragments.filterSelect("status", label: "核查", choices: [("flagged", "只看待核查")], selected: f.status))
        fields.append(Fragments.filterText("q", label: "标题", value: f.text, placeholder: "标题中的文字"))
        return Fragments.filterBar(action: SiteURL.disclosures.path, query: query, fields)
    }

    private func list(context: PageContext) -> Node<HTML.BodyContext> {
        let listing = items.listing
        guard items.allTotal > 0 else { return Fragments.empty("尚未发布信息。") }
        guard !listing.items.isEmpty else {
            return .div(.class("panel"), .h2(.text(isOffice ? "辖区已发布的信息" : "我发布的信息")), filters(),
                        Fragments.pager(listing, base: SiteURL.disclosures.path, query: query), Fragments.empty("没有符合筛选条件的信息。"))
        }
        let head: Node<HTML.TableContext> = .thead(.tr(.th(.text("标题")), .th(.text("类别")), .th(.text("日期")), .th(.text("项目 / 区划")),
                                                       .th(.text("核查")), .th(.text("操作"))))
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { row(context: context, $0) })
        return .div(.class("panel"), .h2(.text(isOffice ? "辖区已发布的信息" : "我发布的信息")), filters(),
                    Fragments.pager(listing, base: SiteURL.disclosures.path, query: query),
                    .div(.class("table-wrap"), .table(.class("list stacked"), head, rows)),
                    Fragments.pager(listing, base: SiteURL.disclosures.path, query: query))
    }

    private func row(context: PageContext, _ flagged: DisclosureService.Flagged) -> Node<HTML.TableContext> {
        let item = flagged.item
        let id = item.id ?? 0
        let flags: Node<HTML.BodyContext> = flagged.flags.isEmpty ? .span(.class("muted"), .text("—"))
            : .group(.forEach(flagged.flags) { .div(.class("flag"), .text($0)) })
        return .tr(
            .td(.attr("data-label", "标题"), .a(.attr("href", SiteURL.publicItem(id: id).path), .text(item.title))),
            .td(.attr("data-label", "类别"), .text(item.disclosureCategory?.label ?? "")),
            .td(.class("nowrap"), .attr("data-label", "日期"), .text(item.publishedOn)),
            .td(.attr("data-label", "项目"), .text(flagged.project), .div(.class("muted small"), .text(flagged.region))),
            .td(.attr("data-label", "核查"), flags),
            .td(.attr("data-label", "操作"), .div(.class("ops"),
                .if(item.$author.id == accountID, .a(.class("button small"), .attr("href", SiteURL.disclosureEdit(id: id).path), .text("修改"))),
                .form(.class("inline-return"), .method(.post), .action(SiteURL.disclosureWithdraw(id: id).path),
                      PageFrame.csrfField(context.csrf),
                      .input(.type(.text), .name("reason"), .attr("placeholder", isOffice ? "撤回原因" : "撤回原因（可不填）"), .attr("maxlength", "500"),
                             .attr("aria-label", "撤回原因")),
                      .button(.type(.submit), .class("button small"), .text("撤回"))))))
    }
}

/// The form to publish an item for one project in one region, or to edit a published one (its
/// files stay as they are).
struct DisclosureFormPage {
    let heading: String
    let subtitle: String
    let action: String
    let hidden: [(String, String)]
    let message: String?
    let typed: [String: String]
    /// The size limit of each file; nil when editing (no files are sent).
    let limitMB: Int?

    init(choice: DisclosureService.Publishable, message: String?, typed: [String: String], limitMB: Int) {
        heading = "发布信息"
        subtitle = "\(choice.project) · \(choice.region)"
        action = SiteURL.disclosureUpload.path
        hidden = [("project", "\(choice.projectID)"), ("region", "\(choice.regionID)")]
        self.message = message
        self.typed = typed
        self.limitMB = limitMB
    }

    init(editing item: Disclosure, subtitle: String, message: String?, typed: [String: String]? = nil) {
        heading = "修改信息"
        self.subtitle = subtitle
        action = SiteURL.disclosureEdit(id: item.id ?? 0).path
        hidden = []
        self.message = message
        self.typed = typed ?? ["category": item.category, "title": item.title, "date": item.publishedOn, "body": item.body ?? "", "link": item.link ?? ""]
        limitMB = nil
    }

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(heading, subtitle: subtitle, trail: [("信息公开", SiteURL.disclosures.path), (heading, nil)]),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            form(context))
        return PageFrame.render(title: heading, context: context, body: body)
    }

    private func form(_ context: PageContext) -> Node<HTML.BodyContext> {
        .form(.class("panel form"), .method(.post), .action(action),
              .if(limitMB != nil, .attr("enctype", "multipart/form-data")),
              PageFrame.csrfField(context.csrf),
              .forEach(hidden) { .input(.type(.hidden), .name($0.0), .attr("value", $0.1)) },
              .label(.for("category"), .text("类别")),
              .select(.attr("name", "category"), .id("category"), .forEach(DisclosureCategory.allCases) { category in
                  Fragments.option(value: category.rawValue, label: (category.isUpdate ? "工作动态 · " : "") + category.label,
                                   selected: typed["category"] == category.rawValue)
              }),
              .label(.for("title"), .text("标题")),
              .input(.type(.text), .id("title"), .name("title"), .attr("maxlength", "200"), .attr("required", "required"), .attr("value", typed["title"] ?? "")),
              .label(.for("date"), .text("日期")),
              .input(.type(.date), .id("date"), .name("date"), .attr("required", "required"), .attr("value", typed["date"] ?? "")),
              .label(.for("body"), .text("正文（分段换行）")),
              .textarea(.id("body"), .name("body"), .attr("rows", "10"), .text(typed["body"] ?? "")),
              .label(.for("link"), .text("原文链接（可选）")),
              .input(.type(.url), .id("link"), .name("link"), .attr("placeholder", "https://"), .attr("value", typed["link"] ?? "")),
              files(),
              .p(.class("hint"), .text("工作动态（新闻动态、工作总结、工作专报、典型案例）每月至少发布一条；现场照片、进度表请发布到项目详情或成效展示，不要归入工作专报。")),
              .button(.type(.submit), .class("button primary"), .text(limitMB == nil ? "保存修改" : "发布")))
    }

    private func files() -> Node<HTML.FormContext> {
        guard let limitMB else { return .p(.class("hint"), .text("图片和附件不在此修改；如需更换，请撤回后重新发布。")) }
        return .group(.label(.for("files"), .text("图片和附件（可多选，每个不超过 \(limitMB) MB）")),
                      .input(.type(.file), .id("files"), .name("files"), .attr("multiple", "multiple"),
                             .attr("accept", ".jpg,.jpeg,.png,.gif,.webp,.pdf,.doc,.docx,.xls,.xlsx,.wps,.zip")))
    }
}
