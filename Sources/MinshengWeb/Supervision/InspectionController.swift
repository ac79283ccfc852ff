import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 视察 / 监督测评: scheduled with projects, sites and participants; each participant records
/// ratings, notes and photos per site, and raises problems from there.
struct InspectionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.inspections, use: index)
        signedIn.get(SiteURL.inspectionNew, use: form)
        signedIn.post(SiteURL.inspections, use: schedule)
        signedIn.get(SiteURL.inspection(id: .parameter), use: show)
        signedIn.on(.POST, SiteURL.inspectionFinding(site: .parameter), body: .stream, use: record).checksTokenItself()
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let listing = try await InspectionService(db: req.db).list(actor: principal.actor, tree: principal.tree, filter: query.filter, window: query.window)
        let maySchedule = Access.scheduleInspection(principal.actor, region: principal.regionID, serving: try await serving(req, principal), tree: principal.tree).isAllowed
        return req.page(InspectionListPage(listing: listing, query: query, maySchedule: maySchedule, tree: principal.tree).render(in: PageContext(request: req)))
    }

    /// Whether the account's appointment covers today (a 监督员 schedules only then).
    private func serving(_ req: Request, _ principal: Principal) async throws -> Bool {
        try await SupervisionService(db: req.db).serving([principal.accountID]).contains(principal.accountID)
    }

    func form(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try Access.scheduleInspection(principal.actor, region: principal.regionID, serving: try await serving(req, principal), tree: principal.tree).require()
        let projects = try await SupervisionService(db: req.db).projects(inRegions: principal.scope, tree: principal.tree)
        let people = try await Account.query(on: req.db).filter(\.$region.$id ~~ Array(principal.scope)).filter(\.$active == true).sort(\.$displayName).all()
            .filter { Access.isAppointed($0) || $0.id == principal.accountID }
        return req.page(InspectionFormPage(projects: projects, people: people, tree: principal.tree, accountID: principal.accountID).render(in: PageContext(request: req)))
    }

    func schedule(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try Access.scheduleInspection(principal.actor, region: principal.regionID, serving: try await serving(req, principal), tree: principal.tree).require()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let sites = form.keys.filter { $0.hasPrefix("site.") }.sorted().map { key in (key: String(key.dropFirst(5)), site: form["where." + key.dropFirst(5)] ?? "") }
        let people = form.keys.filter { $0.hasPrefix("person.") }.compactMap { Int($0.dropFirst(7)) }
        do {
            let inspection = try await InspectionService(db: req.db).schedule(
                .init(kind: form["kind"] ?? "", title: form["title"] ?? "", date: form["date"] ?? "", note: form["note"] ?? "", sites: sites, participants: people),
                regionID: principal.regionID, actor: principal.actor, tree: principal.tree)
            req.notify("已安排视察，参加人员可在“视察记录”中记录各项目的视察情况。")
            return req.redirect(to: SiteURL.inspection(id: inspection.id ?? 0).path)
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.inspectionNew.path)
        }
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        var detail = try await InspectionService(db: req.db).inspection(id: id, actor: principal.actor, tree: principal.tree)
        // Its problems as the account may read them.
        detail.problems = detail.problems.filter {
            Access.readProblem(principal.actor, region: $0.$region.id, raiser: $0.$raiser.id, unit: $0.$unit.id, tree: principal.tree).isAllowed
        }
        let mayRecord = Access.recordFinding(principal.actor, region: detail.inspection.$region.id, participant: detail.isParticipant, tree: principal.tree).isAllowed
        let raisable = try await ProblemService(db: req.db).raisable(actor: principal.actor, tree: principal.tree)
        return req.page(InspectionPage(detail: detail, mayRecord: mayRecord, accountID: principal.accountID, tree: principal.tree,
                                       raisable: Set(raisable.map { "\($0.projectID):\($0.regionID)" })).render(in: PageContext(request: req)))
    }

    func record(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let siteID = req.parameters.get("id", as: Int.self),
              let site = try await InspectionSite.query(on: req.db).filter(\.$id == siteID).first() else { throw Abort(.notFound, reason: "未找到该视察，或您无权查看。") }
        let inspectionID = site.$inspection.id
        let db = req.db
        // Decided before the body is read: someone not at the inspection is refused whatever they send.
        let detail = try await InspectionService(db: db).inspection(id: inspectionID, actor: principal.actor, tree: principal.tree)
        try Access.recordFinding(principal.actor, region: detail.inspection.$region.id, participant: detail.isParticipant, tree: principal.tree).require()
        let reader = StreamedUpload(store: req.application.blobStore, expectedToken: req.session.data["csrf"] ?? "", maxFiles: ProblemService.maxPhotos)
        do {
            try await reader.read(req)
        } catch let refusal as StreamedUpload.Refusal {
            req.notify(refusal.message, success: false)
            return req.redirect(to: SiteURL.inspection(id: inspectionID).path)
        }
        do {
            _ = try await InspectionService(db: db).record(siteID: siteID, progress: reader.fields["progress"].flatMap { Int($0) },
                                                           quality: reader.fields["quality"].flatMap { Int($0) }, notes: reader.fields["notes"] ?? "",
                                                           photos: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("已记录视察情况。")
        } catch {
            // Whatever went wrong, the photos this request stored go again.
            try await reader.discardUnused(on: db)
            guard let refusal = error as? ServiceError, refusal.kind == .invalid else { throw error }
            req.notify(refusal.message, success: false)
        }
        return req.redirect(to: SiteURL.inspection(id: inspectionID).path)
    }
}

