import Fluent
import MinshengCore
@testable import MinshengData
@testable import MinshengWeb
import Vapor
import XCTest

/// Every registered route, for every demo role and for anonymous visitors, on a record inside the
/// accounts' scope (邵东市) and one outside it (娄底市, another city): the answer is what the rule
/// written here by hand says — allowed, a sign-in, 403 (inside the scope, wrong role) or 404
/// (outside the scope). A route added without a line here fails the test.
final class AccessMatrixTests: XCTestCase {
    /// What a route's rule says of an account, by hand from the product's rules (DESIGN.md, the
    /// `Access` documentation), not computed by the code under test.
    enum Rule {
        /// Anyone, signed in or not (public pages, sign-in, assets).
        case everyone
        /// Any signed-in account; nothing scoped.
        case signedIn
        /// Any signed-in account, on a record within its scope.
        case read
        /// Accounts holding the duty; nothing scoped.
        case duty(Access.Duty)
        /// Accounts holding the duty, on a record within their scope.
        case dutyWithin(Access.Duty)
        /// The office of the plan's owner or above: the in-scope plan is the city's (邵阳市), so the
        /// county office 邵东市 reads it but does not manage it.
        case officeOfCityPlan
        /// The account's own record only (the reporter's reminder).
        case reportersOwn
        /// The reporter's own upload (the office did not upload it: not found).
        case uploader
        /// The office of the item's region, or the account of the unit it is addressed to (the
        /// in-scope opinion is addressed to 邵东市's 市教育局, the reporter's unit).
        case answerer
        /// The office of the item's region (handling opinions: invalid, reassign).
        case officeOfItem
        /// The item's author (the reporter) or the office of its region.
        case authorOrOffice
        /// The item's author only (the reporter): editing a published item.
        case author
        /// Accounts of the region itself that publish (its office, its units' reporters): the
        /// city office does not publish for the county.
        case publisherOfRegion
        /// The unit an opinion is addressed to answers it; the office sees it but does not answer
        /// for the unit (403); another unit does not see it (404).
        case addressedUnit
        /// The uploader, the unit that reviews it, the office of its region or above; other
        /// accounts inside the scope are refused (the reviewer of 邵阳市 市教育局 reviews 邵东市's
        /// share of an education indicator).
        case evidenceReader
        /// The office of the sending region or above, and the accounts of the unit a letter was
        /// sent to (the in-scope letter goes from 邵东市 to the reporter's unit); nobody else sees it.
        case letterReader
        /// Supervision's statistics: the offices, the leader and the appointed people (the demo's
        /// observer, supervisor and evaluator are appointed in 邵阳市), within their scope.
        case supervisionReader
        /// Who may raise problems somewhere: the offices and the appointed people.
        case raiser
        /// The problem in scope (邵东市, raised by the observer, assigned to the reporter's unit):
        /// its raiser, its unit, and in the scope the offices, the leader and the appointed people;
        /// the reviewer (another unit) does not see it.
        case problemReader
        /// The office of the problem's region; other readers are refused, the rest do not see it.
        case problemOffice
        /// The unit the problem is assigned to (the reporter).
        case problemUnit
        /// Its raiser (the observer) or an office.
        case problemRaiserOrOffice
        /// Schedules inspections: an office or a 监督员.
        case scheduler
        /// The inspection in scope (邵东市, with the observer and the supervisor): those who
        /// supervise in the scope and the leader; the reviewer and the reporter do not see it.
        case inspectionReader
        /// Its participants (the observer, the supervisor) and the offices; other readers are refused.
        case inspectionRecorder
        /// The in-scope round and ballot are the city's (邵阳市): its office manages them; the county
        /// office does not see them (404); other accounts hold no office duty (403).
        case cityOffice
        /// The closed in-scope round: the city's office, its evaluator and the leader read it.
        case evaluationReader
        /// The evaluator's own assignment: nobody else sees it.
        case assignee
        /// The city's ballot: its office, the leader and the evaluator who votes on it.
        case ballotReader
        /// Votes as an evaluator: the evaluator; every other account of the city's line is refused.
        case evaluatorVote
        /// The dashboard of a region in scope: leaders, offices and appointed people.
        case dashboardReader
        /// The in-scope proposal's opinion was asked of the reporter's unit (邵东市 市教育局): its
        /// accounts and the offices give it; nobody else sees it.
        case opinionGiver
        /// The in-scope round's in-app ballot has one registered deputy, the demo's evaluator.
        case registeredDeputy
    }

    enum Outcome: String { case allowed, login, forbidden, notFound }

    /// The demo roles as the demo makes them (DemoLoader.accounts): duties by hand.
    struct Who {
        var username: String?
        var duties: Set<Access.Duty>
        var isOffice: Bool { duties.contains(.office) }
    }

    static let roles: [Who] = [
        Who(username: "admin", duties: [.office, .report, .review, .answer, .publish]),        // 邵阳市 office (unit 市人社局)
        Who(username: "shaodong", duties: [.office, .report, .review, .answer, .publish]),     // 邵东市 office
        Who(username: "leader", duties: [.lead]),
        Who(username: "reviewer", duties: [.review, .answer]),                                 // 邵阳市 市教育局
        Who(username: "observer", duties: []),
        Who(username: "supervisor", duties: []),
        Who(username: "evaluator", duties: []),
        Who(username: nil, duties: []),
        Who(username: "reporter", duties: [.report, .publish, .answer, .unitPhone]),          // last: it withdraws its own upload and item, which the others still read; 邵东市 市教育局
    ]

