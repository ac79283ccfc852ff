import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// The bulletins Minsheng writes from the demo (reference 000) and from reference 002's
/// transcription, read back as text, as tables, and as .docx by an independent reader.
final class BulletinTests: XCTestCase {
    struct Demo {
        let app: Application
        let tree: RegionTree
        let city: Int
        let admin: Actor
    }

    func demo(_ app: Application) async throws -> Demo {
        _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
        let tree = try await RegionService(db: app.db).tree()
        let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
        let admin = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "admin").first())
        return Demo(app: app, tree: tree, city: city, admin: Actor(accountID: try admin.requireID(), regionID: city, unitID: admin.$unit.id, roles: [.admin]))
    }

    func october(_ d: Demo, kind: BulletinKind = .monthly, layout: BulletinLayout = .progress, annexes: [BulletinAnnexKind]? = nil) async throws -> Bulletin {
        try await BulletinService(db: d.app.db).compose(regionID: d.city, draft: .init(kind: kind, period: BulletinPeriod(year: 2024, month: 10), level: nil,
                                                                                        layout: layout, annexes: annexes ?? BulletinAnnexKind.defaults(for: kind)),
                                                        date: "2024-11-05", tree: d.tree)
    }

    func paragraph(_ b: Bulletin, _ key: String) -> String {
        b.sections.flatMap(\.paragraphs).first { $0.key == key }.map { ($0.lead ?? "") + $0.text } ?? ""
    }

    func testTheMonthlyBulletinSaysWhatReference000Says() async throws {
        try await TestApp.run { app in
            let b = try await october(try await demo(app))
            XCTAssertEqual(b.title, "关于2024年1-10月重点民生实事工作推进情况的通报")
            XCTAssertEqual(b.sections.map(\.heading), ["工作推进情况", "存在问题"], "no narrative written: its sections are left out")
            // 市定, reference 000 正文: "14 个指标中，5 个指标已完成全年目标任务，8 个指标按序时推进，“化解超期安置 3200 户”1 个指标未达序时",
            // counted by every region's share as the plan says (附件3's 全市 figure for 化解 is 29.34%).
            let city = paragraph(b, "progress.city")
            XCTAssertTrue(city.hasPrefix("（二）市定重点民生实事。截至10月底，全市市定10件重点民生实事14个项目中"), city)
            XCTAssertTrue(city.contains("14个指标中，5个指标已完成全年目标任务，8个指标按序时推进，“化解超期安置3200户”（29.34%）1个指标未达序时"), city)
            XCTAssertTrue(city.hasSuffix("（详情见附件2）"), city)
            // 省定: the bulletin prints "24 个项目…12 个项目已提前完成全年目标任务，12 个项目按序时进度正常推进".
            // Its own 附件1 gives 14 completed and 10 on schedule by the 全市 column (counted by hand in
            // CountingRuleTests): the figures cannot reproduce 12 / 12, so Minsheng says 14 / 10.
            let province = paragraph(b, "progress.province")
            XCTAssertTrue(province.contains("全市省定10件重点民生实事24个项目中，14个项目已完成全年目标任务，10个项目按序时进度推进"), province)
            XCTAssertTrue(province.hasSuffix("（详情见附件1）"), province)
            // 存在问题 (一), reference 000: "全市县市区层面 263 个项目，目前有邵阳县、隆回县的‚普惠性托育‘护蕾’行动‛，城步苗族自治县的
            // ‚提质改造‘爱晚’老年学校‛，洞口县的‚农村公路提质改造‛4 个项目进展迟缓，未达到序时进度"
            let lagging = paragraph(b, "problem.lagging")
            XCTAssertTrue(lagging.contains("省定县市区层面263个项目，目前有邵阳县、隆回县的“普惠性托育‘护蕾’行动”，城步苗族自治县的“提质改造‘爱晚’老年学校”"), lagging)
            XCTAssertTrue(lagging.contains("4个项目进展迟缓，未达到序时进度"), lagging)
            XCTAssertTrue(lagging.contains("市定“化解超期安置3200户”进度29.34%，低于序时进度83.33%"), lagging)
            // A paragraph per lagging project, headed by the project and its lead unit.
            XCTAssertTrue(b.sections.flatMap(\.paragraphs).contains { $0.lead == "化解超期安置3200户项目（牵头单位：市住建局）：" },
                          b.sections.flatMap(\.paragraphs).compactMap(\.lead).joined(separator: " | "))
            // 信息公开: reference 000 "双清区、城步苗族自治县仍有超过 30%的项目未完成年度信息公开任务".
            let disclosure = paragraph(b, "problem.disclosure")
            XCTAssertTrue(disclosure.contains("双清区、城步苗族自治县仍有超过30%的项目未完成信息公开任务"), disclosure)
            XCTAssertTrue(disclosure.contains("23个未达到每月动态更新要求"), disclosure)

            // The three attachments of reference 000, in order: 附件1 省定, 附件3 市定 (here the second), 附件2.
            XCTAssertEqual(b.annexes.map(\.kind), [.progress, .progress, .disclosure])
            let annex1 = b.annexes[0].table
            XCTAssertEqual(annex1.head[0].prefix(8).map(\.text), ["序号", "实事名称", "项目名称", "指标任务", "单位", "推进情况", "全市", "双清区"])
            // 附件1's first row: 徐特立 形象进度 97.78% / / / 100% 100% 90.00% …
            let first = annex1.body[0].map(\.text)
            XCTAssertEqual(Array(first.suffix(from: 5).prefix(9)), ["形象进度", "97.78%", "/", "/", "/", "100.00%", "100.00%", "90.00%", "100.00%"])
            // 附件3's row for 化解超期安置: 29.34% and 双清区 below the schedule (marked).
            let resettlement = try XCTUnwrap(b.annexes[1].table.body.first { $0.contains { $0.text == "化解超期安置3200户" && $0.left } })
            XCTAssertTrue(resettlement.contains { $0.text == "29.34%" && $0.mark == "lagging" })
            // 附件2: the 23 projects below ten 工作动态, e.g. "双清区 区教育局 提质改造“爱晚”老年学校 0 0 0 0 0".
            let annex2 = b.annexes[2].table
            XCTAssertEqual(annex2.body.count, 23)
            XCTAssertTrue(annex2.body.contains { $0.map(\.text).suffix(7) == ["双清区", "区教育局", "提质改造“爱晚”老年学校", "0", "0", "0", "0", "0"][...].suffix(7) || ($0.map(\.text).dropFirst() == ["双清区", "区教育局", "提质改造“爱晚”老年学校", "0", "0", "0", "0", "0"]) },
                          annex2.body.map { $0.map(\.text).joined(separator: " ") }.joined(separator: "\n"))
            XCTAssertTrue(annex2.body.contains { $0.map(\.text).dropFirst() == ["双清区", "区妇联", "家庭教育指导服务“向阳花”行动", "7", "0", "1", "0", "8"] })
        }
    }

    func testThreeRowsPerIndicatorGiveTargetQuantityAndProgress() async throws {
        try await TestApp.run { app in
            let b = try await october(try await demo(app), layout: .full, annexes: [.progress])
            let table = b.annexes[0].table
            // Reference 000 附件1, 家庭教育指导服务: the 全市 task is 750 场 and the progress 103.73%.
            let start = try XCTUnwrap(table.body.firstIndex { $0.contains { $0.text == "线上线下场次" } })
            let rows = table.body[start...start + 2].map { $0.map(\.text) }
            XCTAssertEqual(rows[0].dropFirst(rows[0].count - table.head[0].count + 6).first, "750", "\(rows[0])")
            XCTAssertEqual(rows[1].first, "数量")
            XCTAssertEqual(rows[2].first, "进度")
            XCTAssertEqual(rows[2].dropFirst().first, "103.73%")
        }
    }

    func testReference002sThreeListsAsAttachments() async throws {
        try await TestApp.run { app in
            // Reference 002's 45 indicators imported as ProgressTests does (plan and September figures).
            var plan: [[String]] = [PlanFile.header]
            var progress: [[String]] = [ProgressFile.header]
            for (index, row) in Reference002.rows.enumerated() {
                plan.append([row.category == "省实事" ? "省定" : "市定", "\(index + 1)", row.name, row.name, row.name, "", "进度", "求和", row.lead, "湘乡市", row.target])
                progress.append(["2024-09", row.name, row.name, "湘乡市", row.quantity ?? "", row.quantity == nil ? row.printed + "%" : "", ""])
            }
            let importer = PlanImporter(db: app.db)
            _ = try await importer.importPlan(try PlanFile.parse(rows: plan), regionName: "湘乡市", year: 2024, createRegions: true, by: nil)
            _ = try await importer.importProgress(try ProgressFile.parse(rows: progress), regionName: "湘乡市", year: 2024, by: nil)
            let tree = try await RegionService(db: app.db).tree()
            let region = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "湘乡市").first()?.id)
            let b = try await BulletinService(db: app.db).compose(regionID: region, draft: .init(kind: .special, period: BulletinPeriod(year: 2024, month: 9), level: nil,
                                                                                               layout: .progress, annexes: [.lists]), date: "2024-09-27", tree: tree)
            // 附件 1–3 of reference 002: 25 completed, 19 at 75% or more, 1 below.
            XCTAssertEqual(b.annexes.map(\.title), ["湘乡市1-9月已完成的重点民生实事项目（25项）", "湘乡市1-9月进度在75%以上的重点民生实事项目（19项）",
                                                     "湘乡市1-9月进度在75%以下的重点民生实事项目（1项）"])
            XCTAssertEqual(Set(b.annexes[0].table.body.map { $0[2].text }), Set(Reference002.rows.filter { $0.list == 1 }.map(\.name)))
            XCTAssertEqual(Set(b.annexes[1].table.body.map { $0[2].text }), Set(Reference002.rows.filter { $0.list == 2 }.map(\.name)))
            let last = try XCTUnwrap(b.annexes[2].table.body.first).map(\.text)
            // "重点治理农村道路交通事故多发…隐患（处）": task 22, the document's progress in words ("已完成隐患整改7处"),
            // so its printed 32.0% is what was imported.
            XCTAssertEqual(last[1], "市定实事")
            XCTAssertEqual(last.suffix(3), ["22", "", "32.00%"])
            XCTAssertEqual(b.kind.masthead, "工作专报")
        }
    }

    func testIssuingNumbersFreezesAndDownloadsTheSameBytesAfterTheFiguresChange() async throws {
        try await TestApp.run { app in
            let d = try await demo(app)
            let service = BulletinService(db: app.db)
            let draft = BulletinService.Draft(kind: .monthly, period: BulletinPeriod(year: 2024, month: 10), level: .city, layout: .progress, annexes: [.progress])
            let first = try await service.create(regionID: d.city, draft: draft, actor: d.admin, tree: d.tree)
            var narrative = first.narrativeValue
            narrative.sections["measures"] = "压紧压实责任，紧盯项目进度。"
            narrative.edits["problem.lagging"] = "化解超期安置进度滞后，请市住建局加快推进。"
            try await service.update(id: try first.requireID(), narrative: narrative, layout: .progress, annexes: [.progress], actor: d.admin, tree: d.tree)
            let issued = try await service.issue(id: try first.requireID(), actor: d.admin, tree: d.tree, files: app.blobStore)
            XCTAssertEqual(issued.number, 1)
            let second = try await service.create(regionID: d.city, draft: draft, actor: d.admin, tree: d.tree)
            try await XCTAssertEqualAsync(try await service.issue(id: try second.requireID(), actor: d.admin, tree: d.tree, files: app.blobStore).number, 2)
            // Another kind is its own series: 工作专报 第 1 期.
            let special = try await service.create(regionID: d.city, draft: .init(kind: .special, period: draft.period, level: .city, layout: .progress, annexes: [.lists]),
                                                   actor: d.admin, tree: d.tree)
            try await XCTAssertEqualAsync(try await service.issue(id: try special.requireID(), actor: d.admin, tree: d.tree, files: app.blobStore).number, 1)
            await XCTAssertServiceErrorAsync(try await service.issue(id: try first.requireID(), actor: d.admin, tree: d.tree, files: app.blobStore), .conflict)
            await XCTAssertServiceErrorAsync(try await service.update(id: try first.requireID(), narrative: .init(), layout: .progress, annexes: [], actor: d.admin, tree: d.tree), .conflict)

            let frozen = try await service.bulletin(issued, tree: d.tree)
            XCTAssertEqual(frozen.number, 1)
            XCTAssertEqual(frozen.issueLine, "2024年第1期")
            XCTAssertEqual(frozen.sections.map(\.heading), ["工作推进情况", "主要工作举措", "存在问题"])
            XCTAssertEqual(paragraph(frozen, "problem.lagging"), "（一）个别指标进度滞后。化解超期安置进度滞后，请市住建局加快推进。", "the office's wording")
            let browser = TestBrowser(app)
            try await browser.signIn("admin", DemoLoader.password)
            let before = try await browser.get("/bulletins/\(try issued.requireID())/document.docx")
            XCTAssertEqual(before.status, .ok)
            XCTAssertEqual(before.headers.contentType?.subType, "vnd.openxmlformats-officedocument.wordprocessingml.document")

            // The figures change: the office reopens October, 双清区 reports 化解超期安置 done, and the office is renamed.
            let cityPlan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .city).planID
            try await ReportingService(db: app.db).reopen(planID: cityPlan, month: 10, reason: "更正化解超期安置数据", actor: d.admin, tree: d.tree)
            let rows = [ProgressFile.header, ["2024-10", "化解超期安置3200户", "化解超期安置3200户", "双清区", "100000", "", "已全部完成"]]
            _ = try await PlanImporter(db: app.db).importProgress(try ProgressFile.parse(rows: rows), regionName: "邵阳市", year: 2024, by: nil)
            try await service.saveOffice(regionID: d.city, name: "邵阳市实施民生可感行动工作专班办公室", seal: "", recipients: "", noticeMonths: "2", supervisionMonths: "3",
                                         supervisionPoints: "20", replyDays: "7", weights: [.progress: "1"], minimumCount: "1", actor: d.admin, tree: d.tree)
            let live = try await service.compose(regionID: d.city, draft: draft, date: "2024-11-06", tree: d.tree)
            XCTAssertNotEqual(paragraph(live, "progress.city"), paragraph(frozen, "progress.city"), "a draft follows the figures")
            XCTAssertEqual(live.office, "邵阳市实施民生可感行动工作专班办公室")
            let after = try await browser.get("/bulletins/\(try issued.requireID())/document.docx")
            XCTAssertEqual(after.data, before.data, "an issued bulletin downloads byte for byte as it was issued")
            XCTAssertFalse(after.data.isEmpty)
            let again = try await service.bulletin(try await service.record(id: try issued.requireID(), actor: d.admin, tree: d.tree), tree: d.tree)
            XCTAssertEqual(again, frozen)
        }
    }

    func testHostileTextStaysTextAndSixteenIssuesAtOnceGetSixteenNumbers() async throws {
        try await TestApp.run { app in
            let d = try await demo(app)
            let service = BulletinService(db: app.db)
            let hostile = "\"><script>alert(1)</script><img src=x onerror=alert(2)>"
            let draft = BulletinService.Draft(kind: .special, period: BulletinPeriod(year: 2024, month: 10), level: .city, layout: .progress, annexes: [.lists])
            let record = try await service.create(regionID: d.city, draft: draft, actor: d.admin, tree: d.tree)
            let id = try record.requireID()
            let office = TestBrowser(app)
            try await office.signIn("admin", DemoLoader.password)
            let saved = try await office.post("/bulletins/\(id)", [("annexes-shown", "1"), ("annex.lists", "1"), ("layout", "progress"), ("recipients", hostile),
                                                                 ("seal", "（代章）" + hostile), ("opening", hostile), ("section.news", hostile),
                                                                 ("edit.problem.lagging", hostile), ("generated.problem.lagging", "")])
            XCTAssertEqual(saved.status, .seeOther)
            let page = try await office.get("/bulletins/\(id)")
            XCTAssertFalse(page.body.contains("<script>alert(1)"), "no markup from the office's text")
            XCTAssertFalse(page.body.contains("<img src=x"))
            XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // Too long a text is refused, in Chinese, and nothing is written.
            let long = try await office.post("/bulletins/\(id)", [("annexes-shown", "1"), ("section.news", String(repeating: "长", count: 20_001))])
            XCTAssertEqual(long.status, .seeOther)
            let kept = try await XCTUnwrapAsync(try await BulletinRecord.find(id, on: app.db))
            XCTAssertEqual(kept.narrativeValue.sections["news"], hostile)
            // The .docx carries it as text.
            let docx = try await office.get("/bulletins/\(id)/document.docx")
            XCTAssertEqual(docx.status, .ok)

            // Sixteen drafts issued at once: each gets its own number, 1 to 16, none refused.
            var ids: [Int] = []
            for _ in 0..<16 { ids.append(try await service.create(regionID: d.city, draft: draft, actor: d.admin, tree: d.tree).requireID()) }
            let (admin, tree, files) = (d.admin, d.tree, app.blobStore)
            let numbers = try await withThrowingTaskGroup(of: Int?.self) { group in
                for id in ids { group.addTask { try await service.issue(id: id, actor: admin, tree: tree, files: files).number } }
                var all: [Int] = []
                for try await number in group { if let number { all.append(number) } }
                return all
            }
            XCTAssertEqual(numbers.sorted(), Array(1...16))
        }
    }

    func testTheDocxReadsBackWithPythonDocx() async throws {
        let python = try TestTool.path([(ProcessInfo.processInfo.environment["MINSHENG_PYTOOLS"] ?? "/tmp/minsheng-pytools") + "/bin/python"],
                                       installer: "ensure-python-docx.sh")
        try await TestApp.run { app in
            let d = try await demo(app)
            let b = try await october(d)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulletin-\(UUID().uuidString).docx")
            try BulletinWord.data(b).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Scripts/read-docx.py").standardized.path
            let output = try TestTool.run(python, [script, file.path])
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            // Pages: the body on A4 portrait with GB/T 9704's margins (37 mm = 2098, 28 mm = 1587 twips), the attachments landscape.
            let sections = try XCTUnwrap(json["sections"] as? [[String: Any]])
            XCTAssertEqual(sections.first?["width"] as? Int, 11906)
            XCTAssertEqual(sections.first?["height"] as? Int, 16838)
            XCTAssertEqual(sections.first?["top"] as? Int, 2098)
            XCTAssertEqual(sections.first?["left"] as? Int, 1587)
            XCTAssertEqual(sections.first?["orientation"] as? String, "portrait")
            XCTAssertEqual(sections.dropFirst().map { $0["orientation"] as? String }, Array(repeating: "landscape", count: sections.count - 1))
            XCTAssertEqual(sections.last?["width"] as? Int, 16838)
            // The paragraphs as written, in order.
            let paragraphs = try XCTUnwrap(json["paragraphs"] as? [String])
            XCTAssertEqual(paragraphs.prefix(3), [b.office, "工作通报", "2024年第　期"])
            XCTAssertTrue(paragraphs.contains(b.title))
            XCTAssertTrue(paragraphs.contains("一、工作推进情况"))
            XCTAssertTrue(paragraphs.contains(paragraph(b, "progress.city")))
            XCTAssertTrue(paragraphs.contains("附件：1．\(b.annexes[0].title)"))
            XCTAssertTrue(paragraphs.contains("2024年11月5日"))
            // The official fonts, by their East Asian names.
            let fonts = try XCTUnwrap(json["fonts"] as? [String: Int])
            XCTAssertEqual(Set(fonts.keys), ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"])
            // Every percentage of every attachment table, cell by cell, against the bulletin's tables.
            let tables = try XCTUnwrap(json["tables"] as? [[[String: Any]]])
            XCTAssertEqual(tables.count, b.annexes.count)
            for (annex, table) in zip(b.annexes, tables) {
                XCTAssertEqual(table.first?["header"] as? Bool, true, "the header row repeats on every page")
                XCTAssertEqual(table.dropFirst(annex.table.head.count).filter { $0["header"] as? Bool == true }.count, 0)
                let read = table.dropFirst(annex.table.head.count).map { ($0["cells"] as? [String] ?? []).filter { $0.hasSuffix("%") } }
                let written = annex.table.body.map { $0.map(\.text).filter { $0.hasSuffix("%") } }
                XCTAssertEqual(read, written, annex.title)
            }
            let percents = tables[0].flatMap { ($0["cells"] as? [String] ?? []).filter { $0.hasSuffix("%") } }
            XCTAssertTrue(percents.contains("254.57%"), "reference 000 附件1's 向阳花 service count")
        }
    }

    func testEveryKindOfDocumentConvertsWithLibreOffice() async throws {
        let soffice = try TestTool.path(["/usr/bin/soffice", "/usr/local/bin/soffice"], installer: "ensure-libreoffice.sh")
        let pdfinfo = try TestTool.path(["/usr/bin/pdfinfo"], installer: "ensure-libreoffice.sh")
        try await TestApp.run { app in
            let d = try await demo(app)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docx-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var files: [String: Data] = [:]
            files["monthly"] = try BulletinWord.data(try await october(d))
            files["tenday"] = try BulletinWord.data(try await BulletinService(db: app.db).compose(
                regionID: d.city, draft: .init(kind: .tenday, period: BulletinPeriod(year: 2024, month: 10, day: 20), level: .province, layout: .full, annexes: [.progress]),
                date: "2024-10-21", tree: d.tree))
            files["quarterly"] = try BulletinWord.data(try await BulletinService(db: app.db).compose(
                regionID: d.city, draft: .init(kind: .quarterly, period: BulletinPeriod(year: 2024, month: 9), level: nil, layout: .progress, annexes: [.progress, .ranking]),
                date: "2024-10-08", tree: d.tree))
            // A quarter's review is of a quarter's end.
            XCTAssertThrowsError(try BulletinService.period(kind: .quarterly, year: 2024, month: "2024-10", day: nil))
            XCTAssertEqual(try BulletinService.period(kind: .tenday, year: 2024, month: "2024-10", day: "20"), BulletinPeriod(year: 2024, month: 10, day: 20))
            XCTAssertThrowsError(try BulletinService.period(kind: .tenday, year: 2024, month: "2024-10", day: "15"))
            XCTAssertThrowsError(try BulletinService.period(kind: .monthly, year: 2024, month: "2023-10", day: nil))
            files["special"] = try BulletinWord.data(try await october(d, kind: .special, annexes: [.lists, .matrix]))
            let letter = LetterWord.Content(office: "邵阳市重点民生实事工作专班办公室", tier: .supervision, year: 2024, month: 10, number: 3, unit: "市住建局",
                                            lines: ["“化解超期安置3200户”进度 29.34%"], due: "2024-11-12", date: "2024-11-05", seal: nil)
            files["letter"] = try LetterWord.document(letter).data()
            for (name, data) in files { try data.write(to: directory.appendingPathComponent(name + ".docx")) }
            _ = try TestTool.run(soffice, ["--headless", "--convert-to", "pdf", "--outdir", directory.path] + files.keys.sorted().map { directory.appendingPathComponent($0 + ".docx").path })
            for name in files.keys.sorted() {
                let info = try TestTool.run(pdfinfo, [directory.appendingPathComponent(name + ".pdf").path])
                let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                XCTAssertGreaterThan(pages, 0, name)
                XCTAssertTrue(info.contains("595.") && info.contains("841."), "\(name) is A4: \(info)")
            }
            // The monthly bulletin's 附件1 runs over several landscape pages (its 36 indicators do not fit one).
            let pages = try TestTool.run(pdfinfo, ["-f", "1", "-l", "30", directory.appendingPathComponent("monthly.pdf").path])
            let landscape = pages.split(separator: "\n").filter { $0.contains("size:") && $0.contains("841.89 x 595") }.count
            XCTAssertGreaterThanOrEqual(landscape, 2, pages)
        }
    }
}
