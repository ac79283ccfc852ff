import Foundation
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import SnapshotTesting
import XCTest

/// HTML snapshots of the main pages rendered from fixture models made here by hand (no database,
/// no clock): a change to a view shows as a readable diff of its HTML in `__Snapshots__`. To
/// accept a change on purpose, delete the snapshot file and run the test once (it records it and
/// fails), then look at the diff before committing.
final class SnapshotTests: XCTestCase {
    /// 2024-11-05 10:00 in Beijing.
    static let day = Date(timeIntervalSince1970: 1_730_772_000)

    /// A project page of 邵东市 as the public sees it after October closed: the figures of
    /// reference 000 附件3 for 城镇新增就业 (target 9,000 人, 8,512 done, 94.58%), two disclosure
    /// items, ratings and one answered opinion.
    static func publicPage(whole: Bool = false) -> PublicProjectService.Page {
        let unit = Department(regionID: 6, name: "市人社局", phone: "0739-2712345")
        unit.id = 16
        let news = Disclosure(projectID: 1, regionID: 6, unitID: 16, category: .news, title: "邵东市举办秋季招聘会 <现场> & 签约", publishedOn: "2024-10-28",
                              body: "共有 120 家企业参会。", link: nil, createdBy: 5, at: day)
        news.id = 3401
        news.$unit.value = .some(unit)
        let policy = Disclosure(projectID: 1, regionID: 6, unitID: 16, category: .policy, title: "邵东市就业创业补贴办法", publishedOn: "2024-03-02",
                                body: nil, link: nil, createdBy: 5, at: day)
        policy.id = 3402
        policy.$unit.value = .some(unit)
        let opinion = Feedback(projectID: 1, regionID: 6, unitID: 16, rating: .satisfied, body: "希望多办针对大学生的招聘会。", phone: nil,
                               addressHash: "x", browser: nil, at: day)
        opinion.id = 159
        opinion.reply = "已安排 11 月 20 日高校毕业生专场招聘会。"
        opinion.replyUnit = "市人社局"
        opinion.repliedAt = day
        return PublicProjectService.Page(
            projectID: 1, projectName: "城镇新增就业", content: "新增城镇就业 9000 人，帮助失业人员再就业。", itemName: "稳定和扩大就业",
            planTitle: "2024 年省定重点民生实事", year: 2024, regionID: whole ? 2 : 6, regionName: whole ? "邵阳市" : "邵东市", isWhole: whole, month: 10,
            indicators: [
                .init(name: "城镇新增就业", unitLabel: "人", kind: .quantity, leadUnit: "市人社局", responsibleUnit: "市人社局", target: 9000, targetNote: nil,
                      progress: Decimal(string: "94.58"), quantity: 8512, status: .onSchedule),
                .init(name: "零就业家庭动态清零", unitLabel: "%", kind: .image, leadUnit: "市人社局", responsibleUnit: "市人社局", target: nil, targetNote: "动态清零",
                      progress: 100, quantity: nil, status: .completed),
            ],
            regions: whole ? [.init(regionID: 6, name: "邵东市", progress: Decimal(string: "94.58")), .init(regionID: 3, name: "双清区", progress: Decimal(string: "71.2"))] : [],
            responsibleUnits: [(name: "市人社局", phone: "0739-2712345")],
            items: [news, policy],
            feedback: FeedbackService.PublicSummary(counts: [.satisfied: 12, .basic: 3, .unsatisfied: 1], answered: [opinion], received: 2, answeredCount: 1),
            siblings: [(id: 2, name: "农村公益性岗位开发")])
    }

