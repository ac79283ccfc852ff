import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// The dashboard on a small city worked by hand (the figures of LetterAndRankingTests): 测试市 with
/// 甲县 and 乙县, 口袋公园 (50 + 50) and 托位 (50 + 50), figures for August to October.
///
/// | month (序时) | 口袋公园 甲 / 乙 → 全市 | 托位 甲 / 乙 → 全市 |
/// | 8 (66.67%) | 20 / 20 → 40% lagging | 40 / 40 → 80% on schedule |
/// | 9 (75%)    | 30 / 30 → 60% lagging | 45 / 45 → 90% on schedule |
/// | 10 (83.33%)| 35 / 40 → 75% lagging (甲 70%, 乙 80% lag) | 48 / 50 → 98% (甲 96% on schedule, 乙 100% completed) |
final class DashboardTests: XCTestCase {
    func fixture(_ app: Application) async throws -> (tree: RegionTree, city: Int, jia: Int, yi: Int) {
        var plan: [[String]] = [PlanFile.header]
        for (seq, project, indicator, lead) in [(1, "口袋公园", "建设口袋公园", "市住建局"), (2, "普惠托位", "新增托位", "市卫健委")] {
            for (region, target) in [("全市", "100"), ("甲县", "50"), ("乙县", "50")] {
                plan.append(["市定", "\(seq)", "测试实事\(seq)", project, indicator, "个", "进度", "求和", lead, region, target])
            }
        }
        let importer = PlanImporter(db: app.db)
        _ = try await importer.importPlan(try PlanFile.parse(rows: plan), regionName: "测试市", year: 2024, createRegions: true, by: nil)
        var progress: [[String]] = [ProgressFile.header]
        for (month, q) in [(8, ["20", "20", "40", "40"]), (9, ["30", "30", "45", "45"]), (10, ["35", "40", "48", "50"])] {
            let m = String(format: "2024-%02d", month)
            progress += [[m, "口袋公园", "建设口袋公园", "甲县", q[0], "", ""], [m, "口袋公园", "建设口袋公园", "乙县", q[1], "", ""],
                         [m, "普惠托位", "新增托位", "甲县", q[2], "", ""], [m, "普惠托位", "新增托位", "乙县", q[3], "", ""]]
        }
        _ = try await importer.importProgress(try ProgressFile.parse(rows: progress), regionName: "测试市", year: 2024, by: nil)
        let tree = try await RegionService(db: app.db).tree()
        func region(_ name: String) async throws -> Int { try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == name).first()?.id) }
        let (city, jia, yi) = (try await region("测试市"), try await region("甲县"), try await region("乙县"))
        let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
        for (name, region, roles) in [("db_leader", city, Set<Role>([.leader])), ("db_county", jia, [.leader]), ("db_reporter", city, [.reporter])] {
            _ = try await accounts.create(.init(username: name, displayName: name, password: "Passw0rd-dashboard", regionID: region,
                                                unitID: roles.contains(.reporter) ? try await UnitService(db: app.db).findOrCreate(name: "市住建局", regionID: city).requireID() : nil,
                                                roles: roles, mustChangePassword: false), by: nil)
        }
        return (tree, city, jia, yi)
    }

    func testTheFiguresMatchTheTablesByHand() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let d = try await DashboardService(db: app.db).dashboard(regionID: f.city, year: 2024, month: 10, level: nil, tree: f.tree)
            let level = try XCTUnwrap(d.levels.first)
            let s = level.table.summary
            XCTAssertEqual([s.indicators, s.completed, s.onSchedule, s.lagging], [2, 0, 1, 1])
            // 甲县: 70% lagging, 96% on schedule → mean 83%; 乙县: 80% lagging, 100% completed → mean 90%.
            let jia = try XCTUnwrap(level.children.first { $0.name == "甲县" })
            XCTAssertEqual([jia.completed, jia.onSchedule, jia.lagging], [0, 1, 1])
            XCTAssertEqual(jia.meanProgress, 83)
            XCTAssertEqual(jia.regionID, f.jia)
            let yi = try XCTUnwrap(level.children.first { $0.name == "乙县" })
            XCTAssertEqual([yi.completed, yi.onSchedule, yi.lagging], [1, 0, 1])
            XCTAssertEqual(yi.meanProgress, 90)
            // Month by month, August to October: one on schedule and one lagging each month.
            let trend = level.trend.filter { $0.month >= 8 }
            XCTAssertEqual(trend.map(\.month), [8, 9, 10])
            XCTAssertEqual(trend.map { [$0.completed, $0.onSchedule, $0.lagging] }, [[0, 1, 1], [0, 1, 1], [0, 1, 1]])
            // Mean of the two 全市 figures: (40 + 80) / 2, (60 + 90) / 2, (75 + 98) / 2; the schedule 9/12 = 75% in September.
            XCTAssertEqual(trend.map(\.meanProgress), [60, 75, 86.5])
            XCTAssertEqual(trend[1].schedule, 75)
            // January to July: no figures, both indicators without progress; one project each month neither lags nor completes.
            XCTAssertEqual(level.trend.count, 10)
            XCTAssertEqual(level.trend.prefix(7).map(\.unreported), Array(repeating: 2, count: 7))
            XCTAssertEqual(trend.map { [$0.projectsOnSchedule, $0.projectsLagging] }, [[1, 1], [1, 1], [1, 1]])
            // Since September: no standing changed; 口袋公园 60% → 75% (+15) and 托位 90% → 98% (+8) gained most.
            XCTAssertEqual(level.changes.map(\.kind), [.gain, .gain])
            XCTAssertEqual(level.changes.map(\.indicator), ["建设口袋公园", "新增托位"])
            XCTAssertEqual(level.changes.first?.before, 60)
            XCTAssertEqual(level.changes.first?.after, 75)
        }
    }

    func testThePageItsScopeAndItsLinks() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let leader = TestBrowser(app)
            try await leader.signIn("db_leader", "Passw0rd-dashboard")
            let page = try await leader.get("/dashboard?month=2024-10")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("指标 2 个：已完成 0、按序时 1、未达序时 1"))
            XCTAssertTrue(page.body.contains("序时 83.33%"))
            XCTAssertTrue(page.body.contains("甲县：平均进度 83.00%，1 个指标未达序时"), "the bar's value on hover")
            XCTAssertFalse(page.body.lowercased().contains("<script"), "no script in the page or its SVG")
            // Each chart is drawn for a desk and for a phone, the data table a click away.
            XCTAssertTrue(page.body.contains("class=\"chart-wide\"") && page.body.contains("class=\"chart-narrow\""))
            XCTAssertTrue(page.body.contains("<summary>查看数据表</summary>"))
            // The lagging project links to its rows in the plan table, whose anchor is there.
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "口袋公园").first()?.id)
            let plan = try await XCTUnwrapAsync(try await Plan.query(on: app.db).first()?.id)
            XCTAssertTrue(page.body.contains("/plans/\(plan)?region=\(f.city)&amp;month=10#project-\(project)"), "the project's link")
            try await XCTAssertTrueAsync(try await leader.get("/plans/\(plan)?region=\(f.city)&month=10").body.contains("id=\"project-\(project)\""))
            // Below the aggregate: 甲县 and 乙县 each lag on 口袋公园, named with links to their trends.
            XCTAssertTrue(page.body.contains("下级未达序时的任务（2 个区划）"))
            // Every month of the trend links to its own dashboard.
            XCTAssertTrue(page.body.contains("/dashboard?region=\(f.city)&amp;month=2024-09"))
            // Every region link resolves, with the month carried along.
            for id in [f.jia, f.yi] {
                XCTAssertTrue(page.body.contains("/dashboard?region=\(id)&amp;month=2024-10"))
                try await XCTAssertEqualAsync(try await leader.get("/dashboard?region=\(id)&month=2024-10").status, .ok)
            }
            // A county leader sees its county, not the city; a reporter has no dashboard.
            let county = TestBrowser(app)
            try await county.signIn("db_county", "Passw0rd-dashboard")
            let own = try await county.get("/dashboard?month=2024-10")
            XCTAssertEqual(own.status, .ok)
            XCTAssertTrue(own.body.contains("甲县重点民生实事看板"))
            try await XCTAssertEqualAsync(try await county.get("/dashboard?region=\(f.city)&month=2024-10").status, .notFound)
            try await XCTAssertEqualAsync(try await county.get("/dashboard?region=\(f.yi)&month=2024-10").status, .notFound)
            let reporter = TestBrowser(app)
            try await reporter.signIn("db_reporter", "Passw0rd-dashboard")
            try await XCTAssertEqualAsync(try await reporter.get("/dashboard").status, .forbidden)
            try await XCTAssertEqualAsync(try await leader.get("/dashboard?month=2024-13").status, .badRequest)
        }
    }

    /// The demo (reference 000's 邵阳市): every chart's figures are the month's tables' and the
    /// bulletin's, month by month; every region's dashboard opens.
    func testTheDemoDashboardAgreesWithTheTablesAndTheBulletin() async throws {
        try await TestApp.run { app in
            try await XCTAssertTrueAsync(try await Bootstrap.loadDemoIfEmpty(app))
            let tree = try await RegionService(db: app.db).tree()
            let city = try XCTUnwrap(tree.nodes.values.first { $0.name == "邵阳市" })
            let province = try XCTUnwrap(tree.nodes.values.first { $0.name == "湖南省" })
            let d = try await DashboardService(db: app.db).dashboard(regionID: city.id, year: 2024, month: 10, level: nil, tree: tree)
            let provincial = try XCTUnwrap(d.levels.first { $0.level == .province })
            // reference 000: 省定 24 个项目; 全市县市区层面 263 个项目，4 个未达到序时进度.
            XCTAssertEqual(provincial.table.summary.projects, 24)
            XCTAssertEqual([provincial.table.summary.regionProjects, provincial.table.summary.regionProjectsLagging], [263, 4])
            // The city's 2024, the province above it (whose dashboard shows the city's plans, the city's figures
            // as their aggregate) and the city's 2023 (邵东市's own plans below it).
            var checked = 0
            for (region, year, month) in [(city.id, 2024, 10), (province.id, 2024, 10), (city.id, 2023, 12)] {
            let d = try await DashboardService(db: app.db).dashboard(regionID: region, year: year, month: month, level: nil, tree: tree)
            let facts = try await BulletinService(db: app.db).facts(regionID: region, kind: .monthly, period: BulletinPeriod(year: year, month: month), level: nil, tree: tree)
            XCTAssertEqual(d.levels.count, facts.levels.count)
            XCTAssertFalse(d.levels.isEmpty, "\(region) \(year)")
            for level in d.levels {
                checked += 1
                let bulletin = try XCTUnwrap(facts.levels.first { $0.planID == level.planID })
                XCTAssertEqual(level.table.summary, bulletin.table.summary, "the status chart is the bulletin's count")
                // Each month's point is that month's own table, counted the same way.
                for point in level.trend {
                    let table = try await XCTUnwrapAsync(try await ProgressReportService(db: app.db).table(planID: level.planID, scopeRegionID: region, tree: tree,
                                                                                                        focusRegionID: region, month: point.month))
                    let s = table.summary
                    XCTAssertEqual([point.completed, point.onSchedule, point.lagging, point.unreported, point.projectsCompleted, point.projectsOnSchedule, point.projectsLagging],
                                   [s.completed, s.onSchedule, s.lagging, s.unreported, s.projectsCompleted, s.projectsOnSchedule, s.projectsLagging],
                                   "\(level.level) month \(point.month)")
                    let progress = table.rows.compactMap { $0.aggregate?.progress }
                    XCTAssertEqual(point.meanProgress, progress.isEmpty ? nil : Exact.rounded(progress.reduce(0, +) / Decimal(progress.count), scale: 2))
                }
                // The regions' bars: each region's shares, counted from the table's own cells.
                for (index, name) in level.table.columns.enumerated() {
                    let child = try XCTUnwrap(level.children.first { $0.name == name })
                    let lagging = level.table.rows.filter { index < $0.regions.count && $0.regions[index]?.status == .lagging }.count
                    XCTAssertEqual(child.lagging, lagging, name)
                    XCTAssertEqual(child.regionID, tree.children(of: level.table.focusRegionID ?? region).first { $0.name == name }?.id)
                }
            }
            }
            XCTAssertGreaterThan(checked, 4)
            // The latest figures read through the store are each bottom share's latest report.
            let indicatorIDs = provincial.table.rows.map(\.indicatorID)
            let all = try await TableRows.figures(indicatorIDs: indicatorIDs, month: 11, before: true, on: app.db)
            var latest: [String: Int] = [:]
            for f in all where (latest["\(f.indicatorID)-\(f.regionID)"] ?? 0) < f.month { latest["\(f.indicatorID)-\(f.regionID)"] = f.month }
            let shares = try await TableRows.shares(indicatorIDs: indicatorIDs, on: app.db)
            let bottom = Set(shares.filter { share in !shares.contains { $0.indicatorID == share.indicatorID && tree[$0.regionID]?.parentID == share.regionID } }
                .map { "\($0.indicatorID)-\($0.regionID)" })
            let read = try await TableRows.latestFigures(indicatorIDs: indicatorIDs, through: 10, on: app.db).filter { bottom.contains("\($0.indicatorID)-\($0.regionID)") }
            XCTAssertFalse(read.isEmpty)
            XCTAssertEqual(Dictionary(read.map { ("\($0.indicatorID)-\($0.regionID)", $0.month) }, uniquingKeysWith: { a, _ in a }), latest.filter { bottom.contains($0.key) })
            // Every region of the demo's city opens its dashboard for its office's admin; the province above is not theirs.
            let admin = TestBrowser(app)
            try await admin.signIn("admin", DemoLoader.password)
            let subtree = tree.subtreeIDs(of: city.id)
            XCTAssertGreaterThan(subtree.count, 14)
            for node in tree.nodes.values where !subtree.contains(node.id) {
                try await XCTAssertEqualAsync(try await admin.get("/dashboard?region=\(node.id)&month=2024-10").status, .notFound, node.name)
            }
            for node in tree.nodes.values where subtree.contains(node.id) {
                let page = try await admin.get("/dashboard?region=\(node.id)&month=2024-10")
                XCTAssertEqual(page.status, .ok, node.name)
                XCTAssertTrue(page.body.contains("\(node.name)重点民生实事看板") || page.body.contains("\(XMLText.escape(node.name))重点民生实事看板"), node.name)
            }
        }
    }
}