    static func expected(_ rule: Rule, _ who: Who, inScope: Bool, post: Bool, streamed: Bool = false) -> Outcome {
        if case .everyone = rule { return .allowed }
        // Without an account a browser's session holds no form token: a form is refused (403)
        // before anything else is decided; a page, and an upload (which checks its token itself,
        // after the sign-in), ask it to sign in.
        guard who.username != nil else { return post && !streamed ? .forbidden : .login }
        let scoped: Outcome = inScope ? .allowed : .notFound
        switch rule {
        case .everyone: return .allowed
        case .signedIn: return .allowed
        case .read: return scoped
        case .duty(let duty): return who.duties.contains(duty) ? .allowed : .forbidden
        case .dutyWithin(let duty): return who.duties.contains(duty) ? scoped : .forbidden
        case .officeOfCityPlan:
            guard who.isOffice else { return .forbidden }
            guard inScope else { return .notFound }
            return who.username == "admin" ? .allowed : .forbidden
        case .reportersOwn: return inScope && who.username == "reporter" ? .allowed : .notFound
        case .uploader:
            guard who.duties.contains(.report) else { return .forbidden }
            return inScope && who.username == "reporter" ? .allowed : .notFound
        case .answerer:
            guard who.duties.contains(.answer) else { return .forbidden }
            guard inScope else { return .notFound }
            return who.isOffice || who.username == "reporter" ? .allowed : .notFound
        case .officeOfItem:
            guard who.duties.contains(.answer) else { return .forbidden }
            guard inScope else { return .notFound }
            return who.isOffice ? .allowed : .forbidden
        case .authorOrOffice:
            guard who.duties.contains(.publish) else { return .forbidden }
            guard inScope else { return .notFound }
            return who.isOffice || who.username == "reporter" ? .allowed : .notFound
        case .author:
            guard who.duties.contains(.publish) else { return .forbidden }
            return inScope && who.username == "reporter" ? .allowed : .notFound
        case .publisherOfRegion:
            guard who.duties.contains(.publish) else { return .forbidden }
            return inScope && ["shaodong", "reporter"].contains(who.username) ? .allowed : .notFound
        case .addressedUnit:
            guard who.duties.contains(.answer) else { return .forbidden }
            guard inScope else { return .notFound }
            if who.username == "reporter" { return .allowed }
            return who.isOffice ? .forbidden : .notFound
        case .evidenceReader:
            guard inScope else { return .notFound }
            return who.isOffice || ["reporter", "reviewer"].contains(who.username) ? .allowed : .forbidden
        case .letterReader:
            return inScope && (who.isOffice || who.username == "reporter") ? .allowed : .notFound
        case .supervisionReader:
            guard who.isOffice || ["leader", "observer", "supervisor", "evaluator"].contains(who.username) else { return .forbidden }
            return scoped
        case .raiser:
            return who.isOffice || ["observer", "supervisor", "evaluator"].contains(who.username) ? .allowed : .forbidden
        case .problemReader:
            return inScope && who.username != "reviewer" ? .allowed : .notFound
        case .problemOffice:
            guard inScope, who.username != "reviewer" else { return .notFound }
            return who.isOffice ? .allowed : .forbidden
        case .problemUnit:
            guard inScope, who.username != "reviewer" else { return .notFound }
            return who.username == "reporter" ? .allowed : .forbidden
        case .problemRaiserOrOffice:
            guard inScope, who.username != "reviewer" else { return .notFound }
            return who.isOffice || who.username == "observer" ? .allowed : .forbidden
        case .scheduler:
            return who.isOffice || who.username == "supervisor" ? .allowed : .forbidden
        case .inspectionReader:
            return inScope && !["reviewer", "reporter"].contains(who.username) ? .allowed : .notFound
        case .inspectionRecorder:
            guard inScope, !["reviewer", "reporter"].contains(who.username) else { return .notFound }
            return who.isOffice || ["observer", "supervisor"].contains(who.username) ? .allowed : .forbidden
        case .cityOffice:
            guard who.isOffice else { return .forbidden }
            return inScope && who.username == "admin" ? .allowed : .notFound
        case .evaluationReader:
            return inScope && ["admin", "evaluator", "leader"].contains(who.username) ? .allowed : .notFound
        case .assignee:
            return inScope && who.username == "evaluator" ? .allowed : .notFound
        case .ballotReader:
            return inScope && ["admin", "evaluator", "leader"].contains(who.username) ? .allowed : .notFound
        case .evaluatorVote:
            guard inScope else { return .notFound }
            return who.username == "evaluator" ? .allowed : .forbidden
        case .dashboardReader:
            guard who.isOffice || ["leader", "observer", "supervisor", "evaluator"].contains(who.username) else { return .forbidden }
            return scoped
        case .opinionGiver:
            return inScope && (who.isOffice || who.username == "reporter") ? .allowed : .notFound
        case .registeredDeputy:
            return inScope && who.username == "evaluator" ? .allowed : .notFound
        }
    }

