import Foundation
import Vapor

/// Every address of the site, used both to register routes and to build links and redirects, so
/// that a renamed page cannot leave a dead link behind. A route is registered from the same case
/// with `.parameter` in place of its values (`SiteURL.plan(id: .parameter).route` is
/// `plans/:id`); a link fills them in (`SiteURL.plan(id: 3).path` is `/plans/3`).
///
/// The public addresses (`/p/…`) are printed in QR codes posted at project sites: they never change.
enum SiteURL: Sendable, Equatable {
    // Sign-in and the account's own settings
    case home
    case login(next: String?)
    case logout
    case password
    case unitPhone
    // Plans and their reports
    case plans
    case plan(id: Int, region: Int? = nil, month: Int? = nil)
    case planExport(id: Int, region: Int?, month: Int?, format: String)
    /// The plan itself in the plan exchange format (imports back to the same plan).
    case planFile(id: Int, format: String)
    case planLists(id: Int, region: Int?, month: Int?)
    case planCompletionRule(id: Int)
    case indicatorTrend(plan: Int, indicator: Int, region: Int?)
    // 民生实事我来提: rounds, proposals, the public form and pages
    case selection
    case selectionRound(id: Int)
    case selectionEntry(round: Int)
    /// A proposal's page (`action` nil), `answer`, `merge`.
    case selectionProposal(id: Int, action: String?)
    case selectionCandidates(round: Int)
    case selectionRules(round: Int)
    /// A candidate's update (`action` nil) or `remove`.
    case selectionCandidate(id: Int, action: String?)
    /// A department's requested opinions, and one of them.
    case selectionOpinions
    case selectionOpinion(id: Int)
    /// The deputies' vote of a round: its page (`action` nil), `open`, `close`.
    case selectionSession(round: Int, action: String?)
    /// A paper tally entered (`action` nil) or cleared (`clear`).
    case selectionTallies(round: Int, action: String?)
    case selectionRecord(round: Int)
    /// The chosen candidates made into next year's plan.
    case selectionPlan(round: Int)
    /// A deputy's in-app ballot.
    case selectionBallot(round: Int)
    case publicRound(id: Int)
    case publicVote(round: Int)
    case publicRoundQR(id: Int)
    /// The round's printable A4 poster with its QR code.
    case publicRoundPoster(id: Int)
    case publicProposal(reference: String)
    case publicProposalLookup
    // Plans edited in the app (the outline, the decomposition grid, adjustments)
    case newPlan
    case planEditor(id: Int)
    case planAdopt(id: Int)
    case planItems(plan: Int)
    /// An item's rename (`action` nil), `move` or `remove`.
    case planItem(plan: Int, item: Int, action: String?)
    case planProjects(plan: Int, item: Int)
    case planProject(plan: Int, project: Int, action: String?)
    case projectIndicators(plan: Int, project: Int)
    /// An indicator's page (`edit`), `move`, `remove`, `stop`, `attachments/upload`, `attachments/remove`.
    case indicatorEditor(plan: Int, indicator: Int, action: String)
    case indicatorAttachment(plan: Int, indicator: Int, attachment: Int)
    case decomposition(plan: Int, indicator: Int, region: Int?)
    case planAdjustments(plan: Int)
    /// `approve` or `return`.
    case planAdjustment(plan: Int, adjustment: Int, action: String)
    case acceptance(plan: Int, region: Int?, month: Int?)
    case acceptanceExport(plan: Int, region: Int?, month: Int?, format: String)
    case acceptanceLimit(plan: Int)
    case disclosureCompliance(plan: Int, region: Int?, month: Int?)
    case disclosureComplianceExport(plan: Int, region: Int?, month: Int?, format: String)
    case disclosureRule(plan: Int)
    case feedbackRates(plan: Int, region: Int?, month: Int?)
    case feedbackRatesExport(plan: Int, region: Int?, month: Int?, format: String)
    case feedbackRules(plan: Int)
    // Imports
    case imports
    case importPlan
    case importProgress
    case template(name: String)
    // Monthly reporting
    case reporting(plan: Int? = nil, month: Int? = nil)
    case reportingSave(plan: Int, month: Int)
    case reportingStatus(plan: Int, month: Int)
    case reportingReturn(plan: Int, month: Int)
    case monthDeadline(plan: Int, month: Int)
    case monthClose(plan: Int, month: Int)
    case monthReopen(plan: Int, month: Int)
    case planSchedule(plan: Int, month: Int)
    case monthRemind(plan: Int, month: Int)
    case reminderDismiss(id: Int)
    // Evidence
    case evidenceMine
    case evidenceReview
    case evidenceNew(indicator: Int, region: Int, month: Int)
    case evidenceUpload
    case evidenceDecide
    case evidence(id: Int)
    case evidenceWithdraw(id: Int)
    case evidenceFile(id: Int)
    // Disclosure
    case disclosures
    case disclosureNew(project: Int, region: Int)
    case disclosureUpload
    case disclosureWithdraw(id: Int)
    case disclosureEdit(id: Int)
    // Citizens' opinions
    case feedbackInbox
    case feedbackReply(id: Int)
    case feedbackInvalid(id: Int)
    case feedbackReassign(id: Int)
    // Bulletins, letters, rankings
    case bulletins
    case bulletinNew
    case bulletin(id: Int)
    case bulletinIssue(id: Int)
    case bulletinDelete(id: Int)
    case bulletinDocument(id: Int)
    case officeSettings
    case rankings(month: Int? = nil)
    case rankingsExport(month: Int?, format: String)
    case letters
    case letterNew(month: Int? = nil)
    case letter(id: Int)
    case letterDocument(id: Int)
    case letterReply(id: Int)
    // Administration
    case supervision(month: String? = nil)
    case supervisionExport(month: String?, format: String)
    case supervisionSettings
    case supervisors
    case supervisorsExport(format: String)
    case supervisorDismiss(id: Int)
    case supervisionFile(id: Int)
    case problems
    case problemNew(project: Int? = nil, region: Int? = nil, inspection: Int? = nil)
    case problem(id: Int)
    case problemAssign(id: Int)
    case problemAnswer(id: Int)
    case problemReview(id: Int)
    case problemDismiss(id: Int)
    case problemPublish(id: Int)
    case inspections
    case inspectionNew
    case inspection(id: Int)
    case inspectionFinding(site: Int)
    case dashboard(region: Int? = nil, month: String? = nil, level: String? = nil)
    case evaluations
    case evaluationNew
    case evaluation(id: Int)
    case evaluationClose(id: Int)
    case evaluationScore(assignment: Int)
    case ballots
    case ballotNew
    case ballot(id: Int)
    case ballotAdvance(id: Int)
    case ballotVote(id: Int)
    case publicBallot(id: Int)

