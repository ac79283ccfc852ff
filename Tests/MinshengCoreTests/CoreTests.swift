import Foundation
@testable import MinshengCore
import XCTest

final class FiguresTests: XCTestCase {
    func testPercentagesRoundHalfUpToTwoDecimals() {
        // hand calculation: 880 / 9 = 97.777… → 97.78; 0.125 rounds up at the half
        XCTAssertEqual(Figures.percent(Decimal(880) / Decimal(9)), "97.78%")
        XCTAssertEqual(Figures.percent(Decimal(string: "95.125")!), "95.13%")
        XCTAssertEqual(Figures.percent(Decimal(string: "95.124999")!), "95.12%")
        XCTAssertEqual(Figures.percent(100), "100.00%")
        XCTAssertEqual(Figures.percent(Decimal(string: "254.57")!), "254.57%")
        XCTAssertEqual(Figures.quantity(20.49), "20.49")
        XCTAssertEqual(Figures.quantity(Double(3900)), "3900")
        XCTAssertEqual(Figures.quantity(Decimal(string: "3172.7799999")!), "3172.78")
    }

    func testDoublesBecomeTheDecimalsThatWereTyped() {
        // 0.1 + 0.2 style binary error must not leak into a percentage
        XCTAssertEqual(Exact.decimal(20.49), Decimal(string: "20.49"))
        XCTAssertEqual(Exact.decimal(4.6), Decimal(string: "4.6"))
    }
}

final class ScheduleTests: XCTestCase {
    func testScheduleIsMonthOverTwelveAndStatusIsJudgedUnrounded() {
        // reference 000: at the end of October 序时进度 is 83.33% (10/12)
        XCTAssertEqual(Figures.percent(Schedule.share(endOfMonth: 10)), "83.33%")
        // 83.33% shown, but 83.33 < 83.333…: below the schedule
        XCTAssertEqual(ProgressStatus.judge(progress: Decimal(string: "83.33")!, schedule: Schedule.share(endOfMonth: 10)), .lagging)
        XCTAssertEqual(ProgressStatus.judge(progress: Decimal(250) / 3, schedule: Schedule.share(endOfMonth: 10)), .onSchedule)
        XCTAssertEqual(ProgressStatus.judge(progress: 100, schedule: Schedule.share(endOfMonth: 10)), .completed)
        XCTAssertEqual(ProgressStatus.judge(progress: Decimal(string: "99.999")!, schedule: 100), .lagging)
    }
}

final class AggregationTests: XCTestCase {
    private func share(_ id: Int, parent: Int?, target: Decimal?, quantity: Decimal? = nil, progress: Decimal? = nil) -> ShareFigure {
        ShareFigure(regionID: id, parentID: parent, target: target, quantity: quantity, reportedProgress: progress)
    }

    func testMeanIsTheUnweightedMeanOfTheChildrensProgress() {
        // reference 000 附件1 ①: nine counties at 100,100,90,100,90,100,100,100,100 → 全市 97.78%
        let values: [Decimal] = [100, 100, 90, 100, 90, 100, 100, 100, 100]
        var shares = [share(0, parent: nil, target: 10)]
        for (i, value) in values.enumerated() { shares.append(share(i + 1, parent: 0, target: 1, progress: value)) }
        let result = IndicatorComputation(kind: .image, rule: .mean, shares: shares).figure(for: 0)
        XCTAssertEqual(result?.progress.map(Figures.percent), "97.78%")
    }

    func testStoredFiguresAreRoundedForShowButJudgedUnrounded() {
        // hand calculation: 74996 ÷ 100000 = 74.996% — shown as 75.00%, yet below 75% and below 83.33% (October)
        let leaf = share(1, parent: nil, target: 100_000, quantity: 74_996)
        let stored = IndicatorComputation(kind: .quantity, rule: .sum, shares: [leaf]).storedFigures(schedule: Schedule.exact(endOfMonth: 10))
        XCTAssertEqual(stored[1]?.progress, 75.0)
        XCTAssertEqual(stored[1]?.band, .below75)
        XCTAssertEqual(stored[1]?.status, .lagging)
        // 10 of 12 is exactly the October schedule (10/12): on schedule, not lagging; 83.33% shown
        let exact = IndicatorComputation(kind: .quantity, rule: .sum, shares: [share(1, parent: nil, target: 12, quantity: 10)])
            .storedFigures(schedule: Schedule.exact(endOfMonth: 10))
        XCTAssertEqual(exact[1]?.status, .onSchedule)
        XCTAssertEqual(exact[1]?.progress, 83.33)
        // half-up at the half: 1 ÷ 800 = 0.125% → 0.13%
        let half = IndicatorComputation(kind: .quantity, rule: .sum, shares: [share(1, parent: nil, target: 800, quantity: 1)])
            .storedFigures(schedule: Schedule.exact(endOfMonth: 1))
        XCTAssertEqual(half[1]?.progress, 0.13)
    }

