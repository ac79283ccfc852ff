import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// Letters and rankings on a small city worked by hand: 测试市 with 甲县 and 乙县, two indicators
/// of 100 each (50 per county), figures for August to October.
///
/// | month (序时) | 口袋公园 甲 / 乙 → 全市 | 托位 甲 / 乙 → 全市 |
/// | 8 (66.67%) | 20 / 20 → 40% lagging | 40 / 40 → 80% on schedule |
/// | 9 (75%)    | 30 / 30 → 60% lagging | 45 / 45 → 90% on schedule |
/// | 10 (83.33%)| 35 / 40 → 75% lagging (甲 70%, 乙 80% lag) | 48 / 50 → 98% (甲 96%, 乙 100%) |
final class LetterAndRankingTests: XCTestCase {
    struct City {
        let tree: RegionTree
        let city: Int
        let office: Actor
        let housing: Int, health: Int
        let housingReporter: Int
    }

    func city(_ app: Application) async throws -> City {
        var plan: [[String]] = [PlanFile.header]
        for (seq, project, indicator, lead) in [(1, "口袋公园", "建设口袋公园", "市住建局"), (2, "普惠托位", "新增托位", "市卫健委")] {
            for (region, target) in [("全市", "100"), ("甲县", "50"), ("乙县", "50")] {
                plan.append(["市定", "\(seq)", "测试实事\(seq)", project, indicator, "个", "进度", "求和", lead, region, target])
            }
        }
        let importer = PlanImporter(db: app.db)
        _ = try await importer.importPlan(try PlanFile.parse(rows: plan), regionName: "测试市", year: 2024, createRegions: true, by: nil)
        var progress: [[String]] = [ProgressFile.header]
        let figures: [(Int, [String])] = [(8, ["20", "20", "40", "40"]), (9, ["30", "30", "45", "45"]), (10, ["35", "40", "48", "50"])]
        for (month, q) in figures {
            let m = String(format: "2024-%02d", month)
            progress += [[m, "口袋公园", "建设口袋公园", "甲县", q[0], "", ""], [m, "口袋公园", "建设口袋公园", "乙县", q[1], "", ""],
                         [m, "普惠托位", "新增托位", "甲县", q[2], "", ""], [m, "普惠托位", "新增托位", "乙县", q[3], "", ""]]
        }
        _ = try await importer.importProgress(try ProgressFile.parse(rows: progress), regionName: "测试市", year: 2024, by: nil)
        let tree = try await RegionService(db: app.db).tree()
        let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "测试市").first()?.id)
        func unit(_ name: String) async throws -> Int {
            try await XCTUnwrapAsync(try await Department.query(on: app.db).filter(\.$region.$id == city).filter(\.$name == name).first()?.id)
        }
        let accounts = AccountService(db: app.db, hasher: app.passwordHasher)
        let officeID = try await accounts.create(.init(username: "cs_office", displayName: "测试市专班", password: "Passw0rd-letters", regionID: city, unitID: nil,
                                                       roles: [.admin], mustChangePassword: false), by: nil).requireID()
        let housing = try await unit("市住建局")
        let reporter = try await accounts.create(.init(username: "cs_housing", displayName: "市住建局填报员", password: "Passw0rd-letters", regionID: city,
                                                       unitID: housing, roles: [.reporter], mustChangePassword: false), by: nil).requireID()
        _ = try await accounts.create(.init(username: "cs_health", displayName: "市卫健委填报员", password: "Passw0rd-letters", regionID: city,
                                            unitID: try await unit("市卫健委"), roles: [.reporter], mustChangePassword: false), by: nil)
        return City(tree: tree, city: city, office: Actor(accountID: officeID, regionID: city, unitID: nil, roles: [.admin]),
                    housing: housing, health: try await unit("市卫健委"), housingReporter: reporter)
    }

    func testTheTierFollowsTheOfficesRule() async throws {
        try await TestApp.run { app in
            let c = try await city(app)
            let letters = LetterService(db: app.db)
            // October: 口袋公园 has lagged three months in a row (8, 9, 10): 督办函 under the standard rule.
            let october = try await letters.proposals(regionID: c.city, year: 2024, month: 10, tree: c.tree)
            XCTAssertEqual(october.map(\.unit), ["市住建局"], "托位 is on schedule in every region: 市卫健委 gets nothing")
            XCTAssertEqual(october.first?.tier, .supervision)
            XCTAssertEqual(october.first?.triggers.first?.months, 3)
            XCTAssertEqual(october.first?.triggers.first?.laggingRegions, ["甲县", "乙县"])
            // September: two months in a row, 15 points below 75% (not more than 20): 工作提示函.
            try await XCTAssertEqualAsync(try await letters.proposals(regionID: c.city, year: 2024, month: 9, tree: c.tree).first?.tier, .notice)
            // August: the first month, but 40% is 26.67 points below 66.67%, more than 20: 督办函.
            try await XCTAssertEqualAsync(try await letters.proposals(regionID: c.city, year: 2024, month: 8, tree: c.tree).first?.tier, .supervision)
            // The office's own rule (工作提示函 from 2 months, 督办函 from 4 or more than 30 points): October is 工作提示函
            // (3 months; 83.33 − 75 = 8.33 points), August 温馨提示函 (1 month; 26.67 points).
            try await BulletinService(db: app.db).saveOffice(regionID: c.city, name: "", seal: "", recipients: "", noticeMonths: "2", supervisionMonths: "4",
                                                             supervisionPoints: "30", replyDays: "5", weights: [.progress: "1"], minimumCount: "1",
                                                             actor: c.office, tree: c.tree)
            try await XCTAssertEqualAsync(try await letters.proposals(regionID: c.city, year: 2024, month: 10, tree: c.tree).first?.tier, .notice)
            try await XCTAssertEqualAsync(try await letters.proposals(regionID: c.city, year: 2024, month: 8, tree: c.tree).first?.tier, .reminder)
            // A rule that makes no sense is refused with nothing written.
            await XCTAssertServiceErrorAsync(try await BulletinService(db: app.db).saveOffice(
                regionID: c.city, name: "", seal: "", recipients: "", noticeMonths: "3", supervisionMonths: "2", supervisionPoints: "30", replyDays: "5",
                weights: [.progress: "1"], minimumCount: "1", actor: c.office, tree: c.tree), .invalid)
            try await XCTAssertEqualAsync(try await BulletinService(db: app.db).office(regionID: c.city, tree: c.tree).letterRule.supervisionMonths, 4)
        }
    }

    func testLettersAreNumberedDeliveredReadRepliedAndMarkedOverdue() async throws {
        try await TestApp.run { app in
            let c = try await city(app)
            let letters = LetterService(db: app.db)
            let sentAt = Date(timeIntervalSince1970: 1_730_764_800)  // 2024-11-05 08:00 in Beijing
            let sent = try await letters.send(regionID: c.city, year: 2024, month: 10, unitIDs: nil, actor: c.office, tree: c.tree, files: app.blobStore, now: sentAt)
            XCTAssertEqual(sent.map { $0.letterTier.numberText(year: $0.year, number: $0.number) }, ["督办〔2024〕1号"])
            let letter = try XCTUnwrap(sent.first)
            XCTAssertEqual(letter.dueAt.timeIntervalSince(sentAt), 7 * 86_400, "the default reply time is 7 days")
            XCTAssertTrue(letter.facts.contains("“建设口袋公园”进度75.00%，低于序时进度83.33%（差8.33个百分点）"), letter.facts)
            // Sending the month's letter again is refused, and nothing is numbered.
            await XCTAssertServiceErrorAsync(try await letters.send(regionID: c.city, year: 2024, month: 10, unitIDs: nil, actor: c.office, tree: c.tree,
                                                                    files: app.blobStore, now: sentAt), .conflict)
            // September's goes in its own tier's series (工作提示), numbered from 1.
            let september = try await letters.send(regionID: c.city, year: 2024, month: 9, unitIDs: [c.housing], actor: c.office, tree: c.tree,
                                                   files: app.blobStore, now: sentAt)
            XCTAssertEqual(september.map { $0.letterTier.numberText(year: $0.year, number: $0.number) }, ["工作提示〔2024〕1号"])

            // The unit's account finds it, opens it (read), downloads it and replies.
            let unit = TestBrowser(app)
            try await unit.signIn("cs_housing", "Passw0rd-letters")
            let list = try await unit.get("/letters")
            XCTAssertTrue(list.body.contains("督办〔2024〕1号"), list.body)
            XCTAssertTrue(list.body.contains("待回复函件 2 件"), "the navigation counts the unit's open letters")
            let id = try letter.requireID()
            try await XCTAssertEqualAsync(try await unit.get("/letters/\(id)").status, .ok)
            let read = try await XCTUnwrapAsync(try await LetterRecord.find(id, on: app.db))
            XCTAssertEqual(read.readBy, c.housingReporter)
            XCTAssertEqual(read.status(now: sentAt), .read)
            let document = try await unit.get("/letters/\(id)/document.docx")
            XCTAssertEqual(document.status, .ok)
            XCTAssertEqual(document.data.prefix(2), Data("PK".utf8))
            let short = try await unit.post("/letters/\(id)/reply", [("reply", "好的")])
            XCTAssertEqual(short.status, .seeOther)
            try await XCTAssertNilAsync(try await LetterRecord.find(id, on: app.db)?.reply, "a reply of two characters is refused")
            let measures = "已召开专题调度会，倒排工期，11 月底前完成甲县、乙县剩余公园建设。"
            try await XCTAssertEqualAsync(try await unit.post("/letters/\(id)/reply", [("reply", measures)]).status, .seeOther)
            try await XCTAssertEqualAsync(try await LetterRecord.find(id, on: app.db)?.reply, measures)
            let home = try await unit.get("/")
            XCTAssertTrue(home.body.contains("待回复函件 1 件"), "one letter is still open")
            // Another unit does not see it; the office cannot answer for the unit.
            let other = TestBrowser(app)
            try await other.signIn("cs_health", "Passw0rd-letters")
            try await XCTAssertEqualAsync(try await other.get("/letters/\(id)").status, .notFound)
            let office = TestBrowser(app)
            try await office.signIn("cs_office", "Passw0rd-letters")
            try await XCTAssertEqualAsync(try await office.get("/letters/\(id)").status, .ok)
            try await XCTAssertEqualAsync(try await office.post("/letters/\(id)/reply", [("reply", measures + "（代答）")]).status, .forbidden)

            // Past the deadline: September's letter, unanswered, is overdue; October's was answered.
            let later = sentAt.addingTimeInterval(8 * 86_400)
            let (listing, counts, total) = try await letters.list(actor: c.office, tree: c.tree, now: later)
            XCTAssertEqual(total, 2)
            XCTAssertEqual(listing.items.count, 2)
            XCTAssertEqual(counts[.replied], 1)
            XCTAssertEqual(counts[.overdue], 1)
            let overdue = try await letters.list(actor: c.office, tree: c.tree, status: .overdue, now: later)
            XCTAssertEqual(overdue.listing.items.map(\.number), [1])
            XCTAssertEqual(overdue.listing.items.first?.letterTier, .notice)
        }
    }

    func testTheRankingByHand() async throws {
        try await TestApp.run { app in
            let c = try await city(app)
            let service = BulletinService(db: app.db)
            // Ranked on 完成或达序时指标占比 and 进度与序时之比 alone, equal weights, from one indicator up.
            try await service.saveOffice(regionID: c.city, name: "", seal: "", recipients: "", noticeMonths: "2", supervisionMonths: "3", supervisionPoints: "20",
                                         replyDays: "7", weights: [.progress: "1", .pace: "1"], minimumCount: "1", actor: c.office, tree: c.tree)
            let table = try await service.ranking(regionID: c.city, year: 2024, month: 10, tree: c.tree)
            // 甲县: 公园 70% lags, 托位 96% on schedule → 50%; pace (70 ÷ 83.33 = 0.84, 1) → 92; score (50 + 92) ÷ 2 = 71.
            // 乙县: 公园 80% lags, 托位 100% → 50%; pace (0.96, 1) → 98; score 74.
            XCTAssertEqual(table.regions.map(\.name), ["乙县", "甲县"])
            XCTAssertEqual(table.regions.map(\.score), [74, 71])
            XCTAssertEqual(table.regions.map(\.rank), [1, 2])
            // In September both had 60% and 90% → 50% and pace (0.8, 1) → 90: 70 each, sharing first place.
            XCTAssertEqual(table.regions.map(\.previousRank), [1, 1])
            XCTAssertEqual(table.regions.map(\.change), [0, -1])
            // Units: 市卫健委 (托位 98%: 100% and pace 100) scores 100; 市住建局 (公园 75% lags: 0%, pace 75 ÷ 83.33 = 0.9 → 90) 45.
            XCTAssertEqual(table.units.map(\.name), ["市卫健委", "市住建局"])
            XCTAssertEqual(table.units.map(\.score), [100, 45])
            // The normative JSON: {"region", "month", "regions": [{"region", "rank", "score", "measures"}], "units": [{"unit", "region", …}]}.
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(RankingExport.jsonValue(table).text().utf8)) as? [String: Any])
            XCTAssertEqual(json["region"] as? String, "测试市")
            XCTAssertEqual(json["month"] as? String, "2024-10")
            let first = try XCTUnwrap((json["regions"] as? [[String: Any]])?.first)
            XCTAssertEqual(first["region"] as? String, "乙县")
            XCTAssertEqual(first["rank"] as? Int, 1)
            XCTAssertEqual(first["score"] as? Double, 74)
            let pace = try XCTUnwrap((first["measures"] as? [String: Any])?["pace"] as? [String: Any])
            XCTAssertEqual(pace["value"] as? Double, 98)
            XCTAssertEqual(pace["count"] as? Int, 2)
            let unit = try XCTUnwrap((json["units"] as? [[String: Any]])?.first)
            XCTAssertEqual(unit["unit"] as? String, "市卫健委")
            XCTAssertEqual(unit["region"] as? String, "测试市")
            XCTAssertEqual(unit["rank"] as? Int, 1)
            // The page and its exports.
            let office = TestBrowser(app)
            try await office.signIn("cs_office", "Passw0rd-letters")
            let page = try await office.get("/rankings?month=10")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.contains("乙县") && page.body.contains("74.00"), page.body)
            let csv = try await office.get("/rankings.csv?month=10")
            XCTAssertTrue(csv.body.contains("区划,乙县,,1,74.00"), csv.body)
            try await XCTAssertEqualAsync(try await office.get("/rankings.xlsx?month=10").data.prefix(2), Data("PK".utf8))
            // The minimum count: with 3 required, two indicators are not enough and nobody is ranked.
            try await service.saveOffice(regionID: c.city, name: "", seal: "", recipients: "", noticeMonths: "2", supervisionMonths: "3", supervisionPoints: "20",
                                         replyDays: "7", weights: [.progress: "1", .pace: "1"], minimumCount: "3", actor: c.office, tree: c.tree)
            let strict = try await service.ranking(regionID: c.city, year: 2024, month: 10, tree: c.tree)
            XCTAssertEqual(strict.regions.map(\.rank), [nil, nil])
            XCTAssertEqual(strict.regions.first?.measures[.progress]?.ranked, false)

        }
    }
}
