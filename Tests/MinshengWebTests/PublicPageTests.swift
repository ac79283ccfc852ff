import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import ZIPFoundation

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
            // asked again, the page comes from the cache ahead of the router: same page, same headers, no session
            let again = try await visitor.get("/p/\(project)")
            XCTAssertEqual(again.body, whole.body)
            for page in [whole, again] {
                XCTAssertEqual(page.headers.first(name: "X-Frame-Options"), "DENY")
                XCTAssertEqual(page.headers.first(name: "X-Content-Type-Options"), "nosniff")
                XCTAssertTrue(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
                XCTAssertEqual(page.headers.contentType, .html)
                XCTAssertNil(page.headers.first(name: .setCookie))
            }
            // a November figure submitted but not closed stays private
            let reporter = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first())
            let indicator = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$project.$id == project).first()?.id)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            _ = try await ReportingService(db: app.db).save(planID: resolved.planID, month: 11,
                entries: [.init(indicatorID: indicator, regionID: shaodong, quantity: "", progress: "55", note: "", decreaseReason: "重新核定")], submit: true,
                actor: .init(accountID: try reporter.requireID(), regionID: shaodong, unitID: reporter.$unit.id, roles: [.reporter]),
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

/// Disclosure items: who may publish, what is refused, and how they appear on the public page.
final class DisclosureTests: XCTestCase {
    func testUnitsPublishTheOfficeWithdrawsAndTextIsShownAsText() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let db = app.db
            let tree = try await RegionService(db: db).tree()
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "邵东市").first()?.id)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "双清区").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            func actor(_ username: String, admin: Bool = false, reporter: Bool = false) async throws -> Actor {
                let account = try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == username).first())
                return .init(accountID: try account.requireID(), regionID: account.$region.id, unitID: account.$unit.id, roles: Set([admin ? Role.admin : nil, reporter ? .reporter : nil].compactMap { $0 }))
            }
            let reporter = try await actor("reporter", reporter: true)
            let service = DisclosureService(db: db)
            let hostile = "<script>alert('x')</script>开工仪式"
            let item = try await service.publish(projectID: project, regionID: shaodong,
                                                 draft: .init(category: "news", title: hostile, date: "2024-10-08", body: "第一段\n<b>第二段</b>", link: ""),
                                                 files: [], actor: reporter, tree: tree)
            // shown as text on the project's page and the item's own page
            let visitor = TestBrowser(app)
            let page = try await visitor.get("/p/\(project)/\(shaodong)")
            XCTAssertTrue(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;开工仪式") || page.body.contains("&lt;script&gt;alert('x')&lt;/script&gt;开工仪式"))
            XCTAssertFalse(page.body.contains("<script>"))
            let full = try await visitor.get("/p/i/\(try item.requireID())")
            XCTAssertEqual(full.status, .ok)
            XCTAssertTrue(full.body.contains("&lt;b&gt;第二段&lt;/b&gt;") && !full.body.contains("<b>第二段"))
            // refused whole: over-long text, a link that is not a web address, a date outside the year, someone else's region
            let refusals: [(DisclosureService.Draft, Int, String)] = [
                (.init(category: "news", title: "长文", date: "2024-10-09", body: String(repeating: "字", count: 20_001), link: ""), shaodong, "不能超过 20000 字"),
                (.init(category: "news", title: "链接", date: "2024-10-09", body: "", link: "javascript:alert(1)"), shaodong, "链接应为"),
                (.init(category: "news", title: "日期", date: "2023-10-09", body: "正文", link: ""), shaodong, "日期应为 2024 年内"),
                (.init(category: "其他", title: "类别", date: "2024-10-09", body: "正文", link: ""), shaodong, "请选择信息类别"),
            ]
            for (draft, region, message) in refusals {
                do {
                    _ = try await service.publish(projectID: project, regionID: region, draft: draft, files: [], actor: reporter, tree: tree)
                    XCTFail("published: \(message)")
                } catch let error as ServiceError { XCTAssertTrue(error.message.contains(message), error.message) }
            }
            do {
                _ = try await service.publish(projectID: project, regionID: shuangqing, draft: .init(category: "news", title: "越权", date: "2024-10-09", body: "x", link: ""),
                                              files: [], actor: reporter, tree: tree)
                XCTFail("published for another region")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            try await XCTAssertEqualAsync(try await Disclosure.query(on: db).count(), 1)
            // the city office withdraws it, with a reason; it leaves the public page
            let office = try await actor("admin", admin: true)
            do {
                try await service.withdraw(id: try item.requireID(), reason: " ", actor: office, tree: tree)
                XCTFail("withdrawn without a reason")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            try await service.withdraw(id: try item.requireID(), reason: "内容与项目无关", actor: office, tree: tree)
            let after = try await visitor.get("/p/\(project)/\(shaodong)")
            XCTAssertFalse(after.body.contains("开工仪式"))
            try await XCTAssertEqualAsync(try await visitor.get("/p/i/\(try item.requireID())").status, .notFound)
        }
    }
}