    func testExactNumbersFallBackToDecimalsWithoutLosingTheResult() {
        // 880 / 9 = 97.777…: the ratio rounds to 97.78 exactly as the Decimal does
        let ratio = (ExactNumber(880) / ExactNumber(9))
        XCTAssertEqual(ratio?.roundedPercent, Decimal(string: "97.78"))
        XCTAssertEqual(ratio.map { Figures.percent($0.decimal) }, "97.78%")
        // a value with more than six decimals is kept as a Decimal
        let fine = ExactNumber(0.1234567)
        if case .ratio = fine { XCTFail("expected a Decimal") }
        XCTAssertEqual(fine.decimal, Decimal(string: "0.1234567"))
        // 20.49 typed stays 20.49, and sums of such stay exact: 20.49 + 0.01 = 20.5
        XCTAssertEqual((ExactNumber(20.49) + ExactNumber(0.01)).decimal, Decimal(string: "20.5"))
    }

    func testSumDividesTheChildrensQuantitiesByTheParentsOwnTarget() {
        // reference 000 附件1 ⑫ 建设老年助餐服务点 40 个, 全市 130.00%: shares 3,3,3,4,4,4,4,4,2,3,2,4 (hand-chosen so each
        // county's printed % holds: 4/3 = 133.33%, 5/4 = 125.00%, 3/2 = 150.00%), quantities one more each: 52 / 40 = 130%
        let targets: [Decimal] = [3, 3, 3, 4, 4, 4, 4, 4, 2, 3, 2, 4]
        var shares = [share(0, parent: nil, target: 40)]
        for (i, t) in targets.enumerated() { shares.append(share(i + 1, parent: 0, target: t, quantity: t + 1)) }
        let computation = IndicatorComputation(kind: .quantity, rule: .sum, shares: shares)
        XCTAssertEqual(computation.figure(for: 0)?.quantity, 52)
        XCTAssertEqual(computation.figure(for: 0)?.progress.map(Figures.percent), "130.00%")
        XCTAssertEqual(computation.figure(for: 1)?.progress.map(Figures.percent), "133.33%")
        XCTAssertEqual(computation.figure(for: 4)?.progress.map(Figures.percent), "125.00%")
    }

    func testSumFallsBackToTheChildrensTargetsAndAggregatesAtEveryDepth() {
        // hand calculation: city (no own target) → county A (own target 10) → towns 4/5 and 3/5; county B 6/10.
        // A = (4+3)/10 = 70%; city = (7+6)/(10+10) = 65%
        let shares = [
            share(0, parent: nil, target: nil),
            share(1, parent: 0, target: 10), share(2, parent: 0, target: 10, quantity: 6),
            share(11, parent: 1, target: 5, quantity: 4), share(12, parent: 1, target: 5, quantity: 3),
        ]
        let computation = IndicatorComputation(kind: .quantity, rule: .sum, shares: shares)
        XCTAssertEqual(computation.figure(for: 1)?.progress, 70)
        XCTAssertEqual(computation.figure(for: 0)?.target, 20)
        XCTAssertEqual(computation.figure(for: 0)?.progress, 65)
    }
}

