import FluentKit
import Foundation
import MinshengCore

/// An appointment: an account made 观察员, 监督员 or 评议员 by an office, with what it covers,
/// who the person is, a term and a contact.
public final class Supervisor: Model, @unchecked Sendable {
    public static let schema = "supervisors"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "account_id") public var account: Account
    /// The appointing office's region (the person's scope is this region and below).
    @Parent(key: "region_id") public var region: Region
    /// `Role` raw value: observer, supervisor or evaluator.
    @Field(key: "role") public var role: String
    /// `SupervisorScope` raw value.
    @Field(key: "scope") public var scope: String
    @OptionalParent(key: "project_id") public var project: Project?
    /// The region of the project a project observer watches.
    @OptionalField(key: "project_region_id") public var projectRegionID: Int?
    @OptionalParent(key: "unit_id") public var unit: Department?
    /// `SupervisorIdentity` raw value.
    @Field(key: "identity") public var identity: String
    /// 工作单位及职务.
    @OptionalField(key: "organisation") public var organisation: String?
    @OptionalField(key: "phone") public var phone: String?
    /// ISO days.
    @Field(key: "term_from") public var termFrom: String
    @Field(key: "term_until") public var termUntil: String
    @OptionalField(key: "appointed_by") public var appointedBy: Int?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var roleValue: Role { Role(rawValue: role) ?? .observer }
    public var scopeValue: SupervisorScope { SupervisorScope(rawValue: scope) ?? .region }
    public var identityValue: SupervisorIdentity { SupervisorIdentity(rawValue: identity) ?? .other }

    /// Whether the term covers the day (ISO `YYYY-MM-DD`).
    public func serves(on day: String) -> Bool { termFrom <= day && day <= termUntil }
}

/// An office's times to rectify per severity.
public final class SupervisionSettings: Model, @unchecked Sendable {
    public static let schema = "supervision_settings"

    @ID(custom: "region_id", generatedBy: .user) public var id: Int?
    /// JSON of `ProblemDeadlines`.
    @Field(key: "deadlines") public var deadlines: String
    @OptionalField(key: "updated_by") public var updatedBy: Int?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// 视察 / 监督测评: a date, the projects and sites visited, the participants.
public final class Inspection: Model, @unchecked Sendable {
    public static let schema = "inspections"

    public enum Kind: String, CaseIterable, Sendable {
        case visit, assessment
        public var label: String { self == .visit ? "视察" : "监督测评" }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Field(key: "kind") public var kind: String
    @Field(key: "title") public var title: String
    /// ISO day.
    @Field(key: "held_on") public var heldOn: String
    @OptionalField(key: "note") public var note: String?
    @Parent(key: "organizer_id") public var organizer: Account
    @Field(key: "created_at") public var createdAt: Date
    @Children(for: \.$inspection) public var sites: [InspectionSite]
    @Children(for: \.$inspection) public var participants: [InspectionParticipant]

    public init() {}

    public var kindValue: Kind { Kind(rawValue: kind) ?? .visit }
}

public final class InspectionSite: Model, @unchecked Sendable {
    public static let schema = "inspection_sites"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "inspection_id") public var inspection: Inspection
    @Parent(key: "project_id") public var project: Project
    @Parent(key: "region_id") public var region: Region
    /// 点位: where on the ground.
    @OptionalField(key: "site") public var site: String?

    public init() {}
}

public final class InspectionParticipant: Model, @unchecked Sendable {
    public static let schema = "inspection_participants"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "inspection_id") public var inspection: Inspection
    @Parent(key: "account_id") public var account: Account

    public init() {}
}

/// A participant's finding at one site: ratings of progress and quality (1 差 – 4 好), notes, photos.
public final class InspectionFinding: Model, @unchecked Sendable {
    public static let schema = "inspection_findings"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "site_id") public var site: InspectionSite
    @Parent(key: "account_id") public var account: Account
    @Field(key: "progress_rating") public var progressRating: Int
    @Field(key: "quality_rating") public var qualityRating: Int
    @OptionalField(key: "notes") public var notes: String?
    @Field(key: "recorded_at") public var recordedAt: Date

    public init() {}

    /// 好 / 较好 / 一般 / 差.
    public static let ratings = [4: "好", 3: "较好", 2: "一般", 1: "差"]
    public static func ratingLabel(_ value: Int) -> String { ratings[value] ?? "—" }
}