    /// Every route: its rule, and the query a request needs ({name} filled from the scope's records).
    static let table: [String: (rule: Rule, query: String)] = [
        "GET /": (.signedIn, ""),
        "GET /healthz": (.everyone, ""),
        "GET /assets/app.css": (.everyone, ""),
        "GET /assets/public.css": (.everyone, ""),
        "GET /login": (.everyone, ""),
        "POST /login": (.everyone, ""),
        "POST /logout": (.signedIn, ""),
        "GET /account/password": (.signedIn, ""),
        "POST /account/password": (.signedIn, ""),
        "GET /account/unit": (.duty(.unitPhone), ""),
        "POST /account/unit": (.duty(.unitPhone), ""),
        "GET /api/me": (.signedIn, ""),
        "GET /api/regions": (.signedIn, ""),
        "GET /api/plans": (.signedIn, ""),
        "GET /api/reports/progress": (.read, "?region={regionName}&year=2024&month=2024-11"),
        "POST /api/imports/plan": (.duty(.office), ""),
        "POST /api/imports/progress": (.duty(.office), ""),
        "GET /plans": (.signedIn, ""),
        "GET /plans/:id": (.read, ""),
        "GET /plans/:id/export.csv": (.read, ""),
        "GET /plans/:id/export.xlsx": (.read, ""),
        "GET /plans/:id/plan.csv": (.read, ""),
        "GET /plans/:id/plan.xlsx": (.read, ""),
        "GET /plans/:id/lists": (.read, ""),
        "POST /plans/:id/completion-rule": (.officeOfCityPlan, ""),
        "GET /plans/:id/indicators/:indicator": (.read, "?region={region}"),
        "GET /selection": (.duty(.office), ""),
        "POST /selection": (.duty(.office), ""),
        "GET /selection/:id": (.dutyWithin(.office), ""),
        "POST /selection/:id": (.dutyWithin(.office), ""),
        "POST /selection/:id/proposals": (.dutyWithin(.office), ""),
        "GET /selection/proposals/:id": (.dutyWithin(.office), ""),
        "POST /selection/proposals/:id/answer": (.dutyWithin(.office), ""),
        "POST /selection/proposals/:id/merge": (.dutyWithin(.office), ""),
        "POST /selection/proposals/:id/opinion-request": (.dutyWithin(.office), ""),
        "GET /selection/:id/candidates": (.dutyWithin(.office), ""),
        "POST /selection/:id/candidates": (.dutyWithin(.office), ""),
        "POST /selection/:id/rules": (.dutyWithin(.office), ""),
        "POST /selection/candidates/:id": (.dutyWithin(.office), ""),
        "POST /selection/candidates/:id/remove": (.dutyWithin(.office), ""),
        "GET /selection/opinions": (.signedIn, ""),
        "GET /selection/opinions/:id": (.opinionGiver, ""),
        "POST /selection/opinions/:id": (.opinionGiver, ""),
        "GET /selection/:id/session": (.dutyWithin(.office), ""),
        "POST /selection/:id/session": (.dutyWithin(.office), ""),
        "POST /selection/:id/session/open": (.dutyWithin(.office), ""),
        "POST /selection/:id/session/close": (.dutyWithin(.office), ""),
        "POST /selection/:id/tallies": (.dutyWithin(.office), ""),
        "POST /selection/:id/tallies/clear": (.dutyWithin(.office), ""),
        "GET /selection/:id/record": (.dutyWithin(.office), ""),
        "POST /selection/:id/plan": (.dutyWithin(.office), ""),
        "GET /selection/ballots/:id": (.registeredDeputy, ""),
        "POST /selection/ballots/:id": (.registeredDeputy, ""),
        "GET /p/s/:id/vote": (.everyone, ""),
        "POST /p/s/:id/vote": (.everyone, ""),
        "GET /p/s/:id": (.everyone, ""),
        "GET /p/s/:id/qr.svg": (.everyone, ""),
        "GET /p/s/:id/poster": (.everyone, ""),
        "POST /p/s/:id": (.everyone, ""),
        "GET /p/proposals": (.everyone, ""),
        "GET /p/proposals/:reference": (.everyone, ""),
        "GET /plans/new": (.duty(.office), ""),
        "POST /plans": (.duty(.office), ""),
        "GET /plans/:id/edit": (.officeOfCityPlan, ""),
        "POST /plans/:id/edit": (.officeOfCityPlan, ""),
        "POST /plans/:id/adopt": (.officeOfCityPlan, ""),
        "POST /plans/:id/items": (.officeOfCityPlan, ""),
        "POST /plans/:id/items/:planItem": (.officeOfCityPlan, ""),
        "POST /plans/:id/items/:planItem/move": (.officeOfCityPlan, ""),
        "POST /plans/:id/items/:planItem/remove": (.officeOfCityPlan, ""),
        "POST /plans/:id/items/:planItem/projects": (.officeOfCityPlan, ""),
        "POST /plans/:id/projects/:project": (.officeOfCityPlan, ""),
        "POST /plans/:id/projects/:project/move": (.officeOfCityPlan, ""),
        "POST /plans/:id/projects/:project/remove": (.officeOfCityPlan, ""),
        "POST /plans/:id/projects/:project/indicators": (.officeOfCityPlan, ""),
        "GET /plans/:id/indicators/:indicator/edit": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/edit": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/move": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/remove": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/stop": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/attachments/upload": (.officeOfCityPlan, ""),
        "POST /plans/:id/indicators/:indicator/attachments/remove": (.officeOfCityPlan, ""),
        "GET /plans/:id/indicators/:indicator/attachments/:attachment": (.read, ""),
        // The in-scope region is 邵东市: its own office and the city's decompose its share; the
        // county office does not edit the city's targets (PlanEditingTests).
        "GET /plans/:id/indicators/:indicator/targets": (.dutyWithin(.office), "?region={region}"),
        "POST /plans/:id/indicators/:indicator/targets": (.dutyWithin(.office), "?region={region}"),
        "GET /plans/:id/adjustments": (.read, ""),
        // The in-scope adjustment is decided by the city's office (邵阳市).
        "POST /plans/:id/adjustments/:adjustment/approve": (.officeOfCityPlan, ""),
        "POST /plans/:id/adjustments/:adjustment/return": (.officeOfCityPlan, ""),
        "GET /plans/:id/acceptance": (.read, ""),
        "GET /plans/:id/acceptance.csv": (.read, ""),
        "GET /plans/:id/acceptance.xlsx": (.read, ""),
        "POST /plans/:id/acceptance/limit": (.officeOfCityPlan, ""),
        "GET /plans/:id/disclosure": (.read, ""),
        "GET /plans/:id/disclosure.csv": (.read, ""),
        "GET /plans/:id/disclosure.xlsx": (.read, ""),
        "POST /plans/:id/disclosure/rule": (.officeOfCityPlan, ""),
        "GET /plans/:id/feedback": (.read, ""),
        "GET /plans/:id/feedback.csv": (.read, ""),
        "GET /plans/:id/feedback.xlsx": (.read, ""),
        "POST /plans/:id/feedback/rules": (.officeOfCityPlan, ""),
        "GET /imports": (.duty(.office), ""),
        "POST /imports/plan": (.duty(.office), ""),
        "POST /imports/progress": (.duty(.office), ""),
        "GET /imports/templates/:name": (.signedIn, ""),
        "GET /reporting": (.duty(.report), "?plan={plan}&month={month}"),
        "POST /reporting/:plan/:month": (.dutyWithin(.report), ""),
        "GET /reporting/:plan/:month/status": (.dutyWithin(.office), ""),
        "POST /reporting/:plan/:month/return": (.dutyWithin(.office), ""),
        "POST /reporting/:plan/:month/deadline": (.officeOfCityPlan, ""),
        "POST /reporting/:plan/:month/close": (.officeOfCityPlan, ""),
        "POST /reporting/:plan/:month/reopen": (.officeOfCityPlan, ""),
        "POST /reporting/:plan/:month/schedule": (.officeOfCityPlan, ""),
        "POST /reporting/:plan/:month/remind": (.officeOfCityPlan, ""),
        "POST /reminders/:id/dismiss": (.reportersOwn, ""),
        "GET /evidence/new": (.dutyWithin(.report), "?indicator={indicator}&region={region}&month={month}"),
        "POST /evidence/upload": (.duty(.report), ""),
        "GET /evidence/mine": (.duty(.report), ""),
        "GET /evidence/review": (.duty(.review), ""),
        "POST /evidence/decide": (.duty(.review), ""),
        "GET /evidence/:id": (.evidenceReader, ""),
        "POST /evidence/:id/withdraw": (.uploader, ""),
        "GET /evidence/files/:file": (.evidenceReader, ""),
        "GET /disclosures": (.duty(.publish), ""),
        "GET /disclosures/new": (.publisherOfRegion, "?project={project}&region={region}"),
        "POST /disclosures/upload": (.duty(.publish), ""),
        "POST /disclosures/:id/withdraw": (.authorOrOffice, ""),
        "GET /disclosures/:id/edit": (.author, ""),
        "POST /disclosures/:id/edit": (.author, ""),
        "GET /feedback": (.duty(.answer), ""),
        "POST /feedback/:id/reply": (.addressedUnit, ""),
        "POST /feedback/:id/invalid": (.officeOfItem, ""),
        "POST /feedback/:id/reassign": (.officeOfItem, ""),
        "GET /bulletins": (.signedIn, ""),
        "POST /bulletins": (.duty(.office), ""),
        "GET /bulletins/new": (.duty(.office), ""),
        "GET /bulletins/:id": (.read, ""),
        "POST /bulletins/:id": (.dutyWithin(.office), ""),
        "POST /bulletins/:id/issue": (.dutyWithin(.office), ""),
        "POST /bulletins/:id/delete": (.dutyWithin(.office), ""),
        "GET /bulletins/:id/document.docx": (.read, ""),
        "GET /office/settings": (.duty(.office), ""),
        "POST /office/settings": (.duty(.office), ""),
        "GET /rankings": (.signedIn, ""),
        "GET /rankings.csv": (.signedIn, ""),
        "GET /rankings.xlsx": (.signedIn, ""),
        "GET /letters": (.signedIn, ""),
        "GET /letters/new": (.duty(.office), ""),
        "POST /letters": (.duty(.office), ""),
        "GET /letters/:id": (.letterReader, ""),
        "GET /letters/:id/document.docx": (.letterReader, ""),
        "POST /letters/:id/reply": (.addressedUnit, ""),
        "GET /supervision": (.supervisionReader, "?region={region}"),
        "GET /supervision/statistics.csv": (.supervisionReader, "?region={region}"),
        "GET /supervision/statistics.xlsx": (.supervisionReader, "?region={region}"),
        "POST /supervision/settings": (.duty(.office), ""),
        "GET /supervision/people": (.dutyWithin(.office), "?region={region}"),
        "POST /supervision/people": (.duty(.office), ""),
        "GET /supervision/people.csv": (.duty(.office), ""),
        "GET /supervision/people.xlsx": (.duty(.office), ""),
        "POST /supervision/people/:id/dismiss": (.dutyWithin(.office), ""),
        "GET /supervision/files/:id": (.problemReader, ""),
        "GET /problems": (.signedIn, ""),
        "GET /problems/new": (.raiser, ""),
        "POST /problems": (.raiser, ""),
        "GET /problems/:id": (.problemReader, ""),
        "POST /problems/:id/assign": (.problemOffice, ""),
        "POST /problems/:id/answer": (.problemUnit, ""),
        "POST /problems/:id/review": (.problemRaiserOrOffice, ""),
        "POST /problems/:id/dismiss": (.problemOffice, ""),
        "POST /problems/:id/publish": (.problemOffice, ""),
        "GET /inspections": (.signedIn, ""),
        "GET /inspections/new": (.scheduler, ""),
        "POST /inspections": (.scheduler, ""),
        "GET /inspections/:id": (.inspectionReader, ""),
        "POST /inspections/sites/:id/finding": (.inspectionRecorder, ""),
        "GET /dashboard": (.dashboardReader, "?region={region}&month=2024-10"),
        "GET /evaluations": (.signedIn, ""),
        "GET /evaluations/new": (.duty(.office), ""),
        "POST /evaluations": (.duty(.office), ""),
        "GET /evaluations/:id": (.evaluationReader, ""),
        "POST /evaluations/:id/close": (.cityOffice, ""),
        "GET /evaluations/scores/:id": (.assignee, ""),
        "POST /evaluations/scores/:id": (.assignee, ""),
        "GET /ballots": (.signedIn, ""),
        "GET /ballots/new": (.duty(.office), ""),
        "POST /ballots": (.duty(.office), ""),
        "GET /ballots/:id": (.ballotReader, ""),
        "POST /ballots/:id/state": (.cityOffice, ""),
        "POST /ballots/:id/vote": (.evaluatorVote, ""),
        "GET /p/votes/:id": (.everyone, ""),
        "POST /p/votes/:id": (.everyone, ""),
        "GET /admin/regions": (.duty(.office), ""),
        "POST /admin/regions": (.duty(.office), ""),
        "GET /admin/regions/:id": (.dutyWithin(.office), ""),
        "POST /admin/regions/:id": (.dutyWithin(.office), ""),
        "POST /admin/regions/:id/units": (.dutyWithin(.office), ""),
        "POST /admin/units/:id": (.dutyWithin(.office), ""),
        "GET /admin/accounts": (.duty(.office), ""),
        "GET /admin/accounts/new": (.duty(.office), ""),
        "POST /admin/accounts": (.duty(.office), ""),
        "GET /admin/accounts/:id": (.dutyWithin(.office), ""),
        "POST /admin/accounts/:id/reset": (.dutyWithin(.office), ""),
        "POST /admin/accounts/:id/active": (.dutyWithin(.office), ""),
        "GET /posters/:region": (.read, ""),
        "GET /p": (.everyone, ""),
        "GET /p/r/:region": (.everyone, ""),
        "GET /p/i/:item": (.everyone, ""),
        "GET /p/f/:file": (.everyone, ""),
        "GET /p/:project": (.everyone, ""),
        "GET /p/:project/qr.svg": (.everyone, ""),
        "GET /p/:project/qr.png": (.everyone, ""),
        "GET /p/:project/:region": (.everyone, ""),
        "GET /p/:project/:region/qr.svg": (.everyone, ""),
        "GET /p/:project/:region/qr.png": (.everyone, ""),
        "GET /p/:project/:region/poster": (.everyone, ""),
        "POST /p/:project/feedback": (.everyone, ""),
        "POST /p/:project/:region/feedback": (.everyone, ""),
    ]

