import Fluent
import MinshengCore
import MinshengData
import Plot
import Vapor

/// 监督: the statistics of problems and inspections (the bulletin's "共提出问题 7 个，已整改 7 个"),
/// the office's times to rectify, and the roster of the people it appoints.
struct SupervisionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignIn())
        signedIn.get(SiteURL.supervision(), use: statistics)
        signedIn.get(SiteURL.supervisionExport(month: nil, format: "csv"), use: statisticsCSV)
        signedIn.get(SiteURL.supervisionExport(month: nil, format: "xlsx"), use: statisticsXLSX)
        let office = signedIn.grouped(RequireDuty(.office))
        office.post(SiteURL.supervisionSettings, use: saveSettings)
        office.get(SiteURL.supervisors, use: roster)
        office.post(SiteURL.supervisors, use: appoint)
        office.get(SiteURL.supervisorsExport(format: "csv"), use: rosterCSV)
        office.get(SiteURL.supervisorsExport(format: "xlsx"), use: rosterXLSX)
        office.post(SiteURL.supervisorDismiss(id: .parameter), use: dismiss)
    }

    /// Who reads the statistics: the office, appointed people, leaders.
    private func reader(_ req: Request) throws -> Principal {
        let principal = try req.requirePrincipal()
        guard Access.readsSupervision(principal.actor) else {
            throw Abort(.forbidden, reason: "监督统计供专班办公室、领导和监督人员查看。")
        }
        return principal
    }

    /// The month asked for (`month=YYYY-MM`), default the current one; a year alone (`year=`) is the whole year.
    static func period(_ req: Request) throws -> (year: Int, month: Int?) {
        let now = ChineseDate.yearMonth(Date())
        if let text = try? req.query.get(String.self, at: "month"), !text.isEmpty {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y), (1...12).contains(m) else {
                throw Abort(.badRequest, reason: "月份应为 YYYY-MM 格式，如 2024-10。")
            }
            return (y, m)
        }
        if let year = req.query[Int.self, at: "year"] {
            guard (2000...2100).contains(year) else { throw Abort(.badRequest, reason: "年份应在 2000 至 2100 之间。") }
            return (year, nil)
        }
        return (now.year, now.month)
    }

    private func report(_ req: Request) async throws -> (Principal, SupervisionStatistics) {
        let principal = try reader(req)
        let (year, month) = try Self.period(req)
        let region = req.query[Int.self, at: "region"] ?? principal.regionID
        try AccessPolicy.read(region: region).check(req)
        return (principal, try await SupervisionReportService(db: req.db).statistics(regionID: region, year: year, month: month, tree: principal.tree))
    }

    func statistics(req: Request) async throws -> Response {
        let (principal, stats) = try await report(req)
        let deadlines = try await SupervisionService(db: req.db).deadlines(regionID: principal.regionID, tree: principal.tree)
        let region = req.query[Int.self, at: "region"]
        return req.page(SupervisionStatisticsPage(stats: stats, deadlines: deadlines, isOffice: principal.may(.office), regionParam: region,
                                                  regions: principal.regionsInScope()).render(in: PageContext(request: req)))
    }

    func statisticsCSV(req: Request) async throws -> Response {
        let (_, stats) = try await report(req)
        return Download.response(Data(stats.csv.utf8), fileName: stats.title + ".csv", type: .csv)
    }

    func statisticsXLSX(req: Request) async throws -> Response {
        let (_, stats) = try await report(req)
        return Download.response(try stats.workbook.data(), fileName: stats.title + ".xlsx", type: .xlsx)
    }

    func saveSettings(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        func int(_ key: String) -> Int { (try? req.content.get(String.self, at: key)).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
        do {
            try await SupervisionService(db: req.db).setDeadlines(ProblemDeadlines(urgent: int("urgent"), major: int("major"), normal: int("normal")),
                                                                  regionID: principal.regionID, actor: principal.actor, tree: principal.tree)
            req.notify("已保存整改时限；此后分派的问题按新时限计算，已分派的不变。")
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.supervision().path)
    }

    // MARK: - People

    func roster(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        let role = query.filter.category.flatMap(Role.init(rawValue:))
        let service = SupervisionService(db: req.db)
        let listing = try await service.roster(actor: principal.actor, tree: principal.tree, role: role, filter: query.filter, window: query.window)
        let appointable = try await service.appointable(actor: principal.actor, tree: principal.tree)
        let projects = try await service.projects(inRegions: principal.scope, tree: principal.tree)
        let units = principal.labelled(try await UnitService(db: req.db).units(inRegions: principal.scope))
        return req.page(RosterPage(listing: listing, query: query, regions: principal.regionsInScope(), appointable: appointable, projects: projects,
                                   units: units, tree: principal.tree).render(in: PageContext(request: req)))
    }

    struct AppointForm: Content {
        var account: String?
        var role: String?
        var scope: String?
        var identity: String?
        var project: String?
        var unit: String?
        var organisation: String?
        var phone: String?
        var from: String?
        var until: String?
    }

    func appoint(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = (try? req.content.decode(AppointForm.self)) ?? AppointForm()
        do {
            guard let account = form.account.flatMap({ Int($0) }) else { throw ServiceError.invalid("请选择要聘任的账号。") }
            guard let role = form.role.flatMap(Role.init(rawValue:)) else { throw ServiceError.invalid("请选择观察员、监督员或评议员。") }
            let appointment = SupervisionService.Appointment(
                role: role, scope: form.scope.flatMap(SupervisorScope.init(rawValue:)) ?? .region,
                identity: form.identity.flatMap(SupervisorIdentity.init(rawValue:)) ?? .other, project: form.project ?? "",
                unitID: form.unit.flatMap { Int($0) }, organisation: form.organisation ?? "", phone: form.phone ?? "",
                termFrom: form.from ?? "", termUntil: form.until ?? "")
            let record = try await SupervisionService(db: req.db).appoint(accountID: account, appointment, actor: principal.actor, tree: principal.tree)
            req.notify("已聘任为\(record.roleValue.label)。")
        } catch let error as ServiceError where error.kind == .invalid || error.kind == .conflict {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.supervisors.path)
    }

    func dismiss(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        do {
            try await SupervisionService(db: req.db).dismiss(id: id, confirmed: (try? req.content.get(String.self, at: "confirm")) == "1",
                                                             actor: principal.actor, tree: principal.tree)
            req.notify("已解聘；其提出的问题和视察记录保留。")
        } catch let error as ServiceError where error.kind == .invalid {
            req.notify(error.message, success: false)
        }
        return req.redirect(to: SiteURL.supervisors.path)
    }

    static let rosterHeading = ["姓名", "账号", "类别", "身份", "所属区划", "联系项目或单位", "工作单位及职务", "联系电话", "聘期开始", "聘期结束"]

    private func rosterRows(_ req: Request) async throws -> [[String]] {
        let principal = try req.requirePrincipal()
        let query = ListQuery(req)
        let role = query.filter.category.flatMap(Role.init(rawValue:))
        var rows: [[String]] = []
        var page = 1
        // Every page of the filtered roster: an export carries the whole list.
        while true {
            let listing = try await SupervisionService(db: req.db).roster(actor: principal.actor, tree: principal.tree, role: role, filter: query.filter,
                                                                          window: ListWindow(page: page, size: 200))
            rows += listing.items.map { RosterPage.cells($0, tree: principal.tree) }
            if page >= listing.pageCount { break }
            page += 1
        }
        return rows
    }

    func rosterCSV(req: Request) async throws -> Response {
        let rows = try await rosterRows(req)
        let title = (try req.requirePrincipal().regionName) + "民生实事监督人员名册"
        return Download.response(Data(CSVWriter.document([[title], Self.rosterHeading] + rows).utf8), fileName: title + ".csv", type: .csv)
    }

    func rosterXLSX(req: Request) async throws -> Response {
        let rows = try await rosterRows(req)
        let title = (try req.requirePrincipal().regionName) + "民生实事监督人员名册"
        var sheet = Workbook.Sheet(name: "名册")
        sheet.rows.append([.text(title, .title)] + Array(repeating: Workbook.Cell(.empty, .title), count: Self.rosterHeading.count - 1))
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: Self.rosterHeading.count - 1)
        sheet.rows.append(Self.rosterHeading.map { .text($0, .header) })
        sheet.rows += rows.map { $0.map { .text($0, .text) } }
        sheet.frozenRows = 2
        sheet.columnWidths = [10, 14, 8, 10, 10, 30, 24, 14, 12, 12]
        return Download.response(try Workbook(sheets: [sheet]).data(), fileName: title + ".xlsx", type: .xlsx)
    }
}
