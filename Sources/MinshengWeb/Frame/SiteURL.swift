import Foundation

/// Every page's address, used both to register routes and to build links, so that a renamed
/// page cannot leave a dead link behind.
enum SiteURL: Sendable {
    case home
    case login(next: String?)
    case logout
    case plans
    case plan(id: Int, region: Int? = nil, month: Int? = nil)
    case password
    case regions
    case region(id: Int)
    case regionUnits(id: Int)
    case unit(id: Int)
    case accounts
    case newAccount
    case account(id: Int)
    case accountReset(id: Int)
    case accountActive(id: Int)
    case stylesheet
    case healthz
    case imports
    case importPlan
    case importProgress
    case template(name: String)
    case planExport(id: Int, region: Int?, month: Int?, format: String)
    case planLists(id: Int, region: Int?, month: Int?)
    case planCompletionRule(id: Int)
    case indicatorTrend(plan: Int, indicator: Int, region: Int)
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
    case unitPhone
    case publicIndex
    case publicRegion(id: Int)
    case evidenceMine
    case disclosures
    case feedbackInbox
    case evidenceReview
    case evidenceNew(indicator: Int, region: Int, month: Int)
    case evidence(id: Int)
    case evidenceFile(id: Int)
    case acceptance(plan: Int, region: Int?, month: Int?)
    case disclosureCompliance(plan: Int, region: Int?, month: Int?)
    case feedbackRates(plan: Int, region: Int?, month: Int?)

    var path: String {
        switch self {
        case .home: return "/"
        case .login(let next):
            guard let next, next != "/" else { return "/login" }
            return "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        case .logout: return "/logout"
        case .plans: return "/plans"
        case .plan(let id, let region, let month):
            var query: [String] = []
            if let region { query.append("region=\(region)") }
            if let month { query.append("month=\(month)") }
            return "/plans/\(id)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        case .password: return "/account/password"
        case .regions: return "/admin/regions"
        case .region(let id): return "/admin/regions/\(id)"
        case .regionUnits(let id): return "/admin/regions/\(id)/units"
        case .unit(let id): return "/admin/units/\(id)"
        case .accounts: return "/admin/accounts"
        case .newAccount: return "/admin/accounts/new"
        case .account(let id): return "/admin/accounts/\(id)"
        case .accountReset(let id): return "/admin/accounts/\(id)/reset"
        case .accountActive(let id): return "/admin/accounts/\(id)/active"
        case .stylesheet: return "/assets/app.css"
        case .healthz: return "/healthz"
        case .imports: return "/imports"
        case .importPlan: return "/imports/plan"
        case .importProgress: return "/imports/progress"
        case .template(let name): return "/imports/templates/\(name)"
        case .planExport(let id, let region, let month, let format):
            return "/plans/\(id)/export.\(format)" + Self.query(["region": region, "month": month])
        case .planLists(let id, let region, let month):
            return "/plans/\(id)/lists" + Self.query(["region": region, "month": month])
        case .planCompletionRule(let id): return "/plans/\(id)/completion-rule"
        case .indicatorTrend(let plan, let indicator, let region):
            return "/plans/\(plan)/indicators/\(indicator)?region=\(region)"
        case .reporting(let plan, let month):
            return "/reporting" + Self.query(["plan": plan, "month": month])
        case .reportingSave(let plan, let month): return "/reporting/\(plan)/\(month)"
        case .reportingStatus(let plan, let month): return "/reporting/\(plan)/\(month)/status"
        case .reportingReturn(let plan, let month): return "/reporting/\(plan)/\(month)/return"
        case .monthDeadline(let plan, let month): return "/reporting/\(plan)/\(month)/deadline"
        case .monthClose(let plan, let month): return "/reporting/\(plan)/\(month)/close"
        case .monthReopen(let plan, let month): return "/reporting/\(plan)/\(month)/reopen"
        case .planSchedule(let plan, let month): return "/reporting/\(plan)/\(month)/schedule"
        case .monthRemind(let plan, let month): return "/reporting/\(plan)/\(month)/remind"
        case .reminderDismiss(let id): return "/reminders/\(id)/dismiss"
        case .unitPhone: return "/account/unit"
        case .publicIndex: return "/p"
        case .publicRegion(let id): return "/p/r/\(id)"
        case .evidenceMine: return "/evidence/mine"
        case .disclosures: return "/disclosures"
        case .feedbackInbox: return "/feedback"
        case .evidenceReview: return "/evidence/review"
        case .evidenceNew(let indicator, let region, let month): return "/evidence/new?indicator=\(indicator)&region=\(region)&month=\(month)"
        case .evidence(let id): return "/evidence/\(id)"
        case .evidenceFile(let id): return "/evidence/files/\(id)"
        case .acceptance(let plan, let region, let month): return "/plans/\(plan)/acceptance" + Self.query(["region": region, "month": month])
        case .disclosureCompliance(let plan, let region, let month): return "/plans/\(plan)/disclosure" + Self.query(["region": region, "month": month])
        case .feedbackRates(let plan, let region, let month): return "/plans/\(plan)/feedback" + Self.query(["region": region, "month": month])
        }
    }

    private static func query(_ pairs: KeyValuePairs<String, Int?>) -> String {
        let parts = pairs.compactMap { key, value in value.map { "\(key)=\($0)" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// Route path components for registration (parameters as `:id`).
    enum Route {
        static let plan = ["plans", ":id"]
        static let region = ["admin", "regions", ":id"]
        static let regionUnits = ["admin", "regions", ":id", "units"]
        static let unit = ["admin", "units", ":id"]
        static let account = ["admin", "accounts", ":id"]
        static let accountReset = ["admin", "accounts", ":id", "reset"]
        static let accountActive = ["admin", "accounts", ":id", "active"]
    }
}