struct InspectionListPage {
    let listing: Listing<Inspection>
    let query: ListQuery
    let maySchedule: Bool
    let tree: RegionTree

    func render(in context: PageContext) -> String {
        let base = SiteURL.inspections.path
        let rows: Node<HTML.TableContext> = .tbody(.forEach(listing.items) { i in
            .tr(.td(.text(ChineseDate.day(SupervisionDay.date(i.heldOn)))),
                .td(.class("title"), .a(.attr("href", SiteURL.inspection(id: i.id ?? 0).path), .text(i.title))),
                .td(.class("hide-phone"), .text(i.kindValue.label)),
                .td(.class("hide-phone"), .text(tree[i.$region.id]?.name ?? "")),
                .td(.class("num"), .text("\(i.sites.count)")),
                .td(.class("num hide-phone"), .text("\(i.participants.count)")))
        })
        let table: Node<HTML.BodyContext> = listing.items.isEmpty
            ? Fragments.empty(query.isFiltered ? "该月没有视察。" : "还没有视察记录。")
            : .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("日期")), .th(.class("title"), .text("主题")), .th(.class("hide-phone"), .text("类型")), .th(.class("hide-phone"), .text("区划")),
                           .th(.class("num"), .text("项目")), .th(.class("num hide-phone"), .text("人员")))), rows))
        return PageFrame.render(title: "视察记录", context: context, body: .group(
            Fragments.pageHeader("视察记录", subtitle: "视察和监督测评：到过的项目和点位、参加人员、各人的评价和意见。", trail: [("监督", SiteURL.supervision().path), ("视察", nil)]),
            .if(maySchedule, .p(.class("actions"), .a(.class("button primary"), .attr("href", SiteURL.inspectionNew.path), .text("安排视察")))),
            Fragments.filterBar(action: base, query: query, [Fragments.filterMonth(query.filter, label: "月份")]),
            table, Fragments.pager(listing, base: base, query: query)))
    }
}

/// ISO days of supervision records as dates (noon in China, so the day never shifts).
enum SupervisionDay {
    static func date(_ iso: String) -> Date { ChineseDate.parseDay(iso)?.start ?? Date(timeIntervalSince1970: 0) }
}

struct InspectionFormPage {
    let projects: [SupervisionService.ProjectInRegion]
    let people: [Account]
    let tree: RegionTree
    let accountID: Int

    func render(in context: PageContext) -> String {
        let form: Node<HTML.BodyContext> = .form(.class("panel form"), .method(.post), .action(SiteURL.inspections.path),
            PageFrame.csrfField(context.csrf),
            .div(.class("grid-form"),
                 .div(.label(.for("kind"), .text("类型")), .select(.attr("name", "kind"), .id("kind"),
                      .forEach(Inspection.Kind.allCases) { Fragments.option(value: $0.rawValue, label: $0.label) })),
                 .div(.label(.for("date"), .text("日期")), .input(.type(.date), .id("date"), .name("date"), .attr("required", "required"),
                                                                  .attr("value", ChineseDate.isoDay(Date()))))),
            .label(.for("title"), .text("主题")),
            .input(.type(.text), .id("title"), .name("title"), .attr("maxlength", "100"), .attr("required", "required"), .attr("placeholder", "如：10月民生实事项目现场视察")),
            .label(.for("note"), .text("说明（可选）")),
            .textarea(.id("note"), .name("note"), .attr("rows", "2"), .attr("maxlength", "2000")),
            .fieldset(.element(named: "legend", text: "视察项目和点位"),
                      .forEach(projects) { p in
                          let key = "\(p.projectID):\(p.regionID)"
                          return .div(.class("site-row"), .label(.class("check"), .input(.type(.checkbox), .name("site.\(key)"), .attr("value", "1")),
                                                                 .text(" \(p.region) · \(p.project)")),
                                      .input(.type(.text), .name("where.\(key)"), .attr("maxlength", "200"), .attr("placeholder", "点位（可选）")))
                      }),
            .fieldset(.element(named: "legend", text: "参加人员"),
                      .forEach(people) { a in
                          .label(.class("check"), .input(.type(.checkbox), .name("person.\(a.id ?? 0)"), .attr("value", "1"),
                                                         .attr(a.id == accountID ? "checked" : "data-unchecked", "checked")),
                                 .text(" \(a.displayName)（\(a.roleLabels.joined(separator: "、"))，\(tree[a.$region.id]?.name ?? "")）"))
                      }),
            .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text("安排视察"))))
        return PageFrame.render(title: "安排视察", context: context, body: .group(
            Fragments.pageHeader("安排视察", trail: [("视察记录", SiteURL.inspections.path), ("安排视察", nil)]), form))
    }
}

