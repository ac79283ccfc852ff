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
