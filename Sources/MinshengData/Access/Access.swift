import FluentKit
import MinshengCore

/// Who acts: the signed-in account as every rule needs to know it.
public struct Actor: Sendable, Equatable {
    public let accountID: Int
    /// The account's own region: it sees this region and everything below.
    public let regionID: Int
    /// The unit (department) it works for, if any.
    public let unitID: Int?
    /// Read only by `Access`; every other file asks `Access` instead.
    let roles: Set<Role>

    public init(accountID: Int, regionID: Int, unitID: Int?, roles: Set<Role>) {
        self.accountID = accountID
        self.regionID = regionID
        self.unitID = unitID
        self.roles = roles
    }
}

/// The answer of an access rule. A record outside the actor's scope is "not found", so its
/// existence is not revealed; inside the scope, a rule the actor's role does not meet is
/// "forbidden". Routes turn these into 404 and 403, services into `ServiceError`.
public enum Decision: Sendable, Equatable {
    case allow
    case notFound(String)
    case forbidden(String)

    public var isAllowed: Bool { self == .allow }

    /// Throws the refusal as a `ServiceError`.
    public func require() throws {
        switch self {
        case .allow: return
        case .notFound(let message): throw ServiceError.notFound(message)
        case .forbidden(let message): throw ServiceError.forbidden(message)
        }
    }

    /// The first refusal of several rules, or `.allow` when every one allows.
    static func all(_ decisions: Decision...) -> Decision { decisions.first { !$0.isAllowed } ?? .allow }
}

/// Every access rule the product has, in one place. Routes, services and the navigation all ask
/// here; nothing else looks at an account's roles.
///
/// - 专班办公室 (office): an admin of a region or of an ancestor of it manages it.
/// - 填报员 (reporter): reports the shares, evidence and disclosure items of its own unit in its
///   own region and below.
/// - 审核员 (reviewer): reviews the evidence of the shares one level down whose share one level up
///   its unit holds (the indicator's lead unit at the top).
/// - 责任单位 (any account with a unit) answers citizens' opinions addressed to its unit.
/// - 领导, 观察员, 监督员, 评议员 and every other account read their region and below.
/// - The public reads public pages and rates projects.
public enum Access {
    /// What an account may do somewhere, whatever the region: the navigation and a page's first
    /// gate ask these; the scoped rules below decide the record itself.
    public enum Duty: String, CaseIterable, Sendable {
        /// Manages a region: plans, accounts, limits, months, imports (专班办公室).
        case office
        /// Reports figures and evidence (填报员 or office).
        case report
        /// Reviews evidence (审核员 or office).
        case review
        /// Answers citizens' opinions (a responsible unit's account, or office).
        case answer
        /// Publishes disclosure items (填报员 or office).
        case publish
        /// Keeps its unit's public telephone (填报员 of a unit).
        case unitPhone
        /// Reads the programme's dashboards and overview without a duty of its own (领导).
        case lead
    }

    public static func holds(_ duty: Duty, _ actor: Actor) -> Bool {
        let roles = actor.roles
        switch duty {
        case .office: return roles.contains(.admin)
        case .report, .publish: return roles.contains(.admin) || roles.contains(.reporter)
        case .review: return roles.contains(.admin) || roles.contains(.reviewer)
        case .answer: return roles.contains(.admin) || actor.unitID != nil
        case .unitPhone: return roles.contains(.reporter) && actor.unitID != nil
        case .lead: return roles.contains(.leader)
        }
    }

    /// The duties an account holds, for a page that shows what it can do.
    public static func duties(_ actor: Actor) -> Set<Duty> { Set(Duty.allCases.filter { holds($0, actor) }) }

    // MARK: - Messages

    public static let outside = "未找到该记录，或您无权查看。"
    public static let officeOnly = "此功能仅限专班办公室管理员使用。"

    public static func refusal(_ duty: Duty) -> String {
        switch duty {
        case .office: return officeOnly
        case .report: return "此功能仅限填报员和专班办公室管理员使用。"
        case .review: return "此功能仅限审核员和专班办公室使用。"
        case .answer: return "群众意见由责任单位和专班办公室处理。"
        case .publish: return "此功能仅限填报员和专班办公室使用。"
        case .unitPhone: return "只有单位的填报员可以设置单位的公开联系电话。"
        case .lead: return "此功能仅限领导使用。"
        }
    }

    /// The duty alone, anywhere (a page's first gate).
    public static func duty(_ duty: Duty, _ actor: Actor, message: String? = nil) -> Decision {
        holds(duty, actor) ? .allow : .forbidden(message ?? refusal(duty))
    }

    // MARK: - Scoped rules

    /// Reads a region: it is the account's own or lies below it. Every role.
    public static func read(_ actor: Actor, region: Int, tree: RegionTree, notFound: String = outside) -> Decision {
        tree.isWithin(region, of: actor.regionID) ? .allow : .notFound(notFound)
    }

