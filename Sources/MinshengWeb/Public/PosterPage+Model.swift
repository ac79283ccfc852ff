import Foundation
import MinshengCore
import MinshengData

/// The 亮码 poster of a project in a region: one A4 page to print and post at the site — the
/// project, the QR code of its public page, what is being built, the responsible unit and its
/// phone number. What it shows is chosen here; the view (`PosterPage+View.swift`) lays it out.
struct PosterPage {
    let page: PublicProjectService.Page
    let url: String

    /// 建设内容, cut to what fits the sheet.
    var content: String? { page.content.map { $0.count > 160 ? String($0.prefix(160)) + "…" : $0 } }

    /// The first four indicators with their targets.
    var targets: [String] {
        page.indicators.prefix(4).map { row in row.name + "：" + (row.target.map { Figures.quantity($0) + row.unitLabel } ?? row.targetNote ?? "") }
    }

    /// The unit named at the foot, with its phone number.
    var unit: (name: String, phone: String?)? { page.responsibleUnits.first }
}
