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

/// Long lists page with their true total and filter (issue 14: 信息公开 stopped at 1,000).
final class LongListTests: XCTestCase {
    func testAThousandTwoHundredItemsAreAllCountedAndPaged() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let tree = try await RegionService(db: app.db).tree()
            guard let city = tree.nodes.values.first(where: { $0.name == "邵阳市" }),
                  let county = tree.nodes.values.first(where: { $0.name == "邵东市" }),
                  let admin = try await Account.query(on: app.db).filter(\.$username == "admin").first(),
                  let project = try await Project.query(on: app.db).filter(\.$name == "普惠性托育“护蕾”行动").first() else {
                return XCTFail("demo missing")
            }
            _ = city
            let existing = try await Disclosure.query(on: app.db).filter(\.$state == "published").count()
            // 1,200 items on 邵东市's page of one project: 1,000 工作动态 in October, 200 成效展示 in September.
            try await app.db.transaction { db in
                for n in 1...1200 {
                    let category: DisclosureCategory = n <= 1000 ? .news : .results
                    try await Disclosure(projectID: try project.requireID(), regionID: county.id, unitID: nil, category: category,
                                         title: "托育工作动态第\(n)期", publishedOn: n <= 1000 ? "2024-10-15" : "2024-09-10", body: "第\(n)期：新增托位若干。",
                                         link: nil, createdBy: try admin.requireID(), at: Date()).create(on: db)
                }
            }
            let browser = TestBrowser(app)
            try await browser.signIn("admin", "minsheng2024")
            let all = existing + 1200
            let first = try await browser.get("/disclosures")
            XCTAssertEqual(first.status, .ok)
            let grouped = all.formatted(.number.grouping(.automatic).locale(Locale(identifier: "zh_CN")))
            XCTAssertTrue(first.body.contains("共 \(grouped) 条"), "the true total, \(grouped)")
            XCTAssertTrue(first.body.contains("<div class=\"stat-value\">\(all)</div>"), "辖区已发布 counts all")
            let pages = (all + 49) / 50
            XCTAssertTrue(first.body.contains("第 1/\(pages) 页"))
            // The last page holds the remainder (hand: total − 50 × (pages − 1)).
            let last = try await browser.get("/disclosures?page=\(pages)")
            XCTAssertEqual(last.body.components(separatedBy: "<tr>").count - 2, all - 50 * (pages - 1), "rows on the last page")
            // Filters: the category and the month and the title words narrow to hand-counted totals.
            let results = try await browser.get("/disclosures?category=results")
            let resultsBefore = try await Disclosure.query(on: app.db).filter(\.$state == "published").filter(\.$category == "results").count() - 200
            XCTAssertTrue(results.body.contains("共 \(200 + resultsBefore) 条"), "200 成效展示 added")
            let september = try await browser.get("/disclosures?month=2024-09&q=%E6%89%98%E8%82%B2") // 托育
            XCTAssertTrue(september.body.contains("共 200 条"))
            let one = try await browser.get("/disclosures?q=%E7%AC%AC1200%E6%9C%9F") // 第1200期
            XCTAssertTrue(one.body.contains("共 1 条") && one.body.contains("托育工作动态第1200期"))
            // The page links keep the filters.
            let octNews = try await browser.get("/disclosures?category=news&month=2024-10")
            XCTAssertTrue(octNews.body.contains("href=\"/disclosures?category=news&amp;month=2024-10&amp;page=2\""), "next page keeps the filters")
        }
    }
}

