import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// Imports are all or nothing, every problem named by row and column, in Chinese.
final class ImportTests: XCTestCase {
    /// The text as GB18030 bytes, as WPS and Excel save CSV on Chinese Windows.
    static func gb18030(_ text: String) -> Data { TextDecoding.encodeGB18030(text) ?? Data() }

    static let city = "%E9%82%B5%E9%98%B3%E5%B8%82"  // 邵阳市

    func count(_ app: Application) async throws -> [Int] {
        [try await ProgressReport.query(on: app.db).count(), try await ProgressHistory.query(on: app.db).count(),
         try await Target.query(on: app.db).count(), try await Region.query(on: app.db).count()]
    }

    func testBadProgressFilesAreRefusedWithEveryProblemNamedAndNothingWritten() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            let before = try await count(app)
            let header = ProgressFile.header.joined(separator: ",")
            let good = "2024-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,270,,"
            let cases: [(String, String, [String])] = [
                ("unknown region", "\(header)\n\(good)\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,火星区,1,,",
                 ["第 3 行，“行政区划”列：“火星区”不是邵阳市的下级行政区划。"]),
                ("unknown indicator", "\(header)\n2024-11,普惠性托育“护蕾”行动,不存在的指标,双清区,1,,",
                 ["第 2 行，“指标任务”列：计划中没有项目“普惠性托育“护蕾”行动”的指标“不存在的指标”。"]),
                ("duplicate rows", "\(header)\n\(good)\n\(good)", ["第 3 行，“行政区划”列：与第 2 行重复（同一月份、指标和行政区划）。"]),
                ("negative and non-numeric", "\(header)\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,-5,,\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,大祥区,十二,,",
                 ["第 2 行，“完成数量”列：不能为负数。", "第 3 行，“完成数量”列：应为十进制数字（如 1234 或 12.5），不接受十六进制、科学计数法等写法。"]),
                ("a file's own and the plan's problems together", "\(header)\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,火星区,1,,\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,大祥区,-2,,",
                 ["第 2 行，“行政区划”列：“火星区”不是邵阳市的下级行政区划。", "第 3 行，“完成数量”列：不能为负数。"]),
                ("over 1000%", "\(header)\n2024-11,建成县域普通高中“徐特立项目”,建成县域普通高中“徐特立项目”,邵东市,,1200%,",
                 ["第 2 行，“进度”列：进度超过 1000%，请核对。"]),
                ("no share", "\(header)\n2024-11,建成县域普通高中“徐特立项目”,建成县域普通高中“徐特立项目”,双清区,,100%,",
                 ["第 2 行，“行政区划”列：“双清区”在该指标中没有分解任务。"]),
                ("wrong header", "月份,项目,指标,区划,数量,进度,情况\n\(good)", ["第 1 行：表头应为“月份,项目名称,指标任务,行政区划,完成数量,进度,进度情况”，实际为“月份,项目,指标,区划,数量,进度,情况”。"]),
                ("missing header", "\(good)\n\(good)", []),
                ("header only", header, ["文件中没有数据行。"]),
                ("empty", "", ["文件为空。"]),
                ("wrong year", "\(header)\n2023-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,1,,", ["第 2 行，“月份”列：月份不在 2024 年内。"]),
            ]
            for (name, body, expected) in cases {
                let page = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(body.utf8), contentType: "text/csv")
                XCTAssertEqual(page.status, .unprocessableEntity, name)
                let json = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
                let details = json?["details"] as? [String] ?? []
                XCTAssertTrue((json?["reason"] as? String)?.contains("未写入任何数据") == true, name)
                if !expected.isEmpty { XCTAssertEqual(details, expected, name) } else { XCTAssertFalse(details.isEmpty, name) }
            }
            let notZip = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data("PK? no".utf8), contentType: "application/octet-stream",
                                                headers: ["X-File-Name": "progress.xlsx"])
            XCTAssertEqual(notZip.status, .unprocessableEntity)
            XCTAssertTrue(notZip.body.contains("不是有效的 XLSX 文件"))
            // 50 MB: refused on its size before it is parsed (over a real connection the body limit
            // answers 413 first; see FoundationTests' oversized-body test)
            let huge = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(repeating: 0x41, count: 50 * 1024 * 1024), contentType: "text/csv")
            XCTAssertEqual(huge.status, .unprocessableEntity)
            XCTAssertTrue(huge.body.contains("文件大小超过 20 MB"), huge.body)
            let after = try await count(app)
            XCTAssertEqual(after, before, "nothing written by any refused file")
        }
    }

    func testReimportReplacesTheMonthAndKeepsEveryChangeInTheHistory() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            let header = ProgressFile.header.joined(separator: ",")
            let first = "\(header)\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,270,,第一次\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,全市,9999,,汇总行"
            let one = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(first.utf8), contentType: "text/csv")
            XCTAssertEqual(one.status, .ok)
            XCTAssertTrue(one.body.contains("新增 1 条") && one.body.contains("忽略汇总行 1 条"), one.body)
            let second = "\(header)\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,275,,更正"
            let two = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(second.utf8), contentType: "text/csv")
            XCTAssertTrue(two.body.contains("更新 1 条"), two.body)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let indicator = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "新增普惠性托位").first()?.id)
            let reports = try await ProgressReport.query(on: app.db).filter(\.$indicator.$id == indicator).filter(\.$region.$id == shuangqing).filter(\.$month == 11).all()
            XCTAssertEqual(reports.map(\.quantity), [275])
            let history = try await ReportingService(db: app.db).history(indicatorID: indicator, regionID: shuangqing, month: 11)
            XCTAssertEqual(history.map(\.quantity), [275, 270], "newest first")
            XCTAssertEqual(history.first?.oldQuantity, 270)
            XCTAssertEqual(history.map(\.action), ["import", "import"])
            // 双清区's target is 259 (demo data invented to reproduce 103.09% in October): 275 ÷ 259 = 106.18%
            let table = try await ProgressReportService(db: app.db).table(planID: 1, scopeRegionID: shuangqing, tree: try await RegionService(db: app.db).tree(), month: 11)
            let row = table?.rows.first { $0.indicator == "新增普惠性托位" }
            XCTAssertEqual(row?.aggregate?.target, 259)
            XCTAssertEqual(row?.aggregate?.progress.map(Figures.percent), "106.18%")
        }
    }

    func testNotesKeepLineBreaksTabsAndBackslashesAsWritten() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            // a quoted CSV cell over two lines, with a tab and a backslash (PostgreSQL's bulk load escapes all three)
            let note = "已开工 3 处\n其中 1 处\t待验收\\C:\\资料"
            let file = ProgressFile.header.joined(separator: ",") + "\n2024-11,普惠性托育“护蕾”行动,新增普惠性托位,双清区,270,,\"\(note)\""
            let response = try await browser.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(file.utf8), contentType: "text/csv")
            XCTAssertEqual(response.status, .ok, response.body)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let report = try await ProgressReport.query(on: app.db).filter(\.$region.$id == shuangqing).filter(\.$month == 11).first()
            XCTAssertEqual(report?.note, note)
            let history = try await ProgressHistory.query(on: app.db).filter(\.$region.$id == shuangqing).filter(\.$month == 11).first()
            XCTAssertEqual(history?.note, note)
        }
    }

    func testUploadPageTakesGB18030AndXLSXAndChecksWhoMayImport() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let plan = "\(PlanFile.header.joined(separator: ","))\n县定,1,城市更新,口袋公园,建设口袋公园,个,进度,求和,区住建局,双清区,3\n县定,1,城市更新,口袋公园,建设口袋公园,个,进度,求和,区住建局,渡头桥街道,2\n"
            let county = TestBrowser(app)
            try await county.signIn("shuangqing", "minsheng2024")
            try await XCTAssertEqualAsync(try await county.get("/imports").status, .ok)
            // GB18030, as WPS saves it on Chinese Windows
            // A region the file names that does not exist yet is refused by row, nothing written,
            // until the office ticks the box that creates it (a typo would otherwise become a county).
            let unconfirmed = try await county.upload("/imports/plan", fields: [("region", "\(shuangqing)"), ("year", "2024")], file: Self.gb18030(plan), fileName: "计划.csv")
            XCTAssertEqual(unconfirmed.status, .unprocessableEntity)
            XCTAssertTrue(unconfirmed.body.contains("第 3 行，“行政区划”列：“渡头桥街道”不是双清区的下级行政区划"), "the row named")
            try await XCTAssertEqualAsync(try await Region.query(on: app.db).filter(\.$name == "渡头桥街道").count(), 0)
            try await XCTAssertEqualAsync(try await Plan.query(on: app.db).filter(\.$owner.$id == shuangqing).count(), 0)
            let gb = try await county.upload("/imports/plan", fields: [("region", "\(shuangqing)"), ("year", "2024"), ("createRegions", "1")],
                                             file: Self.gb18030(plan), fileName: "计划.csv")
            XCTAssertEqual(gb.status, .seeOther)
            let notice = try await county.get("/imports")
            XCTAssertTrue(notice.body.contains("新建行政区划：渡头桥街道"), "the new sub-district is created under 双清区")
            // A county admin cannot import for the city, nor without its token.
            let up = try await county.upload("/imports/plan", fields: [("region", "\(city)"), ("year", "2024")], file: Data(plan.utf8), fileName: "p.csv")
            XCTAssertEqual(up.status, .notFound)
            let forged = try await county.upload("/imports/plan", fields: [("region", "\(shuangqing)"), ("year", "2024")], file: Data(plan.utf8), fileName: "p.csv", csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            // An .xlsx made from the downloadable template imports like the CSV.
            let template = try await county.get("/imports/templates/progress.xlsx")
            XCTAssertEqual(template.status, .ok)
            XCTAssertEqual(try XLSXReader.rows(template.data).first, ProgressFile.header)
            var sheet = Workbook.Sheet(name: "进度")
            sheet.rows = [ProgressFile.header.map { .text($0) }, ["2024-11", "口袋公园", "建设口袋公园", "渡头桥街道", "1", "", "已开工"].map { .text($0) }]
            let xlsx = try await county.upload("/imports/progress", fields: [("region", "\(shuangqing)"), ("year", "2024")], file: try Workbook(sheets: [sheet]).data(), fileName: "进度.xlsx")
            XCTAssertEqual(xlsx.status, .seeOther)
            let count = try await ProgressReport.query(on: app.db).filter(\.$month == 11).count()
            XCTAssertEqual(count, 1)
            // A bad upload shows the problems on the page, in Chinese, with 422.
            let bad = try await county.upload("/imports/progress", fields: [("region", "\(shuangqing)"), ("year", "2024")], file: Data("a,b\n1,2".utf8), fileName: "x.csv")
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.contains("导入失败，未写入任何数据") && bad.body.contains("表头应为"))
            // A reporter may not import.
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            try await XCTAssertEqualAsync(try await reporter.get("/imports").status, .forbidden)
            let api = try await reporter.post("/api/imports/progress?region=\(Self.city)&year=2024", data: Data(plan.utf8), contentType: "text/csv")
            XCTAssertEqual(api.status, .forbidden)
        }
    }
}

