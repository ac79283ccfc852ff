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

    /// One element per line, so a snapshot's diff names the element that changed.
    static func readable(_ html: String) -> String {
        html.replacingOccurrences(of: "><", with: ">\n<")
    }
}
