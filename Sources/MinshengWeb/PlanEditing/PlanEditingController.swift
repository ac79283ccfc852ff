import Fluent
import MinshengCore
import MinshengData
import Vapor

/// Plans edited in the app: a new plan, its outline (实事 → 项目 → 指标 with 验收标准 and its
/// attachments), the decomposition grid of each indicator, the plan's adoption and its
/// adjustments (计划调整) with their approval.
struct PlanEditingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.newPlan, use: newPlan)
        signedIn.post(SiteURL.plans, use: createPlan)
        signedIn.get(SiteURL.planEditor(id: .parameter), use: editor)
        signedIn.post(SiteURL.planEditor(id: .parameter), use: updatePlan)
        signedIn.post(SiteURL.planAdopt(id: .parameter), use: adopt)
        signedIn.post(SiteURL.planItems(plan: .parameter), use: addItem)
        signedIn.post(SiteURL.planItem(plan: .parameter, item: .parameter, action: nil), use: updateItem)
        signedIn.post(SiteURL.planItem(plan: .parameter, item: .parameter, action: "move"), use: moveItem)
        signedIn.post(SiteURL.planItem(plan: .parameter, item: .parameter, action: "remove"), use: removeItem)
        signedIn.post(SiteURL.planProjects(plan: .parameter, item: .parameter), use: addProject)
        signedIn.post(SiteURL.planProject(plan: .parameter, project: .parameter, action: nil), use: updateProject)
        signedIn.post(SiteURL.planProject(plan: .parameter, project: .parameter, action: "move"), use: moveProject)
        signedIn.post(SiteURL.planProject(plan: .parameter, project: .parameter, action: "remove"), use: removeProject)
        signedIn.post(SiteURL.projectIndicators(plan: .parameter, project: .parameter), use: addIndicator)
        signedIn.get(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "edit"), use: indicatorPage)
        signedIn.post(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "edit"), use: updateIndicator)
        signedIn.post(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "move"), use: moveIndicator)
        signedIn.post(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "remove"), use: removeIndicator)
        signedIn.post(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "stop"), use: stopIndicator)
        signedIn.on(.POST, SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "attachments/upload"), body: .stream, use: upload)
            .checksTokenItself()
        signedIn.post(SiteURL.indicatorEditor(plan: .parameter, indicator: .parameter, action: "attachments/remove"), use: detach)
        signedIn.get(SiteURL.indicatorAttachment(plan: .parameter, indicator: .parameter, attachment: .parameter), use: attachment)
        signedIn.get(SiteURL.decomposition(plan: .parameter, indicator: .parameter, region: nil), use: grid)
        signedIn.post(SiteURL.decomposition(plan: .parameter, indicator: .parameter, region: nil), use: saveGrid)
        signedIn.get(SiteURL.planAdjustments(plan: .parameter), use: adjustments)
        signedIn.post(SiteURL.planAdjustment(plan: .parameter, adjustment: .parameter, action: "approve"), use: approve)
        signedIn.post(SiteURL.planAdjustment(plan: .parameter, adjustment: .parameter, action: "return"), use: returnAdjustment)
    }

    // MARK: - Input

    static func field(_ req: Request, _ name: String) -> String {
        (try? req.content.get(String.self, at: name)) ?? ""
    }

    static func int(_ req: Request, _ name: String) throws -> Int {
        guard let value = req.parameters.get(name, as: Int.self) else { throw Abort(.notFound, reason: "未找到该记录。") }
        return value
    }

    /// Runs an edit; a refusal of the input (invalid, conflict) goes back to `back` with the
    /// message, nothing written; not found and forbidden stay errors.
    static func perform(_ req: Request, back: SiteURL, success: String, managing planID: Int? = nil,
                        _ body: @escaping @Sendable (Principal) async throws -> Void) async throws -> Response {
        // Who may do it is decided before any input is looked at.
        let principal: Principal
        if let planID {
            principal = try await PlanAccess.manage(req, planID, denied: "只有该计划的专班办公室可以编辑计划。")
        } else {
            principal = try AccessPolicy.signedIn.check(req)
        }
        do {
            try await body(principal)
            req.notify(success)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back.path)
    }

    // MARK: - The plan

    func newPlan(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let regions = principal.tree.subtree(of: principal.regionID)
        return req.page(NewPlanPage(regions: regions, tree: principal.tree, year: Calendar(identifier: .gregorian).component(.year, from: Date()) + 1)
            .render(in: PageContext(request: req)))
    }

    func createPlan(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let level = PlanLevel(rawValue: Self.field(req, "level"))
        let region = Int(Self.field(req, "region"))
        let year = Int(Self.field(req, "year"))
        let approver = AdjustmentApprover(rawValue: Self.field(req, "approver")) ?? .above
        do {
            guard let level, let region, let year else { throw ServiceError.invalid("请选择级别、年度和制定计划的行政区划。") }
            let plan = try await PlanEditor(db: req.db).create(.init(year: year, level: level, ownerRegionID: region, title: Self.field(req, "title"),
                                                                      approver: approver), actor: principal.actor, tree: principal.tree)
            req.notify("计划已创建：请添加实事、项目和指标，并分解目标任务。")
            return req.redirect(to: SiteURL.planEditor(id: try plan.requireID()).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.newPlan.path)
        }
    }

    func editor(req: Request) async throws -> Response {
        let principal = try await PlanAccess.manage(req, try PlanAccess.id(req), denied: "只有该计划的专班办公室可以编辑计划。")
        let outline = try await PlanEditor(db: req.db).outline(planID: try PlanAccess.id(req), actor: principal.actor, tree: principal.tree)
        return req.page(PlanEditorPage(outline: outline).render(in: PageContext(request: req)))
    }

    func updatePlan(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        return try await Self.perform(req, back: .planEditor(id: id), success: "计划名称和调整审批方式已保存。", managing: id) { principal in
            guard let approver = AdjustmentApprover(rawValue: Self.field(req, "approver")) else { throw ServiceError.invalid("请选择计划调整由谁审批。") }
            try await PlanEditor(db: req.db).updatePlan(planID: id, title: Self.field(req, "title"), approver: approver, actor: principal.actor, tree: principal.tree)
        }
    }

    func adopt(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        return try await Self.perform(req, back: .planEditor(id: id), success: "计划已通过。此后修改目标任务、分解或责任单位，须提出计划调整并经审批。", managing: id) { principal in
            guard Self.field(req, "confirm") == "1" else { throw ServiceError.invalid("请勾选确认后再通过计划。") }
            try await PlanEditor(db: req.db).adopt(planID: id, actor: principal.actor, tree: principal.tree)
        }
    }

    // MARK: - 实事, 项目, 指标

    func direction(_ req: Request) throws -> PlanEditor.Direction {
        guard let direction = PlanEditor.Direction(rawValue: Self.field(req, "direction")) else { throw ServiceError.invalid("请选择上移或下移。") }
        return direction
    }

    func addItem(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        return try await Self.perform(req, back: .planEditor(id: id), success: "已添加实事。", managing: id) { principal in
            try await PlanEditor(db: req.db).addItem(planID: id, name: Self.field(req, "name"), actor: principal.actor, tree: principal.tree)
        }
    }

    func updateItem(req: Request) async throws -> Response {
        let (id, item) = (try PlanAccess.id(req), try Self.int(req, "planItem"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "实事名称已保存。", managing: id) { principal in
            try await PlanEditor(db: req.db).updateItem(planID: id, itemID: item, name: Self.field(req, "name"), actor: principal.actor, tree: principal.tree)
        }
    }

    func moveItem(req: Request) async throws -> Response {
        let (id, item) = (try PlanAccess.id(req), try Self.int(req, "planItem"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "实事顺序已调整。", managing: id) { principal in
            try await PlanEditor(db: req.db).moveItem(planID: id, itemID: item, try direction(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func removeItem(req: Request) async throws -> Response {
        let (id, item) = (try PlanAccess.id(req), try Self.int(req, "planItem"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "已删除该实事。", managing: id) { principal in
            try await PlanEditor(db: req.db).removeItem(planID: id, itemID: item, actor: principal.actor, tree: principal.tree)
        }
    }

    func addProject(req: Request) async throws -> Response {
        let (id, item) = (try PlanAccess.id(req), try Self.int(req, "planItem"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "已添加项目。", managing: id) { principal in
            try await PlanEditor(db: req.db).addProject(planID: id, itemID: item, name: Self.field(req, "name"), actor: principal.actor, tree: principal.tree)
        }
    }

    func updateProject(req: Request) async throws -> Response {
        let (id, project) = (try PlanAccess.id(req), try Self.int(req, "project"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "项目已保存。", managing: id) { principal in
            try await PlanEditor(db: req.db).updateProject(planID: id, projectID: project, name: Self.field(req, "name"), actor: principal.actor, tree: principal.tree)
        }
    }

    func moveProject(req: Request) async throws -> Response {
        let (id, project) = (try PlanAccess.id(req), try Self.int(req, "project"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "项目顺序已调整。", managing: id) { principal in
            try await PlanEditor(db: req.db).moveProject(planID: id, projectID: project, try direction(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func removeProject(req: Request) async throws -> Response {
        let (id, project) = (try PlanAccess.id(req), try Self.int(req, "project"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "已删除该项目。", managing: id) { principal in
            try await PlanEditor(db: req.db).removeProject(planID: id, projectID: project, actor: principal.actor, tree: principal.tree)
        }
    }

    static func indicatorFields(_ req: Request) throws -> PlanEditor.IndicatorFields {
        guard let kind = ProgressType(rawValue: field(req, "kind")), let rule = Aggregation(rawValue: field(req, "rule")) else {
            throw ServiceError.invalid("请选择进度类型和汇总方式。")
        }
        return .init(name: field(req, "name"), unitLabel: field(req, "unit"), kind: kind, rule: rule, leadUnit: field(req, "lead"),
                     acceptanceStandard: field(req, "standard"))
    }

    func addIndicator(req: Request) async throws -> Response {
        let (id, project) = (try PlanAccess.id(req), try Self.int(req, "project"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "已添加指标：请在“分解”中填写目标任务。", managing: id) { principal in
            try await PlanEditor(db: req.db).addIndicator(planID: id, projectID: project, try Self.indicatorFields(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func indicatorPage(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以编辑计划。")
        let outline = try await PlanEditor(db: req.db).outline(planID: id, actor: principal.actor, tree: principal.tree)
        for item in outline.items {
            for project in item.projects {
                if let row = project.indicators.first(where: { $0.id == indicator }) {
                    return req.page(IndicatorEditPage(outline: outline, project: project, indicator: row,
                                                      limitMB: req.application.minsheng.uploadLimit / 1024 / 1024).render(in: PageContext(request: req)))
                }
            }
        }
        throw Abort(.notFound, reason: "未找到该指标。")
    }

    func updateIndicator(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        return try await Self.perform(req, back: .indicatorEditor(plan: id, indicator: indicator, action: "edit"), success: "指标已保存。", managing: id) { principal in
            try await PlanEditor(db: req.db).updateIndicator(planID: id, indicatorID: indicator, try Self.indicatorFields(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func moveIndicator(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        return try await Self.perform(req, back: .planEditor(id: id), success: "指标顺序已调整。", managing: id) { principal in
            try await PlanEditor(db: req.db).moveIndicator(planID: id, indicatorID: indicator, try direction(req), actor: principal.actor, tree: principal.tree)
        }
    }

    func removeIndicator(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以编辑计划。")
        do {
            try await PlanEditor(db: req.db).removeIndicator(planID: id, indicatorID: indicator, actor: principal.actor, tree: principal.tree)
            req.notify("已删除该指标。")
            return req.redirect(to: SiteURL.planEditor(id: id).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
            return req.redirect(to: SiteURL.indicatorEditor(plan: id, indicator: indicator, action: "edit").path)
        }
    }

    func stopIndicator(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        let action = Self.field(req, "action")
        return try await Self.perform(req, back: .indicatorEditor(plan: id, indicator: indicator, action: "edit"),
                                      success: action == "resume" ? "该指标已恢复实施。" : "该指标已标记为停止实施。", managing: id) { principal in
            guard ["stop", "resume"].contains(action) else { throw ServiceError.invalid("请选择停止实施或恢复实施。") }
            try await PlanEditor(db: req.db).stopIndicator(planID: id, indicatorID: indicator, reason: action == "stop" ? Self.field(req, "reason") : nil,
                                                           actor: principal.actor, tree: principal.tree)
        }
    }

    // MARK: - 验收标准's attachments

    func upload(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        let principal = try await PlanAccess.manage(req, id, denied: "只有该计划的专班办公室可以编辑计划。")
        let db = req.db
        let back = SiteURL.indicatorEditor(plan: id, indicator: indicator, action: "edit").path
        // The office check came before anything is read or stored.
        let reader = StreamedUpload(store: req.application.blobStore, expectedToken: req.session.data["csrf"] ?? "", maxFiles: PlanEditor.maxAttachments)
        do {
            try await reader.read(req)
        } catch let refusal as StreamedUpload.Refusal {
            if refusal.status == .forbidden { throw Abort(.forbidden, reason: refusal.message) }
            req.notify(refusal.message, success: false)
            return req.redirect(to: back)
        }
        do {
            try await PlanEditor(db: db).attach(planID: id, indicatorID: indicator, files: reader.files, actor: principal.actor, tree: principal.tree)
            req.notify("已上传 \(reader.files.count) 个验收标准附件。")
        } catch let error as ServiceError {
            try await reader.discardUnused(on: db)
            if error.kind == .notFound || error.kind == .forbidden { throw error }
            req.notify(error.message, success: false)
        }
        return req.redirect(to: back)
    }

    func detach(req: Request) async throws -> Response {
        let (id, indicator) = (try PlanAccess.id(req), try Self.int(req, "indicator"))
        return try await Self.perform(req, back: .indicatorEditor(plan: id, indicator: indicator, action: "edit"), success: "已删除该附件。", managing: id) { principal in
            guard let attachment = Int(Self.field(req, "attachment")) else { throw ServiceError.invalid("请选择要删除的附件。") }
            let key = try await PlanEditor(db: req.db).detach(planID: id, indicatorID: indicator, attachmentID: attachment, actor: principal.actor, tree: principal.tree)
            if try await IndicatorAttachment.query(on: req.db).filter(\.$blobKey == key).count() == 0,
               try await EvidenceFile.query(on: req.db).filter(\.$blobKey == key).count() == 0,
               try await DisclosureFile.query(on: req.db).filter(\.$blobKey == key).count() == 0 {
                try? req.application.blobStore.remove(key)
            }
        }
    }

    func attachment(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (id, indicator, attachmentID) = (try PlanAccess.id(req), try Self.int(req, "indicator"), try Self.int(req, "attachment"))
        let file = try await PlanEditor(db: req.db).attachment(planID: id, indicatorID: indicator, attachmentID: attachmentID, actor: principal.actor, tree: principal.tree)
        guard let path = req.application.blobStore.path(for: file.blobKey) else { throw Abort(.notFound, reason: "没有找到这个文件。") }
        return try await Download.storedFile(req, path: path, name: file.fileName, kind: FileKind(rawValue: file.contentType), cacheControl: "private, no-store")
    }

    // MARK: - The decomposition grid

    func gridParameters(_ req: Request) throws -> (plan: Int, indicator: Int, region: Int) {
        guard let region = req.query[Int.self, at: "region"] else { throw Abort(.notFound, reason: "请从计划页面选择要分解的区划。") }
        return (try PlanAccess.id(req), try Self.int(req, "indicator"), region)
    }

    func grid(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (plan, indicator, region) = try gridParameters(req)
        let grid = try await PlanDecomposition(db: req.db).grid(planID: plan, indicatorID: indicator, regionID: region, actor: principal.actor, tree: principal.tree)
        return req.page(DecompositionPage(grid: grid, entries: nil, reason: "", message: nil).render(in: PageContext(request: req)))
    }

    func saveGrid(req: Request) async throws -> Response {
        let principal = try AccessPolicy.signedIn.check(req)
        let (plan, indicator, region) = try gridParameters(req)
        let service = PlanDecomposition(db: req.db)
        let grid = try await service.grid(planID: plan, indicatorID: indicator, regionID: region, actor: principal.actor, tree: principal.tree)
        let order = grid.pasteOrder
        var entries = order.map { id in
            PlanDecomposition.Entry(regionID: id, target: Self.field(req, "target_\(id)"), note: Self.field(req, "note_\(id)"), unit: Self.field(req, "unit_\(id)"))
        }
        let reason = Self.field(req, "reason")
        func again(_ message: String?, _ status: HTTPResponseStatus) -> Response {
            req.page(DecompositionPage(grid: grid, entries: entries, reason: reason, message: message).render(in: PageContext(request: req)), status: status)
        }
        do {
            let paste = Self.field(req, "paste")
            if Self.field(req, "step") == "paste" {
                // The paste fills the grid for a look; nothing is written until it is saved.
                entries = try PlanDecomposition.applyPaste(paste, to: entries, order: order)
                return again(nil, .ok)
            }
            let outcome = try await service.save(planID: plan, indicatorID: indicator, regionID: region, entries: entries, reason: reason,
                                                 actor: principal.actor, tree: principal.tree)
            switch outcome {
            case .saved(let changed): req.notify("已保存 \(changed) 个区划的目标任务。")
            case .proposed(_, let approver): req.notify("已提出计划调整，等待\(approver)专班办公室审批；批准前各月仍按现行目标任务统计。")
            }
            return req.redirect(to: SiteURL.decomposition(plan: plan, indicator: indicator, region: region).path)
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            return again(error.message, error.kind == .conflict ? .conflict : .unprocessableEntity)
        }
    }

    // MARK: - Adjustments

    func adjustments(req: Request) async throws -> Response {
        let id = try PlanAccess.id(req)
        let principal = try await PlanAccess.read(req, id)
        guard let plan = try await Plan.find(id, on: req.db) else { throw Abort(.notFound, reason: "未找到该计划，或您无权查看。") }
        let records = try await PlanDecomposition(db: req.db).records(planID: id, tree: principal.tree)
        let decides = Set(records.filter { Access.decideAdjustment(principal.actor, approverRegion: $0.approverRegionID, tree: principal.tree).isAllowed }.map(\.id))
        // An adjustment takes effect from a month not yet closed.
        let closed = Set(try await PlanMonth.query(on: req.db).filter(\.$plan.$id == id).filter(\.$closedAt != nil).all().map(\.month))
        return req.page(AdjustmentsPage(planID: id, planTitle: plan.title, adoptedAt: plan.adoptedAt, records: records, decides: decides,
                                        openMonths: (1...12).filter { !closed.contains($0) })
            .render(in: PageContext(request: req)))
    }

    func approve(req: Request) async throws -> Response {
        let (id, adjustment) = (try PlanAccess.id(req), try Self.int(req, "adjustment"))
        return try await Self.perform(req, back: .planAdjustments(plan: id), success: "已批准该调整。") { principal in
            try await PlanDecomposition(db: req.db).approve(adjustmentID: adjustment, effectiveMonth: Int(Self.field(req, "month")) ?? 0, actor: principal.actor, tree: principal.tree)
        }
    }

    func returnAdjustment(req: Request) async throws -> Response {
        let (id, adjustment) = (try PlanAccess.id(req), try Self.int(req, "adjustment"))
        return try await Self.perform(req, back: .planAdjustments(plan: id), success: "已退回该调整。") { principal in
            try await PlanDecomposition(db: req.db).returnAdjustment(adjustmentID: adjustment, reason: Self.field(req, "reason"),
                                                                     actor: principal.actor, tree: principal.tree)
        }
    }
}
