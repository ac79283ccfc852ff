import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 亮码评价统计 for a plan: 处理率, reply times and 满意率 per region, project, unit and month,
/// the units short of 100%, the exports, and — for the plan's office — the reply deadline and
/// which ratings count as satisfied.
struct FeedbackRatesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.feedbackRates(plan: .parameter, region: nil, month: nil), use: page)
        signedIn.get(SiteURL.feedbackRatesExport(plan: .parameter, region: nil, month: nil, format: "csv"), use: csv)
        signedIn.get(SiteURL.feedbackRatesExport(plan: .parameter, region: nil, month: nil, format: "xlsx"), use: xlsx)
        signedIn.post(SiteURL.feedbackRules(plan: .parameter), use: rules)
    }

    private func table(_ req: Request) async throws -> (PlanReportScope, FeedbackTable) {
        let scope = try await PlanReportScope.resolve(req)
        guard let table = try await FeedbackService(db: req.db).table(planID: scope.planID, focusRegionID: scope.focus, month: scope.month,
                                                                      tree: scope.principal.tree) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return (scope, table)
    }

    func page(req: Request) async throws -> Response {
        let (scope, table) = try await table(req)
        let tree = scope.principal.tree
        let mayRule = try await scope.principal.isOffice(ofPlan: scope.planID, on: req.db)
        let children = Dictionary(tree.children(of: scope.focus).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        return req.page(FeedbackRatesPage(planID: scope.planID, focusRegionID: scope.focus, table: table, mayRule: mayRule, trail: scope.trail,
                                          drillable: children.filter { !tree.children(of: $0.value).isEmpty })
            .render(in: PageContext(request: req)))
    }

    func csv(req: Request) async throws -> Response {
        let table = try await table(req).1
        return Download.response(Data(FeedbackExport.csv(table).utf8), fileName: FeedbackExport.title(table) + ".csv", type: .csv)
    }

    func xlsx(req: Request) async throws -> Response {
        let table = try await table(req).1
        return Download.response(try FeedbackExport.workbook(table).data(), fileName: FeedbackExport.title(table) + ".xlsx", type: .xlsx)
    }

    struct RulesForm: Content {
        var days: String
        var rule: String
        var region: Int?
        var month: Int?
    }

    func rules(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以设置答复期限和满意率口径。")
        let form = try req.content.decode(RulesForm.self)
        let back = SiteURL.feedbackRates(plan: id, region: form.region, month: form.month).path
        do {
            try await FeedbackService(db: req.db).setRules(planID: id, days: form.days, rule: form.rule,
                                                           actor: principal.actor, tree: principal.tree)
            req.notify("已保存：答复期限 \(form.days) 个工作日，满意率按“\(SatisfactionRule(rawValue: form.rule)?.label ?? "")”计算。")
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back)
    }
}
