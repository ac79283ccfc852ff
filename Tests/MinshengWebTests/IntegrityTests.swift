import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest
import XCTVapor

/// Integrity faults seen in real use (issue 14, item 3).
final class IntegrityTests: XCTestCase {
    func testAPhonesFirstRatingAlreadyCountsAsItsBrowsersOne() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            guard let project = try await Project.query(on: app.db).filter(\.$name == "普惠性托育“护蕾”行动").first(), let id = project.id else {
                return XCTFail("demo project missing")
            }
            let before = try await Feedback.query(on: app.db).count()
            // A phone that keeps cookies and starts with none rates twice, seconds apart.
            let phone = TestBrowser(app)
            XCTAssertTrue(phone.otherCookies.isEmpty)
            let first = try await phone.post("/p/\(id)/feedback", [("rating", "satisfied")], csrf: false)
            XCTAssertEqual(first.status, .seeOther, first.body)
            XCTAssertNotNil(phone.otherCookies[PublicController.browserCookie], "the first reply gives the browser its id")
            let second = try await phone.post("/p/\(id)/feedback", [("rating", "unsatisfied")], csrf: false)
            XCTAssertEqual(second.status, .unprocessableEntity, "refused with the page and its reason")
            XCTAssertTrue(second.body.contains("已经评价过"))
            try await XCTAssertEqualAsync(try await Feedback.query(on: app.db).count(), before + 1, "one rating stored")
            let stored = try await Feedback.query(on: app.db).sort(\.$id, .descending).first()
            XCTAssertEqual(stored?.browser, phone.otherCookies[PublicController.browserCookie], "stored under the id the reply set")
        }
    }
}
