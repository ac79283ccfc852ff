import Crypto
import FluentKit
import SQLKit
import Foundation
import MinshengCore

/// 亮码评价: citizens rate a project and leave opinions on its public page; the responsible unit
/// answers each one in public; the office marks invalid ones and reassigns. Every change is kept
/// in `feedback_history` with who and when.
public struct FeedbackService: Sendable {
    public let db: any Database
    /// Keys the stored hash of a sender's address.
    public let secret: InstanceSecret

    public init(db: any Database, secret: InstanceSecret = InstanceSecret()) {
        self.db = db
        self.secret = secret
    }

    /// The limits a sender meets. A shared address (an office behind one gateway) gets more room
    /// than a single browser.
    public struct Limits: Sendable {
        /// From this many in the short window on, an address must answer a challenge.
        public var challengeAfter = 3
        public var perAddressShort = 20
        public var perAddressDay = 100
        public var perBrowserShort = 5
        public var shortWindow: TimeInterval = 600
        public var maxText = 500
        public init() {}
    }

    public struct Submission: Sendable {
        public var projectID: Int
        /// nil: the project's page as a whole.
        public var regionID: Int?
        public var rating: String
        public var text: String
        public var phone: String
        /// The sender's network address (only its hash is kept).
        public var address: String
        /// The browser's own random id (a cookie), when it has one.
        public var browser: String?
        /// The challenge's token and the answer typed, when the form carried one.
        public var challengeToken: String?
        public var challengeAnswer: String?
        public init(projectID: Int, regionID: Int?, rating: String, text: String, phone: String, address: String, browser: String?,
                    challengeToken: String? = nil, challengeAnswer: String? = nil) {
            self.challengeToken = challengeToken
            self.challengeAnswer = challengeAnswer
            self.projectID = projectID
            self.regionID = regionID
            self.rating = rating
            self.text = text
            self.phone = phone
            self.address = address
            self.browser = browser
        }
    }

    /// The page's region, the unit that answers for it and the plan's reply deadline in working
    /// days, or nil when there is no such page.
    func page(projectID: Int, regionID: Int?) async throws -> (region: Int, unit: Int?, days: Int)? {
        guard let project = try await Project.query(on: db).filter(\.$id == projectID).with(\.$item).first(),
              let plan = try await Plan.find(project.item.$plan.id, on: db) else { return nil }
        let region = regionID ?? plan.$owner.id
        let indicators = try await Indicator.query(on: db).filter(\.$project.$id == projectID).sort(\.$seq).all()
        let shares = try await TableRows.shares(indicatorIDs: indicators.compactMap(\.id), regionIDs: [region], on: db)
        guard region == plan.$owner.id || !shares.isEmpty else { return nil }
        if let unit = shares.compactMap(\.unitID).first { return (region, unit, plan.replyDays) }
        // The whole project's page: the lead unit of the plan's own region answers.
        let lead = indicators.compactMap { $0.$leadUnit.id }.first
        return (region, lead, plan.replyDays)
    }

