import MinshengCore

/// Supervision's rules (观察员, 监督员, 评议员; inspections and problems), part of the one access module.
///
/// - An office appoints people in its region and below, schedules inspections, assigns and
///   closes problems, and confirms for a raiser (recorded as such).
/// - A 监督员 schedules inspections in its region.
/// - An appointed person raises problems within what the appointment covers: a project observer
///   on its project in its region, a unit observer on projects its unit holds a share of, the
///   others anywhere in their region; only while the term lasts.
/// - The unit a problem is assigned to answers it; only its raiser (or the office) confirms.
extension Access {
    /// What an appointment lets its holder raise problems on.
    public struct Appointment: Sendable, Equatable {
        public var scope: SupervisorScope
        public var projectID: Int?
        public var projectRegionID: Int?
        public var unitID: Int?
        /// The term covers today.
        public var serving: Bool

        public init(scope: SupervisorScope, projectID: Int?, projectRegionID: Int?, unitID: Int?, serving: Bool) {
            self.scope = scope
            self.projectID = projectID
            self.projectRegionID = projectRegionID
            self.unitID = unitID
            self.serving = serving
        }
    }

    /// Reads supervision's statistics and lists: those who supervise, and leaders.
    public static func readsSupervision(_ actor: Actor) -> Bool { supervises(actor) || holds(.lead, actor) }

    /// Has the supervision pages: an office, or an appointed person (观察员, 监督员, 评议员).
    public static func supervises(_ actor: Actor) -> Bool {
        holds(.office, actor) || !actor.roles.isDisjoint(with: [.observer, .supervisor, .evaluator])
    }

    /// Holds a role that is appointed (and so may raise problems once its appointment is recorded).
    public static func isAppointed(_ actor: Actor) -> Bool { !actor.roles.isDisjoint(with: [.observer, .supervisor, .evaluator]) }

    /// An account appointed (观察员, 监督员, 评议员): who an inspection's participants are chosen from.
    public static func isAppointed(_ account: Account) -> Bool { !account.roleSet.isDisjoint(with: [.observer, .supervisor, .evaluator]) }

    /// The roles an office may appoint.
    public static let appointedRoles: [Role] = [.observer, .supervisor, .evaluator]

    /// Raises a problem on `project` in `region`. `unitHoldsShare` answers whether the
    /// appointment's unit holds a share of the project in the region (unit observers).
    public static func raiseProblem(_ actor: Actor, region: Int, project: Int, appointment: Appointment?, unitHoldsShare: Bool,
                                    tree: RegionTree) -> Decision {
        let notFound = Decision.notFound("该项目不在您的监督范围内。")
        guard tree.isWithin(region, of: actor.regionID) else { return notFound }
        if holds(.office, actor) { return .allow }
        guard isAppointed(actor), let appointment else { return .forbidden("只有专班办公室聘任的观察员、监督员、评议员可以提出问题。") }
        guard appointment.serving else { return .forbidden("您的聘期不在今天，不能提出问题；请联系专班办公室。") }
        switch appointment.scope {
        case .region: return .allow
        case .project: return appointment.projectID == project && appointment.projectRegionID == region ? .allow : notFound
        case .unit: return unitHoldsShare ? .allow : notFound
        }
    }

    /// Reads a problem in `region`: the office of the region or above, its raiser, the unit it is
    /// assigned to, and appointed people and leaders of the region's line.
    public static func readProblem(_ actor: Actor, region: Int, raiser: Int, unit: Int?, tree: RegionTree) -> Decision {
        if raiser == actor.accountID { return .allow }
        if let own = actor.unitID, own == unit { return .allow }
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound("未找到该问题，或您无权查看。") }
        if holds(.office, actor) || isAppointed(actor) || holds(.lead, actor) { return .allow }
        return .notFound("未找到该问题，或您无权查看。")
    }

    /// Assigns, closes as 不属实 / 重复, publishes: the office of the problem's region or above.
    public static func manageProblem(_ actor: Actor, region: Int, tree: RegionTree) -> Decision {
        office(actor, region: region, tree: tree, notFound: "未找到该问题，或您无权查看。", denied: "问题由专班办公室分派和关闭。")
    }

    /// Answers with the measures taken: an account of the unit it is assigned to.
    public static func answerProblem(_ actor: Actor, region: Int, raiser: Int, unit: Int?, tree: RegionTree) -> Decision {
        if let own = actor.unitID, own == unit { return .allow }
        return readProblem(actor, region: region, raiser: raiser, unit: unit, tree: tree).isAllowed
            ? .forbidden("整改情况由责任单位反馈。") : .notFound("未找到该问题，或您无权查看。")
    }

    /// Confirms (or finds partly done, or not done): the raiser; an office for the raiser
    /// (`onBehalf` says which it is). Anyone else is refused.
    public static func confirmProblem(_ actor: Actor, region: Int, raiser: Int, unit: Int?, tree: RegionTree) -> (Decision, onBehalf: Bool) {
        if raiser == actor.accountID { return (.allow, false) }
        if office(actor, region: region, tree: tree).isAllowed { return (.allow, true) }
        return (readProblem(actor, region: region, raiser: raiser, unit: unit, tree: tree).isAllowed
            ? .forbidden("只有提出问题的人（或专班办公室代为）可以确认整改结果。") : .notFound("未找到该问题，或您无权查看。"), false)
    }

    /// Schedules an inspection in `region`: its office, or a 监督员 of the region's line during its term.
    public static func scheduleInspection(_ actor: Actor, region: Int, serving: Bool, tree: RegionTree) -> Decision {
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound(outside) }
        if holds(.office, actor) { return .allow }
        guard actor.roles.contains(.supervisor) else { return .forbidden("视察由专班办公室或监督员安排。") }
        return serving ? .allow : .forbidden("您的聘期不在今天，不能安排视察；请联系专班办公室。")
    }

    /// Records a finding at an inspection's site: a participant, or the office.
    public static func recordFinding(_ actor: Actor, region: Int, participant: Bool, tree: RegionTree) -> Decision {
        guard tree.isWithin(region, of: actor.regionID) || participant else { return .notFound("未找到该视察，或您无权查看。") }
        return participant || holds(.office, actor) ? .allow : .forbidden("只有参加视察的人员可以记录视察情况。")
    }

    /// Reads an inspection: those who may supervise in the region, its participants, leaders.
    public static func readInspection(_ actor: Actor, region: Int, participant: Bool, tree: RegionTree) -> Decision {
        if participant { return .allow }
        guard tree.isWithin(region, of: actor.regionID), supervises(actor) || holds(.lead, actor) else { return .notFound("未找到该视察，或您无权查看。") }
        return .allow
    }
}

