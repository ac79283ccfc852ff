import Foundation
import MinshengCore
import MinshengData
import Plot

extension Fragments {
    /// A problem's state, and the colour of its deadline while the unit owes an answer.
    static func problemBadges(_ problem: Problem, now: Date) -> Node<HTML.BodyContext> {
        let state = problem.stateValue
        let urgency = problem.urgency(at: now)
        let tone = state == .rectified ? "badge completed" : state.isDismissed ? "badge none" : state == .answered ? "badge on_schedule" : "badge"
        return .group(.span(.class(tone), .text(state.label)),
                      .if(urgency != .none, .span(.class("badge urgency-\(urgency.rawValue)"), .text(urgency.label))))
    }
}

struct ProblemListPage {
    let listing: Listing<Problem>
    let counts: ProblemService.Counts
    let query: ListQuery
    let regions: [(id: Int, name: String)]
    let mayRaise: Bool
    let tree: RegionTree
    let accountID: Int

    func render(in context: PageContext) -> String {
        let now = Date()
        let base = SiteURL.problems.path
        let open = (counts.byState[.pending] ?? 0) + (counts.byState[.rectifying] ?? 0) + (counts.byState[.partial] ?? 0) + (counts.byState[.answered] ?? 0)
        let stats: Node<HTML.BodyContext> = .div(.class("stats"),
            Fragments.stat("问题", "\(counts.total)", href: base),
            Fragments.stat("待分派", "\(counts.byState[.pending] ?? 0)", href: base + "?status=pending"),
            Fragments.stat("整改中", "\((counts.byState[.rectifying] ?? 0) + (counts.byState[.partial] ?? 0))", href: base + "?status=open"),
            Fragments.stat("待确认", "\(counts.byState[.answered] ?? 0)", href: base + "?status=answered"),
            Fragments.stat("已整改", "\(counts.byState[.rectified] ?? 0)", tone: "completed", href: base + "?status=rectified"),
            Fragments.stat("即将到期", "\(counts.blue)", tone: counts.blue > 0 ? "blue" : "", href: base + "?status=blue"),
            Fragments.stat("已超期", "\(counts.overdue)", tone: counts.overdue > 0 ? "lagging" : "", href: base + "?status=overdue"),
            Fragments.stat("严重超期", "\(counts.red)", tone: counts.red > 0 ? "lagging" : "", href: base + "?status=red"))
        let statusChoices: [(value: String, label: String)] = [("open", "未关闭"), ("mine", "我提出的"), ("blue", "即将到期"), ("overdue", "已超期"), ("red", "严重超期")]
            + ProblemState.allCases.map { ($0.rawValue, $0.label) }
        let filters = Fragments.filterBar(action: base, query: query, [
            Fragments.filterSelect("status", label: "状态", choices: statusChoices, selected: query.filter.status),
            Fragments.filterSelect("category", label: "类别", choices: ProblemCategory.allCases.map { ($0.rawValue, $0.label) }, selected: query.filter.category),
            Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: query.filter.regionID.map { "\($0)" }),
            Fragments.filterMonth(query.filter, label: "提出月份"),
            Fragments.filterText("q", label: "描述", value: query.filter.text, placeholder: "问题描述中的字词"),
        ])
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { problem in
            .tr(.td(.class("num"), .text("\(problem.id ?? 0)")),
                .td(.class("title"), .a(.attr("href", SiteURL.problem(id: problem.id ?? 0).path), .text(String(problem.description.prefix(60)))),
                    .div(.class("hint"), .text(problem.project.name + " · " + (tree[problem.$region.id]?.name ?? "")))),
                .td(.class("hide-phone"), .text(problem.categoryValue.label)),
                .td(.class("hide-phone"), .text(problem.severityValue.label)),
                .td(.class("hide-phone"), .text(problem.unit?.name ?? "—")),
                .td(.class("hide-phone"), .text(problem.dueAt.map { ChineseDate.day($0.addingTimeInterval(-1)) } ?? "—")),
                .td(Fragments.problemBadges(problem, now: now)))
        })
        let table: Node<HTML.BodyContext> = listing.items.isEmpty
            ? Fragments.empty(query.isFiltered ? "没有符合条件的问题。" : "还没有问题。观察员、监督员在现场发现问题后，可点击“提出问题”上报。")
            : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("num"), .text("编号")), .th(.class("title"), .text("问题")), .th(.class("hide-phone"), .text("类别")),
                           .th(.class("hide-phone"), .text("严重程度")), .th(.class("hide-phone"), .text("责任单位")),
                           .th(.class("hide-phone"), .text("整改期限")), .th(.text("状态")))), rows))
        return PageFrame.render(title: "问题清单", context: context, body: .group(
            Fragments.pageHeader("问题清单", subtitle: "观察员、监督员、评议员提出的问题：分派、整改、确认的全过程。蓝色为 3 个工作日内到期，黄色为已超期，红色为超过整改时限一倍。"),
            .if(mayRaise, .p(.class("actions"), .a(.class("button primary"), .attr("href", SiteURL.problemNew().path), .text("提出问题")))),
            .if(open > 0 || counts.total > 0, stats), filters, table, Fragments.pager(listing, base: base, query: query)))
    }
}

