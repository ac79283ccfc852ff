import FluentKit
import Foundation

/// The decomposition: one region's share of an indicator.
///
/// The plan's owner region carries its own target (the 全市 figure); each child region with a
/// share has a row; a child's share may be decomposed again among its own children, to any
/// depth. Where the plan states the target in words ("待另行发文确定") it is kept as a note.
public final class Target: Model, @unchecked Sendable {
    public static let schema = "targets"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Parent(key: "indicator_id") public var indicator: Indicator
    @Parent(key: "region_id") public var region: Region
    @OptionalField(key: "target") public var target: Double?
    @OptionalField(key: "target_note") public var targetNote: String?
    /// The unit that reports this share in this region.
    @OptionalParent(key: "responsible_unit_id") public var responsibleUnit: Department?
    /// The column order of this region in the plan's tables.
    @Field(key: "sort_order") public var sortOrder: Int

    public init() {}

    public init(indicatorID: Int, regionID: Int, target: Double?, targetNote: String? = nil, responsibleUnitID: Int? = nil, sortOrder: Int) {
        self.$indicator.id = indicatorID
        self.$region.id = regionID
        self.target = target
        self.targetNote = targetNote
        self.$responsibleUnit.id = responsibleUnitID
        self.sortOrder = sortOrder
    }
}
