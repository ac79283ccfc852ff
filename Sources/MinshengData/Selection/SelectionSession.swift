import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// 人大代表票决: the office registers the session, then either enters the paper ballots' tallies
/// — each twice, by two different accounts, accepted only when both agree — or the registered
/// deputies vote in the app by secret ballot (each once; what is kept is whether a deputy voted
/// and each candidate's counts, never a deputy's choice). Closing gives the result: candidates
/// passing by the rule, ranked by 赞成, the places filled in order, a tie at the last place
/// reported for the office to decide.
extension SelectionService {
    public struct SessionDraft: Sendable {
        public var title: String
        public var date: String
        public var deputies: String
        public var present: String
        public var rule: String
        public var mode: String
        /// The accounts that vote in the app (in-app ballot only).
        public var deputyAccounts: [Int]
        public init(title: String, date: String, deputies: String, present: String, rule: String, mode: String, deputyAccounts: [Int] = []) {
            self.title = title
            self.date = date
            self.deputies = deputies
            self.present = present
            self.rule = rule
            self.mode = mode
            self.deputyAccounts = deputyAccounts
        }
    }

    /// Registers (or corrects, before it opens) the session.
    public func setSession(roundID: Int, _ draft: SessionDraft, actor: Actor, tree: RegionTree) async throws {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard !round.sessionOpen, !round.sessionClosed else { throw ServiceError.conflict("票决已经开始，会议信息不能再改。") }
        let title = try PlanEditor.text(draft.title, field: "会议名称", limit: 100)
        guard let day = ChineseDate.parseDay(draft.date) else { throw ServiceError.invalid("请填写会议日期（如 2025-01-15）。") }
        guard let deputies = Int(draft.deputies.trimmingCharacters(in: .whitespaces)), (1...10_000).contains(deputies) else {
            throw ServiceError.invalid("全体代表人数应为 1 至 10000 之间的整数。")
        }
        guard let present = Int(draft.present.trimmingCharacters(in: .whitespaces)), (1...deputies).contains(present) else {
            throw ServiceError.invalid("出席代表人数应为 1 至 \(deputies) 之间的整数。")
        }
        guard let rule = DeputyVote.PassRule(rawValue: draft.rule), let mode = SelectionRound.BallotMode(rawValue: draft.mode) else {
            throw ServiceError.invalid("请选择通过规则和投票方式。")
        }
        let accounts = Array(Set(draft.deputyAccounts)).sorted()
        if mode == .app {
            guard !accounts.isEmpty else { throw ServiceError.invalid("线上投票请选择参加投票的代表账号。") }
            guard accounts.count <= present else { throw ServiceError.invalid("参加线上投票的代表 \(accounts.count) 人，多于出席代表 \(present) 人。") }
            let found = try await Account.query(on: db).filter(\.$id ~~ accounts).all()
            guard found.count == accounts.count, found.allSatisfy({ tree.isWithin($0.$region.id, of: round.$region.id) }) else {
                throw ServiceError.invalid("所选代表账号不在本区划。")
            }
        }
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let fresh = try await SelectionRound.find(roundID, on: db), fresh.sessionState == nil else {
                throw ServiceError.conflict("票决已经开始，会议信息不能再改。")
            }
            (fresh.sessionTitle, fresh.sessionDate, fresh.deputies, fresh.present) = (title, day.iso, deputies, present)
            (fresh.passRuleText, fresh.ballotModeText) = (rule.rawValue, mode.rawValue)
            try await fresh.save(on: db)
            try await db.sql.raw("DELETE FROM \(unsafeRaw: SelectionDeputy.schema) WHERE round_id = \(bind: roundID)").run()
            if mode == .app {
                for account in accounts {
                    let deputy = SelectionDeputy()
                    (deputy.roundID, deputy.accountID, deputy.voted) = (roundID, account, 0)
                    try await deputy.create(on: db)
                }
            }
            try await AuditLog.record("selection.session.set", subject: fresh.title,
                                      detail: "\(title)，全体代表 \(deputies) 人，出席 \(present) 人，\(rule.label)，\(mode.label)", by: actor.accountID, on: db)
        }
    }

    /// Opens the vote: the shortlist must be in place and hold more candidates than places (差额).
    public func openSession(roundID: Int, actor: Actor, tree: RegionTree) async throws {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard round.sessionTitle != nil, round.deputies != nil else { throw ServiceError.invalid("请先登记票决会议。") }
        guard let places = round.places else { throw ServiceError.invalid("请先在候选名单中设置名额。") }
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let fresh = try await SelectionRound.find(roundID, on: db), fresh.sessionState == nil else { throw ServiceError.conflict("票决已经开始。") }
            let candidates = try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).all()
            guard candidates.count > places else {
                throw ServiceError.conflict("候选项目 \(candidates.count) 个，名额 \(places) 个：差额票决要求候选项目多于名额。")
            }
            if fresh.ballotMode == .app {
                for candidate in candidates {
                    let count = SelectionAppCount()
                    (count.roundID, count.candidateID, count.votesFor, count.against, count.abstain) = (roundID, try candidate.requireID(), 0, 0, 0)
                    try await count.create(on: db)
                }
            }
            fresh.sessionState = "open"
            try await fresh.save(on: db)
            try await AuditLog.record("selection.session.open", subject: fresh.title, detail: fresh.sessionTitle ?? "", by: actor.accountID, on: db)
        }
    }

    /// A paper tally for one candidate. The first entry is kept; the second, by another account,
    /// must agree with it or is refused; the candidate's tally counts once both agree.
    public func enterTally(roundID: Int, candidateID: Int, votesFor: String, against: String, abstain: String, actor: Actor, tree: RegionTree,
                           now: Date = Date()) async throws -> Bool {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard round.ballotMode == .paper else { throw ServiceError.invalid("本次票决为线上投票，不录入纸质选票。") }
        func count(_ text: String, _ name: String) throws -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else { throw ServiceError.invalid("\(name)票数应为不小于 0 的整数。") }
            return value
        }
        let tally = DeputyVote.Tally(candidateID: candidateID, votesFor: try count(votesFor, "赞成"), against: try count(against, "反对"), abstain: try count(abstain, "弃权"))
        if let problem = DeputyVote.problem(tally, present: round.present ?? 0) { throw ServiceError.invalid(problem) }
        return try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let fresh = try await SelectionRound.find(roundID, on: db), fresh.sessionOpen else { throw ServiceError.conflict("票决尚未开始或已经结束。") }
            guard let candidate = try await SelectionCandidate.find(candidateID, on: db), candidate.$round.id == roundID else {
                throw ServiceError.invalid("请选择本次票决的候选项目。")
            }
            let entries = try await SelectionTally.query(on: db).filter(\.$roundID == roundID).filter(\.$candidateID == candidateID).sort(\.$entry).all()
            guard entries.count < 2 else { throw ServiceError.conflict("“\(candidate.name)”的计票结果已经两次录入一致，无需再录。") }
            if let first = entries.first {
                guard first.accountID != actor.accountID else { throw ServiceError.conflict("第二次录入须由另一名工作人员完成。") }
                guard first.votesFor == tally.votesFor, first.against == tally.against, first.abstain == tally.abstain else {
                    throw ServiceError.conflict("“\(candidate.name)”两次录入不一致，未予保存：请核对选票统计表；如第一次录入有误，请清除后重新录入。")
                }
            }
            let row = SelectionTally()
            (row.roundID, row.candidateID, row.entry, row.accountID) = (roundID, candidateID, entries.count + 1, actor.accountID)
            (row.votesFor, row.against, row.abstain, row.createdAt) = (tally.votesFor, tally.against, tally.abstain, now)
            try await row.create(on: db)
            try await AuditLog.record("selection.tally.enter", subject: fresh.title,
                                      detail: "\(candidate.name) 第 \(row.entry) 次录入：赞成 \(tally.votesFor)，反对 \(tally.against)，弃权 \(tally.abstain)",
                                      by: actor.accountID, on: db)
            return row.entry == 2
        }
    }

    /// Clears a candidate's entries while the vote is open (a first entry found wrong).
    public func clearTally(roundID: Int, candidateID: Int, actor: Actor, tree: RegionTree) async throws {
        _ = try await managedRound(roundID, actor: actor, tree: tree)
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let fresh = try await SelectionRound.find(roundID, on: db), fresh.sessionOpen else { throw ServiceError.conflict("票决尚未开始或已经结束。") }
            try await db.sql.raw("DELETE FROM \(unsafeRaw: SelectionTally.schema) WHERE round_id = \(bind: roundID) AND candidate_id = \(bind: candidateID)").run()
            try await AuditLog.record("selection.tally.clear", subject: fresh.title, detail: "候选项目 \(candidateID)", by: actor.accountID, on: db)
        }
    }

    /// The in-app secret ballot: a registered deputy's 赞成 / 反对 / 弃权 on every candidate, once.
    /// The counts are added to in the transaction that marks the deputy as having voted; the
    /// choices themselves are not kept anywhere.
    public func castBallot(roundID: Int, choices: [Int: String], actor: Actor) async throws {
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let round = try await SelectionRound.find(roundID, on: db), round.ballotMode == .app,
                  let deputy = try await SelectionDeputy.query(on: db).filter(\.$roundID == roundID).filter(\.$accountID == actor.accountID).first() else {
                throw ServiceError.notFound("您不是本次票决的代表，或没有这次票决。")
            }
            guard round.sessionOpen else { throw ServiceError.conflict(round.sessionClosed ? "票决已经结束。" : "票决尚未开始。") }
            guard deputy.voted == 0 else { throw ServiceError.conflict("您已经投过票了，每位代表限投一次。") }
            let counts = try await SelectionAppCount.query(on: db).filter(\.$roundID == roundID).all()
            guard Set(choices.keys) == Set(counts.map(\.candidateID)) else { throw ServiceError.invalid("请对每个候选项目选择赞成、反对或弃权。") }
            for count in counts {
                switch choices[count.candidateID] {
                case "for": count.votesFor += 1
                case "against": count.against += 1
                case "abstain": count.abstain += 1
                default: throw ServiceError.invalid("请对每个候选项目选择赞成、反对或弃权。")
                }
            }
            for count in counts { try await count.save(on: db) }
            deputy.voted = 1
            try await deputy.save(on: db)
        }
    }

    /// The session as its pages show it.
    public struct SessionStatus: Sendable {
        public var round: SelectionRound
        public var candidates: [SelectionCandidate]
        /// Paper: each candidate's entries (1, 2).
        public var entries: [Int: [SelectionTally]]
        /// In-app: registered deputies and how many voted.
        public var registered: Int
        public var voted: Int
        /// After the close: the result.
        public var result: DeputyVote.Result?
        /// The accepted tallies (both entries agree; in-app: the counts), shown after the close.
        public var tallies: [Int: DeputyVote.Tally]
    }

    public func session(roundID: Int, actor: Actor, tree: RegionTree) async throws -> SessionStatus {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        return try await sessionStatus(round)
    }

    func sessionStatus(_ round: SelectionRound) async throws -> SessionStatus {
        let roundID = try round.requireID()
        let candidates = try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).sort(\.$seq).all()
        let entries = Dictionary(grouping: try await SelectionTally.query(on: db).filter(\.$roundID == roundID).sort(\.$entry).all(), by: \.candidateID)
        let deputies = try await SelectionDeputy.query(on: db).filter(\.$roundID == roundID).all()
        var tallies: [Int: DeputyVote.Tally] = [:]
        var result: DeputyVote.Result? = nil
        if round.sessionClosed {
            if round.ballotMode == .app {
                for count in try await SelectionAppCount.query(on: db).filter(\.$roundID == roundID).all() {
                    tallies[count.candidateID] = .init(candidateID: count.candidateID, votesFor: count.votesFor, against: count.against, abstain: count.abstain)
                }
            } else {
                for (candidate, rows) in entries where rows.count == 2 {
                    tallies[candidate] = .init(candidateID: candidate, votesFor: rows[0].votesFor, against: rows[0].against, abstain: rows[0].abstain)
                }
            }
            result = DeputyVote.result(Array(tallies.values), places: round.places ?? 0, deputies: round.deputies ?? 0, present: round.present ?? 0,
                                       rule: round.passRule)
        }
        return SessionStatus(round: round, candidates: candidates, entries: entries, registered: deputies.count, voted: deputies.filter { $0.voted == 1 }.count,
                             result: result, tallies: tallies)
    }

    /// Closes the vote: every paper tally must have been entered twice in agreement.
    public func closeSession(roundID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        _ = try await managedRound(roundID, actor: actor, tree: tree)
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            guard let fresh = try await SelectionRound.find(roundID, on: db), fresh.sessionOpen else { throw ServiceError.conflict("票决尚未开始或已经结束。") }
            if fresh.ballotMode == .paper {
                let candidates = try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).all()
                let entries = Dictionary(grouping: try await SelectionTally.query(on: db).filter(\.$roundID == roundID).all(), by: \.candidateID)
                let missing = candidates.filter { (entries[$0.id ?? 0]?.count ?? 0) < 2 }.map(\.name)
                guard missing.isEmpty else { throw ServiceError.conflict("以下候选项目的计票结果尚未两次录入一致：" + missing.joined(separator: "、") + "。") }
            }
            fresh.sessionState = "closed"
            fresh.sessionClosedAt = now
            try await fresh.save(on: db)
            try await AuditLog.record("selection.session.close", subject: fresh.title, detail: fresh.sessionTitle ?? "", by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
        }
    }

    /// The rounds in which the actor is a registered deputy of an open in-app ballot it has not voted in.
    public func ballotsWaiting(accountID: Int) async throws -> [SelectionRound] {
        let mine = try await SelectionDeputy.query(on: db).filter(\.$accountID == accountID).filter(\.$voted == 0).all().map(\.roundID)
        guard !mine.isEmpty else { return [] }
        return try await SelectionRound.query(on: db).filter(\.$id ~~ mine).filter(\.$sessionState == "open").all()
    }

    /// A deputy's ballot page: the round and its candidates, when the actor may vote.
    public func ballot(roundID: Int, actor: Actor) async throws -> (round: SelectionRound, candidates: [SelectionCandidate], voted: Bool) {
        guard let round = try await SelectionRound.find(roundID, on: db), round.ballotMode == .app,
              let deputy = try await SelectionDeputy.query(on: db).filter(\.$roundID == roundID).filter(\.$accountID == actor.accountID).first() else {
            throw ServiceError.notFound("您不是本次票决的代表，或没有这次票决。")
        }
        let candidates = try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).sort(\.$seq).all()
        return (round, candidates, deputy.voted == 1)
    }
}
