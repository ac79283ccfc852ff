import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// Plans edited in the app, on a small city worked by hand: 测试市 with 甲县 (towns 甲镇, 乙镇)
/// and 乙县; one indicator 建设口袋公园 (个, 求和) decomposed 100 → 甲县 50 + 乙县 40 (the sum 90 is
/// 10 short of the city's own target, allowed and said).
final class PlanEditingTests: XCTestCase {
    struct Fixture {
        var tree: RegionTree
        var city: Int, jia: Int, yi: Int, jiaTown: Int, yiTown: Int
        var office: Actor, county: Actor
    }

    func fixture(_ app: Application) async throws -> Fixture {
        let regions = RegionService(db: app.db)
        let province = try await regions.create(name: "测试省", kind: .province, code: nil, parentID: nil, by: nil).requireID()
        let city = try await regions.create(name: "测试市", kind: .city, code: nil, parentID: province, by: nil).requireID()
        let jia = try await regions.create(name: "甲县", kind: .county, code: nil, parentID: city, by: nil).requireID()
        let yi = try await regions.create(name: "乙县", kind: .county, code: nil, parentID: city, by: nil).requireID()
        let jiaTown = try await regions.create(name: "甲镇", kind: .township, code: nil, parentID: jia, by: nil).requireID()
        let yiTown = try await regions.create(name: "乙镇", kind: .township, code: nil, parentID: jia, by: nil).requireID()
        let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
        func account(_ name: String, _ region: Int) async throws -> Actor {
            let id = try await accounts.create(.init(username: name, displayName: name + "办", password: "Passw0rd-editing", regionID: region, unitID: nil,
                                                     roles: [.admin], mustChangePassword: false), by: nil).requireID()
            return Actor(accountID: id, regionID: region, unitID: nil, roles: [.admin])
        }
        let office = try await account("pe_city", city)
        let county = try await account("pe_county", jia)
        return Fixture(tree: try await regions.tree(), city: city, jia: jia, yi: yi, jiaTown: jiaTown, yiTown: yiTown, office: office, county: county)
    }