/// Each role sees only what it may do; the office's lists name units with their region.
final class RoleControlTests: XCTestCase {
    func testACountyOfficeSeesNoControlsOfTheCitysPlan() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let resolved = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province)
            let plan = resolved.planID
            let county = TestBrowser(app)
            try await county.signIn("shaodong", "minsheng2024")
            let seen = try await county.get("/reporting/\(plan)/11/status")
            XCTAssertEqual(seen.status, .ok)
            for action in ["/deadline", "/close", "/schedule", "/reopen"] {
                XCTAssertFalse(seen.body.contains("action=\"/reporting/\(plan)/11\(action)\""), "\(action) is not offered to a county office")
            }
            XCTAssertTrue(seen.body.contains("本计划由邵阳市专班办公室设置截止日期"))
            // Those forms would be refused: the page does not offer what answers with an error.
            let refused = try await county.post("/reporting/\(plan)/11/deadline", [("deadline", "2024-12-05")])
            XCTAssertNotEqual(refused.status, .seeOther)

            let city = TestBrowser(app)
            try await city.signIn("admin", "minsheng2024")
            let office = try await city.get("/reporting/\(plan)/11/status")
            for action in ["/deadline", "/close", "/schedule"] {
                XCTAssertTrue(office.body.contains("action=\"/reporting/\(plan)/11\(action)\""), "\(action) for the city office")
            }
            // A refused form comes back on the same page, the reason beside it and what was typed kept.
            let badSchedule = try await city.post("/reporting/\(plan)/11/schedule", [("schedule", "3:20,13:50")])
            XCTAssertEqual(badSchedule.status, .unprocessableEntity)
            XCTAssertTrue(badSchedule.body.contains("序时进度应写成"), "the reason")
            XCTAssertTrue(badSchedule.body.contains("value=\"3:20,13:50\""), "what was typed")
            XCTAssertTrue(badSchedule.body.contains("尚未报送的单位"), "on the status page, not an error page")
            // 县教育局 of every county is its own unit: named with its region, never merged by name.
            XCTAssertTrue(office.body.contains("<td>邵阳县 县教育局</td>"), "units named with their region")
            XCTAssertTrue(office.body.contains("<td>隆回县 县教育局</td>"))
            XCTAssertFalse(office.body.contains("<td>县教育局</td>"), "a bare bureau name would merge counties")
        }
    }
}

