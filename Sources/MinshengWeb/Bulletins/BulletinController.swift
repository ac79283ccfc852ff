import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 通报: the office creates a bulletin for a region and period, writes its narrative beside what
/// Minsheng generated, previews it, and issues it; the region's accounts read and download the
/// issued ones. Also the office's settings and the month's ranking.
struct BulletinController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.bulletins, use: index)
        signedIn.get(SiteURL.bulletin(id: .parameter), use: show)
        signedIn.get(SiteURL.bulletinDocument(id: .parameter), use: document)
        signedIn.get(SiteURL.rankings(), use: rankings)
        signedIn.get(SiteURL.rankingsExport(month: nil, format: "csv"), use: rankingsCSV)
        signedIn.get(SiteURL.rankingsExport(month: nil, format: "xlsx"), use: rankingsXLSX)
        let office = signedIn.grouped(RequireDuty(.office))
        office.get(SiteURL.bulletinNew, use: newForm)
        office.post(SiteURL.bulletins, use: create)
        office.post(SiteURL.bulletin(id: .parameter), use: save)
        office.post(SiteURL.bulletinIssue(id: .parameter), use: issue)
        office.post(SiteURL.bulletinDelete(id: .parameter), use: delete)
        office.get(SiteURL.officeSettings, use: settings)
        office.post(SiteURL.officeSettings, use: saveSettings)
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let kind = (try? req.query.get(String.self, at: "kind")).flatMap(BulletinKind.init(rawValue:))
        let state = (try? req.query.get(String.self, at: "state")).flatMap(BulletinRecord.State.init(rawValue:))
        let year = (try? req.query.get(String.self, at: "year")).flatMap { Int($0) }
        let listing = try await BulletinService(db: req.db).list(actor: principal.actor, tree: principal.tree, kind: kind, year: year, state: state,
                                                                 window: query.window)
        return req.page(BulletinListPage(listing: listing, query: query, kind: kind, state: state, year: year, isOffice: principal.may(.office),
                                         tree: principal.tree).render(in: PageContext(request: req)))
    }

    func newForm(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        return req.page(BulletinNewPage(regions: principal.regionsInScope(), message: nil, typed: [:], defaultMonth: Self.defaultMonth())
            .render(in: PageContext(request: req)))
    }

    /// Last month, YYYY-MM, in China Standard Time: the month a bulletin usually reports.
    static func defaultMonth(now: Date = Date()) -> String {
        let (year, month) = ChineseDate.yearMonth(now)
        return month == 1 ? String(format: "%04d-12", year - 1) : String(format: "%04d-%02d", year, month - 1)
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        func again(_ message: String) -> Response {
            req.page(BulletinNewPage(regions: principal.regionsInScope(), message: message, typed: form, defaultMonth: Self.defaultMonth())
                .render(in: PageContext(request: req)), status: .unprocessableEntity)
        }
        guard let regionID = form["region"].flatMap({ Int($0) }) else { return again("请选择区划。") }
        try Access.office(principal.actor, region: regionID, tree: principal.tree).require()
        guard let kind = form["kind"].flatMap(BulletinKind.init(rawValue:)) else { return again("请选择通报类型。") }
        let monthText = form["month"] ?? ""
        guard let year = monthText.split(separator: "-").first.flatMap({ Int($0) }), (2000...2100).contains(year) else {
            return again("月份应为 YYYY-MM 格式，如 2024-10。")
        }
        var level: PlanLevel? = nil
        if let raw = form["level"], !raw.isEmpty {
            guard let parsed = PlanLevel(rawValue: raw) else { return again("级别应为 省定、市定 或 县定。") }
            level = parsed
        }
        let layout = form["layout"].flatMap(BulletinLayout.init(rawValue:)) ?? .progress
        do {
            let period = try BulletinService.period(kind: kind, year: year, month: monthText, day: form["day"])
            let record = try await BulletinService(db: req.db).create(
                regionID: regionID, draft: .init(kind: kind, period: period, level: level, layout: layout, annexes: BulletinAnnexKind.defaults(for: kind)),
                actor: principal.actor, tree: principal.tree)
            req.notify("已生成草稿：请补充各部分文字，预览后签发。")
            return req.redirect(to: SiteURL.bulletin(id: record.id ?? 0).path)
        } catch let error as ServiceError where error.kind == .invalid {
            return again(error.message)
        }
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该通报，或您无权查看。") }
        return id
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = BulletinService(db: req.db)
        let record = try await service.record(id: try id(req), actor: principal.actor, tree: principal.tree)
        let bulletin = try await service.bulletin(record, tree: principal.tree)
        let mayEdit = !record.isIssued && Access.isOffice(principal.actor, region: record.$region.id, tree: principal.tree)
        // The generated text of each paragraph the office may reword, for its form.
        var generated: [String: String] = [:]
        for section in bulletin.sections { for p in section.paragraphs { if let key = p.key { generated[key] = p.generated ?? p.text } } }
        return req.page(BulletinShowPage(record: record, bulletin: bulletin, mayEdit: mayEdit, generated: generated, message: nil)
            .render(in: PageContext(request: req)))
    }

    func save(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        let service = BulletinService(db: req.db)
        let record = try await service.record(id: id, actor: principal.actor, tree: principal.tree)
        try Access.office(principal.actor, region: record.$region.id, tree: principal.tree).require()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var narrative = record.narrativeValue
        narrative.opening = form["opening"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        narrative.recipients = form["recipients"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        narrative.seal = form["seal"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        for (key, _) in BulletinNarrative.sectionKeys { narrative.sections[key] = form["section." + key] ?? narrative.sections[key] }
        // A reworded paragraph is kept only where it differs from what the figures say.
        for (field, value) in form where field.hasPrefix("edit.") {
            let key = String(field.dropFirst(5))
            let generated = form["generated." + key] ?? ""
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
            narrative.edits[key] = text.isEmpty || text == generated.trimmingCharacters(in: .whitespacesAndNewlines) ? nil : text
        }
        let layout = form["layout"].flatMap(BulletinLayout.init(rawValue:)) ?? record.bulletinLayout
        let annexes = BulletinAnnexKind.allCases.filter { form["annex." + $0.rawValue] != nil }
        do {
            try await service.update(id: id, narrative: narrative, layout: layout, annexes: form["annexes-shown"] == nil ? record.annexKinds : annexes,
                                     actor: principal.actor, tree: principal.tree)
            req.notify("已保存。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.bulletin(id: id).path)
    }

    func issue(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        let record = try await BulletinService(db: req.db).record(id: id, actor: principal.actor, tree: principal.tree)
        try Access.office(principal.actor, region: record.$region.id, tree: principal.tree).require()
        guard (try? req.content.get(String.self, at: "confirm")) == "1" else {
            req.notify("请先勾选“已核对”再签发：签发后编号确定、内容冻结。", success: false)
            return req.redirect(to: SiteURL.bulletin(id: id).path)
        }
        do {
            let record = try await BulletinService(db: req.db).issue(id: id, actor: principal.actor, tree: principal.tree, files: req.application.blobStore)
            req.notify("已签发：\(record.period.year)年第\(record.number ?? 0)期。本区划各单位可在“通报”中查看和下载。")
        } catch let error as ServiceError where error.kind == .conflict || error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.bulletin(id: id).path)
    }

    func delete(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try id(req)
        do {
            try await BulletinService(db: req.db).delete(id: id, actor: principal.actor, tree: principal.tree)
            req.notify("草稿已删除。")
            return req.redirect(to: SiteURL.bulletins.path)
        } catch let error as ServiceError where error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.bulletin(id: id).path)
        }
    }

    /// The .docx: an issued bulletin's stored bytes, the same on every download; a draft's made now.
    func document(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = BulletinService(db: req.db)
        let record = try await service.record(id: try id(req), actor: principal.actor, tree: principal.tree)
        let name = "\(record.title)\(record.number.map { "（\(record.year)年第\($0)期）" } ?? "（草稿）").docx"
        if record.isIssued {
            guard let key = record.blobKey, let path = req.application.blobStore.path(for: key),
                  let data = FileManager.default.contents(atPath: path) else {
                throw Abort(.notFound, reason: "该通报的文档文件缺失，请联系系统管理员从备份恢复。")
            }
            return Download.response(data, fileName: name, type: .docx)
        }
        let bulletin = try await service.bulletin(record, tree: principal.tree)
        return Download.response(try BulletinWord.data(bulletin), fileName: name, type: .docx)
    }

    // MARK: - Settings

    func settings(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let office = try await BulletinService(db: req.db).office(regionID: principal.regionID, tree: principal.tree)
        return req.page(OfficeSettingsPage(office: office, region: principal.regionName, message: nil, typed: nil).render(in: PageContext(request: req)))
    }

    func saveSettings(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let service = BulletinService(db: req.db)
        do {
            var weights: [RankingMeasure: String] = [:]
            for measure in RankingMeasure.allCases { weights[measure] = form["weight." + measure.rawValue] ?? "0" }
            try await service.saveOffice(regionID: principal.regionID, name: form["name"] ?? "", seal: form["seal"] ?? "", recipients: form["recipients"] ?? "",
                                         noticeMonths: form["notice_months"] ?? "", supervisionMonths: form["supervision_months"] ?? "",
                                         supervisionPoints: form["supervision_points"] ?? "", replyDays: form["reply_days"] ?? "",
                                         weights: weights, minimumCount: form["minimum"] ?? "", actor: principal.actor, tree: principal.tree)
            req.notify("设置已保存。")
            return req.redirect(to: SiteURL.officeSettings.path)
        } catch let error as ServiceError where error.kind == .invalid {
            let office = try await service.office(regionID: principal.regionID, tree: principal.tree)
            return req.page(OfficeSettingsPage(office: office, region: principal.regionName, message: error.message, typed: form)
                .render(in: PageContext(request: req)), status: .unprocessableEntity)
        }
    }

    // MARK: - Rankings

    /// The ranking of the account's region for a month (default: the latest month with figures).
    private func ranking(_ req: Request) async throws -> RankingTable? {
        let principal = try req.requirePrincipal()
        let service = BulletinService(db: req.db)
        let plans = try await PlanService(db: req.db).visiblePlans(scopeRegionID: principal.regionID, tree: principal.tree)
        guard let year = plans.map(\.year.year).max() else { return nil }
        var month = (try? req.query.get(String.self, at: "month")).flatMap { Int($0) }.flatMap { (1...12).contains($0) ? $0 : nil }
        if month == nil {
            for plan in plans where plan.year.year == year {
                guard let id = plan.id else { continue }
                let table = try await ProgressReportService(db: req.db).table(planID: id, scopeRegionID: principal.regionID, tree: principal.tree,
                                                                            focusRegionID: principal.regionID)
                if let shown = table?.month { month = max(month ?? 0, shown) }
            }
        }
        return try await service.ranking(regionID: principal.regionID, year: year, month: month ?? 1, tree: principal.tree)
    }

    func rankings(req: Request) async throws -> Response {
        let table = try await ranking(req)
        return req.page(RankingPage(table: table).render(in: PageContext(request: req)))
    }

    func rankingsCSV(req: Request) async throws -> Response {
        guard let table = try await ranking(req) else { throw Abort(.notFound, reason: "本区划还没有重点民生实事计划。") }
        return Download.response(Data(RankingExport.csv(table).utf8), fileName: table.title + ".csv", type: .csv)
    }

    func rankingsXLSX(req: Request) async throws -> Response {
        guard let table = try await ranking(req) else { throw Abort(.notFound, reason: "本区划还没有重点民生实事计划。") }
        return Download.response(try RankingExport.workbook(table).data(), fileName: table.title + ".xlsx", type: .xlsx)
    }
}
