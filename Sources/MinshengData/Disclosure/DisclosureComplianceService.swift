import FluentKit
import Foundation
import MinshengCore

/// How each project keeps its public page up to date, per region that runs it: the counts per
/// category, the 工作动态 per month, and the monthly-update rule's verdict — reference 002 附表4
/// (√ per month) and reference 000 附件2 (projects short of the year's updates, counts per kind).
public struct DisclosureComplianceService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Row: Sendable {
        public var projectID: Int
        public var project: String
        public var regionID: Int
        public var region: String
        public var unit: String?
        /// Published items per category, dated up to the month.
        public var counts: [DisclosureCategory: Int]
        /// 工作动态 per month.
        public var updatesByMonth: [Int: Int]
        public var monthly: [Int: Bool]
        public var updates: Int { DisclosureCategory.updates.reduce(0) { $0 + (counts[$1] ?? 0) } }
        /// Every required category (all but the four kinds of 工作动态 and 典型案例's peers) has an item.
        public var missingCategories: [DisclosureCategory]
    }

    public struct Report: Sendable {
        public var planTitle: String
        public var regionName: String
        public var year: Int
        public var month: Int
        public var rule: UpdateRule
        /// The year's required number of 工作动态 (reference 000: one a month from March, 10).
        public var requiredTotal: Int
        public var rows: [Row]

        /// The report as Core's table, for the exports.
        public var table: DisclosureTable {
            DisclosureTable(title: planTitle, region: regionName, year: year, month: month, rule: rule, requiredTotal: requiredTotal,
                            rows: rows.map { .init(region: $0.region, unit: $0.unit, project: $0.project, counts: $0.counts,
                                                   updatesByMonth: $0.updatesByMonth, monthly: $0.monthly, missing: $0.missingCategories) })
        }

        /// Reference 000 附件2: projects whose 工作动态 fall short of the year's requirement.
        public var short: [Row] { rows.filter { $0.updates < requiredTotal } }
        public var withoutNews: [Row] { rows.filter { ($0.counts[.news] ?? 0) == 0 } }
        public var missingCategory: [Row] { rows.filter { !$0.missingCategories.isEmpty } }
    }

    /// Categories every project must have at least one item in.
    public static let required: [DisclosureCategory] = [.policy, .content, .detail]

    /// The report for the plan's projects in the regions directly below `focusRegionID` (default:
    /// the plan's owner), counting items dated through `month`.
    public func report(planID: Int, focusRegionID: Int? = nil, month: Int, tree: RegionTree) async throws -> Report? {
        guard let plan = try await Plan.query(on: db).filter(\.$id == planID).with(\.$year).first() else { return nil }
        let focus = focusRegionID ?? plan.$owner.id
        let rule = plan.updateRule
        let (items, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        _ = items
        let shares = try await TableRows.shares(indicatorIDs: indicators.map(\.id), month: month, on: db)
        let projectOf = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id, $0.projectID) })
        let order = Dictionary(shares.map { ($0.regionID, $0.sortOrder) }, uniquingKeysWith: min)
        // (project, region) pairs: regions directly below the focus with a share in the project.
        var units: [String: Int?] = [:]
        var pairs: [(project: Int, region: Int)] = []
        for share in shares where tree[share.regionID]?.parentID == focus {
            guard let project = projectOf[share.indicatorID] else { continue }
            let key = "\(project):\(share.regionID)"
            if units[key] == nil { pairs.append((project, share.regionID)); units[key] = share.unitID }
        }
        // A project not decomposed below the focus is reported for the focus itself (a county's
        // own plan, reference 002 附表4), its lead unit answering for it.
        let decomposed = Set(pairs.map(\.project))
        var leadUnits: [Int: String] = [:]
        for indicator in indicators where leadUnits[indicator.projectID] == nil { leadUnits[indicator.projectID] = indicator.leadUnit }
        for share in shares where share.regionID == focus {
            guard let project = projectOf[share.indicatorID], !decomposed.contains(project) else { continue }
            let key = "\(project):\(focus)"
            if units[key] == nil { pairs.append((project, focus)); units[key] = share.unitID }
        }
        let projectOrder = Dictionary(uniqueKeysWithValues: projects.enumerated().map { ($1.id, $0) })
        pairs.sort { (order[$0.region] ?? 0, $0.region, projectOrder[$0.project] ?? 0) < (order[$1.region] ?? 0, $1.region, projectOrder[$1.project] ?? 0) }
        let projectNames = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.name) })
        let unitIDs = Set(units.values.compactMap { $0 })
        let unitNames = unitIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ Array(unitIDs)).all()
            .compactMap { u in u.id.map { ($0, u.name) } })

        let year = plan.year.year
        let published = try await DisclosureService.publishedItems(projectIDs: projects.map(\.id), on: db)
        var counted: [String: (counts: [DisclosureCategory: Int], months: [Int: Int])] = [:]
        let prefix = String(format: "%04d-", year)
        for item in published where item.publishedOn.hasPrefix(prefix) {
            guard let m = Disclosure.month(of: item.publishedOn), m <= month,
                  let category = DisclosureCategory(rawValue: item.category) else { continue }
            // An item published in a region below counts for the region of the row it falls in.
            var region: Int? = item.regionID
            while let current = region, current != focus, tree[current]?.parentID != focus { region = tree[current]?.parentID }
            guard let row = region else { continue }
            let key = "\(item.projectID):\(row)"
            var entry = counted[key] ?? ([:], [:])
            entry.counts[category, default: 0] += 1
            if category.isUpdate { entry.months[m, default: 0] += 1 }
            counted[key] = entry
        }
        let rows = pairs.map { pair -> Row in
            let key = "\(pair.project):\(pair.region)"
            let entry = counted[key] ?? ([:], [:])
            return Row(projectID: pair.project, project: projectNames[pair.project] ?? "", regionID: pair.region, region: tree[pair.region]?.name ?? "",
                       unit: (units[key] ?? nil).flatMap { unitNames[$0] } ?? (pair.region == focus ? leadUnits[pair.project] : nil),
                       counts: entry.counts, updatesByMonth: entry.months,
                       monthly: rule.verdict(updatesByMonth: entry.months, through: month),
                       missingCategories: Self.required.filter { (entry.counts[$0] ?? 0) == 0 })
        }
        return Report(planTitle: plan.title, regionName: tree[focus]?.name ?? "", year: year, month: month, rule: rule,
                      requiredTotal: rule.minimum * max(0, 12 - rule.fromMonth + 1), rows: rows)
    }
}

