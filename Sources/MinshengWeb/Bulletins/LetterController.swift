import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 温馨提示函 / 工作提示函 / 督办函: the office sees the month's proposed letters with their tier
/// and figures and sends them; the unit reads, downloads and replies; the office follows
/// sent / read / replied / overdue.
struct LetterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.letters, use: index)
        signedIn.get(SiteURL.letter(id: .parameter), use: show)
        signedIn.get(SiteURL.letterDocument(id: .parameter), use: document)
        signedIn.grouped(RequireDuty(.answer)).post(SiteURL.letterReply(id: .parameter), use: reply)
        let office = signedIn.grouped(RequireDuty(.office))
        office.get(SiteURL.letterNew(), use: proposals)
        office.post(SiteURL.letters, use: send)
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该函件，或您无权查看。") }
        return id
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let status = query.filter.status.flatMap(LetterStatus.init(rawValue:))
        let service = LetterService(db: req.db)
        let (listing, counts, total) = try await service.list(actor: principal.actor, tree: principal.tree, status: status, year: query.filter.year,
                                                              month: query.filter.month, window: query.window)
        return req.page(LetterListPage(listing: listing, counts: counts, total: total, query: query, isOffice: principal.may(.office),
                                       tree: principal.tree, defaultMonth: BulletinController.defaultMonth()).render(in: PageContext(request: req)))
    }

    /// The month given as YYYY-MM (default: last month).
    private func month(_ text: String?) throws -> (year: Int, month: Int) {
        let raw = (text?.isEmpty ?? true) ? BulletinController.defaultMonth() : text ?? ""
        let parts = raw.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), (2000...2100).contains(y) else {
            throw Abort(.badRequest, reason: "月份应为 YYYY-MM 格式，如 2024-10。")
        }
        return (y, m)
    }

    func proposals(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let (year, month) = try month(try? req.query.get(String.self, at: "month"))
        let proposals = try await LetterService(db: req.db).proposals(regionID: principal.regionID, year: year, month: month, tree: principal.tree)
        let sent = try await LetterRecord.query(on: req.db).filter(\.$region.$id == principal.regionID).filter(\.$year == year).filter(\.$month == month).all()
        let office = try await BulletinService(db: req.db).office(regionID: principal.regionID, tree: principal.tree)
        return req.page(LetterProposalPage(year: year, month: month, proposals: proposals, alreadySent: Set(sent.map { $0.$unit.id }), office: office)
            .render(in: PageContext(request: req)))
    }

    func send(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let (year, month) = try month(form["month"])
        let units = Set(form.keys.filter { $0.hasPrefix("unit.") }.compactMap { Int($0.dropFirst(5)) })
        guard !units.isEmpty else {
            req.notify("请勾选要发函的单位。", success: false)
            return req.redirect(to: SiteURL.letterNew(month: nil).path + "?month=" + String(format: "%04d-%02d", year, month))
        }
        do {
            let sent = try await LetterService(db: req.db).send(regionID: principal.regionID, year: year, month: month, unitIDs: units,
                                                                actor: principal.actor, tree: principal.tree, files: req.application.blobStore)
            req.notify("已发送 \(sent.count) 份函件，收函单位的账号可在“收到的函件”中查看并回复。")
            return req.redirect(to: SiteURL.letters.path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.letterNew(month: nil).path + "?month=" + String(format: "%04d-%02d", year, month))
        }
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = LetterService(db: req.db)
        let letter = try await service.letter(id: try id(req), actor: principal.actor, tree: principal.tree)
        try await service.markRead(letter, actor: principal.actor, tree: principal.tree)
        let mayReply = Access.answerLetter(principal.actor, officeRegion: letter.$region.id, unit: letter.$unit.id, tree: principal.tree).isAllowed
        return req.page(LetterShowPage(letter: letter, mayReply: mayReply, office: try await BulletinService(db: req.db).office(regionID: letter.$region.id, tree: principal.tree))
            .render(in: PageContext(request: req)))
    }

    func document(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let letter = try await LetterService(db: req.db).letter(id: try id(req), actor: principal.actor, tree: principal.tree)
        guard let path = req.application.blobStore.path(for: letter.blobKey), let data = FileManager.default.contents(atPath: path) else {
            throw Abort(.notFound, reason: "该函件的文档文件缺失，请联系系统管理员从备份恢复。")
        }
        return Download.response(data, fileName: "\(letter.letterTier.numberText(year: letter.year, number: letter.number))\(letter.title).docx", type: .docx)
    }

    func reply(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        let text = (try? req.content.get(String.self, at: "reply")) ?? ""
        do {
            try await LetterService(db: req.db).reply(id: id, text: text, actor: principal.actor, tree: principal.tree)
            req.notify("已回复，专班办公室可以看到您的整改措施。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.letter(id: id).path)
    }
}

struct LetterListPage {
    let listing: Listing<LetterRecord>
    let counts: [LetterStatus: Int]
    let total: Int
    let query: ListQuery
    let isOffice: Bool
    let tree: RegionTree
    let defaultMonth: String

    func render(in context: PageContext) -> String {
        let now = Date()
        let title = isOffice ? "督办函件" : "收到的函件"
        let stats: Node<HTML.BodyContext> = .div(.class("stats"),
            Fragments.stat("函件", "\(total)"),
            .forEach(LetterStatus.allCases) { status in
                Fragments.stat(status.label, "\(counts[status] ?? 0)", tone: status == .overdue && (counts[status] ?? 0) > 0 ? "lagging" : status == .replied ? "completed" : "",
                               href: SiteURL.letters.path + "?status=" + status.rawValue)
            })
        let filters = Fragments.filterBar(action: SiteURL.letters.path, query: query, [
            Fragments.filterSelect("status", label: "状态", choices: LetterStatus.allCases.map { ($0.rawValue, $0.label) }, selected: query.filter.status),
            Fragments.filterMonth(query.filter, label: "月份"),
        ])
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { letter in
            let status = letter.status(now: now)
            return .tr(.td(.text(letter.letterTier.numberText(year: letter.year, number: letter.number))),
                       .td(.class("hide-phone"), .span(.class(letter.letterTier == .supervision ? "badge lagging" : letter.letterTier == .notice ? "badge on_schedule" : "badge none"),
                                 .text(letter.letterTier.label))),
                       .td(.class("title"), .a(.attr("href", SiteURL.letter(id: letter.id ?? 0).path), .text(letter.title))),
                       .td(.text((tree[letter.unit.$region.id]?.name ?? "") + " " + letter.unit.name)),
                       .td(.class("hide-phone"), .text("\(letter.year)年\(letter.month)月")),
                       .td(.class("hide-phone"), .text(ChineseDate.day(letter.sentAt))),
                       .td(.class("hide-phone"), .text(ChineseDate.day(letter.dueAt))),
                       .td(.span(.class(status == .overdue ? "badge lagging" : status == .replied ? "badge completed" : "badge none"), .text(status.label))))
        })
        let table: Node<HTML.BodyContext> = listing.items.isEmpty
            ? Fragments.empty(isOffice ? "还没有函件。点击“生成本月函件”，系统按本月数据列出进度滞后的单位和应发的函件。" : "还没有收到函件。")
            : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("文号")), .th(.class("hide-phone"), .text("类型")), .th(.class("title"), .text("标题")), .th(.text("收函单位")), .th(.class("hide-phone"), .text("数据月份")),
                           .th(.class("hide-phone"), .text("发出日期")), .th(.class("hide-phone"), .text("回复期限")), .th(.text("状态")))), rows))
        return PageFrame.render(title: title, context: context, body: .group(
            Fragments.pageHeader(title, subtitle: isOffice ? "温馨提示函、工作提示函、督办函：发送、阅读、回复和逾期情况。" : "专班办公室发给本单位的函件：请阅读并在期限内回复整改措施。"),
            .if(isOffice, .form(.class("filters"), .method(.get), .action(SiteURL.letterNew().path),
                                .label(.class("filter"), .span(.class("filter-label"), .text("数据月份")), .input(.type(.month), .name("month"), .attr("value", defaultMonth))),
                                .button(.type(.submit), .class("button primary"), .text("生成本月函件")))),
            stats, filters, table, Fragments.pager(listing, base: SiteURL.letters.path, query: query)))
    }
}