struct ProblemFormPage {
    let choices: [SupervisionService.ProjectInRegion]
    let chosen: SupervisionService.ProjectInRegion?
    /// The region picked before its project.
    var pickedRegion: Int? = nil
    let inspection: Int?
    let message: String?
    let typed: [String: String]

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext>
        if let chosen {
            body = form(chosen, context)
        } else {
            // Choosing the place first (a region, then its project): a list a thumb can use.
            let regionOrder = choices.map(\.regionID).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            if let region = regionOrder.count == 1 ? regionOrder.first : pickedRegion.flatMap({ regionOrder.contains($0) ? $0 : nil }) {
                let inRegion = choices.filter { $0.regionID == region }
                let plans = inRegion.map(\.planTitle).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                body = .group(.p(.class("hint"), .text("请选择发现问题的项目（\(inRegion.first?.region ?? "")，共 \(inRegion.count) 个）：")),
                              .if(regionOrder.count > 1, .p(.a(.attr("href", SiteURL.problemNew(inspection: inspection).path), .text("‹ 换一个区划")))),
                              .forEach(plans) { plan in
                                  .div(.class("panel"), .h2(.text(plan)),
                                       .ul(.class("pick-list"), .forEach(inRegion.filter { $0.planTitle == plan }) { entry in
                                           .li(.a(.attr("href", SiteURL.problemNew(project: entry.projectID, region: entry.regionID, inspection: inspection).path),
                                                  .text(entry.project)))
                                       }))
                              })
            } else {
                body = .group(.p(.class("hint"), .text("请先选择项目所在的区划：")),
                              .div(.class("panel"), .ul(.class("pick-list"), .forEach(regionOrder) { region in
                                  let count = choices.filter { $0.regionID == region }.count
                                  return .li(.a(.attr("href", SiteURL.problemNew(region: region, inspection: inspection).path),
                                                .text("\(choices.first { $0.regionID == region }?.region ?? "")（\(count) 个项目）")))
                              })))
            }
        }
        return PageFrame.render(title: "提出问题", context: context, body: .group(
            Fragments.pageHeader("提出问题", subtitle: chosen.map { "\($0.region) · \($0.project)" }, trail: [("问题清单", SiteURL.problems.path), ("提出问题", nil)]),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            body))
    }

    private func form(_ chosen: SupervisionService.ProjectInRegion, _ context: PageContext) -> Node<HTML.BodyContext> {
        let categories: Node<HTML.FormContext> = .fieldset(.class("choices"), .element(named: "legend", text: "问题类别"),
            .forEach(ProblemCategory.allCases) { category in
                .label(.class("choice"), .input(.type(.radio), .name("category"), .attr("value", category.rawValue),
                                                .attr(typed["category"] == category.rawValue ? "checked" : "data-unchecked", "checked")),
                       .text(category.label))
            })
        let severities: Node<HTML.FormContext> = .fieldset(.class("choices"), .element(named: "legend", text: "严重程度"),
            .forEach(ProblemSeverity.allCases) { severity in
                .label(.class("choice"), .input(.type(.radio), .name("severity"), .attr("value", severity.rawValue),
                                                .attr((typed["severity"] ?? ProblemSeverity.normal.rawValue) == severity.rawValue ? "checked" : "data-unchecked", "checked")),
                       .text(severity.label))
            })
        let fields: Node<HTML.FormContext> = .group(
            .label(.for("description"), .text("问题描述")),
            .textarea(.id("description"), .name("description"), .attr("rows", "5"), .attr("maxlength", "2000"), .attr("required", "required"),
                      .attr("placeholder", "写明看到的情况，如：3号楼外墙脚手架未设置防护网"), .text(typed["description"] ?? "")),
            .label(.for("location"), .text("位置（可选）")),
            .input(.type(.text), .id("location"), .name("location"), .attr("maxlength", "200"), .attr("placeholder", "如：城南安置小区 3 号楼东侧"),
                   .attr("value", typed["location"] ?? "")),
            .label(.for("photos"), .text("现场照片（可选，最多 \(ProblemService.maxPhotos) 张，每张不超过 10 MB）")),
            .input(.type(.file), .id("photos"), .name("photos"), .attr("multiple", "multiple"), .attr("accept", "image/*")))
        return .form(.class("panel form problem-form"), .method(.post), .action(SiteURL.problems.path), .attr("enctype", "multipart/form-data"),
                     PageFrame.csrfField(context.csrf),
                     .input(.type(.hidden), .name("project"), .attr("value", "\(chosen.projectID)")),
                     .input(.type(.hidden), .name("region"), .attr("value", "\(chosen.regionID)")),
                     .unwrap(inspection) { .input(.type(.hidden), .name("inspection"), .attr("value", "\($0)")) },
                     categories, severities, fields,
                     .p(.class("actions"), .button(.type(.submit), .class("button primary wide"), .text("提交问题")),
                        .if(choices.count > 1, .a(.class("button"), .attr("href", SiteURL.problemNew(region: chosen.regionID, inspection: inspection).path), .text("换一个项目")))))
    }
}

