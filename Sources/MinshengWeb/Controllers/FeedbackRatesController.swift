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
        signedIn.get("plans", ":id", "feedback", use: page)
        signedIn.get("plans", ":id", "feedback.csv", use: csv)
        signedIn.get("plans", ":id", "feedback.xlsx", use: xlsx)
        signedIn.post("plans", ":id", "feedback", "rules", use: rules)
    }

    private struct Shown {
        var principal: Principal
        var planID: Int
        var top: Int
        var focus: Int
        var table: FeedbackTable
    }

    private func table(_ req: Request) async throws -> Shown {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, region, month) = try PlanController.parameters(req)
        let scope = ReportingService(db: req.db)
        guard let (top, focus) = try await scope.planFocus(planID: id, requested: region, scopeRegionID: principal.regionID, tree: principal.tree) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        var shown = month.flatMap { (1...12).contains($0) ? $0 : nil }
        if shown == nil { shown = try await scope.defaultMonth(planID: id, regionID: focus) }
        guard let table = try await FeedbackService(db: req.db).table(planID: id, focusRegionID: focus, month: shown ?? 12, tree: principal.tree) else {
            throw Abort(.notFound, reason: "未找到该计划，或您无权查看。")
        }
        return Shown(principal: principal, planID: id, top: top, focus: focus, table: table)
    }

    func page(req: Request) async throws -> Response {
        let shown = try await table(req)
        let principal = shown.principal
        let mayRule = try await principal.isOffice(ofPlan: shown.planID, on: req.db)
        let chain = (principal.tree.ancestors(of: shown.focus).reversed() + [principal.tree[shown.focus]].compactMap { $0 })
            .filter { principal.tree.isWithin($0.id, of: shown.top) }
        let children = Dictionary(principal.tree.children(of: shown.focus).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        return req.page(FeedbackRatesPage(planID: shown.planID, focusRegionID: shown.focus, table: shown.table, mayRule: mayRule,
                                          trail: chain.map { ($0.id, $0.name) },
                                          drillable: children.filter { !principal.tree.children(of: $0.value).isEmpty })
            .render(in: PageContext(request: req)))
    }

    func csv(req: Request) async throws -> Response {
        let table = try await table(req).table
        return Download.response(Data(FeedbackExport.csv(table).utf8), fileName: FeedbackExport.title(table) + ".csv", type: .csv)
    }

    func xlsx(req: Request) async throws -> Response {
        let table = try await table(req).table
        return Download.response(try FeedbackExport.workbook(table).data(), fileName: FeedbackExport.title(table) + ".xlsx", type: .xlsx)
    }

    struct RulesForm: Content {
        var days: String
        var rule: String
        var region: Int?
        var month: Int?
    }

    func rules(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(RulesForm.self)
        let back = SiteURL.feedbackRates(plan: id, region: form.region, month: form.month).path
        do {
            try await FeedbackService(db: req.db).setRules(planID: id, days: form.days, rule: form.rule,
                                                           actor: ReportingController.actor(principal), tree: principal.tree)
            req.notify("已保存：答复期限 \(form.days) 个工作日，满意率按“\(SatisfactionRule(rawValue: form.rule)?.label ?? "")”计算。")
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back)
    }
}