/// Reference 000 附件2 rebuilt from items: the projects short of the year's 工作动态.
final class DisclosureComplianceTests: XCTestCase {
    /// Transcribed from reference 000 (邵阳市 1-10 月通报) 附件2, page 10: region, responsible unit, project,
    /// 新闻动态, 工作总结, 工作专报, 典型案例, 总数.
    static let annex2: [(String, String, String, Int, Int, Int, Int, Int)] = [
        ("双清区", "区妇联", "家庭教育指导服务“向阳花”行动", 7, 0, 1, 0, 8),
        ("双清区", "区民政局", "提高城乡低保标准", 7, 0, 1, 0, 8),
        ("双清区", "区民政局", "提高残疾人“两项补贴”标准", 4, 0, 3, 0, 7),
        ("双清区", "区民政局", "提高孤儿和事实无人抚养儿童基本生活最低保障", 8, 0, 0, 0, 8),
        ("双清区", "区妇联", "农村适龄及城镇低保适龄妇女“两癌”免费检查", 7, 0, 2, 0, 9),
        ("双清区", "区残联", "困难重度残疾人家庭无障碍改造", 6, 0, 3, 0, 9),
        ("双清区", "区残联", "康复救助残疾儿童", 9, 0, 0, 0, 9),
        ("双清区", "区民政局", "建设老年助餐服务点", 2, 0, 0, 0, 2),
        ("双清区", "区民政局", "实施特殊困难老年人家庭适老化改造", 5, 1, 1, 0, 7),
        ("双清区", "区教育局", "提质改造“爱晚”老年学校", 0, 0, 0, 0, 0),
        ("大祥区", "区卫健委", "新生儿疾病免费筛查与诊断服务", 1, 5, 0, 0, 6),
        ("大祥区", "区卫健委", "普惠性托育“护蕾”行动", 1, 2, 0, 0, 3),
        ("大祥区", "区残联", "困难重度残疾人家庭无障碍改造", 5, 1, 0, 0, 6),
        ("新邵县", "县人社局", "社会保障卡居民服务“一卡通”", 0, 0, 8, 0, 8),
        ("隆回县", "县住建局", "保障性租赁住房建设", 3, 6, 0, 0, 9),
        ("新宁县", "县教育局", "建成县域普通高中“徐特立项目”", 6, 0, 2, 0, 8),
        ("城步苗族自治县", "县卫健委", "新生儿疾病免费筛查与诊断服务", 1, 1, 0, 0, 2),
        ("城步苗族自治县", "县民政局", "提高城乡低保标准", 0, 2, 0, 0, 2),
        ("城步苗族自治县", "县民政局", "提高残疾人“两项补贴”标准", 0, 0, 1, 0, 1),
        ("城步苗族自治县", "县民政局", "提高孤儿和事实无人抚养儿童基本生活最低保障", 0, 2, 0, 0, 2),
        ("城步苗族自治县", "县人社局", "促进高质量充分就业", 5, 3, 1, 0, 9),
        ("城步苗族自治县", "县民政局", "建设老年助餐服务点", 3, 3, 0, 0, 6),
        ("城步苗族自治县", "县水利局", "农村水源保障及灌溉能力提升", 4, 2, 2, 0, 8),
    ]