    case regions
    case region(id: Int)
    case regionUnits(id: Int)
    case unit(id: Int)
    case accounts
    case newAccount
    case account(id: Int)
    case accountReset(id: Int)
    case accountActive(id: Int)
    // The public pages (printed in QR codes)
    case publicIndex
    case publicRegion(id: Int)
    case publicProject(project: Int, region: Int?)
    case publicQR(project: Int, region: Int?, format: String)
    case publicPoster(project: Int, region: Int)
    case publicFeedback(project: Int, region: Int?)
    case publicItem(id: Int)
    case publicFile(id: Int)
    case posters(region: Int)
    // The JSON API
    case apiMe
    case apiRegions
    case apiPlans
    case apiProgressReport
    case apiImportPlan
    case apiImportProgress
    // The system
    case stylesheet
    case publicStylesheet
    case healthz

    var path: String {
        func p(_ value: Int, _ name: String) -> String { value == .parameter ? ":" + name : String(value) }
        switch self {
        case .home: return "/"
        case .login(let next):
            guard let next, next != "/" else { return "/login" }
            return "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        case .logout: return "/logout"
        case .password: return "/account/password"
        case .unitPhone: return "/account/unit"
        case .plans: return "/plans"
        case .plan(let id, let region, let month): return "/plans/\(p(id, "id"))" + Self.query(["region": region, "month": month])
        case .planExport(let id, let region, let month, let format):
            return "/plans/\(p(id, "id"))/export.\(format)" + Self.query(["region": region, "month": month])
        case .planFile(let id, let format): return "/plans/\(p(id, "id"))/plan.\(format)"
        case .planLists(let id, let region, let month): return "/plans/\(p(id, "id"))/lists" + Self.query(["region": region, "month": month])
        case .planCompletionRule(let id): return "/plans/\(p(id, "id"))/completion-rule"
        case .indicatorTrend(let plan, let indicator, let region):
            return "/plans/\(p(plan, "id"))/indicators/\(p(indicator, "indicator"))" + Self.query(["region": region])
        case .selection: return "/selection"
        case .selectionRound(let id): return "/selection/\(p(id, "id"))"
        case .selectionEntry(let round): return "/selection/\(p(round, "id"))/proposals"
        case .selectionProposal(let id, let action): return "/selection/proposals/\(p(id, "id"))" + (action.map { "/" + $0 } ?? "")
        case .selectionCandidates(let round): return "/selection/\(p(round, "id"))/candidates"
        case .selectionRules(let round): return "/selection/\(p(round, "id"))/rules"
        case .selectionCandidate(let id, let action): return "/selection/candidates/\(p(id, "id"))" + (action.map { "/" + $0 } ?? "")
        case .selectionOpinions: return "/selection/opinions"
        case .selectionOpinion(let id): return "/selection/opinions/\(p(id, "id"))"
        case .publicVote(let round): return "/p/s/\(p(round, "id"))/vote"
        case .selectionSession(let round, let action): return "/selection/\(p(round, "id"))/session" + (action.map { "/" + $0 } ?? "")
        case .selectionTallies(let round, let action): return "/selection/\(p(round, "id"))/tallies" + (action.map { "/" + $0 } ?? "")
        case .selectionRecord(let round): return "/selection/\(p(round, "id"))/record"
        case .selectionPlan(let round): return "/selection/\(p(round, "id"))/plan"
        case .selectionBallot(let round): return "/selection/ballots/\(p(round, "id"))"
        case .publicRound(let id): return "/p/s/\(p(id, "id"))"
        case .publicRoundQR(let id): return "/p/s/\(p(id, "id"))/qr.svg"
        case .publicRoundPoster(let id): return "/p/s/\(p(id, "id"))/poster"
        case .publicProposalLookup: return "/p/proposals"
        case .publicProposal(let reference):
            return "/p/proposals/" + (reference == .parameter ? ":reference" : (reference.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""))
        case .newPlan: return "/plans/new"
        case .planEditor(let id): return "/plans/\(p(id, "id"))/edit"
        case .planAdopt(let id): return "/plans/\(p(id, "id"))/adopt"
        case .planItems(let plan): return "/plans/\(p(plan, "id"))/items"
        case .planItem(let plan, let item, let action): return "/plans/\(p(plan, "id"))/items/\(p(item, "planItem"))" + (action.map { "/" + $0 } ?? "")
        case .planProjects(let plan, let item): return "/plans/\(p(plan, "id"))/items/\(p(item, "planItem"))/projects"
        case .planProject(let plan, let project, let action): return "/plans/\(p(plan, "id"))/projects/\(p(project, "project"))" + (action.map { "/" + $0 } ?? "")
        case .projectIndicators(let plan, let project): return "/plans/\(p(plan, "id"))/projects/\(p(project, "project"))/indicators"
        case .indicatorEditor(let plan, let indicator, let action): return "/plans/\(p(plan, "id"))/indicators/\(p(indicator, "indicator"))/\(action)"
        case .indicatorAttachment(let plan, let indicator, let attachment):
            return "/plans/\(p(plan, "id"))/indicators/\(p(indicator, "indicator"))/attachments/\(p(attachment, "attachment"))"
        case .decomposition(let plan, let indicator, let region):
            return "/plans/\(p(plan, "id"))/indicators/\(p(indicator, "indicator"))/targets" + Self.query(["region": region])
        case .planAdjustments(let plan): return "/plans/\(p(plan, "id"))/adjustments"
        case .planAdjustment(let plan, let adjustment, let action): return "/plans/\(p(plan, "id"))/adjustments/\(p(adjustment, "adjustment"))/\(action)"
        case .acceptance(let plan, let region, let month): return "/plans/\(p(plan, "id"))/acceptance" + Self.query(["region": region, "month": month])
        case .acceptanceExport(let plan, let region, let month, let format):
            return "/plans/\(p(plan, "id"))/acceptance.\(format)" + Self.query(["region": region, "month": month])
        case .acceptanceLimit(let plan): return "/plans/\(p(plan, "id"))/acceptance/limit"
        case .disclosureCompliance(let plan, let region, let month):
            return "/plans/\(p(plan, "id"))/disclosure" + Self.query(["region": region, "month": month])
        case .disclosureComplianceExport(let plan, let region, let month, let format):
            return "/plans/\(p(plan, "id"))/disclosure.\(format)" + Self.query(["region": region, "month": month])
        case .disclosureRule(let plan): return "/plans/\(p(plan, "id"))/disclosure/rule"
        case .feedbackRates(let plan, let region, let month): return "/plans/\(p(plan, "id"))/feedback" + Self.query(["region": region, "month": month])
        case .feedbackRatesExport(let plan, let region, let month, let format):
            return "/plans/\(p(plan, "id"))/feedback.\(format)" + Self.query(["region": region, "month": month])
        case .feedbackRules(let plan): return "/plans/\(p(plan, "id"))/feedback/rules"
        case .imports: return "/imports"
        case .importPlan: return "/imports/plan"
        case .importProgress: return "/imports/progress"
        case .template(let name): return "/imports/templates/" + (name == .parameter ? ":name" : name)
        case .reporting(let plan, let month): return "/reporting" + Self.query(["plan": plan, "month": month])
        case .reportingSave(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))"
        case .reportingStatus(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/status"
        case .reportingReturn(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/return"
        case .monthDeadline(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/deadline"
        case .monthClose(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/close"
        case .monthReopen(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/reopen"
        case .planSchedule(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/schedule"
        case .monthRemind(let plan, let month): return "/reporting/\(p(plan, "plan"))/\(p(month, "month"))/remind"
        case .reminderDismiss(let id): return "/reminders/\(p(id, "id"))/dismiss"
        case .evidenceMine: return "/evidence/mine"
        case .evidenceReview: return "/evidence/review"
        case .evidenceNew(let indicator, let region, let month):
            return "/evidence/new" + Self.query(["indicator": indicator, "region": region, "month": month])
        case .evidenceUpload: return "/evidence/upload"
        case .evidenceDecide: return "/evidence/decide"
        case .evidence(let id): return "/evidence/\(p(id, "id"))"
        case .evidenceWithdraw(let id): return "/evidence/\(p(id, "id"))/withdraw"
        case .evidenceFile(let id): return "/evidence/files/\(p(id, "file"))"
        case .disclosures: return "/disclosures"
        case .disclosureNew(let project, let region): return "/disclosures/new" + Self.query(["project": project, "region": region])
        case .disclosureUpload: return "/disclosures/upload"
        case .disclosureWithdraw(let id): return "/disclosures/\(p(id, "id"))/withdraw"
        case .disclosureEdit(let id): return "/disclosures/\(p(id, "id"))/edit"
        case .feedbackInbox: return "/feedback"
        case .feedbackReply(let id): return "/feedback/\(p(id, "id"))/reply"
        case .feedbackInvalid(let id): return "/feedback/\(p(id, "id"))/invalid"
        case .feedbackReassign(let id): return "/feedback/\(p(id, "id"))/reassign"
        case .bulletins: return "/bulletins"
        case .bulletinNew: return "/bulletins/new"
        case .bulletin(let id): return "/bulletins/\(p(id, "id"))"
        case .bulletinIssue(let id): return "/bulletins/\(p(id, "id"))/issue"
        case .bulletinDelete(let id): return "/bulletins/\(p(id, "id"))/delete"
        case .bulletinDocument(let id): return "/bulletins/\(p(id, "id"))/document.docx"
        case .officeSettings: return "/office/settings"
        case .rankings(let month): return "/rankings" + Self.query(["month": month])
        case .rankingsExport(let month, let format): return "/rankings.\(format)" + Self.query(["month": month])
        case .letters: return "/letters"
        case .letterNew(let month): return "/letters/new" + Self.query(["month": month])
        case .letter(let id): return "/letters/\(p(id, "id"))"
        case .letterDocument(let id): return "/letters/\(p(id, "id"))/document.docx"
        case .letterReply(let id): return "/letters/\(p(id, "id"))/reply"
        case .regions: return "/admin/regions"
        case .region(let id): return "/admin/regions/\(p(id, "id"))"
        case .supervision(let month): return "/supervision" + Self.textQuery(["month": month])
        case .supervisionExport(let month, let format): return "/supervision/statistics.\(format)" + Self.textQuery(["month": month])
        case .supervisionSettings: return "/supervision/settings"
        case .supervisors: return "/supervision/people"
        case .supervisorsExport(let format): return "/supervision/people.\(format)"
        case .supervisorDismiss(let id): return "/supervision/people/\(p(id, "id"))/dismiss"
        case .supervisionFile(let id): return "/supervision/files/\(p(id, "id"))"
        case .problems: return "/problems"
        case .problemNew(let project, let region, let inspection):
            return "/problems/new" + Self.query(["project": project, "region": region, "inspection": inspection])
        case .problem(let id): return "/problems/\(p(id, "id"))"
        case .problemAssign(let id): return "/problems/\(p(id, "id"))/assign"
        case .problemAnswer(let id): return "/problems/\(p(id, "id"))/answer"
        case .problemReview(let id): return "/problems/\(p(id, "id"))/review"
        case .problemDismiss(let id): return "/problems/\(p(id, "id"))/dismiss"
        case .problemPublish(let id): return "/problems/\(p(id, "id"))/publish"
        case .inspections: return "/inspections"
        case .inspectionNew: return "/inspections/new"
        case .inspection(let id): return "/inspections/\(p(id, "id"))"
        case .inspectionFinding(let site): return "/inspections/sites/\(p(site, "id"))/finding"
        case .dashboard(let region, let month, let level):
            return "/dashboard" + Self.textQuery(["region": region.map(String.init), "month": month, "level": level])
        case .evaluations: return "/evaluations"
        case .evaluationNew: return "/evaluations/new"
        case .evaluation(let id): return "/evaluations/\(p(id, "id"))"
        case .evaluationClose(let id): return "/evaluations/\(p(id, "id"))/close"
        case .evaluationScore(let assignment): return "/evaluations/scores/\(p(assignment, "id"))"
        case .ballots: return "/ballots"
        case .ballotNew: return "/ballots/new"
        case .ballot(let id): return "/ballots/\(p(id, "id"))"
        case .ballotAdvance(let id): return "/ballots/\(p(id, "id"))/state"
        case .ballotVote(let id): return "/ballots/\(p(id, "id"))/vote"
        case .publicBallot(let id): return "/p/votes/\(p(id, "id"))"
        case .regionUnits(let id): return "/admin/regions/\(p(id, "id"))/units"
        case .unit(let id): return "/admin/units/\(p(id, "id"))"
        case .accounts: return "/admin/accounts"
        case .newAccount: return "/admin/accounts/new"
        case .account(let id): return "/admin/accounts/\(p(id, "id"))"
        case .accountReset(let id): return "/admin/accounts/\(p(id, "id"))/reset"
        case .accountActive(let id): return "/admin/accounts/\(p(id, "id"))/active"
        case .publicIndex: return "/p"
        case .publicRegion(let id): return "/p/r/\(p(id, "region"))"
        case .publicProject(let project, let region): return "/p/\(p(project, "project"))" + (region.map { "/" + p($0, "region") } ?? "")
        case .publicQR(let project, let region, let format):
            return SiteURL.publicProject(project: project, region: region).path + "/qr.\(format)"
        case .publicPoster(let project, let region): return "/p/\(p(project, "project"))/\(p(region, "region"))/poster"
        case .publicFeedback(let project, let region): return SiteURL.publicProject(project: project, region: region).path + "/feedback"
        case .publicItem(let id): return "/p/i/\(p(id, "item"))"
        case .publicFile(let id): return "/p/f/\(p(id, "file"))"
        case .posters(let region): return "/posters/\(p(region, "region"))"
        case .apiMe: return "/api/me"
        case .apiRegions: return "/api/regions"
        case .apiPlans: return "/api/plans"
        case .apiProgressReport: return "/api/reports/progress"
        case .apiImportPlan: return "/api/imports/plan"
        case .apiImportProgress: return "/api/imports/progress"
        case .stylesheet: return "/assets/app.css"
        case .publicStylesheet: return "/assets/public.css"
        case .healthz: return "/healthz"
        }
    }

    /// The route's path components, for registration: the path without its query, values given as
    /// `.parameter` becoming `:name`.
    var route: [PathComponent] {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return bare.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// The absolute address (QR codes, posters), under the configured public URL.
    func absolute(_ publicURL: String) -> String {
        (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + path
    }

    private static func textQuery(_ pairs: KeyValuePairs<String, String?>) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = pairs.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    private static func query(_ pairs: KeyValuePairs<String, Int?>) -> String {
        let parts = pairs.compactMap { key, value in value.flatMap { $0 == .parameter ? nil : "\(key)=\($0)" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

extension Int {
    /// In a `SiteURL` registered as a route: the place of a path parameter.
    static let parameter = Int.min
}

extension String {
    /// In a `SiteURL` registered as a route: the place of a path parameter.
    static let parameter = "\u{1}parameter"
}

/// Routes registered from `SiteURL` cases.
extension RoutesBuilder {
    @discardableResult
    func get(_ url: SiteURL, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        get(url.route, use: closure)
    }

    @discardableResult
    func post(_ url: SiteURL, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        post(url.route, use: closure)
    }

    @discardableResult
    func on(_ method: HTTPMethod, _ url: SiteURL, body: HTTPBodyStreamStrategy = .collect,
            use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        on(method, url.route, body: body, use: closure)
    }
}
