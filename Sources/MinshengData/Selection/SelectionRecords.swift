import FluentKit
import Foundation
import MinshengCore

/// 民生实事征集: an office's round of collecting proposals for a year's projects, with the
/// criteria and the negative list shown to proposers.
public final class SelectionRound: Model, @unchecked Sendable {
    public static let schema = "selection_rounds"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "region_id") public var region: Region
    /// The plan year the round selects projects for.
    @Field(key: "year") public var year: Int
    @Field(key: "title") public var title: String
    /// "YYYY-MM-DD", both days included (China time).
    @Field(key: "opens_on") public var opensOn: String
    @Field(key: "closes_on") public var closesOn: String
    /// The categories a proposer picks from, one per line.
    @Field(key: "categories") public var categoriesText: String
    /// 普惠 / 实效 / 可行 / 可量化 as the office words them.
    @Field(key: "criteria") public var criteria: String
    /// 负面清单: what is not taken (office buildings, …), one per line.
    @Field(key: "negative_list") public var negativeList: String
    @OptionalField(key: "created_by") public var createdBy: Int?
    @Field(key: "created_at") public var createdAt: Date
    /// 名额: how many projects the plan takes (the shortlist must hold more: 差额).
    @OptionalField(key: "places") public var places: Int?
    /// The advisory public vote on the shortlist: its days and how many a voter picks at most.
    @OptionalField(key: "vote_opens_on") public var voteOpensOn: String?
    @OptionalField(key: "vote_closes_on") public var voteClosesOn: String?
    @OptionalField(key: "vote_picks") public var votePicks: Int?
    /// 人大代表票决: the session, all deputies and those present, the rule, paper or in-app ballot.
    @OptionalField(key: "session_title") public var sessionTitle: String?
    @OptionalField(key: "session_date") public var sessionDate: String?
    @OptionalField(key: "deputies") public var deputies: Int?
    @OptionalField(key: "present") public var present: Int?
    @OptionalField(key: "pass_rule") public var passRuleText: String?
    @OptionalField(key: "ballot_mode") public var ballotModeText: String?
    /// nil: not yet open; "open"; "closed".
    @OptionalField(key: "session_state") public var sessionState: String?
    @OptionalField(key: "session_closed_at") public var sessionClosedAt: Date?
    /// The plan the chosen candidates became.
    @OptionalField(key: "plan_id") public var planID: Int?

    public init() {}

    public enum BallotMode: String, CaseIterable, Sendable {
        /// 纸质选票: the tallies are entered twice.
        case paper
        /// 线上无记名投票: each registered deputy votes once in the app.
        case app

        public var label: String {
            switch self {
            case .paper: "纸质选票（计票结果双人录入）"
            case .app: "线上无记名投票"
            }
        }
    }

    public var ballotMode: BallotMode { ballotModeText.flatMap(BallotMode.init(rawValue:)) ?? .paper }
    public var passRule: DeputyVote.PassRule { passRuleText.flatMap(DeputyVote.PassRule.init(rawValue:)) ?? .majorityOfAll }
    public var sessionOpen: Bool { sessionState == "open" }
    public var sessionClosed: Bool { sessionState == "closed" }

    /// Whether the public vote takes votes on `day`.
    public func voteOpen(on day: String) -> Bool {
        guard let opens = voteOpensOn, let closes = voteClosesOn else { return false }
        return opens <= day && day <= closes
    }

    public var categories: [String] { categoriesText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    public var negativeItems: [String] { negativeList.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    /// Whether the public form takes proposals on `day` ("YYYY-MM-DD").
    public func isOpen(on day: String) -> Bool { opensOn <= day && day <= closesOn }
}

/// 民生实事我来提: one proposal, with its public reference and, once answered, its answer.
public final class Proposal: Model, @unchecked Sendable {
    public static let schema = "proposals"

    /// What became of a proposal, answered publicly.
    public enum State: String, CaseIterable, Codable, Sendable {
        case received
        /// 列为候选项目
        case candidate
        /// 合并办理: merged into another proposal (every proposer stays linked).
        case merged
        /// 不予采纳, with the reason.
        case notAdopted = "not_adopted"
        /// 转日常工作办理: handed to the department as routine work.
        case referred

        public var label: String {
            switch self {
            case .received: "待答复"
            case .candidate: "列为候选项目"
            case .merged: "合并办理"
            case .notAdopted: "不予采纳"
            case .referred: "转日常工作办理"
            }
        }
    }

    /// How a proposal arrived.
    public enum Channel: String, CaseIterable, Codable, Sendable {
        case online, letter, meeting, phone

        public var label: String {
            switch self {
            case .online: "网上提交"
            case .letter: "来信"
            case .meeting: "座谈会、走访收集"
            case .phone: "电话"
            }
        }
    }

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "round_id") public var round: SelectionRound
    /// The round's running number (第 N 号).
    @Field(key: "seq") public var seq: Int
    /// The public reference the proposer keeps: "2025-3-0012".
    @Field(key: "reference") public var reference: String
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Field(key: "category") public var category: String
    @OptionalField(key: "place") public var place: String?
    /// The proposer's name, when given (shown masked).
    @OptionalField(key: "proposer") public var proposer: String?
    /// The proposer's phone, for the office only (shown masked).
    @Field(key: "phone") public var phone: String
    @Field(key: "channel") public var channelText: String
    @Field(key: "received_on") public var receivedOn: String
    @OptionalField(key: "address_hash") public var addressHash: String?
    @OptionalField(key: "browser") public var browser: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "entered_by") public var enteredBy: Int?
    @Field(key: "state") public var stateText: String
    @OptionalField(key: "merged_into") public var mergedInto: Int?
    @OptionalField(key: "answer") public var answer: String?
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    @OptionalField(key: "answered_by") public var answeredBy: Int?
    /// The department asked for its opinion (必要性 / 可行性 / 合法性, estimated cost in 万元).
    @OptionalField(key: "opinion_unit_id") public var opinionUnitID: Int?
    @OptionalField(key: "opinion_requested_at") public var opinionRequestedAt: Date?
    @OptionalField(key: "opinion_necessity") public var opinionNecessity: String?
    @OptionalField(key: "opinion_feasibility") public var opinionFeasibility: String?
    @OptionalField(key: "opinion_legality") public var opinionLegality: String?
    @OptionalField(key: "opinion_cost") public var opinionCost: Double?
    @OptionalField(key: "opinion_note") public var opinionNote: String?
    @OptionalField(key: "opinion_at") public var opinionAt: Date?
    @OptionalField(key: "opinion_by") public var opinionBy: Int?
    /// The candidate the proposal became part of.
    @OptionalField(key: "candidate_id") public var candidateID: Int?

    public init() {}

    public var state: State { State(rawValue: stateText) ?? .received }
    public var channel: Channel { Channel(rawValue: channelText) ?? .online }
    public var isAnswered: Bool { state != .received }
}

