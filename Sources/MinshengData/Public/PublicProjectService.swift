import FluentKit
import Foundation
import MinshengCore

/// What the public sees of a project (民生实事码上通): its indicators with the figures of the
/// latest closed month only — never a figure still open to change — targets, and the units
/// responsible, for the project as a whole or in one region that runs it.
public struct PublicProjectService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Indicator: Sendable {
        public var name: String
        public var unitLabel: String
        public var kind: ProgressType
        public var leadUnit: String?
        public var responsibleUnit: String?
        public var target: Double?
        public var targetNote: String?
        /// Rounded half-up, as the tables show it; nil before the first closed month.
        public var progress: Decimal?
        public var quantity: Decimal?
        public var status: ProgressStatus?
    }

    public struct RegionLink: Sendable {
        public var regionID: Int
        public var name: String
        public var progress: Decimal?
    }

    public struct Page: Sendable {
        public var projectID: Int
        public var projectName: String
        public var content: String?
        public var itemName: String
        public var planTitle: String
        public var year: Int
        public var regionID: Int
        public var regionName: String
        /// The plan's own region: the page for the project as a whole.
        public var isWhole: Bool
        /// The latest closed month whose figures are shown.
        public var month: Int?
        public var indicators: [Indicator]
        /// The regions running the project, for the whole project's page.
        public var regions: [RegionLink]
        public var responsibleUnits: [(name: String, phone: String?)]
        /// Published disclosure items, newest first (the region's, or all regions' on the whole page).
        public var items: [Disclosure]
        /// Rating counts and answered opinions (the region's, or all regions' on the whole page).
        public var feedback: FeedbackService.PublicSummary
        /// The region's other projects of the same plan, for the links at the foot of the page.
        public var siblings: [(id: Int, name: String)] = []
        /// Problems the supervisors raised and how many are rectified; the texts the office published.
        public var supervision = SupervisionReportService.PublicSummary(raised: 0, rectified: 0, published: [])
    }

    /// The page of `projectID` in `regionID` (nil: the plan's own region, the project as a whole),
    /// or nil when there is no such project or the region has no share in it.
    public func page(projectID: Int, regionID: Int?) async throws -> Page? {
        guard let project = try await Project.query(on: db).filter(\.$id == projectID).with(\.$item).first() else { return nil }
        guard let plan = try await Plan.query(on: db).filter(\.$id == project.item.$plan.id).with(\.$year).first(), let planID = plan.id else { return nil }
        let tree = try await RegionService(db: db).tree()
        let owner = plan.$owner.id
        let region = regionID ?? owner
        let indicators = try await MinshengData.Indicator.query(on: db).filter(\.$project.$id == projectID).with(\.$leadUnit).sort(\.$seq).all()
        let ids = indicators.compactMap(\.id)
        let shares = try await TableRows.shares(indicatorIDs: ids, on: db)
        guard region == owner || shares.contains(where: { $0.regionID == region }) else { return nil }

        let closed = try await PlanMonth.query(on: db).filter(\.$plan.$id == planID).filter(\.$closedAt != nil).all().map(\.month).max()
        let childRegions = region == owner ? Array(Set(shares.map(\.regionID)).filter { tree[$0]?.parentID == owner }) : []
        let cells = try await TableRows.storedCells(indicatorIDs: ids, regionIDs: [region] + childRegions, month: closed ?? 0, on: db)
        var byKey: [String: TableRows.StoredCell] = [:]
        for cell in cells { byKey["\(cell.indicatorID):\(cell.regionID)"] = cell }
        let unitIDs = Set(cells.compactMap(\.unitID))
        let units = unitIDs.isEmpty ? [] : try await Department.query(on: db).filter(\.$id ~~ Array(unitIDs)).all()
        let unitByID = Dictionary(uniqueKeysWithValues: units.compactMap { u in u.id.map { ($0, u) } })

        var rows: [Indicator] = []
        for indicator in indicators {
            guard let id = indicator.id, let cell = byKey["\(id):\(region)"] else { continue }
            rows.append(Indicator(name: indicator.name, unitLabel: indicator.unitLabel, kind: indicator.kind, leadUnit: indicator.leadUnit?.name,
                                  responsibleUnit: cell.unitID.flatMap { unitByID[$0]?.name }, target: cell.target, targetNote: cell.targetNote,
                                  progress: cell.progress.map(Exact.decimal), quantity: cell.quantity.map(Exact.decimal),
                                  status: cell.status.flatMap(ProgressStatus.init(rawValue:))))
        }
        guard !rows.isEmpty else { return nil }
        // Each region's progress: the mean over the project's indicators with a figure.
        var links: [RegionLink] = []
        for child in childRegions {
            let values = ids.compactMap { byKey["\($0):\(child)"]?.progress.map(Exact.decimal) }
            let mean = values.isEmpty ? nil : values.reduce(0, +) / Decimal(values.count)
            links.append(RegionLink(regionID: child, name: tree[child]?.name ?? "", progress: mean.map { Exact.rounded($0) }))
        }
        let order = Dictionary(shares.map { ($0.regionID, $0.sortOrder) }, uniquingKeysWith: min)
        links.sort { (order[$0.regionID] ?? 0, $0.regionID) < (order[$1.regionID] ?? 0, $1.regionID) }
        var seen: Set<Int> = []
        var responsible: [(String, String?)] = []
        for cell in cells where cell.regionID == region {
            guard let unit = cell.unitID.flatMap({ unitByID[$0] }), let uid = unit.id, seen.insert(uid).inserted else { continue }
            responsible.append((unit.name, unit.phone))
        }
        let items = try await DisclosureService(db: db).published(projectID: projectID, regionID: region == owner ? nil : region)
        let feedback = try await FeedbackService(db: db).publicSummary(projectID: projectID, regionID: region, isWhole: region == owner)
        // The region's other projects in this plan (by their order), for the links at the foot.
        let siblingRows = try await TableRows.read({ mark in
            """
            SELECT DISTINCT p.id, p.name, p.seq, i.seq AS item_seq FROM targets t JOIN indicators n ON n.id = t.indicator_id JOIN projects p ON p.id = n.project_id
            JOIN items i ON i.id = p.item_id WHERE i.plan_id = \(mark(1)) AND t.region_id = \(mark(2))
            """
        }, [.int(planID), .int(region)], on: db)
        let s = (id: try siblingRows.column("id"), name: try siblingRows.column("name"), seq: try siblingRows.column("seq"), item: try siblingRows.column("item_seq"))
        let siblings = try siblingRows.map { row in
            (id: try row.requiredInt(s.id), name: try row.requiredString(s.name), seq: try row.requiredInt(s.seq), item: try row.requiredInt(s.item))
        }
            .filter { $0.id != projectID }.sorted { ($0.item, $0.seq, $0.id) < ($1.item, $1.seq, $1.id) }.map { (id: $0.id, name: $0.name) }
        var page = Page(projectID: projectID, projectName: project.name, content: project.content, itemName: project.item.name,
                    planTitle: plan.title, year: plan.year.year, regionID: region, regionName: tree[region]?.name ?? "",
                    isWhole: region == owner, month: closed, indicators: rows, regions: links, responsibleUnits: responsible, items: items,
                    feedback: feedback, siblings: siblings)
        page.supervision = try await SupervisionReportService(db: db).publicSummary(projectID: projectID,
                                                                                   regionIDs: region == owner ? tree.subtreeIDs(of: owner) : [region])
        return page
    }

    /// The projects with a share in the region, in their plans' order.
    public func projects(inRegion regionID: Int) async throws -> [Int] {
        let rows = try await TableRows.read({ mark in
            """
            SELECT DISTINCT p.id, i.plan_id, p.seq FROM targets t JOIN indicators n ON n.id = t.indicator_id
            JOIN projects p ON p.id = n.project_id JOIN items i ON i.id = p.item_id WHERE t.region_id = \(mark(1))
            """
        }, [.int(regionID)], on: db)
        let c = (id: try rows.column("id"), plan: try rows.column("plan_id"), seq: try rows.column("seq"))
        return try rows.map { row in (try row.requiredInt(c.id), try row.requiredInt(c.plan), try row.requiredInt(c.seq)) }
            .sorted { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }.map(\.0)
    }

    // MARK: - A region's public index

    public struct Listed: Sendable {
        public var projectID: Int
        public var name: String
        /// The page's region: nil for the plan's own region (the whole project's page).
        public var regionID: Int?
        /// The mean progress of the region's indicators at the plan's latest closed month.
        public var progress: Decimal?
    }

    public struct PlanGroup: Sendable {
        public var planTitle: String
        public var year: Int
        public var month: Int?
        public var projects: [Listed]
    }

    public struct RegionIndex: Sendable {
        public var regionID: Int
        public var regionName: String
        public var parentID: Int?
        public var parentName: String?
        /// Regions below with projects of their own to show.
        public var children: [(id: Int, name: String)]
        public var plans: [PlanGroup]
    }

    /// The region's projects of its latest year, by plan, each linking to its page in the region.
    public func index(regionID: Int) async throws -> RegionIndex? {
        let tree = try await RegionService(db: db).tree()
        guard let node = tree[regionID] else { return nil }
        let rows = try await TableRows.read({ mark in
            """
            SELECT DISTINCT p.id AS project_id, p.name AS project_name, p.seq, pl.id AS plan_id, pl.title, y.year, pl.owner_region_id,
                   pl.sort_order, n.id AS indicator_id
            FROM targets t JOIN indicators n ON n.id = t.indicator_id JOIN projects p ON p.id = n.project_id
            JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id JOIN years y ON y.id = pl.year_id
            WHERE t.region_id = \(mark(1))
            """
        }, [.int(regionID)], on: db)
        let c = (project: try rows.column("project_id"), name: try rows.column("project_name"), seq: try rows.column("seq"), plan: try rows.column("plan_id"),
                 title: try rows.column("title"), year: try rows.column("year"), owner: try rows.column("owner_region_id"),
                 sort: try rows.column("sort_order"), indicator: try rows.column("indicator_id"))
        guard let latest = try rows.map({ try $0.requiredInt(c.year) }).max() else {
            return RegionIndex(regionID: regionID, regionName: node.name, parentID: node.parentID, parentName: node.parentID.flatMap { tree[$0]?.name },
                               children: [], plans: [])
        }
        struct Found { var planID: Int; var title: String; var sort: Int; var owner: Int; var projects: [Int: (name: String, seq: Int, indicators: [Int])] }
        var plans: [Int: Found] = [:]
        for row in rows where try row.requiredInt(c.year) == latest {
            let (project, plan, indicator) = (try row.requiredInt(c.project), try row.requiredInt(c.plan), try row.requiredInt(c.indicator))
            var found = try plans[plan] ?? Found(planID: plan, title: row.requiredString(c.title), sort: row.requiredInt(c.sort), owner: row.requiredInt(c.owner), projects: [:])
            var entry = try found.projects[project] ?? (row.requiredString(c.name), row.requiredInt(c.seq), [])
            entry.indicators.append(indicator)
            found.projects[project] = entry
            plans[plan] = found
        }
        var groups: [PlanGroup] = []
        for found in plans.values.sorted(by: { ($0.sort, $0.planID) < ($1.sort, $1.planID) }) {
            let closed = try await PlanMonth.query(on: db).filter(\.$plan.$id == found.planID).filter(\.$closedAt != nil).all().map(\.month).max()
            let cells = try await TableRows.storedCells(indicatorIDs: found.projects.values.flatMap(\.indicators), regionIDs: [regionID], month: closed ?? 0, on: db)
            var progressByIndicator: [Int: Double] = [:]
            for cell in cells { if let p = cell.progress { progressByIndicator[cell.indicatorID] = p } }
            let listed = found.projects.sorted { ($0.value.seq, $0.key) < ($1.value.seq, $1.key) }.map { id, entry -> Listed in
                let values = entry.indicators.compactMap { progressByIndicator[$0] }.map(Exact.decimal)
                let mean = values.isEmpty ? nil : values.reduce(0, +) / Decimal(values.count)
                return Listed(projectID: id, name: entry.name, regionID: found.owner == regionID ? nil : regionID, progress: mean.map { Exact.rounded($0) })
            }
            groups.append(PlanGroup(planTitle: found.title, year: latest, month: closed, projects: listed))
        }
        let children = tree.children(of: regionID).map { (id: $0.id, name: $0.name) }
        return RegionIndex(regionID: regionID, regionName: node.name, parentID: node.parentID, parentName: node.parentID.flatMap { tree[$0]?.name },
                           children: children, plans: groups)
    }

    /// The regions with projects to show, top down (the public index's first page).
    public func regionsWithProjects() async throws -> [(id: Int, name: String, depth: Int)] {
        let tree = try await RegionService(db: db).tree()
        let rows = try await TableRows.read({ _ in "SELECT DISTINCT region_id FROM targets" }, [], on: db)
        let region = try rows.column("region_id")
        let ids = Set(try rows.map { try $0.requiredInt(region) })
        return tree.ordered.filter { ids.contains($0.id) }.map { (id: $0.id, name: $0.name, depth: tree.depth(of: $0.id)) }
    }
}