    /// The records a route's parameters name, in one scope.
    struct Records {
        var plan: Int, month: Int, indicator: Int, region: Int, regionName: String, project: Int, unit: Int, account: Int
        var evidence: Int, evidenceFile: Int, disclosure: Int, disclosureFile: Int, opinion: Int, reminder: Int
        var bulletin: Int, letter: Int
        var supervisor: Int, problem: Int, supervisionFile: Int, inspection: Int, inspectionSite: Int
        var evaluation: Int, assignment: Int, ballot: Int
        var planItem: Int, adjustment: Int, attachment: Int
        var round: Int, proposal: Int, reference: String, candidate: Int

        func value(for parameter: String, in pattern: String) -> String {
            switch parameter {
            case "plan": return "\(plan)"
            case "month": return "\(month)"
            case "indicator": return "\(indicator)"
            case "region": return "\(region)"
            case "project": return "\(project)"
            case "planItem": return "\(planItem)"
            case "adjustment": return "\(adjustment)"
            case "attachment": return "\(attachment)"
            case "reference": return reference
            case "item": return "\(disclosure)"
            case "name": return "plan.csv"
            case "file": return pattern.hasPrefix("/p/") ? "\(disclosureFile)" : "\(evidenceFile)"
            default:  // :id, named by what precedes it
                if pattern.hasPrefix("/plans/") { return "\(plan)" }
                if pattern.hasPrefix("/selection/proposals/") || pattern.hasPrefix("/selection/opinions/") { return "\(proposal)" }
                if pattern.hasPrefix("/selection/candidates/") { return "\(candidate)" }
                if pattern.hasPrefix("/selection/ballots/") { return "\(round)" }
                if pattern.hasPrefix("/selection/") || pattern.hasPrefix("/p/s/") { return "\(round)" }
                if pattern.hasPrefix("/admin/regions/") { return "\(region)" }
                if pattern.hasPrefix("/admin/units/") { return "\(unit)" }
                if pattern.hasPrefix("/admin/accounts/") { return "\(account)" }
                if pattern.hasPrefix("/evidence/") { return "\(evidence)" }
                if pattern.hasPrefix("/disclosures/") { return "\(disclosure)" }
                if pattern.hasPrefix("/feedback/") { return "\(opinion)" }
                if pattern.hasPrefix("/reminders/") { return "\(reminder)" }
                if pattern.hasPrefix("/bulletins/") { return "\(bulletin)" }
                if pattern.hasPrefix("/letters/") { return "\(letter)" }
                if pattern.hasPrefix("/supervision/people/") { return "\(supervisor)" }
                if pattern.hasPrefix("/supervision/files/") { return "\(supervisionFile)" }
                if pattern.hasPrefix("/problems/") { return "\(problem)" }
                if pattern.hasPrefix("/inspections/sites/") { return "\(inspectionSite)" }
                if pattern.hasPrefix("/evaluations/scores/") { return "\(assignment)" }
                if pattern.hasPrefix("/evaluations/") { return "\(evaluation)" }
                if pattern.hasPrefix("/ballots/") || pattern.hasPrefix("/p/votes/") { return "\(ballot)" }
                if pattern.hasPrefix("/inspections/") { return "\(inspection)" }
                return "0"
            }
        }

