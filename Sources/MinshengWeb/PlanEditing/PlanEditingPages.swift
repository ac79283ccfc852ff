import Foundation
import MinshengCore
import MinshengData
import Plot

/// Shared pieces of the plan editor's pages.
enum PlanEditing {
    static func chineseNumber(_ n: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard n > 0 else { return "\(n)" }
        if n < 10 { return digits[n] }
        if n < 20 { return "十" + (n == 10 ? "" : digits[n - 10]) }
        if n < 100 { return digits[n / 10] + "十" + (n % 10 == 0 ? "" : digits[n % 10]) }
        return "\(n)"
    }

    static func day(_ date: Date?) -> String { date.map(ChineseDate.day) ?? "" }

    /// A small POST form with one button (and hidden fields).
    static func button(_ url: SiteURL, _ label: String, csrf: String, fields: [(String, String)] = [], danger: Bool = false,
                       title: String? = nil) -> Node<HTML.BodyContext> {
        .form(.class("inline"), .method(.post), .action(url.path), PageFrame.csrfField(csrf),
              .forEach(fields) { .input(.type(.hidden), .name($0.0), .attr("value", $0.1)) },
              .button(.type(.submit), .class(danger ? "button small danger" : "button small"),
                      .unwrap(title) { .attr("title", $0) }, .unwrap(title) { .attr("aria-label", $0) }, .text(label)))
    }

    static func moveButtons(_ url: SiteURL, csrf: String, name: String) -> Node<HTML.BodyContext> {
        .group(button(url, "↑", csrf: csrf, fields: [("direction", "up")], title: "上移“\(name)”"),
               button(url, "↓", csrf: csrf, fields: [("direction", "down")], title: "下移“\(name)”"))
    }

    static func select<T>(_ name: String, id: String, _ options: [T], value: (T) -> String, label: (T) -> String, selected: String?) -> Node<HTML.FormContext> {
        .select(.attr("name", name), .id(id), .forEach(options) { Fragments.option(value: value($0), label: label($0), selected: value($0) == selected) })
    }

    /// The fields of an indicator (new or edited).
    static func indicatorFields(prefix: String, _ row: PlanEditor.Outline.IndicatorRow?, adopted: Bool) -> Node<HTML.FormContext> {
        .group(
            .div(.class("grid-form"),
                 .div(.class("wide"), .label(.for(prefix + "name"), .text("指标任务")),
                      .input(.type(.text), .name("name"), .id(prefix + "name"), .attr("maxlength", "\(PlanEditor.maxName)"), .attr("required", "required"),
                             .attr("value", row?.name ?? ""))),
                 .div(.label(.for(prefix + "unit"), .text("单位")),
                      .input(.type(.text), .name("unit"), .id(prefix + "unit"), .attr("maxlength", "20"), .attr("required", "required"),
                             .attr("placeholder", "如 所、人、公里、%"), .attr("value", row?.unitLabel ?? ""))),
                 .div(.label(.for(prefix + "kind"), .text("进度类型")),
                      select("kind", id: prefix + "kind", ProgressType.allCases, value: \.rawValue, label: \.label, selected: row?.kind.rawValue)),
                 .div(.label(.for(prefix + "rule"), .text("汇总方式")),
                      select("rule", id: prefix + "rule", Aggregation.allCases, value: \.rawValue, label: \.label, selected: row?.rule.rawValue)),
                 .div(.label(.for(prefix + "lead"), .text("牵头单位")),
                      .input(.type(.text), .name("lead"), .id(prefix + "lead"), .attr("maxlength", "100"), .attr("placeholder", "如 市民政局"),
                             .attr("value", row?.leadUnit ?? "")))),
            .label(.for(prefix + "standard"), .text("验收标准")),
            .textarea(.name("standard"), .id(prefix + "standard"), .attr("rows", "3"), .attr("maxlength", "\(PlanFile.maxStandard)"),
                      .attr("placeholder", "审核佐证材料时对照的标准，如：建成并投入使用，有运营管理制度和服务台账。"),
                      .text(row?.acceptanceStandard ?? "")),
            .if(adopted, .p(.class("hint"), .text("计划已通过：已有填报数据的指标，单位、进度类型和汇总方式不再修改；目标任务和责任单位的变化请在“分解”中提出计划调整。"))))
    }
}

