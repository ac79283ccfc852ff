import Foundation
import MinshengCore

/// Who takes part in the selection: the offices run it; a department gives the opinion it was
/// asked for; the public proposes and votes without an account.
extension Access {
    /// Gives the opinion asked of `unit` on a proposal of a round in `region`: the unit's own
    /// accounts, or an office of the region entering the department's written opinion.
    public static func giveOpinion(_ actor: Actor, unit: Int, region: Int, tree: RegionTree) -> Decision {
        if actor.unitID == unit { return .allow }
        if holds(.office, actor) && tree.isWithin(region, of: actor.regionID) { return .allow }
        return .notFound("未找到该建议，或没有请您提出意见。")
    }
}
