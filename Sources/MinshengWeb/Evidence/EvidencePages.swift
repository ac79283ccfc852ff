import Foundation
import MinshengCore
import MinshengData
import Plot

/// The upload form for one figure, with the indicator's 验收标准 beside it.
struct EvidenceFormPage {
    let figure: EvidenceService.Figure
    let existing: [Evidence]
    let message: String?
    let limitMB: Int
    var typed: [String: String] = [:]

    func render(in context: PageContext) -> String {
        let isQuantity = figure.kind == .quantity
        let reported: String = figure.reported.map { r in
            isQuantity ? (r.quantity.map { Figures.quantity($0) + figure.unitLabel } ?? r.progress.map { Figures.quantity($0) + "%" } ?? "—")
                : (r.progress.map { Figures.quantity($0) + "%" } ?? "—")
        } ?? "尚未填报"
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("上传佐证资料", subtitle: "\(figure.regionName) · \(figure.month) 月 · \(figure.projectName)",
                                 trail: [("月度填报", SiteURL.reporting(plan: figure.planID, month: figure.month).path), ("上传佐证资料", nil)]),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .if(figure.closed, .div(.class("notice error"), .text("\(figure.month) 月已关账，不能再上传佐证资料。"))),
            .div(.class("evidence-layout"),
                 .div(.class("panel"),
                      .h2(.text(figure.indicatorName)),
                      .dl(.class("facts"),
                          .dt(.text("目标任务")), .dd(.text(figure.target.map { Figures.quantity($0) + figure.unitLabel } ?? "—")),
                          .dt(.text("本月填报")), .dd(.text(reported)),
                          .dt(.text("进度类型")), .dd(.text(figure.kind.label))),
                      .h3(.text("验收标准")),
                      .p(.class("standard"), .text(figure.acceptanceStandard ?? "该指标未填写验收标准，请按牵头单位要求提供佐证。"))),
                 uploadForm(context: context, isQuantity: isQuantity)),
            existingList())
        return PageFrame.render(title: "上传佐证资料", context: context, body: body)
    }

    private func uploadForm(context: PageContext, isQuantity: Bool) -> Node<HTML.BodyContext> {
        .form(.class("panel form"), .method(.post), .action(SiteURL.evidenceUpload.path), .attr("enctype", "multipart/form-data"),
              PageFrame.csrfField(context.csrf),
              .input(.type(.hidden), .name("indicator"), .attr("value", "\(figure.indicatorID)")),
              .input(.type(.hidden), .name("region"), .attr("value", "\(figure.regionID)")),
              .input(.type(.hidden), .name("month"), .attr("value", "\(figure.month)")),
              .label(.for("quantity"), .text(isQuantity ? "佐证支撑的完成数量（\(figure.unitLabel)）" : "佐证支撑的进度（%）")),
              .input(.type(.text), .id("quantity"), .name("quantity"), .attr("inputmode", "decimal"), .attr("required", "required"),
                     .attr("value", typed["quantity"] ?? "")),
              .label(.for("description"), .text("佐证说明")),
              .textarea(.id("description"), .name("description"), .attr("rows", "4"), .attr("maxlength", "1000"), .attr("required", "required"),
                        .attr("placeholder", "如：10 所学校竣工验收报告及现场照片"), .text(typed["description"] ?? "")),
              .label(.for("files"), .text("文件（可多选，每个不超过 \(limitMB) MB）")),
              .input(.type(.file), .id("files"), .name("files"), .attr("multiple", "multiple"), .attr("required", "required"),
                     .attr("accept", ".jpg,.jpeg,.png,.gif,.webp,.heic,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps,.zip")),
              .p(.class("hint"), .text("可上传" + FileKind.acceptedDescription + "。文件类型按内容判断，改扩展名无效。")),
              .button(.type(.submit), .class("button primary"), .text("上传")))
    }

    private func existingList() -> Node<HTML.BodyContext> {
        guard !existing.isEmpty else { return .empty }
        return .div(.class("panel"),
                    .h2(.text("该指标本月已有的佐证")),
                    .ul(.class("plain"), .forEach(existing) { item in
                        .li(.a(.attr("href", SiteURL.evidence(id: item.id ?? 0).path), .text(item.description)),
                            .text(" "), EvidencePageParts.stateBadge(item))
                    }))
    }
}

enum EvidencePageParts {
    static func stateBadge(_ item: Evidence) -> Node<HTML.BodyContext> {
        let state = item.evidenceState
        let tone: String
        switch state {
        case .approved: tone = "completed"
        case .returned: tone = "lagging"
        case .pending: tone = "on_schedule"
        case .withdrawn: tone = "none"
        }
        return .span(.class("badge " + tone), .text(state.label + (item.reopened == 1 && state == .pending ? "（数据变更后重审）" : "")))
    }

    static func supported(_ listed: EvidenceService.Listed) -> String {
        guard let quantity = listed.item.quantity else { return "—" }
        return listed.kind == .quantity ? Figures.quantity(quantity) + listed.unitLabel : Figures.quantity(quantity) + "%"
    }
}

