import FluentKit
import Foundation

/// Departments (单位) in regions.
public struct UnitService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public func units(inRegions regionIDs: Set<Int>) async throws -> [Department] {
        guard !regionIDs.isEmpty else { return [] }
        return try await Department.query(on: db).filter(\.$region.$id ~~ Array(regionIDs))
            .sort(\.$sortOrder).sort(\.$id).all()
    }

    /// Finds a unit by name in a region, creating it when missing (imports and demo data).
    public func findOrCreate(name: String, regionID: Int) async throws -> Department {
        if let unit = try await Department.query(on: db).filter(\.$region.$id == regionID).filter(\.$name == name).first() {
            return unit
        }
        let count = try await Department.query(on: db).filter(\.$region.$id == regionID).count()
        let unit = Department(regionID: regionID, name: name, sortOrder: count + 1)
        try await unit.create(on: db)
        return unit
    }

    @discardableResult
    public func create(name rawName: String, phone rawPhone: String?, regionID: Int, by accountID: Int?) async throws -> Department {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ServiceError.invalid("请填写单位名称。") }
        guard name.count <= 60 else { throw ServiceError.invalid("单位名称不能超过 60 个字符。") }
        let phone = try Self.validPhone(rawPhone)
        if try await Department.query(on: db).filter(\.$region.$id == regionID).filter(\.$name == name).first() != nil {
            throw ServiceError.conflict("该行政区划下已有名为“\(name)”的单位。")
        }
        let count = try await Department.query(on: db).filter(\.$region.$id == regionID).count()
        let unit = Department(regionID: regionID, name: name, phone: phone, sortOrder: count + 1)
        try await db.write { db in
            try await unit.create(on: db)
            try await AuditLog.record("unit.create", subject: "单位 \(name)", detail: "联系电话：\(phone ?? "无")", by: accountID, on: db)
        }
        return unit
    }

    public func update(_ unit: Department, name rawName: String, phone rawPhone: String?, by accountID: Int?) async throws {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 60 else { throw ServiceError.invalid("单位名称应为 1 至 60 个字符。") }
        let phone = try Self.validPhone(rawPhone)
        if let other = try await Department.query(on: db).filter(\.$region.$id == unit.$region.id).filter(\.$name == name).first(),
           other.id != unit.id {
            throw ServiceError.conflict("该行政区划下已有名为“\(name)”的单位。")
        }
        let old = unit.name
        unit.name = name
        unit.phone = phone
        try await db.write { db in
            try await unit.save(on: db)
            try await AuditLog.record("unit.update", subject: "单位 \(old)", detail: "名称：\(name)；联系电话：\(phone ?? "无")", by: accountID, on: db)
        }
        try await PublicVersion.changed(on: db)  // public pages show the name
    }

    static func validPhone(_ raw: String?) throws -> String? {
        guard let phone = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !phone.isEmpty else { return nil }
        guard phone.count <= 20, phone.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == " ") }) else {
            throw ServiceError.invalid("联系电话只能包含数字和短横线，且不超过 20 位。")
        }
        return phone
    }
}
