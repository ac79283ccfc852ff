import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// 民生实事码上通: public project pages and their QR codes.
final class PublicPageTests: XCTestCase {
    func testQRCodesDecodeBackToTheTextAtEveryLevel() throws {
        let short = "https://minsheng.example.cn/p/42"
        let chinese = "https://minsheng.example.cn/p/42?name=邵东市第一中学新校区"
        let long = "https://minsheng.example.cn/projects/" + String(repeating: "xiaoqu-", count: 40)  // past version 9: 16-bit count
        for text in [short, chinese, long] {
            for level in QRCode.Level.allCases {
                let code = try QRCode(text: text, level: level)
                for moduleSize in [3, 8] {
                    XCTAssertEqual(try ZBar.decode(code.png(moduleSize: moduleSize)), text, "\(level) v\(code.version) ×\(moduleSize)")
                }
            }
        }
        XCTAssertLessThan(try QRCode(text: long, level: .low).version, try QRCode(text: long, level: .high).version)
    }

    func testThePublicPageShowsClosedMonthsOnlyAndItsQRCodeLeadsBackToIt() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let visitor = TestBrowser(app)  // never signs in
            let before = try await visitor.get("/p/\(project)")
            XCTAssertEqual(before.status, .ok)
            XCTAssertTrue(before.body.contains("尚无已关账"), "no month is closed in the demo: no figure is public")
            XCTAssertFalse(before.body.contains("97.78%"))
            XCTAssertLessThan(before.data.count, 100 * 1024)

            // the city office closes October: its figures become public (reference 000: 97.78%, 邵东市 100.00%)
            try await EvidenceTests.Office(app).close(month: 10)
            let whole = try await visitor.get("/p/\(project)")
            XCTAssertTrue(whole.body.contains("97.78%") && whole.body.contains("截至 2024 年 10 月底"))
            XCTAssertTrue(whole.body.contains("/p/\(project)/\(shaodong)"), "links to each region's page")
            // a November figure submitted but not closed stays private
            let reporter = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first())
            let indicator = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$project.$id == project).first()?.id)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            _ = try await ReportingService(db: app.db).save(planID: resolved.planID, month: 11,
                entries: [.init(indicatorID: indicator, regionID: shaodong, quantity: "", progress: "55", note: "")], submit: true,
                actor: .init(accountID: try reporter.requireID(), regionID: shaodong, unitID: reporter.$unit.id, isAdmin: false, isReporter: true),
                tree: try await RegionService(db: app.db).tree())
            let county = try await visitor.get("/p/\(project)/\(shaodong)")
            XCTAssertTrue(county.body.contains("100.00%") && !county.body.contains("55.00%"))

            // unknown projects and regions: a Chinese 404
            for path in ["/p/99999", "/p/\(project)/99999", "/p/abc"] {
                let page = try await visitor.get(path)
                XCTAssertEqual(page.status, .notFound, path)
                XCTAssertTrue(page.body.contains("没有找到"), path)
            }
            // every offered level and a range of sizes decode to the page's absolute address
            for level in ["L", "M", "Q", "H"] {
                for size in [2, 8, 20] {
                    let png = try await visitor.get("/p/\(project)/\(shaodong)/qr.png?level=\(level)&size=\(size)")
                    XCTAssertEqual(png.headers.contentType, .png)
                    XCTAssertEqual(try ZBar.decode(png.data), "http://127.0.0.1:8080/p/\(project)/\(shaodong)", "\(level) \(size)")
                }
            }
            let svg = try await visitor.get("/p/\(project)/qr.svg")
            XCTAssertTrue(svg.body.hasPrefix("<svg") && svg.body.contains("<path"))
            try await XCTAssertEqualAsync(try await visitor.get("/p/\(project)/qr.png?level=X").status, .badRequest)
        }
    }
}
