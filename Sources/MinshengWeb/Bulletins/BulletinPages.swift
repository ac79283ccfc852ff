import Foundation
import MinshengCore
import MinshengData
import Plot

/// The bulletins an account sees: issued ones of its region's line, and drafts for an office.
struct BulletinListPage {
    let listing: Listing<BulletinRecord>
    let query: ListQuery
    let kind: BulletinKind?
    let state: BulletinRecord.State?
    let year: Int?
    let isOffice: Bool
    let tree: RegionTree

    func render(in context: PageContext) -> String {
        var query = query
        query.fixed = [kind.map { ("kind", $0.rawValue) }, state.map { ("state", $0.rawValue) }, year.map { ("year", "\($0)") }].compactMap { $0 }
        let header = Fragments.pageHeader("通报", subtitle: isOffice ? "月通报、旬简报、季度讲评和工作专报：系统生成数据部分，专班办公室撰写文字部分后签发。" : "本区划签发的通报，可在线阅读和下载 Word 文档。")
        let actions: Node<HTML.BodyContext> = .if(isOffice, .p(.class("actions"),
            .a(.class("button primary"), .attr("href", SiteURL.bulletinNew.path), .text("新建通报")),
            .a(.class("button"), .attr("href", SiteURL.letters.path), .text("督办函件")),
            .a(.class("button"), .attr("href", SiteURL.rankings().path), .text("排名")),
            .a(.class("button"), .attr("href", SiteURL.officeSettings.path), .text("专班办公室设置"))))
        let filters = Fragments.filterBar(action: SiteURL.bulletins.path, query: ListQuery(fixed: []), [
            Fragments.filterSelect("kind", label: "类型", choices: BulletinKind.allCases.map { ($0.rawValue, $0.label) }, selected: kind?.rawValue),
            .if(isOffice, Fragments.filterSelect("state", label: "状态", choices: [("draft", "草稿"), ("issued", "已签发")], selected: state?.rawValue)),
            Fragments.filterText("year", label: "年度", value: year.map(String.init), placeholder: "如 2024"),
        ])
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { record in
            .tr(.td(.class("title"), .a(.attr("href", SiteURL.bulletin(id: record.id ?? 0).path), .text(record.title))),
                .td(.class("hide-phone"), .text(record.bulletinKind.label)),
                .td(.text(record.number.map { "\(record.year)年第\($0)期" } ?? "—")),
                .td(.text(tree[record.$region.id]?.name ?? "")),
                .td(.class("hide-phone"), .text(record.period.asOf.replacingOccurrences(of: " ", with: ""))),
                .td(.span(.class(record.isIssued ? "badge completed" : "badge none"), .text(record.bulletinState.label))),
                .td(.class("hide-phone"), .text(record.issuedAt.map(ChineseDate.day) ?? "")),
                .td(.a(.attr("href", SiteURL.bulletinDocument(id: record.id ?? 0).path), .text("下载 Word"))))
        })
        let table: Node<HTML.BodyContext> = listing.items.isEmpty
            ? Fragments.empty(isOffice ? "还没有通报。点击“新建通报”，选择区划和月份，系统即生成工作推进情况、存在问题和附件。" : "还没有签发的通报。")
            : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.class("title"), .text("标题")), .th(.class("hide-phone"), .text("类型")), .th(.text("期号")), .th(.text("区划")), .th(.class("hide-phone"), .text("数据截至")),
                           .th(.text("状态")), .th(.class("hide-phone"), .text("签发日期")), .th(.text("文档")))), rows))
        return PageFrame.render(title: "通报", context: context, body: .group(header, actions, filters, table,
                                                                                Fragments.pager(listing, base: SiteURL.bulletins.path, query: query)))
    }
}

/// A new bulletin: the region, kind and period; the rest is written on the draft.
struct BulletinNewPage {
    let regions: [(id: Int, name: String)]
    let message: String?
    let typed: [String: String]
    let defaultMonth: String

