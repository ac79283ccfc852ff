import Foundation
@testable import MinshengCore
import XCTest

/// Deadlines, colours, tallies, evaluation and ballots, each worked by hand (working days are
/// Monday to Friday; September 2, 2024 was a Monday).
final class SupervisionCoreTests: XCTestCase {
    static func at(_ month: Int, _ day: Int, _ hour: Int = 0, year: Int = 2024) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)) ?? Date()
    }

    func testColoursFollowTheWorkingDays() {
        // Assigned Monday 2 September with 30 working days (一般).
        // Working days: Sep 3–6 (4), 9–13 (9), 16–20 (14), 23–27 (19), 30 (20), Oct 1–4 (24), 7–11 (29), 14 (30):
        // the last allowed day is Monday 14 October, overdue from 15 October.
        // Blue from 3 working days before: the 27th working day is Wednesday 9 October, so from 10 October.
        // Red at twice the time, 60 working days: Oct 15–18 (34), 21–25 (39), 28–31 (43), Nov 1 (44), 4–8 (49),
        // 11–15 (54), 18–22 (59), 25 (60): from Tuesday 26 November.
        let clock = ProblemClock(start: Self.at(9, 2, 14), days: 30)
        XCTAssertEqual(clock.due, Self.at(10, 15))
        XCTAssertEqual(clock.warning, Self.at(10, 10))
        XCTAssertEqual(clock.doubled, Self.at(11, 26))
        XCTAssertEqual(clock.urgency(at: Self.at(10, 9, 23)), ProblemUrgency.none)
        XCTAssertEqual(clock.urgency(at: Self.at(10, 10, 8)), .blue)
        XCTAssertEqual(clock.urgency(at: Self.at(10, 14, 23)), .blue)
        XCTAssertEqual(clock.urgency(at: Self.at(10, 15, 0)), .yellow)
        XCTAssertEqual(clock.urgency(at: Self.at(11, 25, 23)), .yellow)
        XCTAssertEqual(clock.urgency(at: Self.at(11, 26, 0)), .red)
        // A weekend does not count: 3 working days from Thursday 5 September are Fri 6, Mon 9, Tue 10.
        XCTAssertEqual(ProblemClock(start: Self.at(9, 5, 10), days: 3).due, Self.at(9, 11))
        XCTAssertEqual(WorkingDays.between(Self.at(9, 12, 10), Self.at(9, 30)), 12, "Sep 13, 16–20, 23–27, 30")
    }

    func testTheStatesAllowOnlyTheirNextSteps() {
        XCTAssertEqual(ProblemAction.assign.next(from: .pending), .rectifying)
        XCTAssertNil(ProblemAction.answer.next(from: .pending), "nobody answers a problem not yet assigned")
        XCTAssertEqual(ProblemAction.answer.next(from: .partial), .answered)
        XCTAssertEqual(ProblemAction.confirm.next(from: .answered), .rectified)
        XCTAssertNil(ProblemAction.confirm.next(from: .rectifying), "confirming needs the unit's answer")
        XCTAssertEqual(ProblemAction.reopen.next(from: .answered), .rectifying)
        XCTAssertEqual(ProblemAction.partial.next(from: .answered), .partial)
        XCTAssertNil(ProblemAction.invalid.next(from: .rectified), "a closed problem stays closed")
        XCTAssertEqual(ProblemAction.duplicate.next(from: .pending), .duplicate)
        XCTAssertEqual(ProblemAction.assign.next(from: .partial), .rectifying, "reassigned while the unit owes the answer")
        XCTAssertNil(ProblemAction.assign.next(from: .answered), "not while the raiser decides")
        XCTAssertEqual(ProblemDeadlines(urgent: 10, major: 5, normal: 30).problem(), "整改时限应按严重程度递增：紧急 ≤ 较重 ≤ 一般。")
        XCTAssertNotNil(ProblemDeadlines(urgent: 0, major: 5, normal: 30).problem())
        XCTAssertNil(ProblemDeadlines.standard.problem())
    }

    func testTheTallyAsAMonthEndSawIt() {
        // Three problems raised in 2024: one rectified after 4 days, one after 9 days, one open past its deadline
        // at the end of October; the median of 4 and 9 days is 6.5.
        func fact(_ id: Int, raised: Date, rectified: Date? = nil, clock: ProblemClock? = nil, answered: Date? = nil) -> ProblemFact {
            ProblemFact(id: id, regionID: 1, unitID: 1, projectID: 1, category: .quality, raiser: 1, raisedAt: raised, rectifiedAt: rectified,
                        dismissedAt: nil, clock: clock, answeredAt: answered)
        }
        let facts = [fact(1, raised: Self.at(3, 1, 9), rectified: Self.at(3, 5, 9)),
                     fact(2, raised: Self.at(5, 1, 9), rectified: Self.at(5, 10, 9)),
                     fact(3, raised: Self.at(9, 2, 9), clock: ProblemClock(start: Self.at(9, 2, 14), days: 10))]
        let october = ProblemTally.of(facts, from: Self.at(1, 1), until: Self.at(11, 1))
        XCTAssertEqual([october.raised, october.rectified, october.open, october.overdue], [3, 2, 1, 1])
        XCTAssertEqual(october.medianDays, Decimal(string: "6.5"))
        // At the end of August the third had not been raised; at the end of May the second was rectified.
        let may = ProblemTally.of(facts, from: Self.at(1, 1), until: Self.at(6, 1))
        XCTAssertEqual([may.raised, may.rectified, may.open], [2, 2, 0])
        // Answered before the month's end and waiting for confirmation: open, not overdue.
        let answered = ProblemTally.of([fact(4, raised: Self.at(9, 2, 9), clock: ProblemClock(start: Self.at(9, 2, 14), days: 10), answered: Self.at(9, 20))],
                                       from: Self.at(1, 1), until: Self.at(11, 1))
        XCTAssertEqual([answered.open, answered.overdue], [1, 0])
        XCTAssertEqual(october.sentence(categories: [.quality, .safety], who: "观察员"), "观察员共提出工程建设质量、安全隐患等问题 3 个，已整改 2 个，正在整改 1 个（其中超期 1 个）")
    }

    func testTheWeightedTrimmedMean() throws {
        // Criteria 实施过程 30, 完成质量 30, 群众满意 30, 特色亮点 10.
        let criteria = EvaluationCriterion.standard
        // One evaluator: (90×30 + 80×30 + 85×30 + 70×10) ÷ 100 = (2700 + 2400 + 2550 + 700) ÷ 100 = 83.5
        XCTAssertEqual(EvaluationMath.weighted([90, 80, 85, 70], criteria: criteria), Decimal(string: "83.5"))
        // Five totals 83.5, 90, 70, 88, 95: drop 95 and 70, mean of 83.5, 88, 90 = 261.5 ÷ 3 = 87.1666… → 87.17
        let five: [Decimal] = [Decimal(string: "83.5") ?? 0, 90, 70, 88, 95]
        let trimmed = try XCTUnwrap(EvaluationMath.trimmedMean(five))
        XCTAssertTrue(trimmed.trimmed)
        XCTAssertEqual(Exact.rounded(trimmed.mean, scale: 2), Decimal(string: "87.17"))
        // Four scores are not trimmed: (83.5 + 90 + 70 + 88) ÷ 4 = 331.5 ÷ 4 = 82.875
        XCTAssertEqual(EvaluationMath.trimmedMean(Array(five.prefix(4)))?.mean, Decimal(string: "82.875"))
        XCTAssertNil(EvaluationMath.score("100.5"))
        XCTAssertNil(EvaluationMath.score("85.25"), "one decimal at most")
        XCTAssertNil(EvaluationMath.score("<script>"))
        XCTAssertNil(EvaluationMath.score("1.2.3"), "one decimal point")
        XCTAssertNil(EvaluationMath.score(".5"))
        XCTAssertEqual(EvaluationMath.score("92.5"), Decimal(string: "92.5"))
        // Equal scores share a rank: 1, 2, 2, 4.
        let ranked = EvaluationResult.rank([(1, "甲", 1, [[90, 90, 90, 90]]), (2, "乙", 1, [[80, 80, 80, 80]]), (3, "丙", 1, [[80, 80, 80, 80]]),
                                            (4, "丁", 1, [[70, 70, 70, 70]])], criteria: criteria)
        XCTAssertEqual(ranked.map(\.rank), [1, 2, 2, 4])
        if case .failure(let error) = EvaluationCriterion.parse("完成质量 30\n群众满意 abc") {
            XCTAssertEqual(error.message, "第 2 行应为“名称 权重”，权重为 1 至 100 的整数，如“完成质量 30”。")
        } else {
            XCTFail("a weight that is not a number is refused")
        }
    }

    func testABallotWithTheWrongNumberOfPicksIsVoidAndTheSidesCombine() {
        let candidates = [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")]
        let ids: Set<Int> = [1, 2, 3, 4]
        XCTAssertTrue(BallotMath.isValid([1, 2], pick: 2, candidates: ids))
        XCTAssertFalse(BallotMath.isValid([1], pick: 2, candidates: ids), "K − 1 picks")
        XCTAssertFalse(BallotMath.isValid([1, 2, 3], pick: 2, candidates: ids), "K + 1 picks")
        XCTAssertFalse(BallotMath.isValid([1, 1], pick: 2, candidates: ids), "the same candidate twice")
        XCTAssertFalse(BallotMath.isValid([1, 9], pick: 2, candidates: ids), "a candidate not on the ballot")
        // Evaluators: 4 valid ballots (甲乙, 甲丙, 甲乙, 乙丙) and 1 void (甲乙丙).
        // Public: 5 valid (丁甲, 丁乙, 丁甲, 丁丙, 甲乙) and 1 void (丁).
        // Shares — evaluators: 甲 3/4 = 75%, 乙 3/4 = 75%, 丙 2/4 = 50%, 丁 0;
        //          public:     甲 3/5 = 60%, 乙 2/5 = 40%, 丙 1/5 = 20%, 丁 4/5 = 80%.
        // 50% / 50%: 甲 67.5, 乙 57.5, 丙 35, 丁 40 → 甲 1, 乙 2, 丁 3, 丙 4; K = 2 chooses 甲 and 乙.
        let result = BallotMath.result(candidates: candidates, pick: 2, evaluator: [[1, 2], [1, 3], [1, 2], [2, 3], [1, 2, 3]],
                                       public: [[4, 1], [4, 2], [4, 1], [4, 3], [1, 2], [4]], evaluatorWeight: 50, publicWeight: 50)
        XCTAssertEqual([result.validEvaluator, result.voidEvaluator, result.validPublic, result.voidPublic], [4, 1, 5, 1])
        XCTAssertEqual(result.tallies.map(\.name), ["甲", "乙", "丁", "丙"])
        XCTAssertEqual(result.tallies.map(\.combined), [Decimal(string: "67.5"), Decimal(string: "57.5"), 40, 35].map { $0 ?? 0 })
        XCTAssertEqual(result.tallies.filter(\.chosen).map(\.name), ["甲", "乙"])
        XCTAssertFalse(result.tiedAtCut)
        // 70% / 30%: 甲 0.7×75 + 0.3×60 = 70.5, 乙 52.5 + 12 = 64.5, 丙 35 + 6 = 41, 丁 0 + 24 = 24.
        let weighted = BallotMath.result(candidates: candidates, pick: 2, evaluator: [[1, 2], [1, 3], [1, 2], [2, 3]],
                                         public: [[4, 1], [4, 2], [4, 1], [4, 3], [1, 2]], evaluatorWeight: 70, publicWeight: 30)
        XCTAssertEqual(weighted.tallies.map(\.combined), [Decimal(string: "70.5"), Decimal(string: "64.5"), 41, 24].map { $0 ?? 0 })
        // A tie at the K-th place marks both and says so: 乙 and 丙 each on 2 of 4 ballots.
        let tie = BallotMath.result(candidates: candidates, pick: 2, evaluator: [[1, 2], [1, 3], [1, 2], [1, 3]], public: [],
                                    evaluatorWeight: 50, publicWeight: 50)
        XCTAssertEqual(tie.tallies.map(\.rank), [1, 2, 2, 4])
        XCTAssertTrue(tie.tiedAtCut)
        XCTAssertEqual(tie.tallies.first?.combined, 100, "no public ballot: the evaluators' side weighs 100%")
    }
}