    func testReference000Annex2IsRebuiltFromTheItems() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let db = app.db
            let tree = try await RegionService(db: db).tree()
            let resolved = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let admin = try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == "admin").first()?.id)
            let before = try await XCTUnwrapAsync(try await DisclosureComplianceService(db: db).report(planID: resolved.planID, month: 10, tree: tree))
            XCTAssertEqual(before.requiredTotal, 10, "one a month from March: 10 in the year (reference 000's note)")
            let short = Dictionary(uniqueKeysWithValues: Self.annex2.map { ("\($0.0)\u{1}\($0.2)", $0) })
            var items: [Disclosure] = []
            func add(_ row: DisclosureComplianceService.Row, _ category: DisclosureCategory, _ count: Int) {
                for i in 0..<count {
                    items.append(Disclosure(projectID: row.projectID, regionID: row.regionID, unitID: nil, category: category,
                                            title: "\(row.project)\(category.label)\(i + 1)", publishedOn: String(format: "2024-%02d-15", 3 + i % 8),
                                            body: "正文", link: nil, createdBy: admin, at: Date()))
                }
            }
            var matched = 0
            for row in before.rows {
                if let r = short["\(row.region)\u{1}\(row.project)"] {
                    matched += 1
                    add(row, .news, r.3); add(row, .summary, r.4); add(row, .report, r.5); add(row, .typicalCase, r.6)
                } else {
                    add(row, .news, 10)  // meets the year's requirement: not listed
                    // 大祥区's other projects also publish the required categories: they complete the year's task
                    if row.region == "大祥区" { add(row, .policy, 1); add(row, .content, 1); add(row, .detail, 1) }
                }
            }
            XCTAssertEqual(matched, Self.annex2.count, "every listed project runs in its region in the demo")
            var start = 0
            while start < items.count {
                try await Array(items[start..<min(start + 200, items.count)]).create(on: db)
                start += 200
            }
            let report = try await XCTUnwrapAsync(try await DisclosureComplianceService(db: db).report(planID: resolved.planID, month: 10, tree: tree))
            let rebuilt = report.short.map { row in
                "\(row.region)|\(row.unit ?? "")|\(row.project)|\(row.counts[.news] ?? 0)|\(row.counts[.summary] ?? 0)|\(row.counts[.report] ?? 0)|\(row.counts[.typicalCase] ?? 0)|\(row.updates)"
            }
            let expected = Self.annex2.map { "\($0.0)|\($0.1)|\($0.2)|\($0.3)|\($0.4)|\($0.5)|\($0.6)|\($0.7)" }
            XCTAssertEqual(Set(rebuilt), Set(expected))
            XCTAssertEqual(rebuilt.count, 23)
            // 双清区: 10 of its projects are short (reference 000 附件2), and nothing has policy, content and details yet
            let shuangqing = report.table.completionByRegion.first { $0.region == "双清区" }
            XCTAssertEqual(shuangqing?.completed, 0)
            // 大祥区: every project but the three listed in 附件2 completes it
            let daxiang = report.table.completionByRegion.first { $0.region == "大祥区" }
            let daxiangProjects = report.rows.filter { $0.region == "大祥区" }.count
            XCTAssertEqual(daxiang?.projects, daxiangProjects)
            XCTAssertEqual(daxiang?.completed, daxiangProjects - 3)
            XCTAssertEqual(report.table.short.filter { $0.region == "双清区" }.count, 10)
            // the month-by-month matrix (reference 002 附表4's shape): 爱晚 in 双清区 has no update in any month
            let aiwan = try XCTUnwrap(report.rows.first { $0.region == "双清区" && $0.project == "提质改造“爱晚”老年学校" })
            XCTAssertEqual(aiwan.monthly, [3: false, 4: false, 5: false, 6: false, 7: false, 8: false, 9: false, 10: false])
        }
    }
}

