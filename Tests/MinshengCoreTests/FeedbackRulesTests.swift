import Foundation
@testable import MinshengCore
import XCTest

/// 处理率, reply times and 满意率 on a small fixture computed by hand.
final class FeedbackRulesTests: XCTestCase {
    func testRatesByHand() {
        let t0 = Date(timeIntervalSince1970: 1_730_000_000)
        func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }
        var records: [FeedbackRecord] = []
        // ratings: 6 满意, 3 基本满意, 1 不满意
        for _ in 0..<6 { records.append(.init(rating: .satisfied, hasText: false, state: .received, createdAt: t0, repliedAt: nil)) }
        for _ in 0..<3 { records.append(.init(rating: .basic, hasText: false, state: .received, createdAt: t0, repliedAt: nil)) }
        records.append(.init(rating: .unsatisfied, hasText: false, state: .received, createdAt: t0, repliedAt: nil))
        // five opinions (no rating): four answered after 2, 4, 10 and 30 hours, one still open
        for hours in [30.0, 2, 10, 4] { records.append(.init(rating: nil, hasText: true, state: .answered, createdAt: t0, repliedAt: at(hours))) }
        records.append(.init(rating: nil, hasText: true, state: .received, createdAt: t0, repliedAt: nil))
        // one invalid item with a rating and text: left out of every rate, counted apart
        records.append(.init(rating: .unsatisfied, hasText: true, state: .invalid, createdAt: t0, repliedAt: nil))

        let rates = FeedbackRates(records)
        XCTAssertEqual(rates.ratings, 10)
        XCTAssertEqual(rates.invalid, 1)
        XCTAssertEqual(rates.received, 5)
        XCTAssertEqual(rates.answered, 4)
        XCTAssertEqual(rates.handlingRate, 80, "4 ÷ 5")
        XCTAssertEqual(rates.satisfactionRate, 90, "(6 + 3) ÷ 10")
        XCTAssertEqual(FeedbackRates(records, rule: .satisfiedOnly).satisfactionRate, 60, "6 ÷ 10")
        XCTAssertEqual(rates.medianReplyHours, 7, "(4 + 10) ÷ 2")
        XCTAssertEqual(rates.p90ReplyHours, 30, "nearest rank ⌈4 × 0.9⌉ = 4th of 2, 4, 10, 30")
        // nothing received: no rate, not 0% or 100%
        XCTAssertNil(FeedbackRates([]).handlingRate)
        XCTAssertNil(FeedbackRates([]).satisfactionRate)
        // 2 answered of 3: 66.666…%, shown rounded half-up as 66.67%
        let third = [FeedbackRecord](repeating: .init(rating: nil, hasText: true, state: .answered, createdAt: t0, repliedAt: at(1)), count: 2)
            + [.init(rating: nil, hasText: true, state: .received, createdAt: t0, repliedAt: nil)]
        XCTAssertEqual(Figures.percent(FeedbackRates(third).handlingRate ?? 0), "66.67%")
    }

    func testPhonesAndDeadlines() {
        XCTAssertEqual(FeedbackText.maskPhone("13812341234"), "138****1234")
        XCTAssertEqual(FeedbackText.phone("138 1234-1234"), "13812341234")
        XCTAssertEqual(FeedbackText.phone("0739-5123456"), "07395123456")
        XCTAssertNil(FeedbackText.phone("abc"))
        XCTAssertNil(FeedbackText.phone("12345"))
        XCTAssertNil(FeedbackText.phone("1381234123412341234"))
        // received on Friday 1 November 2024 at 10:00: five working days are 4–8 November, due by the end of Friday the 8th
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        let friday = calendar.date(from: DateComponents(year: 2024, month: 11, day: 1, hour: 10))!
        let due = FeedbackText.deadline(from: friday, workingDays: 5)
        XCTAssertEqual(due, calendar.date(from: DateComponents(year: 2024, month: 11, day: 9)))
    }
}
