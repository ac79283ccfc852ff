import Fluent
import MinshengCore
import MinshengData
@testable import MinshengWeb
import SQLKit
import Vapor
import XCTest
import XCTVapor

final class MigrationTests: XCTestCase {
    func testMigratingAnEmptyDatabaseCreatesEveryTableEmpty() async throws {
        // given a new database, when the app migrates it (TestApp.make)
        try await TestApp.run { app in
        // then every table exists and is empty, and the health check answers
        let sql = try app.db.sql
        for table in ["regions", "units", "accounts", "years", "plans", "items", "projects", "indicators",
                      "indicator_units", "targets", "progress_reports", "audit_events", "sessions", "login_attempts"] {
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").all()
            XCTAssertEqual(try rows.first?.decode(column: "n", as: Int.self), 0, table)
        }
        // and it is the database the run asked for (so the PostgreSQL run in .ci/run is real)
        XCTAssertEqual(sql.dialect.name, TestApp.usesPostgres ? "postgresql" : "sqlite")
        let health = try await TestBrowser(app).get("/healthz")
        XCTAssertEqual(health.status, .ok)
        }
    }

    func testFirstStartCreatesOneAdminWithAOneTimePassword() async throws {
        try await TestApp.run { app in
        // when the empty database gets its initial admin
        let created = try await Bootstrap.ensureInitialAdmin(app)
        // then there is exactly one account, it must change its password, and a second start creates none
        XCTAssertEqual(created?.username, "admin")
        try await XCTAssertEqualAsync(try await Account.query(on: app.db).count(), 1)
        let account = try await Account.query(on: app.db).first()
        XCTAssertEqual(account?.mustChangePassword, true)
        XCTAssertNotEqual(account?.passwordHash, created?.password, "the password is stored hashed")
        let again = try await Bootstrap.ensureInitialAdmin(app)
        XCTAssertNil(again)
        let browser = TestBrowser(app)
        let signIn = try await browser.signIn("admin", created?.password ?? "")
        XCTAssertEqual(signIn.location, "/account/password", "first sign-in leads to the password change")
        // nothing else opens until the password is changed
        let home = try await browser.get("/")
        XCTAssertEqual(home.location, "/account/password")
        try await XCTAssertEqualAsync(try await browser.get("/api/me").status, .forbidden)
        let changed = try await browser.post("/account/password", [("current", created?.password ?? ""), ("new", "Chosen1pass"), ("confirmation", "Chosen1pass")])
        XCTAssertEqual(changed.status, .seeOther)
        try await XCTAssertEqualAsync(try await browser.get("/").status, .ok)
        }
    }
}

final class SessionTests: XCTestCase {
    func testSignInShowsTheHomePageAndSignOutEndsTheSession() async throws {
        try await TestApp.run { app in
        _ = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        // an anonymous visit is sent to sign in
        let anonymous = try await browser.get("/")
        XCTAssertEqual(anonymous.status, .seeOther)
        XCTAssertEqual(anonymous.location, "/login")
        // when signing in with the right password
        let signIn = try await browser.signIn("city_admin")
        XCTAssertEqual(signIn.status, .seeOther)
        XCTAssertEqual(signIn.location, "/")
        let home = try await browser.get("/")
        XCTAssertEqual(home.status, .ok)
        XCTAssertTrue(home.body.contains("city_admin姓名"))
        XCTAssertTrue(home.body.contains("邵阳市重点民生实事总览"))
        // when signing out, the session no longer opens pages
        let out = try await browser.post("/logout", [])
        XCTAssertEqual(out.status, .seeOther)
        let after = try await browser.get("/")
        XCTAssertEqual(after.status, .seeOther)
        XCTAssertEqual(after.location, "/login")
        }
    }

    func testWrongPasswordIsRefusedInChinese() async throws {
        try await TestApp.run { app in
        _ = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        let page = try await browser.signIn("city_admin", "wrong-password1")
        XCTAssertEqual(page.status, .unauthorized)
        XCTAssertTrue(page.body.contains("用户名或密码错误"))
        // an unknown user gets the same answer, so names cannot be probed
        let unknown = try await browser.signIn("nobody", "wrong-password1")
        XCTAssertEqual(unknown.status, .unauthorized)
        XCTAssertTrue(unknown.body.contains("用户名或密码错误"))
        let home = try await browser.get("/")
        XCTAssertEqual(home.status, .seeOther, "no session was opened")
        }
    }

