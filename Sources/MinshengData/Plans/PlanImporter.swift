import FluentKit
import SQLKit
import Foundation
import MinshengCore

/// Writes parsed plan and progress files, all or nothing, inside one transaction.
public struct PlanImporter: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct PlanSummary: Sendable, Equatable {
        public var plans: Int
        public var items: Int
        public var projects: Int
        public var indicators: Int
        public var targets: Int
        public var regionsCreated: [String]
    }

    public struct ProgressSummary: Sendable, Equatable {
        public var written: Int
        public var replaced: Int
        /// Rows identical to what is stored; nothing was written for them.
        public var unchanged: Int
        /// Rows for the aggregate column (全市 …), which are computed, not stored.
        public var aggregateRowsIgnored: Int
    }

    /// Imports a plan file for `regionName` and `year`. A region the file names that does not
    /// exist is refused by row, unless `createRegions` (then it is created below the region).
    public func importPlan(_ rows: [PlanFile.Row], regionName: String, year: Int, createRegions: Bool = false, by accountID: Int?) async throws -> PlanSummary {
        // Two imports for one region and year, one after the other (both would create the plan).
        try await db.write(locking: [.planImport(region: regionName, year: year)]) { db in
            try await Self.writePlan(rows, regionName: regionName, year: year, createRegions: createRegions, accountID: accountID, on: db)
        }
    }

    private static func writePlan(_ rows: [PlanFile.Row], regionName: String, year: Int, createRegions: Bool, accountID: Int?, on db: any Database) async throws -> PlanSummary {
        let regions = RegionService(db: db)
        let root: Region
        if let existing = try await regions.find(named: regionName) {
            root = existing
        } else if createRegions {
            root = try await regions.create(name: regionName, kind: RegionKind.guess(fromName: regionName, parent: nil), code: nil, parentID: nil, by: accountID)
        } else {
            throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "行政区划“\(regionName.echoed())”不存在。如确需新建，请在命令行加 --create-regions。")])
        }
        let rootID = try root.requireID()
        var tree = try await regions.tree()
        // Every region the file names: the aggregate, the region itself, or one below it. Unknown
        // names are refused unless asked for (a typo would otherwise become a new county), and one
        // indicator may not name the same region twice (全市 and 邵阳市, 合计 and 全市).
        var problems: [ImportProblem] = []
        var sharesSeen: [String: Int] = [:]
        let below = tree.subtree(of: rootID)
        for row in rows {
            let name = row.region
            let regionKey: String
            if PlanFile.aggregateNames.contains(name) || name == regionName {
                regionKey = "\(rootID)"
            } else if let found = below.first(where: { $0.name == name && $0.id != rootID }) {
                regionKey = "\(found.id)"
            } else if createRegions {
                regionKey = "new:" + name
            } else {
                problems.append(ImportProblem(row: row.line, column: "行政区划", reason: "“\(name.echoed())”不是\(regionName)的下级行政区划。如确需新建，请勾选“新建文件中的行政区划”（命令行加 --create-regions）后重新导入。"))
                continue
            }
            let key = row.projectName + "\u{1}" + row.indicatorName + "\u{1}" + regionKey
            if let earlier = sharesSeen[key] {
                problems.append(ImportProblem(row: row.line, column: "行政区划", reason: "“\(name.echoed())”与第 \(earlier) 行是同一行政区划（同一指标不能重复分解到同一地区）。"))
                continue
            }
            sharesSeen[key] = row.line
        }
        if !problems.isEmpty { throw ImportRefusal(problems) }

        // Regions: the aggregate or the root itself, else a region in the root's subtree by name.
        var regionIDs: [String: Int] = [:]
        var created: [String] = []
        for row in rows {
            let name = row.region
            if regionIDs[name] == nil {
                if PlanFile.aggregateNames.contains(name) || name == regionName {
                    regionIDs[name] = rootID
                } else if let found = tree.subtree(of: rootID).first(where: { $0.name == name && $0.id != rootID }) {
                    regionIDs[name] = found.id
                } else {
                    let region = try await regions.create(name: name, kind: RegionKind.guess(fromName: name, parent: root.regionKind),
                                                          code: nil, parentID: rootID, by: accountID)
                    created.append(name)
                    regionIDs[name] = try region.requireID()
                    tree = try await regions.tree()
                }
            }
        }
        // Column order: every indicator's sequence of regions, merged.
        var sequences: [String: [Int]] = [:]
        var keys: [String] = []
        for row in rows {
            let key = row.projectName + "\u{1}" + row.indicatorName
            if sequences[key] == nil { keys.append(key) }
            if let id = regionIDs[row.region] { sequences[key, default: []].append(id) }
        }
        var columnOrder: [Int: Int] = [:]
        for (rank, id) in ColumnOrder.merge(keys.compactMap { sequences[$0] }).enumerated() { columnOrder[id] = rank }

        let yearRow: Year
        if let existing = try await Year.query(on: db).filter(\.$year == year).first() {
            yearRow = existing
        } else {
            yearRow = Year(year: year)
            try await yearRow.create(on: db)
        }
        let units = UnitService(db: db)
        var leadUnits: [String: Int] = [:]
        var responsibleUnits: [String: Int] = [:]
        var summary = PlanSummary(plans: 0, items: 0, projects: 0, indicators: 0, targets: 0, regionsCreated: created)

        let levels = PlanLevel.allCases.filter { level in rows.contains { $0.level == level } }
        for level in levels {
            let levelRows = rows.filter { $0.level == level }
            let plan: Plan
            if let existing = try await Plan.query(on: db).filter(\.$year.$id == yearRow.requireID())
                .filter(\.$level == level.rawValue).filter(\.$owner.$id == rootID).first() {
                // An adopted plan changes by approved adjustments only, never by a file.
                guard !existing.isAdopted else {
                    throw ServiceError.conflict("《\(existing.title)》已经通过，不能再用导入文件覆盖；修改目标任务或责任单位，请在计划页面提出计划调整。")
                }
                plan = existing
            } else {
                let count = try await Plan.query(on: db).count()
                plan = Plan(yearID: try yearRow.requireID(), level: level, ownerRegionID: rootID,
                            title: "\(year)年\(regionName)\(level.label)重点民生实事", sortOrder: count + 1)
                try await plan.create(on: db)
            }
            let planID = try plan.requireID()
            summary.plans += 1

            var items: [Int: Item] = [:]
            for item in try await Item.query(on: db).filter(\.$plan.$id == planID).all() { items[item.seq] = item }
            var projects: [String: Project] = [:]
            let itemIDs = try items.values.map { try $0.requireID() }
            if !itemIDs.isEmpty {
                for project in try await Project.query(on: db).filter(\.$item.$id ~~ itemIDs).all() { projects[project.name] = project }
            }
            var indicators: [String: Indicator] = [:]
            let projectIDs = try projects.values.map { try $0.requireID() }
            if !projectIDs.isEmpty {
                let byID = Dictionary(uniqueKeysWithValues: try projects.values.map { (try $0.requireID(), $0.name) })
                for indicator in try await Indicator.query(on: db).filter(\.$project.$id ~~ projectIDs).all() {
                    indicators[(byID[indicator.$project.id] ?? "") + "\u{1}" + indicator.name] = indicator
                }
            }

            var projectSeq = projects.count
            var existingTargets: [String: Target]? = indicators.isEmpty ? [:] : nil
            var freshTargets: [[TableRows.Value]] = []
            for row in levelRows {
                let item: Item
                if let existing = items[row.itemSeq] {
                    item = existing
                    if item.name != row.itemName { item.name = row.itemName; try await item.save(on: db) }
                } else {
                    item = Item(planID: planID, seq: row.itemSeq, name: row.itemName)
                    try await item.create(on: db)
                    items[row.itemSeq] = item
                    summary.items += 1
                }
                let project: Project
                if let existing = projects[row.projectName] {
                    project = existing
                } else {
                    projectSeq += 1
                    project = Project(itemID: try item.requireID(), seq: projectSeq, name: row.projectName)
                    try await project.create(on: db)
                    projects[row.projectName] = project
                    summary.projects += 1
                }
                let key = row.projectName + "\u{1}" + row.indicatorName
                var leadUnitID: Int? = nil
                if let lead = row.leadUnit {
                    if let known = leadUnits[lead] {
                        leadUnitID = known
                    } else {
                        leadUnitID = try await units.findOrCreate(name: lead, regionID: rootID).requireID()
                        leadUnits[lead] = leadUnitID
                    }
                }
                let indicator: Indicator
                if let existing = indicators[key] {
                    indicator = existing
                    // A file without the optional columns leaves the standard as it is.
                    let standard = row.carriesUnits ? row.acceptanceStandard : indicator.acceptanceStandard
                    if indicator.unitLabel != row.unitLabel || indicator.progressKind != row.kind.rawValue
                        || indicator.aggregation != row.rule.rawValue || indicator.$leadUnit.id != leadUnitID || indicator.acceptanceStandard != standard {
                        indicator.unitLabel = row.unitLabel
                        indicator.progressKind = row.kind.rawValue
                        indicator.aggregation = row.rule.rawValue
                        indicator.$leadUnit.id = leadUnitID
                        indicator.acceptanceStandard = standard
                        try await indicator.save(on: db)
                    }
                } else {
                    let seq = indicators.count + 1
                    indicator = Indicator(projectID: try project.requireID(), seq: seq, name: row.indicatorName, unitLabel: row.unitLabel,
                                          kind: row.kind, aggregation: row.rule, leadUnitID: leadUnitID, acceptanceStandard: row.acceptanceStandard)
                    try await indicator.create(on: db)
                    indicators[key] = indicator
                    summary.indicators += 1
                }
                guard let regionID = regionIDs[row.region] else { continue }
                let indicatorID = try indicator.requireID()
                if existingTargets == nil {
                    // Loaded once per plan: a province-sized plan has thousands of rows.
                    let ids = try indicators.values.compactMap(\.id)
                    var byKey: [String: Target] = [:]
                    if !ids.isEmpty {
                        for target in try await Target.query(on: db).filter(\.$indicator.$id ~~ ids).all() {
                            byKey["\(target.$indicator.id):\(target.$region.id)"] = target
                        }
                    }
                    existingTargets = byKey
                }
                // The share's responsible unit: a department of the share's own region.
                var responsibleID: Int? = nil
                if row.carriesUnits, let name = row.responsibleUnit {
                    if let known = responsibleUnits["\(regionID)\u{1}\(name)"] {
                        responsibleID = known
                    } else {
                        responsibleID = try await units.findOrCreate(name: name, regionID: regionID).requireID()
                        responsibleUnits["\(regionID)\u{1}\(name)"] = responsibleID
                    }
                }
                if let target = existingTargets?["\(indicatorID):\(regionID)"] {
                    target.target = row.target
                    target.targetNote = row.targetNote
                    target.sortOrder = columnOrder[regionID] ?? 0
                    if row.carriesUnits { target.$responsibleUnit.id = responsibleID }
                    try await target.save(on: db)
                } else {
                    freshTargets.append([.int(indicatorID), .int(regionID), .double(row.target), .text(row.targetNote), .int(columnOrder[regionID] ?? 0), .int(responsibleID)])
                }
                summary.targets += 1
            }
            try await TableRows.insert(into: Target.schema, columns: ["indicator_id", "region_id", "target", "target_note", "sort_order", "responsible_unit_id"],
                                       rows: freshTargets, on: db)
            try await FigureStore.refresh(indicatorIDs: indicators.values.compactMap(\.id), on: db)
            try await AuditLog.record("plan.import", subject: plan.title,
                                      detail: "导入 \(levelRows.count) 行", by: accountID, on: db)
        }
        return summary
    }

    /// Imports monthly figures for the plans of `regionName` in `year`. Existing figures for the
    /// same indicator, region and month are replaced.
    public func importProgress(_ rows: [ProgressFile.Row], regionName: String, year: Int, by accountID: Int?, now: Date = Date()) async throws -> ProgressSummary {
        try await importProgress((rows, []), regionName: regionName, year: year, by: accountID, now: now)
    }

    /// Imports parsed rows, checking the well-formed ones against the plan and reporting their
    /// problems together with the file's own (`parsed.problems`), in row order.
    public func importProgress(_ parsed: (rows: [ProgressFile.Row], problems: [ImportProblem]), regionName: String, year: Int, by accountID: Int?,
                               now: Date = Date()) async throws -> ProgressSummary {
        // Checked and prepared outside the transaction (reads only), so that the write itself is
        // short and other writers (a rating, a sign-in) wait for it only briefly. The write checks
        // again what may have changed meanwhile (a month closed) under the plans' locks.
        let prepared = try await Self.prepareProgress(parsed.rows, formatProblems: parsed.problems, regionName: regionName, year: year, on: db)
        return try await db.write(locking: prepared.planIDs.map { .plan($0) }) { db in
            try await Self.writeProgress(prepared, regionName: regionName, year: year, accountID: accountID, now: now, on: db)
        }
    }

    /// A progress file checked against the plans: the rows to write and what the write needs.
    struct PreparedProgress: Sendable {
        /// `reason`: why a figure is lower than the month before (its 进度情况), when it is.
        var accepted: [(row: ProgressFile.Row, indicatorID: Int, regionID: Int, reason: String?)]
        var indicatorIDs: [Int]
        var planIDs: [Int]
        var planOfIndicator: [Int: Int]
        var ignored: Int
    }

    private static func prepareProgress(_ rows: [ProgressFile.Row], formatProblems: [ImportProblem], regionName: String, year: Int,
                                        on db: any Database) async throws -> PreparedProgress {
        guard let root = try await RegionService(db: db).find(named: regionName) else {
            throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "行政区划“\(regionName.echoed())”不存在，请先导入计划。")])
        }
        let rootID = try root.requireID()
        let tree = try await RegionService(db: db).tree()
        var regionByName: [String: Int] = [:]
        for node in tree.subtree(of: rootID) where regionByName[node.name] == nil { regionByName[node.name] = node.id }
        guard let yearRow = try await Year.query(on: db).filter(\.$year == year).first() else {
            throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "\(year) 年尚无计划，请先导入计划。")])
        }
        let plans = try await Plan.query(on: db).filter(\.$year.$id == yearRow.requireID()).all()
            .filter { tree.isWithin(rootID, of: $0.$owner.id) }
        let planIDs = try plans.map { try $0.requireID() }
        let items = planIDs.isEmpty ? [] : try await Item.query(on: db).filter(\.$plan.$id ~~ planIDs).all()
        let projects = items.isEmpty ? [] : try await Project.query(on: db).filter(\.$item.$id ~~ items.map { try $0.requireID() }).all()
        let projectNames = Dictionary(uniqueKeysWithValues: try projects.map { (try $0.requireID(), $0.name) })
        let indicators = projects.isEmpty ? [] : try await Indicator.query(on: db).filter(\.$project.$id ~~ Array(projectNames.keys)).all()
        var indicatorByKey: [String: Indicator] = [:]
        for indicator in indicators {
            indicatorByKey[(projectNames[indicator.$project.id] ?? "") + "\u{1}" + indicator.name] = indicator
        }
        let indicatorIDs = try indicators.map { try $0.requireID() }
        var shares: Set<String> = []
        var decomposed: Set<Int> = []
        for share in try await TableRows.shares(indicatorIDs: indicatorIDs, on: db) {
            shares.insert("\(share.indicatorID):\(share.regionID)")
            if share.regionID != rootID, tree.isWithin(share.regionID, of: rootID) { decomposed.insert(share.indicatorID) }
        }
        let planOfItem = Dictionary(uniqueKeysWithValues: try items.map { (try $0.requireID(), $0.$plan.id) })
        let planOfProject = Dictionary(uniqueKeysWithValues: try projects.map { (try $0.requireID(), planOfItem[$0.$item.id] ?? 0) })
        let closed = planIDs.isEmpty ? [] : try await PlanMonth.query(on: db).filter(\.$plan.$id ~~ planIDs).filter(\.$closedAt != nil).all()
        let closedKeys = Set(closed.map { "\($0.$plan.id):\($0.month)" })

        var problems: [ImportProblem] = []
        var ignored = 0
        var accepted: [(row: ProgressFile.Row, indicatorID: Int, regionID: Int)] = []
        var acceptedLines: [String: Int] = [:]
        for row in rows {
            if row.year != year {
                problems.append(ImportProblem(row: row.line, column: "月份", reason: "月份不在 \(year) 年内。"))
                continue
            }
            guard let indicator = indicatorByKey[row.projectName + "\u{1}" + row.indicatorName], let indicatorID = indicator.id else {
                problems.append(ImportProblem(row: row.line, column: "指标任务", reason: "计划中没有项目“\(row.projectName.echoed())”的指标“\(row.indicatorName.echoed())”。"))
                continue
            }
            let isAggregateRow = PlanFile.aggregateNames.contains(row.region) || row.region == regionName
            // The aggregate is computed from the regions below; where the indicator is not
            // decomposed, the region's own row is the figure itself.
            if isAggregateRow && decomposed.contains(indicatorID) {
                ignored += 1
                continue
            }
            if closedKeys.contains("\(planOfProject[indicator.$project.id] ?? 0):\(row.month)") {
                problems.append(ImportProblem(row: row.line, column: "月份", reason: "\(row.month) 月已关账，数据已锁定；如需更正，请专班办公室先重新开放该月。"))
                continue
            }
            guard let regionID = isAggregateRow ? rootID : regionByName[row.region] else {
                problems.append(ImportProblem(row: row.line, column: "行政区划", reason: "“\(row.region.echoed())”不是\(regionName)的下级行政区划。"))
                continue
            }
            guard shares.contains("\(indicatorID):\(regionID)") else {
                problems.append(ImportProblem(row: row.line, column: "行政区划", reason: "“\(row.region.echoed())”在该指标中没有分解任务。"))
                continue
            }
            if indicator.kind == .quantity && row.quantity == nil && row.progress == nil {
                problems.append(ImportProblem(row: row.line, column: "完成数量", reason: "完成数量和进度不能都为空。"))
                continue
            }
            if indicator.kind != .quantity && row.progress == nil {
                problems.append(ImportProblem(row: row.line, column: "进度", reason: "\(indicator.kind.label)指标需填写进度。"))
                continue
            }
            let shareKey = "\(indicatorID):\(regionID):\(row.month)"
            if let earlier = acceptedLines[shareKey] {
                problems.append(ImportProblem(row: row.line, column: "行政区划", reason: "“\(row.region.echoed())”与第 \(earlier) 行是同一行政区划、同一月份的同一指标。"))
                continue
            }
            acceptedLines[shareKey] = row.line
            accepted.append((row, indicatorID, regionID))
        }
        // Figures are cumulative: one lower than the region's figure of the month before (in this
        // file, or already reported) needs its reason, written in 进度情况, kept in the history.
        var inFile: [String: (Double?, Double?)] = [:]
        for entry in accepted { inFile["\(entry.indicatorID):\(entry.regionID):\(entry.row.month)"] = (entry.row.quantity, entry.row.progress) }
        var reported: [String: (Double?, Double?)] = [:]
        let used = Array(Set(accepted.map(\.indicatorID)))
        for month in Set(accepted.map { $0.row.month - 1 }).filter({ $0 >= 1 }) {
            for figure in try await TableRows.figures(indicatorIDs: used, month: month, before: false, on: db) {
                reported["\(figure.indicatorID):\(figure.regionID):\(month)"] = (figure.quantity, figure.progress)
            }
        }
        let unitOf = Dictionary(indicators.compactMap { i in i.id.map { ($0, i.unitLabel) } }, uniquingKeysWith: { a, _ in a })
        var withReasons: [(row: ProgressFile.Row, indicatorID: Int, regionID: Int, reason: String?)] = []
        for entry in accepted {
            let key = "\(entry.indicatorID):\(entry.regionID):\(entry.row.month - 1)"
            var reason: String? = nil
            if let before = inFile[key] ?? reported[key],
               let fall = CumulativeFigure.fall(quantity: entry.row.quantity, progress: entry.row.progress, beforeQuantity: before.0,
                                                beforeProgress: before.1, unit: unitOf[entry.indicatorID] ?? "") {
                guard let note = entry.row.note, !note.isEmpty else {
                    problems.append(ImportProblem(row: entry.row.line, column: "进度情况", reason: "累计数低于上月（\(fall)），请在“进度情况”中写明下降原因。"))
                    continue
                }
                reason = note
            }
            withReasons.append((entry.row, entry.indicatorID, entry.regionID, reason))
        }
        if !problems.isEmpty || !formatProblems.isEmpty {
            throw ImportRefusal((formatProblems + problems).sorted { ($0.row ?? 0) < ($1.row ?? 0) })
        }
        var planOfIndicator: [Int: Int] = [:]
        for indicator in indicators { if let id = indicator.id { planOfIndicator[id] = planOfProject[indicator.$project.id] ?? 0 } }
        return PreparedProgress(accepted: withReasons, indicatorIDs: indicatorIDs, planIDs: planIDs.sorted(), planOfIndicator: planOfIndicator, ignored: ignored)
    }

    private static func writeProgress(_ prepared: PreparedProgress, regionName: String, year: Int, accountID: Int?, now: Date,
                                      on db: any Database) async throws -> ProgressSummary {
        let (accepted, indicatorIDs, ignored) = (prepared.accepted, prepared.indicatorIDs, prepared.ignored)
        // A month closed since the file was checked stays closed.
        let closed = prepared.planIDs.isEmpty ? [] : try await PlanMonth.query(on: db).filter(\.$plan.$id ~~ prepared.planIDs)
            .filter(\.$closedAt != nil).all()
        let closedKeys = Set(closed.map { "\($0.$plan.id):\($0.month)" })
        let nowClosed = accepted.filter { closedKeys.contains("\(prepared.planOfIndicator[$0.indicatorID] ?? 0):\($0.row.month)") }
        if !nowClosed.isEmpty {
            throw ImportRefusal(nowClosed.map { ImportProblem(row: $0.row.line, column: "月份", reason: "\($0.row.month) 月已关账，数据已锁定；如需更正，请专班办公室先重新开放该月。") })
        }

        let months = Array(Set(accepted.map(\.row.month)))
        let existing = indicatorIDs.isEmpty || months.isEmpty ? [] : try await ProgressReport.query(on: db)
            .filter(\.$indicator.$id ~~ indicatorIDs).filter(\.$month ~~ months).all()
        var existingByKey: [String: ProgressReport] = [:]
        for report in existing { existingByKey["\(report.$indicator.id):\(report.$region.id):\(report.month)"] = report }
        var freshRows: [[TableRows.Value]] = []
        var historyRows: [[TableRows.Value]] = []
        var history: [ProgressHistory] = []
        var replaced = 0
        var unchanged = 0
        var replacedIDs: [Int] = []
        for entry in accepted {
            let key = "\(entry.indicatorID):\(entry.regionID):\(entry.row.month)"
            if let report = existingByKey[key] {
                let before = ProgressReport(indicatorID: entry.indicatorID, regionID: entry.regionID, month: entry.row.month,
                                            quantity: report.quantity, progress: report.progress, note: report.note,
                                            state: report.reportState, reportedBy: nil, submittedAt: nil)
                if report.quantity == entry.row.quantity && report.progress == entry.row.progress && report.note == entry.row.note
                    && report.reportState == .submitted && report.decreaseReason == entry.reason {
                    unchanged += 1
                    continue
                }
                report.quantity = entry.row.quantity
                report.progress = entry.row.progress
                report.note = entry.row.note
                report.decreaseReason = entry.reason
                report.state = ProgressReport.State.submitted.rawValue
                report.$reportedBy.id = accountID
                report.submittedAt = now
                report.returnReason = nil
                // Replaced as rows too (deleted, then inserted with the others): a re-imported year
                // is thousands of rows, and one UPDATE each kept every other writer waiting.
                if let id = report.id { replacedIDs.append(id) }
                freshRows.append(reportRow(report, at: now))
                history.append(ProgressHistory(indicatorID: entry.indicatorID, regionID: entry.regionID, month: entry.row.month,
                                               action: .imported, old: before, new: report, reason: entry.reason.map(CumulativeFigure.historyReason),
                                               accountID: accountID, at: now))
                replaced += 1
            } else {
                // New figures go straight to rows: a year of a province's figures is tens of
                // thousands, and building models for them would dominate the import.
                let (indicator, region, row) = (entry.indicatorID, entry.regionID, entry.row)
                freshRows.append([.int(indicator), .int(region), .int(row.month), .double(row.quantity), .double(row.progress), .text(row.note),
                                  .text(ProgressReport.State.submitted.rawValue), .int(accountID), .date(now), .date(now), .text(entry.reason)])
                historyRows.append([.int(indicator), .int(region), .int(row.month), .text(ProgressHistory.Action.imported.rawValue), .double(nil), .double(nil),
                                    .double(row.quantity), .double(row.progress), .text(row.note), .text(ProgressReport.State.submitted.rawValue),
                                    .text(entry.reason.map(CumulativeFigure.historyReason)), .int(accountID), .date(now)])
            }
        }
        for chunk in stride(from: 0, to: replacedIDs.count, by: 500).map({ Array(replacedIDs[$0..<min($0 + 500, replacedIDs.count)]) }) {
            try await ProgressReport.query(on: db).filter(\.$id ~~ chunk).delete()
        }
        try await TableRows.insert(into: ProgressReport.schema, columns: reportColumns, rows: freshRows, on: db)
        try await TableRows.insert(into: ProgressHistory.schema, columns: historyColumns, rows: historyRows + history.map(historyRow), on: db)
        try await EvidenceService.reopen(figures: history.map { ($0.$indicator.id, $0.$region.id, $0.month) }, by: accountID, at: now, on: db)
        if let first = months.min() {
            try await FigureStore.refresh(indicatorIDs: Array(Set(accepted.map(\.indicatorID))), fromMonth: first, on: db)
        }
        try await AuditLog.record("progress.import", subject: "\(regionName) \(year) 年进度",
                                  detail: "新增 \(freshRows.count - replaced) 条，更新 \(replaced) 条，未变 \(unchanged) 条，忽略汇总行 \(ignored) 条", by: accountID, on: db)
        return ProgressSummary(written: freshRows.count - replaced, replaced: replaced, unchanged: unchanged, aggregateRowsIgnored: ignored)
    }

    static let reportColumns = ["indicator_id", "region_id", "month", "quantity", "progress", "note", "state", "reported_by", "updated_at", "submitted_at",
                                "decrease_reason"]

    static let historyColumns = ["indicator_id", "region_id", "month", "action", "old_quantity", "old_progress", "quantity", "progress", "note",
                                 "state", "reason", "account_id", "at"]

    static func reportRow(_ r: ProgressReport, at now: Date) -> [TableRows.Value] {
        [.int(r.$indicator.id), .int(r.$region.id), .int(r.month), .double(r.quantity), .double(r.progress), .text(r.note),
         .text(r.state), .int(r.$reportedBy.id), .date(now), .date(r.submittedAt), .text(r.decreaseReason)]
    }

    static func historyRow(_ e: ProgressHistory) -> [TableRows.Value] {
        [.int(e.$indicator.id), .int(e.$region.id), .int(e.month), .text(e.action), .double(e.oldQuantity), .double(e.oldProgress),
         .double(e.quantity), .double(e.progress), .text(e.note), .text(e.state), .text(e.reason), .int(e.$account.id), .date(e.at)]
    }

    /// Inserts history rows with plain multi-row statements (see `TableRows.insert`).
    static func insertHistory(_ entries: [ProgressHistory], on db: any Database) async throws {
        try await TableRows.insert(into: ProgressHistory.schema, columns: historyColumns, rows: entries.map(historyRow), on: db)
    }
}
