import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 进度 and 验收率 side by side for a region and month, the lists behind the gap, the office's
/// limit, and the exports.
struct AcceptanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.acceptance(plan: .parameter, region: nil, month: nil), use: page)
        signedIn.get(SiteURL.acceptanceExport(plan: .parameter, region: nil, month: nil, format: "csv"), use: csv)
        signedIn.get(SiteURL.acceptanceExport(plan: .parameter, region: nil, month: nil, format: "xlsx"), use: xlsx)
        signedIn.post(SiteURL.acceptanceLimit(plan: .parameter), use: limit)
    }

    private func report(_ req: Request) async throws -> (Principal, AcceptanceService.Report) {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, region, month) = try PlanController.parameters(req)
        guard let report = try await AcceptanceService(db: req.db).report(planID: id, scopeRegionID: principal.regionID, tree: principal.tree,
                                                                          focusRegionID: region, month: month) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return (principal, report)
    }

    func page(req: Request) async throws -> Response {
        let (principal, report) = try await report(req)
        return req.page(try await AcceptancePage.load(req, principal: principal, report: report).render(in: PageContext(request: req)))
    }

    func csv(req: Request) async throws -> Response {
        let (_, report) = try await report(req)
        return Download.response(Data(AcceptanceExport.csv(report.table).utf8), fileName: Self.fileName(report.table, "csv"), type: .csv)
    }

    func xlsx(req: Request) async throws -> Response {
        let (_, report) = try await report(req)
        let data = try AcceptanceExport.workbook(report.table, lists: report.lists).data()
        return Download.response(data, fileName: Self.fileName(report.table, "xlsx"), type: .xlsx)
    }

    static func fileName(_ table: ProgressTable, _ ext: String) -> String {
        "\(table.region)\(table.year)年\(table.periodLabel.replacingOccurrences(of: " ", with: ""))进度与验收率.\(ext)"
    }

    struct LimitForm: Content {
        var month: Int
        var limit: String
    }

    func limit(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以设置差距上限。")
        let form = try req.content.decode(LimitForm.self)
        try await AcceptanceService(db: req.db).setGapLimit(planID: id, month: form.month, limit: form.limit,
                                                           actor: principal.actor, tree: principal.tree)
        req.notify(form.limit.trimmingCharacters(in: .whitespaces).isEmpty ? "已清除 \(form.month) 月的差距上限。" : "已将 \(form.month) 月进度与验收率的差距上限设为 \(form.limit)%。")
        return req.redirect(to: SiteURL.acceptance(plan: id, region: nil, month: form.month).path)
    }
}