struct ProblemPage {
    let problem: Problem
    let history: [(step: ProblemStep, files: [SupervisionFile])]
    let regionName: String
    let mayAnswer: Bool
    let confirm: (Decision, onBehalf: Bool)
    let manages: Bool
    let units: [(id: Int, name: String)]
    let suggested: Set<Int>
    let deadlines: ProblemDeadlines

    /// The project's own units in the problem's region, as the office's assigning form proposes them.
    private var suggestedNames: String { units.filter { suggested.contains($0.id) }.map(\.name).joined(separator: "、") }

    func render(in context: PageContext) -> String {
        let now = Date()
        let id = problem.id ?? 0
        let state = problem.stateValue
        let facts: Node<HTML.BodyContext> = .div(.class("panel"),
            .p(.class("pre"), .text(problem.description)),
            .dl(.class("facts"),
                .dt(.text("项目")), .dd(.text(problem.project.name)),
                .dt(.text("区划")), .dd(.text(regionName)),
                .unwrap(problem.location) { .group(.dt(.text("位置")), .dd(.text($0))) },
                .dt(.text("类别")), .dd(.text(problem.categoryValue.label)),
                .dt(.text("严重程度")), .dd(.text(problem.severityValue.label)),
                .dt(.text("提出人")), .dd(.text(problem.raiser.displayName + " · " + ChineseDate.dayAndTime(problem.createdAt))),
                .dt(.text("责任单位")), .dd(.text(state == .pending ? "待分派" + (suggestedNames.isEmpty ? "" : "（该项目责任单位：\(suggestedNames)）") : problem.unit?.name ?? "—")),
                .unwrap(problem.dueAt) { due in
                    .group(.dt(.text("整改期限")), .dd(.text(ChineseDate.day(due.addingTimeInterval(-1)) + "（\(problem.clockDays ?? 0) 个工作日）")))
                },
                .dt(.text("状态")), .dd(Fragments.problemBadges(problem, now: now)),
                .dt(.text("公开")), .dd(.text(problem.published ? "已在项目公开页面公布" : "未公开（公开页面只显示问题数和整改数）"))))
        let steps: Node<HTML.BodyContext> = .div(.class("panel"), .h2(.text("处理经过")),
            .ol(.class("history"), .forEach(history) { entry in
                let step = entry.step
                return .li(.p(.strong(.text(step.actionValue.label)), .text(" · " + step.account.displayName + (step.onBehalf ? "（专班办公室代提出人）" : "")
                                                                         + " · " + ChineseDate.dayAndTime(step.at))),
                           .unwrap(step.text) { .p(.class("pre"), .text($0)) },
                           .unwrap(step.dueAt) { .p(.class("hint"), .text("整改期限：" + ChineseDate.day($0.addingTimeInterval(-1)))) },
                           .if(!entry.files.isEmpty, .div(.class("photos"), .forEach(entry.files) { file in
                               .a(.attr("href", SiteURL.supervisionFile(id: file.id ?? 0).path), .attr("target", "_blank"),
                                  .img(.src(SiteURL.supervisionFile(id: file.id ?? 0).path), .alt(file.name), .attr("loading", "lazy")))
                           })))
            }))
        return PageFrame.render(title: "问题 \(id)", context: context, body: .group(
            Fragments.pageHeader("问题 \(id)：\(problem.categoryValue.label)", subtitle: problem.project.name,
                                 trail: [("问题清单", SiteURL.problems.path), ("问题 \(id)", nil)]),
            facts, actions(context), steps))
    }