    func testThePublicProjectPage() {
        let html = PublicProjectPage(page: Self.publicPage(), url: "https://mss.example.gov.cn/p/1/6").render()
        XCTAssertTrue(html.contains("8512") || html.contains("8,512"), "the figure of the month is on the page")
        XCTAssertFalse(html.contains("<现场>"), "text is escaped")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    func testTheWholeProjectsPublicPage() {
        let html = PublicProjectPage(page: Self.publicPage(whole: true), url: "https://mss.example.gov.cn/p/1").render()
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    func testThePoster() {
        // A stand-in for the QR code's PNG: the poster embeds whatever bytes it is given.
        let html = PosterPage(page: Self.publicPage(), url: "https://mss.example.gov.cn/p/1/6").render(qrPNG: Data("PNG".utf8))
        XCTAssertTrue(html.contains("0739-2712345"), "the unit's phone is printed")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    // MARK: - Staff pages

    /// 湖南省 → 邵阳市 → {双清区, 邵东市, 市本级}, the ids the fixtures use.
    static let tree = RegionTree([
        .init(id: 1, parentID: nil, name: "湖南省", kind: .province),
        .init(id: 2, parentID: 1, name: "邵阳市", kind: .city, sortOrder: 0),
        .init(id: 3, parentID: 2, name: "双清区", kind: .district, sortOrder: 1),
        .init(id: 6, parentID: 2, name: "邵东市", kind: .county, sortOrder: 4),
        .init(id: 16, parentID: 2, name: "市本级", kind: .own, sortOrder: 14),
    ])

    static func principal(_ roles: Set<Role>, region: Int = 2, unit: Int? = nil, name: String = "邵阳市专班办公室") -> Principal {
        Principal(accountID: 1, username: "admin", displayName: name, roles: roles, regionID: region, unitID: unit, unitName: unit.map { _ in "市教育局" },
                  mustChangePassword: false, tree: tree)
    }

    static func context(_ principal: Principal, path: String) -> PageContext {
        PageContext(principal: principal, csrf: "TOKEN", path: path)
    }

    /// Reference 000 附件1's first indicator by hand: 城镇新增就业, 全市 target 50,000 人, 双清区 4,200
    /// of 4,500 (93.33%), 邵东市 8,512 of 9,000 (94.58%).
    static var browser: PlanService.Browser {
        let cityColumn = PlanService.Column(regionID: 2, name: "全市", isAggregate: true, hasChildren: true)
        let columns = [cityColumn, .init(regionID: 3, name: "双清区", isAggregate: false, hasChildren: false),
                       .init(regionID: 6, name: "邵东市", isAggregate: false, hasChildren: false),
                       .init(regionID: 16, name: "市本级", isAggregate: false, hasChildren: false, isOwnLevel: true)]
        func cell(_ target: Double, _ quantity: Decimal, _ progress: String, _ status: ProgressStatus) -> PlanService.Cell {
            PlanService.Cell(target: target, targetNote: nil, responsibleUnit: "市人社局",
                             figure: ComputedFigure(target: Decimal(target), quantity: quantity, progress: Decimal(string: progress)),
                             status: status, band: nil, note: nil, carriedFrom: nil)
        }
        let indicator = PlanService.IndicatorRow(id: 11, name: "城镇新增就业", unitLabel: "人", kind: .quantity, rule: .sum, leadUnit: "市人社局",
                                                 acceptanceStandard: "以人社部门就业统计为准", cells: [
                                                    2: cell(50000, 46921, "93.84", .onSchedule), 3: cell(4500, 4200, "93.33", .onSchedule),
                                                    6: cell(9000, 8512, "94.58", .onSchedule)])
        var counts = PlanService.StatusCounts()
        counts.onSchedule = 1
        let summary = PlanService.Summary(id: 1, year: 2024, level: .province, title: "2024 年省定重点民生实事", ownerName: "邵阳市", focusName: "邵阳市",
                                          isShare: false, items: 1, projects: 1, indicators: 1, childRegions: 3, month: 10,
                                          counts: counts, completionRule: .aggregate)
        return PlanService.Browser(summary: summary, focus: cityColumn, columns: columns,
                                   items: [.init(id: 1, seq: 1, name: "稳定和扩大就业", projects: [.init(id: 1, seq: 1, name: "城镇新增就业", content: nil, indicators: [indicator])])],
                                   months: Array(1...10), schedule: Decimal(string: "83.3333"), trail: [cityColumn])
    }

    func testThePlanTable() {
        let principal = Self.principal([.admin])
        let html = PlanShowPage(browser: Self.browser).render(in: Self.context(principal, path: "/plans/1"))
        XCTAssertTrue(html.contains("94.58"), "邵东市's progress is in the table")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    func testTheHomePageOfAnOffice() {
        var work = WorkListService.Work()
        work.office = [.init(planID: 1, planTitle: "2024 年省定重点民生实事", month: 11, deadline: "2024-12-05", total: 214, submitted: 180,
                             units: [.init(unitID: 7, label: "邵东市 市教育局", missing: 3, reporters: 1, remindedAt: nil)])]
        work.reviewPending = 4
        work.reviewOldestDays = 6
        let page = HomePage(principal: Self.principal([.admin]), plans: [Self.browser.summary], childRegions: ["双清区", "邵东市", "市本级"],
                            accountCount: 9, work: work)
        let html = page.render(in: Self.context(Self.principal([.admin]), path: "/"))
        XCTAssertTrue(html.contains("邵东市 市教育局"), "the unit that has not reported is named")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    func testTheEvidenceQueue() {
        let item = Evidence(indicatorID: 11, regionID: 6, month: 10, unitID: 7, uploadedBy: 4, quantity: 8512, description: "10 月就业台账 <扫描件>", at: Self.day)
        item.id = 21
        let file = EvidenceFile(evidenceID: 21, blobKey: "ab", name: "台账.pdf", kind: "pdf", size: 120_000)
        file.id = 31
        let listed = EvidenceService.Listed(item: item, indicatorName: "城镇新增就业", projectName: "城镇新增就业", unitLabel: "人", kind: .quantity,
                                            regionName: "邵东市", uploaderName: "邵东市教育局填报员", unitName: "市教育局", files: [file], ageDays: 6)
        let principal = Self.principal([.reviewer], unit: 5, name: "市教育局审核员")
        let page = EvidenceListPage(title: "佐证审核", listing: Listing(items: [listed], total: 1, window: ListWindow()), review: true,
                                    query: ListQuery(filter: ListFilter()), base: SiteURL.evidenceReview.path, pending: 1, oldestDays: 6,
                                    regions: [(id: 3, name: "双清区"), (id: 6, name: "邵东市")])
        let html = page.render(in: Self.context(principal, path: "/evidence/review"))
        XCTAssertFalse(html.contains("<扫描件>"), "the description is escaped")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    func testTheReportingGrid() {
        let year = Year(year: 2024)
        year.id = 1
        let plan = Plan(yearID: 1, level: .province, ownerRegionID: 2, title: "2024 年省定重点民生实事")
        plan.id = 1
        plan.$year.value = year
        let draft = ProgressReport(indicatorID: 11, regionID: 6, month: 11, quantity: 8700, progress: nil, note: "新增 188 人", state: .draft,
                                   reportedBy: 4, submittedAt: nil)
        let row = ReportingService.Row(indicatorID: 11, regionID: 6, regionName: "邵东市", itemName: "稳定和扩大就业", projectName: "城镇新增就业",
                                       indicatorName: "城镇新增就业", unitLabel: "人", kind: .quantity, target: 9000, targetNote: nil,
                                       responsibleUnitID: 7, responsibleUnit: "市人社局", report: draft,
                                       previous: .init(indicatorID: 11, regionID: 6, month: 10, quantity: 8512, progress: nil, note: nil))
        let grid = ReportingService.Grid(planID: 1, planTitle: "2024 年省定重点民生实事", year: 2024, month: 11, ownerRegionID: 2, deadline: "2024-12-05",
                                         closed: false, rows: [row], schedule: Decimal(string: "91.6667") ?? 0, regionOrder: [6: 4])
        let principal = Self.principal([.reporter], region: 6, unit: 7, name: "邵东市人社局填报员")
        let html = ReportingPage(principal: principal, plans: [plan], grid: grid, message: nil).render(in: Self.context(principal, path: "/reporting"))
        XCTAssertTrue(html.contains("8700"), "the draft figure is in its field")
        assertSnapshot(of: Self.readable(html), as: .lines)
    }

    /// One element per line, so a snapshot's diff names the element that changed.
    static func readable(_ html: String) -> String {
        html.replacingOccurrences(of: "><", with: ">\n<")
    }
}