/// The uploader's items, or a reviewer's queue (oldest first, with bulk decisions).
struct EvidenceListPage {
    let title: String
    let listing: Listing<EvidenceService.Listed>
    let review: Bool
    let query: ListQuery
    let base: String
    /// The reviewer's whole queue, before filters, and how long its oldest item has waited.
    var pending = 0
    var oldestDays: Int? = nil
    var regions: [(id: Int, name: String)] = []
    /// A refused decision: why, and what was typed and ticked.
    var message: String? = nil
    var typedReason: String? = nil
    var ticked: Set<Int> = []

    var items: [EvidenceService.Listed] { listing.items }

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

/// One item: its files (images and PDFs previewed), the figure it backs, its history, and the
/// actions open to the viewer.
struct EvidenceItemPage {
    let listed: EvidenceService.Listed
    let history: [EvidenceHistory]
    let names: [Int: String]
    let mayReview: Bool
    let isUploader: Bool
    let standard: String?

    func render(in context: PageContext) -> String {
        let item = listed.item
        let back = isUploader ? ("我的佐证资料", SiteURL.evidenceMine.path) : ("佐证审核", SiteURL.evidenceReview.path)
        let header = Fragments.pageHeader("佐证资料", subtitle: "\(listed.regionName) · \(item.month) 月 · \(listed.indicatorName)",
                                          trail: [(back.0, back.1), ("佐证资料", nil)])
        let body: Node<HTML.BodyContext> = .group(header, facts(), files(), actions(context: context), historyPanel())
        return PageFrame.render(title: "佐证资料", context: context, body: body)
    }

    private func files() -> Node<HTML.BodyContext> {
        .div(.class("panel files"), .h2(.text("文件（\(listed.files.count)）")),
             .forEach(listed.files) { file in
                 let url = SiteURL.evidenceFile(id: file.id ?? 0).path
                 let kind = FileKind(rawValue: file.kind)
                 return Self.file(file, url: url, kind: kind)
             })
    }

    private static func file(_ file: EvidenceFile, url: String, kind: FileKind?) -> Node<HTML.BodyContext> {
        let caption: Node<HTML.BodyContext> = .div(.class("caption"), .a(.attr("href", url), .text(file.name)),
                                                   .span(.class("muted small"), .text(" \(kind?.label ?? "") · \(size(file.size))")))
        guard let kind, kind.isImage, kind != .heic else { return .div(.class("file"), caption) }
        return .div(.class("file"), .a(.attr("href", url), .img(.attr("src", url), .attr("alt", file.name), .attr("loading", "lazy"))), caption)
    }

    private func facts() -> Node<HTML.BodyContext> {
        let item = listed.item
        let uploaded = "\(listed.unitName ?? "") \(listed.uploaderName) \(ChineseDate.dayAndTime(item.createdAt))"
        let reason: Node<HTML.BodyContext> = item.reason.map { .span(.class("muted"), .text(" 意见：" + $0)) } ?? .empty
        return .div(.class("panel"),
                    .p(EvidencePageParts.stateBadge(item), reason),
                    .dl(.class("facts"),
                        .dt(.text("佐证数量")), .dd(.text(EvidencePageParts.supported(listed))),
                        .dt(.text("说明")), .dd(.text(item.description)),
                        .dt(.text("上传")), .dd(.text(uploaded)),
                        .dt(.text("验收标准")), .dd(.text(standard ?? "—"))))
    }

    private func historyPanel() -> Node<HTML.BodyContext> {
        .div(.class("panel"), .h2(.text("处理记录")),
             .ol(.class("history"), .forEach(history) { entry in
                 let who = entry.accountID.flatMap { names[$0] } ?? "系统"
                 let what = EvidenceHistory.Action(rawValue: entry.action)?.label ?? entry.action
                 return .li(.text("\(ChineseDate.dayAndTime(entry.at)) \(who) \(what)" + (entry.reason.map { "：" + $0 } ?? "")))
             }))
    }

    private func actions(context: PageContext) -> Node<HTML.BodyContext> {
        let item = listed.item
        let id = item.id ?? 0
        if mayReview && item.evidenceState == .pending {
            return .form(.class("panel form"), .method(.post), .action(SiteURL.evidenceDecide.path),
                         PageFrame.csrfField(context.csrf),
                         .input(.type(.hidden), .name("ids[]"), .attr("value", "\(id)")),
                         .label(.for("reason"), .text("意见（退回时必填）")),
                         .textarea(.id("reason"), .name("reason"), .attr("rows", "2"), .attr("maxlength", "500")),
                         .p(.class("actions"),
                            .button(.type(.submit), .attr("name", "action"), .attr("value", "approve"), .class("button primary"), .text("审核通过")),
                            .button(.type(.submit), .attr("name", "action"), .attr("value", "return"), .class("button danger"), .text("退回"))))
        }
        if isUploader {
            return .div(.class("panel"), .p(.class("actions"),
                .if(item.evidenceState == .pending, .form(.method(.post), .action(SiteURL.evidenceWithdraw(id: id).path), PageFrame.csrfField(context.csrf),
                                                          .button(.type(.submit), .class("button"), .text("撤回")))),
                .a(.class("button"), .attr("href", SiteURL.evidenceNew(indicator: item.$indicator.id, region: item.$region.id, month: item.month).path),
                   .text(item.evidenceState == .returned ? "上传更正的佐证" : "补充上传"))))
        }
        return .empty
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MB", Double(bytes) / 1024 / 1024) : String(format: "%.0f KB", max(1, Double(bytes) / 1024))
    }
}