/// 新建计划.
struct NewPlanPage {
    let regions: [RegionTree.Node]
    let tree: RegionTree
    let year: Int

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("新建计划", subtitle: "先建立计划，再逐项添加实事、项目和指标，分解目标任务；也可以导入计划文件。",
                                 trail: [("计划与任务分解", SiteURL.plans.path), ("新建计划", nil)]),
            .form(.class("panel narrow"), .method(.post), .action(SiteURL.plans.path), PageFrame.csrfField(context.csrf),
                  .label(.for("title"), .text("计划名称")),
                  .input(.type(.text), .name("title"), .id("title"), .attr("required", "required"), .attr("maxlength", "\(PlanEditor.maxName)"),
                         .attr("placeholder", "如 \(year)年\(regions.first?.name ?? "")市定重点民生实事")),
                  .div(.class("grid-form"),
                       .div(.label(.for("year"), .text("年度")),
                            .input(.type(.number), .name("year"), .id("year"), .attr("min", "2000"), .attr("max", "2100"), .attr("value", "\(year)"), .attr("required", "required"))),
                       .div(.label(.for("level"), .text("级别")),
                            PlanEditing.select("level", id: "level", PlanLevel.allCases, value: \.rawValue, label: \.label, selected: PlanLevel.city.rawValue))),
                  .label(.for("region"), .text("制定计划的行政区划（目标任务分解到其下级）")),
                  .select(.attr("name", "region"), .id("region"),
                          .forEach(regions) { node in
                              Fragments.option(value: "\(node.id)", label: String(repeating: "　", count: max(0, tree.depth(of: node.id) - tree.depth(of: regions.first?.id ?? node.id))) + node.name)
                          }),
                  .label(.for("approver"), .text("计划调整的审批")),
                  PlanEditing.select("approver", id: "approver", AdjustmentApprover.allCases, value: \.rawValue, label: \.label, selected: AdjustmentApprover.above.rawValue),
                  .p(.class("hint"), .text("计划通过后，目标任务、分解和责任单位的变化都要提出计划调整，经审批后从审批时确定的月份起生效。")),
                  .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("创建计划")),
                       .a(.class("button"), .attr("href", SiteURL.imports.path), .text("改为导入计划文件")))))
        return PageFrame.render(title: "新建计划", context: context, body: body)
    }
}

/// The plan's outline for its office: 实事 → 项目 → 指标, each editable in place.
struct PlanEditorPage {
    let outline: PlanEditor.Outline

    func render(in context: PageContext) -> String {
        let csrf = context.csrf
        let id = outline.planID
        let adopted = outline.adoptedAt != nil
        let status = adopted ? "已于 \(PlanEditing.day(outline.adoptedAt)) 通过" : "草案（未通过）"
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("编辑计划：" + outline.title,
                                 subtitle: "\(outline.year)年 · \(outline.level.label) · \(outline.ownerName) · \(status) · \(outline.indicatorCount) 项指标",
                                 trail: [("计划与任务分解", SiteURL.plans.path), (outline.title, SiteURL.plan(id: id).path), ("编辑", nil)]),
            .div(.class("actions"),
                 .a(.class("button"), .attr("href", SiteURL.plan(id: id).path), .text("查看计划表")),
                 .a(.class("button"), .attr("href", SiteURL.planAdjustments(plan: id).path),
                    .text(outline.pendingAdjustments > 0 ? "计划调整（待审批 \(outline.pendingAdjustments) 项）" : "计划调整记录")),
                 .a(.class("button"), .attr("href", SiteURL.planFile(id: id, format: "xlsx").path), .text("导出计划（导入格式）"))),
            .div(.class("columns"),
                 .form(.class("panel"), .method(.post), .action(SiteURL.planEditor(id: id).path), PageFrame.csrfField(csrf),
                       .h2(.text("计划")),
                       .label(.for("plan-title"), .text("计划名称")),
                       .input(.type(.text), .name("title"), .id("plan-title"), .attr("required", "required"), .attr("maxlength", "\(PlanEditor.maxName)"),
                              .attr("value", outline.title)),
                       .label(.for("plan-approver"), .text("计划调整的审批")),
                       PlanEditing.select("approver", id: "plan-approver", AdjustmentApprover.allCases, value: \.rawValue, label: \.label, selected: outline.approver.rawValue),
                       .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存")))),
                 adoptPanel(adopted: adopted, csrf: csrf)),
            .if(outline.items.isEmpty, Fragments.empty("计划还没有实事：在下方添加第一项实事。")),
            .forEach(outline.items) { item in itemPanel(item, csrf: csrf, adopted: adopted) },
            .form(.class("panel"), .method(.post), .action(SiteURL.planItems(plan: id).path), PageFrame.csrfField(csrf),
                  .h2(.text("添加实事")),
                  .div(.class("row-form"),
                       .label(.class("visually-hidden"), .for("new-item"), .text("实事名称")),
                       .input(.type(.text), .name("name"), .id("new-item"), .attr("required", "required"), .attr("maxlength", "\(PlanEditor.maxName)"),
                              .attr("placeholder", "如 提高养老服务水平")),
                       .button(.type(.submit), .class("button primary"), .text("添加实事")))))
        return PageFrame.render(title: "编辑计划", context: context, body: body)
    }