    func render(in context: PageContext) -> String {
        let kind = typed["kind"] ?? BulletinKind.monthly.rawValue
        let form: Node<HTML.BodyContext> = .form(.class("panel narrow"), .method(.post), .action(SiteURL.bulletins.path),
            PageFrame.csrfField(context.csrf),
            .unwrap(message) { .p(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .label(.for("region"), .text("区划")),
            .select(.id("region"), .attr("name", "region"), .forEach(regions) { Fragments.option(value: "\($0.id)", label: $0.name, selected: typed["region"] == "\($0.id)") }),
            .label(.for("kind"), .text("类型")),
            .select(.id("kind"), .attr("name", "kind"), .forEach(BulletinKind.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == kind) }),
            .label(.for("month"), .text("数据月份")),
            .input(.type(.month), .id("month"), .name("month"), .attr("value", typed["month"] ?? defaultMonth), .attr("required", "required")),
            .label(.for("day"), .text("旬简报截至")),
            .select(.id("day"), .attr("name", "day"),
                    Fragments.option(value: "end", label: "月底（下旬）", selected: (typed["day"] ?? "end") == "end"),
                    Fragments.option(value: "10", label: "10 日（上旬）", selected: typed["day"] == "10"),
                    Fragments.option(value: "20", label: "20 日（中旬）", selected: typed["day"] == "20")),
            .p(.class("hint"), .text("仅旬简报使用；其他类型统计到月底。")),
            .label(.for("level"), .text("计划级别")),
            .select(.id("level"), .attr("name", "level"), Fragments.option(value: "", label: "全部级别（省定、市定、县定）", selected: (typed["level"] ?? "").isEmpty),
                    .forEach(PlanLevel.allCases) { Fragments.option(value: $0.rawValue, label: "仅" + $0.label, selected: typed["level"] == $0.rawValue) }),
            .label(.for("layout"), .text("进度表样式")),
            .select(.id("layout"), .attr("name", "layout"), .forEach(BulletinLayout.allCases) { Fragments.option(value: $0.rawValue, label: $0.label, selected: typed["layout"] == $0.rawValue) }),
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("生成草稿"))))
        return PageFrame.render(title: "新建通报", context: context, body: .group(
            Fragments.pageHeader("新建通报", subtitle: "系统按所选月份的数据生成工作推进情况、存在问题和附件表格；签发前可修改文字部分。",
                                 trail: [("通报", SiteURL.bulletins.path), ("新建", nil)]), form))
    }
}

/// One bulletin: for the office, a draft's form (options, narrative, reworded paragraphs) beside
/// the preview; for everyone, the bulletin as it reads on paper, and its download.
struct BulletinShowPage {
    let record: BulletinRecord
    let bulletin: Bulletin
    let mayEdit: Bool
    /// The generated text of each paragraph the office may reword, by key.
    let generated: [String: String]
    let message: String?

