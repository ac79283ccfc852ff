import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// Progress against the schedule, rebuilt from the references, and the bulletin's lists.
final class ReferenceProgressTests: XCTestCase {
    /// Reference 000 附件1 and 附件3: every printed percentage at the end of October, 全市 and each
    /// district, and each one's status against 序时进度 83.33%.
    func testEveryDistrictsFigureAndStatusAtTheEndOfOctoberAsReference000PrintsThem() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let service = ProgressReportService(db: app.db)
            var tables: [String: ProgressTable] = [:]
            for (attachment, level) in [("附件1", PlanLevel.province), ("附件3", .city)] {
                let resolved = try await service.resolve(regionName: "邵阳市", year: 2024, level: level)
                tables[attachment] = try await service.table(planID: resolved.planID, scopeRegionID: resolved.regionID, tree: resolved.tree, month: 10)
            }
            XCTAssertEqual(tables["附件1"].flatMap { $0.schedule.map(Figures.percent) }, "83.33%")
            var checked = 0
            for printed in Reference000.rows {
                guard let table = tables[printed.attachment],
                      let row = table.rows.first(where: { $0.projectName == printed.project && $0.indicator == printed.indicator }) else {
                    XCTFail("\(printed.attachment) \(printed.project) / \(printed.indicator) missing"); continue
                }
                let figure: ProgressTable.Figure?
                if printed.region == "全市" {
                    figure = row.aggregate
                } else {
                    figure = table.columns.firstIndex(of: printed.region).flatMap { row.regions[$0] }
                }
                let where_ = "\(printed.attachment) \(printed.indicator) \(printed.region)"
                XCTAssertEqual(figure?.progress.map(Figures.percent), printed.percent, where_)
                // The status a reader of the bulletin derives from the printed figure.
                let value = Decimal(string: String(printed.percent.dropLast())) ?? 0
                let expected: ProgressStatus = value >= 100 ? .completed : value >= Decimal(string: "83.34")! ? .onSchedule : .lagging
                XCTAssertNotEqual(printed.percent, "83.33%", "no printed figure sits on the rounded schedule")
                XCTAssertEqual(figure?.status, expected, where_)
                checked += 1
            }
            XCTAssertEqual(checked, 555, "every transcribed cell was compared")
            // 附件1 prints 全市 for each row; the regions with a share are listed and the rest are "/"
            let xutely = try XCTUnwrap(tables["附件1"]?.rows.first)
            XCTAssertNil(xutely.regions[0], "双清区 has no share in 徐特立项目 (printed /)")
            XCTAssertEqual(tables["附件1"]?.rows(with: .lagging).count, 0)
            XCTAssertEqual(tables["附件3"]?.rows(with: .lagging).map(\.indicator), ["化解超期安置3200户"])
        }
    }

    /// Reference 002 附件1–3: 25 completed, 19 at ≥ 75% (on schedule at the end of September),
    /// 1 below, rebuilt from a plan and progress imported for 湘乡市.
    func testTheThreeListsOfReference002() async throws {
        try await TestApp.run { app in
            var plan: [[String]] = [PlanFile.header]
            var progress: [[String]] = [ProgressFile.header]
            for (index, row) in Reference002.rows.enumerated() {
                let level = row.category == "省实事" ? "省定" : "市定"
                plan.append([level, "\(index + 1)", row.name, row.name, row.name, "", "进度", "求和", row.lead, "湘乡市", row.target])
                progress.append(["2024-09", row.name, row.name, "湘乡市", row.quantity ?? "", row.quantity == nil ? row.printed + "%" : "", ""])
            }
            let importer = PlanImporter(db: app.db)
            _ = try await importer.importPlan(try PlanFile.parse(rows: plan), regionName: "湘乡市", year: 2024, createRegions: true, by: nil)
            let summary = try await importer.importProgress(try ProgressFile.parse(rows: progress), regionName: "湘乡市", year: 2024, by: nil)
            XCTAssertEqual(summary.written, 45, "the county's own rows are its figures: nothing is decomposed below it")
            XCTAssertEqual(summary.aggregateRowsIgnored, 0)

            let service = ProgressReportService(db: app.db)
            var completed: [String] = [], onSchedule: [String] = [], lagging: [String] = []
            var atLeast75 = 0, below75 = 0
            var percents: [String: String] = [:]
            for level in [PlanLevel.province, .city] {
                let resolved = try await service.resolve(regionName: "湘乡市", year: 2024, level: level)
                let found = try await service.table(planID: resolved.planID, scopeRegionID: resolved.regionID, tree: resolved.tree, month: 9)
                let table = try XCTUnwrap(found)
                XCTAssertEqual(table.schedule.map(Figures.percent), "75.00%", "9/12")
                completed += table.rows(with: .completed).map(\.indicator)
                onSchedule += table.rows(with: .onSchedule).map(\.indicator)
                lagging += table.rows(with: .lagging).map(\.indicator)
                atLeast75 += table.summary.atLeast75
                below75 += table.summary.below75
                for row in table.rows { percents[row.indicator] = row.aggregate?.progress.map(Figures.percent) }
            }
            XCTAssertEqual(Set(completed), Set(Reference002.rows.filter { $0.list == 1 }.map(\.name)))
            XCTAssertEqual(Set(onSchedule), Set(Reference002.rows.filter { $0.list == 2 }.map(\.name)))
            XCTAssertEqual(lagging, Reference002.rows.filter { $0.list == 3 }.map(\.name))
            XCTAssertEqual([completed.count, onSchedule.count, lagging.count], [25, 19, 1])
            XCTAssertEqual([atLeast75, below75], [19, 1])
            // Hand calculations from the document's task and quantity:
            XCTAssertEqual(percents["困难老年人家庭适老化改造（户）"], "114.96%")   // 607 ÷ 528 = 1.149621…
            XCTAssertEqual(percents["农村公路提质改造（公里）"], "103.35%")          // 27.904 ÷ 27 = 1.033481…
            XCTAssertEqual(percents["恢复和改善灌溉面积（万亩）"], "96.15%")        // 5 ÷ 5.2 = 0.961538…
            XCTAssertEqual(percents["农村公路安防建设（公里）"], "75.10%")          // 99.278 ÷ 132.2 = 0.750968…
            XCTAssertEqual(percents["安装智能化独立感烟报警器（户）"], "75.33%")     // 1130 ÷ 1500
            XCTAssertEqual(percents["新增上线“高效办成一件事”（个）"], "75.00%")      // exactly on schedule counts as on schedule
        }
    }

    /// The normative JSON report over HTTP, and the CSV and XLSX of the same table.
    func testProgressReportJSONCSVAndXLSX() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            let page = try await browser.get("/api/reports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024&month=2024-10")
            XCTAssertEqual(page.status, .ok)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            XCTAssertEqual(json["region"] as? String, "邵阳市")
            XCTAssertEqual(json["month"] as? String, "2024-10")
            XCTAssertEqual(json["schedule"] as? Double, 83.33)
            let summary = try XCTUnwrap(json["summary"] as? [String: Any])
            // the keys the report always had, then the project counts (hand-counted in CountingRuleTests) and the rule
            XCTAssertEqual(summary.compactMapValues { $0 as? Int }, ["items": 10, "projects": 24, "indicators": 36, "completed": 20, "on_schedule": 16, "lagging": 0,
                                                               "projects_completed": 14, "projects_on_schedule": 10, "projects_lagging": 0,
                                                               "region_projects": 263, "region_projects_lagging": 4])
            XCTAssertEqual(summary["completion_rule"] as? String, "aggregate")
            XCTAssertTrue(page.body.contains("\"lagging\": 0,\n    \"projects_completed\""), "new keys after the old ones")
            XCTAssertTrue(page.body.hasPrefix("{\n  \"region\": \"邵阳市\",\n  \"month\": \"2024-10\",\n  \"schedule\": 83.33,\n  \"summary\""),
                          "keys in the normative order")
            let indicators = try XCTUnwrap(json["indicators"] as? [[String: Any]])
            let nursery = try XCTUnwrap(indicators.first { $0["indicator"] as? String == "新增普惠性托位" })
            // reference 000 附件1: 3900 places, 95.13%
            XCTAssertEqual(nursery["target"] as? Double, 3900)
            XCTAssertEqual(nursery["progress"] as? Double, 95.13)
            XCTAssertEqual(nursery["status"] as? String, "on_schedule")
            XCTAssertEqual(nursery["unit"] as? String, "个")
            let regions = try XCTUnwrap(nursery["regions"] as? [[String: Any]])
            XCTAssertEqual(regions.map { $0["region"] as? String ?? "" },
                           ["双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "武冈市"],
                           "every child with a share, in the plan's order; 经开区 and 市本级 have none (/)")
            let shaoyangCounty = try XCTUnwrap(regions.first { $0["region"] as? String == "邵阳县" })
            XCTAssertEqual(shaoyangCounty["progress"] as? Double, 68.34)
            XCTAssertEqual(shaoyangCounty["status"] as? String, "lagging")
            let xutely = try XCTUnwrap(indicators.first)
            XCTAssertTrue(xutely["quantity"] is NSNull, "形象进度 has no quantity")

            let csv = try await browser.get("/api/reports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024&month=2024-10&format=csv")
            XCTAssertEqual(csv.headers.contentType?.subType, "csv")
            XCTAssertTrue(csv.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
            let lines = try CSVReader.rows(csv.body)
            XCTAssertEqual(lines[2].prefix(8), ["序号", "实事名称", "项目名称", "指标任务", "单位", "推进情况", "全市", "双清区"])
            let nurseryProgress = try XCTUnwrap(lines.first { $0.count > 6 && $0[3] == "新增普惠性托位" && $0[5] == "进度" })
            XCTAssertEqual(nurseryProgress[6], "95.13%")
            XCTAssertEqual(lines.first { $0.count > 6 && $0[3] == "新增普惠性托位" && $0[5] == "指标" }?[6], "3900")

            let xlsx = try await browser.get("/api/reports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024&month=2024-10&format=xlsx")
            XCTAssertEqual(xlsx.status, .ok)
            let rows = try XLSXReader.rows(xlsx.data)
            XCTAssertEqual(rows.first?.first, "2024年邵阳市省定重点民生实事 1-10 月工作进度表")
            let sheetRow = try XCTUnwrap(rows.first { $0.count > 6 && $0[3] == "新增普惠性托位" })
            XCTAssertEqual(sheetRow[6], "3900")

            // Bad requests answer in Chinese with the right status.
            let noMonth = try await browser.get("/api/reports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024&month=2024-13")
            XCTAssertEqual(noMonth.status, .badRequest)
            XCTAssertTrue(noMonth.body.contains("YYYY-MM"))
            let unknown = try await browser.get("/api/reports/progress?region=%E4%B8%8D%E5%AD%98%E5%9C%A8&year=2024&month=2024-10")
            XCTAssertEqual(unknown.status, .notFound)
        }
    }

    /// A district account reads only its own share; another district's report is not found.
    func testReportsFollowTheAccountsScope() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let browser = TestBrowser(app)
            try await browser.signIn("shuangqing", "minsheng2024")
            let own = try await browser.get("/api/reports/progress?region=%E5%8F%8C%E6%B8%85%E5%8C%BA&year=2024&month=2024-10")
            XCTAssertEqual(own.status, .ok)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(own.body.utf8)) as? [String: Any])
            XCTAssertEqual(json["region"] as? String, "双清区")
            let other = try await browser.get("/api/reports/progress?region=%E9%82%B5%E4%B8%9C%E5%B8%82&year=2024&month=2024-10")
            XCTAssertEqual(other.status, .notFound, "邵东市 is outside 双清区's scope")
            let city = try await browser.get("/api/reports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024&month=2024-10")
            XCTAssertEqual(city.status, .notFound)
        }
    }
}