struct LetterProposalPage {
    let year: Int
    let month: Int
    let proposals: [LetterProposal]
    let alreadySent: Set<Int>
    let office: BulletinService.Office

    func render(in context: PageContext) -> String {
        let rule = office.letterRule
        let monthText = String(format: "%04d-%02d", year, month)
        let form: Node<HTML.BodyContext> = proposals.isEmpty
            ? Fragments.empty("\(year)年\(month)月没有进度滞后、下级区划未达序时或验收率差距超限的牵头单位，不需要发函。")
            : .form(.method(.post), .action(SiteURL.letters.path),
                    PageFrame.csrfField(context.csrf),
                    .input(.type(.hidden), .name("month"), .attr("value", monthText)),
                    .forEach(proposals) { p in
                        let sent = alreadySent.contains(p.unitID)
                        return .div(.class(p.tier == .supervision ? "panel flagged" : "panel"),
                                    .h2(.label(.class("check"),
                                               .input(.type(.checkbox), .name("unit.\(p.unitID)"), .attr("value", "1"),
                                                      .attr(sent ? "disabled" : "checked", sent ? "disabled" : "checked")),
                                               .text(" \(p.unit) · \(p.tier.label)" + (sent ? "（本月已发）" : "")))),
                                    .ul(.forEach(p.lines) { .li(.text($0)) }))
                    },
                    .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("发送所选函件"))))
        return PageFrame.render(title: "生成本月函件", context: context, body: .group(
            Fragments.pageHeader("\(year)年\(month)月应发函件", subtitle: "规则：首月温馨提示函；连续 \(rule.noticeMonths) 个月工作提示函；连续 \(rule.supervisionMonths) 个月或低于序时进度超过 \(NSDecimalNumber(decimal: rule.supervisionPoints).stringValue) 个百分点督办函。回复期限 \(office.replyDays) 天。",
                                 trail: [("督办函件", SiteURL.letters.path), ("\(month) 月", nil)]),
            .p(.class("actions"), .a(.class("button"), .attr("href", SiteURL.officeSettings.path), .text("修改规则"))),
            form))
    }
}