final class RegionTreeTests: XCTestCase {
    func testSubtreesAndAncestors() {
        let tree = RegionTree([
            .init(id: 1, parentID: nil, name: "湖南省", kind: .province),
            .init(id: 2, parentID: 1, name: "邵阳市", kind: .city),
            .init(id: 3, parentID: 2, name: "双清区", kind: .district, sortOrder: 2),
            .init(id: 4, parentID: 2, name: "大祥区", kind: .district, sortOrder: 1),
            .init(id: 5, parentID: 1, name: "湘潭市", kind: .city),
        ])
        XCTAssertEqual(tree.subtree(of: 2).map(\.name), ["邵阳市", "大祥区", "双清区"])
        XCTAssertEqual(tree.ancestors(of: 3).map(\.name), ["湖南省", "邵阳市"])
        XCTAssertTrue(tree.isWithin(3, of: 2))
        XCTAssertFalse(tree.isWithin(3, of: 5))
        XCTAssertFalse(tree.isWithin(2, of: 3))
        XCTAssertEqual(tree.path(of: 3), "湖南省 / 邵阳市 / 双清区")
    }

    func testKindsAreGuessedFromChineseNames() {
        XCTAssertEqual(RegionKind.guess(fromName: "邵东市", parent: .city), .county)
        XCTAssertEqual(RegionKind.guess(fromName: "邵阳市", parent: .province), .city)
        XCTAssertEqual(RegionKind.guess(fromName: "市本级", parent: .city), .own)
        XCTAssertEqual(RegionKind.guess(fromName: "经开区", parent: .city), .zone)
        XCTAssertEqual(RegionKind.guess(fromName: "城步苗族自治县", parent: .city), .county)
        XCTAssertEqual(RegionKind.aggregateLabel(name: "邵阳市", kind: .city), "全市")
        XCTAssertEqual(RegionKind.aggregateLabel(name: "邵东市", kind: .county), "全市")
        XCTAssertEqual(RegionKind.aggregateLabel(name: "双清区", kind: .district), "全区")
        XCTAssertEqual(RegionKind.aggregateLabel(name: "新邵县", kind: .county), "全县")
    }
}

final class CSVTests: XCTestCase {
    func testQuotedFieldsBOMAndLineEnds() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3"
        XCTAssertEqual(try CSVReader.rows(text), [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"]])
        XCTAssertEqual(CSVReader.line(["a,b", "c\"d", "e"]), "\"a,b\",\"c\"\"d\",e")
    }

    func testMalformedQuotesAreRefused() {
        XCTAssertThrowsError(try CSVReader.rows("a,\"open\n1,2"))
        XCTAssertThrowsError(try CSVReader.rows("a,\"x\"y,b"))
    }
}

final class PlanFileTests: XCTestCase {
    private let header = PlanFile.header.joined(separator: ",")

    func testAValidPlanParses() throws {
        let rows = try PlanFile.parse(rows: CSVReader.rows("""
        \(header)
        省定,6,提高养老服务水平,建设老年助餐服务点,建设老年助餐服务点,个,,,市民政局,全市,40
        省定,6,提高养老服务水平,建设老年助餐服务点,建设老年助餐服务点,个,,,市民政局,双清区,3
        省定,1,推进教育高质量发展,徐特立项目,建成徐特立项目,所,形象进度,,市教育局,全市,待另行发文确定
        """))
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0].kind, .quantity)
        XCTAssertEqual(rows[0].rule, .sum, "empty 汇总方式 is 求和 for 进度")
        XCTAssertEqual(rows[2].rule, .mean, "and 平均 otherwise")
        XCTAssertEqual(rows[2].targetNote, "待另行发文确定")
        XCTAssertNil(rows[2].target)
    }

    func testEveryBadRowIsNamedWithRowAndColumn() {
        let text = """
        \(header)
        国定,1,a,b,c,个,进度,求和,,全市,1
        省定,x,a,b,c,个,进度,求和,,全市,1
        省定,1,a,b,c,个,进度,求和,,全市,-5
        省定,1,a,b,c,个,快速,求和,,双清区,1
        省定,1,a,b,d,个,进度,求和,,全市,1
        省定,1,a,b,d,个,进度,求和,,全市,2
        """
        XCTAssertThrowsError(try PlanFile.parse(rows: CSVReader.rows(text))) { error in
            let problems = (error as? ImportRefusal)?.problems ?? []
            XCTAssertEqual(problems.map(\.row), [2, 3, 4, 5, 7])
            XCTAssertEqual(problems.map(\.column), ["级别", "实事序号", "目标任务", "进度类型", "行政区划"])
            XCTAssertTrue(problems[4].description.contains("与第 6 行重复"))
        }
    }

    func testWrongHeaderAndEmptyFilesAreRefused() {
        XCTAssertThrowsError(try PlanFile.parse(rows: [["级别", "名称"]])) { error in
            XCTAssertEqual((error as? ImportRefusal)?.problems.first?.row, 1)
        }
        XCTAssertThrowsError(try PlanFile.parse(rows: []))
        XCTAssertThrowsError(try PlanFile.parse(rows: [PlanFile.header]))
    }

    func testProgressRowsAcceptPercentFormsAndRefuseOutliers() throws {
        let head = ProgressFile.header.joined(separator: ",")
        let rows = try ProgressFile.parse(rows: CSVReader.rows("\(head)\n2024-10,p,i,双清区,100,,\n2024-10,p,j,双清区,,92.79%,\n2024-10,p,k,双清区,,是,"))
        XCTAssertEqual(rows.map(\.progress), [nil, 92.79, 100])
        XCTAssertThrowsError(try ProgressFile.parse(rows: CSVReader.rows("\(head)\n2024-10,p,i,双清区,,1000.5%,")))
        XCTAssertThrowsError(try ProgressFile.parse(rows: CSVReader.rows("\(head)\n2024-13,p,i,双清区,1,,")))
        XCTAssertThrowsError(try ProgressFile.parse(rows: CSVReader.rows("\(head)\n2024-10,p,i,双清区,-1,,")))
    }
}