    /// Takes a rating and/or an opinion, or refuses with the reason; nothing is written on refusal.
    /// With `challenge`, an address that has sent `limits.challengeAfter` in the short window must
    /// answer its question (a `.challenge` refusal asks for it).
    public func submit(_ submission: Submission, limits: Limits = Limits(), challenge: FeedbackChallenge? = nil,
                       now: Date = Date()) async throws -> Feedback {
        let ratingText = submission.rating.trimmingCharacters(in: .whitespacesAndNewlines)
        var rating: Rating? = nil
        if !ratingText.isEmpty {
            guard let parsed = Rating(rawValue: ratingText) else { throw ServiceError.invalid("请选择满意、基本满意或不满意。") }
            rating = parsed
        }
        let text = submission.text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        guard text.count <= limits.maxText else { throw ServiceError.invalid("意见建议不能超过 \(limits.maxText) 字（现有 \(text.count) 字）。") }
        guard rating != nil || !text.isEmpty else { throw ServiceError.invalid("请选择评价，或填写意见建议。") }
        let phoneText = submission.phone.trimmingCharacters(in: .whitespacesAndNewlines)
        var phone: String? = nil
        if !phoneText.isEmpty {
            guard let parsed = FeedbackText.phone(phoneText) else { throw ServiceError.invalid("联系电话格式不正确，请填写手机号或带区号的固定电话。") }
            phone = parsed
        }
        guard let page = try await page(projectID: submission.projectID, regionID: submission.regionID) else {
            throw ServiceError.notFound("没有找到这个民生实事项目。")
        }
        let address = InstanceSecret.hash(submission.address, purpose: "feedback", key: try await secret.key(on: db))
        let browser = submission.browser.flatMap { $0.count == 32 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
        let item = Feedback(projectID: submission.projectID, regionID: page.region, unitID: page.unit, rating: rating,
                            body: text.isEmpty ? nil : text, phone: phone, addressHash: address, browser: browser, at: now,
                            due: FeedbackText.deadline(from: now, workingDays: page.days))
        // The limits are counted and decided in the transaction that writes, holding the sender's
        // locks: parallel submissions from one address are counted one after the other.
        let keys: [WriteKey] = [.sender(address)] + (browser.map { [.sender($0)] } ?? [])
        let chosen = rating
        // Checked first without writing (a sender over its limits never queues with the writers),
        // then again in the transaction that writes. The challenge's answer is checked between the
        // two, once: answering uses the token up whatever follows.
        let mustAnswer = try await Self.checkLimits(address: address, browser: browser, projectID: submission.projectID, regionID: page.region,
                                                    rating: chosen, text: text, submission: submission, limits: limits, challenge: challenge,
                                                    solved: nil, now: now, on: db)
        var solved = false
        if mustAnswer, let challenge {
            solved = try await challenge.verify(token: submission.challengeToken ?? "", answer: submission.challengeAnswer ?? "", now: now, on: db)
            guard solved else { throw ServiceError.challenge("答案不正确或已过期，请回答新的问题。") }
        }
        let answered = solved
        try await db.write(locking: keys) { db in
            _ = try await Self.checkLimits(address: address, browser: browser, projectID: submission.projectID, regionID: page.region,
                                           rating: chosen, text: text, submission: submission, limits: limits, challenge: challenge,
                                           solved: answered, now: now, on: db)
            try await item.create(on: db)
            try await FeedbackHistory(feedbackID: try item.requireID(), action: "receive", detail: chosen.map { "评价：\($0.label)" } ?? "意见建议",
                                      accountID: nil, at: now).create(on: db)
        }
        return item
    }

    /// Refuses a submission over the sender's limits, one that must answer the challenge and sent
    /// no answer (or, in the transaction with `solved` false, whose challenge became due since the
    /// first check), and a duplicate. Returns whether the challenge is due. What decides is the
    /// run inside the writing transaction.
    @discardableResult
    static func checkLimits(address: String, browser: String?, projectID: Int, regionID: Int, rating: Rating?, text: String,
                            submission: Submission, limits: Limits, challenge: FeedbackChallenge?, solved: Bool?, now: Date,
                            on db: any Database) async throws -> Bool {
        var sender = SenderLimits()
        (sender.challengeAfter, sender.perAddressShort, sender.perAddressDay, sender.perBrowserShort, sender.shortWindow) =
            (limits.challengeAfter, limits.perAddressShort, limits.perAddressDay, limits.perBrowserShort, limits.shortWindow)
        let mustAnswer = try await SenderLimits.check(browser: browser, challengeToken: submission.challengeToken, challenge: challenge != nil, solved: solved,
                                                      what: "评价", now: now, count: { who, since in
            switch who {
            case .address: return try await Feedback.query(on: db).filter(\.$addressHash == address).filter(\.$createdAt > since).count()
            case .browser: return try await Feedback.query(on: db).filter(\.$browser == (browser ?? "")).filter(\.$createdAt > since).count()
            }
        }, limits: sender)
        // Duplicates: the same opinion again from the same sender, or a second rating of the same
        // page from the same browser, within a day.
        // Read by sender (its own index, at most a day's limit of rows), then narrowed to the page:
        // a page's own rows would grow with every rating it gets.
        let day = now.addingTimeInterval(-86_400)
        var recent = try await Feedback.query(on: db).filter(\.$addressHash == address).filter(\.$createdAt > day).all()
        if let browser { recent += try await Feedback.query(on: db).filter(\.$browser == browser).filter(\.$createdAt > day).all() }
        recent = recent.filter { $0.$project.id == projectID && $0.$region.id == regionID }
        if !text.isEmpty, recent.contains(where: { Self.same($0.body ?? "", text) }) {
            throw ServiceError.conflict("您已经提交过相同的意见建议，我们会尽快回复。")
        }
        if rating != nil, text.isEmpty, let browser, recent.contains(where: { $0.browser == browser && $0.rating != nil }) {
            throw ServiceError.conflict("您今天已经评价过这个项目，感谢参与。")
        }
        return mustAnswer
    }

    static func same(_ a: String, _ b: String) -> Bool {
        a.filter { !$0.isWhitespace } == b.filter { !$0.isWhitespace }
    }

    private func load(_ id: Int) async throws -> Feedback {
        guard let item = try await Feedback.query(on: db).filter(\.$id == id).with(\.$unit).first() else {
            throw ServiceError.notFound("未找到这条意见，或您无权处理。")
        }
        return item
    }

    /// The responsible unit answers; the answer is public, signed with the unit's name.
    public func reply(id: Int, text raw: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let item = try await load(id)
        try Access.answer(actor, region: item.$region.id, unit: item.$unit.id, tree: tree).require()
        guard let unit = item.unit else { throw ServiceError.notFound("未找到这条意见，或您无权处理。") }
        guard item.stateValue != .invalid else { throw ServiceError.conflict("这条意见已被标为无效，不需回复。") }
        guard item.hasText else { throw ServiceError.invalid("这条只有评价，没有需要回复的意见。") }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ServiceError.invalid("请填写回复内容。") }
        guard text.count <= 1000 else { throw ServiceError.invalid("回复不能超过 1000 字。") }
        let before = item.reply
        item.reply = text
        item.replyUnit = unit.name
        item.$repliedBy.id = actor.accountID
        if item.repliedAt == nil { item.repliedAt = now }
        item.state = FeedbackState.answered.rawValue
        try await db.write { db in
            try await item.save(on: db)
            try await FeedbackHistory(feedbackID: id, action: before == nil ? "reply" : "reply.edit", detail: text, accountID: actor.accountID, at: now).create(on: db)
        }
        try await PublicVersion.changed(on: db)
    }

