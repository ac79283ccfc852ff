import FluentKit
import Foundation
import MinshengCore

/// Which region of a plan a page shows, and which month it opens on: shared by the plan's
/// report pages (信息公开考核, 亮码评价).
extension ReportingService {
    /// What an account looking from `scopeRegionID` sees of a plan's report: its top region
    /// (the plan's owner, or its own region when the plan is one above it) and the focus — the
    /// region it asks for if that lies within the top, by default the top. Nil when the plan is
    /// not its to see, or the region asked for is outside it.
    public func planFocus(planID: Int, requested: Int?, scopeRegionID: Int, tree: RegionTree) async throws -> (top: Int, focus: Int)? {
        guard let plan = try await Plan.find(planID, on: db) else { return nil }
        let owner = plan.$owner.id
        let ownerInScope = tree.isWithin(owner, of: scopeRegionID)
        guard ownerInScope || tree.isWithin(scopeRegionID, of: owner) else { return nil }
        let top = ownerInScope ? owner : scopeRegionID
        guard let requested else { return (top, top) }
        return tree.isWithin(requested, of: top) ? (top, requested) : nil
    }

    /// The month a page opens on: the plan's latest month with figures, or else the year's
    /// current month (December for a past year, January for a coming one).
    public func defaultMonth(planID: Int, regionID: Int, now: Date = Date()) async throws -> Int {
        if let latest = try await FigureStore.planRegions(planID: planID, on: db).first(where: { $0.regionID == regionID })?.months.last {
            return latest
        }
        guard let plan = try await Plan.query(on: db).filter(\.$id == planID).with(\.$year).first() else { return 12 }
        let calendar = Calendar(identifier: .gregorian)
        let today = calendar.dateComponents(in: TimeZone(identifier: "Asia/Shanghai") ?? .current, from: now)
        let year = today.year ?? plan.year.year
        if plan.year.year < year { return 12 }
        if plan.year.year > year { return 1 }
        return today.month ?? 12
    }
}
