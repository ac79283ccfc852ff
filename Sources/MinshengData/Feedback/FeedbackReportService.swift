import FluentKit
import Foundation
import MinshengCore

extension Plan {
    /// Working days a unit has to answer an opinion.
    public var replyDays: Int { feedbackDays.flatMap { (1...30).contains($0) ? $0 : nil } ?? 5 }
    /// Which ratings count as satisfied in 满意率.
    public var satisfactionRule: SatisfactionRule { satisfactionRuleText.flatMap(SatisfactionRule.init(rawValue:)) ?? .satisfiedOrBasic }
}

extension FeedbackService {
    /// 处理率, reply times and 满意率 of a plan's projects in `focusRegionID` (default: the plan's
    /// owner) and below, for what was received from January through `month`, as it stood at the
    /// end of that month: per region directly below, per project, per unit and per month.
    public func table(planID: Int, focusRegionID: Int? = nil, month: Int, tree: RegionTree, now: Date = Date()) async throws -> FeedbackTable? {
        guard (1...12).contains(month), let plan = try await Plan.query(on: db).filter(\.$id == planID).with(\.$year).first() else { return nil }
        let focus = focusRegionID ?? plan.$owner.id
        guard let focusNode = tree[focus] else { return nil }
        let year = plan.year.year
        let start = ChineseDate.endOfMonth(year: year - 1, month: 12)
        let cutoff = ChineseDate.endOfMonth(year: year, month: month)
        let judgedAt = min(now, cutoff)
        let (_, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        let within = tree.subtreeIDs(of: focus)
        let projectOf = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id, $0.projectID) })
        let shares = try await TableRows.shares(indicatorIDs: indicators.map(\.id), on: db).filter { within.contains($0.regionID) }

        let items = projects.isEmpty ? [] : try await Feedback.query(on: db).filter(\.$project.$id ~~ projects.map(\.id))
            .filter(\.$createdAt >= start).filter(\.$createdAt < cutoff).sort(\.$createdAt).sort(\.$id).all()
            .filter { within.contains($0.$region.id) }
        let days = plan.replyDays
        let rule = plan.satisfactionRule
        let records: [(item: Feedback, record: FeedbackRecord)] = items.compactMap { item in
            let record = FeedbackRecord(rating: item.ratingValue, hasText: item.hasText, state: item.stateValue, createdAt: item.createdAt,
                                        repliedAt: item.repliedAt, invalidAt: item.invalidAt,
                                        due: item.dueAt ?? FeedbackText.deadline(from: item.createdAt, workingDays: days))
            return record.asOf(cutoff).map { (item, $0) }
        }
        func rates(_ chosen: [FeedbackRecord]) -> FeedbackRates { FeedbackRates(chosen, rule: rule, now: judgedAt) }

        // Regions directly below the focus that take part in the plan, plus the focus's own page.
        var regionIDs = Set(shares.compactMap { share -> Int? in
            share.regionID == focus ? nil : tree.ancestors(of: share.regionID).first(where: { $0.parentID == focus })?.id ?? share.regionID
        })
        var ownPage: [FeedbackRecord] = []
        var byChild: [Int: [FeedbackRecord]] = [:]
        for (item, record) in records {
            let region = item.$region.id
            if region == focus { ownPage.append(record); continue }
            let child = tree[region]?.parentID == focus ? region : tree.ancestors(of: region).first(where: { $0.parentID == focus })?.id
            if let child { byChild[child, default: []].append(record); regionIDs.insert(child) }
        }
        var regionRows = tree.children(of: focus).filter { regionIDs.contains($0.id) }
            .map { FeedbackTable.Row(name: $0.name, rates: rates(byChild[$0.id] ?? [])) }
        if !ownPage.isEmpty || regionRows.isEmpty {
            // The focus's own pages (the whole project's page of the plan's owner, or a county's own).
            let own = tree.children(of: focus).isEmpty ? focusNode.name : "\(focusNode.name)（本级页面）"
            regionRows.insert(.init(name: own, rates: rates(ownPage)), at: 0)
        }

        // Projects taking part in the focus, in the plan's order.
        let taking = Set(shares.compactMap { projectOf[$0.indicatorID] }).union(records.map { $0.item.$project.id })
        let byProject = Dictionary(grouping: records, by: { $0.item.$project.id })
        let projectRows = projects.filter { taking.contains($0.id) }
            .map { FeedbackTable.Row(name: $0.name, rates: rates((byProject[$0.id] ?? []).map(\.record))) }

        // Units that received opinions, the most still unanswered first.
        let unitIDs = Array(Set(records.compactMap { $0.item.$unit.id }))
        // Every county has its own 教育局: a unit below the focus is named with its region.
        let unitNames = unitIDs.isEmpty ? [:] : Dictionary(try await Department.query(on: db).filter(\.$id ~~ unitIDs).all()
            .compactMap { unit in unit.id.map { id in
                (id, unit.$region.id == focus ? unit.name : "\(tree[unit.$region.id]?.name ?? "")·\(unit.name)")
            } }, uniquingKeysWith: { first, _ in first })
        let byUnit = Dictionary(grouping: records, by: { $0.item.$unit.id ?? 0 })
        let unitRows = byUnit.map { unit, list in
            FeedbackTable.Row(name: unit == 0 ? "未分配单位" : unitNames[unit] ?? "单位 \(unit)", rates: rates(list.map(\.record)))
        }.filter { $0.rates.received + $0.rates.ratings + $0.rates.invalid > 0 }
            .sorted { ($0.rates.unanswered, $0.rates.received, $1.name) > ($1.rates.unanswered, $1.rates.received, $0.name) }

        let byMonth = Dictionary(grouping: records, by: { ChineseDate.yearMonth($0.record.createdAt).month })
        let monthRows = (1...month).map { m in FeedbackTable.Row(name: "\(m) 月", rates: rates((byMonth[m] ?? []).map(\.record))) }

        return FeedbackTable(title: plan.title, region: focusNode.name, year: year, month: month, asOf: cutoff, rule: rule, replyDays: days,
                             total: rates(records.map(\.record)), regions: regionRows, projects: projectRows, units: unitRows, months: monthRows)
    }

    /// The plan's office sets the reply deadline (working days) and which ratings count as satisfied.
    public func setRules(planID: Int, days rawDays: String, rule rawRule: String, actor: Actor, tree: RegionTree) async throws {
        let plan = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室可以设置答复期限和满意率口径。", on: db)
        guard let days = Int(rawDays.trimmingCharacters(in: .whitespaces)), (1...30).contains(days) else {
            throw ServiceError.invalid("答复期限应为 1 至 30 之间的工作日数。")
        }
        guard let rule = SatisfactionRule(rawValue: rawRule.trimmingCharacters(in: .whitespaces)) else {
            throw ServiceError.invalid("请选择满意率的计算口径。")
        }
        let (beforeDays, beforeRule) = (plan.replyDays, plan.satisfactionRule)
        guard beforeDays != days || beforeRule != rule else { return }
        plan.feedbackDays = days
        plan.satisfactionRuleText = rule.rawValue
        // Items still waiting for an answer take the new deadline; answered ones keep the one they had.
        let projectIDs = try await TableRows.outline(planID: planID, on: db).1.map(\.id)
        let open = projectIDs.isEmpty ? [] : try await Feedback.query(on: db).filter(\.$project.$id ~~ projectIDs)
            .filter(\.$state == FeedbackState.received.rawValue).all()
        try await db.write { db in
            try await plan.save(on: db)
            // Items received on the same day share a deadline: one update per day.
            let byDue = Dictionary(grouping: open, by: { FeedbackText.deadline(from: $0.createdAt, workingDays: days) })
            for (due, items) in byDue {
                try await Feedback.query(on: db).filter(\.$id ~~ items.compactMap(\.id)).set(\.$dueAt, to: due).update()
            }
            try await AuditLog.record("plan.feedback_rules", subject: plan.title,
                                  detail: "答复期限 \(beforeDays) → \(days) 个工作日；满意率口径 \(beforeRule.label) → \(rule.label)",
                                  by: actor.accountID, on: db)
        }
    }
}