/// Publishing through the staff pages, and the office's quality flags.
final class DisclosurePublishingTests: XCTestCase {
    func testAUnitPublishesWithAPhotoAndTheOfficeSeesRepeatsAndMisfiledReports() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let list = try await reporter.get("/disclosures")
            XCTAssertTrue(list.body.contains("/disclosures/new?project=\(project)&amp;region=\(shaodong)"), "its unit's project is offered")
            _ = try await reporter.get("/disclosures/new?project=\(project)&region=\(shaodong)")
            let photo = EvidenceUploadTests.jpeg
            func publish(_ category: String, _ title: String, _ body: String) async throws -> TestBrowser.Page {
                try await reporter.uploadFiles("/disclosures/upload", fields: [("project", "\(project)"), ("region", "\(shaodong)"), ("category", category),
                                                                             ("title", title), ("date", "2024-10-08"), ("body", body), ("link", "")],
                                               files: [("开工现场.jpg", photo)])
            }
            let first = try await publish("news", "邵东市第一中学新校区开工", "10月8日，邵东市第一中学新校区举行开工仪式，总投资3.2亿元，新增学位3000个。")
            XCTAssertEqual(first.status, .seeOther, first.body)
            let repeated = try await publish("news", "邵东市第一中学新校区开工！", "又一次发布同一条新闻。")
            XCTAssertEqual(repeated.status, .seeOther)
            let misfiled = try await publish("report", "新校区施工现场照片", "见图")
            XCTAssertEqual(misfiled.status, .seeOther)
            let refused = try await publish("news", "", "")
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("请填写标题"))
            try await XCTAssertEqualAsync(try await Disclosure.query(on: app.db).count(), 3)
            // the public page shows the photo, the office sees the flags
            let item = try await XCTUnwrapAsync(try await Disclosure.query(on: app.db).with(\.$files).sort(\.$id).first())
            let publicItem = try await TestBrowser(app).get("/p/i/\(item.id ?? 0)")
            XCTAssertTrue(publicItem.body.contains("/p/f/\(item.files.first?.id ?? 0)"))
            try await XCTAssertEqualAsync(try await TestBrowser(app).get("/p/f/\(item.files.first?.id ?? 0)").data, photo)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let flags = try await office.get("/disclosures")
            XCTAssertTrue(flags.body.contains("滥竽充数：与已发布的“邵东市第一中学新校区开工”标题相同"), flags.body)
            XCTAssertTrue(flags.body.contains("张冠李戴：标题含“现场照片”"))
        }
    }
}

/// 亮码 posters: one A4 page a project and region, its QR code leading to the public page.
final class PosterTests: XCTestCase {
    func testThePosterCarriesAQRCodeOfItsPageAndARegionsPostersComeAsOneZip() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let visitor = TestBrowser(app)
            let poster = try await visitor.get("/p/\(project)/\(shaodong)/poster")
            XCTAssertEqual(poster.status, .ok)
            XCTAssertTrue(poster.body.contains("建成县域普通高中“徐特立项目”") && poster.body.contains("责任单位：市教育局"))
            // one A4 sheet: the page box is A4 and the sheet 210 × 296 mm, nothing outside it
            XCTAssertTrue(poster.body.contains("@page{size:A4 portrait;margin:0}") && poster.body.contains(".sheet{width:210mm;height:296mm;overflow:hidden"))
            let base64 = try XCTUnwrap(poster.body.range(of: "data:image/png;base64,").map { poster.body[$0.upperBound...].prefix { $0 != "\"" } })
            XCTAssertEqual(try ZBar.decode(try XCTUnwrap(Data(base64Encoded: String(base64)))), "http://127.0.0.1:8080/p/\(project)/\(shaodong)")

            // The region's zip is for its office (it costs seconds to make).
            let office = TestBrowser(app)
            try await office.signIn("shaodong", DemoLoader.password)
            let zip = try await office.get("/posters/\(shaodong)")
            XCTAssertEqual(zip.status, .ok)
            XCTAssertTrue(zip.headers.first(name: .contentDisposition)?.contains("%E9%82%B5%E4%B8%9C%E5%B8%82") == true, "named after 邵东市")
            let archive = try Archive(data: zip.data, accessMode: .read)
            let entries = Array(archive)
            let expected = try await PublicProjectService(db: app.db).projects(inRegion: shaodong).count
            XCTAssertEqual(entries.count, expected)
            XCTAssertGreaterThan(entries.count, 20)
            XCTAssertTrue(entries.contains { $0.path.hasSuffix("-建成县域普通高中“徐特立项目”.html") })
            try await XCTAssertEqualAsync(try await office.get("/posters/99999").status, .notFound)
        }
    }
}