/// Cumulative figures do not fall silently (issue 14: 爱晚, 邵东 100% → 95%).
final class DecreaseTests: XCTestCase {
    func testAnImportedFallNeedsItsReasonInTheNote() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let school = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let header = ProgressFile.header.joined(separator: ",")
            let project = "建成县域普通高中“徐特立项目”"
            func post(_ rows: [String]) async throws -> TestBrowser.Page {
                try await office.post("/api/imports/progress?region=%E9%82%B5%E9%98%B3%E5%B8%82&year=2024",
                                      data: Data(([header] + rows).joined(separator: "\n").utf8), contentType: "text/csv")
            }
            // October was 100% (reference 000 附件1); 95% in November with no note is refused, by row and column.
            let silent = try await post(["2024-11,\(project),\(project),邵东市,,95%,"])
            XCTAssertEqual(silent.status, .unprocessableEntity)
            XCTAssertTrue(silent.body.contains("累计数低于上月（100% → 95%）"), silent.body)
            try await XCTAssertNilAsync(try await ProgressReport.query(on: app.db).filter(\.$indicator.$id == school).filter(\.$month == 11).first())
            // Within one file too: November 100%, December 90%.
            let inFile = try await post(["2024-11,\(project),\(project),邵东市,,100%,已竣工", "2024-12,\(project),\(project),邵东市,,90%,"])
            XCTAssertEqual(inFile.status, .unprocessableEntity)
            XCTAssertTrue(inFile.body.contains("100% → 90%"))
            // With the reason in 进度情况 it is taken, and the reason kept on the figure and in its history.
            let explained = try await post(["2024-11,\(project),\(project),邵东市,,95%,附属设施返工，重新核定形象进度"])
            XCTAssertEqual(explained.status, .ok, explained.body)
            let report = try await XCTUnwrapAsync(try await ProgressReport.query(on: app.db).filter(\.$indicator.$id == school)
                .filter(\.$region.$id == shaodong).filter(\.$month == 11).first())
            XCTAssertEqual(report.decreaseReason, "附属设施返工，重新核定形象进度")
            let history = try await ProgressHistory.query(on: app.db).filter(\.$indicator.$id == school).filter(\.$month == 11).all()
            XCTAssertEqual(history.compactMap(\.reason), ["累计数低于上月：附属设施返工，重新核定形象进度"])
        }
    }

    func testAFigureLowerThanLastMonthsAsksForItsReasonAndIsMarked() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let db = app.db
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == "邵东市").first()?.id)
            let school = try await XCTUnwrapAsync(try await Indicator.query(on: db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let plan = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            _ = try await reporter.get("/reporting?plan=\(plan)&month=11")
            let key = "\(school)_\(shaodong)"
            // October was 100% (reference 000 附件1); 95% in November without a reason is refused, nothing written.
            let refused = try await reporter.post("/reporting/\(plan)/11", [("q_\(key)", ""), ("p_\(key)", "95"), ("n_\(key)", "核减"), ("action", "submit")])
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("累计数低于上月（100% → 95%）"), refused.body)
            XCTAssertTrue(refused.body.contains("name=\"r_\(key)\""), "the refused page asks for the reason beside the figure")
            XCTAssertTrue(refused.body.contains("value=\"95\""), "what was typed is kept")
            try await XCTAssertNilAsync(try await ProgressReport.query(on: db).filter(\.$indicator.$id == school).filter(\.$region.$id == shaodong).filter(\.$month == 11).first())
            // With the reason it is taken, and the reason is kept in the figure's history.
            let taken = try await reporter.post("/reporting/\(plan)/11", [("q_\(key)", ""), ("p_\(key)", "95"), ("n_\(key)", "核减"),
                                                                              ("r_\(key)", "核减一所学校的重复统计"), ("action", "submit")])
            XCTAssertEqual(taken.status, .seeOther, taken.body)
            let report = try await XCTUnwrapAsync(try await ProgressReport.query(on: db).filter(\.$indicator.$id == school).filter(\.$region.$id == shaodong).filter(\.$month == 11).first())
            XCTAssertEqual(report.decreaseReason, "核减一所学校的重复统计")
            let history = try await ProgressHistory.query(on: db).filter(\.$indicator.$id == school).filter(\.$region.$id == shaodong).filter(\.$month == 11).all()
            XCTAssertEqual(history.compactMap(\.reason), ["累计数低于上月：核减一所学校的重复统计"])
            // The office's status page marks it.
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let status = try await office.get("/reporting/\(plan)/11/status")
            XCTAssertTrue(status.body.contains("低于上月（100% → 95%）：核减一所学校的重复统计"))
            // A figure that rises needs no reason.
            let rises = try await reporter.post("/reporting/\(plan)/11", [("q_\(key)", ""), ("p_\(key)", "100"), ("n_\(key)", "已竣工"), ("action", "submit")])
            XCTAssertEqual(rises.status, .seeOther)
            try await XCTAssertNilAsync(try await ProgressReport.query(on: db).filter(\.$indicator.$id == school).filter(\.$region.$id == shaodong).filter(\.$month == 11).first()?.decreaseReason)
        }
    }
}

