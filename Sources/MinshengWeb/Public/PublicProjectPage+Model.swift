import Foundation
import MinshengCore
import MinshengData
import Vapor

/// The public page of a project: phone-first, light (its own small stylesheet, no script, no
/// web fonts), the figures of the latest closed month only. The figures are the public page
/// service's (`PublicProjectService.page`); what the page derives from them — each indicator's
/// bar and tone, the published items by heading — is here; the view
/// (`PublicProjectPage+View.swift`) lays it out.
struct PublicProjectPage {
    let page: PublicProjectService.Page
    let url: String
    /// After a rating or opinion was sent: thanks, or why it was refused.
    var notice: Notice? = nil
    /// What was typed into a refused form.
    var typed: [String: String] = [:]
    /// The question to answer before the form is taken again (after a burst from the address).
    var question: FeedbackChallenge.Question? = nil

    struct Notice {
        var ok: Bool
        var text: String
    }

    /// The headings published items go under, in the page's order (工作动态 first: the latest news).
    static let headings = ["工作动态", "政策文件", "项目详情", "成效展示"]

    /// Items under 建设内容, shown once with the project's description.
    var contentItems: [Disclosure] { page.items.filter { $0.disclosureCategory?.group == "建设内容" } }

    /// The other published items by heading, headings without items left out.
    var disclosureGroups: [(heading: String, items: [Disclosure])] {
        let groups = Dictionary(grouping: page.items) { $0.disclosureCategory?.group ?? "其他" }
        return Self.headings.compactMap { heading in groups[heading].map { (heading, $0) } }
    }

    /// Whether anything is published beside 建设内容.
    var hasDisclosures: Bool { page.items.contains { $0.disclosureCategory?.group != "建设内容" } }

    /// An indicator's bar: its progress as a share of the bar (0–100), and its tone.
    static func bar(_ row: PublicProjectService.Indicator) -> (width: Double, tone: String) {
        (row.progress.map { min(100, max(0, Exact.double($0))) } ?? 0,
         row.status == .completed ? "completed" : row.status == .lagging ? "lagging" : "")
    }

    /// The project's page (in a region, or the whole project), or 404.
    static func load(_ req: Request, project: Int, region: Int?) async throws -> PublicProjectService.Page {
        guard let page = try await PublicProjectService(db: req.db).page(projectID: project, regionID: region) else {
            throw Abort(.notFound, reason: "没有找到这个民生实事项目。")
        }
        return page
    }
}