final class SecurityRuleTests: XCTestCase {
    func testThrottleSlowsDownThenLocks() {
        let throttle = LoginThrottle(freeFailures: 2, lockAfter: 5, lockDuration: 900, delayStep: 1, maximumDelay: 5)
        XCTAssertEqual((1...4).map { throttle.delay(afterFailures: $0) }, [0, 0, 1, 2])
        let now = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertNil(throttle.lockUntil(afterFailures: 4, now: now))
        XCTAssertEqual(throttle.lockUntil(afterFailures: 5, now: now), now.addingTimeInterval(900))
        XCTAssertTrue(throttle.isLocked(until: now.addingTimeInterval(1), now: now))
        XCTAssertFalse(throttle.isLocked(until: now, now: now))
    }

    func testPasswordRules() {
        XCTAssertNotNil(PasswordRules.problem(with: "short1", username: "u"))
        XCTAssertNotNil(PasswordRules.problem(with: "onlyletters", username: "u"))
        XCTAssertNotNil(PasswordRules.problem(with: "admin1234", username: "admin1234"))
        XCTAssertNil(PasswordRules.problem(with: "minsheng2024", username: "admin"))
        XCTAssertNotNil(UsernameRules.problem(with: "has space"))
        XCTAssertNil(UsernameRules.problem(with: "张三_01"))
    }
}

final class ColumnOrderTests: XCTestCase {
    func testIndicatorsThatSkipRegionsStillGiveThePlansColumnOrder() {
        // reference 000 附件1: ① lists 邵东市 … (no 双清区, 大祥区, 北塔区); ② lists all from 双清区
        let first = ["全市", "邵东市", "新邵县", "武冈市"]
        let second = ["全市", "双清区", "大祥区", "北塔区", "邵东市", "新邵县", "武冈市", "市本级"]
        XCTAssertEqual(ColumnOrder.merge([first, second]), ["全市", "双清区", "大祥区", "北塔区", "邵东市", "新邵县", "武冈市", "市本级"])
        // reference 000 附件3 puts 市本级 first and 经开区 last
        XCTAssertEqual(ColumnOrder.merge([["全市", "双清区", "经开区"], ["全市", "市本级", "双清区"]]), ["全市", "市本级", "双清区", "经开区"])
        // contradictions do not lose regions
        XCTAssertEqual(Set(ColumnOrder.merge([["a", "b"], ["b", "a"]])), ["a", "b"])
    }
}