/// Each home page says what is waiting (issue 14, item 4).
final class WorkListTests: XCTestCase {
    func testTheOfficeSeesWhoHasNotReportedAndRemindsThemAndTheReporterSeesIt() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let plan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            // October closed (as the served demo has it): November is being reported, and nobody has yet.
            try await EvidenceTests.Office(app).close(month: 10)
            let month = try await WorkListService(db: app.db).currentMonth(planID: plan)
            XCTAssertEqual(month, 11)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let home = try await office.get("/")
            XCTAssertTrue(home.body.contains("待办"))
            XCTAssertTrue(home.body.contains("未报送的单位"))
            // The first units in the plan's order (双清区 first), named with the region, and the way to all of them.
            XCTAssertTrue(home.body.contains("<td>双清区 区教育局</td>"))
            XCTAssertTrue(home.body.contains("一键催报"))
            XCTAssertTrue(home.body.contains("全部 "), "a link to every unit")
            let all = try await office.get("/reporting/\(plan)/\(month)/status")
            XCTAssertTrue(all.body.contains("<td>邵东市 市教育局</td>"), "the reporter's unit in 邵东市")
            XCTAssertTrue(all.body.contains("<td>邵阳县 县教育局</td>"))
            XCTAssertFalse(all.body.contains("<td>县教育局</td>"), "never merged by bureau name")
            let unit = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first()?.$unit.id)
            let sent = try await office.post("/reporting/\(plan)/\(month)/remind", [("unit", "\(unit)")])
            XCTAssertEqual(sent.status, .seeOther)
            let after = try await office.get(sent.location ?? "/")
            XCTAssertTrue(after.body.contains("已向该单位的 1 名填报员发送催报通知"), "the page it returns to says what happened")

            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let mine = try await reporter.get("/")
            XCTAssertTrue(mine.body.contains("邵阳市专班办公室催报"), mine.body)
            XCTAssertTrue(mine.body.contains("\(month) 月：应填报"), "figures due this month")
            let reminder = try await XCTUnwrapAsync(try await Reminder.query(on: app.db).first())
            let dismissed = try await reporter.post("/reminders/\(reminder.id ?? 0)/dismiss", [])
            XCTAssertEqual(dismissed.status, .seeOther)
            let later = try await reporter.get("/")
            XCTAssertFalse(later.body.contains("邵阳市专班办公室催报"))
            // Another account cannot dismiss it, and a county office cannot remind the city plan's units.
            let county = TestBrowser(app)
            try await county.signIn("shaodong", "minsheng2024")
            let refused = try await county.post("/reporting/\(plan)/\(month)/remind", [("unit", "\(unit)")])
            XCTAssertNotEqual(refused.status, .seeOther)
            try await XCTAssertEqualAsync(try await Reminder.query(on: app.db).count(), 1)
            try await XCTAssertEqualAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "reporting.remind").count(), 1)
            // 一键催报: every unreported unit with a reporter — in the demo, the one unit with a reporter account.
            let everyone = try await office.post("/reporting/\(plan)/\(month)/remind", [("unit", "all")])
            XCTAssertEqual(everyone.status, .seeOther)
            let told = try await office.get(everyone.location ?? "/")
            XCTAssertTrue(told.body.contains("已向 1 个未报送单位的 1 名填报员发送催报通知"), "one unit, one reporter")
            try await XCTAssertEqualAsync(try await Reminder.query(on: app.db).count(), 2)

            // The leader's summary counts as the office counts (市定: every region's share, reference 000 附件3).
            let leader = TestBrowser(app)
            try await leader.signIn("leader", "minsheng2024")
            let summary = try await leader.get("/")
            XCTAssertTrue(summary.body.contains("《2024年邵阳市市定重点民生实事》截至 10 月底：5 个指标已完成，8 个按序时推进，1 个未达序时。"), summary.body)
            XCTAssertTrue(summary.body.contains("查看未达序时的指标"))
        }
    }
}

/// The district table: one scroll container, every region header a drill-down, and back up.
final class DistrictTableTests: XCTestCase {
    func testRegionHeadersDrillDownAndTheBreadcrumbLeadsBack() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let plan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            let county = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳县").first()?.id)
            let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let page = try await office.get("/plans/\(plan)")
            XCTAssertTrue(page.body.contains("class=\"table-wrap matrix\""), "one scroll container holds header and indicator column")
            XCTAssertTrue(page.body.contains("href=\"/plans/\(plan)?region=\(county)&amp;month=10\""), "a county header opens the county's own view")
            let down = try await office.get("/plans/\(plan)?region=\(county)&month=10")
            XCTAssertEqual(down.status, .ok)
            XCTAssertTrue(down.body.contains("<h1>2024年邵阳市省定重点民生实事</h1>"))
            XCTAssertTrue(down.body.contains("href=\"/plans/\(plan)?region=\(city)&amp;month=10\""), "the breadcrumb leads back up")
            // 邵阳县's own figure of 护蕾: 68.34% (reference 000 附件1), as the aggregate column of its view.
            XCTAssertTrue(down.body.contains("68.34%"))
        }
    }
}

