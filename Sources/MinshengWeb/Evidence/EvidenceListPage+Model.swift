import MinshengCore
import MinshengData
import Vapor

/// The uploader's items, or a reviewer's queue (oldest first, with bulk decisions).
struct EvidenceListPage {
    let title: String
    let listing: Listing<EvidenceService.Listed>
    let review: Bool
    let query: ListQuery
    let base: String
    /// The reviewer's whole queue, before filters, and how long its oldest item has waited.
    var pending = 0
    var oldestDays: Int? = nil
    var regions: [(id: Int, name: String)] = []
    /// A refused decision: why, and what was typed and ticked.
    var message: String? = nil
    var typedReason: String? = nil
    var ticked: Set<Int> = []

    var items: [EvidenceService.Listed] { listing.items }

    /// The account's own uploads, filtered and paged.
    static func mine(_ req: Request, principal: Principal) async throws -> EvidenceListPage {
        let query = ListQuery(req)
        let items = try await EvidenceService(db: req.db).uploads(by: principal.accountID, tree: principal.tree, filter: query.filter, window: query.window)
        return EvidenceListPage(title: "我的佐证资料", listing: items, review: false, query: query, base: SiteURL.evidenceMine.path)
    }

    /// The reviewer's queue; after a refused decision, with the reason and what was typed and ticked.
    static func queue(_ req: Request, principal: Principal, message: String? = nil, reason: String? = nil, ticked: Set<Int> = []) async throws -> EvidenceListPage {
        let query = ListQuery(req)
        if let region = query.filter.regionID { try AccessPolicy.read(region: region).check(req) }
        let queue = try await EvidenceService(db: req.db).queue(actor: principal.actor, tree: principal.tree, filter: query.filter, window: query.window)
        return EvidenceListPage(title: "佐证审核", listing: queue.listing, review: true, query: query, base: SiteURL.evidenceReview.path,
                                pending: queue.pending, oldestDays: queue.oldestDays, regions: principal.regionsInScope(includingOwn: false),
                                message: message, typedReason: reason, ticked: ticked)
    }
}