    func testAccountLocksAfterFiveFailuresEvenForTheRightPassword() async throws {
        try await TestApp.run { app in
        _ = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        // when four wrong passwords are tried, each is refused as wrong
        for _ in 1...4 {
            let page = try await browser.signIn("sq_admin", "wrong-password1")
            XCTAssertEqual(page.status, .unauthorized)
        }
        // the fifth locks the account (LoginThrottle.lockAfter = 5)
        let fifth = try await browser.signIn("sq_admin", "wrong-password1")
        XCTAssertEqual(fifth.status, .tooManyRequests)
        XCTAssertTrue(fifth.body.contains("已临时锁定"))
        // then even the right password is refused while locked
        let right = try await browser.signIn("sq_admin")
        XCTAssertEqual(right.status, .tooManyRequests)
        let account = try await Account.query(on: app.db).filter(\.$username == "sq_admin").first()
        XCTAssertNotNil(account?.lockedUntil)
        try await XCTAssertEqualAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "account.lock").count(), 1)
        // an admin's reset unlocks it
        let admin = TestBrowser(app)
        try await admin.signIn("city_admin")
        let reset = try await admin.post("/admin/accounts/\(try XCTUnwrap(account?.id))/reset", [("password", "newPassw0rd")])
        XCTAssertEqual(reset.status, .seeOther)
        let afterReset = try await TestBrowser(app).signIn("sq_admin", "newPassw0rd")
        XCTAssertEqual(afterReset.location, "/account/password", "unlocked, and must choose a new password")
        }
    }

    func testPasswordChangeChecksTheCurrentPasswordAndRules() async throws {
        try await TestApp.run { app in
        _ = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("sq_reporter")
        try await browser.get("/account/password")
        let wrong = try await browser.post("/account/password", [("current", "nope"), ("new", "Another1pass"), ("confirmation", "Another1pass")])
        XCTAssertEqual(wrong.status, .unprocessableEntity)
        XCTAssertTrue(wrong.body.contains("当前密码不正确"))
        let weak = try await browser.post("/account/password", [("current", Fixture.password), ("new", "short"), ("confirmation", "short")])
        XCTAssertEqual(weak.status, .unprocessableEntity)
        XCTAssertTrue(weak.body.contains("至少需要 8 个字符"))
        let ok = try await browser.post("/account/password", [("current", Fixture.password), ("new", "Another1pass"), ("confirmation", "Another1pass")])
        XCTAssertEqual(ok.status, .seeOther)
        try await XCTAssertEqualAsync(try await TestBrowser(app).signIn("sq_reporter", Fixture.password).status, .unauthorized)
        try await XCTAssertEqualAsync(try await TestBrowser(app).signIn("sq_reporter", "Another1pass").status, .seeOther)
        }
    }
}

final class CSRFTests: XCTestCase {
    func testFormsPostedWithoutTheTokenAreRefusedAndWriteNothing() async throws {
        try await TestApp.run { app in
        let fixture = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        // The sign-in form has no session to hold a token (GET /login makes none): a post from
        // another site, or from an opaque or unreadable origin, is refused and signs nobody in.
        let form = try await browser.get("/login")
        XCTAssertNil(form.headers.setCookie?["minsheng_session"], "no session for an anonymous visit to the sign-in page")
        let body = "username=city_admin&password=" + TestBrowser.encode(Fixture.password)
        for origin in ["https://evil.example", "null", "not a url", "javascript:alert(1)"] {
            let login = try await browser.send(.POST, "/login", body: body, contentType: "application/x-www-form-urlencoded", headers: ["Origin": origin])
            XCTAssertEqual(login.status, .forbidden, origin)
            XCTAssertNil(login.headers.setCookie?["minsheng_session"], origin)
        }
        let crossSite = try await browser.send(.POST, "/login", body: body, contentType: "application/x-www-form-urlencoded",
                                               headers: ["Sec-Fetch-Site": "cross-site"])
        XCTAssertEqual(crossSite.status, .forbidden)
        XCTAssertNil(browser.cookie, "still signed out")
        // signed in, a form without the token (or with a forged one) changes nothing
        try await browser.signIn("city_admin")
        let before = try await Region.query(on: app.db).count()
        let missing = try await browser.post("/admin/regions", [("parent", "\(fixture.city)"), ("name", "新区划"), ("kind", "district")], csrf: false)
        XCTAssertEqual(missing.status, .forbidden)
        let forged = try await browser.send(.POST, "/admin/regions", body: "parent=\(fixture.city)&name=x&kind=district&_csrf=forged",
                                            contentType: "application/x-www-form-urlencoded", headers: [:])
        XCTAssertEqual(forged.status, .forbidden)
        try await XCTAssertEqualAsync(try await Region.query(on: app.db).count(), before)
        // with the token the same form works
        let ok = try await browser.post("/admin/regions", [("parent", "\(fixture.city)"), ("name", "新区划"), ("kind", "district")])
        XCTAssertEqual(ok.status, .seeOther)
        try await XCTAssertEqualAsync(try await Region.query(on: app.db).count(), before + 1)
        }
    }
}

