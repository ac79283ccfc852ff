import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// Evidence (佐证资料): upload, review one level up, 验收率, and who may do what.
final class EvidenceTests: XCTestCase {
    struct World {
        let db: any Database
        let tree: RegionTree
        let plan: Int
        let city: Int
        let shaodong: Int
        let school: Int
        let nursery: Int
        let reporter: Actor
        let reviewer: Actor
        let office: Actor
        let shaodongOffice: Actor
        let shuangqingOffice: Actor
        let otherReviewer: Actor
        let store: LocalBlobStore
    }

    func world(_ app: Application) async throws -> World {
        _ = try await Bootstrap.loadDemoIfEmpty(app)
        let db = app.db
        let tree = try await RegionService(db: db).tree()
        func actor(_ username: String, admin: Bool = false, reporter: Bool = false, reviewer: Bool = false) async throws -> Actor {
            let account = try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == username).first())
            return .init(accountID: try account.requireID(), regionID: account.$region.id, unitID: account.$unit.id,
                         roles: Set([admin ? Role.admin : nil, reporter ? .reporter : nil, reviewer ? .reviewer : nil].compactMap { $0 }))
        }
        let resolved = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province)
        let reviewer = try await actor("reviewer", reviewer: true)
        // a reviewer of another unit at the same level (市卫健委)
        let health = try await UnitService(db: db).findOrCreate(name: "市卫健委", regionID: resolved.regionID).requireID()
        let other = Actor(accountID: reviewer.accountID, regionID: reviewer.regionID, unitID: health, roles: [.reviewer])
        let root = NSTemporaryDirectory() + "minsheng-evidence-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        return World(db: db, tree: tree, plan: resolved.planID, city: resolved.regionID,
                     shaodong: try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "邵东市").first()?.id),
                     school: try await XCTUnwrapAsync(try await Indicator.query(on: db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id),
                     nursery: try await XCTUnwrapAsync(try await Indicator.query(on: db).filter(\.$name == "新增普惠性托位").first()?.id),
                     reporter: try await actor("reporter", reporter: true), reviewer: reviewer, office: try await actor("admin", admin: true),
                     shaodongOffice: try await actor("shaodong", admin: true), shuangqingOffice: try await actor("shuangqing", admin: true),
                     otherReviewer: other, store: LocalBlobStore(root: root, limit: 1 << 20))
    }

    func pdf(_ w: World) throws -> EvidenceService.StoredFile {
        let writer = try w.store.begin()
        try Array("%PDF-1.4\n验收单".utf8).withUnsafeBytes { try writer.write($0) }
        let kind = try XCTUnwrap(FileKind.sniff(writer.prefix, name: "验收单.pdf"))
        return .init(key: try writer.finish(), name: "验收单.pdf", kind: kind, size: writer.size)
    }

    func testReviewOneLevelUpAndWhoMayDecide() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = EvidenceService(db: w.db)
            // 邵东市's reporter (市教育局) backs its October 徐特立项目 figure (100%, reference 000 附件1)
            let item = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "竣工验收报告",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let id = try item.requireID()
            XCTAssertEqual(item.evidenceState, .pending)
            // the city's 市教育局 reviewer and the city office see it; nobody else does
            let reviewerQueue = try await service.queue(actor: w.reviewer, tree: w.tree).listing.items
            XCTAssertEqual(reviewerQueue.map { $0.item.id }, [id])
            let officeQueue = try await service.queue(actor: w.office, tree: w.tree).listing.items
            XCTAssertEqual(officeQueue.map { $0.item.id }, [id])
            // A colleague of the uploader (another account of the same unit) opens it: the unit's
            // evidence form lists every upload of the figure.
            let colleague = Actor(accountID: 999_999, regionID: w.reporter.regionID, unitID: w.reporter.unitID, roles: [.reporter])
            let byColleague = try await service.item(id: id, actor: colleague, tree: w.tree)
            XCTAssertEqual(byColleague?.item.id, id)
            // Who may open it (Access.readEvidence): another unit's reviewer inside the scope is
            // refused (403), a district office outside it does not find it (404), and 邵东市's own
            // office reads its region's evidence — none of them decides it.
            for (outsider, opens) in [(w.otherReviewer, ServiceError.Kind?.some(.forbidden)), (w.shuangqingOffice, .notFound), (w.shaodongOffice, nil)] {
                let queue = try await service.queue(actor: outsider, tree: w.tree).listing.items
                XCTAssertTrue(queue.isEmpty)
                do {
                    let seen = try await service.item(id: id, actor: outsider, tree: w.tree)
                    XCTAssertNil(opens, "opened by one who may not")
                    XCTAssertEqual(seen?.item.id, id)
                } catch let error as ServiceError { XCTAssertEqual(error.kind, opens) }
                do {
                    _ = try await service.decide(ids: [id], approve: true, reason: "", actor: outsider, tree: w.tree)
                    XCTFail("an outsider decided")
                } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            }
            // the uploader cannot approve its own, even holding the office role
            let selfApprover = Actor(accountID: w.reporter.accountID, regionID: w.reporter.regionID, unitID: w.reporter.unitID, roles: [.admin, .reporter])
            do {
                _ = try await service.decide(ids: [id], approve: true, reason: "", actor: selfApprover, tree: w.tree)
                XCTFail("approved its own")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            // a return needs a reason
            do {
                _ = try await service.decide(ids: [id], approve: false, reason: "  ", actor: w.reviewer, tree: w.tree)
                XCTFail("returned without a reason")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            let decided = try await service.decide(ids: [id], approve: true, reason: "", actor: w.reviewer, tree: w.tree)
            XCTAssertEqual(decided, 1)
            let history = try await service.history(id: id)
            XCTAssertEqual(history.map(\.action), ["upload", "approve"])
            XCTAssertEqual(history.map(\.accountID), [w.reporter.accountID, w.reviewer.accountID])
            // decided once: a second decision is refused
            do {
                _ = try await service.decide(ids: [id], approve: false, reason: "重复", actor: w.office, tree: w.tree)
                XCTFail("decided twice")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
        }
    }

    func testAcceptanceRateGapAndReopeningWhenTheFigureChanges() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = EvidenceService(db: w.db)
            let acceptance = AcceptanceService(db: w.db)
            func schoolRow() async throws -> ProgressTable.Row? {
                let report = try await acceptance.report(planID: w.plan, scopeRegionID: w.city, tree: try await RegionService(db: w.db).tree(), month: 10)
                return report?.table.rows.first { $0.indicatorID == w.school }
            }
            let before = try await schoolRow()
            XCTAssertNil(before?.aggregate?.acceptance, "nothing accepted yet: null")
            let emptyReport = try await acceptance.report(planID: w.plan, scopeRegionID: w.city, tree: w.tree, month: 10)
            let emptyJSON = String(decoding: ProgressExport.json(try XCTUnwrap(emptyReport).table, acceptance: true), as: UTF8.self)
            XCTAssertTrue(emptyJSON.contains("\"acceptance\": null"))
            let item = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100%", description: "竣工验收报告",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let pending = try await schoolRow()
            XCTAssertNil(pending?.aggregate?.acceptance, "pending evidence does not count")
            // a returned item never counts either
            let returned = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "模糊的照片",
                                                    files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            _ = try await service.decide(ids: [try returned.requireID()], approve: false, reason: "照片无法辨认", actor: w.reviewer, tree: w.tree)
            let afterReturn = try await schoolRow()
            XCTAssertNil(afterReturn?.aggregate?.acceptance, "a returned item does not count")
            _ = try await service.decide(ids: [try item.requireID()], approve: true, reason: "", actor: w.reviewer, tree: w.tree)
            // hand calculation: 全市 进度 = mean of nine counties = 880/9 = 97.78%; 验收率 = (100 + 8 × 0)/9 = 11.11%;
            // gap = 780/9 = 86.67 percentage points
            let row = try await schoolRow()
            XCTAssertEqual(row?.aggregate?.acceptance.map(Figures.percent), "11.11%")
            XCTAssertEqual(row?.aggregate?.gap.map(Figures.percent), "86.67%")
            let report = try await acceptance.report(planID: w.plan, scopeRegionID: w.city, tree: w.tree, month: 10)
            let column = try XCTUnwrap(report?.table.columns.firstIndex(of: "邵东市"))
            XCTAssertEqual(row?.regions[column]?.acceptance.map(Figures.percent), "100.00%")
            XCTAssertEqual(row?.regions[column]?.gap.map(Figures.percent), "0.00%")
            // the office's limit: 10 points in October (reference 002) → the city's row is over it
            try await acceptance.setGapLimit(planID: w.plan, month: 10, limit: "10", actor: w.office, tree: w.tree)
            let limited = try await schoolRow()
            XCTAssertEqual(limited?.aggregate?.overLimit, true)
            // the normative JSON of `minsheng report acceptance` and the CSV carry the same figures
            let limitedReport = try await XCTUnwrapAsync(try await acceptance.report(planID: w.plan, scopeRegionID: w.city, tree: w.tree, month: 10))
            let json = String(decoding: ProgressExport.json(limitedReport.table, acceptance: true), as: UTF8.self)
            XCTAssertTrue(json.contains("\"gap_limit\": 10"))
            XCTAssertTrue(json.contains("\"progress\": 97.78,\n      \"status\": \"on_schedule\",\n      \"acceptance\": 11.11,\n      \"gap\": 86.67"), json.prefix(800).description)
            let csv = AcceptanceExport.csv(limitedReport.table)
            XCTAssertTrue(csv.contains("所,全市,10,97.78%,11.11%,86.67%,是"), csv.prefix(600).description)

            // 邵东市 corrects its October figure: the accepted evidence goes back for review and stops counting
            let grid = ReportingService(db: w.db)
            _ = try await grid.save(planID: w.plan, month: 10, entries: [.init(indicatorID: w.school, regionID: w.shaodong, quantity: "", progress: "90", note: "更正")],
                                    submit: true, actor: w.reporter, tree: w.tree)
            let reopened = try await Evidence.find(try item.requireID(), on: w.db)
            XCTAssertEqual(reopened?.evidenceState, .pending)
            XCTAssertEqual(reopened?.reopened, 1)
            let history = try await service.history(id: try item.requireID())
            XCTAssertEqual(history.last?.action, "reopen")
            let after = try await schoolRow()
            XCTAssertNil(after?.aggregate?.acceptance)
        }
    }

    func testWithdrawnItemsNeverCountAndBadUploadsAreRefused() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = EvidenceService(db: w.db)
            let item = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "照片",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let id = try item.requireID()
            // only the uploader withdraws
            do {
                try await service.withdraw(id: id, actor: w.office)
                XCTFail("someone else withdrew it")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            try await service.withdraw(id: id, actor: w.reporter)
            let queue = try await service.queue(actor: w.reviewer, tree: w.tree).listing.items
            XCTAssertTrue(queue.isEmpty, "a withdrawn item is not reviewed")
            do {
                _ = try await service.decide(ids: [id], approve: true, reason: "", actor: w.reviewer, tree: w.tree)
                XCTFail("a withdrawn item was approved")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            // someone else's figure (新增普惠性托位 is 卫健 work) and nonsense values: nothing written
            let count = try await Evidence.query(on: w.db).count()
            let attempts: [(Int, String, String, ServiceError.Kind)] = [
                (w.nursery, "5", "托位照片", .notFound),
                (w.school, "-1", "照片", .invalid),
                (w.school, "120", "照片", .invalid),
                (w.school, "一百", "照片", .invalid),
                (w.school, "100", " ", .invalid),
                (w.school, "100", String(repeating: "长", count: 1001), .invalid),
            ]
            for (indicator, quantity, description, kind) in attempts {
                do {
                    _ = try await service.create(indicatorID: indicator, regionID: w.shaodong, month: 10, quantity: quantity, description: description,
                                                 files: [try pdf(w)], actor: w.reporter, tree: w.tree)
                    XCTFail("accepted \(quantity) \(description.prefix(5))")
                } catch let error as ServiceError { XCTAssertEqual(error.kind, kind, "\(quantity) \(description.prefix(5))") }
            }
            do {
                _ = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "照片", files: [],
                                             actor: w.reporter, tree: w.tree)
                XCTFail("accepted no files")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .invalid) }
            try await XCTAssertEqualAsync(try await Evidence.query(on: w.db).count(), count, "nothing written by the refusals")
            // a closed month locks figures, not evidence: evidence for its figures is still taken (验收率 catches up)
            try await ReportingService(db: w.db).close(planID: w.plan, month: 10, actor: w.office, tree: w.tree)
            let late = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "竣工验收照片",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            XCTAssertEqual(late.evidenceState, .pending)
            try await XCTAssertEqualAsync(try await Evidence.query(on: w.db).count(), count + 1)
        }
    }
}

