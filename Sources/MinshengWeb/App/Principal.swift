import Fluent
import MinshengCore
import MinshengData
import Vapor

/// The signed-in account with what every access check needs: roles and the region tree.
struct Principal: Sendable {
    let accountID: Int
    let username: String
    let displayName: String
    /// What the access module needs of the account; every rule is asked through it.
    let actor: Actor
    /// The roles' Chinese labels, for display only (`roleCodes` for the API).
    let roleLabels: [String]
    let roleCodes: [String]
    let regionID: Int
    let unitID: Int?
    let unitName: String?
    let mustChangePassword: Bool
    let tree: RegionTree
    /// The account's opinions waiting for an answer (pages only; nil for accounts without an inbox).
    var feedback: FeedbackService.Notice? = nil
    /// Letters to the account's unit not yet answered, and how many of them are past their deadline (pages only).
    var letters: (open: Int, overdue: Int)? = nil
    /// Proposals the account's unit was asked to give an opinion on and has not (民生实事征集).
    var opinions: Int? = nil
    /// Open in-app deputies' votes (票决) the account is registered for and has not voted in.
    var ballots: [Int] = []
    /// Problems the account's unit owes an answer on (and those overdue), or problems it raised
    /// that wait for its confirmation (pages only).
    var problems: (open: Int, overdue: Int, label: String)? = nil

    var regionName: String { tree[regionID]?.name ?? "" }
    var scope: Set<Int> { tree.subtreeIDs(of: regionID) }

    init(accountID: Int, username: String, displayName: String, roles: Set<Role>, regionID: Int, unitID: Int?, unitName: String?,
         mustChangePassword: Bool, tree: RegionTree) {
        self.accountID = accountID
        self.username = username
        self.displayName = displayName
        self.actor = Actor(accountID: accountID, regionID: regionID, unitID: unitID, roles: roles)
        self.roleLabels = Role.ordered(roles).map(\.label)
        self.roleCodes = Role.ordered(roles).map(\.rawValue)
        self.regionID = regionID
        self.unitID = unitID
        self.unitName = unitName
        self.mustChangePassword = mustChangePassword
        self.tree = tree
    }

    /// Whether the account holds the duty somewhere (navigation, a page's first gate).
    func may(_ duty: Access.Duty) -> Bool { Access.holds(duty, actor) }

    /// The region is the account's own or lies below it.
    func sees(region id: Int) -> Bool { Access.read(actor, region: id, tree: tree).isAllowed }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in principal, or a 401 that the error middleware turns into a sign-in redirect.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Abort(.unauthorized, reason: "请先登录。") }
        return principal
    }

    /// The sender's address: the peer's, or — when the peer is a trusted reverse proxy — the
    /// last address in X-Forwarded-For (the one the proxy itself saw).
    var senderAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        guard application.minsheng.trustedProxies.contains(peer),
              let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              !forwarded.isEmpty, forwarded.count <= 64 else { return peer }
        return forwarded
    }

    /// Wants a JSON answer: API paths and clients that ask for JSON.
    var wantsJSON: Bool {
        url.path.hasPrefix("/api/") || (headers.first(name: .accept)?.contains("application/json") ?? false)
    }
}

/// Loads the account named by the session, if any, on every request.
struct PrincipalMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Without a session cookie there is no account; reading the session would create one
        // (a database write for every anonymous visit to a public page).
        guard request.hasSession else { return try await next.respond(to: request) }
        if let raw = request.session.data["account"], let id = Int(raw),
           let account = try await Account.find(id, on: request.db), account.active {
            let tree = try await RegionService(db: request.db).tree()
            let unitName = try await account.$unit.get(on: request.db)?.name
            var principal = Principal(accountID: id, username: account.username, displayName: account.displayName,
                                      roles: account.roleSet, regionID: account.$region.id, unitID: account.$unit.id,
                                      unitName: unitName, mustChangePassword: account.mustChangePassword, tree: tree)
            // Pages show how many opinions wait (in the navigation and on the home page).
            if request.method == .GET, principal.may(.answer) {
                principal.feedback = try await FeedbackService(db: request.db)
                    .notice(actor: principal.actor, tree: tree, seenAt: account.feedbackSeenAt)
            }
            if request.method == .GET, let unit = principal.unitID {
                principal.letters = try await LetterService(db: request.db).waiting(unitID: unit)
                let opinions = try await SelectionService(db: request.db).opinionsWaiting(unitID: unit)
                principal.opinions = opinions > 0 ? opinions : nil
                let owed = try await ProblemService(db: request.db).waiting(unitID: unit)
                if owed.open > 0 {
                    let overdue: String = owed.overdue > 0 ? "，其中超期 \(owed.overdue) 个" : ""
                    principal.problems = (open: owed.open, overdue: owed.overdue, label: "待整改问题 \(owed.open) 个" + overdue)
                }
            }
            if request.method == .GET {
                principal.ballots = try await SelectionService(db: request.db).ballotsWaiting(accountID: id).compactMap(\.id)
            }
            if request.method == .GET, principal.problems == nil, Access.isAppointed(principal.actor) || principal.may(.office) {
                let waiting = try await ProblemService(db: request.db).awaitingConfirmation(accountID: id)
                if waiting > 0 { principal.problems = (open: waiting, overdue: 0, label: "待您确认整改结果 \(waiting) 个") }
            }
            request.principal = principal
        } else if request.session.data["account"] != nil {
            // The account was disabled or removed: end the session.
            request.session.destroy()
        }
        return try await next.respond(to: request)
    }
}

extension Principal {
    /// True for an office administrator of the plan's owner or a region above it: who sets the
    /// plan's limits and rules.
    func isOffice(ofPlan planID: Int, on db: any Database) async throws -> Bool {
        try await Access.managesPlan(planID, actor: actor, tree: tree, on: db)
    }
}
