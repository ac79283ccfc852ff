import MinshengCore
import MinshengData
import Vapor

/// The plan browser: 实事 → 项目 → 指标, each indicator with its decomposition by region; its
/// exports, the bulletin's lists, and one indicator month by month.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.plans, use: index)
        signedIn.get(SiteURL.plan(id: .parameter), use: show)
        signedIn.get(SiteURL.planExport(id: .parameter, region: nil, month: nil, format: "csv"), use: exportCSV)
        signedIn.get(SiteURL.planExport(id: .parameter, region: nil, month: nil, format: "xlsx"), use: exportXLSX)
        signedIn.get(SiteURL.planFile(id: .parameter, format: "csv"), use: planFileCSV)
        signedIn.get(SiteURL.planFile(id: .parameter, format: "xlsx"), use: planFileXLSX)
        signedIn.get(SiteURL.planLists(id: .parameter, region: nil, month: nil), use: lists)
        signedIn.post(SiteURL.planCompletionRule(id: .parameter), use: setCompletionRule)
        signedIn.get(SiteURL.indicatorTrend(plan: .parameter, indicator: .parameter, region: nil), use: trend)
        signedIn.get(SiteURL.apiProgressReport, use: apiReport)
    }

    func index(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let summaries = try await PlanService(db: req.db).summaries(scopeRegionID: principal.regionID, tree: principal.tree)
        return req.page(PlanIndexPage(plans: summaries, canCreate: principal.may(.office)).render(in: PageContext(request: req)))
    }

    func show(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, region, month) = try Self.parameters(req)
        guard let page = try await PlanShowPage.load(req, principal: principal, planID: id, region: region, month: month) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return req.page(page.render(in: PageContext(request: req)))
    }

    /// The plan id, and the region and month asked for (the region checked against the scope).
    static func parameters(_ req: Request) throws -> (Int, Int?, Int?) {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        let region = try? req.query.get(Int.self, at: "region")
        let month = try? req.query.get(Int.self, at: "month")
        if let region { try AccessPolicy.read(region: region).check(req) }
        return (id, region, month)
    }

    private func table(_ req: Request) async throws -> ProgressTable {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, region, month) = try Self.parameters(req)
        guard let table = try await ProgressReportService(db: req.db).table(planID: id, scopeRegionID: principal.regionID, tree: principal.tree,
                                                                            focusRegionID: region, month: month) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return table
    }

    static func fileName(_ table: ProgressTable, _ ext: String) -> String {
        let period = table.month.map { "\(table.year)年1-\($0)月" } ?? "\(table.year)年"
        return "\(table.region)\(period)重点民生实事进度表.\(ext)"
    }

    func exportCSV(req: Request) async throws -> Response {
        let table = try await table(req)
        return Download.response(Data(ProgressExport.csv(table).utf8), fileName: Self.fileName(table, "csv"), type: .csv)
    }

    func exportXLSX(req: Request) async throws -> Response {
        let table = try await table(req)
        return Download.response(try ProgressExport.xlsx(table), fileName: Self.fileName(table, "xlsx"), type: .xlsx)
    }

    /// The plan in its exchange format: whoever reads the plan may take it away and import it again.
    func planFile(_ req: Request) async throws -> (rows: [[String]], title: String) {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.read(req, id)
        guard let plan = try await Plan.find(id, on: req.db) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        return (try await PlanExporter(db: req.db).rows(planID: id, tree: principal.tree), plan.title)
    }

    func planFileCSV(req: Request) async throws -> Response {
        let (rows, title) = try await planFile(req)
        return Download.response(PlanExporter.csv(rows), fileName: PlanExporter.fileName(title: title, format: "csv"), type: .csv)
    }

    func planFileXLSX(req: Request) async throws -> Response {
        let (rows, title) = try await planFile(req)
        return Download.response(try PlanExporter.xlsx(rows), fileName: PlanExporter.fileName(title: title, format: "xlsx"), type: .xlsx)
    }

    func lists(req: Request) async throws -> Response {
        let table = try await table(req)
        let (id, region, _) = try Self.parameters(req)
        let principal = try AccessPolicy.signedIn.check(req)
        let manages = try await principal.isOffice(ofPlan: id, on: req.db)
        return req.page(PlanListsPage(planID: id, regionID: region, table: table, canSetRule: manages).render(in: PageContext(request: req)))
    }

    struct CompletionRuleForm: Content { var rule: String }

    /// The office sets how its bulletins count 已完成 (`CompletionRule`).
    func setCompletionRule(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以设置已完成的计数规则。")
        let form = try req.content.decode(CompletionRuleForm.self)
        try await ReportingService(db: req.db).setCompletionRule(planID: id, rule: form.rule, actor: principal.actor, tree: principal.tree)
        req.notify("已完成的计数规则已改为“\(CompletionRule(rawValue: form.rule)?.label ?? "")”，通报用语和各项计数已按新规则统计。")
        return req.redirect(to: SiteURL.planLists(id: id, region: nil, month: nil).path)
    }

    func trend(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let indicatorID = req.parameters.get("indicator", as: Int.self), let region = try? req.query.get(Int.self, at: "region") else {
            throw Abort(.notFound, reason: "未找到该指标，或您无权查看。")
        }
        try AccessPolicy.read(region: region).check(req)
        guard let trend = try await ProgressReportService(db: req.db).trend(indicatorID: indicatorID, regionID: region,
                                                                            scopeRegionID: principal.regionID, tree: principal.tree),
              trend.planID == req.parameters.get("id", as: Int.self) else {
            throw Abort(.notFound, reason: "未找到该指标，或您无权查看。")
        }
        let history = try await ReportingService(db: req.db).history(indicatorID: indicatorID, regionID: region)
        return req.page(IndicatorTrendPage(trend: trend, history: history, tree: principal.tree).render(in: PageContext(request: req)))
    }

    /// `GET /api/reports/progress?region=NAME&year=YYYY&month=YYYY-MM&format=json|csv|xlsx[&level=省定]`:
    /// the same report as `minsheng report progress`, for the signed-in account's scope.
    func apiReport(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let regionName = try? req.query.get(String.self, at: "region"), let year = try? req.query.get(Int.self, at: "year"),
              let monthText = try? req.query.get(String.self, at: "month") else {
            throw Abort(.badRequest, reason: "请给出 region（行政区划名称）、year（年度）和 month（YYYY-MM）。")
        }
        let parts = monthText.split(separator: "-")
        guard parts.count == 2, Int(parts[0]) == year, let month = Int(parts[1]), (1...12).contains(month) else {
            throw Abort(.badRequest, reason: "month 应为所选年度内的 YYYY-MM，如 \(year)-10。")
        }
        var level: PlanLevel? = nil
        if let text = try? req.query.get(String.self, at: "level") {
            guard let parsed = PlanLevel(label: text) ?? PlanLevel(rawValue: text) else { throw Abort(.badRequest, reason: "level 应为 省定、市定 或 县定。") }
            level = parsed
        }
        let format = (try? req.query.get(String.self, at: "format")) ?? "json"
        let service = ProgressReportService(db: req.db)
        let resolved = try await service.resolve(regionName: regionName, year: year, level: level, scopeRegionID: principal.regionID)
        guard let table = try await service.table(planID: resolved.planID, scopeRegionID: principal.regionID, tree: principal.tree,
                                                  focusRegionID: resolved.regionID, month: month) else {
            throw Abort(.notFound, reason: "\(regionName) 在该计划中没有任务。")
        }
        switch format {
        case "json":
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: ProgressExport.json(table)))
        case "csv": return Download.response(Data(ProgressExport.csv(table).utf8), fileName: Self.fileName(table, "csv"), type: .csv)
        case "xlsx": return Download.response(try ProgressExport.xlsx(table), fileName: Self.fileName(table, "xlsx"), type: .xlsx)
        default: throw Abort(.badRequest, reason: "format 应为 json、csv 或 xlsx。")
        }
    }
}