final class AccessTests: XCTestCase {
    func testACountyCannotReadOrChangeAnotherCountysPlanOrAccounts() async throws {
        try await TestApp.run { app in
        let f = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("sq_admin")
        // its own plan and its share of the city's plan are readable
        try await XCTAssertEqualAsync(try await browser.get("/plans/\(f.shuangqingPlan)").status, .ok)
        let cityPlan = try await browser.get("/plans/\(f.cityPlan)")
        XCTAssertEqual(cityPlan.status, .ok)
        XCTAssertFalse(cityPlan.body.contains("大祥区"), "the city plan shows only 双清区's share")
        // the other county's plan, region and accounts are not found
        try await XCTAssertEqualAsync(try await browser.get("/plans/\(f.daxiangPlan)").status, .notFound)
        try await XCTAssertEqualAsync(try await browser.get("/plans/\(f.cityPlan)?region=\(f.daxiang)").status, .notFound)
        try await XCTAssertEqualAsync(try await browser.get("/admin/regions/\(f.daxiang)").status, .notFound)
        try await XCTAssertEqualAsync(try await browser.get("/admin/accounts/\(f.daxiangAdmin)").status, .notFound)
        let list = try await browser.get("/admin/accounts")
        XCTAssertFalse(list.body.contains("dx_admin"))
        let plans = try await browser.get("/plans")
        XCTAssertFalse(plans.body.contains("大祥区自定实事"))
        XCTAssertFalse(plans.body.contains("2024年大祥区"))
        // and cannot change them: nothing is written
        let daxiangHash = try await Account.find(f.daxiangAdmin, on: app.db)?.passwordHash
        let rename = try await browser.post("/admin/regions/\(f.daxiang)", [("name", "被改名"), ("code", "")])
        XCTAssertEqual(rename.status, .notFound)
        let reset = try await browser.post("/admin/accounts/\(f.daxiangAdmin)/reset", [("password", "hijack123A")])
        XCTAssertEqual(reset.status, .notFound)
        let disable = try await browser.post("/admin/accounts/\(f.daxiangAdmin)/active", [("active", "0")])
        XCTAssertEqual(disable.status, .notFound)
        let child = try await browser.post("/admin/regions", [("parent", "\(f.daxiang)"), ("name", "偷建"), ("kind", "township")])
        XCTAssertEqual(child.status, .notFound)
        let create = try await browser.post("/admin/accounts", [("username", "intruder"), ("displayName", "x"), ("password", "Intrud3rpass"),
                                                                ("region", "\(f.daxiang)"), ("roles[]", "admin")])
        XCTAssertEqual(create.status, .notFound)
        try await XCTAssertEqualAsync(try await Region.find(f.daxiang, on: app.db)?.name, "大祥区")
        try await XCTAssertEqualAsync(try await Account.find(f.daxiangAdmin, on: app.db)?.passwordHash, daxiangHash)
        try await XCTAssertEqualAsync(try await Account.find(f.daxiangAdmin, on: app.db)?.active, true)
        try await XCTAssertNilAsync(try await Account.query(on: app.db).filter(\.$username == "intruder").first())
        try await XCTAssertNilAsync(try await Region.query(on: app.db).filter(\.$name == "偷建").first())
        // nor reach the city above it
        try await XCTAssertEqualAsync(try await browser.get("/admin/regions/\(f.city)").status, .notFound)
        }
    }