/// Uploads over HTTP: streamed to the store, judged by content, refused whole and left without
/// trace when anything is wrong.
final class EvidenceUploadTests: XCTestCase {
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF 现场照片".utf8) + Data(repeating: 7, count: 4000)

    func files(_ app: Application) -> [String] {
        let root = (app.minsheng.dataDirectory as NSString).appendingPathComponent("files")
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { !$0.hasSuffix("incoming") && ($0 as NSString).lastPathComponent.count == 64 || $0.hasPrefix("incoming/") }
    }

    /// The demo, and 邵东市's reporter signed in; 邵东市 and its 徐特立项目 indicator.
    func reporterAtTheSchoolFigure(_ app: Application) async throws -> (TestBrowser, Int, Int) {
        _ = try await Bootstrap.loadDemoIfEmpty(app)
        let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
        let school = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
        let reporter = TestBrowser(app)
        try await reporter.signIn("reporter", "minsheng2024")
        return (reporter, shaodong, school)
    }

    func testUploadPreviewAndDownloadKeepTheChineseName() async throws {
        try await TestApp.run { app in
            let (reporter, shaodong, school) = try await reporterAtTheSchoolFigure(app)
            let form = try await reporter.get("/evidence/new?indicator=\(school)&region=\(shaodong)&month=10")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains("验收标准"))
            let fields = [("indicator", "\(school)"), ("region", "\(shaodong)"), ("month", "10"), ("quantity", "100"), ("description", "竣工验收报告与现场照片")]
            let done = try await reporter.uploadFiles("/evidence/upload", fields: fields,
                                                      files: [("现场照片.jpg", Self.jpeg), ("验收报告.pdf", Data("%PDF-1.4\n报告".utf8))])
            XCTAssertEqual(done.status, .seeOther, done.body)
            let item = try await XCTUnwrapAsync(try await Evidence.query(on: app.db).with(\.$files).first())
            XCTAssertEqual(item.files.map(\.name).sorted(), ["现场照片.jpg", "验收报告.pdf"])
            XCTAssertEqual(Set(item.files.map(\.kind)), ["jpeg", "pdf"])
            // the photo previews inline, with its Chinese name; the reviewer sees it too
            let photo = try XCTUnwrap(item.files.first { $0.kind == "jpeg" })
            let preview = try await reporter.get("/evidence/files/\(photo.id ?? 0)")
            XCTAssertEqual(preview.status, .ok)
            XCTAssertEqual(preview.data, Self.jpeg)
            XCTAssertEqual(preview.headers.contentType?.description, "image/jpeg")
            XCTAssertTrue(preview.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg") == true)
            let reviewer = TestBrowser(app)
            try await reviewer.signIn("reviewer", "minsheng2024")
            let queue = try await reviewer.get("/evidence/review")
            XCTAssertTrue(queue.body.contains("竣工验收报告与现场照片"))
            try await XCTAssertEqualAsync(try await reviewer.get("/evidence/files/\(photo.id ?? 0)").status, .ok)
            // another district's office sees neither the item nor its files
            let other = TestBrowser(app)
            try await other.signIn("shuangqing", "minsheng2024")
            try await XCTAssertEqualAsync(try await other.get("/evidence/\(item.id ?? 0)").status, .notFound)
            try await XCTAssertEqualAsync(try await other.get("/evidence/files/\(photo.id ?? 0)").status, .notFound)
            // the reviewer approves from the queue
            let decided = try await reviewer.post("/evidence/decide", [("ids[]", "\(item.id ?? 0)"), ("action", "approve"), ("reason", "")])
            XCTAssertEqual(decided.status, .seeOther)
            try await XCTAssertEqualAsync(try await Evidence.find(item.id, on: app.db)?.evidenceState, .approved)
        }
    }