/// Monthly reporting: drafts, submissions, returns, closing and reopening, and who may do what.
final class ReportingTests: XCTestCase {
    func testDraftSubmitReturnCloseAndReopen() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let db = app.db
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "邵东市").first()?.id)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "双清区").first()?.id)
            let school = try await XCTUnwrapAsync(try await Indicator.query(on: db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let nursery = try await XCTUnwrapAsync(try await Indicator.query(on: db).filter(\.$name == "新增普惠性托位").first()?.id)
            let resolved = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let plan = resolved.planID
            func shaodongSchool(_ month: Int) async throws -> String? {
                let tree = try await RegionService(db: db).tree()
                let table = try await ProgressReportService(db: db).table(planID: plan, scopeRegionID: resolved.regionID, tree: tree, month: month)
                let row = table?.rows.first { $0.indicatorID == school }
                return table.flatMap { t in t.columns.firstIndex(of: "邵东市").flatMap { row?.regions[$0]?.progress.map(Figures.percent) } }
            }
            // October: 100% (reference 000 附件1); November has no report yet, so October's figure stands.
            let october = try await shaodongSchool(10)
            XCTAssertEqual(october, "100.00%")

            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let grid = try await reporter.get("/reporting?plan=\(plan)&month=11")
            XCTAssertEqual(grid.status, .ok)
            XCTAssertTrue(grid.body.contains("q_\(school)_\(shaodong)"), "the reporter's own share is in its grid")
            XCTAssertFalse(grid.body.contains("_\(shuangqing)\""), "no other region's shares")
            let path = "/reporting/\(plan)/11"
            func fields(_ progress: String, action: String) -> [(String, String)] {
                // below October's 100%: a reason is asked for (DecreaseTests)
                [("q_\(school)_\(shaodong)", ""), ("p_\(school)_\(shaodong)", progress), ("n_\(school)_\(shaodong)", "整改中"),
                 ("r_\(school)_\(shaodong)", "附属设施整改，重新核定形象进度"), ("action", action)]
            }
            // Bad figures: nothing saved.
            for bad in ["1200", "-1", "九十"] {
                let page = try await reporter.post(path, fields(bad, action: "save"))
                XCTAssertEqual(page.status, .unprocessableEntity, bad)
            }
            try await XCTAssertEqualAsync(try await ProgressReport.query(on: db).filter(\.$month == 11).count(), 0)
            // Someone else's figure: refused whole.
            let foreign = try await reporter.post(path, fields("95", action: "save") + [("q_\(nursery)_\(shuangqing)", "1"), ("p_\(nursery)_\(shuangqing)", ""), ("n_\(nursery)_\(shuangqing)", "")])
            XCTAssertEqual(foreign.status, .notFound)
            try await XCTAssertEqualAsync(try await ProgressReport.query(on: db).filter(\.$month == 11).count(), 0)
            // A draft does not count.
            try await XCTAssertEqualAsync(try await reporter.post(path, fields("95", action: "save")).status, .seeOther)
            let draftFigure = try await shaodongSchool(11)
            XCTAssertEqual(draftFigure, "100.00%", "the draft is not in the table; October's figure stands")
            // Submitted, it counts.
            try await XCTAssertEqualAsync(try await reporter.post(path, fields("95", action: "submit")).status, .seeOther)
            let submittedFigure = try await shaodongSchool(11)
            XCTAssertEqual(submittedFigure, "95.00%")
            try await XCTAssertEqualAsync(try await reporter.get("/reporting/\(plan)/11/status").status, .forbidden, "reporters do not see the office's page")

            // 双清区's admin is not above 邵东市: the report is not even found.
            let county = TestBrowser(app)
            try await county.signIn("shuangqing", "minsheng2024")
            let sideways = try await county.post("/reporting/\(plan)/11/return", [("indicator", "\(school)"), ("region", "\(shaodong)"), ("reason", "数据有误")])
            XCTAssertEqual(sideways.status, .notFound)
            // The city office returns it, with a reason.
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let status = try await office.get("/reporting/\(plan)/11/status")
            XCTAssertTrue(status.body.contains("尚未报送的单位"))
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(plan)/11/return", [("indicator", "\(school)"), ("region", "\(shaodong)"), ("reason", " ")]).status, .unprocessableEntity)
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(plan)/11/return", [("indicator", "\(school)"), ("region", "\(shaodong)"), ("reason", "佐证不足，请核实")]).status, .seeOther)
            let returnedFigure = try await shaodongSchool(11)
            XCTAssertEqual(returnedFigure, "100.00%", "a returned figure does not count")
            let regrid = try await reporter.get("/reporting?plan=\(plan)&month=11")
            XCTAssertTrue(regrid.body.contains("退回原因：佐证不足，请核实"))

            // Closed: locked for the reporter and for imports; reopening needs a reason and is recorded.
            // Closing asks first: the page shows how many figures are missing, and closing must say it saw that many.
            let beforeClosing = try await office.get("/reporting/\(plan)/11/status")
            let shown = try XCTUnwrap(beforeClosing.body.range(of: "name=\"missing\" value=\"").map { range in
                String(beforeClosing.body[range.upperBound...].prefix { $0.isNumber })
            })
            let missingCount = try XCTUnwrap(Int(shown))
            XCTAssertGreaterThan(missingCount, 0, "most of November is not reported")
            XCTAssertTrue(beforeClosing.body.contains("我已核对，仍有 \(missingCount) 条未报送，确认关账"))
            let blind = try await office.post("/reporting/\(plan)/11/close", [])
            XCTAssertEqual(blind.status, .conflict, "a close that did not see the missing figures is refused")
            XCTAssertTrue(blind.body.contains("未关账：仍有 \(missingCount) 条未报送"))
            try await XCTAssertEqualAsync(try await PlanMonth.isClosed(planID: plan, month: 11, on: db), false)
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(plan)/11/close", [("missing", shown), ("confirm", "1")]).status, .seeOther)
            try await XCTAssertEqualAsync(try await reporter.post(path, fields("96", action: "submit")).status, .conflict)
            let csv = "\(ProgressFile.header.joined(separator: ","))\n2024-11,建成县域普通高中“徐特立项目”,建成县域普通高中“徐特立项目”,邵东市,,96%,"
            let imported = try await office.post("/api/imports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024", data: Data(csv.utf8), contentType: "text/csv")
            XCTAssertEqual(imported.status, .unprocessableEntity)
            XCTAssertTrue(imported.body.contains("11 月已关账"))
            try await XCTAssertEqualAsync(try await ProgressReport.query(on: db).filter(\.$month == 11).first()?.progress, 95)
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(plan)/11/reopen", [("reason", "")]).status, .unprocessableEntity)
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(plan)/11/reopen", [("reason", "邵东市更正徐特立项目进度")]).status, .seeOther)
            let audit = try await AuditEvent.query(on: db).filter(\.$action == "month.reopen").all()
            XCTAssertEqual(audit.map(\.detail), ["重新开放：邵东市更正徐特立项目进度"])
            try await XCTAssertEqualAsync(try await reporter.post(path, fields("96", action: "submit")).status, .seeOther)

            let history = try await ReportingService(db: db).history(indicatorID: school, regionID: shaodong, month: 11)
            XCTAssertEqual(history.map(\.action), ["submit", "return", "submit", "save"], "newest first")
            XCTAssertEqual(history[1].reason, "佐证不足，请核实")
            XCTAssertNotNil(history[1].$account.id)
            XCTAssertEqual(history.first?.oldProgress, 95)
            XCTAssertEqual(history.first?.progress, 96)
        }
    }

    func testAPlansOwnScheduleChangesTheStatuses() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let bad = try await office.post("/reporting/\(resolved.planID)/10/schedule", [("schedule", "13:50")])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            try await XCTAssertEqualAsync(try await office.post("/reporting/\(resolved.planID)/10/schedule", [("schedule", "10:90")]).status, .seeOther)
            let table = try await ProgressReportService(db: app.db).table(planID: resolved.planID, scopeRegionID: resolved.regionID, tree: resolved.tree, month: 10)
            XCTAssertEqual(table?.schedule.map(Figures.percent), "90.00%")
            // reference 000 附件1: 新增普惠性托位 95.13% stays on schedule; 基层防灾 县市区级 85% falls behind 90%
            XCTAssertEqual(table?.rows.first { $0.indicator == "新增普惠性托位" }?.aggregate?.status, .onSchedule)
            XCTAssertEqual(table?.rows.first { $0.indicator == "县市区级" }?.aggregate?.status, .lagging)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            try await XCTAssertEqualAsync(try await reporter.post("/reporting/\(resolved.planID)/10/schedule", [("schedule", "10:50")]).status, .forbidden)
            try await XCTAssertEqualAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "plan.schedule").count(), 1)
        }
    }
}
