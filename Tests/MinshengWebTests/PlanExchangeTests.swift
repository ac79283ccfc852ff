import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// The plan exchange format with its optional columns (责任单位, 验收标准): a plan exported imports
/// back to the same plan, field by field; an old file leaves units and standards alone.
final class PlanExchangeTests: XCTestCase {
    /// The hand-written plan (also saved by LibreOffice Calc in Fixtures/Office): 测试市 with 甲县 and
    /// 乙县, three indicators, targets 50.5 + 49.5, a target given as text, a share without a target.
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MinshengCoreTests/Fixtures/Office/plan-full.csv")

    static func fixtureRows() throws -> [[String]] { try TableFile.rows(try Data(contentsOf: fixture), fileName: "plan-full.csv") }

    /// Every field of a plan as text lines, by names (ids differ between databases).
    static func fields(planID: Int, on db: any Database) async throws -> [String] {
        let tree = try await RegionService(db: db).tree()
        let (items, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        var lines = items.map { "item \($0.seq) \($0.name)" }
        lines += projects.map { p in "project \(items.first { $0.id == p.itemID }?.seq ?? 0) \(p.seq) \(p.name)" }
        lines += indicators.map { i in "indicator \(i.name) \(i.unitLabel) \(i.kind.rawValue) \(i.rule.rawValue) \(i.leadUnit ?? "-") \(i.acceptanceStandard ?? "-")" }
        let names = Dictionary(indicators.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let units = Dictionary(try await Department.query(on: db).all().compactMap { u in u.id.map { ($0, "\(u.name)@\(tree[u.$region.id]?.name ?? "")") } },
                               uniquingKeysWith: { a, _ in a })
        for share in try await TableRows.shares(indicatorIDs: indicators.map(\.id), on: db) {
            lines.append("share \(names[share.indicatorID] ?? "") \(tree[share.regionID]?.name ?? "") \(share.target.map { "\($0)" } ?? "-") \(share.targetNote ?? "-") \(share.unitID.flatMap { units[$0] } ?? "-") \(share.sortOrder)")
        }
        return lines.sorted()
    }

    func testAnExportedPlanImportsBackToTheSamePlanFieldByField() async throws {
        var exported: [[String]] = []
        var fields: [String] = []
        var regions: [(name: String, parent: String?, kind: RegionKind)] = []
        try await TestApp.run { app in
            let importer = PlanImporter(db: app.db)
            _ = try await importer.importPlan(try PlanFile.parse(rows: try Self.fixtureRows()), regionName: "测试市", year: 2024, createRegions: true, by: nil)
            let plan = try await XCTUnwrapAsync(try await Plan.query(on: app.db).first())
            let tree = try await RegionService(db: app.db).tree()
            exported = try await PlanExporter(db: app.db).rows(planID: try plan.requireID(), tree: tree)
            fields = try await Self.fields(planID: try plan.requireID(), on: app.db)
            // By hand from the file: its seven rows in its order, 全市 first; the standard on an indicator's
            // first row only, each share's unit, 50.5 written as 50.5, the text target and the empty one kept.
            XCTAssertEqual(exported.count, 8)
            XCTAssertEqual(exported[0], PlanFile.fullHeader)
            XCTAssertEqual(exported.dropFirst().map { $0[9] }, ["全市", "甲县", "乙县", "全市", "甲县", "乙县", "全市"])
            XCTAssertEqual(exported[2][10...11], ["50.5", "甲县住建局"])
            XCTAssertEqual(exported[3][10...11], ["49.5", "乙县住建局"])
            XCTAssertTrue(exported[1][12].hasPrefix("建成并向公众开放，提供竣工验收单"), exported[1][12])
            XCTAssertEqual(exported[2][12], "")
            XCTAssertEqual(exported[4][10], "待另行发文确定")
            XCTAssertEqual(exported[4][12], "托位通过备案\n（附备案清单）")
            XCTAssertEqual(exported[6][10...11], ["", ""])
            XCTAssertEqual(exported[7][6...7], ["形象进度", "平均"])
            XCTAssertTrue(fields.contains("indicator 建设口袋公园 个 quantity sum 市住建局 " + exported[1][12]), fields.joined(separator: "\n"))
            XCTAssertTrue(fields.contains("share 建设口袋公园 甲县 50.5 - 甲县住建局@甲县 1"), fields.joined(separator: "\n"))
            // The workbook we write reads back to the same rows; the CSV too.
            XCTAssertEqual(try PlanFile.parse(rows: try TableFile.rows(try PlanExporter.xlsx(exported), fileName: "plan.xlsx")), try PlanFile.parse(rows: exported))
            XCTAssertEqual(try TableFile.rows(PlanExporter.csv(exported), fileName: "plan.csv"), exported)
            // Imported over itself the plan does not change.
            _ = try await importer.importPlan(try PlanFile.parse(rows: exported), regionName: "测试市", year: 2024, by: nil)
            try await XCTAssertEqualAsync(try await Self.fields(planID: try plan.requireID(), on: app.db), fields)
            for node in tree.nodes.values.sorted(by: { ($0.parentID ?? 0, $0.id) < ($1.parentID ?? 0, $1.id) }) {
                regions.append((node.name, node.parentID.flatMap { tree[$0]?.name }, node.kind))
            }
        }
        // Into another database with the same regions: the same plan, and the same file again.
        try await TestApp.run { app in
            let service = RegionService(db: app.db)
            var ids: [String: Int] = [:]
            for region in regions where region.parent == nil || ids[region.parent ?? ""] != nil {
                ids[region.name] = try await service.create(name: region.name, kind: region.kind, code: nil, parentID: region.parent.flatMap { ids[$0] }, by: nil).requireID()
            }
            XCTAssertEqual(ids.count, regions.count)
            _ = try await PlanImporter(db: app.db).importPlan(try PlanFile.parse(rows: exported), regionName: "测试市", year: 2024, by: nil)
            let plan = try await XCTUnwrapAsync(try await Plan.query(on: app.db).first())
            try await XCTAssertEqualAsync(try await Self.fields(planID: try plan.requireID(), on: app.db), fields)
            let tree = try await RegionService(db: app.db).tree()
            try await XCTAssertEqualAsync(try await PlanExporter(db: app.db).rows(planID: try plan.requireID(), tree: tree), exported)
        }
    }

    func testAFileWithoutTheOptionalColumnsLeavesUnitsAndStandardsAndAnEmptyCellClearsThem() async throws {
        try await TestApp.run { app in
            let importer = PlanImporter(db: app.db)
            let full = try Self.fixtureRows()
            _ = try await importer.importPlan(try PlanFile.parse(rows: full), regionName: "测试市", year: 2024, createRegions: true, by: nil)
            let planID = try await XCTUnwrapAsync(try await Plan.query(on: app.db).first()?.id)
            let before = try await Self.fields(planID: planID, on: app.db)
            // The same plan in the eleven columns of old: units and standards stay.
            _ = try await importer.importPlan(try PlanFile.parse(rows: full.map { Array($0.prefix(11)) }), regionName: "测试市", year: 2024, by: nil)
            try await XCTAssertEqualAsync(try await Self.fields(planID: planID, on: app.db), before)
            // With the columns, empty: 建设口袋公园 loses its standard, 甲县 its unit.
            var cleared = full
            cleared[1][12] = ""
            cleared[2][11] = ""
            _ = try await importer.importPlan(try PlanFile.parse(rows: cleared), regionName: "测试市", year: 2024, by: nil)
            let after = try await Self.fields(planID: planID, on: app.db)
            XCTAssertTrue(after.contains("indicator 建设口袋公园 个 quantity sum 市住建局 -"), after.joined(separator: "\n"))
            XCTAssertTrue(after.contains("share 建设口袋公园 甲县 50.5 - - 1"), after.joined(separator: "\n"))
            XCTAssertTrue(after.contains("share 建设口袋公园 乙县 49.5 - 乙县住建局@乙县 2"), after.joined(separator: "\n"))
        }
    }

    func testAnIndicatorWithTwoStandardsIsRefusedInChineseWithNothingWritten() async throws {
        var rows = try Self.fixtureRows()
        rows[2][12] = "另一个验收标准"
        XCTAssertThrowsError(try PlanFile.parse(rows: rows)) { error in
            let text = (error as? ImportRefusal)?.problems.map(\.description).joined(separator: "\n") ?? ""
            XCTAssertTrue(text.contains("与第 2 行同一指标的验收标准不同"), text)
        }
        // A standard over 2,000 characters, a header with one optional column only.
        rows = try Self.fixtureRows()
        rows[1][12] = String(repeating: "标", count: 2001)
        XCTAssertThrowsError(try PlanFile.parse(rows: rows)) { error in
            XCTAssertTrue(((error as? ImportRefusal)?.problems.first?.description ?? "").contains("超过 2000 个字符"))
        }
        let oneColumn = try Self.fixtureRows().map { Array($0.prefix(12)) }
        XCTAssertThrowsError(try PlanFile.parse(rows: oneColumn)) { error in
            XCTAssertTrue(((error as? ImportRefusal)?.problems.first?.description ?? "").contains("表头应为"))
        }
        try await TestApp.run { app in
            try await XCTAssertEqualAsync(try await Plan.query(on: app.db).count(), 0)
        }
    }

    /// The demo's provincial plan of 邵阳市 (reference 000's 36 indicator rows, the demo's units on its
    /// shares) exports and imports over itself unchanged.
    func testTheDemoPlanExportsAndImportsOverItselfUnchanged() async throws {
        try await TestApp.run { app in
            try await XCTAssertTrueAsync(try await Bootstrap.loadDemoIfEmpty(app))
            let exporter = PlanExporter(db: app.db)
            let plan = try await exporter.plan(regionName: "邵阳市", year: 2024, level: .province)
            let planID = try plan.requireID()
            let tree = try await RegionService(db: app.db).tree()
            let rows = try await exporter.rows(planID: planID, tree: tree)
            let indicators = Set(rows.dropFirst().map { $0[3] + "\u{1}" + $0[4] })
            XCTAssertEqual(indicators.count, 36)
            let targets = try await Target.query(on: app.db).join(Indicator.self, on: \Target.$indicator.$id == \Indicator.$id)
                .join(Project.self, on: \Indicator.$project.$id == \Project.$id).join(Item.self, on: \Project.$item.$id == \Item.$id)
                .filter(Item.self, \.$plan.$id == planID).count()
            XCTAssertEqual(rows.count - 1, targets)
            XCTAssertTrue(rows.contains { !$0[11].isEmpty }, "the demo's responsible units are exported")
            let before = try await Self.fields(planID: planID, on: app.db)
            _ = try await PlanImporter(db: app.db).importPlan(try PlanFile.parse(rows: rows), regionName: "邵阳市", year: 2024, by: nil)
            try await XCTAssertEqualAsync(try await Self.fields(planID: planID, on: app.db), before)
            try await XCTAssertEqualAsync(try await exporter.rows(planID: planID, tree: tree), rows)
            // The plan page offers the same file.
            let admin = TestBrowser(app)
            try await admin.signIn("admin", DemoLoader.password)
            try await XCTAssertTrueAsync(try await admin.get("/plans/\(planID)").body.contains("/plans/\(planID)/plan.xlsx"))
            let csv = try await admin.get("/plans/\(planID)/plan.csv")
            XCTAssertEqual(csv.status, .ok)
            XCTAssertEqual(try TableFile.rows(Data(csv.body.utf8), fileName: "plan.csv"), rows)
            // Another level asked for that the city does not own is refused in Chinese.
            do {
                _ = try await exporter.plan(regionName: "邵阳市", year: 2024, level: .county)
                XCTFail("a county-level plan of 邵阳市 does not exist")
            } catch let error as ServiceError {
                XCTAssertTrue(error.message.contains("没有 2024 年县定的计划"), error.message)
            }
        }
    }
}
