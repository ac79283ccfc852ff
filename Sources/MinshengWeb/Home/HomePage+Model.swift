import MinshengCore
import MinshengData
import Vapor

/// What the home page shows: every plan the account can see, with the status of its indicators
/// at the latest reported month, and what waits for the account. Every figure is computed here;
/// the view (`HomePage+View.swift`) only lays it out.
struct HomePage {
    /// A plan's card: its summary, the status bar's whole, and 序时进度 at its month.
    struct Card {
        var plan: PlanService.Summary
        /// The indicators the status bar divides (at least 1, so an empty plan draws an empty bar).
        var barTotal: Int
        /// 序时进度 at the end of the card's month, unrounded.
        var schedule: Decimal?
    }

    /// An office's month with units that have not reported it.
    struct OfficeMonth {
        var month: WorkListService.OfficeMonth
        /// Figures not reported, over all the month's units.
        var missing: Int
        /// Units a reminder reaches (named, with at least one reporter).
        var reachable: Int
        /// The units listed on the home page; the status page lists them all.
        var shown: [WorkListService.Unreported]
    }

    /// The leader's line for a plan: where it stands at its latest month.
    struct Standing {
        var plan: PlanService.Summary
        var month: Int
    }

    static let unitsShown = 8

    let principal: Principal
    let years: [Int]
    let cards: [Card]
    let planCount: Int
    let itemCount: Int
    let projectCount: Int
    let indicatorCount: Int
    let childRegions: [String]
    let accountCount: Int?
    let work: WorkListService.Work
    let officeMonths: [OfficeMonth]
    /// Plans the leader's summary lists (leaders only).
    let standings: [Standing]
    /// 推进概况 for a leader who does no reporting, reviewing or office work; 待办 otherwise.
    let heading: String

    init(principal: Principal, plans: [PlanService.Summary], childRegions: [String], accountCount: Int?, work: WorkListService.Work = .init()) {
        self.principal = principal
        years = Array(Set(plans.map(\.year))).sorted(by: >)
        cards = plans.map { plan in
            let c = plan.counts
            return Card(plan: plan, barTotal: max(c.completed + c.onSchedule + c.lagging + c.unreported, 1),
                        schedule: plan.month.map { Schedule.share(endOfMonth: $0) })
        }
        planCount = plans.count
        itemCount = plans.reduce(0) { $0 + $1.items }
        projectCount = plans.reduce(0) { $0 + $1.projects }
        indicatorCount = plans.reduce(0) { $0 + $1.indicators }
        self.childRegions = childRegions
        self.accountCount = accountCount
        self.work = work
        officeMonths = work.office.filter { !$0.units.isEmpty }.map { month in
            OfficeMonth(month: month, missing: month.units.reduce(0) { $0 + $1.missing },
                        reachable: month.units.filter { $0.unitID != nil && $0.reporters > 0 }.count,
                        shown: Array(month.units.prefix(Self.unitsShown)))
        }
        standings = principal.may(.lead) ? plans.compactMap { plan in plan.month.map { Standing(plan: plan, month: $0) } } : []
        heading = principal.may(.lead) && !principal.may(.office) && !principal.may(.report) && !principal.may(.review) ? "推进概况" : "待办"
    }

    /// Everything the page needs for the signed-in account.
    static func load(_ req: Request, principal: Principal) async throws -> HomePage {
        let summaries = try await PlanService(db: req.db).summaries(scopeRegionID: principal.regionID, tree: principal.tree)
        let childRegions = principal.tree.children(of: principal.regionID)
        let accounts = principal.may(.office) ? try await AccountService(db: req.db, hasher: req.application.passwordHasher)
            .accounts(inRegions: principal.scope).count : nil
        let work = try await WorkListService(db: req.db).work(actor: principal.actor, tree: principal.tree)
        return HomePage(principal: principal, plans: summaries, childRegions: childRegions.map(\.name), accountCount: accounts, work: work)
    }
}
