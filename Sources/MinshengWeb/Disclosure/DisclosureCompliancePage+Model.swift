import Foundation
import MinshengCore
import MinshengData
import Vapor

/// 信息公开考核 for a plan in a region: the rule, the summary, each region's completion share, the
/// month-by-month matrix (reference 002 附表4), the projects short of the year's updates
/// (reference 000 附件2), those without news or missing a category, and flagged items. The
/// figures are the compliance service's (each region's share computed once, in
/// `DisclosureTable`, for this page and the export alike); what the page counts and picks from
/// them is here; the view (`DisclosureCompliancePage+View.swift`) lays it out.
struct DisclosureCompliancePage {
    let planID: Int
    let focusRegionID: Int
    let report: DisclosureComplianceService.Report
    let flagged: [DisclosureService.Flagged]
    let mayRule: Bool
    /// From the top region the account may see down to the focus.
    let trail: [(id: Int, name: String)]
    let tree: RegionTree

    /// The months judged so far under the rule.
    let judged: [Int]
    /// Projects (in regions) that met the rule in every judged month.
    let meeting: Int
    /// The matrix's rows: all of them for a county's few, only those that missed a month for a
    /// city's hundreds (the export carries them all).
    let matrixRows: [DisclosureComplianceService.Row]
    let matrixIsWhole: Bool
    /// The rows span several regions (the matrix names each row's region).
    let showsRegion: Bool
    /// Each region of the completion table that has regions below it to open.
    let drillable: [String: Int]

    static let kinds: [DisclosureCategory] = [.news, .summary, .report, .typicalCase]
    static let wholeMatrixLimit = 60

    init(planID: Int, focusRegionID: Int, report: DisclosureComplianceService.Report, flagged: [DisclosureService.Flagged], mayRule: Bool,
         trail: [(id: Int, name: String)], tree: RegionTree) {
        self.planID = planID
        self.focusRegionID = focusRegionID
        self.report = report
        self.flagged = flagged
        self.mayRule = mayRule
        self.trail = trail
        self.tree = tree
        judged = report.rule.months(through: report.month).map(Array.init) ?? []
        let meets: (DisclosureComplianceService.Row) -> Bool = { $0.monthly.values.allSatisfy { $0 } }
        meeting = report.rows.filter(meets).count
        matrixIsWhole = report.rows.count <= Self.wholeMatrixLimit
        matrixRows = matrixIsWhole ? report.rows : report.rows.filter { !meets($0) }
        showsRegion = Set(report.rows.map(\.regionID)).count > 1
        let ids = Dictionary(report.rows.map { ($0.region, $0.regionID) }, uniquingKeysWith: { first, _ in first })
        drillable = ids.filter { $0.value != focusRegionID && !tree.children(of: $0.value).isEmpty }
    }

    /// The report for the plan, region and month the request names (checked by `PlanReportScope`).
    static func load(_ req: Request, scope: PlanReportScope, report: DisclosureComplianceService.Report) async throws -> DisclosureCompliancePage {
        let principal = scope.principal
        let flagged = try await DisclosureService(db: req.db).flagged(projectIDs: Array(Set(report.rows.map(\.projectID))), regionID: scope.focus, tree: principal.tree)
        let mayRule = try await principal.isOffice(ofPlan: scope.planID, on: req.db)
        return DisclosureCompliancePage(planID: scope.planID, focusRegionID: scope.focus, report: report, flagged: flagged, mayRule: mayRule,
                                        trail: scope.trail, tree: principal.tree)
    }
}
