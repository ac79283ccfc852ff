import FluentKit
import Foundation
import MinshengCore

/// 评议: an office's round of scoring its year's projects on weighted criteria.
public final class EvaluationRound: Model, @unchecked Sendable {
    public static let schema = "evaluation_rounds"

    public enum State: String, Sendable { case open, closed }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Field(key: "year") public var year: Int
    @Field(key: "title") public var title: String
    /// JSON of `[EvaluationCriterion]`.
    @Field(key: "criteria") public var criteriaJSON: String
    @Field(key: "state") public var state: String
    @OptionalField(key: "created_by") public var createdBy: Int?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @Children(for: \.$round) public var entries: [EvaluationEntry]

    public init() {}

    public var isOpen: Bool { state == State.open.rawValue }
    public var criteria: [EvaluationCriterion] {
        (try? JSONDecoder().decode([EvaluationCriterion].self, from: Data(criteriaJSON.utf8))) ?? []
    }
}

/// A project in a round.
public final class EvaluationEntry: Model, @unchecked Sendable {
    public static let schema = "evaluation_entries"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "round_id") public var round: EvaluationRound
    @Parent(key: "project_id") public var project: Project
    @Field(key: "seq") public var seq: Int
    @Children(for: \.$entry) public var assignments: [EvaluationAssignment]

    public init() {}
}

/// An evaluator's assignment to a project, and the scores once given.
public final class EvaluationAssignment: Model, @unchecked Sendable {
    public static let schema = "evaluation_assignments"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "entry_id") public var entry: EvaluationEntry
    @Parent(key: "account_id") public var account: Account
    /// JSON array of the scores per criterion, as typed ("92.5").
    @OptionalField(key: "scores") public var scoresJSON: String?
    /// The weighted score (exact decimal text).
    @OptionalField(key: "total") public var total: String?
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "submitted_at") public var submittedAt: Date?

    public init() {}

    public var scores: [Decimal]? {
        guard let scoresJSON, let texts = try? JSONDecoder().decode([String].self, from: Data(scoresJSON.utf8)) else { return nil }
        let values = texts.compactMap(EvaluationMath.score)
        return values.count == texts.count ? values : nil
    }
}

/// 十佳民生实事 ballot: N candidates, each voter picks exactly K.
public final class Ballot: Model, @unchecked Sendable {
    public static let schema = "ballots"

    public enum State: String, CaseIterable, Sendable {
        case draft, open, closed, published
        public var label: String {
            switch self {
            case .draft: "未开始"
            case .open: "投票中"
            case .closed: "已结束"
            case .published: "已公布结果"
            }
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    @Field(key: "year") public var year: Int
    @Field(key: "title") public var title: String
    @Field(key: "pick_count") public var pickCount: Int
    @Field(key: "state") public var state: String
    /// Percent; the two add up to 100. A public weight of 0 means no public vote.
    @Field(key: "evaluator_weight") public var evaluatorWeight: Int
    @Field(key: "public_weight") public var publicWeight: Int
    @OptionalField(key: "created_by") public var createdBy: Int?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "published_at") public var publishedAt: Date?
    @Children(for: \.$ballot) public var candidates: [BallotCandidate]

    public init() {}

    public var stateValue: State { State(rawValue: state) ?? .draft }
    public var hasPublicVote: Bool { publicWeight > 0 }
}

public final class BallotCandidate: Model, @unchecked Sendable {
    public static let schema = "ballot_candidates"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "ballot_id") public var ballot: Ballot
    @OptionalParent(key: "project_id") public var project: Project?
    @Field(key: "name") public var name: String
    @Field(key: "seq") public var seq: Int

    public init() {}
}

public final class BallotVote: Model, @unchecked Sendable {
    public static let schema = "ballot_votes"

    public enum Voter: String, Sendable { case evaluator, citizen = "public" }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "ballot_id") public var ballot: Ballot
    @Field(key: "voter") public var voter: String
    @OptionalField(key: "account_id") public var accountID: Int?
    @OptionalField(key: "phone_hash") public var phoneHash: String?
    @OptionalField(key: "browser") public var browser: String?
    @OptionalField(key: "address_hash") public var addressHash: String?
    /// Candidate ids, comma-separated, as cast.
    @Field(key: "picks") public var picks: String
    @Field(key: "valid") public var valid: Bool
    @Field(key: "at") public var at: Date

    public init() {}

    public var pickIDs: [Int] { picks.split(separator: ",").compactMap { Int($0) } }
}
