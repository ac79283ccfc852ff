import Foundation
import MinshengCore
import MinshengData
import Plot

/// The evidence lists' layout (`EvidenceListPage+Model.swift` holds their data).
extension EvidenceListPage {
    func render(in context: PageContext) -> String {
        let subtitle = review ? "待审核 \(pending) 条" + (oldestDays.map { "，最早的已等待 \($0) 天" } ?? "") + "；按上传时间从早到晚排列"
            : "共 \(listing.total) 条"
        let empty = review ? (pending == 0 ? "目前没有待您审核的佐证资料。" : "没有符合筛选条件的佐证资料。")
            : (query.isFiltered ? "没有符合筛选条件的佐证资料。" : "您还没有上传佐证资料。可在“月度填报”中点击指标旁的“上传佐证”。")
        let list: Node<HTML.BodyContext> = items.isEmpty ? Fragments.empty(empty) : table(context: context)
        let hasAny = review ? pending > 0 : (listing.total > 0 || query.isFiltered)
        return PageFrame.render(title: title, context: context, body: .group(
            Fragments.pageHeader(title, subtitle: subtitle),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .if(hasAny, .group(filters(), Fragments.pager(listing, base: base, query: query))),
            list,
            .if(listing.pageCount > 1, Fragments.pager(listing, base: base, query: query))))
    }

    private func filters() -> Node<HTML.BodyContext> {
        let f = query.filter
        var fields: [Node<HTML.FormContext>] = []
        if review && regions.count > 1 {
            fields.append(Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: f.regionID.map { "\($0)" }))
        }
        if !review {
            fields.append(Fragments.filterSelect("status", label: "状态", choices: Evidence.State.allCases.map { ($0.rawValue, $0.label) }, selected: f.status))
        }
        fields.append(Fragments.filterSelect("month", label: "月份", choices: Fragments.monthChoices, selected: f.month.map { "\($0)" }))
        fields.append(Fragments.filterText("q", label: review ? "指标、项目或说明" : "说明", value: f.text, placeholder: "文字"))
        return Fragments.filterBar(action: base, query: query, fields)
    }

    private func table(context: PageContext) -> Node<HTML.BodyContext> {
        let rows: Node<HTML.TableContext> = .tbody(.forEach(items) { row($0) })
        let head: Node<HTML.TableContext> = .thead(.tr(
            .if(review, .th(.text("选择"))), .th(.text("指标")), .th(.text("区划")), .th(.class("num"), .text("月份")),
            .th(.class("num"), .text("佐证数量")), .th(.text("说明")), .th(.text(review ? "上传单位" : "状态")), .th(.class("num"), .text(review ? "等待天数" : "文件"))))
        guard review else { return .div(.class("table-wrap"), .table(.class("list stacked"), head, rows)) }
        return .form(.method(.post), .action(SiteURL.evidenceDecide.path),
                     PageFrame.csrfField(context.csrf),
                     .div(.class("table-wrap"), .table(.class("list stacked"), head, rows)),
                     .div(.class("panel form decide"),
                          .label(.for("reason"), .text("意见（退回时必填）")),
                          .textarea(.id("reason"), .name("reason"), .attr("rows", "2"), .attr("maxlength", "500"), .text(typedReason ?? "")),
                          .p(.class("actions"),
                             .button(.type(.submit), .attr("name", "action"), .attr("value", "approve"), .class("button primary"), .text("审核通过所选")),
                             .button(.type(.submit), .attr("name", "action"), .attr("value", "return"), .class("button danger"), .text("退回所选")))))
    }

    private func row(_ listed: EvidenceService.Listed) -> Node<HTML.TableContext> {
        let item = listed.item
        let link = SiteURL.evidence(id: item.id ?? 0).path
        return .tr(
            .if(review, .td(.attr("data-label", "选择"), .input(.type(.checkbox), .name("ids[]"), .attr("value", "\(item.id ?? 0)"),
                                                              .attr("aria-label", "选择 \(listed.indicatorName)"),
                                                              .attr(ticked.contains(item.id ?? -1) ? "checked" : "data-unchecked", "checked")))),
            .td(.attr("data-label", "指标"), .a(.attr("href", link), .text(listed.indicatorName)),
                .if(listed.projectName != listed.indicatorName, .div(.class("muted small"), .text(listed.projectName)))),
            .td(.attr("data-label", "区划"), .text(listed.regionName)),
            .td(.class("num"), .attr("data-label", "月份"), .text("\(item.month) 月")),
            .td(.class("num"), .attr("data-label", "佐证数量"), .text(EvidencePageParts.supported(listed))),
            .td(.attr("data-label", "说明"), .text(String(item.description.prefix(60)))),
            review ? .td(.attr("data-label", "上传单位"), .text((listed.unitName ?? "") + " " + listed.uploaderName))
                : .td(.attr("data-label", "状态"), EvidencePageParts.stateBadge(item),
                      .unwrap(item.evidenceState == .returned ? item.reason : nil) { .div(.class("muted small"), .text("退回原因：" + $0)) }),
            .td(.class("num"), .attr("data-label", review ? "等待天数" : "文件"), .text(review ? "\(listed.ageDays) 天" : "\(listed.files.count) 个")))
    }
}