/// 候选项目: one project on the shortlist, with the proposals behind it.
public final class SelectionCandidate: Model, @unchecked Sendable {
    public static let schema = "selection_candidates"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "round_id") public var round: SelectionRound
    @Field(key: "seq") public var seq: Int
    @Field(key: "name") public var name: String
    @Field(key: "description") public var description: String
    /// Estimated cost, 万元.
    @OptionalField(key: "cost") public var cost: Double?
    /// The department that would carry it out.
    @OptionalParent(key: "unit_id") public var unit: Department?
    @Field(key: "created_at") public var createdAt: Date
    /// The plan's project it became.
    @OptionalField(key: "project_id") public var projectID: Int?

    public init() {}
}

/// One advisory public vote on a round's shortlist: one per phone number (kept only as a hash)
/// and per browser; `picks` are candidate ids, comma-separated.
public final class SelectionVote: Model, @unchecked Sendable {
    public static let schema = "selection_votes"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "round_id") public var round: SelectionRound
    @Field(key: "phone_hash") public var phoneHash: String
    @OptionalField(key: "browser") public var browser: String?
    @Field(key: "address_hash") public var addressHash: String
    @Field(key: "picks") public var picks: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var candidateIDs: [Int] { picks.split(separator: ",").compactMap { Int($0) } }
}

/// One entry of a paper tally (entry 1 or 2, each by a different account).
public final class SelectionTally: Model, @unchecked Sendable {
    public static let schema = "selection_tallies"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "round_id") public var roundID: Int
    @Field(key: "candidate_id") public var candidateID: Int
    @Field(key: "entry") public var entry: Int
    @Field(key: "account_id") public var accountID: Int
    @Field(key: "votes_for") public var votesFor: Int
    @Field(key: "against") public var against: Int
    @Field(key: "abstain") public var abstain: Int
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// A deputy registered for an in-app ballot: whether the deputy voted — never how.
public final class SelectionDeputy: Model, @unchecked Sendable {
    public static let schema = "selection_deputies"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "round_id") public var roundID: Int
    @Field(key: "account_id") public var accountID: Int
    @Field(key: "voted") public var voted: Int

    public init() {}
}

/// The in-app ballot's counts for one candidate: added to by each deputy's ballot, held by no one's name.
public final class SelectionAppCount: Model, @unchecked Sendable {
    public static let schema = "selection_app_counts"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "round_id") public var roundID: Int
    @Field(key: "candidate_id") public var candidateID: Int
    @Field(key: "votes_for") public var votesFor: Int
    @Field(key: "against") public var against: Int
    @Field(key: "abstain") public var abstain: Int

    public init() {}
}
