import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// 民生实事我来提: the office opens a round; the public proposes online (no sign-in, a phone
/// number required, the 亮码评价 limits), the office enters what came by letter or at meetings;
/// every proposal gets a public reference and a public page, and is answered publicly: a
/// candidate, merged into another, not adopted (with the reason), or referred to routine work.
public struct SelectionService: Sendable {
    public let db: any Database
    public let secret: InstanceSecret

    public init(db: any Database, secret: InstanceSecret = InstanceSecret()) {
        self.db = db
        self.secret = secret
    }

    public static let maxTitle = 60
    public static let maxBody = 1000
    public static let maxPlace = 100
    public static let maxName = 20
    public static let maxAnswer = 1000

    // MARK: - Rounds

    public struct RoundDraft: Sendable {
        public var year: Int
        public var title: String
        public var opensOn: String
        public var closesOn: String
        public var categories: String
        public var criteria: String
        public var negativeList: String
        public init(year: Int, title: String, opensOn: String, closesOn: String, categories: String, criteria: String, negativeList: String) {
            self.year = year
            self.title = title
            self.opensOn = opensOn
            self.closesOn = closesOn
            self.categories = categories
            self.criteria = criteria
            self.negativeList = negativeList
        }

        /// The four criteria and a negative list as the references word them, for a new round.
        public static func standard(year: Int, regionName: String) -> RoundDraft {
            RoundDraft(year: year, title: "\(year)年\(regionName)重点民生实事项目征集", opensOn: "\(year - 1)-09-01", closesOn: "\(year - 1)-09-30",
                       categories: ["教育", "医疗卫生", "养老托育", "就业社保", "住房", "交通出行", "城乡环境", "文化体育", "便民服务", "其他"].joined(separator: "\n"),
                       criteria: "普惠：惠及面广，群众普遍受益；实效：解决群众急难愁盼问题，看得见、摸得着；可行：当年能够完成，资金和用地有保障；可量化：有明确的数量或标准，便于考核验收。",
                       negativeList: ["新建、改扩建楼堂馆所", "只惠及少数人或个别单位的项目", "已列入常规工作或已有资金安排的项目", "不能在当年完成的项目"].joined(separator: "\n"))
        }
    }

    /// Checks a round's draft; returns it cleaned.
    static func check(_ draft: RoundDraft) throws -> RoundDraft {
        var clean = draft
        guard (2000...2100).contains(draft.year) else { throw ServiceError.invalid("年度应为 2000 至 2100 之间的四位数字。") }
        clean.title = try PlanEditor.text(draft.title, field: "征集名称", limit: 100)
        guard let opens = ChineseDate.parseDay(draft.opensOn), let closes = ChineseDate.parseDay(draft.closesOn) else {
            throw ServiceError.invalid("请填写征集的起止日期（如 2025-09-01）。")
        }
        guard opens.iso <= closes.iso else { throw ServiceError.invalid("征集的截止日期不能早于开始日期。") }
        (clean.opensOn, clean.closesOn) = (opens.iso, closes.iso)
        let categories = draft.categories.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !categories.isEmpty else { throw ServiceError.invalid("请至少列出一个征集类别（每行一个）。") }
        guard categories.count <= 30, categories.allSatisfy({ $0.count <= 20 }) else { throw ServiceError.invalid("征集类别不超过 30 个，每个不超过 20 个字。") }
        clean.categories = categories.joined(separator: "\n")
        clean.criteria = try PlanEditor.text(draft.criteria, field: "遴选标准", limit: 2000)
        clean.negativeList = try PlanEditor.optionalText(draft.negativeList, field: "负面清单", limit: 2000) ?? ""
        return clean
    }