    /// The office marks an opinion invalid (spam, abuse, off-topic), with a reason.
    public func markInvalid(id: Int, reason raw: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let item = try await load(id)
        try Access.officeOfOpinion(actor, region: item.$region.id, tree: tree).require()
        let reason = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ServiceError.invalid("请填写标为无效的原因。") }
        guard reason.count <= 200 else { throw ServiceError.invalid("原因不能超过 200 字。") }
        item.state = FeedbackState.invalid.rawValue
        item.invalidReason = reason
        item.$invalidBy.id = actor.accountID
        item.invalidAt = now
        try await db.write { db in
            try await item.save(on: db)
            try await FeedbackHistory(feedbackID: id, action: "invalid", detail: reason, accountID: actor.accountID, at: now).create(on: db)
        }
        try await PublicVersion.changed(on: db)
    }

    /// The office hands an opinion to another unit within its region.
    public func reassign(id: Int, unitID: Int?, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let item = try await load(id)
        try Access.officeOfOpinion(actor, region: item.$region.id, tree: tree).require()
        guard let unitID else { throw ServiceError.invalid("请选择单位。") }
        // Only a unit of the item's own region answers for its page (every county has a 教育局).
        guard let unit = try await Department.find(unitID, on: db), unit.$region.id == item.$region.id,
              tree.isWithin(unit.$region.id, of: actor.regionID) else {
            throw ServiceError.invalid("请选择\(tree[item.$region.id]?.name ?? "该意见所属地区")的单位。")
        }
        guard item.$unit.id != unitID else { throw ServiceError.conflict("这条意见已由\(unit.name)负责。") }
        let from = item.unit?.name ?? "未分配"
        item.$unit.id = unitID
        try await db.write { db in
            try await item.save(on: db)
            try await FeedbackHistory(feedbackID: id, action: "reassign", detail: "\(from) → \(unit.name)", accountID: actor.accountID, at: now).create(on: db)
        }
    }

    public func history(id: Int) async throws -> [FeedbackHistory] {
        try await FeedbackHistory.query(on: db).filter(\.$feedbackID == id).sort(\.$at).sort(\.$id).all()
    }

    /// One line of an inbox.
    public struct Entry: Sendable {
        public var item: Feedback
        public var project: String
        public var region: String
        public var unit: String?
        public var due: Date
        public var overdue: Bool
        /// The phone as this account may see it: whole for the answering unit, masked otherwise.
        public var phone: String?
    }

    /// A page of the inbox and its true counts.
    public struct Inbox: Sendable {
        public var listing: Listing<Entry>
        /// Over the whole inbox, before filters.
        public var open: Int
        public var overdue: Int
        public var answered: Int
        public var invalid: Int
    }

    /// A unit's opinions (an office's: everything in its region and below), unanswered first,
    /// oldest first, then the rest newest first; a page of them, filtered by region, project,
    /// unit, state (`received`, `overdue`, `answered`, `invalid`), month of receipt in the given
    /// year and words of the opinion.
    public func inbox(actor: Actor, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow(),
                      now: Date = Date()) async throws -> Inbox {
        guard let base = opinions(for: actor, tree: tree) else {
            return Inbox(listing: Listing(items: [], total: 0, window: window), open: 0, overdue: 0, answered: 0, invalid: 0)
        }
        func count(_ state: FeedbackState) async throws -> Int { try await base.copy().filter(\.$state == state.rawValue).count() }
        let open = try await count(.received), answered = try await count(.answered), invalid = try await count(.invalid)
        let overdue = try await base.copy().filter(\.$state == FeedbackState.received.rawValue).filter(\.$dueAt < now).count()

        let query = base.copy()
        if let region = filter.regionID { query.filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: region))) }
        if let project = filter.projectID { query.filter(\.$project.$id == project) }
        if let unit = filter.unitID { query.filter(\.$unit.$id == unit) }
        switch filter.status {
        case "overdue"?: query.filter(\.$state == FeedbackState.received.rawValue).filter(\.$dueAt < now)
        case let state? where FeedbackState(rawValue: state) != nil: query.filter(\.$state == state)
        default: break
        }
        if let year = filter.year, let month = filter.month {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = ChineseDate.timeZone
            if let from = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
               let until = calendar.date(byAdding: .month, value: 1, to: from) {
                query.filter(\.$createdAt >= from).filter(\.$createdAt < until)
            }
        }
        if let text = filter.text { query.filter(\.$body ~~ text) }
        // Unanswered first, oldest first; then the rest, newest first.
        let page = try await query.with(\.$project).with(\.$unit)
            .sort(.custom(SQLRaw("CASE WHEN \"feedback\".\"state\" = 'received' THEN 0 ELSE 1 END")))
            .sort(.custom(SQLRaw("CASE WHEN \"feedback\".\"state\" = 'received' THEN \"feedback\".\"created_at\" END ASC")))
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .listing(window)
        let entries = page.map { item in
            // Every opinion carries its deadline (set on receipt; M008 filled in the older ones).
            let due = item.dueAt ?? FeedbackText.deadline(from: item.createdAt, workingDays: 5)
            let ownUnit = item.$unit.id != nil && item.$unit.id == actor.unitID
            return Entry(item: item, project: item.project.name, region: tree[item.$region.id]?.name ?? "", unit: item.unit?.name, due: due,
                         overdue: item.stateValue == .received && now > due,
                         phone: item.phone.map { ownUnit ? $0 : FeedbackText.maskPhone($0) })
        }
        return Inbox(listing: entries, open: open, overdue: overdue, answered: answered, invalid: invalid)
    }

    /// The opinions (items with text) an account deals with: an office's everything in its region
    /// and below, a unit's those assigned to it; nil for anyone else.
    private func opinions(for actor: Actor, tree: RegionTree) -> QueryBuilder<Feedback>? {
        let base = Feedback.query(on: db).filter(\.$body != nil)
        if Access.holds(.office, actor) { return base.filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: actor.regionID))) }
        if let unit = actor.unitID { return base.filter(\.$unit.$id == unit) }
        return nil
    }

    /// What the account's inbox holds for it: unanswered items, those past their deadline, and
    /// those that arrived since it last opened the inbox.
    public struct Notice: Sendable, Equatable {
        public var open: Int
        public var overdue: Int
        public var new: Int
        public init(open: Int, overdue: Int, new: Int) {
            self.open = open
            self.overdue = overdue
            self.new = new
        }
    }

    private func openItems(actor: Actor, tree: RegionTree) -> QueryBuilder<Feedback>? {
        opinions(for: actor, tree: tree)?.filter(\.$state == FeedbackState.received.rawValue)
    }

    public func notice(actor: Actor, tree: RegionTree, seenAt: Date?, now: Date = Date()) async throws -> Notice? {
        guard let open = openItems(actor: actor, tree: tree), let overdue = openItems(actor: actor, tree: tree),
              let new = openItems(actor: actor, tree: tree) else { return nil }
        let newCount = try await (seenAt.map { new.filter(\.$createdAt > $0) } ?? new).count()
        return Notice(open: try await open.count(), overdue: try await overdue.filter(\.$dueAt <= now).count(), new: newCount)
    }

    /// The account has opened its inbox: what it holds is no longer new to it.
    public func markSeen(accountID: Int, now: Date = Date()) async throws {
        try await db.bookkeeping { db in try await Account.query(on: db).filter(\.$id == accountID).set(\.$feedbackSeenAt, to: now).update() }
    }

    /// What the public page shows: the rating counts and the answered opinions with their answers.
    public struct PublicSummary: Sendable {
        public var counts: [Rating: Int]
        /// The latest answered opinions, newest answer first (at most 20).
        public var answered: [Feedback]
        public var received: Int
        public var answeredCount: Int
    }

    public func publicSummary(projectID: Int, regionID: Int?, isWhole: Bool) async throws -> PublicSummary {
        let valid = [FeedbackState.received.rawValue, FeedbackState.answered.rawValue]
        let inRegion = !isWhole && regionID != nil
        var binds: [TableRows.Bind] = [.int(projectID), .text(valid[0]), .text(valid[1])]
        if inRegion, let regionID { binds.append(.int(regionID)) }
        let rows = try await TableRows.read({ mark in
            "SELECT rating, COUNT(*) AS n FROM feedback WHERE project_id = \(mark(1)) AND state IN (\(mark(2)), \(mark(3))) AND rating IS NOT NULL"
                + (inRegion ? " AND region_id = \(mark(4))" : "") + " GROUP BY rating"
        }, binds, on: db)
        var counts: [Rating: Int] = [:]
        let (ratingColumn, count) = (try rows.column("rating"), try rows.column("n"))
        for row in rows { if let rating = try row.string(ratingColumn).flatMap(Rating.init(rawValue:)) { counts[rating] = try row.requiredInt(count) } }
        var answeredQuery = Feedback.query(on: db).filter(\.$project.$id == projectID).filter(\.$state == FeedbackState.answered.rawValue)
        var receivedQuery = Feedback.query(on: db).filter(\.$project.$id == projectID).filter(\.$body != nil).filter(\.$state != FeedbackState.invalid.rawValue)
        if !isWhole, let regionID {
            answeredQuery = answeredQuery.filter(\.$region.$id == regionID)
            receivedQuery = receivedQuery.filter(\.$region.$id == regionID)
        }
        let answeredCount = try await answeredQuery.count()
        let answered = try await answeredQuery.sort(\.$repliedAt, .descending).limit(20).all()
        return PublicSummary(counts: counts, answered: answered, received: try await receivedQuery.count(), answeredCount: answeredCount)
    }
}