/// Reference 002 附表4 rebuilt: 湘乡市's provincial projects and the months they posted 工作动态.
final class MonthlyUpdateMatrixTests: XCTestCase {
    /// Transcribed from reference 002 (湘乡市 1-9 月调度通报) 附表4 “省级项目每月动态情况统计表”, columns 3–9 月
    /// ("√" = posted). The unit column is merged in the original; two √ come out of the text layer as "~" (row 14,
    /// 9 月) and "4" (row 22, 7 月) and are read as √.
    static let annex4: [(unit: String, project: String, months: [Int])] = [
        ("人社局", "促进高质量充分就业", [3, 5, 6, 7, 8, 9]),
        ("人社局", "社会保障卡居民服务“一卡通”", [7, 8, 9]),
        ("教育局", "建成县域普通高中“徐特立项目”", [3, 8, 9]),
        ("教育局", "提质改造“爱晚”老年学校", [8, 9]),
        ("民政局", "提高城乡低保标准", [8, 9]),
        ("民政局", "提高残疾人“两项补贴”标准", [4, 5, 8, 9]),
        ("民政局", "提高孤儿和事实无人抚养儿童基本生活最低保障", [8, 9]),
        ("民政局", "建设老年助餐服务点", [7, 8, 9]),
        ("民政局", "实施特殊困难老年人家庭适老化改造", [4, 5, 8, 9]),
        ("数据局", "数字政务提质增效惠民工程", [5, 6, 7, 8, 9]),
        ("交通运输局", "农村“三路”建设及农村公路安防", [6, 8, 9]),
        ("残联", "困难重度残疾人家庭无障碍改造", [3, 5, 7, 8, 9]),
        ("残联", "康复救助残疾儿童", [5, 7, 8, 9]),
        ("卫生健康局", "新生儿疾病免费筛查与诊断服务", [8, 9]),
        ("卫生健康局", "普惠性托育“护蕾”行动", [5, 8, 9]),
        ("妇联", "家庭教育指导服务“向阳花”行动", [3, 5, 6, 7, 8, 9]),
        ("妇联", "农村适龄及城镇低保适龄妇女“两癌”免费检查", [5, 7, 8, 9]),
        ("司法局", "法律援助", [5, 8, 9]),
        ("应急管理局", "基层防灾能力提升", [6, 8, 9]),
        ("住建局", "开工改造城镇老旧小区", [5, 7, 8, 9]),
        ("住建局", "保障性租赁住房建设", [8, 9]),
        ("文旅广体局", "市县两级应急广播建设工程", [7, 8, 9]),
        ("水利局", "农村水源保障及灌溉能力提升", [8, 9]),
    ]