    func testBadUploadsAreRefusedInChineseAndLeaveNothing() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            app.minsheng.uploadLimit = 64 * 1024
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let school = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let nursery = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "新增普惠性托位").first()?.id)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            _ = try await reporter.get("/evidence/new?indicator=\(school)&region=\(shaodong)&month=10")
            func fields(_ indicator: Int = school, _ region: Int = shaodong, month: Int = 10) -> [(String, String)] {
                [("indicator", "\(indicator)"), ("region", "\(region)"), ("month", "\(month)"), ("quantity", "100"), ("description", "照片")]
            }
            let cases: [(String, [(String, String)], [(name: String, data: Data)], HTTPStatus, String)] = [
                ("executable named .jpg", fields(), [("现场照片.jpg", Data("MZ\u{90}\u{0}PE".utf8) + Data(repeating: 0, count: 100))], .unprocessableEntity, "不是可接受的文件类型"),
                ("name that is only a path", fields(), [("../..", Self.jpeg)], .unprocessableEntity, "文件名无效"),
                ("empty file", fields(), [("空.jpg", Data())], .unprocessableEntity, "是空文件"),
                ("over the limit", fields(), [("大.jpg", Self.jpeg + Data(repeating: 1, count: 70 * 1024))], .payloadTooLarge, "超过 64 KB 的大小上限"),
                ("someone else's figure", fields(nursery, shuangqing), [("托位.jpg", Self.jpeg)], .notFound, "不在您的填报范围内"),
            ]
            for (label, form, files, status, message) in cases {
                let page = try await reporter.uploadFiles("/evidence/upload", fields: form, files: files)
                XCTAssertEqual(page.status, status, label)
                XCTAssertTrue(page.body.contains(message), "\(label): \(page.body.prefix(300))")
            }
            // without the token first: refused before anything is stored
            let forged = try await reporter.uploadFiles("/evidence/upload", fields: fields(), files: [("a.jpg", Self.jpeg)], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            // a name with ../ and control characters is cleaned, not refused
            let cleaned = try await reporter.uploadFiles("/evidence/upload", fields: fields(), files: [("../../etc/现场\u{7}照片.jpg", Self.jpeg)])
            XCTAssertEqual(cleaned.status, .seeOther, cleaned.body)
            try await XCTAssertEqualAsync(try await EvidenceFile.query(on: app.db).all().map(\.name), ["现场照片.jpg"])
            // refused after streaming (the quantity is over 10 × the target), with content the store already holds for an
            // accepted item: that item's file stays
            let tooMuch = fields().map { $0.0 == "quantity" ? ("quantity", "100000") : $0 }
            let same = try await reporter.uploadFiles("/evidence/upload", fields: tooMuch, files: [("再传一次.jpg", Self.jpeg)])
            XCTAssertEqual(same.status, .unprocessableEntity, same.body)
            let kept = try await XCTUnwrapAsync(try await EvidenceFile.query(on: app.db).first())
            try await XCTAssertEqualAsync(try await reporter.get("/evidence/files/\(kept.id ?? 0)").data, Self.jpeg)
            // refused half-way through the form (its second file is an executable), the first file's content being that
            // same stored photo: the photo stays
            let halfway = try await reporter.uploadFiles("/evidence/upload", fields: fields(),
                                                         files: [("同一张照片.jpg", Self.jpeg), ("程序.jpg", Data("MZ\u{90}\u{0}".utf8))])
            XCTAssertEqual(halfway.status, .unprocessableEntity)
            try await XCTAssertEqualAsync(try await reporter.get("/evidence/files/\(kept.id ?? 0)").data, Self.jpeg)
            try await XCTAssertEqualAsync(try await Evidence.query(on: app.db).count(), 1)
            XCTAssertEqual(files(app).filter { $0.hasPrefix("incoming/") }, [], "no temporary file left")
            XCTAssertEqual(files(app).count, 1, "only the accepted upload's file is stored")
            // a closed month locks figures, not evidence: offices expect 验收率 to catch up after the month
            let office = EvidenceTests.Office(app)
            try await office.close(month: 10)
            let closed = try await reporter.uploadFiles("/evidence/upload", fields: fields(), files: [("b.jpg", Self.jpeg + Data([1]))])
            XCTAssertEqual(closed.status, .seeOther, closed.body)
            try await XCTAssertEqualAsync(try await Evidence.query(on: app.db).count(), 2)
        }
    }

    func testARequestCutOffHalfWayLeavesNothing() async throws {
        try await TestApp.run { app in
            let (reporter, shaodong, school) = try await reporterAtTheSchoolFigure(app)
            _ = try await reporter.get("/evidence/new?indicator=\(school)&region=\(shaodong)&month=10")
            app.http.server.configuration.port = 0
            try await app.server.start()
            let port = try XCTUnwrap(app.http.server.shared.localAddress?.port)
            let boundary = "----cut-off"
            let body = TestBrowser.multipart(token: reporter.csrf, fields: [("indicator", "\(school)"), ("region", "\(shaodong)"), ("month", "10"),
                                                                            ("quantity", "100"), ("description", "照片")],
                                             files: [("大照片.jpg", Self.jpeg + Data(repeating: 3, count: 400_000))], boundary: boundary)
            let head = "POST /evidence/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(reporter.cookie ?? "")\r\n"
                + "Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n"
            // send the head and about half the body, then hang up
            try RawSocket.sendAndClose(port: port, Data(head.utf8) + body.prefix(body.count / 2))
            try await Task.sleep(nanoseconds: 500_000_000)
            let incoming = (app.minsheng.dataDirectory as NSString).appendingPathComponent("files/incoming")
            XCTAssertTrue(FileManager.default.fileExists(atPath: incoming), "the upload had begun writing its file")
            try await XCTAssertEqualAsync(try await Evidence.query(on: app.db).count(), 0)
            try await XCTAssertEqualAsync(try await EvidenceFile.query(on: app.db).count(), 0)
            XCTAssertEqual(files(app), [], "nothing of the cut-off upload is left in storage")
            await app.server.shutdown()
        }
    }
}

/// A plain TCP client: enough to send part of a request and hang up.
enum RawSocket {
    static func sendAndClose(port: Int, _ data: Data) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = data.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }
}

extension EvidenceTests {
    /// The city office, acting through its service.
    struct Office {
        let app: Application
        init(_ app: Application) { self.app = app }
        func close(month: Int) async throws {
            let account = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "admin").first())
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            try await ReportingService(db: app.db).close(planID: resolved.planID, month: month,
                                                         actor: .init(accountID: try account.requireID(), regionID: account.$region.id, unitID: nil, roles: [.admin]),
                                                         tree: try await RegionService(db: app.db).tree())
        }
    }
}