    func adoptPanel(adopted: Bool, csrf: String) -> Node<HTML.BodyContext> {
        if adopted {
            return .div(.class("panel"), .h2(.text("已通过")),
                        .p(.text("计划已于 \(PlanEditing.day(outline.adoptedAt)) 通过。实事、项目和指标的文字、验收标准仍可修改（留有记录）；目标任务、分解和责任单位的变化须在各指标的“分解”中提出计划调整，由\(outline.approver.label.replacingOccurrences(of: "审批", with: ""))审批，批准时确定生效月份，此前各月仍按原目标任务统计。")))
        }
        return .form(.class("panel"), .method(.post), .action(SiteURL.planAdopt(id: outline.planID).path), PageFrame.csrfField(csrf),
                     .h2(.text("通过计划")),
                     .p(.text("计划确定后点击“通过”。通过之后，修改目标任务、分解或责任单位都要提出计划调整并经审批，导入文件也不能再覆盖计划。")),
                     .label(.class("check"), .input(.type(.checkbox), .name("confirm"), .attr("value", "1")), .text(" 目标任务和分解已核对无误")),
                     .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("通过计划"))))
    }

    func itemPanel(_ item: PlanEditor.Outline.ItemRow, csrf: String, adopted: Bool) -> Node<HTML.BodyContext> {
        let id = outline.planID
        return .section(.class("panel"), .attr("aria-label", item.name),
            .div(.class("editor-head"),
                 .form(.class("row-form grow"), .method(.post), .action(SiteURL.planItem(plan: id, item: item.id, action: nil).path), PageFrame.csrfField(csrf),
                       .span(.class("seq"), .text(PlanEditing.chineseNumber(item.seq) + "、")),
                       .label(.class("visually-hidden"), .for("item-\(item.id)"), .text("实事名称")),
                       .input(.type(.text), .name("name"), .id("item-\(item.id)"), .attr("value", item.name), .attr("maxlength", "\(PlanEditor.maxName)"),
                              .attr("required", "required"), .class("item-name")),
                       .button(.type(.submit), .class("button small"), .text("保存"))),
                 .div(.class("ops"),
                      PlanEditing.moveButtons(.planItem(plan: id, item: item.id, action: "move"), csrf: csrf, name: item.name),
                      .if(item.projects.isEmpty, PlanEditing.button(.planItem(plan: id, item: item.id, action: "remove"), "删除", csrf: csrf, danger: true,
                                                                      title: "删除实事“\(item.name)”")))),
            .forEach(item.projects) { project in projectBlock(project, csrf: csrf, adopted: adopted) },
            .details(.class("add-block"),
                     .summary(.text("＋ 在“\(item.name)”下添加项目")),
                     .form(.method(.post), .action(SiteURL.planProjects(plan: id, item: item.id).path), PageFrame.csrfField(csrf),
                           .label(.for("new-project-\(item.id)"), .text("项目名称（计划内唯一）")),
                           .input(.type(.text), .name("name"), .id("new-project-\(item.id)"), .attr("required", "required"), .attr("maxlength", "\(PlanEditor.maxName)")),
                           .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("添加项目"))))))
    }

    func projectBlock(_ project: PlanEditor.Outline.ProjectRow, csrf: String, adopted: Bool) -> Node<HTML.BodyContext> {
        let id = outline.planID
        return .div(.class("editor-project"),
            .div(.class("editor-head"),
                 .h3(.text("（\(PlanEditing.chineseNumber(project.seq))）\(project.name)")),
                 .div(.class("ops"),
                      PlanEditing.moveButtons(.planProject(plan: id, project: project.id, action: "move"), csrf: csrf, name: project.name),
                      .if(project.indicators.isEmpty, PlanEditing.button(.planProject(plan: id, project: project.id, action: "remove"), "删除", csrf: csrf, danger: true,
                                                                         title: "删除项目“\(project.name)”")))),
            .unwrap(project.content) { .p(.class("muted small"), .text("建设内容：" + $0)) },
            .details(.summary(.text("修改项目名称")),
                     .form(.method(.post), .action(SiteURL.planProject(plan: id, project: project.id, action: nil).path), PageFrame.csrfField(csrf),
                           .label(.for("project-\(project.id)"), .text("项目名称")),
                           .input(.type(.text), .name("name"), .id("project-\(project.id)"), .attr("value", project.name), .attr("required", "required"),
                                  .attr("maxlength", "\(PlanEditor.maxName)")),
                           .div(.class("actions"), .button(.type(.submit), .class("button"), .text("保存项目"))))),
            .if(!project.indicators.isEmpty, .div(.class("table-wrap"), .table(.class("list editor-indicators"),
                .thead(.tr(.th(.text("指标任务")), .th(.text("单位")), .th(.class("hide-phone"), .text("类型 / 汇总")), .th(.class("num"), .text(outline.ownerName + "目标")),
                           .th(.class("hide-phone"), .text("牵头单位")), .th(.class("hide-phone"), .text("验收标准")), .th(.text("操作")))),
                .tbody(.forEach(project.indicators) { row in
                    .tr(.if(row.stopped, .class("stopped")),
                        .td(.a(.attr("href", SiteURL.indicatorEditor(plan: id, indicator: row.id, action: "edit").path), .text(row.name)),
                            .if(row.stopped, .span(.class("badge stopped"), .text("停止实施")))),
                        .td(.text(row.unitLabel)),
                        .td(.class("hide-phone"), .text("\(row.kind.label) / \(row.rule.label)")),
                        .td(.class("num"), .text(row.ownTarget.map(Figures.quantity) ?? (row.ownNote ?? "未定"))),
                        .td(.class("hide-phone"), .text(row.leadUnit ?? "—")),
                        .td(.class("hide-phone"), row.acceptanceStandard == nil ? .span(.class("missing"), .text("未填写"))
                            : .text("已填写" + (row.attachments.isEmpty ? "" : "（附件 \(row.attachments.count)）"))),
                        .td(.class("ops"),
                            .a(.class("button small"), .attr("href", SiteURL.decomposition(plan: id, indicator: row.id, region: outline.ownerID).path),
                               .text(adopted ? "分解/调整" : "分解（\(row.shares)）")),
                            .a(.class("button small"), .attr("href", SiteURL.indicatorEditor(plan: id, indicator: row.id, action: "edit").path), .text("编辑")),
                            PlanEditing.moveButtons(.indicatorEditor(plan: id, indicator: row.id, action: "move"), csrf: csrf, name: row.name)))
                })))),
            .details(.class("add-block"),
                     .summary(.text("＋ 添加指标")),
                     .form(.method(.post), .action(SiteURL.projectIndicators(plan: id, project: project.id).path), PageFrame.csrfField(csrf),
                           PlanEditing.indicatorFields(prefix: "new-\(project.id)-", nil, adopted: false),
                           .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("添加指标"))))))
    }
}

