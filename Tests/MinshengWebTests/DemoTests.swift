import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// The demo programme reproduces the figures printed in the references.
final class DemoTests: XCTestCase {
    func testDemoLoadsShaoyangsProgrammeAndShaodongsPlanAsTheReferencesPrintThem() async throws {
        try await TestApp.run { app in
        try await XCTAssertTrueAsync(try await Bootstrap.loadDemoIfEmpty(app))
        try await XCTAssertFalseAsync(try await Bootstrap.loadDemoIfEmpty(app), "the demo loads only into an empty database")
        let tree = try await RegionService(db: app.db).tree()
        guard let city = tree.nodes.values.first(where: { $0.name == "邵阳市" }) else { return XCTFail("邵阳市 missing") }
        // reference 000 附件1: 13 counties, districts and zones plus 市本级
        XCTAssertEqual(tree.children(of: city.id).map(\.name), ["双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县",
                                                                "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "经开区", "武冈市", "市本级"])
        let service = PlanService(db: app.db)
        let plans = try await service.visiblePlans(scopeRegionID: city.id, tree: tree)
        XCTAssertEqual(plans.count, 5)
        guard let provincial = plans.first(where: { $0.planLevel == .province && $0.year.year == 2024 }),
              let browser = try await service.browse(planID: try provincial.requireID(), scopeRegionID: city.id, tree: tree) else {
            return XCTFail("provincial plan missing")
        }
        // reference 000: 省定十大重点民生实事 24 个项目; 附件1 lists 36 indicator rows
        XCTAssertEqual(browser.summary.items, 10)
        XCTAssertEqual(browser.summary.projects, 24)
        XCTAssertEqual(browser.summary.indicators, 36)
        XCTAssertEqual(browser.summary.month, 10)
        XCTAssertEqual(browser.columns.count, 15, "全市 and 14 child columns")
        func cell(_ project: String, _ region: String, indicator: String? = nil) -> PlanService.Cell? {
            let row = browser.items.flatMap(\.projects).first { $0.name == project }?.indicators
                .first { indicator == nil || $0.name == indicator }
            let id = region == "全市" ? city.id : tree.nodes.values.first { $0.name == region }?.id
            return id.flatMap { row?.cells[$0] }
        }
        func percent(_ cell: PlanService.Cell?) -> String? { cell?.figure?.progress.map(Figures.percent) }
        // 附件1 ④ 普惠性托育“护蕾”行动: 全市 95.13% of 3900 (求和), 邵阳县 68.34% (未达序时)
        XCTAssertEqual(percent(cell("普惠性托育“护蕾”行动", "全市")), "95.13%")
        XCTAssertEqual(cell("普惠性托育“护蕾”行动", "全市")?.target, 3900)
        XCTAssertEqual(percent(cell("普惠性托育“护蕾”行动", "邵阳县")), "68.34%")
        XCTAssertEqual(cell("普惠性托育“护蕾”行动", "邵阳县")?.status, .lagging)
        // 附件1 ① 徐特立项目: 全市 97.78% = mean of the nine counties' 形象进度 (880 / 9)
        XCTAssertEqual(percent(cell("建成县域普通高中“徐特立项目”", "全市")), "97.78%")
        XCTAssertNil(cell("建成县域普通高中“徐特立项目”", "双清区"), "双清区 has no share (/)")
        // 附件1 ⑫ 建设老年助餐服务点: 130.00%; ㉔ 饮用水: 107.78% although every county is at 100%
        XCTAssertEqual(percent(cell("建设老年助餐服务点", "全市")), "130.00%")
        XCTAssertEqual(percent(cell("农村千人以上集中式饮用水水源地突出环境问题整治", "全市")), "107.78%")
        XCTAssertEqual(percent(cell("家庭教育指导服务“向阳花”行动", "全市", indicator: "线上线下服务人数")), "254.57%")
        // 附件3 (市定): 化解超期安置 29.34%, the one indicator below schedule
        guard let cityPlan = plans.first(where: { $0.planLevel == .city && $0.year.year == 2024 }),
              let cityBrowser = try await service.browse(planID: try cityPlan.requireID(), scopeRegionID: city.id, tree: tree) else {
            return XCTFail("city plan missing")
        }
        XCTAssertEqual(cityBrowser.summary.indicators, 14)
        XCTAssertEqual(cityBrowser.summary.counts.lagging, 1)
        let resettlement = cityBrowser.items.flatMap(\.projects).first { $0.name == "化解超期安置3200户" }?.indicators.first?.cells[city.id]
        XCTAssertEqual(resettlement?.figure?.progress.map(Figures.percent), "29.34%")
        // reference 001: Shaodong's three 2023 plans, with text targets kept as notes
        let shaodong2023 = plans.filter { $0.year.year == 2023 }
        XCTAssertEqual(Set(shaodong2023.map(\.planLevel)), [.province, .city, .county])
        let notes = try await Target.query(on: app.db).filter(\.$targetNote != nil).all().compactMap(\.targetNote)
        XCTAssertTrue(notes.contains("2023 年全面完成"))
        // one account per role
        let roles = try await Account.query(on: app.db).all().reduce(into: Set<Role>()) { $0.formUnion($1.roleSet) }
        XCTAssertEqual(roles, Set(Role.allCases))
        // and the demo admin sees it all on the pages
        let web = TestBrowser(app)
        try await web.signIn("admin", DemoLoader.password)
        let home = try await web.get("/")
        XCTAssertTrue(home.body.contains("2024年邵阳市省定重点民生实事"))
        XCTAssertTrue(home.body.contains("2023年邵东市市级重点民生实事"))
        XCTAssertTrue(home.body.contains("10 件实事 · 24 个项目 · 36 个指标 · 分解至 14 个区划"))
        let page = try await web.get("/plans/\(try provincial.requireID())")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.body.contains("95.13%"))
        }
    }
}

extension DemoTests {
    func testDemoTablesUseTheReferencesColumnOrder() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let tree = try await RegionService(db: app.db).tree()
            guard let city = tree.nodes.values.first(where: { $0.name == "邵阳市" }) else { return XCTFail("邵阳市 missing") }
            let plans = try await PlanService(db: app.db).visiblePlans(scopeRegionID: city.id, tree: tree)
            func columns(_ level: PlanLevel) async throws -> [String] {
                guard let plan = plans.first(where: { $0.planLevel == level && $0.year.year == 2024 }) else { return [] }
                return try await PlanService(db: app.db).browse(planID: try plan.requireID(), scopeRegionID: city.id, tree: tree)?
                    .columns.map(\.name) ?? []
            }
            // reference 000 附件1 header
            try await XCTAssertEqualAsync(try await columns(.province), ["全市", "双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县",
                                                                         "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "经开区", "武冈市", "市本级"])
            // reference 000 附件3 header (市本级 first, 经开区 last)
            try await XCTAssertEqualAsync(try await columns(.city), ["全市", "市本级", "双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县",
                                                                     "隆回县", "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "武冈市", "经开区"])
        }
    }
}

/// A region's share decomposed again among its own children (hand-made figures).
final class DecompositionTests: XCTestCase {
    func testADistrictsShareDecomposedToItsTownsAggregatesAndCanBeDrilledInto() async throws {
        try await TestApp.run { app in
            let f = try await Fixture.load(into: app)
            // given 双清区's share (4) decomposed to two towns (2 + 3 — need not add up), each reporting in October
            let regions = RegionService(db: app.db)
            let townA = try await regions.create(name: "东风路街道", kind: .township, code: nil, parentID: f.shuangqing, by: nil).requireID()
            let townB = try await regions.create(name: "渡头桥镇", kind: .township, code: nil, parentID: f.shuangqing, by: nil).requireID()
            guard let indicator = try await Indicator.query(on: app.db).join(Project.self, on: \Indicator.$project.$id == \Project.$id)
                .join(Item.self, on: \Project.$item.$id == \Item.$id).filter(Item.self, \.$plan.$id == f.cityPlan).first() else {
                return XCTFail("indicator missing")
            }
            let indicatorID = try indicator.requireID()
            try await Target(indicatorID: indicatorID, regionID: townA, target: 2, sortOrder: 10).create(on: app.db)
            try await Target(indicatorID: indicatorID, regionID: townB, target: 3, sortOrder: 11).create(on: app.db)
            for (town, quantity, month) in [(townA, 2.0, 10), (townB, 1.0, 10)] {
                try await ProgressReport(indicatorID: indicatorID, regionID: town, month: month, quantity: quantity, progress: nil, note: nil,
                                         state: .submitted, reportedBy: nil, submittedAt: Date()).create(on: app.db)
            }
            // 大祥区 reports 6 of 6 directly
            try await ProgressReport(indicatorID: indicatorID, regionID: f.daxiang, month: 10, quantity: 6, progress: nil, note: nil,
                                     state: .submitted, reportedBy: nil, submittedAt: Date()).create(on: app.db)
            // written past the services, so the stored figures are recomputed here
            try await FigureStore.refresh(indicatorIDs: [indicatorID], on: app.db)
            let tree = try await regions.tree()
            let service = PlanService(db: app.db)
            // when the city views its plan: 双清区 = (2 + 1) / 4 = 75%; 全市 = (3 + 6) / 10 = 90% (hand calculation)
            guard let city = try await service.browse(planID: f.cityPlan, scopeRegionID: f.city, tree: tree) else { return XCTFail("no plan") }
            let row = city.items.first?.projects.first?.indicators.first
            XCTAssertEqual(row?.cells[f.shuangqing]?.figure?.progress, 75)
            XCTAssertEqual(row?.cells[f.city]?.figure?.progress, 90)
            XCTAssertEqual(city.columns.first { $0.regionID == f.shuangqing }?.hasChildren, true)
            XCTAssertEqual(city.columns.first { $0.regionID == f.daxiang }?.hasChildren, false)
            // then drilling into 双清区 shows its towns: 2/2 = 100%, 1/3 = 33.33%
            guard let drill = try await service.browse(planID: f.cityPlan, scopeRegionID: f.city, tree: tree, focusRegionID: f.shuangqing) else {
                return XCTFail("no drill-down")
            }
            XCTAssertEqual(drill.columns.map(\.name), ["全区", "东风路街道", "渡头桥镇"])
            let towns = drill.items.first?.projects.first?.indicators.first
            XCTAssertEqual(towns?.cells[townA]?.figure?.progress.map(Figures.percent), "100.00%")
            XCTAssertEqual(towns?.cells[townB]?.figure?.progress.map(Figures.percent), "33.33%")
            XCTAssertEqual(towns?.cells[townB]?.status, .lagging)
            // and 双清区's own admin sees the same drill-down from its plan page
            let browser = TestBrowser(app)
            try await browser.signIn("sq_admin")
            let page = try await browser.get("/plans/\(f.cityPlan)")
            XCTAssertTrue(page.body.contains("东风路街道") && page.body.contains("75.00%"))
            XCTAssertFalse(page.body.contains("大祥区"))
        }
    }
}
