import MinshengCore
import XCTest

/// The deputies' vote worked by hand: 300 deputies, 290 present.
final class DeputyVoteTests: XCTestCase {
    func t(_ id: Int, _ f: Int, _ a: Int, _ x: Int) -> DeputyVote.Tally { .init(candidateID: id, votesFor: f, against: a, abstain: x) }

    func testMoreThanHalfOfAllDeputiesPassesAndThePlacesFillInOrder() {
        // 281 × 2 = 562 > 300 passes; 150 × 2 = 300 is not more than 300; 151 passes.
        let result = DeputyVote.result([t(1, 281, 1, 0), t(2, 150, 100, 40), t(3, 151, 120, 19)], places: 1, deputies: 300, present: 290, rule: .majorityOfAll)
        XCTAssertEqual(result.threshold, 150)
        XCTAssertEqual(result.standings.map(\.tally.candidateID), [1, 3, 2])
        XCTAssertEqual(result.standings.map(\.passes), [true, true, false])
        XCTAssertEqual(result.standings.map(\.rank), [1, 2, nil])
        XCTAssertEqual(result.chosen, [1], "one place: the most 赞成 among those passing")
        XCTAssertEqual(result.tiedAtLastPlace, [])
    }

    func testMajorityOfThosePresent() {
        // 146 × 2 = 292: more than 290 present, not more than 300 deputies.
        let ofPresent = DeputyVote.result([t(1, 146, 100, 44)], places: 1, deputies: 300, present: 290, rule: .majorityOfPresent)
        XCTAssertEqual(ofPresent.chosen, [1])
        XCTAssertEqual(ofPresent.threshold, 145)
        let ofAll = DeputyVote.result([t(1, 146, 100, 44)], places: 1, deputies: 300, present: 290, rule: .majorityOfAll)
        XCTAssertEqual(ofAll.chosen, [])
    }

    func testATieAtTheLastPlaceIsReportedNotBroken() {
        // Two places; 200, then 180 and 180: both at the cut are marked, and the tie reported.
        let result = DeputyVote.result([t(1, 200, 50, 40), t(2, 180, 60, 50), t(3, 180, 70, 40), t(4, 160, 90, 40)], places: 2, deputies: 300, present: 290,
                                       rule: .majorityOfAll)
        XCTAssertEqual(result.chosen, [1, 2, 3])
        XCTAssertEqual(result.tiedAtLastPlace, [2, 3])
        XCTAssertEqual(result.standings.map(\.rank), [1, 2, 2, 4])
        XCTAssertFalse(result.standings[3].chosen, "160 passes but the places are taken")
    }

    func testATallyCannotExceedThosepresent() {
        XCTAssertEqual(DeputyVote.problem(t(1, 281, 10, 0), present: 290), "赞成、反对、弃权合计 291 票，超过出席代表 290 人。")
        XCTAssertNil(DeputyVote.problem(t(1, 281, 9, 0), present: 290))
    }
}
