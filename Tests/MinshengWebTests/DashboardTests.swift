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
}