/// The public page on a phone (issue 14, item 6).
final class PublicPhoneTests: XCTestCase {
    func testThePageLeadsToTheFormAndToTheRegionsOtherProjectsAndA404LeadsToTheIndex() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let shuangqing = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "双清区").first()?.id)
            let project = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "普惠性托育“护蕾”行动").first()?.id)
            let visitor = TestBrowser(app)
            let page = try await visitor.get("/p/\(project)/\(shuangqing)")
            XCTAssertEqual(page.status, .ok)
            let body = page.body
            // 我要评价 comes before the figures, and leads to the form.
            let jump = try XCTUnwrap(body.range(of: "href=\"#feedback\">我要评价</a>"))
            let figures = try XCTUnwrap(body.range(of: "<h2>进展情况</h2>"))
            XCTAssertLessThan(jump.lowerBound, figures.lowerBound)
            XCTAssertTrue(body.contains("<section id=\"feedback\">"))
            // 建设内容 and the responsible unit once each.
            XCTAssertEqual(body.components(separatedBy: "<h2>建设内容</h2>").count - 1, 1)
            XCTAssertEqual(body.components(separatedBy: "区卫健委").count - 1, 1, "the unit named once, in 责任单位")
            // To the whole project, the region's other projects and its index.
            XCTAssertTrue(body.contains("href=\"/p/\(project)\""))
            let sibling = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "新生儿疾病免费筛查与诊断服务").first()?.id)
            XCTAssertTrue(body.contains("href=\"/p/\(sibling)/\(shuangqing)\""), "another project of 双清区 in the same plan")
            XCTAssertTrue(body.contains("href=\"/p/r/\(shuangqing)\""))
            // The region's index lists its projects with their pages.
            let index = try await visitor.get("/p/r/\(shuangqing)")
            XCTAssertEqual(index.status, .ok)
            XCTAssertTrue(index.body.contains("href=\"/p/\(project)/\(shuangqing)\""))
            XCTAssertTrue(index.body.contains("2024年邵阳市省定重点民生实事"))
            XCTAssertFalse(index.body.contains("/login"))
            // A dead public address: the public index with a Chinese notice, never the sign-in page.
            for dead in ["/p/999999", "/p/\(project)/999999", "/p/r/999999", "/p/no/such/page/here"] {
                let missing = try await visitor.get(dead)
                XCTAssertEqual(missing.status, .notFound, dead)
                XCTAssertTrue(missing.body.contains("href=\"/p/r/\(shuangqing)\""), "\(dead) links to the regions")
                XCTAssertFalse(missing.body.contains("/login"), dead)
                XCTAssertNil(missing.location, dead)
            }
        }
    }
}

/// The unit sets its own contact phone, and the poster prints it with the region's own target.
final class UnitPhoneTests: XCTestCase {
    func testTheReporterSetsItsUnitsPhoneAndThePosterShowsIt() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let form = try await reporter.get("/account/unit")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.body.contains("邵东市 市教育局"))
            let bad = try await reporter.post("/account/unit", [("phone", "abc<script>")])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.contains("value=\"abc&lt;script&gt;\""), "what was typed is kept, escaped")
            let saved = try await reporter.post("/account/unit", [("phone", "0739-2712345")])
            XCTAssertEqual(saved.status, .seeOther, saved.body)
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let school = try await XCTUnwrapAsync(try await Project.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let poster = try await TestBrowser(app).get("/p/\(school)/\(shaodong)/poster")
            XCTAssertEqual(poster.status, .ok)
            XCTAssertTrue(poster.body.contains("联系电话：0739-2712345"))
            // 邵东市's own target (reference 000 附件1: 1 所), not the city's 10.
            XCTAssertTrue(poster.body.contains("建成县域普通高中“徐特立项目”：1所"), poster.body)
            // An office account has no unit page of its own: the page is a reporter's (403).
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let none = try await office.get("/account/unit")
            XCTAssertEqual(none.status, .forbidden)
        }
    }
}

/// Hostile text in the new fields and filters comes out escaped; sixteen 催报 at once all land.
final class NewFormsHostileTests: XCTestCase {
    static let script = "\"><script>alert(1)</script><img src=x onerror=alert(2)>"

