import MinshengCore
import MinshengData
import Plot

/// The admin's region tree with a form to add a region under any node of it.
struct RegionIndexPage {
    let principal: Principal
    let nodes: [RegionTree.Node]
    let unitCounts: [Int: Int]

    func render(in context: PageContext) -> String {
        let base = principal.tree.depth(of: principal.regionID)
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("行政区划与单位", subtitle: "\(principal.regionName)及其下辖行政区划。点击名称可管理该区划的单位和基本信息。"),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("名称")), .th(.text("类型")), .th(.text("行政区划代码")), .th(.class("num"), .text("单位数")))),
                .tbody(.forEach(nodes) { node in
                    .tr(.td(.class("indent-\(min(principal.tree.depth(of: node.id) - base, 4))"),
                            .a(.attr("href", SiteURL.region(id: node.id).path), .text(node.name))),
                        .td(.text(node.kind.label)),
                        .td(.text(node.code ?? "—")),
                        .td(.class("num"), .text("\(unitCounts[node.id] ?? 0)")))
                }))),
            .section(.class("panel"),
                .h2(.text("新增行政区划")),
                .form(.class("grid-form"), .method(.post), .action(SiteURL.regions.path),
                    PageFrame.csrfField(context.csrf),
                    .div(.label(.for("parent"), .text("上级行政区划")),
                         .select(.attr("name", "parent"), .id("parent"), .forEach(nodes) { node in
                             Fragments.option(value: "\(node.id)", label: String(repeating: "　", count: principal.tree.depth(of: node.id) - base) + node.name)
                         })),
                    .div(.label(.for("name"), .text("名称")),
                         .input(.type(.text), .name("name"), .id("name"), .required(true), .attr("maxlength", "50"))),
                    .div(.label(.for("kind"), .text("类型")),
                         .select(.attr("name", "kind"), .id("kind"), .forEach(RegionKind.allCases.filter { $0 != .province }) { kind in
                             Fragments.option(value: kind.rawValue, label: kind.label, selected: kind == .county)
                         })),
                    .div(.label(.for("code"), .text("行政区划代码（可选）")),
                         .input(.type(.text), .name("code"), .id("code"), .attr("inputmode", "numeric"), .attr("maxlength", "12"))),
                    .div(.class("actions"), .button(.type(.submit), .class("primary"), .text("新增")))))
        )
        return PageFrame.render(title: "行政区划与单位", context: context, body: body)
    }
}

/// One region: its details, children and units.
struct RegionShowPage {
    let principal: Principal
    let node: RegionTree.Node
    let children: [RegionTree.Node]
    let units: [Department]
    let accountCount: Int

    func render(in context: PageContext) -> String {
        let trail: [(String, String?)] = [("行政区划与单位", SiteURL.regions.path)]
            + principal.tree.ancestors(of: node.id).filter { principal.sees(region: $0.id) }.map { ($0.name, SiteURL.region(id: $0.id).path) }
            + [(node.name, nil)]
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(node.name, subtitle: "\(node.kind.label) · 行政区划代码 \(node.code ?? "未填写") · 账号 \(accountCount) 个", trail: trail),
            .div(.class("columns"),
                .section(.class("panel"),
                    .h2(.text("基本信息")),
                    .form(.method(.post), .action(SiteURL.region(id: node.id).path),
                        PageFrame.csrfField(context.csrf),
                        .label(.for("name"), .text("名称")),
                        .input(.type(.text), .name("name"), .id("name"), .attr("value", node.name), .required(true), .attr("maxlength", "50")),
                        .label(.for("code"), .text("行政区划代码")),
                        .input(.type(.text), .name("code"), .id("code"), .attr("value", node.code ?? ""), .attr("maxlength", "12")),
                        .button(.type(.submit), .class("primary"), .text("保存"))),
                    .h3(.text("下级行政区划")),
                    children.isEmpty ? Fragments.empty("无下级行政区划。") :
                        .ul(.class("plain"), .forEach(children) { child in
                            .li(.a(.attr("href", SiteURL.region(id: child.id).path), .text(child.name)), .span(.class("muted"), .text("　" + child.kind.label)))
                        })),
                .section(.class("panel"),
                    .h2(.text("单位（部门）")),
                    units.isEmpty ? Fragments.empty("尚未登记单位。") :
                        .div(.class("table-wrap"), .table(.class("list"),
                            .thead(.tr(.th(.text("单位名称")), .th(.text("联系电话")), .th(.text("")))),
                            .tbody(.forEach(units) { unit in
                                .tr(.td(.attr("colspan", "3"),
                                    .form(.class("row-form"), .method(.post), .action(SiteURL.unit(id: unit.id ?? 0).path),
                                          PageFrame.csrfField(context.csrf),
                                          .input(.type(.text), .name("name"), .attr("value", unit.name), .required(true), .attr("maxlength", "60"),
                                                 .attr("aria-label", "单位名称")),
                                          .input(.type(.text), .name("phone"), .attr("value", unit.phone ?? ""), .attr("placeholder", "联系电话"), .attr("maxlength", "20"),
                                                 .attr("aria-label", "联系电话")),
                                          .button(.type(.submit), .text("保存")))))
                            }))),
                    .h3(.text("新增单位")),
                    .form(.class("row-form"), .method(.post), .action(SiteURL.regionUnits(id: node.id).path),
                        PageFrame.csrfField(context.csrf),
                        .input(.type(.text), .name("name"), .attr("placeholder", "单位名称，如 区教育局"), .required(true), .attr("maxlength", "60"),
                               .attr("aria-label", "单位名称")),
                        .input(.type(.text), .name("phone"), .attr("placeholder", "联系电话（可选）"), .attr("maxlength", "20"),
                               .attr("aria-label", "联系电话")),
                        .button(.type(.submit), .class("primary"), .text("新增")))))
        )
        return PageFrame.render(title: node.name, context: context, body: body)
    }
}
