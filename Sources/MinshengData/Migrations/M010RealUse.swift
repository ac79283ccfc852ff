import FluentKit
import Foundation
import SQLKit

/// 010: what real use asked for — each plan's rule for counting 已完成 (reference 000 附件3
/// counts by every region's share, most offices by the aggregate), and why a cumulative figure
/// is lower than the month before.
public struct M010RealUse: AsyncMigration {
    public init() {}

    public var name: String { "M010RealUse" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("plans").field("completion_rule", .string).update()
        try await database.schema("progress_reports").field("decrease_reason", .string).update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("plans").deleteField("completion_rule").update()
        try await database.schema("progress_reports").deleteField("decrease_reason").update()
    }
}
