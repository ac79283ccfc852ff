import FluentKit
import Foundation
import MinshengCore

/// Regions and their tree.
public struct RegionService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public func tree() async throws -> RegionTree {
        let regions = try await Region.query(on: db).all()
        return RegionTree(regions.compactMap(\.treeNode))
    }

    public func find(named name: String) async throws -> Region? {
        try await Region.query(on: db).filter(\.$name == name).first()
    }

    /// Adds a region under `parentID` (a root when nil). Names are unique among siblings.
    @discardableResult
    public func create(name rawName: String, kind: RegionKind, code rawCode: String?, parentID: Int?, by accountID: Int?) async throws -> Region {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ServiceError.invalid("请填写行政区划名称。") }
        guard name.count <= 50 else { throw ServiceError.invalid("行政区划名称不能超过 50 个字符。") }
        let code = rawCode?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let code, !(code.count <= 12 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)) {
            throw ServiceError.invalid("行政区划代码应为不超过 12 位的数字。")
        }
        let siblings = try await Region.query(on: db).group { group in
            if let parentID { group.filter(\.$parent.$id == parentID) } else { group.filter(\.$parent.$id == nil) }
        }.all()
        if siblings.contains(where: { $0.name == name }) {
            throw ServiceError.conflict("同一上级下已有名为“\(name)”的行政区划。")
        }
        let order = (siblings.map(\.sortOrder).max() ?? 0) + 1
        let region = Region(name: name, kind: kind, code: code, parentID: parentID, sortOrder: order)
        try await db.write { db in
            try await region.create(on: db)
            try await AuditLog.record("region.create", subject: "行政区划 \(name)", detail: "类型：\(kind.label)", by: accountID, on: db)
        }
        return region
    }

    public func update(_ region: Region, name rawName: String, code rawCode: String?, by accountID: Int?) async throws {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 50 else { throw ServiceError.invalid("行政区划名称应为 1 至 50 个字符。") }
        let code = rawCode?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let code, !(code.count <= 12 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)) {
            throw ServiceError.invalid("行政区划代码应为不超过 12 位的数字。")
        }
        let old = region.name
        region.name = name
        region.code = code
        try await db.write { db in
            try await region.save(on: db)
            try await AuditLog.record("region.update", subject: "行政区划 \(old)", detail: "名称：\(name)；代码：\(code ?? "无")", by: accountID, on: db)
        }
        try await PublicVersion.changed(on: db)  // public pages show the name
    }
}

extension String {
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}
