import FluentKit
import Foundation
import MinshengCore

/// The bulletins an office issues: their facts gathered from the stored figures, evidence,
/// disclosure items and opinions; drafts the office edits; issuing, which numbers the bulletin
/// and freezes it (snapshot and .docx).
public struct BulletinService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: - The office

    public struct Office: Sendable, Equatable {
        public var regionID: Int
        public var name: String
        public var seal: String?
        public var recipients: String?
        public var letterRule: LetterRule
        /// Calendar days a unit has to reply to a letter.
        public var replyDays: Int
        public var rankingRules: RankingRules
    }

    /// The office of a region with its settings (defaults where it set none).
    public func office(regionID: Int, tree: RegionTree) async throws -> Office {
        let stored = try await OfficeSettings.find(regionID, on: db)
        let region = tree[regionID]?.name ?? ""
        return Office(regionID: regionID, name: stored?.officeName.flatMap { $0.isEmpty ? nil : $0 } ?? "\(region)重点民生实事工作专班办公室",
                      seal: stored?.seal.flatMap { $0.isEmpty ? nil : $0 }, recipients: stored?.recipients.flatMap { $0.isEmpty ? nil : $0 },
                      letterRule: stored?.letterRule.flatMap(LetterRule.init(stored:)) ?? .standard,
                      replyDays: stored?.replyDays ?? 7,
                      rankingRules: stored?.rankingRules.flatMap(RankingRules.init(stored:)) ?? .standard)
    }

    /// Saves the office's settings; every value is checked before anything is written.
    public func saveOffice(regionID: Int, name rawName: String, seal rawSeal: String, recipients rawRecipients: String,
                           noticeMonths: String, supervisionMonths: String, supervisionPoints: String, replyDays rawDays: String,
                           weights rawWeights: [RankingMeasure: String], minimumCount rawMinimum: String,
                           actor: Actor, tree: RegionTree) async throws {
        try Access.office(actor, region: regionID, tree: tree).require()
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        let seal = rawSeal.trimmingCharacters(in: .whitespacesAndNewlines)
        let recipients = rawRecipients.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.count <= 60, seal.count <= 60, recipients.count <= 200 else {
            throw ServiceError.invalid("专班办公室名称、代章单位不超过 60 个字，主送单位不超过 200 个字。")
        }
        guard let rule = LetterRule(stored: "\(noticeMonths.trimmingCharacters(in: .whitespaces)),\(supervisionMonths.trimmingCharacters(in: .whitespaces)),\(supervisionPoints.trimmingCharacters(in: .whitespaces))") else {
            throw ServiceError.invalid("函件规则有误：工作提示函的连续月数至少为 1，督办函的连续月数不小于工作提示函，低于序时的百分点在 0–100 之间。")
        }
        guard let days = Int(rawDays.trimmingCharacters(in: .whitespaces)), (1...60).contains(days) else {
            throw ServiceError.invalid("回复期限应为 1–60 天。")
        }
        var weights: [RankingMeasure: Int] = [:]
        for measure in RankingMeasure.allCases {
            let text = (rawWeights[measure] ?? "0").trimmingCharacters(in: .whitespaces)
            guard let weight = Int(text.isEmpty ? "0" : text), (0...100).contains(weight) else {
                throw ServiceError.invalid("“\(measure.label)”的权重应为 0–100 的整数。")
            }
            weights[measure] = weight
        }
        guard weights.values.reduce(0, +) > 0 else { throw ServiceError.invalid("排名至少要有一项权重大于 0。") }
        guard let minimum = Int(rawMinimum.trimmingCharacters(in: .whitespaces)), (0...1000).contains(minimum) else {
            throw ServiceError.invalid("参与排名的最少数量应为 0–1000 的整数。")
        }
        let ranking = RankingRules(weights: weights, minimumCount: minimum)
        try await db.write { db in
            let settings = try await OfficeSettings.find(regionID, on: db) ?? OfficeSettings(regionID: regionID)
            settings.officeName = name.isEmpty ? nil : name
            settings.seal = seal.isEmpty ? nil : seal
            settings.recipients = recipients.isEmpty ? nil : recipients
            settings.letterRule = rule.stored
            settings.replyDays = days
            settings.rankingRules = ranking.stored
            settings.updatedAt = Date()
            try await settings.save(on: db)
            try await AuditLog.record("office.settings", subject: "region:\(regionID)",
                                      detail: "名称=\(name)；代章=\(seal)；函件=\(rule.stored)；回复期限=\(days)；排名=\(ranking.stored)", by: actor.accountID, on: db)
        }
    }

    // MARK: - Facts

    /// The plans a bulletin about the region covers: those it owns or holds a share of, of the
    /// year (one level, or all), highest level first.
    public func plans(regionID: Int, year: Int, level: PlanLevel?, tree: RegionTree) async throws -> [Plan] {
        let plans = try await PlanService(db: db).visiblePlans(scopeRegionID: regionID, tree: tree)
            .filter { $0.year.year == year && (level == nil || $0.planLevel == level) }
        let order = PlanLevel.allCases
        return plans.sorted { (order.firstIndex(of: $0.planLevel) ?? 0, $0.id ?? 0) < (order.firstIndex(of: $1.planLevel) ?? 0, $1.id ?? 0) }
    }

    /// Everything the bulletin says from data, for the region and period.
    /// - Parameter light: only what the ranking needs (tables, disclosure, opinions): no evidence
    ///   waiting, period counts or quality flags.
    public func facts(regionID: Int, kind: BulletinKind, period: BulletinPeriod, level: PlanLevel?, tree: RegionTree,
                      ranking: Bool = false, light: Bool = false, plans known: [Plan]? = nil, now: Date = Date()) async throws -> BulletinFacts {
        guard let region = tree[regionID] else { throw ServiceError.notFound("没有该行政区划。") }
        guard (1...12).contains(period.month) else { throw ServiceError.invalid("月份应在 1–12 之间。") }
        let office = try await office(regionID: regionID, tree: tree)
        // The caller may have read the plans already (the dashboard): `known` is that read, not read again.
        let plans: [Plan]
        if let known { plans = known } else { plans = try await self.plans(regionID: regionID, year: period.year, level: level, tree: tree) }
        let subtree = Array(tree.subtreeIDs(of: regionID))
        var levels: [BulletinFacts.Level] = []
        var aggregateLabel = Self.aggregateLabel(region.kind)
        var feedback: FeedbackRates? = nil
        var unitsBelow: [String: FeedbackRates] = [:]
        var byRegion: [String: FeedbackRates] = [:], byProject: [String: FeedbackRates] = [:]
        var indicatorIDs: [Int] = []
        var projectIDs: [Int] = []
        for plan in plans {
            guard let planID = plan.id,
                  let report = try await AcceptanceService(db: db).report(planID: planID, scopeRegionID: regionID, tree: tree,
                                                                         focusRegionID: regionID, month: period.month, shortfalls: !light, now: now) else { continue }
            let table = report.table
            guard !table.rows.isEmpty else { continue }
            aggregateLabel = table.aggregateLabel
            let ids = table.rows.map(\.indicatorID)
            indicatorIDs += ids
            let waitingItems = ids.isEmpty || light ? [] : try await Evidence.query(on: db).filter(\.$indicator.$id ~~ ids).filter(\.$region.$id ~~ subtree)
                .filter(\.$month <= period.month).filter(\.$state == Evidence.State.pending.rawValue).all()
            let rowsByID = Dictionary(table.rows.map { ($0.indicatorID, $0) }, uniquingKeysWith: { a, _ in a })
            var waiting: [Int: Int] = [:]
            for item in waitingItems { waiting[item.$indicator.id, default: 0] += 1 }
            let waitingFacts = ids.compactMap { id -> BulletinFacts.Waiting? in
                guard let count = waiting[id], let row = rowsByID[id] else { return nil }
                return .init(project: row.projectName, indicator: row.indicator, count: count)
            }
            // A plan none of whose projects has published anything is not on the public pages
            // (its office discloses elsewhere): its projects are not listed as failing the rule.
            let disclosure = try await DisclosureComplianceService(db: db).report(planID: planID, focusRegionID: regionID, month: period.month, tree: tree)
                .flatMap { report in report.rows.contains { $0.counts.values.contains { $0 > 0 } } ? report : nil }
            var level = BulletinFacts.Level(level: plan.planLevel, planTitle: plan.title, table: table,
                                            withoutEvidence: report.withoutEvidence.map { .init(project: $0.project, indicator: $0.indicator, region: $0.region, unit: $0.responsibleUnit) },
                                            waiting: waitingFacts, disclosure: disclosure?.table)
            level.planID = planID
            levels.append(level)
            projectIDs += try await Project.query(on: db).join(Item.self, on: \Project.$item.$id == \Item.$id)
                .filter(Item.self, \.$plan.$id == planID).all().compactMap(\.id)
            if let rates = try await FeedbackService(db: db).table(planID: planID, focusRegionID: regionID, month: period.month, tree: tree, now: now) {
                var total = feedback ?? FeedbackRates([], rule: rates.rule)
                Self.add(rates.total, to: &total)
                feedback = total
                for unit in rates.units { Self.add(unit.rates, to: &unitsBelow[unit.name, default: FeedbackRates([], rule: rates.rule)]) }
                for row in rates.regions { Self.add(row.rates, to: &byRegion[row.name, default: FeedbackRates([], rule: rates.rule)]) }
                for row in rates.projects { Self.add(row.rates, to: &byProject[row.name, default: FeedbackRates([], rule: rates.rule)]) }
            }
        }
        var facts = BulletinFacts(kind: kind, period: period, region: region.name, aggregateLabel: aggregateLabel, office: office.name, levels: levels)
        facts.feedback = feedback
        facts.feedbackByRegion = byRegion
        facts.feedbackByProject = byProject
        if light { return facts }
        facts.supervision = try await SupervisionReportService(db: db).statistics(regionID: regionID, year: period.year, month: period.month, tree: tree, now: now)
        facts.feedbackUnitsBelowFull = unitsBelow.filter { $0.value.unanswered > 0 }.map { ($0.key, $0.value) }
            .sorted { ($0.rates.unanswered, $1.unit) > ($1.rates.unanswered, $0.unit) }

        // What happened in the period: figures submitted, items published.
        let (firstMonth, fromDay, cutoff) = Self.window(kind: kind, period: period)
        if !indicatorIDs.isEmpty {
            // The period's figures as submitted so far; a ten-day bulletin counts those in by its day.
            var query = ProgressReport.query(on: db).filter(\.$indicator.$id ~~ indicatorIDs).filter(\.$region.$id ~~ subtree)
                .filter(\.$month >= firstMonth).filter(\.$month <= period.month)
                .filter(\.$state == ProgressReport.State.submitted.rawValue)
            if kind == .tenday, period.day != nil { query = query.filter(\.$submittedAt < cutoff) }
            facts.figuresReported = try await query.count()
        }
        if !projectIDs.isEmpty {
            let from = String(format: "%04d-%02d-%02d", period.year, firstMonth, fromDay)
            let through = String(format: "%04d-%02d-%02d", period.year, period.month, period.day ?? 31)
            let items = try await Disclosure.query(on: db).filter(\.$project.$id ~~ projectIDs).filter(\.$region.$id ~~ subtree)
                .filter(\.$state == Disclosure.State.published.rawValue).filter(\.$publishedOn >= from).filter(\.$publishedOn <= through)
                .field(\.$id).field(\.$category).all()
            for item in items { if let category = item.disclosureCategory { facts.itemsAdded[category, default: 0] += 1 } }
            let flagged = try await DisclosureService(db: db).flagged(projectIDs: projectIDs, regionID: regionID, tree: tree)
            facts.flagged = flagged.map { BulletinFacts.Flag(project: $0.project, region: $0.region, reasons: $0.flags) }
        }
        if ranking { facts.ranking = try await rankingTable(facts: facts, regionID: regionID, tree: tree, office: office, now: now) }
        return facts
    }

    static func add(_ rates: FeedbackRates, to total: inout FeedbackRates) {
        total.received += rates.received
        total.answered += rates.answered
        total.invalid += rates.invalid
        total.satisfied += rates.satisfied
        total.basic += rates.basic
        total.unsatisfied += rates.unsatisfied
        total.overdue += rates.overdue
        total.answeredLate += rates.answeredLate
        total.replyHours = (total.replyHours + rates.replyHours).sorted()
    }

    static func aggregateLabel(_ kind: RegionKind) -> String {
        switch kind {
        case .province: "全省"
        case .city: "全市"
        default: "全县"
        }
    }

    /// The first month, its first day and the moment the period ends (figures submitted before it count).
    static func window(kind: BulletinKind, period: BulletinPeriod) -> (firstMonth: Int, fromDay: Int, cutoff: Date) {
        let end = ChineseDate.endOfMonth(year: period.year, month: period.month)
        switch kind {
        case .tenday:
            let day = period.day
            let from = day == 10 ? 1 : day == 20 ? 11 : 21
            guard let day else { return (period.month, from, end) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = ChineseDate.timeZone
            let cutoff = calendar.date(from: DateComponents(year: period.year, month: period.month, day: day + 1)) ?? end
            return (period.month, from, cutoff)
        case .quarterly:
            return (((period.month - 1) / 3) * 3 + 1, 1, end)
        default:
            return (period.month, 1, end)
        }
    }

    // MARK: - Ranking

    /// The month's ranking of the region's child regions and lead units, with last month's ranks.
    public func ranking(regionID: Int, year: Int, month: Int, tree: RegionTree, now: Date = Date()) async throws -> RankingTable {
        let period = BulletinPeriod(year: year, month: month)
        let facts = try await facts(regionID: regionID, kind: .monthly, period: period, level: nil, tree: tree, light: true, now: now)
        return try await rankingTable(facts: facts, regionID: regionID, tree: tree, office: try await office(regionID: regionID, tree: tree), now: now)
    }

    func rankingTable(facts: BulletinFacts, regionID: Int, tree: RegionTree, office: Office, now: Date) async throws -> RankingTable {
        let period = facts.period
        func inputs(_ facts: BulletinFacts) -> (regions: [RankingInput], units: [RankingInput]) {
            RankingBuilder.inputs(levels: facts.levels, feedbackByRegion: facts.feedbackByRegion, feedbackByProject: facts.feedbackByProject, focus: facts.region)
        }
        let current = inputs(facts)
        var previousRegions: [String: Int] = [:], previousUnits: [String: Int] = [:]
        if period.month > 1 {
            let before = try await self.facts(regionID: regionID, kind: .monthly, period: BulletinPeriod(year: period.year, month: period.month - 1),
                                              level: nil, tree: tree, light: true, now: now)
            // A month without figures ranks nobody: there is nothing to compare with then.
            let earlier = inputs(before)
            for e in Ranking.rank(earlier.regions, rules: office.rankingRules) { if let rank = e.rank { previousRegions[e.name] = rank } }
            for e in Ranking.rank(earlier.units, rules: office.rankingRules) { if let rank = e.rank { previousUnits[e.name] = rank } }
        }
        return RankingTable(region: facts.region, year: period.year, month: period.month, rules: office.rankingRules,
                            regions: Ranking.rank(current.regions, rules: office.rankingRules, previous: previousRegions),
                            units: Ranking.rank(current.units, rules: office.rankingRules, previous: previousUnits))
    }

    // MARK: - Bulletins as records

    public struct Draft: Sendable {
        public var kind: BulletinKind
        public var period: BulletinPeriod
        public var level: PlanLevel?
        public var layout: BulletinLayout
        public var annexes: [BulletinAnnexKind]
        public init(kind: BulletinKind, period: BulletinPeriod, level: PlanLevel?, layout: BulletinLayout, annexes: [BulletinAnnexKind]) {
            self.kind = kind
            self.period = period
            self.level = level
            self.layout = layout
            self.annexes = annexes
        }
    }

    /// Checks a period as a form gives it: a month of the year, a day of 10 or 20 only for a 旬简报.
    public static func period(kind: BulletinKind, year: Int, month rawMonth: String, day rawDay: String?) throws -> BulletinPeriod {
        let parts = rawMonth.trimmingCharacters(in: .whitespaces).split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
            throw ServiceError.invalid("月份应为 YYYY-MM 格式，如 2024-10。")
        }
        guard y == year else { throw ServiceError.invalid("月份 \(rawMonth) 不在 \(year) 年内。") }
        if kind == .quarterly, m % 3 != 0 { throw ServiceError.invalid("季度讲评按季度末统计：月份应为 3 月、6 月、9 月或 12 月。") }
        var day: Int? = nil
        if kind == .tenday, let rawDay, !rawDay.isEmpty, rawDay != "end" {
            guard let d = Int(rawDay), d == 10 || d == 20 else { throw ServiceError.invalid("旬简报的截止日应为 10 日、20 日或月底。") }
            day = d
        }
        return BulletinPeriod(year: year, month: m, day: day)
    }

    /// Creates a draft for the region; the office then writes its narrative and issues it.
    public func create(regionID: Int, draft: Draft, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> BulletinRecord {
        try Access.office(actor, region: regionID, tree: tree).require()
        let plans = try await plans(regionID: regionID, year: draft.period.year, level: draft.level, tree: tree)
        guard !plans.isEmpty else {
            throw ServiceError.invalid("\(tree[regionID]?.name ?? "")\(draft.period.year) 年没有\(draft.level?.label ?? "")重点民生实事计划，无法生成通报。")
        }
        let office = try await office(regionID: regionID, tree: tree)
        let facts = BulletinFacts(kind: draft.kind, period: draft.period, region: tree[regionID]?.name ?? "", aggregateLabel: "", office: office.name, levels: [])
        let record = BulletinRecord()
        record.$region.id = regionID
        record.year = draft.period.year
        record.kind = draft.kind.rawValue
        record.month = draft.period.month
        record.day = draft.period.day
        record.level = draft.level?.rawValue
        record.layout = draft.layout.rawValue
        record.annexes = draft.annexes.map(\.rawValue).joined(separator: ",")
        record.state = BulletinRecord.State.draft.rawValue
        record.title = BulletinComposer.title(facts)
        record.narrative = BulletinNarrative(recipients: office.recipients, seal: office.seal).encoded()
        record.createdBy = actor.accountID
        record.createdAt = now
        record.updatedAt = now
        try await db.write { db in
            try await record.create(on: db)
            try await AuditLog.record("bulletin.create", subject: "bulletin:\(record.id ?? 0)", detail: "\(draft.kind.label) \(draft.period.year)-\(draft.period.month)",
                                      by: actor.accountID, on: db)
        }
        return record
    }

    /// A bulletin record the actor may read: an issued one within its region's line (its own
    /// region, above or below), a draft only for the office.
    public func record(id: Int, actor: Actor, tree: RegionTree) async throws -> BulletinRecord {
        guard let record = try await BulletinRecord.find(id, on: db) else { throw ServiceError.notFound("未找到该通报，或您无权查看。") }
        try Access.readBulletin(actor, region: record.$region.id, issued: record.isIssued, tree: tree).require()
        return record
    }

    static let narrativeLimit = 20_000

    /// Saves the office's text of a draft and its options; an issued bulletin is frozen.
    public func update(id: Int, narrative: BulletinNarrative, layout: BulletinLayout, annexes: [BulletinAnnexKind], actor: Actor, tree: RegionTree,
                       now: Date = Date()) async throws {
        let record = try await record(id: id, actor: actor, tree: tree)
        try Access.office(actor, region: record.$region.id, tree: tree).require()
        let total = (narrative.opening ?? "").count + (narrative.recipients ?? "").count + (narrative.seal ?? "").count
            + narrative.sections.values.reduce(0) { $0 + $1.count } + narrative.edits.values.reduce(0) { $0 + $1.count }
        guard total <= Self.narrativeLimit else { throw ServiceError.invalid("正文过长：各部分合计不超过 \(Self.narrativeLimit) 个字。") }
        guard (narrative.recipients ?? "").count <= 200, (narrative.seal ?? "").count <= 60 else {
            throw ServiceError.invalid("主送单位不超过 200 个字，代章单位不超过 60 个字。")
        }
        try await db.write { db in
            guard let fresh = try await BulletinRecord.find(id, on: db), !fresh.isIssued else {
                throw ServiceError.conflict("该通报已签发，不能再修改。")
            }
            fresh.narrative = narrative.encoded()
            fresh.layout = layout.rawValue
            fresh.annexes = annexes.map(\.rawValue).joined(separator: ",")
            fresh.updatedAt = now
            try await fresh.save(on: db)
            try await AuditLog.record("bulletin.edit", subject: "bulletin:\(id)", by: actor.accountID, on: db)
        }
    }

    /// The bulletin as it reads: an issued one from its snapshot; a draft composed now.
    public func bulletin(_ record: BulletinRecord, tree: RegionTree, now: Date = Date()) async throws -> Bulletin {
        if record.isIssued {
            // An issued bulletin is never composed again: without its snapshot it cannot be shown.
            guard let snapshot = record.snapshot, let data = snapshot.data(using: .utf8), let bulletin = try? Bulletin.decode(data) else {
                throw ServiceError.conflict("该通报的存档内容缺失或无法读取，请联系系统管理员从备份恢复。")
            }
            return bulletin
        }
        return try await compose(regionID: record.$region.id, draft: Draft(kind: record.bulletinKind, period: record.period, level: record.planLevel,
                                                                             layout: record.bulletinLayout, annexes: record.annexKinds),
                                 narrative: record.narrativeValue, number: record.number, date: ChineseDate.isoDay(now), tree: tree, now: now)
    }

    /// Composes a bulletin from the figures as they stand and the narrative.
    public func compose(regionID: Int, draft: Draft, narrative: BulletinNarrative = .init(), number: Int? = nil, date: String,
                        tree: RegionTree, now: Date = Date()) async throws -> Bulletin {
        let facts = try await facts(regionID: regionID, kind: draft.kind, period: draft.period, level: draft.level, tree: tree,
                                    ranking: draft.annexes.contains(.ranking), now: now)
        var narrative = narrative
        let office = try await office(regionID: regionID, tree: tree)
        if narrative.seal == nil { narrative.seal = office.seal }
        if narrative.recipients == nil { narrative.recipients = office.recipients }
        return BulletinComposer.compose(facts, narrative: narrative, options: .init(layout: draft.layout, annexes: draft.annexes), number: number, date: date)
    }

    /// Issues (签发) a draft: numbers it (第 N 期 of its office, year and kind), composes it as the
    /// figures stand, stores its .docx and freezes it. The number is taken inside the write.
    public func issue(id: Int, actor: Actor, tree: RegionTree, files: any BlobStore, now: Date = Date()) async throws -> BulletinRecord {
        let record = try await record(id: id, actor: actor, tree: tree)
        try Access.office(actor, region: record.$region.id, tree: tree).require()
        guard !record.isIssued else { throw ServiceError.conflict("该通报已签发。") }
        let regionID = record.$region.id
        let series = "bulletin:\(regionID):\(record.year):\(record.kind)"
        // Composed before the write (it reads a great deal); the number goes in at the end.
        let draft = try await bulletin(record, tree: tree, now: now)
        return try await db.write(locking: [.numbering(series)]) { db in
            guard let fresh = try await BulletinRecord.find(id, on: db), !fresh.isIssued else { throw ServiceError.conflict("该通报已签发。") }
            // What was composed is what was read: a save in between would be missing from the frozen text.
            guard fresh.updatedAt == record.updatedAt, fresh.narrative == record.narrative, fresh.annexes == record.annexes, fresh.layout == record.layout else {
                throw ServiceError.conflict("草稿在签发前刚被修改，请查看最新内容后重新签发。")
            }
            let last = try await BulletinRecord.query(on: db).filter(\.$region.$id == regionID).filter(\.$year == fresh.year)
                .filter(\.$kind == fresh.kind).filter(\.$state == BulletinRecord.State.issued.rawValue).max(\.$number) ?? 0
            var bulletin = draft
            bulletin.number = last + 1
            bulletin.date = ChineseDate.isoDay(now)
            let document = try BulletinWord.data(bulletin)
            let key = try Self.store(document, in: files)
            fresh.number = bulletin.number
            fresh.title = bulletin.title
            fresh.snapshot = String(data: try bulletin.encoded(), encoding: .utf8)
            fresh.blobKey = key
            fresh.documentSize = document.count
            fresh.state = BulletinRecord.State.issued.rawValue
            fresh.issuedBy = actor.accountID
            fresh.issuedAt = now
            fresh.updatedAt = now
            try await fresh.save(on: db)
            try await AuditLog.record("bulletin.issue", subject: "bulletin:\(id)", detail: "\(bulletin.kind.label) \(bulletin.issueLine)", by: actor.accountID, on: db)
            return fresh
        }
    }

    /// Removes a draft.
    public func delete(id: Int, actor: Actor, tree: RegionTree) async throws {
        let record = try await record(id: id, actor: actor, tree: tree)
        try Access.office(actor, region: record.$region.id, tree: tree).require()
        try await db.write { db in
            guard let fresh = try await BulletinRecord.find(id, on: db), !fresh.isIssued else { throw ServiceError.conflict("已签发的通报不能删除。") }
            try await fresh.delete(on: db)
            try await AuditLog.record("bulletin.delete", subject: "bulletin:\(id)", by: actor.accountID, on: db)
        }
    }

    /// Writes bytes into the file store and returns their key.
    static func store(_ data: Data, in files: any BlobStore) throws -> String {
        let writer = try files.begin()
        do {
            try data.withUnsafeBytes { try writer.write($0) }
            return try writer.finish()
        } catch {
            writer.abort()
            throw ServiceError.invalid("文档保存失败，请稍后重试。")
        }
    }

    /// The bulletins the actor sees, newest first: issued ones of its region's line, and drafts of
    /// the regions it manages; filtered by kind, year and state.
    public func list(actor: Actor, tree: RegionTree, kind: BulletinKind? = nil, year: Int? = nil, state: BulletinRecord.State? = nil,
                     window: ListWindow = ListWindow()) async throws -> Listing<BulletinRecord> {
        let subtree = Array(tree.subtreeIDs(of: actor.regionID))
        let line = subtree + tree.ancestors(of: actor.regionID).map(\.id)
        let office = Access.holds(.office, actor)
        func filtered() -> QueryBuilder<BulletinRecord> {
            // Issued ones of the line; drafts only of the regions the office manages.
            var query = BulletinRecord.query(on: db).filter(\.$region.$id ~~ line).group(.or) { either in
                either.filter(\.$state == BulletinRecord.State.issued.rawValue)
                if office { either.filter(\.$region.$id ~~ subtree) }
            }
            if let kind { query = query.filter(\.$kind == kind.rawValue) }
            if let year { query = query.filter(\.$year == year) }
            if let state { query = query.filter(\.$state == state.rawValue) }
            return query
        }
        let total = try await filtered().count()
        let items = try await filtered().sort(\.$year, .descending).sort(\.$month, .descending).sort(\.$id, .descending)
            .range(window.offset..<(window.offset + window.size)).all()
        return Listing(items: items, total: total, window: window)
    }
}
