import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// The selection's review and shortlist: the office asks a department for its opinion on a
/// proposal (必要性 / 可行性 / 合法性, estimated cost), builds the shortlist of candidates — more
/// than the places (差额) — from the proposals it listed as candidates, and may let the public vote
/// on it (advisory: one vote per phone number and per browser, up to K picks).
extension SelectionService {
    // MARK: - Department opinions

    /// Asks a department of the round's region (or below) for its opinion.
    public func requestOpinion(proposalID: Int, unitID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let proposal = try await managedProposal(proposalID, actor: actor, tree: tree)
        guard let round = try await SelectionRound.find(proposal.$round.id, on: db),
              let unit = try await Department.find(unitID, on: db), tree.isWithin(unit.$region.id, of: round.$region.id) else {
            throw ServiceError.invalid("请选择本区划的一个部门。")
        }
        guard proposal.state != .merged else { throw ServiceError.conflict("该建议已合并办理，请对合并后的建议征求意见。") }
        try await db.write(locking: [.record("proposal:\(proposalID)")]) { db in
            guard let fresh = try await Proposal.find(proposalID, on: db) else { throw ServiceError.notFound("未找到该建议。") }
            (fresh.opinionUnitID, fresh.opinionRequestedAt) = (unitID, now)
            (fresh.opinionNecessity, fresh.opinionFeasibility, fresh.opinionLegality, fresh.opinionCost, fresh.opinionNote, fresh.opinionAt, fresh.opinionBy) =
                (nil, nil, nil, nil, nil, nil, nil)
            try await fresh.save(on: db)
            try await AuditLog.record("selection.opinion.request", subject: fresh.reference, detail: unit.name, by: actor.accountID, on: db)
        }
    }

    public struct OpinionDraft: Sendable {
        public var necessity: String
        public var feasibility: String
        public var legality: String
        public var cost: String
        public var note: String
        public init(necessity: String, feasibility: String, legality: String, cost: String, note: String = "") {
            self.necessity = necessity
            self.feasibility = feasibility
            self.legality = legality
            self.cost = cost
            self.note = note
        }
    }

    /// The department's opinion (or the office entering the department's written one).
    public func giveOpinion(proposalID: Int, _ draft: OpinionDraft, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard let proposal = try await Proposal.find(proposalID, on: db), let round = try await SelectionRound.find(proposal.$round.id, on: db),
              let unit = proposal.opinionUnitID else {
            throw ServiceError.notFound("未找到该建议，或没有请您提出意见。")
        }
        try Access.giveOpinion(actor, unit: unit, region: round.$region.id, tree: tree).require()
        let necessity = try PlanEditor.text(draft.necessity, field: "必要性意见", limit: 500)
        let feasibility = try PlanEditor.text(draft.feasibility, field: "可行性意见", limit: 500)
        let legality = try PlanEditor.text(draft.legality, field: "合法性意见", limit: 500)
        let note = try PlanEditor.optionalText(draft.note, field: "其他意见", limit: 1000)
        let cost = try Self.cost(draft.cost)
        try await db.write(locking: [.record("proposal:\(proposalID)")]) { db in
            guard let fresh = try await Proposal.find(proposalID, on: db), fresh.opinionUnitID == unit else {
                throw ServiceError.conflict("征求意见的部门已经改变，请刷新页面。")
            }
            (fresh.opinionNecessity, fresh.opinionFeasibility, fresh.opinionLegality, fresh.opinionCost, fresh.opinionNote) =
                (necessity, feasibility, legality, cost, note)
            (fresh.opinionAt, fresh.opinionBy) = (now, actor.accountID)
            try await fresh.save(on: db)
            try await AuditLog.record("selection.opinion.give", subject: fresh.reference, detail: "必要性：\(necessity)；可行性：\(feasibility)；合法性：\(legality)",
                                      by: actor.accountID, on: db)
        }
    }

    /// What the actor's unit was asked for, waiting first, then answered (newest first).
    public func opinionRequests(actor: Actor, window: ListWindow) async throws -> Listing<Proposal> {
        guard let unit = actor.unitID else { return Listing(items: [], total: 0, window: window) }
        let query = Proposal.query(on: db).filter(\.$opinionUnitID == unit)
        let all = try await query.sort(\.$opinionRequestedAt, .descending).all()
        let ordered = all.filter { $0.opinionAt == nil } + all.filter { $0.opinionAt != nil }
        return Listing.slice(ordered, window)
    }