    func testANonAdminCannotManageAccounts() async throws {
        try await TestApp.run { app in
        let f = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("sq_reporter")
        let home = try await browser.get("/")
        XCTAssertEqual(home.status, .ok)
        XCTAssertFalse(home.body.contains("账号管理"), "navigation shows only what the account may use")
        try await XCTAssertEqualAsync(try await browser.get("/admin/accounts").status, .forbidden)
        try await XCTAssertEqualAsync(try await browser.get("/admin/accounts/new").status, .forbidden)
        try await XCTAssertEqualAsync(try await browser.get("/admin/regions").status, .forbidden)
        let before = try await Account.query(on: app.db).count()
        let create = try await browser.post("/admin/accounts", [("username", "sneaky"), ("displayName", "x"), ("password", "Sneaky123pass"),
                                                                ("region", "\(f.shuangqing)"), ("roles[]", "admin")])
        XCTAssertEqual(create.status, .forbidden)
        let reset = try await browser.post("/admin/accounts/\(f.shuangqingAdmin)/reset", [("password", "hijack123A")])
        XCTAssertEqual(reset.status, .forbidden)
        try await XCTAssertEqualAsync(try await Account.query(on: app.db).count(), before)
        try await XCTAssertEqualAsync(try await TestBrowser(app).signIn("sq_admin").status, .seeOther, "sq_admin's password is unchanged")
        }
    }

    func testACityAdminSeesItsCountiesTheirPlansAndAccounts() async throws {
        try await TestApp.run { app in
        let f = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("city_admin")
        let regions = try await browser.get("/admin/regions")
        XCTAssertEqual(regions.status, .ok)
        for name in ["邵阳市", "双清区", "大祥区", "市本级"] { XCTAssertTrue(regions.body.contains(name), name) }
        XCTAssertFalse(regions.body.contains(">湖南省<"), "the province above is not the city's to manage")
        try await XCTAssertEqualAsync(try await browser.get("/admin/regions/\(f.daxiang)").status, .ok)
        try await XCTAssertEqualAsync(try await browser.get("/plans/\(f.daxiangPlan)").status, .ok)
        let cityPlan = try await browser.get("/plans/\(f.cityPlan)")
        XCTAssertTrue(cityPlan.body.contains("双清区") && cityPlan.body.contains("大祥区"))
        let accounts = try await browser.get("/admin/accounts")
        XCTAssertTrue(accounts.body.contains("sq_admin") && accounts.body.contains("dx_admin"))
        // and may manage them: a county admin's reset goes through
        let reset = try await browser.post("/admin/accounts/\(f.daxiangAdmin)/reset", [("password", "Fresh1pass")])
        XCTAssertEqual(reset.status, .seeOther)
        try await XCTAssertEqualAsync(try await AuditEvent.query(on: app.db).filter(\.$action == "account.reset").count(), 1)
        }
    }

    func testTheAPIAnswersOnlySignedInAccountsWithinTheirScope() async throws {
        try await TestApp.run { app in
        _ = try await Fixture.load(into: app)
        let anonymous = try await TestBrowser(app).get("/api/plans")
        XCTAssertEqual(anonymous.status, .unauthorized)
        XCTAssertTrue(anonymous.body.contains("\"reason\":\"请先登录。\""))
        let browser = TestBrowser(app)
        try await browser.signIn("dx_admin")
        let plans = try await browser.get("/api/plans")
        XCTAssertEqual(plans.status, .ok)
        XCTAssertTrue(plans.body.contains("2024年大祥区县定重点民生实事"))
        XCTAssertFalse(plans.body.contains("双清区"))
        }
    }
}