        func path(_ pattern: String, query: String) -> String {
            let filled = pattern.split(separator: "/").map { part in
                part.hasPrefix(":") ? value(for: String(part.dropFirst()), in: pattern) : String(part)
            }
            var q = query
            q = q.replacingOccurrences(of: "{regionName}", with: regionName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            for key in ["plan", "month", "indicator", "region", "project"] { q = q.replacingOccurrences(of: "{\(key)}", with: value(for: key, in: pattern)) }
            return "/" + filled.joined(separator: "/") + q
        }
    }

    func testEveryRouteForEveryRoleInAndOutOfScope() async throws {
        try await TestApp.run { app in
            _ = try await Bootstrap.loadDemoIfEmpty(app, complete: true)
            let (inside, outside) = try await Self.records(app)

            // Every registered route has its line, and every line a route.
            let registered = Set(app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { $0.description }.joined(separator: "/")
            })
            XCTAssertEqual(registered.subtracting(Self.table.keys).sorted(), [], "routes without a rule in the matrix")
            XCTAssertEqual(Set(Self.table.keys).subtracting(registered).sorted(), [], "rules for routes that do not exist")

            var failures: [String] = []
            var checked = 0
            // Sign-out last: it ends the session the other requests use.
            let order = Self.table.keys.sorted { a, b in (a == "POST /logout" ? 1 : 0, a) < (b == "POST /logout" ? 1 : 0, b) }
            for who in Self.roles {
                let browser = TestBrowser(app)
                if let username = who.username {
                    let answer = try await browser.signIn(username, DemoLoader.password)
                    XCTAssertEqual(answer.status, .seeOther, "\(username) signs in")
                } else {
                    try await browser.get("/login")  // a session and its token, as a browser has
                }
                for key in order {
                    guard let entry = Self.table[key] else { continue }
                    let parts = key.split(separator: " ", maxSplits: 1)
                    let method = String(parts[0]), pattern = String(parts[1])
                    // Signing out ends the session: once, and last.
                    let scopes = key == "POST /logout" ? [(true, inside)] : [(true, inside), (false, outside)]
                    for (inScope, records) in scopes {
                        let path = records.path(pattern, query: entry.query)
                        let page = method == "GET" ? try await browser.get(path) : try await browser.post(path, [])
                        let actual = Self.outcome(page, signingOut: key == "POST /logout")
                        let want = Self.expected(entry.rule, who, inScope: inScope, post: method == "POST",
                                                 streamed: pattern.hasSuffix("/upload") || Self.streamed.contains(key))
                        checked += 1
                        if page.status.code >= 500 || actual != want {
                            failures.append("\(who.username ?? "anonymous") \(method) \(path) (\(inScope ? "in" : "out")): \(page.status.code) = \(actual.rawValue), expected \(want.rawValue)")
                        }
                    }
                }
            }
            XCTAssertEqual(failures, [], "\(failures.count) of \(checked) answers differ from the matrix")
            // Routes × roles × two scopes: the count says nothing was skipped.
            XCTAssertEqual(checked, (Self.table.count * 2 - 1) * Self.roles.count)
        }
    }

    /// Uploads that check their form token themselves, after the sign-in.
    static let streamed: Set<String> = ["POST /problems", "POST /problems/:id/answer", "POST /inspections/sites/:id/finding"]

    static func outcome(_ page: TestBrowser.Page, signingOut: Bool = false) -> Outcome {
        switch page.status.code {
        case 401: return .login
        case 403: return .forbidden
        case 404: return .notFound
        case 303, 302:
            // Signing out lands on the sign-in page: that is its answer, not a refusal.
            return (page.location ?? "").hasPrefix("/login") && !signingOut ? .login : .allowed
        default: return .allowed
        }
    }

