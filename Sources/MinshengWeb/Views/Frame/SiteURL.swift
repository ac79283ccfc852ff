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
        }
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