/// One indicator: its fields, 验收标准 with attachments, 停止实施, removal.
struct IndicatorEditPage {
    let outline: PlanEditor.Outline
    let project: PlanEditor.Outline.ProjectRow
    let indicator: PlanEditor.Outline.IndicatorRow
    let limitMB: Int

    func render(in context: PageContext) -> String {
        let csrf = context.csrf
        let (planID, id) = (outline.planID, indicator.id)
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(indicator.name, subtitle: project.name + (indicator.stopped ? " · 停止实施" : ""),
                                 trail: [("计划与任务分解", SiteURL.plans.path), (outline.title, SiteURL.plan(id: planID).path),
                                         ("编辑", SiteURL.planEditor(id: planID).path), (indicator.name, nil)]),
            .div(.class("actions"),
                 .a(.class("button primary"), .attr("href", SiteURL.decomposition(plan: planID, indicator: id, region: outline.ownerID).path),
                    .text(outline.adoptedAt == nil ? "分解目标任务" : "分解 / 提出调整")),
                 .a(.class("button"), .attr("href", SiteURL.planEditor(id: planID).path), .text("返回计划"))),
            .if(indicator.stopped, .div(.class("notice error"), .text("该指标已停止实施：\(indicator.stopReason ?? "")"))),
            .form(.class("panel"), .method(.post), .action(SiteURL.indicatorEditor(plan: planID, indicator: id, action: "edit").path), PageFrame.csrfField(csrf),
                  .h2(.text("指标")),
                  PlanEditing.indicatorFields(prefix: "", indicator, adopted: outline.adoptedAt != nil),
                  .div(.class("actions"), .button(.type(.submit), .class("button primary"), .text("保存指标")))),
            .section(.class("panel"),
                     .h2(.text("验收标准附件")),
                     .p(.class("hint"), .text("如省级验收标准的 PDF、验收表模板：审核员审核佐证材料时可以查看。PDF、Word、Excel 或图片，每个不超过 \(limitMB) MB，最多 \(PlanEditor.maxAttachments) 个。")),
                     .if(indicator.attachments.isEmpty, Fragments.empty("还没有附件。")),
                     .ul(.class("files"), .forEach(indicator.attachments) { file in
                         .li(.a(.attr("href", SiteURL.indicatorAttachment(plan: planID, indicator: id, attachment: file.id).path), .text(file.name)),
                             .span(.class("hint"), .text(" \(StreamedUpload.size(file.size)) ")),
                             PlanEditing.button(.indicatorEditor(plan: planID, indicator: id, action: "attachments/remove"), "删除", csrf: csrf,
                                                fields: [("attachment", "\(file.id)")], danger: true, title: "删除附件“\(file.name)”"))
                     }),
                     .form(.method(.post), .action(SiteURL.indicatorEditor(plan: planID, indicator: id, action: "attachments/upload").path),
                           .attr("enctype", "multipart/form-data"), PageFrame.csrfField(csrf),
                           .div(.class("row-form"),
                                .label(.class("visually-hidden"), .for("files"), .text("选择文件")),
                                .input(.type(.file), .name("files"), .id("files"), .attr("multiple", "multiple"), .attr("required", "required")),
                                .button(.type(.submit), .class("button"), .text("上传"))))),
            .div(.class("columns"),
                 .form(.class("panel"), .method(.post), .action(SiteURL.indicatorEditor(plan: planID, indicator: id, action: "stop").path), PageFrame.csrfField(csrf),
                       .h2(.text(indicator.stopped ? "恢复实施" : "停止实施")),
                       indicator.stopped
                           ? .group(.input(.type(.hidden), .name("action"), .attr("value", "resume")),
                                    .p(.text("恢复后该指标重新按计划填报和统计。")),
                                    .div(.class("actions"), .button(.type(.submit), .class("button"), .text("恢复实施"))))
                           : .group(.input(.type(.hidden), .name("action"), .attr("value", "stop")),
                                    .p(.text("已有填报数据的指标不能删除；不再实施时在此标记，并写明原因（如政策调整、并入其他项目）。已报的数据和历史保留。")),
                                    .label(.for("stop-reason"), .text("停止实施的原因")),
                                    .textarea(.name("reason"), .id("stop-reason"), .attr("rows", "2"), .attr("required", "required"), .attr("maxlength", "\(PlanEditor.maxReason)"), .text("")),
                                    .div(.class("actions"), .button(.type(.submit), .class("button danger"), .text("停止实施"))))),
                 .form(.class("panel"), .method(.post), .action(SiteURL.indicatorEditor(plan: planID, indicator: id, action: "remove").path), PageFrame.csrfField(csrf),
                       .h2(.text("删除指标")),
                       .p(.text("只能删除尚无任何填报数据和佐证材料的指标，删除时一并删除其目标任务分解。")),
                       .div(.class("actions"), .button(.type(.submit), .class("button danger"), .text("删除该指标"))))))
        return PageFrame.render(title: indicator.name, context: context, body: body)
    }
}