    /// A plan with one indicator, made through the editor.
    func plan(_ app: Application, _ f: Fixture, approver: AdjustmentApprover = .owner) async throws -> (plan: Int, indicator: Int) {
        let editor = PlanEditor(db: app.db)
        let plan = try await editor.create(.init(year: 2024, level: .city, ownerRegionID: f.city, title: "2024年测试市市定重点民生实事", approver: approver),
                                           actor: f.office, tree: f.tree).requireID()
        try await editor.addItem(planID: plan, name: "建设宜居城市", actor: f.office, tree: f.tree)
        let item = try await XCTUnwrapAsync(try await Item.query(on: app.db).filter(\.$plan.$id == plan).first()?.id)
        try await editor.addProject(planID: plan, itemID: item, name: "口袋公园", actor: f.office, tree: f.tree)
        let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$item.$id == item).first()?.id)
        let indicator = try await editor.addIndicator(planID: plan, projectID: project,
                                                      .init(name: "建设口袋公园", unitLabel: "个", kind: .quantity, rule: .sum, leadUnit: "市住建局",
                                                            acceptanceStandard: "建成并向公众开放，有管护制度。"), actor: f.office, tree: f.tree)
        return (plan, indicator)
    }

    func cell(_ table: ProgressTable, _ indicator: Int, _ region: Int) throws -> ProgressTable.Figure? {
        let row = try XCTUnwrap(table.rows.first { $0.indicatorID == indicator })
        guard let index = table.columnIDs.firstIndex(of: region) else { return nil }
        return row.regions[index]
    }

    func testCreateDecomposeAdoptAdjustApproveFromJuly() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let (plan, indicator) = try await plan(app, f)
            let grids = PlanDecomposition(db: app.db)

            // Decompose: 100 for the city, 50 + 40 below. The grid says the sum is 10 short, and keeps it.
            var grid = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.city, actor: f.office, tree: f.tree)
            XCTAssertEqual(grid.pasteOrder, [f.city, f.jia, f.yi])
            let saved = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city,
                                             entries: [.init(regionID: f.city, target: "100"), .init(regionID: f.jia, target: "50", unit: "甲县住建局"),
                                                       .init(regionID: f.yi, target: "40", unit: "乙县住建局")],
                                             reason: nil, actor: f.office, tree: f.tree)
            XCTAssertEqual(saved, .saved(changed: 3))
            grid = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.city, actor: f.office, tree: f.tree)
            XCTAssertEqual(grid.cells.map(\.target), [50, 40])
            XCTAssertEqual(grid.cells.map(\.unitName), ["甲县住建局", "乙县住建局"])
            // By hand: 50 + 40 = 90 against 100.
            XCTAssertEqual(grid.sum.difference, -10)
            XCTAssertEqual(grid.sum.sentence, "下级合计 90，本级目标任务 100：下级合计少 10（允许不等，请确认）。")

            // Adopt; from now on a changed target is a proposal, and a plan file no longer overwrites the plan.
            try await PlanEditor(db: app.db).adopt(planID: plan, actor: f.office, tree: f.tree)
            var file: [[String]] = [PlanFile.header]
            file.append(["市定", "1", "建设宜居城市", "口袋公园", "建设口袋公园", "个", "进度", "求和", "市住建局", "乙县", "60"])
            do {
                _ = try await PlanImporter(db: app.db).importPlan(try PlanFile.parse(rows: file), regionName: "测试市", year: 2024, by: nil)
                XCTFail("an adopted plan is not overwritten by a file")
            } catch let error as ServiceError {
                XCTAssertTrue(error.message.contains("已经通过"), error.message)
            }

            // Figures: June 甲县 20, 乙县 20; July 甲县 25, 乙县 30.
            var progress: [[String]] = [ProgressFile.header]
            for (month, jia, yi) in [(6, "20", "20"), (7, "25", "30")] {
                let m = String(format: "2024-%02d", month)
                progress += [[m, "口袋公园", "建设口袋公园", "甲县", jia, "", ""], [m, "口袋公园", "建设口袋公园", "乙县", yi, "", ""]]
            }
            _ = try await PlanImporter(db: app.db).importProgress(try ProgressFile.parse(rows: progress), regionName: "测试市", year: 2024, by: nil)

            // The adjustment: 乙县 40 → 50 and the city 100 → 120, without a reason refused, with one proposed.
            let entries: [PlanDecomposition.Entry] = [.init(regionID: f.city, target: "120"), .init(regionID: f.jia, target: "50", unit: "甲县住建局"),
                                                      .init(regionID: f.yi, target: "50", unit: "乙县住建局")]
            do {
                _ = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city, entries: entries, reason: nil, actor: f.office, tree: f.tree)
                XCTFail("an adjustment needs its reason")
            } catch let error as ServiceError {
                XCTAssertTrue(error.message.contains("调整原因"), error.message)
            }
            let proposed = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city, entries: entries, reason: "乙县追加 10 个口袋公园",
                                                actor: f.office, tree: f.tree)
            guard case .proposed(let adjustment, let approver) = proposed else { return XCTFail("proposed, not written: \(proposed)") }
            XCTAssertEqual(approver, "测试市")  // the plan says its own office approves
            // Until approved, every month still counts 40 for 乙县.
            let service = ProgressReportService(db: app.db)
            var july = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: 7))
            XCTAssertEqual(try cell(july, indicator, f.yi)?.target, 40)
            XCTAssertEqual(try cell(july, indicator, f.yi)?.progress, 75)  // 30 / 40

            // Approved from July.
            try await grids.approve(adjustmentID: adjustment, effectiveMonth: 7, actor: f.office, tree: f.tree)
            let june = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: 6))
            july = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: 7))
            let december = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: 12))
            // June, by hand: 乙县 20 / 40 = 50%; the city (20 + 20) / 100 = 40%.
            XCTAssertEqual(try cell(june, indicator, f.yi)?.target, 40)
            XCTAssertEqual(try cell(june, indicator, f.yi)?.progress, 50)
            let juneRow = try XCTUnwrap(june.rows.first { $0.indicatorID == indicator })
            XCTAssertEqual(juneRow.aggregate?.target, 100)
            XCTAssertEqual(juneRow.aggregate?.progress, 40)
            // July, by hand: 乙县 30 / 50 = 60%; the city (25 + 30) / 120 = 45.833…% → 45.83%.
            XCTAssertEqual(try cell(july, indicator, f.yi)?.target, 50)
            XCTAssertEqual(try cell(july, indicator, f.yi)?.progress, 60)
            let julyRow = try XCTUnwrap(july.rows.first { $0.indicatorID == indicator })
            XCTAssertEqual(julyRow.aggregate?.target, 120)
            XCTAssertEqual(julyRow.aggregate?.progress, Decimal(string: "45.83"))
            // December (figures carried from July): the new targets.
            XCTAssertEqual(try cell(december, indicator, f.yi)?.target, 50)
            XCTAssertEqual(try cell(december, indicator, f.yi)?.progress, 60)
            // Months 1–6 old, 7–12 new, month by month.
            for month in 1...12 {
                let table = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: month))
                XCTAssertEqual(try cell(table, indicator, f.yi)?.target, month < 7 ? 40 : 50, "乙县 in month \(month)")
            }

            // The history shows the version: before 40, after 50, approved from July.
            let records = try await grids.records(planID: plan, tree: f.tree)
            XCTAssertEqual(records.count, 1)
            XCTAssertEqual(records.first?.state, .approved)
            XCTAssertEqual(records.first?.effectiveMonth, 7)
            XCTAssertEqual(records.first?.lines.map(\.regionName), ["测试市", "乙县"])
            XCTAssertEqual(records.first?.lines.last?.before, "40，责任单位 乙县住建局")
            XCTAssertEqual(records.first?.lines.last?.after, "50，责任单位 乙县住建局")

            // A second approval of the same adjustment is refused; a later one may not start before July.
            do {
                try await grids.approve(adjustmentID: adjustment, effectiveMonth: 8, actor: f.office, tree: f.tree)
                XCTFail("approved twice")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            guard case .proposed(let second, _) = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city,
                                                                       entries: [.init(regionID: f.yi, target: "55", unit: "乙县住建局")],
                                                                       reason: "再追加", actor: f.office, tree: f.tree) else { return XCTFail("proposed") }
            do {
                try await grids.approve(adjustmentID: second, effectiveMonth: 5, actor: f.office, tree: f.tree)
                XCTFail("an adjustment before the previous one's month")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("不能早于 7 月"), error.message) }
            try await grids.returnAdjustment(adjustmentID: second, reason: "请与乙县核实", actor: f.office, tree: f.tree)
            let returned = try await XCTUnwrapAsync(try await PlanAdjustment.find(second, on: app.db))
            XCTAssertEqual(returned.state, .returned)
            let afterReturn = try await XCTUnwrapAsync(try await service.table(planID: plan, scopeRegionID: f.city, tree: f.tree, month: 12))
            XCTAssertEqual(try cell(afterReturn, indicator, f.yi)?.target, 50, "a returned adjustment changes nothing")

            // The indicator has figures: it cannot be removed, only stopped with its reason.
            do {
                try await PlanEditor(db: app.db).removeIndicator(planID: plan, indicatorID: indicator, actor: f.office, tree: f.tree)
                XCTFail("an indicator with figures removed")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("停止实施"), error.message) }
            try await PlanEditor(db: app.db).stopIndicator(planID: plan, indicatorID: indicator, reason: "并入城市更新项目", actor: f.office, tree: f.tree)
            let stopped = try await XCTUnwrapAsync(try await Indicator.find(indicator, on: app.db))
            XCTAssertEqual(stopped.stopReason, "并入城市更新项目")
            XCTAssertNotNil(stopped.stoppedAt)
            // The plan table says so beside the indicator, figures kept.
            let browsed = try await XCTUnwrapAsync(try await PlanService(db: app.db).browse(planID: plan, scopeRegionID: f.city, tree: f.tree,
                                                                                            focusRegionID: nil, month: 12))
            let row = try XCTUnwrap(browsed.items.first?.projects.first?.indicators.first)
            XCTAssertEqual(row.stopReason, "并入城市更新项目")
            XCTAssertEqual(row.cells[f.yi]?.target, 50)
        }
    }

    func testAPasteOfFourteenCellsFillsTheGridAndBadCellsAreRefusedWhole() async throws {
        // Fourteen cells as Excel copies a row: tab-separated, ending with a line break (CR LF).
        let row = ["1,200", "100", "95.5", "80", "", "70", "60", "55", "50", "45", "40", "35", "30", "25"].joined(separator: "\t") + "\r\n"
        guard case .success(let values) = GridPaste.parse(row, capacity: 14) else { return XCTFail("a good paste") }
        XCTAssertEqual(values.count, 14)
        XCTAssertEqual(values[0], 1200)
        XCTAssertEqual(values[2], 95.5)
        XCTAssertNil(values[4] ?? nil)
        // A column (one per line) reads the same way.
        guard case .success(let column) = GridPaste.parse("10\n20\n30\n", capacity: 14) else { return XCTFail("a column") }
        XCTAssertEqual(column, [10, 20, 30])
        // Text, a negative number, too many cells: refused, each named.
        guard case .failure(let bad) = GridPaste.parse("10\t十二\t-5\t0x10", capacity: 14) else { return XCTFail("bad cells") }
        XCTAssertEqual(bad.problems, ["第 2 格“十二”不是数字", "第 3 格“-5”是负数，目标任务不能为负", "第 4 格“0x10”不是数字"])
        guard case .failure(let many) = GridPaste.parse(Array(repeating: "1", count: 15).joined(separator: "\t"), capacity: 14) else { return XCTFail("too many") }
        XCTAssertEqual(many.problems, ["粘贴了 15 个单元格，而表格只有 14 格，请核对复制的范围。"])

        // Through the page: the city's grid (the city and its two counties) takes a paste; a bad one writes nothing.
        try await TestApp.run { app in
            let f = try await fixture(app)
            let (plan, indicator) = try await plan(app, f)
            let browser = TestBrowser(app)
            _ = try await browser.signIn("pe_city", "Passw0rd-editing")
            let url = SiteURL.decomposition(plan: plan, indicator: indicator, region: f.city).path
            let filled = try await browser.post(url, [("step", "paste"), ("paste", "100\t50\t40\r\n")])
            XCTAssertEqual(filled.status, .ok)
            XCTAssertTrue(filled.body.contains("name=\"target_\(f.jia)\" id=\"target_\(f.jia)\" inputmode=\"decimal\" value=\"50\""), "the paste fills 甲县")
            // Filled, not written.
            let jiaShares = try await Target.query(on: app.db).filter(\.$indicator.$id == indicator).filter(\.$region.$id == f.jia).count()
            XCTAssertEqual(jiaShares, 0)
            let refused = try await browser.post(url, [("step", "paste"), ("paste", "100\tabc\t-3\t1")])
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("粘贴了 4 个单元格，而表格只有 3 格"), "too many cells named")
            let text = try await browser.post(url, [("step", "paste"), ("paste", "100\tabc\t-3")])
            XCTAssertTrue(text.body.contains("第 2 格“abc”不是数字；第 3 格“-3”是负数"), "each bad cell named")
            // A bad typed cell refuses the whole save.
            let typed = try await browser.post(url, [("step", "save"), ("target_\(f.city)", "100"), ("target_\(f.jia)", "五十"), ("target_\(f.yi)", "40")])
            XCTAssertEqual(typed.status, .unprocessableEntity)
            XCTAssertTrue(typed.body.contains("甲县“五十”不是数字"), "the typed cell named by its region")
            let shares = try await Target.query(on: app.db).filter(\.$indicator.$id == indicator).all()
            XCTAssertEqual(shares.map(\.target), [nil], "only the owner's empty share, nothing written")
            // A good save writes the cells; an empty cell leaves its region without a share.
            let good = try await browser.post(url, [("step", "save"), ("target_\(f.city)", "100"), ("target_\(f.jia)", "50"), ("target_\(f.yi)", "")])
            XCTAssertEqual(good.status, .seeOther)
            var written = try await Target.query(on: app.db).filter(\.$indicator.$id == indicator).all()
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: written.map { ($0.$region.id, $0.target) }), [f.city: 100, f.jia: 50])
            _ = try await browser.post(url, [("step", "save"), ("target_\(f.city)", "100"), ("target_\(f.jia)", "50"), ("target_\(f.yi)", "40")])
            written = try await Target.query(on: app.db).filter(\.$indicator.$id == indicator).all()
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: written.map { ($0.$region.id, $0.target) }), [f.city: 100, f.jia: 50, f.yi: 40])
        }
    }

    func testACountyDecomposesItsOwnShareButNotTheCitysTargets() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let (plan, indicator) = try await plan(app, f, approver: .above)
            let grids = PlanDecomposition(db: app.db)
            _ = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city,
                                     entries: [.init(regionID: f.city, target: "100"), .init(regionID: f.jia, target: "50"), .init(regionID: f.yi, target: "40")],
                                     reason: nil, actor: f.office, tree: f.tree)
            // The county office: the city's grid is not its own (403), its share's grid is.
            do {
                _ = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.city, actor: f.county, tree: f.tree)
                XCTFail("the county edits the city's targets")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .forbidden) }
            do {
                _ = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.city, entries: [.init(regionID: f.jia, target: "60")],
                                         reason: nil, actor: f.county, tree: f.tree)
                XCTFail("the county raises its own target")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .forbidden) }
            do {
                _ = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.yi, actor: f.county, tree: f.tree)
                XCTFail("the county edits a sibling county")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .forbidden) }
            let grid = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.jia, actor: f.county, tree: f.tree)
            XCTAssertFalse(grid.ownEditable)
            XCTAssertEqual(grid.pasteOrder, [f.jiaTown, f.yiTown])
            XCTAssertEqual(grid.own.target, 50)
            // Its own target in its grid is refused; its towns' shares are written (30 + 20 = 50, equal).
            do {
                _ = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.jia, entries: [.init(regionID: f.jia, target: "60")],
                                         reason: nil, actor: f.county, tree: f.tree)
                XCTFail("the county's own target in its grid")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("上级下达"), error.message) }
            _ = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.jia,
                                     entries: [.init(regionID: f.jiaTown, target: "30"), .init(regionID: f.yiTown, target: "20")],
                                     reason: nil, actor: f.county, tree: f.tree)
            let towns = try await grids.grid(planID: plan, indicatorID: indicator, regionID: f.jia, actor: f.county, tree: f.tree)
            XCTAssertEqual(towns.cells.map(\.target), [30, 20])
            XCTAssertEqual(towns.sum.sentence, "下级合计 50，与本级目标任务 50 相等。")
            // After adoption the county proposes; the plan says the office one level up (the city) approves, not the county.
            try await PlanEditor(db: app.db).adopt(planID: plan, actor: f.office, tree: f.tree)
            guard case .proposed(let id, let approver) = try await grids.save(planID: plan, indicatorID: indicator, regionID: f.jia,
                                                                               entries: [.init(regionID: f.jiaTown, target: "25"), .init(regionID: f.yiTown, target: "25")],
                                                                               reason: "乙镇用地落实", actor: f.county, tree: f.tree) else { return XCTFail("proposed") }
            XCTAssertEqual(approver, "测试市")
            do {
                try await grids.approve(adjustmentID: id, effectiveMonth: 3, actor: f.county, tree: f.tree)
                XCTFail("the county approves its own adjustment")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .forbidden) }
            try await grids.approve(adjustmentID: id, effectiveMonth: 3, actor: f.office, tree: f.tree)
            let after = try await TableRows.shares(indicatorIDs: [indicator], regionIDs: [f.jiaTown, f.yiTown], month: 2, on: app.db)
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: after.map { ($0.regionID, $0.target) }), [f.jiaTown: 30, f.yiTown: 20], "February keeps 30 / 20")
            let march = try await TableRows.shares(indicatorIDs: [indicator], regionIDs: [f.jiaTown, f.yiTown], month: 3, on: app.db)
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: march.map { ($0.regionID, $0.target) }), [f.jiaTown: 25, f.yiTown: 25], "March on 25 / 25")

            // Through the pages: the county's account gets 403 on the city's grid and the plan's editor.
            let browser = TestBrowser(app)
            _ = try await browser.signIn("pe_county", "Passw0rd-editing")
            let cityGrid = try await browser.get(SiteURL.decomposition(plan: plan, indicator: indicator, region: f.city).path)
            XCTAssertEqual(cityGrid.status, .forbidden)
            let editorPage = try await browser.get(SiteURL.planEditor(id: plan).path)
            XCTAssertEqual(editorPage.status, .forbidden)
            let ownGrid = try await browser.get(SiteURL.decomposition(plan: plan, indicator: indicator, region: f.jia).path)
            XCTAssertEqual(ownGrid.status, .ok)
            XCTAssertTrue(ownGrid.body.contains("甲镇"), "the county's grid lists its towns")
        }
    }

    func testTheOutlineEditsAndRefusals() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let (plan, indicator) = try await plan(app, f)
            let editor = PlanEditor(db: app.db)
            let item = try await XCTUnwrapAsync(try await Item.query(on: app.db).filter(\.$plan.$id == plan).first()?.id)
            try await editor.addItem(planID: plan, name: "提高养老服务水平", actor: f.office, tree: f.tree)
            try await editor.moveItem(planID: plan, itemID: item, .down, actor: f.office, tree: f.tree)
            let order = try await Item.query(on: app.db).filter(\.$plan.$id == plan).sort(\.$seq).all().map(\.name)
            XCTAssertEqual(order, ["提高养老服务水平", "建设宜居城市"])
            // An item with projects is not removed; a duplicate project name is refused (names match import rows).
            do {
                try await editor.removeItem(planID: plan, itemID: item, actor: f.office, tree: f.tree)
                XCTFail("an item with projects removed")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            do {
                try await editor.addProject(planID: plan, itemID: item, name: "口袋公园", actor: f.office, tree: f.tree)
                XCTFail("a second 口袋公园")
            } catch let error as ServiceError { XCTAssertTrue(error.message.contains("已有名为"), error.message) }
            // Hostile text: too long, control characters.
            for bad in [String(repeating: "长", count: 201), "名称\u{0007}"] {
                do {
                    try await editor.addItem(planID: plan, name: bad, actor: f.office, tree: f.tree)
                    XCTFail("bad name taken")
                } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            }
            // Without figures an indicator is removed with its shares; the exported plan carries its 验收标准.
            let rows = try await PlanExporter(db: app.db).rows(planID: plan, tree: f.tree)
            XCTAssertEqual(rows.first, PlanFile.fullHeader)
            XCTAssertEqual(rows.dropFirst().first?.last, "建成并向公众开放，有管护制度。")
            try await editor.removeIndicator(planID: plan, indicatorID: indicator, actor: f.office, tree: f.tree)
            let gone = try await Indicator.find(indicator, on: app.db)
            XCTAssertNil(gone)
            let remaining = try await Target.query(on: app.db).filter(\.$indicator.$id == indicator).count()
            XCTAssertEqual(remaining, 0)
            // The county office does not edit the city's outline.
            do {
                try await editor.addItem(planID: plan, name: "县里的实事", actor: f.county, tree: f.tree)
                XCTFail("the county edits the city's plan")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .forbidden) }
        }
    }

    func testStandardAttachmentsAndHostileTextThroughThePages() async throws {
        try await TestApp.run { app in
            let f = try await fixture(app)
            let (plan, indicator) = try await plan(app, f)
            let office = TestBrowser(app)
            _ = try await office.signIn("pe_city", "Passw0rd-editing")
            let upload = SiteURL.indicatorEditor(plan: plan, indicator: indicator, action: "attachments/upload").path
            // A PDF is taken and read back byte for byte by a reader of the plan.
            let pdf = Data("%PDF-1.4\n省级验收标准".utf8)
            let sent = try await office.uploadFiles(upload, fields: [], files: [(name: "省级验收标准.pdf", data: pdf)])
            XCTAssertEqual(sent.status, .seeOther)
            let stored = try await IndicatorAttachment.query(on: app.db).filter(\.$indicator.$id == indicator).all()
            XCTAssertEqual(stored.map(\.fileName), ["省级验收标准.pdf"])
            let attachmentID = try XCTUnwrap(stored.first?.id)
            let county = TestBrowser(app)
            _ = try await county.signIn("pe_county", "Passw0rd-editing")
            let read = try await county.get(SiteURL.indicatorAttachment(plan: plan, indicator: indicator, attachment: attachmentID).path)
            XCTAssertEqual(read.status, .ok)
            XCTAssertEqual(read.data, pdf)
            // A program is refused, nothing stored; the county office may not upload to the city's plan.
            _ = try await office.uploadFiles(upload, fields: [], files: [(name: "标准.exe", data: Data("MZ\u{90}\u{0}program".utf8))])
            let afterBad = try await IndicatorAttachment.query(on: app.db).filter(\.$indicator.$id == indicator).count()
            XCTAssertEqual(afterBad, 1)
            let page = try await office.get(SiteURL.indicatorEditor(plan: plan, indicator: indicator, action: "edit").path)
            XCTAssertTrue(page.body.contains("notice error"), "the refusal is shown")
            let refused = try await county.uploadFiles(upload, fields: [], files: [(name: "a.pdf", data: pdf)])
            XCTAssertEqual(refused.status, .forbidden)
            // Removed by the office; the file goes with it.
            let removed = try await office.post(SiteURL.indicatorEditor(plan: plan, indicator: indicator, action: "attachments/remove").path,
                                                [("attachment", "\(attachmentID)")])
            XCTAssertEqual(removed.status, .seeOther)
            let afterRemove = try await IndicatorAttachment.query(on: app.db).filter(\.$indicator.$id == indicator).count()
            XCTAssertEqual(afterRemove, 0)

            // Hostile text is escaped wherever it lands: the item's name in a value attribute and in text.
            let item = try await XCTUnwrapAsync(try await Item.query(on: app.db).filter(\.$plan.$id == plan).first()?.id)
            let renamed = try await office.post(SiteURL.planItem(plan: plan, item: item, action: nil).path, [("name", "\"><script>alert(1)</script>")])
            XCTAssertEqual(renamed.status, .seeOther)
            let editor = try await office.get(SiteURL.planEditor(id: plan).path)
            XCTAssertFalse(editor.body.contains("<script>alert(1)</script>"))
            XCTAssertTrue(editor.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // And the 验收标准 set in the editor, on the plan's table and its exported file.
            let standard = "<img src=x onerror=alert(1)>验收"
            let saved = try await office.post(SiteURL.indicatorEditor(plan: plan, indicator: indicator, action: "edit").path,
                                              [("name", "建设口袋公园"), ("unit", "个"), ("kind", "quantity"), ("rule", "sum"), ("lead", "市住建局"), ("standard", standard)])
            XCTAssertEqual(saved.status, .seeOther)
            let table = try await office.get(SiteURL.plan(id: plan).path)
            XCTAssertFalse(table.body.contains("<img src=x"))
            XCTAssertTrue(table.body.contains("&lt;img src=x onerror=alert(1)&gt;验收"))
            let exported = try await office.get(SiteURL.planFile(id: plan, format: "csv").path)
            XCTAssertTrue(exported.body.contains(standard), "the file carries the text as typed")
            // A form without its token is refused.
            let forged = try await office.post(SiteURL.planItems(plan: plan).path, [("name", "伪造")], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
        }
    }

    /// 16 indicators added to one project at once, each then decomposed at once (file SQLite as
    /// served, and PostgreSQL): every write succeeds, the numbers 1…16 each taken once, and the
    /// city's stored figure counts every grid. Indicator n gets n for the city, n for 甲县.
    func testSixteenEditorsAtOnceAllSucceed() async throws {
        try await TestApp.run(fileDatabase: true) { app in
            let f = try await fixture(app)
            let (plan, first) = try await plan(app, f)
            let project = try await XCTUnwrapAsync(try await Indicator.find(first, on: app.db)?.$project.id)
            let added = await withTaskGroup(of: Result<Int, Error>.self) { group -> [Result<Int, Error>] in
                for n in 1...16 {
                    group.addTask {
                        do {
                            return .success(try await PlanEditor(db: app.db).addIndicator(planID: plan, projectID: project,
                                .init(name: "指标\(n)", unitLabel: "个", kind: .quantity, rule: .sum, leadUnit: "市住建局", acceptanceStandard: ""),
                                actor: f.office, tree: f.tree))
                        } catch { return .failure(error) }
                    }
                }
                var all: [Result<Int, Error>] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let ids = added.compactMap { try? $0.get() }
            XCTAssertEqual(ids.count, 16, "every indicator added: \(added.compactMap { if case .failure(let e) = $0 { return "\(e)" } else { return nil } })")
            let seqs = try await Indicator.query(on: app.db).filter(\.$project.$id == project).all().map(\.seq).sorted()
            XCTAssertEqual(seqs, Array(1...17), "the first indicator and the 16 new ones, each number once")
            let names = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: app.db).filter(\.$id ~~ ids).all().map { ($0.name, try $0.requireID()) })
            let failures = await withTaskGroup(of: String?.self) { group -> [String] in
                for n in 1...16 {
                    guard let id = names["指标\(n)"] else { continue }
                    group.addTask {
                        do {
                            _ = try await PlanDecomposition(db: app.db).save(planID: plan, indicatorID: id, regionID: f.city,
                                                                             entries: [.init(regionID: f.city, target: "\(n)"), .init(regionID: f.jia, target: "\(n)")],
                                                                             reason: nil, actor: f.office, tree: f.tree)
                            return nil
                        } catch { return "\(error)" }
                    }
                }
                var all: [String] = []
                for await outcome in group { if let outcome { all.append(outcome) } }
                return all
            }
            XCTAssertEqual(failures, [])
            // Σ n for n = 1…16 = 136, for the city's own targets and for 甲县's.
            let targets = try await Target.query(on: app.db).filter(\.$indicator.$id ~~ ids).all()
            XCTAssertEqual(targets.filter { $0.$region.id == f.city }.compactMap(\.target).reduce(0, +), 136)
            XCTAssertEqual(targets.filter { $0.$region.id == f.jia }.compactMap(\.target).reduce(0, +), 136)
        }
    }
}