final class DisclosureRuleTests: XCTestCase {
    func testTheMonthlyUpdateRuleCountsFromMarch() {
        // hand-made: updates in March and May only; through May, April fails the default rule
        let rule = UpdateRule()
        let verdict = rule.verdict(updatesByMonth: [3: 2, 5: 1], through: 5)
        XCTAssertEqual(verdict, [3: true, 4: false, 5: true])
        XCTAssertFalse(rule.isMet(updatesByMonth: [3: 2, 5: 1], through: 5))
        XCTAssertTrue(rule.isMet(updatesByMonth: [1: 0], through: 2), "nothing is judged before March")
        XCTAssertEqual(UpdateRule(fromMonth: 1, minimum: 2).verdict(updatesByMonth: [1: 1, 2: 2], through: 2), [1: false, 2: true])
    }

    func testDuplicatesAndMisfiledReportsAreFlaggedWithTheReason() {
        let items: [(id: Int, title: String, text: String)] = [
            (1, "邵东市托育中心开工建设", "10月8日，邵东市普惠托育中心举行开工仪式，计划新增托位300个。"),
            (2, "邵东市托育中心开工建设！", "另一段文字"),
            (3, "托育中心开工", "10月8日，邵东市普惠托育中心举行开工仪式，计划新增托位300个。"),
            (4, "老年助餐点投入运营", "全市新增老年助餐服务点12个，日均服务老人800人次。"),
        ]
        let found = DisclosureQuality.duplicates(items)
        XCTAssertEqual(found.map(\.id), [2, 3])
        XCTAssertEqual(found.map(\.of), [1, 1])
        XCTAssertTrue(found[0].reason.contains("标题相同"))
        XCTAssertTrue(found[1].reason.contains("相似度"))
        XCTAssertEqual(DisclosureQuality.misfiledReport(title: "托育中心施工现场照片", text: "", images: 6),
                       "标题含“现场照片”，像是现场照片或进度表，应归入项目详情或成效展示")
        XCTAssertNotNil(DisclosureQuality.misfiledReport(title: "11月工作开展情况", text: "见图", images: 3))
        XCTAssertNil(DisclosureQuality.misfiledReport(title: "关于加快推进普惠托育服务的工作专报",
                                                      text: String(repeating: "全市托育服务体系建设稳步推进，", count: 5), images: 1))
    }

    /// The indexed search finds exactly what comparing every pair finds (the pairwise loop is
    /// written out here as the reference), on pages of near-repeats made at random.
    func testDuplicatesMatchThePairwiseComparisonOnRandomPages() {
        func pairwise(_ items: [(id: Int, title: String, text: String)]) -> [(Int, Int)] {
            var found: [(Int, Int)] = []
            for i in items.indices {
                for j in 0..<i {
                    let a = DisclosureQuality.normalized(items[i].title), b = DisclosureQuality.normalized(items[j].title)
                    if a == b && !a.isEmpty { found.append((items[i].id, items[j].id)); break }
                    if DisclosureQuality.similarity(items[i].title + items[i].text, items[j].title + items[j].text) >= 0.85 {
                        found.append((items[i].id, items[j].id)); break
                    }
                }
            }
            return found
        }
        var generator = SystemRandomNumberGenerator()
        let words = ["托育", "中心", "开工", "建设", "新增", "托位", "邵东", "老年", "助餐", "服务", "完成", "验收", "项目", "推进"]
        for round in 0..<8 {
            var items: [(id: Int, title: String, text: String)] = []
            for n in 0..<120 {
                let base = (0..<8).map { _ in words.randomElement(using: &generator) ?? "" }.joined()
                // Every third item repeats an earlier one with a word or two changed.
                if n % 3 == 2, let earlier = items.randomElement(using: &generator) {
                    var text = earlier.text
                    if Bool.random(using: &generator) { text += words.randomElement(using: &generator) ?? "" }
                    items.append((n, Bool.random(using: &generator) ? earlier.title : "第\(n)条", text))
                } else {
                    items.append((n, "标题\(round)-\(n % 40)", base + base))
                }
            }
            let fast = DisclosureQuality.duplicates(items).map { ($0.id, $0.of) }
            let slow = pairwise(items)
            XCTAssertGreaterThan(slow.count, 10, "the page has repeats to find")
            XCTAssertEqual(fast.map { "\($0.0)<\($0.1)" }, slow.map { "\($0.0)<\($0.1)" }, "round \(round)")
        }
    }
}
