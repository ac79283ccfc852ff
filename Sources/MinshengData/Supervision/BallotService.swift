import FluentKit
import Foundation
import MinshengCore

/// 十佳民生实事 vote: a ballot of N candidates, each voter picks exactly K (a ballot with more or
/// fewer is void, kept and counted as void); evaluators vote in the app, the public online (one
/// vote per phone number and per browser, with the address limits of 亮码评价); the result
/// combines the two by the office's weights and is published when the office says so.
public struct BallotService: Sendable {
    public let db: any Database
    public let secret: InstanceSecret

    public init(db: any Database, secret: InstanceSecret = InstanceSecret()) {
        self.db = db
        self.secret = secret
    }

    public func create(regionID: Int, year: Int, title raw: String, pick: Int?, projectIDs: [Int], evaluatorWeight: Int?, publicVote: Bool,
                       actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Ballot {
        try Access.manageEvaluation(actor, region: regionID, tree: tree).require()
        var problems: [String] = []
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.count < 2 || title.count > 100 { problems.append("请填写投票名称（2 至 100 个字）。") }
        let runs = try await SupervisionService(db: db).projects(inRegions: tree.subtreeIDs(of: regionID), tree: tree, year: year)
        let names = Dictionary(runs.map { ($0.projectID, $0.project) }, uniquingKeysWith: { a, _ in a })
        let candidates = Array(NSOrderedSet(array: projectIDs).compactMap { $0 as? Int })
        if candidates.contains(where: { names[$0] == nil }) { problems.append("候选项目应为本区划 \(year) 年计划中的项目。") }
        if candidates.count < 2 || candidates.count > 100 { problems.append("请选择 2 至 100 个候选项目。") }
        if let pick, pick >= 1, pick < candidates.count {} else { problems.append("应选数应至少为 1，且少于候选项目数（\(candidates.count) 个）。") }
        let weight = publicVote ? (evaluatorWeight ?? -1) : 100
        if !(0...100).contains(weight) { problems.append("评议员投票的权重应为 0 至 100（%），其余为群众投票。") }
        if publicVote && weight == 100 { problems.append("开放群众投票时，群众投票的权重应大于 0。") }
        guard problems.isEmpty, let pick else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        return try await db.write { db in
            let ballot = Ballot()
            ballot.$region.id = regionID
            ballot.year = year
            ballot.title = title
            ballot.pickCount = pick
            ballot.state = Ballot.State.draft.rawValue
            ballot.evaluatorWeight = weight
            ballot.publicWeight = 100 - weight
            ballot.createdBy = actor.accountID
            ballot.createdAt = now
            try await ballot.create(on: db)
            for (index, project) in candidates.enumerated() {
                let candidate = BallotCandidate()
                candidate.$ballot.id = try ballot.requireID()
                candidate.$project.id = project
                candidate.name = names[project] ?? ""
                candidate.seq = index + 1
                try await candidate.create(on: db)
            }
            try await AuditLog.record("ballot.create", subject: "ballot:\(ballot.id ?? 0)",
                                      detail: "\(title)：\(candidates.count) 选 \(pick)，评议员 \(weight)%、群众 \(100 - weight)%", by: actor.accountID, on: db)
            return ballot
        }
    }

    public func ballot(id: Int) async throws -> Ballot {
        guard let ballot = try await Ballot.query(on: db).filter(\.$id == id).with(\.$candidates).first() else {
            throw ServiceError.notFound("未找到该投票，或您无权查看。")
        }
        return ballot
    }

    /// Opens, closes or publishes: each only from the state before it.
    public func advance(id: Int, to state: Ballot.State, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let ballot = try await ballot(id: id)
        try Access.manageEvaluation(actor, region: ballot.$region.id, tree: tree).require()
        let from: [Ballot.State: Ballot.State] = [.open: .draft, .closed: .open, .published: .closed]
        try await db.write(locking: [.record("ballot:\(id)")]) { db in
            guard let fresh = try await Ballot.find(id, on: db), fresh.stateValue == from[state] else {
                throw ServiceError.conflict("该投票当前为“\(ballot.stateValue.label)”，不能进行此操作；请刷新页面。")
            }
            fresh.state = state.rawValue
            if state == .closed { fresh.closedAt = now }
            if state == .published { fresh.publishedAt = now }
            try await fresh.save(on: db)
            try await PublicVersion.changed(on: db)
            try await AuditLog.record("ballot.\(state.rawValue)", subject: "ballot:\(id)", by: actor.accountID, on: db)
        }
    }

    /// The picks as sent (candidate ids of the ballot; anything else is dropped and the ballot void).
    static func picks(_ raw: [String]) -> [Int] { raw.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    /// An evaluator's ballot: one per evaluator, kept as cast; returns whether it is valid.
    @discardableResult
    public func voteAsEvaluator(id: Int, picks raw: [String], actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Bool {
        let ballot = try await ballot(id: id)
        let serving = try await SupervisionService(db: db).serving([actor.accountID], on: ChineseDate.isoDay(now)).contains(actor.accountID)
        try Access.voteAsEvaluator(actor, region: ballot.$region.id, serving: serving, tree: tree).require()
        let picks = Self.picks(raw)
        guard raw.count <= 200 else { throw ServiceError.invalid("选择过多。") }
        let valid = BallotMath.isValid(picks, pick: ballot.pickCount, candidates: Set(ballot.candidates.compactMap(\.id)))
        try await db.write(locking: [.record("ballot:\(id)")]) { db in
            guard let fresh = try await Ballot.find(id, on: db), fresh.stateValue == .open else { throw ServiceError.conflict("该投票未在进行中。") }
            guard try await BallotVote.query(on: db).filter(\.$ballot.$id == id).filter(\.$accountID == actor.accountID).first() == nil else {
                throw ServiceError.conflict("您已投过票，每人只能投一次。")
            }
            try await Self.record(id, voter: .evaluator, account: actor.accountID, phone: nil, browser: nil, address: nil, picks: picks, valid: valid, now: now, on: db)
            try await AuditLog.record("ballot.vote", subject: "ballot:\(id)", detail: valid ? "有效票" : "废票", by: actor.accountID, on: db)
        }
        return valid
    }

    public struct PublicVote: Sendable {
        public var picks: [String]
        public var phone: String
        public var address: String
        public var browser: String?
        public init(picks: [String], phone: String, address: String, browser: String?) {
            self.picks = picks
            self.phone = phone
            self.address = address
            self.browser = browser
        }
    }

    /// A citizen's ballot: one per phone number and per browser, an address at most 亮码评价's
    /// daily limit; the limits are counted in the write. Returns whether it is valid.
    @discardableResult
    public func votePublic(id: Int, _ vote: PublicVote, limits: FeedbackService.Limits = .init(), now: Date = Date()) async throws -> Bool {
        let ballot = try await ballot(id: id)
        guard ballot.hasPublicVote else { throw ServiceError.notFound("该投票不接受群众投票。") }
        guard vote.picks.count <= 200 else { throw ServiceError.invalid("选择过多。") }
        guard let phone = FeedbackText.phone(vote.phone), phone.filter(\.isNumber).count == 11 else {
            throw ServiceError.invalid("请填写 11 位手机号码：每个号码只能投一次，号码不会公开。")
        }
        let key = try await secret.key(on: db)
        let phoneHash = InstanceSecret.hash(phone, purpose: "ballot-phone", key: key)
        let address = InstanceSecret.hash(vote.address, purpose: "ballot", key: key)
        let picks = Self.picks(vote.picks)
        let valid = BallotMath.isValid(picks, pick: ballot.pickCount, candidates: Set(ballot.candidates.compactMap(\.id)))
        try await db.write(locking: [.record("ballot:\(id)"), .sender(address)]) { db in
            guard let fresh = try await Ballot.find(id, on: db), fresh.stateValue == .open else { throw ServiceError.conflict("投票未开始或已结束。") }
            let votes = BallotVote.query(on: db).filter(\.$ballot.$id == id)
            if try await votes.copy().filter(\.$phoneHash == phoneHash).first() != nil { throw ServiceError.conflict("这个手机号码已经投过票，每个号码只能投一次。") }
            if let browser = vote.browser, try await votes.copy().filter(\.$browser == browser).first() != nil {
                throw ServiceError.conflict("您已经投过票，每人只能投一次。")
            }
            // 亮码评价's limits per address: a burst in the short window, and a day's worth.
            let recent = try await BallotVote.query(on: db).filter(\.$addressHash == address).filter(\.$at >= now.addingTimeInterval(-limits.shortWindow)).count()
            if recent >= limits.perAddressShort { throw ServiceError.tooMany("提交过于频繁，请过几分钟再试。") }
            let today = try await BallotVote.query(on: db).filter(\.$addressHash == address).filter(\.$at >= now.addingTimeInterval(-86_400)).count()
            if today >= limits.perAddressDay { throw ServiceError.tooMany("今天从您的网络提交的投票已达上限，请明天再试。") }
            try await Self.record(id, voter: .citizen, account: nil, phone: phoneHash, browser: vote.browser, address: address, picks: picks, valid: valid, now: now, on: db)
        }
        return valid
    }

    static func record(_ id: Int, voter: BallotVote.Voter, account: Int?, phone: String?, browser: String?, address: String?, picks: [Int], valid: Bool,
                       now: Date, on db: any Database) async throws {
        let record = BallotVote()
        record.$ballot.id = id
        record.voter = voter.rawValue
        record.accountID = account
        record.phoneHash = phone
        record.browser = browser
        record.addressHash = address
        record.picks = picks.prefix(200).map(String.init).joined(separator: ",")
        record.valid = valid
        record.at = now
        try await record.create(on: db)
    }

    /// The combined result from every ballot cast.
    public func result(_ ballot: Ballot) async throws -> BallotMath.Result {
        let votes = try await BallotVote.query(on: db).filter(\.$ballot.$id == (ballot.id ?? 0)).all()
        let candidates = ballot.candidates.sorted { $0.seq < $1.seq }.compactMap { c in c.id.map { (id: $0, name: c.name) } }
        return BallotMath.result(candidates: candidates, pick: ballot.pickCount,
                                 evaluator: votes.filter { $0.voter == BallotVote.Voter.evaluator.rawValue }.map(\.pickIDs),
                                 public: votes.filter { $0.voter == BallotVote.Voter.citizen.rawValue }.map(\.pickIDs),
                                 evaluatorWeight: ballot.evaluatorWeight, publicWeight: ballot.publicWeight)
    }

    /// Whether an evaluator has voted (the page shows its ballot then, not the form).
    public func vote(of accountID: Int, ballotID: Int) async throws -> BallotVote? {
        try await BallotVote.query(on: db).filter(\.$ballot.$id == ballotID).filter(\.$accountID == accountID).first()
    }

    public func list(actor: Actor, tree: RegionTree, window: ListWindow = ListWindow()) async throws -> Listing<Ballot> {
        let regions = Array(Access.ballotRegions(actor, tree: tree))
        let query = Ballot.query(on: db).filter(\.$region.$id ~~ (regions.isEmpty ? [-1] : regions))
        if !Access.holds(.office, actor) { query.filter(\.$state != Ballot.State.draft.rawValue) }
        return try await query.with(\.$candidates).sort(\.$createdAt, .descending).sort(\.$id, .descending).listing(window)
    }
}
