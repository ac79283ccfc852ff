import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import MinshengCore
import XCTest
import ZIPFoundation

/// Rankings, letter tiers and the .docx writer, on fixtures worked by hand.
final class RankingTests: XCTestCase {
    func value(_ v: Decimal?, _ count: Int) -> RankingInput.Value { .init(v, count: count) }

    func testTiesShareARankAndTheNextRankSkips() {
        // By hand: 20 and 20 share first place, 10 is third, 5 fourth; no value, no rank.
        XCTAssertEqual(Ranking.competitionRanks([10, 20, 20, nil, 5], descending: true), [3, 1, 1, nil, 4])
        // Lower is better (the 验收率 gap): 2 is first, the two 7s share second.
        XCTAssertEqual(Ranking.competitionRanks([7, 2, 7], descending: false), [2, 1, 2])
    }

    func testWeightsMinimumCountAndChangeSinceLastMonth() {
        let rules = RankingRules(weights: [.progress: 50, .handling: 50], minimumCount: 3)
        let inputs = [
            // A: (80 × 50 + 100 × 50) ÷ 100 = 90
            RankingInput(name: "甲县", values: [.progress: value(80, 5), .handling: value(100, 4)]),
            // B: (100 × 50 + 80 × 50) ÷ 100 = 90: ties with A
            RankingInput(name: "乙县", values: [.progress: value(100, 5), .handling: value(80, 4)]),
            // C: 处理率 over 2 opinions is below the minimum of 3: not ranked, so the score is 60 alone
            RankingInput(name: "丙县", values: [.progress: value(60, 5), .handling: value(100, 2)]),
            // D: nothing ranked: no score, no rank, listed last
            RankingInput(name: "丁县", values: [.progress: value(90, 2)]),
        ]
        let ranked = Ranking.rank(inputs, rules: rules, previous: ["甲县": 2, "乙县": 1, "丙县": 3])
        XCTAssertEqual(ranked.map(\.name), ["甲县", "乙县", "丙县", "丁县"])
        XCTAssertEqual(ranked.map(\.score), [90, 90, 60, nil])
        XCTAssertEqual(ranked.map(\.rank), [1, 1, 3, nil])
        XCTAssertEqual(ranked.map(\.change), [1, 0, 0, nil])
        XCTAssertEqual(ranked[2].measures[.handling]?.ranked, false)
        XCTAssertEqual(ranked[2].measures[.handling]?.rank, nil)
        // 处理率's own ranks: 100 (甲县) first, 80 (乙县) second; 丙县 not ranked.
        XCTAssertEqual(ranked.map { $0.measures[.handling]?.rank }, [1, 2, nil, nil])
        XCTAssertEqual(RankingText.change(ranked[0]), "↑1")
        XCTAssertEqual(RankingText.change(ranked[1]), "—")
        XCTAssertEqual(RankingText.value(ranked[2].measures[.handling], measure: .handling), "100.00%（不排名）")
    }

    func testPublicityScoresAgainstTheBestAndTheGapCountsDown() {
        let rules = RankingRules(weights: [.publicity: 1, .gap: 1], minimumCount: 1)
        let ranked = Ranking.rank([
            // publicity 10 of the best 20 = 50; gap 30 points = 70: (50 + 70) ÷ 2 = 60
            RankingInput(name: "甲", values: [.publicity: value(10, 3), .gap: value(30, 3)]),
            // publicity 100; gap 0 = 100: 100
            RankingInput(name: "乙", values: [.publicity: value(20, 3), .gap: value(0, 3)]),
        ], rules: rules)
        XCTAssertEqual(ranked.map(\.name), ["乙", "甲"])
        XCTAssertEqual(ranked.map(\.score), [100, 60])
    }

