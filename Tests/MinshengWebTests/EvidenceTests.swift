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
        let reporter: EvidenceService.Actor
        let reviewer: EvidenceService.Actor
        let office: EvidenceService.Actor
        let shaodongOffice: EvidenceService.Actor
        let shuangqingOffice: EvidenceService.Actor
        let otherReviewer: EvidenceService.Actor
        let store: LocalBlobStore
    }

    func world(_ app: Application) async throws -> World {
        _ = try await Bootstrap.loadDemoIfEmpty(app)
        let db = app.db
        let tree = try await RegionService(db: db).tree()
        func actor(_ username: String, admin: Bool = false, reporter: Bool = false, reviewer: Bool = false) async throws -> EvidenceService.Actor {
            let account = try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == username).first())
            return .init(accountID: try account.requireID(), regionID: account.$region.id, unitID: account.$unit.id,
                         isAdmin: admin, isReporter: reporter, isReviewer: reviewer)
        }
        let resolved = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province)
        let reviewer = try await actor("reviewer", reviewer: true)
        // a reviewer of another unit at the same level (市卫健委)
        let health = try await UnitService(db: db).findOrCreate(name: "市卫健委", regionID: resolved.regionID).requireID()
        var other = reviewer
        other.unitID = health
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
            let reviewerQueue = try await service.queue(actor: w.reviewer, tree: w.tree)
            XCTAssertEqual(reviewerQueue.map { $0.item.id }, [id])
            let officeQueue = try await service.queue(actor: w.office, tree: w.tree)
            XCTAssertEqual(officeQueue.map { $0.item.id }, [id])
            for outsider in [w.otherReviewer, w.shuangqingOffice, w.shaodongOffice] {
                let queue = try await service.queue(actor: outsider, tree: w.tree)
                XCTAssertTrue(queue.isEmpty)
                let seen = try await service.item(id: id, actor: outsider, tree: w.tree)
                XCTAssertNil(seen)
                do {
                    _ = try await service.decide(ids: [id], approve: true, reason: "", actor: outsider, tree: w.tree)
                    XCTFail("an outsider decided")
                } catch let error as ServiceError { XCTAssertEqual(error.kind, .notFound) }
            }
            // the uploader cannot approve its own, even holding the office role
            var selfApprover = w.reporter
            selfApprover.isAdmin = true
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
            let item = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100%", description: "竣工验收报告",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let pending = try await schoolRow()
            XCTAssertNil(pending?.aggregate?.acceptance, "pending evidence does not count")
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
            let queue = try await service.queue(actor: w.reviewer, tree: w.tree)
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
            // a closed month
            try await ReportingService(db: w.db).close(planID: w.plan, month: 10, actor: w.office, tree: w.tree)
            do {
                _ = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "照片",
                                             files: [try pdf(w)], actor: w.reporter, tree: w.tree)
                XCTFail("uploaded to a closed month")
            } catch let error as ServiceError { XCTAssertEqual(error.kind, .conflict) }
            try await XCTAssertEqualAsync(try await Evidence.query(on: w.db).count(), count)
        }
    }
}