    /// The records inside every demo account's scope (邵东市, the reporter's unit) and the same
    /// kinds of record in another city, made here.
    static func records(_ app: Application) async throws -> (Records, Records) {
        let db = app.db
        let tree = try await RegionService(db: db).tree()
        func region(_ name: String) async throws -> Int { try await XCTUnwrapAsync(try await Region.query(on: db).filter(\.$name == name).first()?.id) }
        func account(_ name: String) async throws -> Account { try await XCTUnwrapAsync(try await Account.query(on: db).filter(\.$username == name).first()) }
        let province = try await region("湖南省")
        let shaodong = try await region("邵东市")
        let resolved = try await ProgressReportService(db: db).resolve(regionName: "邵阳市", year: 2024, level: .province)
        let reporter = try await account("reporter")
        let reporterActor = Actor(accountID: try reporter.requireID(), regionID: shaodong, unitID: reporter.$unit.id, roles: [.reporter])
        let adminActor = Actor(accountID: try await account("admin").requireID(), regionID: try await region("邵阳市"), unitID: nil, roles: [.admin])
        let accounts = AccountService(db: db, hasher: app.passwordHasher)

        // Another city, outside every demo account's scope, with a plan, a unit and accounts.
        let loudi = try await RegionService(db: db).create(name: "娄底市", kind: .city, code: "431300", parentID: province, by: nil).requireID()
        let csv = PlanFile.header.joined(separator: ",") + "\n市定,1,娄底市实事,娄底市口袋公园,建设口袋公园,个,进度,求和,市住建局,娄底市,3\n"
        _ = try await PlanImporter(db: db).importPlan(try PlanFile.parse(rows: try CSVReader.rows(csv)), regionName: "娄底市", year: 2024, by: nil)
        let outPlan = try await XCTUnwrapAsync(try await Plan.query(on: db).filter(\.$owner.$id == loudi).first()?.id)
        let outUnit = try await UnitService(db: db).findOrCreate(name: "市住建局", regionID: loudi).requireID()
        let outTarget = try await accounts.create(.init(username: "ld_target", displayName: "娄底市观察员", password: "Passw0rd-matrix", regionID: loudi,
                                                        unitID: nil, roles: [.observer], mustChangePassword: false), by: nil).requireID()
        let outReporter = try await accounts.create(.init(username: "ld_reporter", displayName: "娄底市填报员", password: "Passw0rd-matrix", regionID: loudi,
                                                          unitID: outUnit, roles: [.reporter], mustChangePassword: false), by: nil).requireID()
        // The other city's shares name no unit: its office uploads and publishes there.
        let outActor = Actor(accountID: outTarget, regionID: loudi, unitID: nil, roles: [.admin])
        let inTarget = try await accounts.create(.init(username: "sd_target", displayName: "邵东市观察员", password: "Passw0rd-matrix", regionID: shaodong,
                                                       unitID: nil, roles: [.observer], mustChangePassword: false), by: nil).requireID()

        // The reporter's share in the city plan, and one in the other city's.
        let reporting = ReportingService(db: db)
        let inRow = try await XCTUnwrapAsync(try await reporting.grid(planID: resolved.planID, month: 11, scopeRegionID: shaodong,
                                                                       unitID: reporter.$unit.id, tree: tree).rows.first)
        let outRow = try await XCTUnwrapAsync(try await reporting.grid(planID: outPlan, month: 11, scopeRegionID: loudi, unitID: nil, tree: tree).rows.first)
        func project(of indicator: Int) async throws -> Int { try await XCTUnwrapAsync(try await Indicator.find(indicator, on: db)?.$project.id) }

        // Evidence uploaded by each scope's reporter.
        func pdf() throws -> EvidenceService.StoredFile {
            let writer = try app.blobStore.begin()
            try Array("%PDF-1.4\n验收单".utf8).withUnsafeBytes { try writer.write($0) }
            return .init(key: try writer.finish(), name: "验收单.pdf", kind: .pdf, size: writer.size)
        }
        let evidence = EvidenceService(db: db)
        let inEvidence = try await evidence.create(indicatorID: inRow.indicatorID, regionID: shaodong, month: 11, quantity: "1", description: "照片",
                                                   files: [try pdf()], actor: reporterActor, tree: tree).requireID()
        let outEvidence = try await evidence.create(indicatorID: outRow.indicatorID, regionID: loudi, month: 11, quantity: "1", description: "照片",
                                                    files: [try pdf()], actor: outActor, tree: tree).requireID()
        func evidenceFile(_ id: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await EvidenceFile.query(on: db).filter(\.$evidence.$id == id).first()?.id)
        }