struct LetterShowPage {
    let letter: LetterRecord
    let mayReply: Bool
    let office: BulletinService.Office

    func render(in context: PageContext) -> String {
        let status = letter.status(now: Date())
        let number = letter.letterTier.numberText(year: letter.year, number: letter.number)
        let paper: Node<HTML.BodyContext> = .div(.class("paper"),
            .div(.class("masthead letter"), .p(.class("masthead-office"), .text(office.name))),
            .p(.class("doc-number"), .text(number)),
            .h2(.class("doc-title"), .text(letter.title)),
            .p(.class("doc-recipients"), .text(letter.unit.name + "：")),
            .forEach(letter.body.split(separator: "\n").map(String.init)) { .p(.class("doc-body"), .text($0)) },
            .div(.class("doc-signature"), .p(.text(office.name)), .unwrap(office.seal) { .p(.text($0)) }, .p(.text(ChineseDate.day(letter.sentAt)))))
        let replyPanel: Node<HTML.BodyContext>
        if let reply = letter.reply {
            replyPanel = .div(.class("panel"), .h2(.text("单位回复（\(letter.repliedAt.map(ChineseDate.dayAndTime) ?? "")）")), .p(.class("pre"), .text(reply)))
        } else if mayReply {
            replyPanel = .form(.class("panel"), .method(.post), .action(SiteURL.letterReply(id: letter.id ?? 0).path),
                               PageFrame.csrfField(context.csrf),
                               .h2(.text("回复整改措施")),
                               .p(.class("hint"), .text("请于 \(ChineseDate.day(letter.dueAt)) 前回复，写明原因分析、整改措施和完成时限。")),
                               .textarea(.name("reply"), .attr("rows", "6"), .attr("maxlength", "5000"), .attr("required", "required")),
                               .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("提交回复"))))
        } else {
            replyPanel = .div(.class("panel"), .p(.text(status == .overdue ? "已超过回复期限，单位尚未回复。" : "单位尚未回复。")))
        }
        return PageFrame.render(title: letter.title, context: context, body: .group(
            Fragments.pageHeader(letter.title, subtitle: "\(number) · \(letter.unit.name) · \(status.label)"
                + (letter.readAt.map { " · \(ChineseDate.dayAndTime($0)) 已阅" } ?? "") + " · 回复期限 \(ChineseDate.day(letter.dueAt))",
                                 trail: [("函件", SiteURL.letters.path), (number, nil)]),
            .p(.class("actions"), .a(.class("button"), .attr("href", SiteURL.letterDocument(id: letter.id ?? 0).path), .text("下载 Word 文档"))),
            paper, replyPanel))
    }
}