    func testReference002Annex4IsRebuiltFromTheItems() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let db = app.db
            // 湘乡市's plan: one indicator a project, owned by 湘乡市 itself (not decomposed)
            var rows = [PlanFile.header]
            for (index, entry) in Self.annex4.enumerated() {
                rows.append(["省定", "\(index + 1)", "省级民生实事", entry.project, entry.project, "项", "进度", "求和", entry.unit, "湘乡市", "1"])
            }
            _ = try await PlanImporter(db: db).importPlan(try PlanFile.parse(rows: rows), regionName: "湘乡市", year: 2024, createRegions: true, by: nil)
            let tree = try await RegionService(db: db).tree()
            let xiangxiang = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "湘乡市").first()?.id)
            let plan = try await ProgressReportService(db: db).resolve(regionName: "湘乡市", year: 2024, level: .province).planID
            let admin = try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == "admin").first()?.id)
            for entry in Self.annex4 {
                let project = try await XCTUnwrapAsync(try await Project.query(on: db).filter(\.$name == entry.project).join(Item.self, on: \Project.$item.$id == \Item.$id)
                    .filter(Item.self, \.$plan.$id == plan).first()?.id)
                for month in entry.months {
                    try await Disclosure(projectID: project, regionID: xiangxiang, unitID: nil, category: .news, title: "\(entry.project)\(month)月动态",
                                         publishedOn: String(format: "2024-%02d-10", month), body: "正文", link: nil, createdBy: admin, at: Date()).create(on: db)
                }
            }
            let report = try await XCTUnwrapAsync(try await DisclosureComplianceService(db: db).report(planID: plan, month: 9, tree: tree))
            XCTAssertEqual(report.rows.count, 23)
            for (row, expected) in zip(report.rows, Self.annex4) {
                XCTAssertEqual(row.project, expected.project)
                XCTAssertEqual(row.unit, expected.unit)
                XCTAssertEqual((3...9).filter { row.monthly[$0] == true }, expected.months, expected.project)
            }
            // the matrix as the CSV prints it: 促进高质量充分就业 — √ in 3, 5, 6, 7, 8, 9 月
            let csv = DisclosureExport.csv(report.table)
            XCTAssertTrue(csv.contains("1,湘乡市,人社局,促进高质量充分就业,6,0,0,0,6,√,,√,√,√,√,√,"), csv.prefix(500).description)
            // as reference 002 says, no project has kept to the rule since March
            XCTAssertEqual(report.rows.filter { $0.monthly.values.allSatisfy { $0 } }.count, 0)
        }
    }
}

