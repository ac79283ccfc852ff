import FluentKit
import Foundation
import MinshengCore

/// Who edits plans: the outline and the owner's targets belong to the plan's office; each
/// region's further decomposition to that region's office; an adjustment is decided by the
/// office the plan names.
extension Access {
    public static let decomposeDenied = "只能分解本级承担的任务：上级下达的目标任务由上级专班办公室调整。"

    /// Edits the decomposition below `region` in a plan owned by `owner`: the office of the
    /// region (or above it) — a county office decomposes its own share, not the city's targets.
    public static func decompose(_ actor: Actor, owner: Int, region: Int, tree: RegionTree) -> Decision {
        guard holds(.office, actor) else { return .forbidden(officeOnly) }
        guard readPlan(actor, owner: owner, tree: tree).isAllowed, tree.isWithin(region, of: owner) else {
            return .notFound("未找到该计划，或您无权查看。")
        }
        return tree.isWithin(region, of: actor.regionID) ? .allow : .forbidden(decomposeDenied)
    }

    /// Decides an adjustment whose approving office is `approverRegion`'s.
    public static func decideAdjustment(_ actor: Actor, approverRegion: Int, tree: RegionTree) -> Decision {
        guard holds(.office, actor) else { return .forbidden(officeOnly) }
        return tree.isWithin(approverRegion, of: actor.regionID) ? .allow : .forbidden("该调整由\(tree[approverRegion]?.name ?? "上级")专班办公室审批。")
    }

    /// The region whose office approves an adjustment proposed for `region`'s decomposition.
    public static func approverRegion(for region: Int, owner: Int, rule: AdjustmentApprover, tree: RegionTree) -> Int {
        switch rule {
        case .owner: return owner
        case .above: return tree[region]?.parentID ?? region
        }
    }
}