/// 问题: raised on a project in a region, assigned to the responsible unit with a deadline,
/// answered, confirmed by its raiser.
public final class Problem: Model, @unchecked Sendable {
    public static let schema = "problems"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Parent(key: "project_id") public var project: Project
    @OptionalParent(key: "unit_id") public var unit: Department?
    @OptionalParent(key: "inspection_id") public var inspection: Inspection?
    @Parent(key: "raised_by") public var raiser: Account
    @Field(key: "category") public var category: String
    @Field(key: "severity") public var severity: String
    @Field(key: "description") public var description: String
    @OptionalField(key: "location") public var location: String?
    @Field(key: "state") public var state: String
    /// When the current deadline's clock started and its working days.
    @OptionalField(key: "clock_start") public var clockStart: Date?
    @OptionalField(key: "clock_days") public var clockDays: Int?
    /// The clock's moments, stored so that lists filter on them: blue from `warnAt`, overdue
    /// (yellow) from `dueAt`, red from `doubledAt`.
    @OptionalField(key: "warn_at") public var warnAt: Date?
    @OptionalField(key: "due_at") public var dueAt: Date?
    @OptionalField(key: "doubled_at") public var doubledAt: Date?
    /// While waiting for confirmation: when the unit answered.
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    @OptionalField(key: "rectified_at") public var rectifiedAt: Date?
    @OptionalField(key: "dismissed_at") public var dismissedAt: Date?
    /// The office publishes the problem's text on the project's public page.
    @Field(key: "published") public var published: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @Children(for: \.$problem) public var steps: [ProblemStep]

    public init() {}

    public var stateValue: ProblemState { ProblemState(rawValue: state) ?? .pending }
    public var categoryValue: ProblemCategory { ProblemCategory(rawValue: category) ?? .other }
    public var severityValue: ProblemSeverity { ProblemSeverity(rawValue: severity) ?? .normal }

    public var clock: ProblemClock? {
        guard let clockStart, let clockDays else { return nil }
        return ProblemClock(start: clockStart, days: clockDays)
    }

    /// The colour of its deadline: only while the unit owes an answer.
    public func urgency(at now: Date) -> ProblemUrgency {
        guard stateValue.isWithUnit, let clock else { return .none }
        return clock.urgency(at: now)
    }

    /// Starts the unit's clock: `days` working days from `start`.
    public func startClock(_ clock: ProblemClock) {
        clockStart = clock.start
        clockDays = clock.days
        warnAt = clock.warning
        dueAt = clock.due
        doubledAt = clock.doubled
    }

    public var fact: ProblemFact { fact(steps: []) }

    /// The problem for the statistics, with its history (a tally as of a past date reads the state then).
    public func fact(steps: [ProblemStep]) -> ProblemFact {
        ProblemFact(id: id ?? 0, regionID: $region.id, unitID: $unit.id, projectID: $project.id, category: categoryValue, raiser: $raiser.id,
                    raisedAt: createdAt, rectifiedAt: rectifiedAt, dismissedAt: dismissedAt, clock: clock,
                    answeredAt: stateValue == .answered ? answeredAt : nil,
                    steps: steps.sorted { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) }
                        .map { ProblemFact.Step(at: $0.at, state: ProblemState(rawValue: $0.state) ?? .pending, due: $0.dueAt, unitID: $0.unitID) })
    }
}

/// A step of a problem's history: who did what, when, for whom.
public final class ProblemStep: Model, @unchecked Sendable {
    public static let schema = "problem_steps"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "problem_id") public var problem: Problem
    @Field(key: "action") public var action: String
    /// The state after the step.
    @Field(key: "state") public var state: String
    @Parent(key: "account_id") public var account: Account
    /// The office confirmed (or found partly done, or not done) for the raiser.
    @Field(key: "on_behalf") public var onBehalf: Bool
    @OptionalField(key: "text") public var text: String?
    /// The unit it was assigned to (assign).
    @OptionalField(key: "unit_id") public var unitID: Int?
    /// The deadline it set (assign, partial).
    @OptionalField(key: "due_at") public var dueAt: Date?
    @Field(key: "at") public var at: Date

    public init() {}

    public var actionValue: ProblemAction { ProblemAction(rawValue: action) ?? .raise }
}

/// A photo (or document) of a finding or a problem's step, in the file store.
public final class SupervisionFile: Model, @unchecked Sendable {
    public static let schema = "supervision_files"

    public enum Owner: String, Sendable { case finding, step }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "owner") public var owner: String
    @Field(key: "owner_id") public var ownerID: Int
    @Field(key: "blob_key") public var blobKey: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "size") public var size: Int

    public init() {}
}