/// The 信息公开考核 page, its exports and the office's monthly-update rule; editing an item.
final class DisclosureCompliancePageTests: XCTestCase {
    func testTheDemoCarriesReference000Annex2AndTheOfficeSetsTheRule() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let plan = resolved.planID
            let tree = try await RegionService(db: app.db).tree()
            // the demo's items give exactly the 23 projects of reference 000 附件2 (this file's own transcription)
            let report = try await XCTUnwrapAsync(try await DisclosureComplianceService(db: app.db).report(planID: plan, month: 10, tree: tree))
            let rebuilt = Set(report.short.map {
                "\($0.region)|\($0.project)|\($0.counts[.news] ?? 0)|\($0.counts[.summary] ?? 0)|\($0.counts[.report] ?? 0)|\($0.counts[.typicalCase] ?? 0)|\($0.updates)"
            })
            XCTAssertEqual(rebuilt, Set(DisclosureComplianceTests.annex2.map { "\($0.0)|\($0.2)|\($0.3)|\($0.4)|\($0.5)|\($0.6)|\($0.7)" }))

            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let page = try await office.get("/plans/\(plan)/disclosure?month=10")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("未达到动态更新要求的项目（23 个）"), "reference 000 附件2 lists 23")
            XCTAssertTrue(page.body.contains("全年应达 10 条"), "one a month from March: 10")
            // only the two planted faults are flagged: a repeated news item and photos filed as a report
            XCTAssertTrue(page.body.contains("质量核查（2 条）"))
            XCTAssertTrue(page.body.contains("张冠李戴：标题含“现场照片”"))
            XCTAssertTrue(page.body.contains("滥竽充数：与已发布的"))
            let csv = try await office.get("/plans/\(plan)/disclosure.csv?month=10")
            XCTAssertTrue(csv.body.hasPrefix("\u{FEFF}邵阳市2024年重点民生实事项目动态情况统计表（截至10月）") || csv.body.hasPrefix("邵阳市2024年重点民生实事项目动态情况统计表（截至10月）"))
            let xlsx = try await office.get("/plans/\(plan)/disclosure.xlsx?month=10")
            XCTAssertEqual(Array(xlsx.data.prefix(2)), [0x50, 0x4B], "a zip container")

            // a county office may look at its own county, not at another, and may not change the city's rule
            let shaodongID = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let shuangqingID = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let county = TestBrowser(app)
            try await county.signIn("shaodong", "minsheng2024")
            try await XCTAssertEqualAsync(try await county.get("/plans/\(plan)/disclosure").status, .ok)
            let other = try await county.get("/plans/\(plan)/disclosure?region=\(shuangqingID)")
            XCTAssertNotEqual(other.status, .ok)
            let refused = try await county.post("/plans/\(plan)/disclosure/rule", [("fromMonth", "5"), ("minimum", "2"), ("region", "\(shaodongID)")])
            XCTAssertEqual(refused.status, .forbidden)
            try await XCTAssertEqualAsync(try await Plan.find(plan, on: app.db)?.updateRule, UpdateRule(fromMonth: 3, minimum: 1))

            // nonsense is refused with a Chinese message and nothing changes
            for (from, minimum) in [("0", "1"), ("13", "1"), ("3", "0"), ("3", "abc"), ("3'; DROP TABLE plans; --", "1")] {
                let answer = try await office.post("/plans/\(plan)/disclosure/rule", [("fromMonth", from), ("minimum", minimum)])
                XCTAssertEqual(answer.status, .seeOther)
                let shown = try await office.get(try XCTUnwrap(answer.location))
                XCTAssertTrue(shown.body.contains("应在 1 至 12 之间") || shown.body.contains("应为 1 至 31 之间的整数"), "\(from) \(minimum)")
                try await XCTAssertEqualAsync(try await Plan.find(plan, on: app.db)?.updateRule, UpdateRule(fromMonth: 3, minimum: 1))
            }
            // the office sets two a month from May: the year needs 2 × 8 months (May–December) = 16
            let saved = try await office.post("/plans/\(plan)/disclosure/rule", [("fromMonth", "5"), ("minimum", "2")])
            XCTAssertEqual(saved.status, .seeOther)
            let after = try await office.get("/plans/\(plan)/disclosure?month=10")
            XCTAssertTrue(after.body.contains("自 5 月起，每个项目每月至少发布 2 条工作动态") && after.body.contains("全年应达 16 条"))
            let audit = try await XCTUnwrapAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "plan.update_rule").first())
            XCTAssertTrue(audit.detail.contains("自 3 月起每月 1 条 → 自 5 月起每月 2 条"))
        }
    }

    func testTheAuthorEditsItsItemAndNoOneElseCan() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let reporter = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first()?.id)
            let item = try await XCTUnwrapAsync(try await Disclosure.query(on: app.db).filter(\.$author.$id == reporter).filter(\.$category == "news").first())
            let id = try item.requireID()
            let author = TestBrowser(app)
            try await author.signIn("reporter", "minsheng2024")
            let form = try await author.get("/disclosures/\(id)/edit")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains("修改信息"))
            // an empty title is refused and the item stays as it was
            let refused = try await author.post("/disclosures/\(id)/edit", [("category", "news"), ("title", ""), ("date", item.publishedOn), ("body", "x"), ("link", "")])
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("请填写标题"))
            try await XCTAssertEqualAsync(try await Disclosure.find(id, on: app.db)?.title, item.title)
            // the author's change reaches the public page
            let visitor = TestBrowser(app)
            _ = try await visitor.get("/p/i/\(id)")
            let saved = try await author.post("/disclosures/\(id)/edit", [("category", "news"), ("title", "<b>新校区</b>主体封顶"), ("date", item.publishedOn),
                                                                          ("body", "第一段\n第二段"), ("link", "")])
            XCTAssertEqual(saved.status, .seeOther)
            let shown = try await visitor.get("/p/i/\(id)")
            XCTAssertTrue(shown.body.contains("&lt;b&gt;新校区&lt;/b&gt;主体封顶") && shown.body.contains("第二段"), "the new title, as text, and text")
            try await XCTAssertEqualAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "disclosure.edit").count(), 1)
            // the city office may withdraw it but not edit it; nor may anyone signed out
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            try await XCTAssertEqualAsync(try await office.get("/disclosures/\(id)/edit").status, .notFound)
            let foreign = try await office.post("/disclosures/\(id)/edit", [("category", "news"), ("title", "改"), ("date", item.publishedOn), ("body", ""), ("link", "")])
            XCTAssertEqual(foreign.status, .notFound)
            try await XCTAssertEqualAsync(try await Disclosure.find(id, on: app.db)?.title, "<b>新校区</b>主体封顶")
            let signedOut = try await TestBrowser(app).get("/disclosures/\(id)/edit")
            XCTAssertNotEqual(signedOut.status, .ok)
        }
    }
}
