import Foundation
import MinshengCore
import MinshengData
import Plot

/// One disclosure item in full on the public site: paragraphs, images, attachments, the link.
struct PublicItemPage {
    let item: Disclosure

    func render() -> String {
        let paragraphs = (item.body ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let images = item.files.filter { FileKind(rawValue: $0.kind).map { $0.isImage && $0 != .heic } ?? false }
        let attachments = item.files.filter { !images.map(\.id).contains($0.id) }
        let html = HTML(
            .lang(.chinese),
            .head(.meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width,initial-scale=1")),
                  .pageTitle(item.title + " - 民生实事码上通"), .link(.rel(.stylesheet), .href(SiteURL.publicStylesheet.path))),
            .body(
                .header(.div(.class("brand"), .text("民生实事码上通 · " + item.project.name)), .h1(.text(item.title)),
                        .p(.text((item.disclosureCategory?.label ?? "") + " · " + item.publishedOn + (item.unit.map { " · " + $0.name } ?? "")))),
                .main(.section(
                    .forEach(paragraphs) { .p(.text($0)) },
                    .forEach(images) { file in .p(.img(.attr("src", SiteURL.publicFile(id: file.id ?? 0).path), .attr("alt", file.name), .attr("loading", "lazy"), .class("photo"))) },
                    .if(!attachments.isEmpty, .ul(.forEach(attachments) { file in .li(.a(.attr("href", SiteURL.publicFile(id: file.id ?? 0).path), .text(file.name))) })),
                    .unwrap(item.link) { .p(.a(.attr("href", $0), .attr("rel", "noopener nofollow"), .text("查看原文"))) }),
                      .p(.a(.attr("href", SiteURL.publicProject(project: item.project.id ?? 0, region: item.$region.id).path), .text("返回项目页面"))))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }
}