/// The decomposition grid of one indicator below one region.
struct DecompositionPage {
    let grid: PlanDecomposition.Grid
    /// What was typed or pasted (shown again on a refusal or after a paste), else the saved shares.
    let entries: [PlanDecomposition.Entry]?
    let reason: String
    let message: String?

    func render(in context: PageContext) -> String {
        let byRegion = Dictionary((entries ?? []).map { ($0.regionID, $0) }, uniquingKeysWith: { a, _ in a })
        let url = SiteURL.decomposition(plan: grid.planID, indicator: grid.indicatorID, region: grid.regionID).path
        let rows = (grid.ownEditable ? [grid.own] : []) + grid.cells
        let pendingNote = grid.pending.map { "已有一项待\($0.approverName)专班办公室审批的调整（\(PlanEditing.day($0.proposedAt)) 提出）：批准或退回前不能再提出。" }
        // The sum of what is on the page: the saved shares, or what was typed or pasted.
        let sum = entries == nil ? grid.sum : DecompositionSum(
            parentTarget: grid.ownEditable ? byRegion[grid.own.regionID].flatMap { ImportNumber.value($0.target) } : grid.own.target,
            children: grid.cells.map { cell in byRegion[cell.regionID].flatMap { ImportNumber.value($0.target.replacingOccurrences(of: " ", with: "")) } })
        let sumNode: Node<HTML.BodyContext> = grid.rule == .sum
            ? .p(.class("sum-line"), .attr("role", "status"), .text((entries == nil ? "" : "填入后：") + sum.sentence))
            : .p(.class("sum-line"), .text("该指标按平均值汇总，各区划目标不相加比较。"))
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("分解：" + grid.indicatorName,
                                 subtitle: "\(grid.projectName) · 单位 \(grid.unitLabel) · \(grid.regionName)\(grid.ownEditable ? "及其下级" : "的下级") · \(grid.adopted ? "计划已通过，修改将作为计划调整报\(grid.approverName)审批" : "计划未通过，保存即生效")",
                                 trail: [("计划与任务分解", SiteURL.plans.path), (grid.planTitle, SiteURL.plan(id: grid.planID).path), ("分解", nil)]),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .unwrap(pendingNote) { .div(.class("notice"), .text($0)) },
            .if(!grid.ownEditable, .p(.class("hint"), .text("\(grid.regionName)本级的目标任务为 \(grid.own.target.map(Figures.quantity) ?? (grid.own.targetNote ?? "未定"))（由上级下达，在此只分解到下级）。"))),
            .if(rows.isEmpty, Fragments.empty("\(grid.regionName)没有下级区划：如需把任务分解到乡镇（街道），请先在“行政区划与单位”中添加下级区划。")),
            .if(!rows.isEmpty, sumNode),
            .if(!rows.isEmpty, .form(.class("panel"), .method(.post), .action(url), PageFrame.csrfField(context.csrf),
                  .div(.class("table-wrap"), .table(.class("list decomposition"),
                      .thead(.tr(.th(.text("区划")), .th(.class("num"), .text("目标任务（\(grid.unitLabel)）")), .th(.class("hide-phone"), .text("目标说明")),
                                 .th(.text("责任单位")), .th(.class("hide-phone"), .text("填报")))),
                      .tbody(.forEach(rows) { cell in
                          let entry = byRegion[cell.regionID]
                          let target = entry?.target ?? cell.target.map(Figures.quantity) ?? ""
                          let isOwn = cell.regionID == grid.regionID
                          return .tr(.if(isOwn, .class("own")),
                              .th(.attr("scope", "row"), .label(.for("target_\(cell.regionID)"), .text(isOwn ? "\(cell.name)（本级目标）" : cell.name)),
                                  .if(!isOwn && cell.hasChildren && cell.present,
                                      .a(.class("hint sub-link"), .attr("href", SiteURL.decomposition(plan: grid.planID, indicator: grid.indicatorID, region: cell.regionID).path),
                                         .text(" 继续分解")))),
                              .td(.class("num"), .input(.type(.text), .name("target_\(cell.regionID)"), .id("target_\(cell.regionID)"), .attr("inputmode", "decimal"),
                                                        .attr("value", target), .attr("autocomplete", "off"), .class("target-input"))),
                              .td(.class("hide-phone"), .input(.type(.text), .name("note_\(cell.regionID)"), .attr("maxlength", "200"), .attr("aria-label", "\(cell.name)目标说明"),
                                                               .attr("placeholder", "如 待另行发文确定"), .attr("value", entry?.note ?? cell.targetNote ?? ""))),
                              .td(.input(.type(.text), .name("unit_\(cell.regionID)"), .attr("maxlength", "100"), .attr("aria-label", "\(cell.name)责任单位"),
                                         .attr("value", entry?.unit ?? cell.unitName ?? ""))),
                              .td(.class("hide-phone"), .text(cell.hasFigures ? "已填报" : "—")))
                      }))),
                  .p(.class("hint"), .text("目标任务留空且无说明、无责任单位，表示该区划不承担此项任务。已填报的区划不能直接取消任务。")),
                  .if(grid.adopted, .group(
                      .label(.for("reason"), .text("调整原因（计划已通过，必填）")),
                      .textarea(.name("reason"), .id("reason"), .attr("rows", "2"), .attr("maxlength", "\(PlanEditor.maxReason)"), .text(reason)))),
                  .div(.class("actions"),
                       .button(.type(.submit), .name("step"), .attr("value", "save"), .class("button primary"), .text(grid.adopted ? "提出计划调整" : "保存分解")),
                       .a(.class("button"), .attr("href", SiteURL.planEditor(id: grid.planID).path), .text("返回计划"))),
                  .details(.class("paste"), .attr(entries == nil ? "data-closed" : "open", ""),
                           .summary(.text("从 Excel 粘贴")),
                           .p(.class("hint"), .text("在 Excel、WPS 中选中一行或一列目标任务（按上表顺序：\(rows.map(\.name).joined(separator: "、"))），复制后粘贴到下面，点“填入表格”核对，再保存。粘贴的单元格多于表格、含文字或负数时整体不予填入。")),
                           .label(.class("visually-hidden"), .for("paste"), .text("粘贴的单元格")),
                           .textarea(.name("paste"), .id("paste"), .attr("rows", "3"), .text("")),
                           .div(.class("actions"), .button(.type(.submit), .name("step"), .attr("value", "paste"), .class("button"), .text("填入表格")))))),
            historyPanel())
        return PageFrame.render(title: "分解：" + grid.indicatorName, context: context, body: body)
    }

    func historyPanel() -> Node<HTML.BodyContext> {
        .section(.class("panel"),
                 .h2(.text("调整记录")),
                 .if(grid.history.isEmpty, Fragments.empty(grid.adopted ? "该指标还没有计划调整。" : "计划通过后，目标任务的每次调整都记录在这里。")),
                 .forEach(grid.history) { AdjustmentsPage.record($0, decides: false, planID: grid.planID, csrf: "") })
    }
}

