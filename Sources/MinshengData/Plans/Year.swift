import FluentKit
import Foundation

/// A programme year (2024年).
public final class Year: Model, @unchecked Sendable {
    public static let schema = "years"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "year") public var year: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(year: Int) { self.year = year }
}