    func render(in context: PageContext) -> String {
        let id = record.id ?? 0
        let subtitle = "\(bulletin.kind.label) · \(bulletin.region) · \(bulletin.period.asOf.replacingOccurrences(of: " ", with: "")) · "
            + (record.isIssued ? "已签发（\(bulletin.issueLine)，\(bulletin.chineseDate)），内容已冻结" : "草稿：数据部分按当前数据生成，签发时冻结")
        let actions: Node<HTML.BodyContext> = .div(.class("actions"),
            .a(.class("button"), .attr("href", SiteURL.bulletinDocument(id: id).path), .text(record.isIssued ? "下载 Word 文档" : "下载草稿 Word")),
            .if(mayEdit, .form(.class("inline"), .method(.post), .action(SiteURL.bulletinIssue(id: id).path),
                               PageFrame.csrfField(context.csrf),
                               .label(.class("inline-check"), .input(.type(.checkbox), .name("confirm"), .attr("value", "1"), .attr("required", "required")),
                                      .text(" 已核对，签发后编号确定、内容冻结")),
                               .button(.type(.submit), .class("button primary"), .text("签发")))),
            .if(mayEdit, .form(.class("inline"), .method(.post), .action(SiteURL.bulletinDelete(id: id).path),
                               PageFrame.csrfField(context.csrf),
                               .button(.type(.submit), .class("button danger"), .text("删除草稿")))))
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(bulletin.title, subtitle: subtitle, trail: [("通报", SiteURL.bulletins.path), (bulletin.title, nil)]),
            actions,
            mayEdit
                ? .div(.class("bulletin-layout"), editForm(context), .div(.class("paper"), .attr("aria-label", "通报预览"), paper()))
                : .div(.class("paper"), .attr("aria-label", "通报预览"), paper()))
        return PageFrame.render(title: bulletin.title, context: context, body: body)
    }

    private func editForm(_ context: PageContext) -> Node<HTML.BodyContext> {
        let narrative = record.narrativeValue
        let problems = bulletin.sections.flatMap(\.paragraphs).filter { ($0.key ?? "").hasPrefix("problem.") || ($0.key ?? "").hasPrefix("project.") }
        let layout: Node<HTML.FormContext> = .div(.label(.for("layout"), .text("进度表样式")),
            .select(.id("layout"), .attr("name", "layout"), .forEach(BulletinLayout.allCases) {
                Fragments.option(value: $0.rawValue, label: $0.label, selected: $0 == record.bulletinLayout)
            }))
        let annexes: Node<HTML.FormContext> = .div(.span(.class("label"), .text("附件")), .forEach(BulletinAnnexKind.allCases) { annexBox($0) })
        let letterhead: Node<HTML.FormContext> = .group(
            .label(.for("recipients"), .text("主送")),
            .input(.type(.text), .id("recipients"), .name("recipients"), .attr("value", narrative.recipients ?? bulletin.recipients), .attr("maxlength", "200")),
            .label(.for("seal"), .text("代章单位（可空）")),
            .input(.type(.text), .id("seal"), .name("seal"), .attr("value", narrative.seal ?? ""), .attr("maxlength", "60"),
                   .attr("placeholder", "如：（邵阳市人力资源和社会保障局代章）")),
            .label(.for("opening"), .text("开头语（留空则用系统生成的开头）")),
            .textarea(.id("opening"), .name("opening"), .attr("rows", "3"), .text(narrative.opening ?? "")))
        let sections: Node<HTML.FormContext> = .forEach(BulletinNarrative.sectionKeys) { key, heading in
            narrativeField(key: key, heading: heading, text: narrative.sections[key] ?? "")
        }
        let rewording: Node<HTML.FormContext> = .if(!problems.isEmpty, .group(
            .h3(.text("存在问题（系统按数据生成，可修改措辞；清空则恢复为系统生成的文字）")),
            .forEach(problems) { problemField($0) }))
        return .form(.class("panel bulletin-form"), .method(.post), .action(SiteURL.bulletin(id: record.id ?? 0).path),
            PageFrame.csrfField(context.csrf),
            .input(.type(.hidden), .name("annexes-shown"), .attr("value", "1")),
            .h2(.text("编辑草稿")),
            .div(.class("columns"), layout, annexes),
            letterhead, sections, rewording,
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("保存草稿"))))
    }

    private func annexBox(_ kind: BulletinAnnexKind) -> Node<HTML.FormContext> {
        let on = record.annexKinds.contains(kind)
        return .label(.class("check"), .input(.type(.checkbox), .name("annex." + kind.rawValue), .attr("value", "1"),
                                              .attr(on ? "checked" : "data-unchecked", "checked")), .text(" " + kind.label))
    }

    private func narrativeField(key: String, heading: String, text: String) -> Node<HTML.FormContext> {
        let label: Node<HTML.FormContext> = .label(.for("section-" + key), .text(heading + "（留空则不写这一部分）"))
        let field: Node<HTML.FormContext> = .textarea(.id("section-" + key), .name("section." + key), .attr("rows", "5"), .text(text))
        return .group(label, field)
    }

    private func problemField(_ p: Bulletin.Paragraph) -> Node<HTML.FormContext> {
        let key = p.key ?? ""
        let label: Node<HTML.FormContext> = .label(.for("edit-" + key), .text(p.lead ?? key))
        let original: Node<HTML.FormContext> = .input(.type(.hidden), .name("generated." + key), .attr("value", generated[key] ?? p.text))
        let field: Node<HTML.FormContext> = .textarea(.id("edit-" + key), .name("edit." + key), .attr("rows", "3"), .text(p.text))
        return .group(label, original, field)
    }

    /// The bulletin as the printed page reads.
    private func paper() -> Node<HTML.BodyContext> {
        .group(
            .div(.class("masthead"), .p(.class("masthead-office"), .text(bulletin.office)), .p(.class("masthead-kind"), .text(bulletin.kind.masthead)),
                 .p(.class("masthead-issue"), .text(bulletin.issueLine)),
                 .p(.class("masthead-line"), .span(.text(bulletin.office)), .span(.text(bulletin.chineseDate)))),
            .h2(.class("doc-title"), .text(bulletin.title)),
            .p(.class("doc-recipients"), .text(bulletin.recipients)),
            .p(.class("doc-body"), .text(bulletin.opening)),
            .forEach(bulletin.sections.enumerated()) { index, section in
                .section(.h3(.class("doc-h1"), .text("\(Bulletin.ordinal(index + 1))、\(section.heading)")),
                         .forEach(section.paragraphs) { p in
                             .p(.class("doc-body"), .unwrap(p.lead) { .span(.class("doc-lead"), .text($0)) }, .text(p.text))
                         })
            },
            .if(!bulletin.annexes.isEmpty, .div(.class("doc-annex-list"), .forEach(bulletin.annexes.enumerated()) { index, annex in
                .p(.text((index == 0 ? "附件：" : "　　　") + (bulletin.annexes.count > 1 ? "\(index + 1)．" : "") + annex.title))
            })),
            .div(.class("doc-signature"), .p(.text(bulletin.office)), .unwrap(bulletin.seal) { .p(.text($0)) }, .p(.text(bulletin.chineseDate))),
            .forEach(bulletin.annexes.enumerated()) { index, annex in
                .section(.class("doc-annex"),
                         .p(.class("doc-annex-label"), .text(bulletin.annexes.count > 1 ? "附件\(index + 1)" : "附件")),
                         .h3(.class("doc-annex-title"), .text(annex.title)),
                         .div(.class("table-wrap"), BulletinTableView.table(annex.table)),
                         .unwrap(annex.note) { .p(.class("hint"), .text($0)) })
            })
    }
}