/// 计划调整: every adjustment of a plan, those waiting first, with the approver's forms.
struct AdjustmentsPage {
    let planID: Int
    let planTitle: String
    let adoptedAt: Date?
    let records: [PlanDecomposition.AdjustmentRecord]
    let decides: Set<Int>
    /// The months an adjustment may take effect from (not closed).
    var openMonths: [Int] = Array(1...12)

    func render(in context: PageContext) -> String {
        let waiting = records.filter { $0.state == .proposed }
        let decided = records.filter { $0.state != .proposed }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("计划调整", subtitle: planTitle + (adoptedAt.map { " · \(PlanEditing.day($0)) 通过" } ?? " · 计划尚未通过"),
                                 trail: [("计划与任务分解", SiteURL.plans.path), (planTitle, SiteURL.plan(id: planID).path), ("计划调整", nil)]),
            .p(.class("hint"), .text("批准的调整自审批时确定的月份起生效：此前各月的进度表、通报和报表仍按原目标任务统计。")),
            .h2(.text("待审批（\(waiting.count)）")),
            .if(waiting.isEmpty, Fragments.empty("没有待审批的调整。")),
            .forEach(waiting) { Self.record($0, decides: decides.contains($0.id), planID: planID, csrf: context.csrf, months: openMonths) },
            .h2(.text("已审批（\(decided.count)）")),
            .if(decided.isEmpty, Fragments.empty("还没有审批过的调整。")),
            .forEach(decided) { Self.record($0, decides: false, planID: planID, csrf: context.csrf) })
        return PageFrame.render(title: "计划调整", context: context, body: body)
    }

    static func record(_ record: PlanDecomposition.AdjustmentRecord, decides: Bool, planID: Int, csrf: String, months: [Int] = []) -> Node<HTML.BodyContext> {
        let decision: String
        switch record.state {
        case .proposed: decision = "待\(record.approverName)专班办公室审批"
        case .approved: decision = "\(record.decider ?? "")于 \(PlanEditing.day(record.decidedAt)) 批准，自 \(record.effectiveMonth ?? 1) 月起生效"
        case .returned: decision = "\(record.decider ?? "")于 \(PlanEditing.day(record.decidedAt)) 退回：\(record.returnReason ?? "")"
        }
        return .div(.class("adjustment " + record.state.rawValue),
            .h3(.text("第 \(record.id) 号 · \(record.indicatorName) · \(record.regionName)"), .span(.class("badge adj-" + record.state.rawValue), .text(record.state.label))),
            .p(.text("\(record.proposer) 于 \(PlanEditing.day(record.proposedAt)) 提出。原因：\(record.reason)")),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("区划")), .th(.text("调整前")), .th(.text("调整后")))),
                .tbody(.forEach(record.lines) { line in .tr(.td(.text(line.regionName)), .td(.text(line.before)), .td(.strong(.text(line.after)))) }))),
            .p(.class("hint"), .text(decision)),
            .if(decides && months.isEmpty, .p(.class("hint"), .text("全年各月均已关账，调整无法生效；如需调整，请先重新开放月份。"))),
            .if(decides && !months.isEmpty, .div(.class("columns"),
                .form(.class("row-form"), .method(.post), .action(SiteURL.planAdjustment(plan: planID, adjustment: record.id, action: "approve").path), PageFrame.csrfField(csrf),
                      .label(.for("month-\(record.id)"), .text("自")),
                      .select(.attr("name", "month"), .id("month-\(record.id)"), .class("month-select"),
                              .forEach(months) { Fragments.option(value: "\($0)", label: "\($0) 月") }),
                      .span(.text("起生效")),
                      .button(.type(.submit), .class("button primary"), .text("批准"))),
                .form(.class("row-form"), .method(.post), .action(SiteURL.planAdjustment(plan: planID, adjustment: record.id, action: "return").path), PageFrame.csrfField(csrf),
                      .label(.class("visually-hidden"), .for("return-\(record.id)"), .text("退回原因")),
                      .input(.type(.text), .name("reason"), .id("return-\(record.id)"), .attr("required", "required"), .attr("placeholder", "退回原因")),
                      .button(.type(.submit), .class("button danger"), .text("退回"))))))
    }
}