struct InspectionPage {
    let detail: InspectionService.Detail
    let mayRecord: Bool
    let accountID: Int
    let tree: RegionTree
    let raisable: Set<String>

    func render(in context: PageContext) -> String {
        let i = detail.inspection
        let ratings = InspectionFinding.ratings.sorted { $0.key > $1.key }
        let sites: Node<HTML.BodyContext> = .forEach(detail.sites) { site in
            let findings = detail.findings.filter { $0.finding.$site.id == site.id }
            let mine = findings.first { $0.finding.$account.id == accountID }?.finding
            let key = "\(site.$project.id):\(site.$region.id)"
            func ratingSelect(_ name: String, _ label: String, _ current: Int?) -> Node<HTML.FormContext> {
                .div(.label(.text(label)), .select(.attr("name", name), .attr("required", "required"), Fragments.option(value: "", label: "请选择"),
                                                   .forEach(ratings) { Fragments.option(value: "\($0.key)", label: $0.value, selected: $0.key == current) }))
            }
            let record: Node<HTML.BodyContext> = mayRecord
                ? .form(.class("form"), .method(.post), .action(SiteURL.inspectionFinding(site: site.id ?? 0).path), .attr("enctype", "multipart/form-data"),
                        PageFrame.csrfField(context.csrf),
                        .div(.class("grid-form"), ratingSelect("progress", "推进情况", mine?.progressRating), ratingSelect("quality", "建设质量", mine?.qualityRating)),
                        .label(.text("视察意见")),
                        .textarea(.name("notes"), .attr("rows", "3"), .attr("maxlength", "3000"), .text(mine?.notes ?? "")),
                        .label(.text("照片（可选，最多 \(ProblemService.maxPhotos) 张）")),
                        .input(.type(.file), .name("photos"), .attr("multiple", "multiple"), .attr("accept", "image/*")),
                        .p(.class("actions"), .button(.type(.submit), .class("button primary"), .text(mine == nil ? "记录" : "更新我的记录")),
                           .if(raisable.contains(key), .a(.class("button"), .attr("href", SiteURL.problemNew(project: site.$project.id, region: site.$region.id,
                                                                                                              inspection: i.id).path), .text("提出问题")))))
                : .empty
            return .div(.class("panel"),
                        .h2(.text("\(tree[site.$region.id]?.name ?? "") · \(site.project.name)")),
                        .unwrap(site.site) { .p(.class("hint"), .text("点位：" + $0)) },
                        findings.isEmpty ? .p(.class("hint"), .text("尚无记录。")) :
                        .ul(.class("findings"), .forEach(findings) { entry in
                            let f = entry.finding
                            return .li(.p(.strong(.text(f.account.displayName)),
                                          .text("：推进 \(InspectionFinding.ratingLabel(f.progressRating))，质量 \(InspectionFinding.ratingLabel(f.qualityRating)) · \(ChineseDate.dayAndTime(f.recordedAt))")),
                                       .unwrap(f.notes) { .p(.class("pre"), .text($0)) },
                                       .if(!entry.files.isEmpty, .div(.class("photos"), .forEach(entry.files) { file in
                                           .a(.attr("href", SiteURL.supervisionFile(id: file.id ?? 0).path), .attr("target", "_blank"),
                                              .img(.src(SiteURL.supervisionFile(id: file.id ?? 0).path), .alt(file.name), .attr("loading", "lazy")))
                                       })))
                        }),
                        record)
        }
        let problems: Node<HTML.BodyContext> = detail.problems.isEmpty ? .empty : .div(.class("panel"), .h2(.text("本次视察提出的问题")),
            .ul(.forEach(detail.problems) { p in
                .li(.a(.attr("href", SiteURL.problem(id: p.id ?? 0).path), .text("\(p.project.name)：\(String(p.description.prefix(40)))")),
                    .text(" "), Fragments.problemBadges(p, now: Date()))
            }))
        return PageFrame.render(title: i.title, context: context, body: .group(
            Fragments.pageHeader(i.title, subtitle: "\(i.kindValue.label) · \(ChineseDate.day(SupervisionDay.date(i.heldOn))) · \(tree[i.$region.id]?.name ?? "") · 组织：\(i.organizer.displayName)",
                                 trail: [("视察记录", SiteURL.inspections.path), (i.title, nil)]),
            .unwrap(i.note) { .p(.class("pre"), .text($0)) },
            .p(.class("hint"), .text("参加人员：" + detail.participants.map(\.displayName).joined(separator: "、"))),
            sites, problems))
    }
}
