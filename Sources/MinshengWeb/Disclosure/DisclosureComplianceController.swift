import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 信息公开考核: how each project keeps its public page up to date in a plan — the monthly matrix
/// (reference 002 附表4), the projects short of the year's updates (reference 000 附件2), those
/// without news or missing a category, each region's completion share and the items the quality
/// checks flag — with the exports and, for the plan's office, the monthly-update rule.
struct DisclosureComplianceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.disclosureCompliance(plan: .parameter, region: nil, month: nil), use: page)
        signedIn.get(SiteURL.disclosureComplianceExport(plan: .parameter, region: nil, month: nil, format: "csv"), use: csv)
        signedIn.get(SiteURL.disclosureComplianceExport(plan: .parameter, region: nil, month: nil, format: "xlsx"), use: xlsx)
        signedIn.post(SiteURL.disclosureRule(plan: .parameter), use: rule)
    }

    private func report(_ req: Request) async throws -> (PlanReportScope, DisclosureComplianceService.Report) {
        let scope = try await PlanReportScope.resolve(req)
        guard let report = try await DisclosureComplianceService(db: req.db).report(planID: scope.planID, focusRegionID: scope.focus, month: scope.month,
                                                                                    tree: scope.principal.tree) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return (scope, report)
    }

    func page(req: Request) async throws -> Response {
        let (scope, report) = try await report(req)
        let page = try await DisclosureCompliancePage.load(req, scope: scope, report: report)
        return req.page(page.render(in: PageContext(request: req)))
    }

    func csv(req: Request) async throws -> Response {
        let report = try await report(req).1
        return Download.response(Data(DisclosureExport.csv(report.table).utf8), fileName: Self.fileName(report, "csv"), type: .csv)
    }

    func xlsx(req: Request) async throws -> Response {
        let report = try await report(req).1
        return Download.response(try DisclosureExport.workbook(report.table).data(), fileName: Self.fileName(report, "xlsx"), type: .xlsx)
    }

    static func fileName(_ report: DisclosureComplianceService.Report, _ ext: String) -> String {
        "\(report.regionName)\(report.year)年1-\(report.month)月项目动态情况.\(ext)"
    }

    struct RuleForm: Content {
        var fromMonth: String
        var minimum: String
        var region: Int?
        var month: Int?
    }

    func rule(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以设置动态更新要求。")
        let form = try req.content.decode(RuleForm.self)
        let back = SiteURL.disclosureCompliance(plan: id, region: form.region, month: form.month).path
        do {
            try await DisclosureComplianceService(db: req.db).setUpdateRule(planID: id, fromMonth: form.fromMonth, minimum: form.minimum,
                                                                           actor: principal.actor, tree: principal.tree)
            req.notify("已将动态更新要求设为：自 \(form.fromMonth) 月起，每个项目每月至少 \(form.minimum) 条工作动态。")
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back)
    }
}