    func testRulesAreStoredAndCheckedWhenRead() {
        let rules = RankingRules(weights: [.progress: 30, .acceptance: 20], minimumCount: 5)
        XCTAssertEqual(RankingRules(stored: rules.stored), rules)
        XCTAssertNil(RankingRules(stored: "progress:-1;min:3"))
        XCTAssertNil(RankingRules(stored: "nonsense"))
    }
}

final class LetterRuleTests: XCTestCase {
    func testTheTierFollowsMonthsInARowAndPointsBelowTheSchedule() {
        let rule = LetterRule.standard  // 2 months → 工作提示函, 3 → 督办函, more than 20 points below → 督办函
        XCTAssertEqual(rule.tier(months: 1, pointsBelow: 5), .reminder)
        XCTAssertEqual(rule.tier(months: 2, pointsBelow: 5), .notice)
        XCTAssertEqual(rule.tier(months: 3, pointsBelow: nil), .supervision)
        XCTAssertEqual(rule.tier(months: 1, pointsBelow: 20), .reminder, "exactly 20 points is not more than 20")
        XCTAssertEqual(rule.tier(months: 1, pointsBelow: Decimal(string: "20.01")), .supervision)
        XCTAssertEqual(LetterTier.supervision.numberText(year: 2025, number: 3), "督办〔2025〕3号")
        XCTAssertEqual(LetterRule(stored: "2,3,20"), rule)
        XCTAssertNil(LetterRule(stored: "3,2,20"), "督办函 cannot come before 工作提示函")
        XCTAssertNil(LetterRule(stored: "0,3,20"))
        XCTAssertNil(LetterRule(stored: "2,3,120"))
    }

    func testATriggerSaysWhatIsWrong() {
        // 化解超期安置: 29.34% against 83.33% is 53.99 points below (hand subtraction).
        let trigger = LetterTrigger(project: "化解超期安置3200户", indicator: "化解超期安置3200户", progress: Decimal(string: "29.34"),
                                    schedule: Decimal(string: "83.33"), lagging: true, months: 3, laggingRegions: ["双清区", "大祥区"])
        XCTAssertEqual(trigger.pointsBelow, Decimal(string: "53.99"))
        XCTAssertEqual(trigger.sentence, "“化解超期安置3200户”进度 29.34%，低于序时进度 83.33%（差 53.99 个百分点）；双清区、大祥区未达序时进度；已连续 3 个月未达要求")
    }
}

final class ChineseTextTests: XCTestCase {
    func testSpacesBetweenChineseAndFiguresGo() {
        XCTAssertEqual(ChineseText.tight("截至 10 月底，5 个指标已完成"), "截至10月底，5个指标已完成")
        XCTAssertEqual(ChineseText.tight("Word 2016 and WPS"), "Word 2016 and WPS")
        XCTAssertEqual(ChineseText.quoted("普惠性托育“护蕾”行动"), "“普惠性托育‘护蕾’行动”")
    }

    func testSectionNumbers() {
        XCTAssertEqual([1, 9, 10, 11, 20, 21, 99].map(Bulletin.ordinal), ["一", "九", "十", "十一", "二十", "二十一", "九十九"])
        XCTAssertEqual(Bulletin.subOrdinal(12), "（十二）")
    }
}