/// A bulletin table as HTML: merged cells as rowspan / colspan, percentages marked by standing.
enum BulletinTableView {
    static func table(_ t: Bulletin.Table) -> Node<HTML.BodyContext> {
        func cell(_ c: Bulletin.Cell, header: Bool) -> Node<HTML.TableRowContext> {
            var nodes: [Node<HTML.BodyContext>] = []
            if c.span > 1 { nodes.append(.attr("colspan", "\(c.span)")) }
            if c.rows > 1 { nodes.append(.attr("rowspan", "\(c.rows)")) }
            let classes = [c.left ? "name" : "num", c.mark.map { $0 == ProgressStatus.lagging.rawValue ? "lagging-text" : "" } ?? ""].filter { !$0.isEmpty }
            nodes.append(.class(classes.joined(separator: " ")))
            nodes.append(.text(c.text))
            return header ? .element(named: "th", nodes: nodes) : .element(named: "td", nodes: nodes)
        }
        return .table(.class("list doc-table"),
                      .thead(.forEach(t.head) { row in .tr(.forEach(row) { cell($0, header: true) }) }),
                      .tbody(.forEach(t.body) { row in .tr(.forEach(row) { cell($0, header: false) }) }))
    }
}

/// The office's settings: its name and seal for the masthead and signature, the letter tiers and
/// reply days, the ranking's weights and minimum count.
struct OfficeSettingsPage {
    let office: BulletinService.Office
    let region: String
    let message: String?
    let typed: [String: String]?

