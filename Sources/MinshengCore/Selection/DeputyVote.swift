import Foundation

/// 人大代表票决: each candidate's 赞成 / 反对 / 弃权, the pass rule, and the places filled in order.
public enum DeputyVote {
    /// What a candidate needs to pass.
    public enum PassRule: String, CaseIterable, Codable, Sendable {
        /// 赞成票超过全体代表的半数 (the default).
        case majorityOfAll = "majority_of_all"
        /// 赞成票超过出席代表的半数.
        case majorityOfPresent = "majority_of_present"

        public var label: String {
            switch self {
            case .majorityOfAll: "赞成票超过全体代表的半数"
            case .majorityOfPresent: "赞成票超过出席代表的半数"
            }
        }
    }

    public struct Tally: Sendable, Equatable {
        public var candidateID: Int
        public var votesFor: Int
        public var against: Int
        public var abstain: Int
        public init(candidateID: Int, votesFor: Int, against: Int, abstain: Int) {
            self.candidateID = candidateID
            self.votesFor = votesFor
            self.against = against
            self.abstain = abstain
        }
        public var total: Int { votesFor + against + abstain }
    }

    public struct Standing: Sendable, Equatable {
        public var tally: Tally
        public var passes: Bool
        /// Among those passing, by 赞成 (equal counts share a rank); nil for those failing.
        public var rank: Int?
        /// Within the places.
        public var chosen: Bool
    }

    public struct Result: Sendable, Equatable {
        /// Passing candidates first, by 赞成 descending; then the others.
        public var standings: [Standing]
        /// The 赞成 a candidate needed: more than this many.
        public var threshold: Int
        /// Candidates tied for the last place: all are marked chosen, and the office must decide
        /// (another vote) — never broken silently.
        public var tiedAtLastPlace: [Int]
        public var chosen: [Int] { standings.filter(\.chosen).map(\.tally.candidateID) }
    }

    /// Why a tally cannot be right for the session, in Chinese, or nil.
    public static func problem(_ tally: Tally, present: Int) -> String? {
        guard tally.votesFor >= 0, tally.against >= 0, tally.abstain >= 0 else { return "票数不能为负数。" }
        guard tally.total <= present else { return "赞成、反对、弃权合计 \(tally.total) 票，超过出席代表 \(present) 人。" }
        return nil
    }

    /// The result: a candidate passes with 赞成 more than half of all deputies (or of those present);
    /// those passing fill the places by 赞成; a tie across the last place is reported.
    public static func result(_ tallies: [Tally], places: Int, deputies: Int, present: Int, rule: PassRule) -> Result {
        let base = rule == .majorityOfAll ? deputies : present
        let threshold = base / 2   // more than half: votesFor * 2 > base, i.e. votesFor > base / 2 (integer)
        func passes(_ t: Tally) -> Bool { t.votesFor * 2 > base }
        let passing = tallies.filter(passes).sorted { ($1.votesFor, $0.candidateID) < ($0.votesFor, $1.candidateID) }
        let failing = tallies.filter { !passes($0) }.sorted { ($1.votesFor, $0.candidateID) < ($0.votesFor, $1.candidateID) }
        var standings: [Standing] = []
        var tied: [Int] = []
        let cutVotes: Int? = passing.count > places && places > 0 ? passing[places - 1].votesFor : nil
        for (index, tally) in passing.enumerated() {
            let rank = (passing.firstIndex { $0.votesFor == tally.votesFor } ?? index) + 1
            let chosen: Bool
            if let cutVotes {
                chosen = tally.votesFor > cutVotes || (tally.votesFor == cutVotes)
            } else {
                chosen = true
            }
            standings.append(Standing(tally: tally, passes: true, rank: rank, chosen: chosen))
        }
        if let cutVotes {
            let atCut = passing.filter { $0.votesFor == cutVotes }
            let above = passing.filter { $0.votesFor > cutVotes }.count
            if above + atCut.count > places { tied = atCut.map(\.candidateID) }
        }
        standings += failing.map { Standing(tally: $0, passes: false, rank: nil, chosen: false) }
        return Result(standings: standings, threshold: threshold, tiedAtLastPlace: tied)
    }
}