/// The .docx writer read back part by part.
final class WordDocumentTests: XCTestCase {
    func parts(_ data: Data) throws -> [String: String] {
        let archive = try Archive(data: data, accessMode: .read)
        var parts: [String: String] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            parts[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
        return parts
    }

    func document() -> WordDocument {
        let table = WordDocument.Table(columnWidths: [2000, 3000], rows: [[.init("序号"), .init("项目<&>")], [.init("1"), .init("建设")]], headerRows: 1)
        return WordDocument(title: "通报 <测试>", date: Date(timeIntervalSince1970: 1_730_764_800), sections: [
            .init(blocks: [.paragraph(.body("正文 & “引号”"))]),
            .init(blocks: [.table(table)], landscape: true),
        ])
    }

    func testPageSizesMarginsFontsHeaderRowsAndPageNumbers() throws {
        let parts = try parts(try document().data())
        XCTAssertEqual(Set(parts.keys), ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml", "word/styles.xml",
                                         "word/settings.xml", "word/fontTable.xml", "word/_rels/document.xml.rels", "word/footer1.xml", "word/footer2.xml"])
        let body = try XCTUnwrap(parts["word/document.xml"])
        // A4 portrait: 210 × 297 mm = 11906 × 16838 twips; 37 mm top = 2098, 28 mm left = 1587 (× 1440 ÷ 25.4, rounded).
        XCTAssertTrue(body.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        XCTAssertTrue(body.contains("w:top=\"2098\""))
        XCTAssertTrue(body.contains("w:left=\"1587\""))
        // 225 mm ÷ 22 lines = 12756 ÷ 22 = 579 twips a line.
        XCTAssertTrue(body.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/>"))
        XCTAssertTrue(body.contains("<w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"))
        XCTAssertTrue(body.contains("<w:tblHeader/>"))
        XCTAssertEqual(body.components(separatedBy: "<w:tblHeader/>").count - 1, 1, "only the header row repeats")
        XCTAssertTrue(body.contains("w:eastAsia=\"仿宋_GB2312\""))
        XCTAssertTrue(body.contains("项目&lt;&amp;&gt;"))
        XCTAssertTrue(body.contains("正文 &amp; “引号”"))
        XCTAssertTrue(try XCTUnwrap(parts["docProps/core.xml"]).contains("通报 &lt;测试&gt;"))
        let fonts = try XCTUnwrap(parts["word/fontTable.xml"])
        XCTAssertTrue(fonts.contains("<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"方正小标宋_GBK\"/>"))
        // Odd pages right, even pages left, with the page number field between dashes.
        let odd = try XCTUnwrap(parts["word/footer1.xml"]), even = try XCTUnwrap(parts["word/footer2.xml"])
        XCTAssertTrue(odd.contains("<w:jc w:val=\"right\"/>") && even.contains("<w:jc w:val=\"left\"/>"))
        XCTAssertTrue(odd.contains(" PAGE ") && odd.contains("— ") && odd.contains(" —"))
        XCTAssertTrue(try XCTUnwrap(parts["word/settings.xml"]).contains("<w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/>"), "the schema's order")
        XCTAssertTrue(try XCTUnwrap(parts["word/styles.xml"]).contains("<w:widowControl w:val=\"0\"/><w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/>"),
                      "spacing before jc, as the schema orders them")
        // Every part is well-formed XML.
        for (name, text) in parts {
            let parser = XMLParser(data: Data(text.utf8))
            XCTAssertTrue(parser.parse(), "\(name): \(parser.parserError.map { "\($0)" } ?? "")")
        }
    }

    func testTheSameDocumentGivesTheSameBytes() throws {
        XCTAssertEqual(try document().data(), try document().data())
    }

    func testRowsSpannedDownwardsBecomeVerticalMerges() throws {
        let table = Bulletin.Table(widths: [1, 1, 1], head: [[.init("甲"), .init("乙"), .init("丙")]],
                                   body: [[.init("1", rows: 2), .init("a"), .init("b")], [.init("c"), .init("d")]])
        let word = BulletinWord.table(table, width: 3000)
        XCTAssertEqual(word.columnWidths, [1000, 1000, 1000])
        XCTAssertEqual(word.rows.count, 3)
        XCTAssertEqual(word.rows[1].map(\.text), ["1", "a", "b"])
        XCTAssertEqual(word.rows[2].map(\.text), ["", "c", "d"], "the covered cell is a continuation, the row's own cells follow it")
        XCTAssertEqual(word.rows[2].first.map { "\($0.verticalMerge)" }, "continue")
        XCTAssertEqual(word.rows[1].first.map { "\($0.verticalMerge)" }, "start")
    }
}