/// The demo as an office finds it in the editor: every 2024 indicator carries its 验收标准, the
/// pages answer, and the county office (邵东市) decomposes only its own share.
final class PlanEditingDemoTests: XCTestCase {
    func testTheDemoPlansInTheEditor() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: false)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .city)
            let outline = try await TableRows.outline(planID: resolved.planID, on: app.db).2
            // The city plan's 14 indicators (reference 000 附件3), each with its standard.
            XCTAssertEqual(outline.count, 14)
            XCTAssertEqual(outline.filter { $0.acceptanceStandard == nil }.map(\.name), [])
            let road = try XCTUnwrap(outline.first { $0.name == "修建农村公路500公里" })
            XCTAssertEqual(road.acceptanceStandard, "路面工程完工并经交工验收，提供交工验收报告和路段清单（含起讫点和里程）。")

            let admin = TestBrowser(app)
            _ = try await admin.signIn("admin", DemoLoader.password)
            let editor = try await admin.get(SiteURL.planEditor(id: resolved.planID).path)
            XCTAssertEqual(editor.status, .ok)
            XCTAssertTrue(editor.body.contains("修建农村公路500公里"))
            XCTAssertFalse(editor.body.contains("未填写"), "no indicator without its standard")
            let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let grid = try await admin.get(SiteURL.decomposition(plan: resolved.planID, indicator: road.id, region: city).path)
            XCTAssertEqual(grid.status, .ok)
            // 修建农村公路500公里: the plan's 498 km for 全市 and 33.98 for 双清区 (the demo's plan file).
            XCTAssertTrue(grid.body.contains("value=\"498\""), "the city's own 498 km in the grid")
            XCTAssertTrue(grid.body.contains("value=\"33.98\""), "双清区's 33.98 km")

            let county = TestBrowser(app)
            _ = try await county.signIn("shaodong", DemoLoader.password)
            let cityGrid = try await county.get(SiteURL.decomposition(plan: resolved.planID, indicator: road.id, region: city).path)
            XCTAssertEqual(cityGrid.status, .forbidden)
            XCTAssertTrue(cityGrid.body.contains("只能分解本级承担的任务"))
            let editorAsCounty = try await county.get(SiteURL.planEditor(id: resolved.planID).path)
            XCTAssertEqual(editorAsCounty.status, .forbidden)
            let own = try await county.get(SiteURL.decomposition(plan: resolved.planID, indicator: road.id, region: shaodong).path)
            XCTAssertEqual(own.status, .ok)
            XCTAssertTrue(own.body.contains("邵东市没有下级区划"), "the county is told how to decompose further")
        }
    }
}
