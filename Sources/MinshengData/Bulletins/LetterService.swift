import FluentKit
import Foundation
import MinshengCore

/// Letters from an office to the units whose indicators lag: proposed from the month's figures
/// with the office's tier rule, numbered and sent as .docx, acknowledged and answered by the unit.
public struct LetterService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// Whether a row puts its unit on the month's list: the aggregate lags, a region's share lags,
    /// or 验收率 trails 进度 by more than the month's limit.
    static func triggered(_ row: ProgressTable.Row, table: ProgressTable) -> Bool {
        row.aggregate?.status == .lagging || !row.laggingRegions(columns: table.columns).isEmpty || row.aggregate?.overLimit == true
    }

    /// The letters the month's figures call for, one per unit, with the tier its rule gives.
    public func proposals(regionID: Int, year: Int, month: Int, tree: RegionTree, now: Date = Date()) async throws -> [LetterProposal] {
        let bulletins = BulletinService(db: db)
        let office = try await bulletins.office(regionID: regionID, tree: tree)
        let rule = office.letterRule
        let plans = try await bulletins.plans(regionID: regionID, year: year, level: nil, tree: tree)
        let units = try await Department.query(on: db).filter(\.$region.$id == regionID).all()
        let unitByName = Dictionary(units.compactMap { u in u.id.map { (u.name, $0) } }, uniquingKeysWith: { a, _ in a })
        var byUnit: [Int: [LetterTrigger]] = [:]
        var order: [Int] = []
        for plan in plans {
            guard let planID = plan.id,
                  let report = try await AcceptanceService(db: db).report(planID: planID, scopeRegionID: regionID, tree: tree, focusRegionID: regionID,
                                                                         month: month, now: now) else { continue }
            let table = report.table
            // Months in a row each indicator has been on the list, looking back as far as the rule needs.
            var earlier: [ProgressTable] = []
            let back = max(rule.supervisionMonths - 1, 0)
            for m in stride(from: month - 1, through: max(1, month - back), by: -1) {
                guard let previous = try await AcceptanceService(db: db).report(planID: planID, scopeRegionID: regionID, tree: tree,
                                                                               focusRegionID: regionID, month: m, now: now) else { break }
                earlier.append(previous.table)
            }
            for row in table.rows where Self.triggered(row, table: table) {
                var months = 1
                for previous in earlier {
                    guard let before = previous.rows.first(where: { $0.indicatorID == row.indicatorID }), Self.triggered(before, table: previous) else { break }
                    months += 1
                }
                let name = [row.leadUnit, row.aggregate?.responsibleUnit].compactMap { $0 }.first { unitByName[$0] != nil }
                guard let name, let unitID = unitByName[name] else { continue }
                let figure = row.aggregate
                let trigger = LetterTrigger(project: row.projectName, indicator: row.indicator, progress: figure?.progress, schedule: table.schedule,
                                            lagging: figure?.status == .lagging, months: months, laggingRegions: row.laggingRegions(columns: table.columns),
                                            acceptance: figure?.overLimit == true ? figure?.acceptance : nil,
                                            gap: figure?.overLimit == true ? figure?.gap : nil, gapLimit: figure?.overLimit == true ? table.gapLimit : nil)
                if byUnit[unitID] == nil { order.append(unitID) }
                byUnit[unitID, default: []].append(trigger)
            }
        }
        let names = Dictionary(units.compactMap { u in u.id.map { ($0, u.name) } }, uniquingKeysWith: { a, _ in a })
        // Problems the unit let pass their deadline put it on the list too (as of the month's end,
        // or now for the running month).
        let cutoff = min(now, ChineseDate.endOfMonth(year: year, month: month))
        let overdue = try await SupervisionReportService(db: db).overdue(unitIDs: Array(names.keys), until: cutoff)
        for unit in overdue.keys.sorted() where byUnit[unit] == nil && !order.contains(unit) { order.append(unit) }
        var result: [LetterProposal] = []
        for unitID in order {
            let triggers = byUnit[unitID] ?? []
            let problems = overdue[unitID] ?? (0, 0)
            let tier = (triggers.map { rule.tier(months: $0.months, pointsBelow: $0.pointsBelow) }
                + [LetterProposal.tier(overdueProblems: problems.all, redProblems: problems.red)].compactMap { $0 }).max() ?? .reminder
            let open = try await Feedback.query(on: db).filter(\.$unit.$id == unitID).filter(\.$state == FeedbackState.received.rawValue)
                .filter(\.$body != nil).all()
            let overdueOpinions = open.filter { ($0.dueAt ?? .distantFuture) <= now }.count
            result.append(LetterProposal(unitID: unitID, unit: names[unitID] ?? "", tier: tier, triggers: triggers, unanswered: open.count, overdueOpinions: overdueOpinions,
                                         overdueProblems: problems.all, redProblems: problems.red))
        }
        return result.sorted { ($0.tier, $1.unit) > ($1.tier, $0.unit) }
    }

    /// Sends the month's letters to the chosen units (all proposed ones when `unitIDs` is nil):
    /// each numbered in its tier's series, its .docx stored, delivered to the unit. A unit that
    /// already has this month's letter from the office is refused, and nothing is sent.
    public func send(regionID: Int, year: Int, month: Int, unitIDs: Set<Int>?, actor: Actor, tree: RegionTree, files: any BlobStore,
                     now: Date = Date()) async throws -> [LetterRecord] {
        try Access.office(actor, region: regionID, tree: tree).require()
        let office = try await BulletinService(db: db).office(regionID: regionID, tree: tree)
        let chosen = try await proposals(regionID: regionID, year: year, month: month, tree: tree, now: now)
            .filter { unitIDs?.contains($0.unitID) ?? true }
        guard !chosen.isEmpty else { throw ServiceError.invalid("没有需要发送的函件：本月没有进度滞后或验收率差距超限的单位，或未选择单位。") }
        let due = now.addingTimeInterval(Double(office.replyDays) * 86_400)
        let series = LetterTier.allCases.map { WriteKey.numbering("letter:\(regionID):\(year):\($0.rawValue)") }
        return try await db.write(locking: series) { db in
            let sent = try await LetterRecord.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == year).filter(\.$month == month)
                .filter(\.$unit.$id ~~ chosen.map(\.unitID)).all()
            if let first = sent.first {
                let name = chosen.first { $0.unitID == first.$unit.id }?.unit ?? ""
                throw ServiceError.conflict("\(name)本月已收到\(first.letterTier.label)（\(first.letterTier.numberText(year: first.year, number: first.number))），未重复发送；请只选择尚未发函的单位。")
            }
            var next: [LetterTier: Int] = [:]
            for tier in LetterTier.allCases {
                next[tier] = (try await LetterRecord.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == year)
                    .filter(\.$tier == tier.rawValue).max(\.$number) ?? 0) + 1
            }
            var records: [LetterRecord] = []
            for proposal in chosen {
                let number = next[proposal.tier] ?? 1
                next[proposal.tier] = number + 1
                let content = LetterWord.Content(office: office.name, tier: proposal.tier, year: year, month: month, number: number, unit: proposal.unit,
                                                 lines: proposal.lines, due: ChineseDate.isoDay(due), date: ChineseDate.isoDay(now), seal: office.seal)
                let document = try LetterWord.document(content).data()
                let record = LetterRecord()
                record.$region.id = regionID
                record.$unit.id = proposal.unitID
                record.year = year
                record.month = month
                record.tier = proposal.tier.rawValue
                record.number = number
                record.title = content.title
                record.body = content.body
                record.facts = proposal.lines.joined(separator: "\n")
                record.blobKey = try BulletinService.store(document, in: files)
                record.documentSize = document.count
                record.sentBy = actor.accountID
                record.sentAt = now
                record.dueAt = due
                try await record.create(on: db)
                try await AuditLog.record("letter.send", subject: "letter:\(record.id ?? 0)",
                                          detail: "\(proposal.unit) \(proposal.tier.numberText(year: year, number: number))", by: actor.accountID, on: db)
                records.append(record)
            }
            return records
        }
    }

    public func letter(id: Int, actor: Actor, tree: RegionTree) async throws -> LetterRecord {
        guard let letter = try await LetterRecord.query(on: db).filter(\.$id == id).with(\.$unit).first() else {
            throw ServiceError.notFound("未找到该函件，或您无权查看。")
        }
        try Access.readLetter(actor, officeRegion: letter.$region.id, unit: letter.$unit.id, tree: tree).require()
        return letter
    }

    /// The unit has read it: the first opening by one of its accounts records who and when.
    public func markRead(_ letter: LetterRecord, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard letter.readAt == nil, let own = actor.unitID, own == letter.$unit.id, let id = letter.id else { return }
        try await db.write { db in
            guard let fresh = try await LetterRecord.find(id, on: db), fresh.readAt == nil else { return }
            fresh.readAt = now
            fresh.readBy = actor.accountID
            try await fresh.save(on: db)
            try await AuditLog.record("letter.read", subject: "letter:\(id)", by: actor.accountID, on: db)
        }
        letter.readAt = now
        letter.readBy = actor.accountID
    }

    /// The unit's reply with its measures; once given it stands (a letter is answered once).
    public func reply(id: Int, text raw: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let letter = try await letter(id: id, actor: actor, tree: tree)
        try Access.answerLetter(actor, officeRegion: letter.$region.id, unit: letter.$unit.id, tree: tree).require()
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 10 else { throw ServiceError.invalid("请写明整改措施（不少于 10 个字）。") }
        guard text.count <= 5000 else { throw ServiceError.invalid("回复不超过 5000 个字。") }
        try await db.write { db in
            guard let fresh = try await LetterRecord.find(id, on: db) else { throw ServiceError.notFound("未找到该函件，或您无权查看。") }
            guard fresh.repliedAt == nil else { throw ServiceError.conflict("该函件已回复。") }
            fresh.reply = text
            fresh.repliedAt = now
            fresh.repliedBy = actor.accountID
            if fresh.readAt == nil { fresh.readAt = now; fresh.readBy = actor.accountID }
            try await fresh.save(on: db)
            try await AuditLog.record("letter.reply", subject: "letter:\(id)", detail: String(text.prefix(200)), by: actor.accountID, on: db)
        }
    }

    /// Letters the actor sees, newest first: an office, those its region (or a region below) sent;
    /// a unit's account, those sent to its unit. Filtered by month; `status` filters the page, the
    /// counts are of every status.
    public func list(actor: Actor, tree: RegionTree, status: LetterStatus? = nil, year: Int? = nil, month: Int? = nil,
                     window: ListWindow = ListWindow(), now: Date = Date()) async throws -> (listing: Listing<LetterRecord>, counts: [LetterStatus: Int], total: Int) {
        let office = Access.holds(.office, actor)
        guard office || actor.unitID != nil else { return (Listing(items: [], total: 0, window: window), [:], 0) }
        let regions = Array(tree.subtreeIDs(of: actor.regionID))
        let unit = actor.unitID
        func filtered() -> QueryBuilder<LetterRecord> {
            var query = LetterRecord.query(on: db)
            if office {
                // What the office's region (or a region below) sent, and what came to its own unit.
                query = query.group(.or) { either in
                    either.filter(\.$region.$id ~~ regions)
                    if let unit { either.filter(\.$unit.$id == unit) }
                }
            } else if let unit {
                query = query.filter(\.$unit.$id == unit)
            }
            if let year { query = query.filter(\.$year == year) }
            if let month { query = query.filter(\.$month == month) }
            return query
        }
        // The counts read only what a status needs.
        let states = try await filtered().field(\.$id).field(\.$dueAt).field(\.$readAt).field(\.$repliedAt).all()
        let counts = Self.counts(states, now: now)
        var query = filtered()
        switch status {
        case .replied?: query = query.filter(\.$repliedAt != nil)
        case .overdue?: query = query.filter(\.$repliedAt == nil).filter(\.$dueAt <= now)
        case .read?: query = query.filter(\.$repliedAt == nil).filter(\.$dueAt > now).filter(\.$readAt != nil)
        case .sent?: query = query.filter(\.$repliedAt == nil).filter(\.$dueAt > now).filter(\.$readAt == nil)
        case nil: break
        }
        let shownTotal = status.map { counts[$0] ?? 0 } ?? states.count
        let items = try await query.with(\.$unit).sort(\.$sentAt, .descending).sort(\.$id, .descending)
            .range(window.offset..<(window.offset + window.size)).all()
        return (Listing(items: items, total: shownTotal, window: window), counts, states.count)
    }

    /// Letters to a unit not yet answered, and those of them past their deadline (the navigation's badge).
    public func waiting(unitID: Int, now: Date = Date()) async throws -> (open: Int, overdue: Int) {
        let open = try await LetterRecord.query(on: db).filter(\.$unit.$id == unitID).filter(\.$repliedAt == nil).field(\.$id).field(\.$dueAt).all()
        return (open.count, open.filter { $0.dueAt <= now }.count)
    }

    /// Counts by status of an office's letters of a month (sent / read / replied / overdue).
    public static func counts(_ letters: [LetterRecord], now: Date) -> [LetterStatus: Int] {
        var counts: [LetterStatus: Int] = [:]
        for letter in letters { counts[letter.status(now: now), default: 0] += 1 }
        return counts
    }
}
