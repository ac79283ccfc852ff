import Foundation
import MinshengCore
import MinshengData
import Plot

/// The public index (民生实事码上通): every region with projects, and a region's projects by plan,
/// each linking to its page — where the public lands from a short address or a dead link.
struct PublicIndexPage {
    /// One region's projects; nil for the list of regions.
    let index: PublicProjectService.RegionIndex?
    var regions: [(id: Int, name: String, depth: Int)] = []
    /// Shown above the list when the visitor came from an address that does not exist.
    var notice: String? = nil

    func render() -> String {
        let title = index.map { $0.regionName + "重点民生实事" } ?? "民生实事码上通"
        let html = HTML(
            .lang(.chinese),
            .head(.meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width,initial-scale=1")),
                  .pageTitle(title + " - 民生实事码上通"), .link(.rel(.stylesheet), .href(SiteURL.publicStylesheet.path))),
            .body(
                .header(.div(.class("brand"), .text("民生实事码上通")), .h1(.text(title)),
                        .p(.text(index == nil ? "选择行政区划，查看当地重点民生实事的进展、公开信息和群众评价。" : "点击项目查看进展、公开信息，并参与评价。"))),
                .main(
                    .unwrap(notice) { .div(.class("notice err"), .attr("role", "status"), .text($0)) },
                    index.map(regionBody) ?? regionsBody()),
                .footer(.p(.text("数据由各责任单位报送、上级审核后公布")))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }

    private func regionsBody() -> Node<HTML.BodyContext> {
        guard let top = regions.map(\.depth).min() else { return .section(.p(.class("muted"), .text("暂无公开的民生实事项目。"))) }
        return .section(.h2(.text("行政区划")),
                        .ul(.class("regions"), .forEach(regions) { region in
                            .li(.a(.attr("href", SiteURL.publicRegion(id: region.id).path), .text(String(repeating: "　", count: max(0, region.depth - top)) + region.name)))
                        }))
    }

    private func regionBody(_ index: PublicProjectService.RegionIndex) -> Node<HTML.BodyContext> {
        .group(
            .p(.class("crumbs"),
               .a(.attr("href", SiteURL.publicIndex.path), .text("全部区划")),
               .unwrap(index.parentID.flatMap { id in index.parentName.map { (id, $0) } }) { parent in
                   .group(.text(" › "), .a(.attr("href", SiteURL.publicRegion(id: parent.0).path), .text(parent.1)))
               }),
            .if(index.plans.isEmpty, .section(.p(.class("muted"), .text("\(index.regionName)暂无公开的民生实事项目。")))),
            .forEach(index.plans) { group in
                .section(.h2(.text(group.planTitle)),
                         .p(.class("muted"), .text(group.month.map { "进度为截至 \(group.year) 年 \($0) 月底、已关账的数据。" } ?? "本年度尚无已关账的月度进度。")),
                         .ul(.class("regions"), .forEach(group.projects) { project in
                             .li(.a(.attr("href", SiteURL.publicProject(project: project.projectID, region: project.regionID).path), .text(project.name)),
                                 .span(.class("pct"), .text(project.progress.map(Figures.percent) ?? "—")))
                         }))
            },
            .if(!index.children.isEmpty, .section(.h2(.text("下辖区划")),
                .ul(.class("regions"), .forEach(index.children) { child in .li(.a(.attr("href", SiteURL.publicRegion(id: child.id).path), .text(child.name))) }))))
    }
}
