import FluentKit
import Foundation

/// One page of a long list: lists never stop at a silent cap; they page, and say their true total.
public struct ListWindow: Sendable, Equatable {
    public static let defaultSize = 50
    /// 1-based.
    public var page: Int
    public var size: Int

    /// A window from what a request asked for, made sane: page 1–1,000,000 (so the offset never
    /// overflows, whatever the address says), 10–200 per page.
    public init(page: Int? = nil, size: Int? = nil) {
        self.page = min(max(page ?? 1, 1), 1_000_000)
        self.size = min(max(size ?? Self.defaultSize, 10), 200)
    }

    public var offset: Int { (page - 1) * size }
}

/// A page of items and the total of the whole (filtered) list.
public struct Listing<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var window: ListWindow

    public init(items: [Item], total: Int, window: ListWindow) {
        self.items = items
        self.total = total
        self.window = window
    }

    public var pageCount: Int { max(1, (total + window.size - 1) / window.size) }

    public func map<Other: Sendable>(_ transform: (Item) throws -> Other) rethrows -> Listing<Other> {
        Listing<Other>(items: try items.map(transform), total: total, window: window)
    }

    /// A page of an array already in memory.
    public static func slice(_ all: [Item], _ window: ListWindow) -> Listing<Item> {
        let start = min(window.offset, all.count)
        return Listing(items: Array(all[start..<min(start + window.size, all.count)]), total: all.count, window: window)
    }
}

/// What a long list can be narrowed to; each list uses the filters that apply to it.
public struct ListFilter: Sendable, Equatable {
    public var regionID: Int?
    public var projectID: Int?
    public var unitID: Int?
    public var category: String?
    public var status: String?
    /// With `month`: a month of a year (lists that span years).
    public var year: Int?
    /// 1–12.
    public var month: Int?
    /// Words to find in titles, texts and names.
    public var text: String?

    public init(regionID: Int? = nil, projectID: Int? = nil, unitID: Int? = nil, category: String? = nil, status: String? = nil,
                year: Int? = nil, month: Int? = nil, text: String? = nil) {
        self.regionID = regionID
        self.projectID = projectID
        self.unitID = unitID
        self.category = category.flatMap { $0.isEmpty ? nil : $0 }
        self.status = status.flatMap { $0.isEmpty ? nil : $0 }
        self.month = month.flatMap { (1...12).contains($0) ? $0 : nil }
        self.year = year.flatMap { (2000...2100).contains($0) ? $0 : nil }
        self.text = text.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : String($0.prefix(50)) }
    }
}

extension ListFilter {
    /// `published_on`-style dates (`YYYY-MM-DD`) of the filter's month: [first day, first day of the next).
    public var dateRange: (from: String, until: String)? {
        guard let year, let month else { return nil }
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        return (String(format: "%04d-%02d-01", year, month), String(format: "%04d-%02d-01", next.0, next.1))
    }
}

extension QueryBuilder {
    /// The window's rows and the count of all rows the query matches (its sorts do not matter
    /// to the count; FluentKit drops them for aggregates).
    public func listing(_ window: ListWindow) async throws -> Listing<Model> {
        let total = try await copy().count()
        let items = try await range(lower: window.offset, upper: window.offset + window.size - 1).all()
        return Listing(items: items, total: total, window: window)
    }
}