/// 评议 and 十佳民生实事 votes.
///
/// - The office of a region opens rounds and ballots there, closes them and publishes results.
/// - An evaluator (评议员) scores the projects it is assigned in an open round, and sees its own
///   scores only until the round closes; the office sees who has scored, not the scores, until then.
/// - An evaluator of the ballot's region (or above) casts one ballot while it is open.
extension Access {
    public static func isEvaluator(_ actor: Actor) -> Bool { actor.roles.contains(.evaluator) }

    /// An account that can be assigned to score (an appointed 评议员).
    public static func isEvaluator(_ account: Account) -> Bool { account.roleSet.contains(.evaluator) }

    /// Opens, closes and reads the results of a round or a ballot of `region`.
    public static func manageEvaluation(_ actor: Actor, region: Int, tree: RegionTree) -> Decision {
        office(actor, region: region, tree: tree, notFound: "未找到该评议，或您无权查看。", denied: "评议和投票由专班办公室组织。")
    }

    /// Reads a round: its office, its evaluators, and after it closes the leaders of its line.
    public static func readEvaluation(_ actor: Actor, region: Int, assigned: Bool, closed: Bool, tree: RegionTree) -> Decision {
        if assigned { return .allow }
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound("未找到该评议，或您无权查看。") }
        if holds(.office, actor) || (closed && holds(.lead, actor)) { return .allow }
        return .notFound("未找到该评议，或您无权查看。")
    }

    /// Scores an assignment: the evaluator it belongs to, and nobody else.
    public static func score(_ actor: Actor, assignee: Int) -> Decision {
        actor.accountID == assignee && isEvaluator(actor) ? .allow : .notFound("未找到该评议项目，或您无权评分。")
    }

    /// Casts an evaluator's ballot on a ballot of `region`: an evaluator of the region or below
    /// (a county's deputies vote on the city's 十佳 as the city's evaluators do).
    public static func voteAsEvaluator(_ actor: Actor, region: Int, serving: Bool = true, tree: RegionTree) -> Decision {
        guard tree.isWithin(actor.regionID, of: region) else { return .notFound("未找到该投票，或您无权查看。") }
        guard isEvaluator(actor) else { return .forbidden("评议员投票由评议员本人进行。") }
        return serving ? .allow : .forbidden("您的聘期不在今天，不能投票；请联系专班办公室。")
    }

    /// The regions whose ballots an account's lists show, by the same rule `readBallot` asks:
    /// an office's or a leader's region and below; an evaluator's own region and those above.
    public static func ballotRegions(_ actor: Actor, tree: RegionTree) -> Set<Int> {
        var regions: Set<Int> = []
        if holds(.office, actor) || holds(.lead, actor) { regions.formUnion(tree.subtreeIDs(of: actor.regionID)) }
        if isEvaluator(actor) { regions.formUnion(tree.ancestors(of: actor.regionID).map(\.id) + [actor.regionID]) }
        return regions
    }

    /// Reads a ballot in the staff pages: the offices and leaders of its region and above, the
    /// evaluators who may vote on it.
    public static func readBallot(_ actor: Actor, region: Int, tree: RegionTree) -> Decision {
        if voteAsEvaluator(actor, region: region, tree: tree).isAllowed { return .allow }
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound("未找到该投票，或您无权查看。") }
        return holds(.office, actor) || holds(.lead, actor) ? .allow : .notFound("未找到该投票，或您无权查看。")
    }
}

/// The leaders' dashboard.
extension Access {
    /// Has the dashboard: leaders, offices and the appointed people (it shows their region and below).
    public static func readsDashboard(_ actor: Actor) -> Bool { holds(.lead, actor) || holds(.office, actor) || isAppointed(actor) }
}