extension DisclosureComplianceService {
    /// The office of the plan's owner sets its monthly-update rule: from `fromMonth`, at least
    /// `minimum` 工作动态 a month.
    public func setUpdateRule(planID: Int, fromMonth rawFrom: String, minimum rawMinimum: String, actor: Actor,
                              tree: RegionTree) async throws {
        let plan = try await Access.officePlan(planID, actor: actor, tree: tree, denied: "只有该计划的专班办公室可以设置动态更新要求。", on: db)
        guard let from = Int(rawFrom.trimmingCharacters(in: .whitespaces)), (1...12).contains(from) else {
            throw ServiceError.invalid("起始月份应在 1 至 12 之间。")
        }
        guard let minimum = Int(rawMinimum.trimmingCharacters(in: .whitespaces)), (1...31).contains(minimum) else {
            throw ServiceError.invalid("每月条数应为 1 至 31 之间的整数。")
        }
        let before = plan.updateRule
        plan.updateRuleText = "\(from):\(minimum)"
        try await db.write { db in
            try await plan.save(on: db)
            try await AuditLog.record("plan.update_rule", subject: plan.title,
                                      detail: "动态更新要求：自 \(before.fromMonth) 月起每月 \(before.minimum) 条 → 自 \(from) 月起每月 \(minimum) 条",
                                      by: actor.accountID, on: db)
        }
    }
}

extension Plan {
    /// The plan's monthly-update rule: "3:1" (from March, at least one a month) when unset.
    public var updateRule: UpdateRule {
        guard let text = updateRuleText else { return UpdateRule() }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[0]), (1...31).contains(parts[1]) else { return UpdateRule() }
        return UpdateRule(fromMonth: parts[0], minimum: parts[1])
    }
}