    /// Reads a plan: its owner lies within the account's scope, or the account's region lies
    /// within the plan's (a county reads the city's plan for its own share).
    public static func readPlan(_ actor: Actor, owner: Int, tree: RegionTree) -> Decision {
        tree.isWithin(owner, of: actor.regionID) || tree.isWithin(actor.regionID, of: owner) ? .allow : .notFound("未找到该计划，或您无权查看。")
    }

    /// Manages a region: office of the region or of an ancestor.
    public static func office(_ actor: Actor, region: Int, tree: RegionTree, notFound: String = outside, denied: String = officeOnly) -> Decision {
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound(notFound) }
        return holds(.office, actor) ? .allow : .forbidden(denied)
    }

    /// Manages a plan: office of its owner or of a region above. A plan above the account's
    /// region is readable but not the account's to manage (forbidden, not hidden).
    public static func officeOfPlan(_ actor: Actor, owner: Int, tree: RegionTree, denied: String = officeOnly) -> Decision {
        guard readPlan(actor, owner: owner, tree: tree).isAllowed else { return .notFound("未找到该计划，或您无权查看。") }
        return tree.isWithin(owner, of: actor.regionID) && holds(.office, actor) ? .allow : .forbidden(denied)
    }

    /// Reports a share: the reporter of the share's responsible unit, in its region or below;
    /// an office of the region reports any share. Another unit's share is outside a reporter's
    /// scope (not found).
    public static func report(_ actor: Actor, region: Int, unit: Int?, tree: RegionTree) -> Decision {
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound("该指标不在您的填报范围内。") }
        if holds(.office, actor) { return .allow }
        guard actor.roles.contains(.reporter) else { return .forbidden(refusal(.report)) }
        guard let own = actor.unitID, unit == own else { return .notFound("该指标不在您的填报范围内。") }
        return .allow
    }

    /// The unit whose shares a reporting grid shows the actor: nil for an office (every unit in
    /// its scope), else the actor's own unit — and for an account without a unit, a unit that
    /// holds no share (it sees none; nil would mean all).
    public static func reportingUnit(_ actor: Actor) -> Int? {
        holds(.office, actor) ? nil : (actor.unitID ?? noUnit)
    }

    /// A unit id no share has.
    static let noUnit = Int.min

    /// Reviews an evidence item for a share in `region` uploaded by `uploader`, where
    /// `reviewingUnit` holds the share one level up (`EvidenceService.reviewingUnit`). Nobody
    /// reviews their own upload or their own region's; an office reviews any item below it; a
    /// reviewer, those of its unit.
    public static func review(_ actor: Actor, region: Int, uploader: Int, reviewingUnit: Int?, tree: RegionTree) -> Decision {
        guard region != actor.regionID, tree.isWithin(region, of: actor.regionID) else { return .notFound("未找到该佐证资料，或您无权审核。") }
        guard uploader != actor.accountID else { return .forbidden("不能审核自己上传的佐证资料。") }
        if holds(.office, actor) { return .allow }
        guard actor.roles.contains(.reviewer) else { return .forbidden(refusal(.review)) }
        guard let own = actor.unitID, reviewingUnit == own else { return .notFound("未找到该佐证资料，或您无权审核。") }
        return .allow
    }

    /// The first gate of a review: whether an item might be the actor's to review before its
    /// reviewing unit is known (scope, own upload, role).
    public static func mightReview(_ actor: Actor, region: Int, uploader: Int, tree: RegionTree) -> Bool {
        region != actor.regionID && tree.isWithin(region, of: actor.regionID) && uploader != actor.accountID && holds(.review, actor)
    }

    /// Whether the actor reviews for units (a reviewer) rather than for the whole subtree (an office).
    public static func reviewsByUnit(_ actor: Actor) -> Bool { !holds(.office, actor) }

    /// Answers an opinion about a project in `region` addressed to `unit`: only an account of
    /// that unit (the answer is public and signed with the unit's name). The office sees the
    /// opinion but does not answer for the unit (forbidden); other accounts do not see it.
    public static func answer(_ actor: Actor, region: Int, unit: Int?, tree: RegionTree) -> Decision {
        let notFound = Decision.notFound("未找到这条意见，或您无权处理。")
        if let own = actor.unitID, unit == own, holds(.answer, actor) { return .allow }
        guard tree.isWithin(region, of: actor.regionID) else { return notFound }
        return holds(.office, actor) ? .forbidden("意见由责任单位答复；专班办公室可以转交其他单位或标为无效。") : notFound
    }

    /// Reads an evidence item of a share in `region` reported for `unit`: its uploader and the
    /// unit's other accounts (colleagues see what their unit filed), whoever may review it, and
    /// the office of its region or above. Inside the scope, others are refused (evidence is
    /// working material between units and reviewers); outside it, the item is not found.
    public static func readEvidence(_ actor: Actor, region: Int, unit: Int?, uploader: Int, mayReview: Bool, tree: RegionTree) -> Decision {
        if uploader == actor.accountID || mayReview { return .allow }
        if let own = actor.unitID, unit == own, tree.isWithin(region, of: actor.regionID) { return .allow }
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound("未找到该佐证资料，或您无权查看。") }
        return holds(.office, actor) ? .allow : .forbidden("佐证资料仅供上传人、审核单位和专班办公室查看。")
    }

    /// Handles an opinion as the office: marks it invalid, reassigns it.
    public static func officeOfOpinion(_ actor: Actor, region: Int, tree: RegionTree) -> Decision {
        office(actor, region: region, tree: tree, notFound: "未找到该意见，或您无权处理。", denied: "只有专班办公室可以进行此操作。")
    }

    /// Publishes a disclosure item for a project in `region`: the region's own office, or a
    /// reporter of the region whose unit holds one of the project's shares there
    /// (`unitHoldsShare`); each region publishes its own (an office above withdraws, it does not
    /// write for a county). Others inside the scope are refused; a region not theirs is not found.
    public static func publish(_ actor: Actor, region: Int, unitHoldsShare: (Int) -> Bool, tree: RegionTree,
                               notFound: String = "您不负责该区划的这个项目，不能发布信息。") -> Decision {
        guard tree.isWithin(region, of: actor.regionID) else { return .notFound(notFound) }
        guard holds(.publish, actor) else { return .forbidden(refusal(.publish)) }
        guard region == actor.regionID else { return .notFound(notFound) }
        if holds(.office, actor) { return .allow }
        guard let own = actor.unitID, unitHoldsShare(own) else { return .notFound(notFound) }
        return .allow
    }

    /// Reads a bulletin of `region`: an issued one, any account in the region's line (the region,
    /// a region below, or an office above); a draft, only an office that manages the region.
    public static func readBulletin(_ actor: Actor, region: Int, issued: Bool, tree: RegionTree) -> Decision {
        let notFound = Decision.notFound("未找到该通报，或您无权查看。")
        guard tree.isWithin(actor.regionID, of: region) || tree.isWithin(region, of: actor.regionID) else { return notFound }
        if issued { return .allow }
        return office(actor, region: region, tree: tree).isAllowed ? .allow : notFound
    }

    /// Reads a letter an office of `officeRegion` sent to `unit`: the unit's accounts and the
    /// offices that manage the sending region.
    public static func readLetter(_ actor: Actor, officeRegion: Int, unit: Int, tree: RegionTree) -> Decision {
        if let own = actor.unitID, own == unit { return .allow }
        return office(actor, region: officeRegion, tree: tree).isAllowed ? .allow : .notFound("未找到该函件，或您无权查看。")
    }

    /// Has a letters page: an office (letters it sends) or an account of a unit (letters it receives).
    public static func seesLetters(_ actor: Actor) -> Bool { holds(.office, actor) || actor.unitID != nil }

    /// Acknowledges and replies to a letter: an account of the unit it was sent to.
    public static func answerLetter(_ actor: Actor, officeRegion: Int, unit: Int, tree: RegionTree) -> Decision {
        if let own = actor.unitID, own == unit { return .allow }
        return readLetter(actor, officeRegion: officeRegion, unit: unit, tree: tree).isAllowed
            ? .forbidden("函件由收函单位确认和回复。") : .notFound("未找到该函件，或您无权查看。")
    }

    /// Whether the actor is an office of the region (a region it manages).
    public static func isOffice(_ actor: Actor, region: Int, tree: RegionTree) -> Bool {
        office(actor, region: region, tree: tree).isAllowed
    }

    /// The unit whose shares the actor reports as a reporter (nil for an account that does not
    /// report for a unit): its work list shows that unit's missing figures.
    public static func reporterUnit(_ actor: Actor) -> Int? {
        actor.roles.contains(.reporter) ? actor.unitID : nil
    }

    /// Whether roles act for a unit (reporting, reviewing): such an account must belong to one.
    public static func needsUnit(_ roles: Set<Role>) -> Bool { roles.contains(.reporter) || roles.contains(.reviewer) }

    /// Whether an account reports for its unit (is reminded, 催报, when its unit's figures are missing).
    public static func reports(_ account: Account) -> Bool { account.roleSet.contains(.reporter) }

    /// The public: anyone, signed in or not, reads public pages and rates projects.
    public static let everyone = Decision.allow
}

extension Access {
    /// The plan, when `actor` is an office of its owner or of a region above it; else not found
    /// (a plan it cannot see) or the refusal `denied` (a plan it reads but does not manage).
    public static func officePlan(_ planID: Int, actor: Actor, tree: RegionTree, denied: String, on db: any Database) async throws -> Plan {
        guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("未找到该计划，或您无权查看。") }
        try officeOfPlan(actor, owner: plan.$owner.id, tree: tree, denied: denied).require()
        return plan
    }

    /// Whether `actor` manages the plan (office of its owner or above): a page shows the plan's
    /// settings forms only then.
    public static func managesPlan(_ planID: Int, actor: Actor, tree: RegionTree, on db: any Database) async throws -> Bool {
        guard let plan = try await Plan.find(planID, on: db) else { return false }
        return officeOfPlan(actor, owner: plan.$owner.id, tree: tree).isAllowed
    }
}