    func testFiltersAndReasonsEchoHostileTextEscaped() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let q = TestBrowser.encode(Self.script)
            for path in ["/disclosures?q=\(q)&category=\(q)", "/feedback?q=\(q)&status=\(q)", "/admin/accounts?q=\(q)&status=\(q)", "/reporting?plan=1&month=11&q=\(q)"] {
                let page = try await office.get(path)
                XCTAssertEqual(page.status, .ok, path)
                XCTAssertFalse(page.body.contains("<script>alert(1)"), path)
                XCTAssertFalse(page.body.contains("onerror=alert(2)>"), path)
                let echoed = page.body.range(of: "name=\"q\" value=\"").map { String(page.body[$0.upperBound...].prefix(80)) } ?? "none"
                XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) echoes the words, escaped: \(echoed)")
            }
            // A decrease reason with markup is kept as text and shown escaped on the office's page.
            let shaodong = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵东市").first()?.id)
            let school = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "建成县域普通高中“徐特立项目”").first()?.id)
            let plan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            _ = try await reporter.get("/reporting?plan=\(plan)&month=11")
            let key = "\(school)_\(shaodong)"
            let saved = try await reporter.post("/reporting/\(plan)/11", [("q_\(key)", ""), ("p_\(key)", "90"), ("n_\(key)", Self.script),
                                                                              ("r_\(key)", Self.script), ("action", "submit")])
            XCTAssertEqual(saved.status, .seeOther)
            let status = try await office.get("/reporting/\(plan)/11/status")
            XCTAssertFalse(status.body.contains("<script>alert(1)"))
            XCTAssertTrue(status.body.contains("：\"&gt;&lt;script&gt;alert(1)") || status.body.contains("：&quot;&gt;&lt;script&gt;alert(1)"), "the reason, escaped")
        }
    }

    func testSixteenRemindersAtOnceAllLand() async throws {
        try await TestApp.run(fileDatabase: true) { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            try await EvidenceTests.Office(app).close(month: 10)
            let plan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            let unit = try await XCTUnwrapAsync(try await Account.query(on: app.db).filter(\.$username == "reporter").first()?.$unit.id)
            var offices: [TestBrowser] = []
            for _ in 0..<16 {
                let office = TestBrowser(app)
                try await office.signIn("admin", "minsheng2024")
                _ = try await office.get("/")
                offices.append(office)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for office in offices {
                    group.addTask { try await office.post("/reporting/\(plan)/11/remind", [("unit", "\(unit)")]).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .seeOther }.count, 16, "\(statuses)")
            try await XCTAssertEqualAsync(try await Reminder.query(on: app.db).count(), 16)
        }
    }
}

/// The other long lists and the reviewer's and reporter's work items.
final class MoreListTests: XCTestCase {
    func testAccountsPageWithTheirTrueTotalAndFilter() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let city = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳市").first()?.id)
            let service = AccountService(db: app.db, hasher: app.passwordHasher)
            let before = try await Account.query(on: app.db).count()
            for n in 1...70 {
                _ = try await service.create(.init(username: "staff\(n)", displayName: "工作人员\(n)", password: "minsheng2024", regionID: city,
                                                   unitID: nil, roles: n <= 10 ? [.observer] : [.leader]), by: nil)
            }
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let first = try await office.get("/admin/accounts")
            XCTAssertTrue(first.body.contains("共 \(before + 70) 条"), "every account counted")
            XCTAssertTrue(first.body.contains("第 1/\((before + 70 + 49) / 50) 页"))
            // By role: 10 observers added (hand count) plus the demo's one.
            let observers = try await office.get("/admin/accounts?status=observer")
            XCTAssertTrue(observers.body.contains("共 11 条"))
            let named = try await office.get("/admin/accounts?q=%E5%B7%A5%E4%BD%9C%E4%BA%BA%E5%91%987") // 工作人员7
            XCTAssertTrue(named.body.contains("共 2 条"), "工作人员7 and 工作人员70")
            // A page number from a hostile address neither overflows nor errors: an empty page with the total.
            for page in ["9223372036854775807", "-5", "abc", "99999999999999999999"] {
                let odd = try await office.get("/admin/accounts?page=\(page)&size=9223372036854775807")
                XCTAssertEqual(odd.status, .ok, page)
                XCTAssertTrue(odd.body.contains("共 \(before + 70) 条"), page)
            }
        }
    }

    func testTheGridFiltersByRegionAndIndicatorInThePlansOrder() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app)
            let plan = try await ProgressReportService(db: app.db).resolve(regionName: "邵阳市", year: 2024, level: .province).planID
            let nursery = try await XCTUnwrapAsync(try await Indicator.query(on: app.db).filter(\.$name == "新增普惠性托位").first()?.id)
            let shaoyangCounty = try await XCTUnwrapAsync(try await Region.query(on: app.db).filter(\.$name == "邵阳县").first()?.id)
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let one = try await office.get("/reporting?plan=\(plan)&month=11&project=\(nursery)")
            // 托位 is shared by 12 counties (reference 000 附件1: 经开区 and 市本级 have none), in the bulletin's order.
            XCTAssertTrue(one.body.contains("共 12 条"), "12 shares of 托位")
            let order = ["双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "武冈市"]
            let positions = order.compactMap { one.body.range(of: "<td class=\"nowrap\">\($0)</td>")?.lowerBound }
            XCTAssertEqual(positions.count, 12)
            XCTAssertEqual(positions, positions.sorted(), "regions in the plan's order")
            let both = try await office.get("/reporting?plan=\(plan)&month=11&project=\(nursery)&region=\(shaoyangCounty)")
            XCTAssertTrue(both.body.contains("共 1 条"))
            XCTAssertTrue(both.body.contains("name=\"q_\(nursery)_\(shaoyangCounty)\""))
        }
    }

    func testTheInboxCountsEveryOpinionAndFiltersByState() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let opinions = try await Feedback.query(on: app.db).filter(\.$body != nil).count()
            let answered = try await Feedback.query(on: app.db).filter(\.$body != nil).filter(\.$state == "answered").count()
            XCTAssertEqual(opinions, 42, "the served demo's 42 opinions (README)")
            let office = TestBrowser(app)
            try await office.signIn("admin", "minsheng2024")
            let all = try await office.get("/feedback?size=10")
            XCTAssertTrue(all.body.contains("共 42 条，第 1/5 页"), "42 at 10 a page is 5 pages")
            let done = try await office.get("/feedback?status=answered&size=10")
            XCTAssertTrue(done.body.contains("共 \(answered) 条"))
            let last = try await office.get("/feedback?size=10&page=5")
            XCTAssertEqual(last.body.components(separatedBy: "class=\"panel feedback\"").count - 1, 2, "42 − 40 on the last page")
        }
    }
}

