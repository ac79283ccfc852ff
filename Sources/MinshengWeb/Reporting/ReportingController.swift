import Fluent
import MinshengCore
import MinshengData
import Vapor

/// Monthly reporting: the reporter's grid, the office's view of what is missing, returns,
/// deadlines, closing and reopening.
struct ReportingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.reporting(), use: grid)
        signedIn.post(SiteURL.reportingSave(plan: .parameter, month: .parameter), use: save)
        signedIn.get(SiteURL.reportingStatus(plan: .parameter, month: .parameter), use: status)
        signedIn.post(SiteURL.reportingReturn(plan: .parameter, month: .parameter), use: returnReport)
        signedIn.post(SiteURL.monthDeadline(plan: .parameter, month: .parameter), use: deadline)
        signedIn.post(SiteURL.monthClose(plan: .parameter, month: .parameter), use: close)
        signedIn.post(SiteURL.monthReopen(plan: .parameter, month: .parameter), use: reopen)
        signedIn.post(SiteURL.planSchedule(plan: .parameter, month: .parameter), use: schedule)
        signedIn.post(SiteURL.monthRemind(plan: .parameter, month: .parameter), use: remind)
        signedIn.post(SiteURL.reminderDismiss(id: .parameter), use: dismiss)
    }

    private func requireReporting(_ req: Request) throws -> Principal {
        let principal = try AccessPolicy.signedIn.check(req)
        guard principal.may(.report) else { throw Abort(.forbidden, reason: "此功能仅限填报员和专班办公室管理员使用。") }
        return principal
    }

    /// The plan and month of a form that sets the plan's months (deadline, schedule, closing,
    /// 催报): the plan's own office or one above it, checked before the form is read.
    private func managedMonth(_ req: Request) async throws -> (Principal, Int, Int) {
        let (planID, month) = try planAndMonth(req)
        let principal = try await PlanAccess.manage(req, planID, denied: "只有该计划的专班办公室管理员可以设置截止日期、序时进度、关账、重新开放或催报。")
        return (principal, planID, month)
    }

    private func planAndMonth(_ req: Request) throws -> (Int, Int) {
        guard let plan = req.parameters.get("plan", as: Int.self), let month = req.parameters.get("month", as: Int.self), (1...12).contains(month) else {
            throw Abort(.notFound, reason: "未找到该计划或月份。")
        }
        return (plan, month)
    }

    func grid(req: Request) async throws -> Response {
        let principal = try requireReporting(req)
        let page = try await ReportingPage.load(req, principal: principal, planID: try? req.query.get(Int.self, at: "plan"),
                                                month: try? req.query.get(Int.self, at: "month"))
        return req.page(page.render(in: PageContext(request: req)))
    }

    func save(req: Request) async throws -> Response {
        let principal = try requireReporting(req)
        let (planID, month) = try planAndMonth(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        var entries: [ReportingService.Entry] = []
        for (key, _) in fields where key.hasPrefix("q_") {
            let parts = key.dropFirst(2).split(separator: "_")
            guard parts.count == 2, let indicator = Int(parts[0]), let region = Int(parts[1]) else { continue }
            let suffix = "\(indicator)_\(region)"
            entries.append(.init(indicatorID: indicator, regionID: region, quantity: fields["q_" + suffix] ?? "",
                                 progress: fields["p_" + suffix] ?? "", note: fields["n_" + suffix] ?? "", decreaseReason: fields["r_" + suffix] ?? ""))
        }
        guard entries.count <= 5000 else { throw Abort(.payloadTooLarge, reason: "一次提交的条目过多。") }
        let submit = fields["action"] == "submit"
        let service = ReportingService(db: req.db)
        do {
            let changed = try await service.save(planID: planID, month: month, entries: entries, submit: submit, actor: principal.actor, tree: principal.tree)
            req.notify(submit ? "已报送 \(changed) 条进度数据。" : "已保存 \(changed) 条草稿；草稿不计入进度，请在核对后报送。")
            return req.redirect(to: SiteURL.reporting().path + ReportingPage.gridQuery(req, plan: planID, month: month).query(page: (try? req.query.get(Int.self, at: "page")) ?? 1))
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            let page = try await ReportingPage.load(req, principal: principal, planID: planID, month: month, message: error.message, typed: fields)
            let status: HTTPResponseStatus = error.kind == .conflict ? .conflict : .unprocessableEntity
            return req.page(page.render(in: PageContext(request: req)), status: status)
        }
    }

    func status(req: Request) async throws -> Response {
        try await statusPage(req, message: nil, status: .ok)
    }

    /// Runs a status-page form; a refusal comes back on the status page itself, beside the
    /// form, with what was typed kept — not on an error page.
    private func onStatusPage(_ req: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError where [.invalid, .conflict, .forbidden].contains(error.kind) {
            let typed = (try? req.content.decode([String: String].self)) ?? [:]
            return try await statusPage(req, message: error.message, status: error.kind == .invalid ? .unprocessableEntity : error.kind == .conflict ? .conflict : .forbidden,
                                        typed: typed)
        }
    }

    /// The office's status page; `message` says why a form it sent was refused.
    private func statusPage(_ req: Request, message: String?, status: HTTPResponseStatus, typed: [String: String] = [:]) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let (planID, month) = try planAndMonth(req)
        let page = try await ReportingStatusPage.load(req, principal: principal, planID: planID, month: month, message: message, typed: typed)
        return req.page(page.render(in: PageContext(request: req)), status: status)
    }

    struct ReturnForm: Content {
        var indicator: Int
        var region: Int
        var reason: String
    }

    func returnReport(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let (planID, month) = try planAndMonth(req)
        _ = try await PlanAccess.read(req, planID)
        let form = try req.content.decode(ReturnForm.self)
        try AccessPolicy.read(region: form.region).check(req)
        return try await onStatusPage(req) {
            try await ReportingService(db: req.db).returnReport(indicatorID: form.indicator, regionID: form.region, month: month, reason: form.reason,
                                                                actor: principal.actor, tree: principal.tree)
            req.notify("已退回，填报单位将看到退回原因。")
            return req.redirect(to: SiteURL.reportingStatus(plan: planID, month: month).path)
        }
    }

    struct DeadlineForm: Content { var deadline: String }
    struct ReasonForm: Content { var reason: String }

    func deadline(req: Request) async throws -> Response {
        let (principal, planID, month) = try await managedMonth(req)
        let form = try req.content.decode(DeadlineForm.self)
        return try await onStatusPage(req) {
            try await ReportingService(db: req.db).setDeadline(planID: planID, month: month, deadline: form.deadline, actor: principal.actor, tree: principal.tree)
            req.notify("已设置 \(month) 月的填报截止日期。")
            return req.redirect(to: SiteURL.reportingStatus(plan: planID, month: month).path)
        }
    }

    struct ScheduleForm: Content { var schedule: String }

    func schedule(req: Request) async throws -> Response {
        let (principal, planID, month) = try await managedMonth(req)
        let form = try req.content.decode(ScheduleForm.self)
        return try await onStatusPage(req) {
            try await ReportingService(db: req.db).setSchedule(planID: planID, text: form.schedule, actor: principal.actor, tree: principal.tree)
            req.notify(form.schedule.trimmingCharacters(in: .whitespaces).isEmpty ? "序时进度已恢复为按月平均（m/12）。" : "已设置该计划的序时进度。")
            return req.redirect(to: SiteURL.reportingStatus(plan: planID, month: month).path)
        }
    }

    /// 催报: the office sends a notice to the reporters of a unit that has not reported
    /// (`unit=ID`), or of every such unit (`unit=all`).
    func remind(req: Request) async throws -> Response {
        let (principal, planID, month) = try await managedMonth(req)
        let unit = (try? req.content.get(String.self, at: "unit")) ?? ""
        let service = WorkListService(db: req.db)
        if unit == "all" {
            let reached = try await service.remindAll(planID: planID, month: month, actor: principal.actor, tree: principal.tree)
            req.notify("已向 \(reached.units) 个未报送单位的 \(reached.reporters) 名填报员发送催报通知，他们登录后在首页可见。")
        } else {
            guard let unitID = Int(unit) else { throw Abort(.unprocessableEntity, reason: "请选择要催报的单位。") }
            let reached = try await service.remind(planID: planID, month: month, unitID: unitID, actor: principal.actor, tree: principal.tree)
            req.notify("已向该单位的 \(reached) 名填报员发送催报通知，他们登录后在首页可见。")
        }
        let back = (try? req.content.get(String.self, at: "back")) == "status" ? SiteURL.reportingStatus(plan: planID, month: month).path : SiteURL.home.path
        return req.redirect(to: back)
    }

    func dismiss(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound, reason: "未找到该通知。") }
        try await WorkListService(db: req.db).dismiss(reminderID: id, accountID: principal.accountID)
        return req.redirect(to: SiteURL.home.path)
    }

    func close(req: Request) async throws -> Response {
        let (principal, planID, month) = try await managedMonth(req)
        // The page showed how many figures are still missing; closing must say it saw that many.
        let acknowledged = (try? req.content.get(String.self, at: "missing")).flatMap { Int($0) } ?? -1
        do {
            let refusal = try await onStatusPage(req) {
                try await ReportingService(db: req.db).close(planID: planID, month: month, actor: principal.actor, tree: principal.tree,
                                                             acknowledgedMissing: acknowledged)
                return Response(status: .ok)
            }
            if refusal.status != .ok { return refusal }
        } catch let refused as ReportingService.MissingNotAcknowledged {
            return try await statusPage(req, message: "未关账：仍有 \(refused.missing) 条未报送，与页面显示的不一致（可能有单位刚刚报送）。请核对下方未报送清单后再确认关账。",
                                        status: .conflict)
        }
        req.notify("\(month) 月已关账，进度数据已锁定；佐证资料仍可上传和审核。")
        return req.redirect(to: SiteURL.reportingStatus(plan: planID, month: month).path)
    }

    func reopen(req: Request) async throws -> Response {
        let (principal, planID, month) = try await managedMonth(req)
        let form = try req.content.decode(ReasonForm.self)
        return try await onStatusPage(req) {
            try await ReportingService(db: req.db).reopen(planID: planID, month: month, reason: form.reason, actor: principal.actor, tree: principal.tree)
            req.notify("\(month) 月已重新开放，可更正数据；此操作已记录。")
            return req.redirect(to: SiteURL.reportingStatus(plan: planID, month: month).path)
        }
    }
}