    private func actions(_ context: PageContext) -> Node<HTML.BodyContext> {
        let id = problem.id ?? 0
        let state = problem.stateValue
        var panels: [Node<HTML.BodyContext>] = []
        if manages && state == .pending {
            let preferred = problem.$unit.id ?? (suggested.count == 1 ? suggested.first : nil)
            let assign: Node<HTML.BodyContext> = .form(.class("panel form"), .method(.post), .action(SiteURL.problemAssign(id: id).path),
                PageFrame.csrfField(context.csrf),
                .h2(.text("分派整改")),
                .label(.for("unit"), .text("责任单位")),
                .select(.attr("name", "unit"), .id("unit"), .attr("required", "required"),
                        Fragments.option(value: "", label: "请选择"),
                        .forEach(units.sorted { (suggested.contains($0.id) ? 0 : 1, $0.name) < (suggested.contains($1.id) ? 0 : 1, $1.name) }) { unit in
                            Fragments.option(value: "\(unit.id)", label: unit.name + (suggested.contains(unit.id) ? "（该项目责任单位）" : ""), selected: unit.id == preferred)
                        }),
                .label(.for("severity"), .text("严重程度（决定整改时限）")),
                .select(.attr("name", "severity"), .id("severity"), .forEach(ProblemSeverity.allCases) { s in
                    Fragments.option(value: s.rawValue, label: "\(s.label)：\(deadlines.days(s)) 个工作日", selected: s == problem.severityValue)
                }),
                .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("分派"))))
            panels.append(assign)
        }
        if mayAnswer && state.isWithUnit {
            panels.append(.form(.class("panel form"), .method(.post), .action(SiteURL.problemAnswer(id: id).path), .attr("enctype", "multipart/form-data"),
                PageFrame.csrfField(context.csrf),
                .h2(.text("反馈整改情况")),
                .p(.class("hint"), .text("写明采取的整改措施和完成情况，并上传整改后的照片；提交后由问题提出人确认。")),
                .textarea(.name("text"), .attr("rows", "5"), .attr("maxlength", "3000"), .attr("required", "required")),
                .label(.for("photos"), .text("整改后照片（最多 \(ProblemService.maxPhotos) 张，每张不超过 10 MB）")),
                .input(.type(.file), .id("photos"), .name("photos"), .attr("multiple", "multiple"), .attr("accept", "image/*")),
                .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("提交整改情况")))))
        }
        if confirm.0.isAllowed && state == .answered {
            let tomorrow = ChineseDate.isoDay(Date().addingTimeInterval(86_400 * 7))
            panels.append(.form(.class("panel form"), .method(.post), .action(SiteURL.problemReview(id: id).path),
                PageFrame.csrfField(context.csrf),
                .h2(.text(confirm.onBehalf ? "确认整改结果（专班办公室代提出人）" : "确认整改结果")),
                .p(.class("hint"), .text("请到现场或根据照片核实。部分整改的，填写新的整改期限；未整改的，退回责任单位，原期限不变。")),
                .fieldset(.class("choices"),
                          .label(.class("choice"), .input(.type(.radio), .name("verdict"), .attr("value", "confirm"), .attr("checked", "checked")), .text("已整改")),
                          .label(.class("choice"), .input(.type(.radio), .name("verdict"), .attr("value", "partial")), .text("部分整改")),
                          .label(.class("choice"), .input(.type(.radio), .name("verdict"), .attr("value", "reopen")), .text("未整改"))),
                .label(.for("review-text"), .text("意见（部分整改、未整改时必填）")),
                .textarea(.id("review-text"), .name("text"), .attr("rows", "3"), .attr("maxlength", "2000")),
                .label(.for("deadline"), .text("新的整改期限（部分整改时填写）")),
                .input(.type(.date), .id("deadline"), .name("deadline"), .attr("min", ChineseDate.isoDay(Date().addingTimeInterval(86_400))), .attr("placeholder", tomorrow)),
                .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("提交确认结果")))))
        }
        if manages && !state.isClosed {
            panels.append(.form(.class("panel form"), .method(.post), .action(SiteURL.problemDismiss(id: id).path),
                PageFrame.csrfField(context.csrf),
                .h2(.text("关闭问题")),
                .fieldset(.class("choices"),
                          .label(.class("choice"), .input(.type(.radio), .name("verdict"), .attr("value", "invalid"), .attr("checked", "checked")), .text("不属实")),
                          .label(.class("choice"), .input(.type(.radio), .name("verdict"), .attr("value", "duplicate")), .text("重复"))),
                .label(.for("reason"), .text("理由")),
                .textarea(.id("reason"), .name("reason"), .attr("rows", "2"), .attr("maxlength", "1000"), .attr("required", "required")),
                .p(.class("actions"), .button(.type(.submit), .class("button danger"), .attr("data-confirm", "确定关闭该问题？"), .text("关闭")))))
        }
        if manages {
            panels.append(.form(.class("panel rule-form"), .method(.post), .action(SiteURL.problemPublish(id: id).path),
                PageFrame.csrfField(context.csrf),
                .input(.type(.hidden), .name("published"), .attr("value", problem.published ? "0" : "1")),
                .span(.text(problem.published ? "该问题及整改情况已在项目公开页面公布。" : "公开页面只显示该项目的问题数和整改数。")),
                .button(.type(.submit), .class("button"), .text(problem.published ? "撤下" : "在公开页面公布"))))
        }
        return .group(.forEach(panels) { $0 })
    }
}