/// The reviewer's and the reporter's work items on the home page.
extension EvidenceTests {
    func testTheReviewerSeesItsQueueAndTheReporterItsReturnedEvidenceOnTheHomePage() async throws {
        try await TestApp.run { app in
            let w = try await world(app)
            let service = EvidenceService(db: w.db)
            let item = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "竣工验收照片",
                                                files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let reviewer = TestBrowser(app)
            try await reviewer.signIn("reviewer", "minsheng2024")
            let waiting = try await reviewer.get("/")
            XCTAssertTrue(waiting.body.contains("佐证资料待审核 1 条，最早的已等待 0 天"), waiting.body)
            _ = try await service.decide(ids: [try item.requireID()], approve: false, reason: "照片看不清验收单位盖章", actor: w.reviewer, tree: w.tree)
            let reporter = TestBrowser(app)
            try await reporter.signIn("reporter", "minsheng2024")
            let home = try await reporter.get("/")
            XCTAssertTrue(home.body.contains("佐证资料被退回 1 条"))
            XCTAssertTrue(home.body.contains("照片看不清验收单位盖章"))
            XCTAssertTrue(home.body.contains("href=\"/evidence/mine?status=returned\""))
            let returned = try await reporter.get("/evidence/mine?status=returned")
            XCTAssertTrue(returned.body.contains("共 1 条"))

            // A refused decision comes back on the queue with the reason beside the form, the item still ticked.
            let again = try await service.create(indicatorID: w.school, regionID: w.shaodong, month: 10, quantity: "100", description: "补充验收单",
                                                 files: [try pdf(w)], actor: w.reporter, tree: w.tree)
            let againID = try again.requireID()
            _ = try await reviewer.get("/evidence/review")
            let refused = try await reviewer.post("/evidence/decide", [("ids[]", "\(againID)"), ("action", "return"), ("reason", " ")])
            XCTAssertEqual(refused.status, .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("class=\"notice error\""))
            XCTAssertTrue(refused.body.contains("value=\"\(againID)\" aria-label=\"选择 建成县域普通高中“徐特立项目”\" checked=\"checked\""), "still ticked")
            XCTAssertTrue(refused.body.contains("佐证审核"), "on the queue, not an error page")
        }
    }
}