final class BadInputTests: XCTestCase {
    func testUnknownRoutesMalformedFormsAndOversizedBodiesGetChineseErrors() async throws {
        try await TestApp.run { app in
        let f = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("city_admin")
        let missing = try await browser.get("/no/such/page")
        XCTAssertEqual(missing.status, .notFound)
        XCTAssertTrue(missing.body.contains("页面不存在"))
        let apiMissing = try await browser.get("/api/nothing")
        XCTAssertEqual(apiMissing.status, .notFound)
        XCTAssertTrue(apiMissing.body.contains("\"error\":true"))
        XCTAssertTrue(apiMissing.body.contains("您访问的页面不存在"))
        try await XCTAssertEqualAsync(try await browser.get("/plans/abc").status, .notFound)
        try await XCTAssertEqualAsync(try await browser.get("/plans/999999").status, .notFound)
        // a form whose field has the wrong type
        let badType = try await browser.post("/admin/regions", [("parent", "not-a-number"), ("name", "x"), ("kind", "district")])
        XCTAssertEqual(badType.status, .badRequest)
        XCTAssertTrue(badType.body.contains("格式不正确"))
        // a body that is not a form at all
        let garbage = try await browser.send(.POST, "/admin/regions", body: "{\"_csrf\": 1, [", contentType: "application/json",
                                             headers: ["X-CSRF-Token": browser.csrf ?? ""])
        XCTAssertEqual(garbage.status, .badRequest)
        XCTAssertTrue(ChineseErrorMiddleware.containsChinese(garbage.body))
        // an over-long name is refused with a reason, nothing written
        let before = try await Region.query(on: app.db).count()
        let long = try await browser.post("/admin/regions", [("parent", "\(f.city)"), ("name", String(repeating: "区", count: 80)), ("kind", "district")])
        XCTAssertEqual(long.status, .seeOther)
        let notice = try await browser.get(long.location ?? "/")
        XCTAssertTrue(notice.body.contains("不能超过 50 个字符"))
        try await XCTAssertEqualAsync(try await Region.query(on: app.db).count(), before)
        }
    }

    func testOversizedBodiesAreRefusedOverRealHTTP() async throws {
        try await TestApp.run { app in
            // a body over the limit (64 KB in tests), sent over a real connection so the limit applies
            let body = ByteBuffer(string: "username=a&password=" + String(repeating: "x", count: 200_000))
            let response = try await app.testable(method: .running(port: 0)).sendRequest(
                .POST, "/login", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
            XCTAssertEqual(response.status, .payloadTooLarge)
            XCTAssertTrue(response.body.string.contains("提交的内容过大"))
            // an upload over the import limit (20 MB and the form's own 1 MB): 25 MB is refused
            let upload = try await app.testable(method: .running(port: 0)).sendRequest(
                .POST, "/imports/plan", headers: ["Content-Type": "multipart/form-data; boundary=x"], body: ByteBuffer(repeating: 0x41, count: 25 * 1024 * 1024))
            XCTAssertEqual(upload.status, .payloadTooLarge)
            XCTAssertTrue(upload.body.string.contains("提交的内容过大"))
        }
    }

    func testSignInOnlyFollowsLocalNextAddresses() {
        XCTAssertEqual(SessionController.safeNext("/plans/1"), "/plans/1")
        XCTAssertEqual(SessionController.safeNext("//evil.example/"), "/")
        XCTAssertEqual(SessionController.safeNext("https://evil.example/"), "/")
        XCTAssertEqual(SessionController.safeNext("/\\evil"), "/")
        XCTAssertEqual(SessionController.safeNext(nil), "/")
    }

    func testTextIsEscapedOnPages() async throws {
        try await TestApp.run { app in
        let f = try await Fixture.load(into: app)
        let browser = TestBrowser(app)
        try await browser.signIn("city_admin")
        // a name that would close an attribute or open a tag, stored verbatim
        let hostile = "\"><script>alert(1)</script>"
        let created = try await browser.post("/admin/regions/\(f.shuangqing)/units", [("name", hostile), ("phone", "")])
        XCTAssertEqual(created.status, .seeOther)
        try await XCTAssertEqualAsync(try await Department.query(on: app.db).filter(\.$name == hostile).count(), 1)
        let page = try await browser.get("/admin/regions/\(f.shuangqing)")
        XCTAssertFalse(page.body.contains("<script>alert(1)</script>"))
        XCTAssertFalse(page.body.contains("\"><script"))
        XCTAssertTrue(page.body.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "escaped inside the input's value")
        XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }
}