    /// How many opinions the unit owes (the navigation's count).
    public func opinionsWaiting(unitID: Int) async throws -> Int {
        try await Proposal.query(on: db).filter(\.$opinionUnitID == unitID).filter(\.$opinionAt == nil).count()
    }

    /// An estimated cost typed in 万元: empty, or a number not below 0.
    static func cost(_ text: String) throws -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        guard let value = ImportNumber.value(trimmed), value >= 0 else { throw ServiceError.invalid("估算投资应为不小于 0 的数字（万元）。") }
        return value
    }

    // MARK: - The shortlist

    public struct ShortlistRules: Sendable {
        public var places: String
        public var voteOpensOn: String
        public var voteClosesOn: String
        public var votePicks: String
        public init(places: String, voteOpensOn: String, voteClosesOn: String, votePicks: String) {
            self.places = places
            self.voteOpensOn = voteOpensOn
            self.voteClosesOn = voteClosesOn
            self.votePicks = votePicks
        }
    }

    /// Sets the places and the public vote (both vote days empty: no public vote).
    public func setShortlistRules(roundID: Int, _ rules: ShortlistRules, actor: Actor, tree: RegionTree) async throws {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard let places = Int(rules.places.trimmingCharacters(in: .whitespaces)), (1...200).contains(places) else {
            throw ServiceError.invalid("名额应为 1 至 200 之间的整数。")
        }
        let opensText = rules.voteOpensOn.trimmingCharacters(in: .whitespaces), closesText = rules.voteClosesOn.trimmingCharacters(in: .whitespaces)
        var vote: (String, String, Int)? = nil
        if !opensText.isEmpty || !closesText.isEmpty {
            guard let opens = ChineseDate.parseDay(opensText), let closes = ChineseDate.parseDay(closesText), opens.iso <= closes.iso else {
                throw ServiceError.invalid("请填写网络投票的起止日期（截止不早于开始），不进行网络投票则都留空。")
            }
            guard let picks = Int(rules.votePicks.trimmingCharacters(in: .whitespaces)), picks >= 1 else {
                throw ServiceError.invalid("请填写每人最多可选的项目数。")
            }
            vote = (opens.iso, closes.iso, picks)
        }
        let settings = vote
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            if try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).count() > 0,
               settings?.2 != round.votePicks || settings?.0 != round.voteOpensOn {
                throw ServiceError.conflict("网络投票已有群众参与，开始日期和可选数不能再改（可延长截止日期）。")
            }
            round.places = places
            (round.voteOpensOn, round.voteClosesOn, round.votePicks) = (settings?.0, settings?.1, settings?.2)
            try await round.save(on: db)
            try await AuditLog.record("selection.shortlist.rules", subject: round.title,
                                      detail: "名额 \(places)" + (settings.map { "；网络投票 \($0.0) 至 \($0.1)，每人最多选 \($0.2) 个" } ?? "；不进行网络投票"),
                                      by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
        }
    }

    public struct CandidateDraft: Sendable {
        public var name: String
        public var description: String
        public var cost: String
        public var unitID: Int?
        /// The round's numbers (第 N 号) of the proposals behind it, "3, 7, 12".
        public var proposals: String
        public init(name: String, description: String, cost: String, unitID: Int?, proposals: String) {
            self.name = name
            self.description = description
            self.cost = cost
            self.unitID = unitID
            self.proposals = proposals
        }
    }

    /// Adds a candidate (or, with `candidateID`, replaces its fields and proposals). Every proposal
    /// named must have been answered 列为候选项目 and not belong to another candidate.
    @discardableResult
    public func saveCandidate(roundID: Int, candidateID: Int? = nil, _ draft: CandidateDraft, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Int {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        let name = try PlanEditor.text(draft.name, field: "候选项目名称", limit: 100)
        let description = try PlanEditor.text(draft.description, field: "项目简介", limit: 2000)
        let costValue = try Self.cost(draft.cost)
        if let unitID = draft.unitID {
            guard let unit = try await Department.find(unitID, on: db), tree.isWithin(unit.$region.id, of: round.$region.id) else {
                throw ServiceError.invalid("请选择本区划的一个部门。")
            }
        }
        var numbers: [Int] = []
        for part in draft.proposals.split(whereSeparator: { ",，、 ".contains($0) }) {
            guard let seq = Int(part), seq > 0 else { throw ServiceError.invalid("来源建议请填写建议的序号，用逗号分开，如 3, 7, 12。") }
            if !numbers.contains(seq) { numbers.append(seq) }
        }
        let unitChoice = draft.unitID
        let (seqs, cost) = (numbers, costValue)
        return try await db.write(locking: [.record("round:\(roundID)")]) { db in
            if try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).count() > 0 {
                throw ServiceError.conflict("网络投票已经开始，候选项目不能再改动。")
            }
            if try await SelectionRound.find(roundID, on: db)?.sessionState != nil {
                throw ServiceError.conflict("人大代表票决已经开始，候选项目不能再改动。")
            }
            let proposals = seqs.isEmpty ? [] : try await Proposal.query(on: db).filter(\.$round.$id == roundID).filter(\.$seq ~~ seqs).all()
            let missing = seqs.filter { seq in !proposals.contains { $0.seq == seq } }
            guard missing.isEmpty else { throw ServiceError.invalid("没有第 \(missing.map(String.init).joined(separator: "、")) 号建议。") }
            let notCandidate = proposals.filter { $0.state != .candidate }.map(\.seq).sorted()
            guard notCandidate.isEmpty else {
                throw ServiceError.invalid("第 \(notCandidate.map(String.init).joined(separator: "、")) 号建议尚未答复为“列为候选项目”。")
            }
            let candidate: SelectionCandidate
            if let candidateID {
                guard let found = try await SelectionCandidate.find(candidateID, on: db), found.$round.id == roundID else {
                    throw ServiceError.notFound("未找到该候选项目。")
                }
                candidate = found
            } else {
                candidate = SelectionCandidate()
                candidate.$round.id = roundID
                candidate.seq = (try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).max(\.$seq) ?? 0) + 1
                candidate.createdAt = now
            }
            let taken = proposals.filter { $0.candidateID != nil && $0.candidateID != candidate.id }.map(\.seq).sorted()
            guard taken.isEmpty else { throw ServiceError.conflict("第 \(taken.map(String.init).joined(separator: "、")) 号建议已属于另一个候选项目。") }
            (candidate.name, candidate.description, candidate.cost) = (name, description, cost)
            candidate.$unit.id = unitChoice
            try await candidate.save(on: db)
            let id = try candidate.requireID()
            // The candidate's proposals are exactly those named.
            for old in try await Proposal.query(on: db).filter(\.$candidateID == id).all() where !seqs.contains(old.seq) {
                old.candidateID = nil
                try await old.save(on: db)
            }
            for proposal in proposals where proposal.candidateID != id {
                proposal.candidateID = id
                try await proposal.save(on: db)
            }
            try await AuditLog.record(candidateID == nil ? "selection.candidate.add" : "selection.candidate.update", subject: round.title,
                                      detail: "\(candidate.seq). \(name)（来源建议 \(seqs.map(String.init).joined(separator: "、"))）", by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
            return id
        }
    }

    /// Removes a candidate before the public vote begins; its proposals stay candidates.
    public func removeCandidate(candidateID: Int, actor: Actor, tree: RegionTree) async throws {
        guard let candidate = try await SelectionCandidate.find(candidateID, on: db) else { throw ServiceError.notFound("未找到该候选项目。") }
        let round = try await managedRound(candidate.$round.id, actor: actor, tree: tree)
        let roundID = try round.requireID()
        try await db.write(locking: [.record("round:\(roundID)")]) { db in
            if try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).count() > 0 {
                throw ServiceError.conflict("网络投票已经开始，候选项目不能再删除。")
            }
            if try await SelectionRound.find(roundID, on: db)?.sessionState != nil {
                throw ServiceError.conflict("人大代表票决已经开始，候选项目不能再删除。")
            }
            for proposal in try await Proposal.query(on: db).filter(\.$candidateID == candidateID).all() {
                proposal.candidateID = nil
                try await proposal.save(on: db)
            }
            try await candidate.delete(on: db)
            try await AuditLog.record("selection.candidate.remove", subject: round.title, detail: candidate.name, by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
        }
    }

    /// A candidate with the proposals behind it and its public votes.
    public struct CandidateRow: Sendable {
        public var candidate: SelectionCandidate
        public var unitName: String?
        public var proposals: [(seq: Int, reference: String, title: String)]
        public var votes: Int
    }

    /// The shortlist in order, with each candidate's public votes.
    public func shortlist(roundID: Int) async throws -> (candidates: [CandidateRow], voters: Int) {
        let candidates = try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).sort(\.$seq).with(\.$unit).all()
        let ids = try candidates.map { try $0.requireID() }
        let proposals = ids.isEmpty ? [] : try await Proposal.query(on: db).filter(\.$candidateID ~~ ids).sort(\.$seq).all()
        let votes = try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).all()
        var tally: [Int: Int] = [:]
        for vote in votes { for id in vote.candidateIDs { tally[id, default: 0] += 1 } }
        return (try candidates.map { candidate in
            let id = try candidate.requireID()
            return CandidateRow(candidate: candidate, unitName: candidate.unit?.name,
                                proposals: proposals.filter { $0.candidateID == id }.map { ($0.seq, $0.reference, $0.title) }, votes: tally[id] ?? 0)
        }, votes.count)
    }

    // MARK: - The public vote (advisory)

    /// One vote: up to the round's K picks among its candidates, one per phone number and per
    /// browser, the senders' limits and question after a burst. Refused with the reason, nothing written.
    public func vote(roundID: Int, picks rawPicks: [String], phone: String, address: String, browser: String?, challengeToken: String? = nil,
                     challengeAnswer: String? = nil, limits: SenderLimits = SenderLimits(), challenge: FeedbackChallenge? = nil,
                     now: Date = Date()) async throws {
        guard let round = try await SelectionRound.find(roundID, on: db) else { throw ServiceError.notFound("没有找到这次征集。") }
        let today = ChineseDate.isoDay(now)
        guard round.voteOpen(on: today), let maximum = round.votePicks else {
            throw ServiceError.conflict(round.voteOpensOn.map { today < $0 ? "网络投票将于 \($0) 开始。" : "网络投票已经结束，感谢参与。" } ?? "本次征集不进行网络投票。")
        }
        let candidates = Set(try await SelectionCandidate.query(on: db).filter(\.$round.$id == roundID).all().compactMap(\.id))
        var picks: [Int] = []
        for raw in rawPicks {
            guard let id = Int(raw), candidates.contains(id) else { throw ServiceError.invalid("所选项目不在候选名单中，请刷新页面后重选。") }
            if !picks.contains(id) { picks.append(id) }
        }
        guard !picks.isEmpty else { throw ServiceError.invalid("请至少选择一个项目。") }
        guard picks.count <= maximum else { throw ServiceError.invalid("最多可选 \(maximum) 个项目（您选了 \(picks.count) 个）。") }
        guard let number = FeedbackText.phone(phone.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServiceError.invalid("请填写正确的手机号码：每个号码限投一次，号码不会公开。")
        }
        let key = try await secret.key(on: db)
        let phoneHash = InstanceSecret.hash(number, purpose: "selection-vote:\(roundID)", key: key)
        let addressHash = InstanceSecret.hash(address, purpose: "selection-vote", key: key)
        let browserID = browser.flatMap { $0.count == 32 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
        @Sendable func check(_ db: any Database, solved: Bool?) async throws -> Bool {
            if try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).filter(\.$phoneHash == phoneHash).count() > 0 {
                throw ServiceError.conflict("这个手机号码已经投过票了，每个号码限投一次。")
            }
            if let browserID, try await SelectionVote.query(on: db).filter(\.$round.$id == roundID).filter(\.$browser == browserID).count() > 0 {
                throw ServiceError.conflict("这台设备已经投过票了，感谢参与。")
            }
            return try await SenderLimits.check(browser: nil, challengeToken: challengeToken, challenge: challenge != nil, solved: solved, what: "投票",
                                                now: now, count: { _, since in
                try await SelectionVote.query(on: db).filter(\.$addressHash == addressHash).filter(\.$createdAt > since).count()
            }, limits: limits)
        }
        let mustAnswer = try await check(db, solved: nil)
        var solved = false
        if mustAnswer, let challenge {
            solved = try await challenge.verify(token: challengeToken ?? "", answer: challengeAnswer ?? "", now: now, on: db)
            guard solved else { throw ServiceError.challenge("答案不正确或已过期，请回答新的问题。") }
        }
        let answered = solved
        let chosen = picks
        try await db.write(locking: [.sender(addressHash), .record("vote:\(roundID):\(phoneHash)")] + (browserID.map { [.sender($0)] } ?? [])) { db in
            _ = try await check(db, solved: answered)
            let vote = SelectionVote()
            vote.$round.id = roundID
            (vote.phoneHash, vote.browser, vote.addressHash, vote.picks, vote.createdAt) =
                (phoneHash, browserID, addressHash, chosen.map(String.init).joined(separator: ","), now)
            try await vote.create(on: db)
            try await PublicVersion.changed(on: db)
        }
    }
}
