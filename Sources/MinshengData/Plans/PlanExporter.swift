import FluentKit
import Foundation
import MinshengCore

/// A plan written in the exchange format it is imported from (`PlanFile.fullHeader`), so that
/// the file imports again to the same plan: items, projects and indicators in the plan's order,
/// each indicator's own row (全省 / 全市 / 全县) first and then its decomposition in the tables'
/// column order, with each share's responsible unit and the indicator's 验收标准.
public struct PlanExporter: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// The plan the region owns in the year: of `level`, else the highest level it has.
    public func plan(regionName: String, year: Int, level: PlanLevel?) async throws -> Plan {
        guard let region = try await RegionService(db: db).find(named: regionName), let regionID = region.id else {
            throw ServiceError.notFound("行政区划“\(regionName.echoed())”不存在。")
        }
        guard let yearID = try await Year.query(on: db).filter(\.$year == year).first()?.id else {
            throw ServiceError.notFound("\(regionName)没有 \(year) 年的计划。")
        }
        let plans = try await Plan.query(on: db).filter(\.$year.$id == yearID).filter(\.$owner.$id == regionID).all()
        let order = PlanLevel.allCases
        guard let plan = plans.filter({ level == nil || $0.planLevel == level })
            .min(by: { (order.firstIndex(of: $0.planLevel) ?? 9) < (order.firstIndex(of: $1.planLevel) ?? 9) }) else {
            throw ServiceError.notFound("\(regionName)没有 \(year) 年\(level?.label ?? "")的计划。")
        }
        return plan
    }

    /// The plan's rows, the header first.
    public func rows(planID: Int, tree: RegionTree) async throws -> [[String]] {
        guard let plan = try await Plan.find(planID, on: db) else { throw ServiceError.notFound("没有该计划。") }
        guard let owner = tree[plan.$owner.id] else { throw ServiceError.notFound("计划所属的行政区划不存在。") }
        let (items, projects, indicators) = try await TableRows.outline(planID: planID, on: db)
        let shares = Dictionary(grouping: try await TableRows.shares(indicatorIDs: indicators.map(\.id), on: db), by: \.indicatorID)
        let unitIDs = Set(shares.values.joined().compactMap(\.unitID))
        let unitNames = unitIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ Array(unitIDs)).all()
            .compactMap { unit in unit.id.map { ($0, unit.name) } })
        let ownLabel = BulletinService.aggregateLabel(owner.kind)
        var rows = [PlanFile.fullHeader]
        for item in items {
            for project in projects where project.itemID == item.id {
                for indicator in indicators where indicator.projectID == project.id {
                    // The owner's own share first, then the others in column order.
                    let ordered = (shares[indicator.id] ?? []).sorted { a, b in
                        let (ownA, ownB) = (a.regionID == owner.id, b.regionID == owner.id)
                        return ownA != ownB ? ownA : (a.sortOrder, a.regionID) < (b.sortOrder, b.regionID)
                    }
                    for (index, share) in ordered.enumerated() {
                        let region = share.regionID == owner.id ? ownLabel : tree[share.regionID]?.name ?? ""
                        rows.append([plan.planLevel.label, "\(item.seq)", item.name, project.name, indicator.name, indicator.unitLabel,
                                     indicator.kind.label, indicator.rule.label, indicator.leadUnit ?? "", region,
                                     share.target.map(Self.number) ?? share.targetNote ?? "",
                                     share.unitID.flatMap { unitNames[$0] } ?? "",
                                     index == 0 ? indicator.acceptanceStandard ?? "" : ""])
                    }
                }
            }
        }
        return rows
    }

    /// A target as the import reads it back: a plain decimal, no grouping, no exponent.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(Exact.decimal(value))"
    }

    /// The plan's file name: its title and the export's format.
    public static func fileName(title: String, format: String) -> String { "\(title)（计划）.\(format)" }

    public static func csv(_ rows: [[String]]) -> Data { Data(CSVWriter.document(rows).utf8) }

    /// One sheet, the header frozen, as the import template.
    public static func xlsx(_ rows: [[String]]) throws -> Data {
        var sheet = Workbook.Sheet(name: "计划")
        sheet.rows = rows.enumerated().map { index, row in row.map { Workbook.Cell.text($0, index == 0 ? .header : .text) } }
        sheet.columnWidths = PlanFile.fullHeader.map { $0 == "验收标准" ? 40 : $0 == "指标任务" || $0 == "项目名称" ? 28 : $0 == "实事名称" || $0 == "责任单位" || $0 == "牵头单位" ? 20 : 12 }
        sheet.frozenRows = 1
        return try Workbook(sheets: [sheet]).data()
    }
}