    func render(in context: PageContext) -> String {
        func value(_ key: String, _ stored: String) -> String { typed?[key] ?? stored }
        let rule = office.letterRule
        let form: Node<HTML.BodyContext> = .form(.class("panel narrow"), .method(.post), .action(SiteURL.officeSettings.path),
            PageFrame.csrfField(context.csrf),
            .unwrap(message) { .p(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .h2(.text("版头与署名")),
            .label(.for("name"), .text("专班办公室名称（版头和署名）")),
            .input(.type(.text), .id("name"), .name("name"), .attr("value", value("name", office.name)), .attr("maxlength", "60")),
            .label(.for("seal"), .text("代章单位（可空）")),
            .input(.type(.text), .id("seal"), .name("seal"), .attr("value", value("seal", office.seal ?? "")), .attr("maxlength", "60"),
                   .attr("placeholder", "（邵阳市人力资源和社会保障局代章）")),
            .label(.for("recipients"), .text("默认主送单位（可空）")),
            .input(.type(.text), .id("recipients"), .name("recipients"), .attr("value", value("recipients", office.recipients ?? "")), .attr("maxlength", "200"),
                   .attr("placeholder", "各县市区工作专班，市直责任单位：")),
            .h2(.text("督办函件规则")),
            .p(.class("hint"), .text("指标未达序时、下级区划未达序时或验收率差距超限的，向牵头单位发函：首月温馨提示函；连续达到下列月数发工作提示函、督办函；低于序时进度超过下列百分点的直接发督办函。")),
            .label(.for("notice_months"), .text("连续几个月发工作提示函")),
            .input(.type(.text), .id("notice_months"), .name("notice_months"), .attr("inputmode", "numeric"), .attr("value", value("notice_months", "\(rule.noticeMonths)"))),
            .label(.for("supervision_months"), .text("连续几个月发督办函")),
            .input(.type(.text), .id("supervision_months"), .name("supervision_months"), .attr("inputmode", "numeric"),
                   .attr("value", value("supervision_months", "\(rule.supervisionMonths)"))),
            .label(.for("supervision_points"), .text("低于序时进度超过几个百分点直接发督办函")),
            .input(.type(.text), .id("supervision_points"), .name("supervision_points"), .attr("inputmode", "decimal"),
                   .attr("value", value("supervision_points", NSDecimalNumber(decimal: rule.supervisionPoints).stringValue))),
            .label(.for("reply_days"), .text("回复期限（天）")),
            .input(.type(.text), .id("reply_days"), .name("reply_days"), .attr("inputmode", "numeric"), .attr("value", value("reply_days", "\(office.replyDays)"))),
            .h2(.text("排名权重")),
            .p(.class("hint"), .text("综合得分 = 各项得分按权重加权平均；权重为 0 的项不计入。数量少于最少数量的项不参与排名。")),
            .forEach(RankingMeasure.allCases) { measure in
                .group(.label(.for("w-" + measure.rawValue), .text(measure.label)),
                       .input(.type(.text), .id("w-" + measure.rawValue), .name("weight." + measure.rawValue), .attr("inputmode", "numeric"),
                              .attr("value", value("weight." + measure.rawValue, "\(office.rankingRules.weight(measure))"))))
            },
            .label(.for("minimum"), .text("参与排名的最少数量")),
            .input(.type(.text), .id("minimum"), .name("minimum"), .attr("inputmode", "numeric"), .attr("value", value("minimum", "\(office.rankingRules.minimumCount)"))),
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("保存设置"))))
        return PageFrame.render(title: "专班办公室设置", context: context, body: .group(
            Fragments.pageHeader("专班办公室设置", subtitle: region, trail: [("通报", SiteURL.bulletins.path), ("设置", nil)]), form))
    }
}

/// The month's ranking of the region's child regions and lead units.
struct RankingPage {
    let table: RankingTable?

    func render(in context: PageContext) -> String {
        guard let table else {
            return PageFrame.render(title: "排名", context: context, body: .group(Fragments.pageHeader("排名"), Fragments.empty("本区划还没有重点民生实事计划。")))
        }
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("排名", subtitle: "\(table.title)：各项得分 0–100，按权重加权；得分相同者名次并列。"),
            Fragments.monthPicker(1...12, current: table.month, label: "月份", url: { SiteURL.rankings(month: $0).path }),
            .p(.class("actions"),
               .a(.class("button"), .attr("href", SiteURL.rankingsExport(month: table.month, format: "xlsx").path), .text("导出 Excel")),
               .a(.class("button"), .attr("href", SiteURL.rankingsExport(month: table.month, format: "csv").path), .text("导出 CSV"))),
            .p(.class("hint"), .text(BulletinAnnexes.rankingNote(table))),
            .div(.class("panel"), .h2(.text("县市区排名")), list(table, units: false)),
            .div(.class("panel"), .h2(.text("牵头单位排名")), list(table, units: true)))
        return PageFrame.render(title: "排名", context: context, body: body)
    }

    private func list(_ table: RankingTable, units: Bool) -> Node<HTML.BodyContext> {
        let entries = units ? table.units : table.regions
        guard !entries.isEmpty else { return Fragments.empty("暂无可排名的\(units ? "单位" : "区划")。") }
        return .div(.class("table-wrap"), BulletinTableView.table(BulletinAnnexes.rankingTable(table, units: units)))
    }
}
