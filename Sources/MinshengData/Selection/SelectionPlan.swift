import FluentKit
import Foundation
import MinshengCore

/// Into the plan: the candidates the deputies chose become next year's plan skeleton in one step —
/// an item and a project per candidate, in the order of the result, with one indicator naming the
/// candidate's department as 牵头单位 (its 单位, kind and targets for the office to complete in the
/// editor) — each project linked back to its candidate and, through it, to the proposals.
extension SelectionService {
    @discardableResult
    public func makePlan(roundID: Int, level: PlanLevel, actor: Actor, tree: RegionTree) async throws -> Int {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard round.sessionClosed else { throw ServiceError.conflict("票决结束后才能生成计划。") }
        guard round.planID == nil else { throw ServiceError.conflict("本次征集已经生成了计划。") }
        let status = try await sessionStatus(round)
        guard let result = status.result else { throw ServiceError.conflict("票决结束后才能生成计划。") }
        guard result.tiedAtLastPlace.isEmpty else {
            throw ServiceError.conflict("最后一个名额同票，须另行表决确定后再生成计划。")
        }
        let chosen = result.chosen
        guard !chosen.isEmpty else { throw ServiceError.conflict("没有通过票决的项目，不能生成计划。") }
        let candidates = Dictionary(status.candidates.map { ($0.id ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        let names = chosen.compactMap { candidates[$0]?.name }
        guard Set(names).count == names.count else { throw ServiceError.conflict("入选项目中有同名项目，请先在候选名单中区分名称。") }
        let regionName = tree[round.$region.id]?.name ?? ""
        let editor = PlanEditor(db: db)
        let plan = try await editor.create(.init(year: round.year, level: level, ownerRegionID: round.$region.id,
                                                 title: "\(round.year)年\(regionName)\(level.label)重点民生实事", approver: .above),
                                           actor: actor, tree: tree)
        let planID = try plan.requireID()
        for candidateID in chosen {
            guard let candidate = candidates[candidateID] else { continue }
            try await editor.addItem(planID: planID, name: candidate.name, actor: actor, tree: tree)
            let item = try await Item.query(on: db).filter(\.$plan.$id == planID).sort(\.$seq, .descending).first()
            let itemID = try item?.requireID() ?? 0
            try await editor.addProject(planID: planID, itemID: itemID, name: candidate.name, actor: actor, tree: tree)
            guard let project = try await Project.query(on: db).filter(\.$item.$id == itemID).first() else { continue }
            project.content = candidate.description
            try await project.save(on: db)
            let unitName = candidate.$unit.id == nil ? "" : (try await Department.find(candidate.$unit.id ?? 0, on: db))?.name ?? ""
            try await editor.addIndicator(planID: planID, projectID: try project.requireID(),
                                          .init(name: candidate.name, unitLabel: "项", kind: .image, rule: .mean, leadUnit: unitName, acceptanceStandard: ""),
                                          actor: actor, tree: tree)
            candidate.projectID = try project.requireID()
            try await candidate.save(on: db)
        }
        round.planID = planID
        try await round.save(on: db)
        try await AuditLog.record("selection.plan", subject: round.title, detail: "生成《\(plan.title)》，\(chosen.count) 个项目", by: actor.accountID, on: db)
        try await PublicVersion.changed(on: db)
        return planID
    }

    /// The project a proposal became (through its candidate), for its public page.
    public func project(ofProposal proposal: Proposal) async throws -> (projectID: Int, candidate: String)? {
        guard let candidateID = proposal.candidateID, let candidate = try await SelectionCandidate.find(candidateID, on: db),
              let projectID = candidate.projectID else { return nil }
        return (projectID, candidate.name)
    }
}

extension SelectionService {
    /// The report of a region's round for a plan year (its latest round when there are several),
    /// or nil when the region has none. The command line reads the whole database (no account).
    public func report(regionID: Int, year: Int, tree: RegionTree) async throws -> SelectionReport? {
        guard let round = try await SelectionRound.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == year).sort(\.$id, .descending).first() else {
            return nil
        }
        let roundID = try round.requireID()
        let proposals = try await Proposal.query(on: db).filter(\.$round.$id == roundID).all()
        var byState: [String: Int] = [:]
        var byChannel: [String: Int] = [:]
        for proposal in proposals {
            byState[proposal.state.rawValue, default: 0] += 1
            byChannel[proposal.channel.rawValue, default: 0] += 1
        }
        let shortlist = try await shortlist(roundID: roundID)
        let status = try await sessionStatus(round)
        let standings = Dictionary((status.result?.standings ?? []).map { ($0.tally.candidateID, $0) }, uniquingKeysWith: { a, _ in a })
        let candidates = shortlist.candidates.map { row in
            SelectionReport.Candidate(seq: row.candidate.seq, name: row.candidate.name, cost: row.candidate.cost, department: row.unitName,
                                      proposals: row.proposals.count, publicVotes: row.votes, tally: status.tallies[row.candidate.id ?? 0],
                                      standing: standings[row.candidate.id ?? 0])
        }
        var vote: (opens: String, closes: String, picks: Int, voters: Int)? = nil
        if let opens = round.voteOpensOn, let closes = round.voteClosesOn { vote = (opens, closes, round.votePicks ?? 0, shortlist.voters) }
        var session: (title: String, date: String, deputies: Int, present: Int, rule: DeputyVote.PassRule, mode: String, closed: Bool)? = nil
        if let title = round.sessionTitle, let deputies = round.deputies {
            session = (title, round.sessionDate ?? "", deputies, round.present ?? 0, round.passRule, round.ballotMode.rawValue, round.sessionClosed)
        }
        return SelectionReport(region: tree[regionID]?.name ?? "", year: year, round: round.title, byState: byState, byChannel: byChannel,
                               places: round.places, vote: vote, candidates: candidates, session: session, result: status.result)
    }
}