        // Disclosure items by each scope's reporter, with a file.
        let disclosures = DisclosureService(db: db)
        let draft = DisclosureService.Draft(category: DisclosureCategory.allCases[0].rawValue, title: "工作动态", date: "2024-11-05", body: "进展顺利。", link: "")
        let inDisclosure = try await disclosures.publish(projectID: try await project(of: inRow.indicatorID), regionID: shaodong, draft: draft,
                                                         files: [try pdf()], actor: reporterActor, tree: tree).requireID()
        let outDisclosure = try await disclosures.publish(projectID: try await project(of: outRow.indicatorID), regionID: loudi, draft: draft,
                                                          files: [try pdf()], actor: outActor, tree: tree).requireID()
        func disclosureFile(_ id: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await DisclosureFile.query(on: db).filter(\.$disclosure.$id == id).first()?.id)
        }

        // An opinion on each project's page, addressed to its unit.
        let citizen = TestBrowser(app)
        for (projectID, regionID) in [(try await project(of: inRow.indicatorID), shaodong), (try await project(of: outRow.indicatorID), loudi)] {
            try await citizen.get("/p/\(projectID)/\(regionID)")
            let sent = try await citizen.post("/p/\(projectID)/\(regionID)/feedback", [("rating", "satisfied"), ("text", "希望加快进度。"), ("phone", "")], csrf: false)
            XCTAssertEqual(sent.status, .seeOther, "the opinion is taken")
        }
        func opinion(_ region: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await Feedback.query(on: db).filter(\.$region.$id == region).filter(\.$body == "希望加快进度。").first()?.id)
        }

        // A reminder (催报) to each reporter.
        let work = WorkListService(db: db)
        _ = try await work.remind(planID: resolved.planID, month: 11, unitID: try XCTUnwrap(reporter.$unit.id), actor: adminActor, tree: tree)
        try await Reminder(accountID: outReporter, planID: outPlan, month: 11, text: "请及时报送。", sentBy: outTarget, at: Date()).create(on: db)
        func reminder(_ account: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await Reminder.query(on: db).filter(\.$account.$id == account).first()?.id)
        }

        // An issued bulletin of each scope, and a letter from each scope's office to a unit there
        // (in 邵东市, the reporter's unit).
        let bulletins = BulletinService(db: db)
        func issuedBulletin(_ region: Int, _ actor: Actor) async throws -> Int {
            let draft = BulletinService.Draft(kind: .monthly, period: BulletinPeriod(year: 2024, month: 11), level: nil, layout: .progress, annexes: [.progress])
            let now = try await RegionService(db: db).tree()  // with the other city
            let record = try await bulletins.create(regionID: region, draft: draft, actor: actor, tree: now)
            return try await bulletins.issue(id: try record.requireID(), actor: actor, tree: now, files: app.blobStore).requireID()
        }
        func letter(_ region: Int, unit: Int, by actor: Actor) async throws -> Int {
            let record = LetterRecord()
            record.$region.id = region
            record.$unit.id = unit
            (record.year, record.month, record.tier, record.number) = (2024, 11, LetterTier.reminder.rawValue, 1)
            (record.title, record.body, record.facts) = ("关于加快推进重点民生实事工作进度的温馨提示函", "请加快推进。", "“指标”进度 50.00%")
            record.blobKey = try pdf().key
            record.documentSize = 10
            (record.sentBy, record.sentAt, record.dueAt) = (actor.accountID, Date(), Date().addingTimeInterval(7 * 86_400))
            try await record.create(on: db)
            return try record.requireID()
        }
        let shaodongOffice = Actor(accountID: try await account("shaodong").requireID(), regionID: shaodong, unitID: nil, roles: [.admin])
        let inBulletin = try await issuedBulletin(shaodong, shaodongOffice)
        let outBulletin = try await issuedBulletin(loudi, outActor)
        let inLetter = try await letter(shaodong, unit: try XCTUnwrap(reporter.$unit.id), by: shaodongOffice)
        let outLetter = try await letter(loudi, unit: outUnit, by: outActor)

        // Supervision: an appointment, a problem with a photo on its first step, an inspection with a site, in each scope.
        // In 邵东市 the problem is the demo's first (raised by the observer, assigned to the reporter's unit).
        let observer = try await account("observer")
        let inProblem = try await XCTUnwrapAsync(try await Problem.query(on: db).filter(\.$region.$id == shaodong).filter(\.$raiser.$id == observer.requireID())
            .sort(\.$id).first())
        let outProblem = Problem()
        outProblem.$region.id = loudi
        outProblem.$project.id = try await project(of: outRow.indicatorID)
        outProblem.$unit.id = outUnit
        outProblem.$raiser.id = outTarget
        (outProblem.category, outProblem.severity, outProblem.description, outProblem.state) = ("quality", "major", "围挡缺失", ProblemState.rectifying.rawValue)
        (outProblem.published, outProblem.createdAt, outProblem.updatedAt) = (false, Date(), Date())
        try await outProblem.create(on: db)
        let outStep = try await ProblemService.step(outProblem, .raise, text: nil, actor: Actor(accountID: outTarget, regionID: loudi, unitID: nil, roles: [.observer]),
                                                    onBehalf: false, now: Date(), on: db)
        func photo(_ step: Int) async throws -> Int {
            let file = SupervisionFile()
            (file.owner, file.ownerID, file.blobKey, file.name, file.kind, file.size) = ("step", step, try pdf().key, "现场.jpg", "jpeg", 10)
            try await file.create(on: db)
            return try file.requireID()
        }
        let inStep = try await XCTUnwrapAsync(try await ProblemStep.query(on: db).filter(\.$problem.$id == inProblem.requireID()).sort(\.$id).first()?.id)
        let supervision = SupervisionService(db: db)
        let supervisorAccount = try await account("supervisor")
        let inAppointment = try await supervision.appoint(accountID: inTarget, .init(role: .observer, scope: .region, identity: .beneficiary,
                                                                                    termFrom: "2024-01-01", termUntil: "2099-12-31"), actor: adminActor, tree: tree).requireID()
        let outTree = try await RegionService(db: db).tree()
        let outAppointment = try await supervision.appoint(accountID: outTarget, .init(role: .observer, scope: .region, identity: .beneficiary,
                                                                                      termFrom: "2024-01-01", termUntil: "2099-12-31"), actor: outActor, tree: outTree).requireID()
        let inspections = InspectionService(db: db)
        let inInspection = try await inspections.schedule(.init(kind: "visit", title: "邵东市视察", date: "2024-11-05",
                                                                sites: [(key: "\(try await project(of: inRow.indicatorID)):\(shaodong)", site: "")],
                                                                participants: [try observer.requireID(), try supervisorAccount.requireID()]),
                                                          regionID: shaodong, actor: adminActor, tree: outTree).requireID()
        let outInspection = try await inspections.schedule(.init(kind: "visit", title: "娄底市视察", date: "2024-11-05",
                                                                 sites: [(key: "\(try await project(of: outRow.indicatorID)):\(loudi)", site: "")], participants: [outTarget]),
                                                           regionID: loudi, actor: outActor, tree: outTree).requireID()
        func site(_ inspection: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await InspectionSite.query(on: db).filter(\.$inspection.$id == inspection).first()?.id)
        }

        // 评议 and 十佳: a closed round and an open ballot (with a public vote) of the city with the demo's
        // evaluator, and the same in the other city with its own evaluator.
        let evaluatorAccount = try await account("evaluator")
        let ldEvaluator = try await accounts.create(.init(username: "ld_eval", displayName: "娄底市评议员", password: "Passw0rd-matrix", regionID: loudi,
                                                          unitID: nil, roles: [.evaluator], mustChangePassword: false), by: nil).requireID()
        _ = try await supervision.appoint(accountID: ldEvaluator, .init(role: .evaluator, scope: .region, identity: .cppcc, termFrom: "2024-01-01",
                                                                        termUntil: "2099-12-31"), actor: outActor, tree: outTree)
        let city = try await region("邵阳市")
        let evaluations = EvaluationService(db: db)
        let inRound = try await evaluations.open(regionID: city, year: 2024, title: "评议", criteria: "完成质量 100", projectIDs: [try await project(of: inRow.indicatorID)],
                                                 evaluatorIDs: [try evaluatorAccount.requireID()], actor: adminActor, tree: outTree).round.requireID()
        try await evaluations.close(id: inRound, actor: adminActor, tree: outTree)
        let outRound = try await evaluations.open(regionID: loudi, year: 2024, title: "评议", criteria: "完成质量 100", projectIDs: [try await project(of: outRow.indicatorID)],
                                                  evaluatorIDs: [ldEvaluator], actor: outActor, tree: outTree).round.requireID()
        func assignment(_ round: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await EvaluationAssignment.query(on: db).with(\.$entry).all().first { $0.entry.$round.id == round }?.id)
        }
        let ballots = BallotService(db: db)
        func ballot(_ region: Int, _ actor: Actor, _ projects: [Int]) async throws -> Int {
            let id = try await ballots.create(regionID: region, year: 2024, title: "十佳评选", pick: 1, projectIDs: projects, evaluatorWeight: 50, publicVote: true,
                                              actor: actor, tree: outTree).requireID()
            try await ballots.advance(id: id, to: .open, actor: actor, tree: outTree)
            return id
        }
        let cityProjects = try await SupervisionService(db: db).projects(inRegions: [city], tree: outTree, year: 2024).map(\.projectID)
        let inBallot = try await ballot(city, adminActor, Array(cityProjects.prefix(3)))
        // The other city's plan has one project: its ballot is written directly, two candidates by name.
        let outBallotRecord = Ballot()
        outBallotRecord.$region.id = loudi
        (outBallotRecord.year, outBallotRecord.title, outBallotRecord.pickCount, outBallotRecord.state) = (2024, "十佳评选", 1, Ballot.State.open.rawValue)
        (outBallotRecord.evaluatorWeight, outBallotRecord.publicWeight, outBallotRecord.createdAt) = (50, 50, Date())
        try await outBallotRecord.create(on: db)
        let outBallot = try outBallotRecord.requireID()
        for (seq, name) in ["娄底市口袋公园", "娄底市托育"].enumerated() {
            let candidate = BallotCandidate()
            (candidate.$ballot.id, candidate.name, candidate.seq) = (outBallot, name, seq + 1)
            try await candidate.create(on: db)
        }

        // Each plan's first item, an adjustment of the scope's indicator decided by the plan's
        // office, and a 验收标准 attachment.
        func firstItem(_ plan: Int) async throws -> Int {
            try await XCTUnwrapAsync(try await Item.query(on: db).filter(\.$plan.$id == plan).sort(\.$seq).first()?.id)
        }
        func adjustment(_ plan: Int, indicator: Int, region: Int, approver: Int) async throws -> Int {
            let record = PlanAdjustment()
            (record.$plan.id, record.$indicator.id, record.$region.id, record.$approverRegion.id) = (plan, indicator, region, approver)
            (record.changesJSON, record.reason, record.stateText, record.proposedAt) = (#"{"before":[],"after":[]}"#, "调整", PlanAdjustment.State.proposed.rawValue, Date())
            try await record.create(on: db)
            return try record.requireID()
        }
        func attachment(_ indicator: Int) async throws -> Int {
            let file = IndicatorAttachment()
            (file.$indicator.id, file.fileName, file.contentType, file.byteCount, file.blobKey, file.uploadedAt) = (indicator, "验收标准.pdf", FileKind.pdf.rawValue, 10, try pdf().key, Date())
            try await file.create(on: db)
            return try file.requireID()
        }
        let owner = try await XCTUnwrapAsync(try await Plan.find(resolved.planID, on: db)?.$owner.id)
        let inAdjustment = try await adjustment(resolved.planID, indicator: inRow.indicatorID, region: owner, approver: owner)
        let outAdjustment = try await adjustment(outPlan, indicator: outRow.indicatorID, region: loudi, approver: loudi)

        // A round of proposals in each scope (邵东市's, entered by the city's office; 娄底市's), each with a letter.
        func round(_ region: Int, _ actor: Actor) async throws -> (Int, Int, String, Int) {
            let service = SelectionService(db: db)
            let round = try await service.createRound(regionID: region, .standard(year: 2025, regionName: "测试"), actor: actor, tree: outTree).requireID()
            let proposal = try await service.enter(roundID: round, .init(title: "建设社区食堂", body: "方便老人就餐。", category: "养老托育", phone: ""),
                                                   channel: .letter, receivedOn: "2024-09-10", actor: actor, tree: outTree)
            let unit = region == shaodong ? try XCTUnwrap(reporter.$unit.id) : outUnit
            try await service.requestOpinion(proposalID: try proposal.requireID(), unitID: unit, actor: actor, tree: outTree)
            let candidate = try await service.saveCandidate(roundID: round, .init(name: "社区食堂", description: "建设社区食堂。", cost: "", unitID: nil, proposals: ""),
                                                            actor: actor, tree: outTree)
            if region == shaodong {
                // An in-app deputies' vote with the demo's evaluator registered (its account is the city's; registered directly).
                let record = try await XCTUnwrapAsync(try await SelectionRound.find(round, on: db))
                record.ballotModeText = SelectionRound.BallotMode.app.rawValue
                try await record.save(on: db)
                let deputy = SelectionDeputy()
                (deputy.roundID, deputy.accountID, deputy.voted) = (round, try evaluatorAccount.requireID(), 0)
                try await deputy.create(on: db)
            }
            return (round, try proposal.requireID(), proposal.reference, candidate)
        }
        let (inSelection, inProposal, inReference, inCandidate) = try await round(shaodong, adminActor)
        let (outSelection, outProposal, outReference, outCandidate) = try await round(loudi, outActor)

        let inside = Records(plan: resolved.planID, month: 11, indicator: inRow.indicatorID, region: shaodong, regionName: "邵东市", project: try await project(of: inRow.indicatorID),
                             unit: try XCTUnwrap(reporter.$unit.id), account: inTarget, evidence: inEvidence, evidenceFile: try await evidenceFile(inEvidence),
                             disclosure: inDisclosure, disclosureFile: try await disclosureFile(inDisclosure), opinion: try await opinion(shaodong),
                             reminder: try await reminder(try reporter.requireID()), bulletin: inBulletin, letter: inLetter,
                             supervisor: inAppointment, problem: try inProblem.requireID(), supervisionFile: try await photo(inStep), inspection: inInspection,
                             inspectionSite: try await site(inInspection), evaluation: inRound, assignment: try await assignment(inRound), ballot: inBallot,
                             planItem: try await firstItem(resolved.planID), adjustment: inAdjustment, attachment: try await attachment(inRow.indicatorID),
                             round: inSelection, proposal: inProposal, reference: inReference, candidate: inCandidate)
        let outside = Records(plan: outPlan, month: 11, indicator: outRow.indicatorID, region: loudi, regionName: "娄底市", project: try await project(of: outRow.indicatorID),
                              unit: outUnit, account: outTarget, evidence: outEvidence, evidenceFile: try await evidenceFile(outEvidence),
                              disclosure: outDisclosure, disclosureFile: try await disclosureFile(outDisclosure), opinion: try await opinion(loudi),
                              reminder: try await reminder(outReporter), bulletin: outBulletin, letter: outLetter,
                              supervisor: outAppointment, problem: try outProblem.requireID(), supervisionFile: try await photo(try outStep.requireID()),
                              inspection: outInspection, inspectionSite: try await site(outInspection), evaluation: outRound, assignment: try await assignment(outRound),
                              ballot: outBallot, planItem: try await firstItem(outPlan), adjustment: outAdjustment, attachment: try await attachment(outRow.indicatorID),
                              round: outSelection, proposal: outProposal, reference: outReference, candidate: outCandidate)
        return (inside, outside)
    }
}

/// The rule of who may do what is written once: no file outside the access module looks at an
/// account's roles to decide anything.
final class OneAccessModuleTests: XCTestCase {
    func testNoRoleCheckOutsideTheAccessModule() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        XCTAssertGreaterThan(files.count, 100, "the sources were found")
        // What a role check looks like: asking an account, a principal or an actor for one of its roles.
        let patterns = [".has(.", "roles.contains(", "roleSet.contains(", "isAdmin", "isReporter", "isReviewer", "contains(.admin)",
                        "contains(.reporter)", "contains(.reviewer)", "contains(.leader)", "contains(.observer)"]
        var found: [String] = []
        for file in files where !file.hasPrefix("MinshengData/Access/") && file != "MinshengCore/Vocabulary/Role.swift" {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            for pattern in patterns where text.contains(pattern) { found.append("\(file): \(pattern)") }
        }
        XCTAssertEqual(found, [])
        // The check can fail: the access module itself holds such checks.
        let access = try String(contentsOfFile: sources.appendingPathComponent("MinshengData/Access/Access.swift").path, encoding: .utf8)
        XCTAssertTrue(patterns.contains { access.contains($0) })
    }
}