    public func createRound(regionID: Int, _ draft: RoundDraft, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> SelectionRound {
        try Access.office(actor, region: regionID, tree: tree, notFound: "未找到该行政区划，或您无权管理。").require()
        let clean = try Self.check(draft)
        let round = SelectionRound()
        round.$region.id = regionID
        (round.year, round.title, round.opensOn, round.closesOn) = (clean.year, clean.title, clean.opensOn, clean.closesOn)
        (round.categoriesText, round.criteria, round.negativeList) = (clean.categories, clean.criteria, clean.negativeList)
        (round.createdBy, round.createdAt) = (actor.accountID, now)
        try await db.write { db in
            try await round.create(on: db)
            try await AuditLog.record("selection.round.create", subject: clean.title, detail: "\(clean.opensOn) 至 \(clean.closesOn)", by: actor.accountID, on: db)
        }
        return round
    }

    public func updateRound(id: Int, _ draft: RoundDraft, actor: Actor, tree: RegionTree) async throws {
        let round = try await managedRound(id, actor: actor, tree: tree)
        let clean = try Self.check(draft)
        (round.year, round.title, round.opensOn, round.closesOn) = (clean.year, clean.title, clean.opensOn, clean.closesOn)
        (round.categoriesText, round.criteria, round.negativeList) = (clean.categories, clean.criteria, clean.negativeList)
        try await db.write { db in
            try await round.save(on: db)
            try await AuditLog.record("selection.round.update", subject: clean.title, detail: "\(clean.opensOn) 至 \(clean.closesOn)", by: actor.accountID, on: db)
        }
    }

    /// The round, when the actor is an office of its region (or above).
    public func managedRound(_ id: Int, actor: Actor, tree: RegionTree) async throws -> SelectionRound {
        try Access.duty(.office, actor).require()
        guard let round = try await SelectionRound.find(id, on: db) else { throw ServiceError.notFound("未找到该征集，或您无权查看。") }
        try Access.office(actor, region: round.$region.id, tree: tree, notFound: "未找到该征集，或您无权查看。").require()
        return round
    }

    /// A round with its counts.
    public struct RoundSummary: Sendable {
        public var round: SelectionRound
        public var regionName: String
        public var counts: [Proposal.State: Int]
        public var total: Int { counts.values.reduce(0, +) }
        public var answered: Int { total - (counts[.received] ?? 0) }
        /// 答复率, exact to 0.01%: answered ÷ received (nil with no proposals).
        public var answerRate: Decimal? { total == 0 ? nil : Exact.rounded(Decimal(answered) * 100 / Decimal(total), scale: 2) }
    }

    /// The rounds of the actor's region and below, newest first.
    public func rounds(actor: Actor, tree: RegionTree) async throws -> [RoundSummary] {
        try Access.duty(.office, actor).require()
        let regions = Array(tree.subtreeIDs(of: actor.regionID))
        let rounds = try await SelectionRound.query(on: db).filter(\.$region.$id ~~ regions).sort(\.$id, .descending).all()
        return try await summaries(rounds, tree: tree)
    }

    func summaries(_ rounds: [SelectionRound], tree: RegionTree) async throws -> [RoundSummary] {
        let ids = try rounds.map { try $0.requireID() }
        var counts: [Int: [Proposal.State: Int]] = [:]
        if !ids.isEmpty {
            var query = SQLQueryString("SELECT round_id, state, COUNT(*) AS n FROM proposals WHERE round_id IN (")
            query.appendInterpolation(binds: ids)
            query.appendLiteral(") GROUP BY round_id, state")
            for row in try await db.sql.raw(query).all() {
                let state = Proposal.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .received
                counts[try row.decode(column: "round_id", as: Int.self), default: [:]][state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return try rounds.map { RoundSummary(round: $0, regionName: tree[$0.$region.id]?.name ?? "", counts: counts[try $0.requireID()] ?? [:]) }
    }

    public func summary(roundID: Int, actor: Actor, tree: RegionTree) async throws -> RoundSummary {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        return try await summaries([round], tree: tree)[0]
    }

    // MARK: - Proposals

    /// A proposal as typed on the public form or by the office.
    public struct Draft: Sendable {
        public var title: String
        public var body: String
        public var category: String
        public var place: String
        public var name: String
        public var phone: String
        public init(title: String, body: String, category: String, place: String = "", name: String = "", phone: String) {
            self.title = title
            self.body = body
            self.category = category
            self.place = place
            self.name = name
            self.phone = phone
        }
    }

    struct Checked: Sendable {
        var title: String, body: String, category: String, place: String?, name: String?, phone: String
    }

    static func check(_ draft: Draft, round: SelectionRound, phoneRequired: Bool) throws -> Checked {
        let title = try PlanEditor.text(draft.title, field: "建议的项目名称", limit: maxTitle)
        let body = try PlanEditor.text(draft.body.replacingOccurrences(of: "\r\n", with: "\n"), field: "建议内容", limit: maxBody)
        let category = draft.category.trimmingCharacters(in: .whitespaces)
        guard round.categories.contains(category) else { throw ServiceError.invalid("请选择建议的类别。") }
        let place = try PlanEditor.optionalText(draft.place, field: "地点", limit: maxPlace)
        let name = try PlanEditor.optionalText(draft.name, field: "姓名", limit: maxName)
        let phoneText = draft.phone.trimmingCharacters(in: .whitespacesAndNewlines)
        var phone = ""
        if !phoneText.isEmpty {
            guard let parsed = FeedbackText.phone(phoneText) else { throw ServiceError.invalid("联系电话格式不正确，请填写手机号或带区号的固定电话。") }
            phone = parsed
        } else if phoneRequired {
            throw ServiceError.invalid("请填写联系电话：办理结果会通过电话告知，电话不公开。")
        }
        return Checked(title: title, body: body, category: category, place: place, name: name, phone: phone)
    }

    /// The public's proposal. Refused with the reason, nothing written: bad or oversized input, a
    /// closed round, a sender over the limits (or one that must answer the challenge), the same
    /// proposal again from the same sender within a day.
    public func submit(roundID: Int, _ draft: Draft, address: String, browser: String?, challengeToken: String? = nil, challengeAnswer: String? = nil,
                       limits: SenderLimits = SenderLimits(), challenge: FeedbackChallenge? = nil, now: Date = Date()) async throws -> Proposal {
        guard let round = try await SelectionRound.find(roundID, on: db) else { throw ServiceError.notFound("没有找到这次征集。") }
        let today = ChineseDate.isoDay(now)
        guard round.isOpen(on: today) else {
            throw ServiceError.conflict(today < round.opensOn ? "征集将于 \(round.opensOn) 开始，请届时再提交。" : "本次征集已于 \(round.closesOn) 结束，感谢关注。")
        }
        let checked = try Self.check(draft, round: round, phoneRequired: true)
        let addressHash = InstanceSecret.hash(address, purpose: "proposal", key: try await secret.key(on: db))
        let browserID = browser.flatMap { $0.count == 32 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
        @Sendable func limit(_ db: any Database, solved: Bool?) async throws -> Bool {
            let must = try await SenderLimits.check(browser: browserID, challengeToken: challengeToken, challenge: challenge != nil, solved: solved,
                                                    what: "建议", now: now, count: { who, since in
                switch who {
                case .address: return try await Proposal.query(on: db).filter(\.$addressHash == addressHash).filter(\.$createdAt > since).count()
                case .browser: return try await Proposal.query(on: db).filter(\.$browser == (browserID ?? "")).filter(\.$createdAt > since).count()
                }
            }, limits: limits)
            // The same proposal again from the same sender within a day.
            let recent = try await Proposal.query(on: db).filter(\.$addressHash == addressHash).filter(\.$createdAt > now.addingTimeInterval(-86_400)).all()
            if recent.contains(where: { FeedbackService.same($0.title + $0.body, checked.title + checked.body) }) {
                throw ServiceError.conflict("您已经提交过相同的建议，我们会认真研究并公开答复。")
            }
            return must
        }
        let mustAnswer = try await limit(db, solved: nil)
        var solved = false
        if mustAnswer, let challenge {
            solved = try await challenge.verify(token: challengeToken ?? "", answer: challengeAnswer ?? "", now: now, on: db)
            guard solved else { throw ServiceError.challenge("答案不正确或已过期，请回答新的问题。") }
        }
        let answered = solved
        let keys: [WriteKey] = [.sender(addressHash), .numbering("proposal:\(roundID)")] + (browserID.map { [.sender($0)] } ?? [])
        return try await db.write(locking: keys) { db in
            _ = try await limit(db, solved: answered)
            return try await Self.insert(checked, round: round, channel: .online, receivedOn: today, addressHash: addressHash, browser: browserID,
                                         enteredBy: nil, now: now, on: db)
        }
    }

    /// A proposal the office received by letter, by phone or at a meeting (the phone may be unknown).
    public func enter(roundID: Int, _ draft: Draft, channel: Proposal.Channel, receivedOn: String, actor: Actor, tree: RegionTree,
                      now: Date = Date()) async throws -> Proposal {
        let round = try await managedRound(roundID, actor: actor, tree: tree)
        guard channel != .online else { throw ServiceError.invalid("请选择收到建议的渠道（来信、电话或座谈会）。") }
        guard let day = ChineseDate.parseDay(receivedOn) else { throw ServiceError.invalid("请填写收到建议的日期（如 2025-09-12）。") }
        let checked = try Self.check(draft, round: round, phoneRequired: false)
        return try await db.write(locking: [.numbering("proposal:\(roundID)")]) { db in
            let proposal = try await Self.insert(checked, round: round, channel: channel, receivedOn: day.iso, addressHash: nil, browser: nil,
                                                 enteredBy: actor.accountID, now: now, on: db)
            try await AuditLog.record("selection.proposal.enter", subject: proposal.reference, detail: "\(channel.label)：\(checked.title)", by: actor.accountID, on: db)
            return proposal
        }
    }

    /// Numbers the proposal in its round (under the round's numbering lock) and writes it.
    static func insert(_ checked: Checked, round: SelectionRound, channel: Proposal.Channel, receivedOn: String, addressHash: String?, browser: String?,
                       enteredBy: Int?, now: Date, on db: any Database) async throws -> Proposal {
        let roundID = try round.requireID()
        let seq = (try await Proposal.query(on: db).filter(\.$round.$id == roundID).max(\.$seq) ?? 0) + 1
        let proposal = Proposal()
        proposal.$round.id = roundID
        proposal.seq = seq
        proposal.reference = "\(round.year)-\(roundID)-" + String(format: "%04d", seq)
        (proposal.title, proposal.body, proposal.category, proposal.place) = (checked.title, checked.body, checked.category, checked.place)
        (proposal.proposer, proposal.phone, proposal.channelText, proposal.receivedOn) = (checked.name, checked.phone, channel.rawValue, receivedOn)
        (proposal.addressHash, proposal.browser, proposal.createdAt, proposal.enteredBy) = (addressHash, browser, now, enteredBy)
        proposal.stateText = Proposal.State.received.rawValue
        try await proposal.create(on: db)
        try await PublicVersion.changed(on: db)
        return proposal
    }

    /// The public answer: a candidate, not adopted (with the reason), or referred to routine work
    /// (saying to whom). An answer can be revised; every answer is audited.
    public func answer(proposalID: Int, state: Proposal.State, text: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let proposal = try await managedProposal(proposalID, actor: actor, tree: tree)
        let answer: String
        switch state {
        case .candidate:
            answer = try PlanEditor.optionalText(text, field: "答复", limit: Self.maxAnswer) ?? "您的建议已列为候选项目，将进入下一步遴选和票决，结果将在此公开。"
        case .notAdopted:
            answer = try PlanEditor.text(text, field: "不予采纳的理由", limit: Self.maxAnswer)
        case .referred:
            answer = try PlanEditor.text(text, field: "转办的单位和办理方式", limit: Self.maxAnswer)
        case .merged, .received:
            throw ServiceError.invalid("请选择答复方式：列为候选项目、不予采纳或转日常工作办理（合并请用“合并办理”）。")
        }
        try await db.write(locking: [.record("proposal:\(proposalID)")]) { db in
            guard let fresh = try await Proposal.find(proposalID, on: db) else { throw ServiceError.notFound("未找到该建议。") }
            if fresh.state == .merged, let into = fresh.mergedInto {
                throw ServiceError.conflict("该建议已与第 \(into) 号合并办理，请答复合并后的建议。")
            }
            (fresh.stateText, fresh.answer, fresh.answeredAt, fresh.answeredBy, fresh.mergedInto) = (state.rawValue, answer, now, actor.accountID, nil)
            try await fresh.save(on: db)
            try await AuditLog.record("selection.proposal.answer", subject: proposal.reference, detail: "\(state.label)：\(answer)", by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
        }
    }

    /// 合并办理: the proposal is answered together with another of the same round; its proposer
    /// stays linked and is told which.
    public func merge(proposalID: Int, into targetID: Int, note: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let proposal = try await managedProposal(proposalID, actor: actor, tree: tree)
        guard proposalID != targetID else { throw ServiceError.invalid("不能与自身合并。") }
        let extra = try PlanEditor.optionalText(note, field: "合并说明", limit: Self.maxAnswer)
        try await db.write(locking: [.record("proposal:\(min(proposalID, targetID))"), .record("proposal:\(max(proposalID, targetID))")]) { db in
            guard let target = try await Proposal.find(targetID, on: db), target.$round.id == proposal.$round.id else {
                throw ServiceError.invalid("请填写同一次征集中另一条建议的编号。")
            }
            guard target.state != .merged else { throw ServiceError.invalid("第 \(target.seq) 号本身已并入其他建议，请并入最终的那一条。") }
            guard let fresh = try await Proposal.find(proposalID, on: db) else { throw ServiceError.notFound("未找到该建议。") }
            // Those merged into this one follow it to the target.
            let followers = try await Proposal.query(on: db).filter(\.$mergedInto == proposalID).all()
            let answer = "您的建议与第 \(target.seq) 号建议（\(target.reference)）内容相近，合并办理，办理结果见该建议。" + (extra.map { "\n" + $0 } ?? "")
            for record in [fresh] + followers {
                (record.stateText, record.mergedInto, record.answer, record.answeredAt, record.answeredBy) =
                    (Proposal.State.merged.rawValue, try target.requireID(), answer, now, actor.accountID)
                try await record.save(on: db)
            }
            try await AuditLog.record("selection.proposal.merge", subject: fresh.reference, detail: "并入 \(target.reference)", by: actor.accountID, on: db)
            try await PublicVersion.changed(on: db)
        }
    }

    /// The proposal, when the actor is an office of its round's region.
    public func managedProposal(_ id: Int, actor: Actor, tree: RegionTree) async throws -> Proposal {
        try Access.duty(.office, actor).require()
        guard let proposal = try await Proposal.find(id, on: db) else { throw ServiceError.notFound("未找到该建议，或您无权查看。") }
        _ = try await managedRound(proposal.$round.id, actor: actor, tree: tree)
        return proposal
    }

    /// A round's proposals for its office: filtered by state, category and words, paged, with the true total.
    public func proposals(roundID: Int, filter: ListFilter, window: ListWindow, actor: Actor, tree: RegionTree) async throws -> Listing<Proposal> {
        _ = try await managedRound(roundID, actor: actor, tree: tree)
        var query = Proposal.query(on: db).filter(\.$round.$id == roundID)
        if let status = filter.status, let state = Proposal.State(rawValue: status) { query = query.filter(\.$stateText == state.rawValue) }
        if let category = filter.category, !category.isEmpty { query = query.filter(\.$category == category) }
        if let text = filter.text, !text.isEmpty {
            query = query.group(.or) { $0.filter(\.$title, .custom("LIKE"), "%\(text)%").filter(\.$body, .custom("LIKE"), "%\(text)%").filter(\.$reference == text) }
        }
        let total = try await query.count()
        let items = try await query.sort(\.$seq).range(window.offset..<(window.offset + window.size)).all()
        return Listing(items: items, total: total, window: window)
    }

    // MARK: - The public pages

    /// A proposal's public page: what it asked, what became of it, and the proposals merged into it.
    public struct PublicProposal: Sendable {
        public var reference: String
        public var seq: Int
        public var roundID: Int
        public var roundTitle: String
        public var regionName: String
        public var title: String
        public var body: String
        public var category: String
        public var place: String?
        /// The proposer as shown: the name's first character and ** (or 匿名).
        public var proposer: String
        public var receivedOn: String
        public var channel: Proposal.Channel
        public var state: Proposal.State
        public var answer: String?
        public var answeredOn: String?
        /// Merged into: (reference, title).
        public var mergedInto: (reference: String, title: String)?
        /// How many proposals were merged into this one.
        public var mergedFrom: Int
        /// The plan's project it became, with its progress and ratings (from the project's public page).
        public var project: ProjectLink? = nil
    }

    public struct ProjectLink: Sendable {
        public var projectID: Int
        public var planTitle: String
        public var projectName: String
        /// The project's indicators' progress (rounded half-up, as the tables show it).
        public var progress: [(indicator: String, progress: Decimal?)]
        public var ratings: [Rating: Int]
    }

    public func publicProposal(reference: String, tree: RegionTree) async throws -> PublicProposal {
        let clean = reference.trimmingCharacters(in: .whitespaces)
        guard clean.count <= 30, let proposal = try await Proposal.query(on: db).filter(\.$reference == clean).first(),
              let round = try await SelectionRound.find(proposal.$round.id, on: db) else {
            throw ServiceError.notFound("没有找到这个编号的建议，请核对编号。")
        }
        var target: Proposal? = nil
        if let into = proposal.mergedInto { target = try await Proposal.find(into, on: db) }
        let mergedFrom = try await Proposal.query(on: db).filter(\.$mergedInto == proposal.requireID()).count()
        var link: ProjectLink? = nil
        if let made = try await project(ofProposal: target ?? proposal),
           let page = try await PublicProjectService(db: db).page(projectID: made.projectID, regionID: nil) {
            link = ProjectLink(projectID: made.projectID, planTitle: page.planTitle, projectName: page.projectName,
                               progress: page.indicators.map { ($0.name, $0.progress) }, ratings: page.feedback.counts)
        }
        return PublicProposal(reference: proposal.reference, seq: proposal.seq, roundID: try round.requireID(), roundTitle: round.title,
                              regionName: tree[round.$region.id]?.name ?? "", title: proposal.title, body: proposal.body, category: proposal.category,
                              place: proposal.place, proposer: Self.maskName(proposal.proposer), receivedOn: proposal.receivedOn, channel: proposal.channel,
                              state: proposal.state, answer: proposal.answer, answeredOn: proposal.answeredAt.map(ChineseDate.day),
                              mergedInto: target.map { ($0.reference, $0.title) }, mergedFrom: mergedFrom, project: link)
    }

    /// "张**" for 张三丰; 匿名 without a name.
    public static func maskName(_ name: String?) -> String {
        guard let name, let first = name.first else { return "匿名" }
        return String(first) + String(repeating: "*", count: max(1, min(name.count - 1, 2)))
    }

    /// The round's public page: its terms, and whether it takes proposals today.
    public func publicRound(id: Int, tree: RegionTree, now: Date = Date()) async throws -> (round: SelectionRound, regionName: String, open: Bool, received: Int, answered: Int) {
        guard let round = try await SelectionRound.find(id, on: db) else { throw ServiceError.notFound("没有找到这次征集。") }
        let summary = try await summaries([round], tree: tree)[0]
        return (round, summary.regionName, round.isOpen(on: ChineseDate.isoDay(now)), summary.total, summary.answered)
    }
}
