import Foundation
import MinshengCore
import MinshengData
import Vapor

/// 进度 and 验收率 side by side: each region's two figures and the gap, rows over the office's
/// limit highlighted; below, what is behind the gap. The figures are the acceptance service's;
/// the counts the page leads with are here; the view (`AcceptancePage+View.swift`) lays them out.
struct AcceptancePage {
    let report: AcceptanceService.Report
    /// The viewer is the plan's office and may set the month's gap limit.
    let mayLimit: Bool
    /// Indicators whose aggregate gap is over the limit.
    let overLimit: Int
    /// Evidence items waiting for review, over all figures.
    let waiting: Int

    var table: ProgressTable { report.table }

    init(report: AcceptanceService.Report, mayLimit: Bool) {
        self.report = report
        self.mayLimit = mayLimit
        overLimit = report.table.rows.filter { $0.aggregate?.overLimit == true }.count
        waiting = report.waiting.reduce(0) { $0 + $1.count }
    }

    static func load(_ req: Request, principal: Principal, report: AcceptanceService.Report) async throws -> AcceptancePage {
        AcceptancePage(report: report, mayLimit: try await principal.isOffice(ofPlan: report.planID, on: req.db))
    }
}
