import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// Loads the demo programme built from the reference documents:
/// - Shaoyang's 2024 provincial programme (reference 000 附件1) with Jan–Oct progress,
/// - Shaoyang's 2024 city programme (reference 000 附件3) with Jan–Oct progress,
/// - Shaodong's 2023 plans (reference 001 附件1–3),
/// and one account per role. The CSV files are produced by `Scripts/make-demo-data.py`.
public struct DemoLoader: Sendable {
    public static let password = "minsheng2024"

    public struct DemoAccount: Sendable {
        public var username: String
        public var displayName: String
        public var region: String
        public var unit: String?
        public var role: Role
    }

    public static let accounts: [DemoAccount] = [
        .init(username: "admin", displayName: "邵阳市专班办公室", region: "邵阳市", unit: "市人社局", role: .admin),
        .init(username: "leader", displayName: "邵阳市分管领导", region: "邵阳市", unit: nil, role: .leader),
        .init(username: "reviewer", displayName: "市教育局审核员", region: "邵阳市", unit: "市教育局", role: .reviewer),
        .init(username: "reporter", displayName: "邵东市教育局填报员", region: "邵东市", unit: "市教育局", role: .reporter),
        .init(username: "observer", displayName: "民生观察员", region: "邵阳市", unit: nil, role: .observer),
        .init(username: "supervisor", displayName: "人大代表监督员", region: "邵阳市", unit: nil, role: .supervisor),
        .init(username: "evaluator", displayName: "政协委员评议员", region: "邵阳市", unit: nil, role: .evaluator),
        .init(username: "shaodong", displayName: "邵东市专班办公室", region: "邵东市", unit: nil, role: .admin),
        .init(username: "shuangqing", displayName: "双清区专班办公室", region: "双清区", unit: nil, role: .admin),
    ]

    /// Shaoyang's counties, districts and zone in the bulletin's column order, with their codes.
    static let shaoyangChildren: [(String, String?)] = [
        ("双清区", "430502"), ("大祥区", "430503"), ("北塔区", "430511"), ("邵东市", "430582"), ("新邵县", "430522"),
        ("邵阳县", "430523"), ("隆回县", "430524"), ("洞口县", "430525"), ("绥宁县", "430527"), ("新宁县", "430528"),
        ("城步苗族自治县", "430529"), ("经开区", nil), ("武冈市", "430581"), ("市本级", nil),
    ]

    public let db: any Database
    public let hasher: any PasswordHashing

    public init(db: any Database, hasher: any PasswordHashing) {
        self.db = db
        self.hasher = hasher
    }

    /// True when the database already holds a plan (the demo is loaded only into an empty one).
    public func hasData() async throws -> Bool {
        let plans = try await Plan.query(on: db).count()
        let accounts = try await Account.query(on: db).count()
        return plans > 0 || accounts > 0
    }

    /// The 2024 plans' 验收标准 (指标任务 → standard), as an office would write them.
    func setAcceptanceStandards(_ rows: [[String]]) async throws {
        for row in rows.dropFirst() where row.count >= 2 {
            try await db.sql.raw("""
                UPDATE indicators SET acceptance_standard = \(bind: row[1]) WHERE name = \(bind: row[0]) AND project_id IN (
                SELECT p.id FROM projects p JOIN items i ON i.id = p.item_id JOIN plans pl ON pl.id = i.plan_id JOIN years y ON y.id = pl.year_id WHERE y.year = 2024)
                """).run()
        }
    }

    public func load() async throws {
        let regions = RegionService(db: db)
        let province = try await regions.create(name: "湖南省", kind: .province, code: "430000", parentID: nil, by: nil)
        let city = try await regions.create(name: "邵阳市", kind: .city, code: "430500", parentID: province.requireID(), by: nil)
        for (name, code) in Self.shaoyangChildren {
            let kind = RegionKind.guess(fromName: name, parent: .city)
            try await regions.create(name: name, kind: kind, code: code, parentID: city.requireID(), by: nil)
        }
        let importer = PlanImporter(db: db)
        for (file, region, year) in [("plan-shaoyang-2024-province", "邵阳市", 2024), ("plan-shaoyang-2024-city", "邵阳市", 2024),
                                     ("plan-shaodong-2023-province", "邵东市", 2023), ("plan-shaodong-2023-city", "邵东市", 2023),
                                     ("plan-shaodong-2023-county", "邵东市", 2023)] {
            let rows = try PlanFile.parse(rows: try Self.resource(file))
            _ = try await importer.importPlan(rows, regionName: region, year: year, createRegions: true, by: nil)
        }
        try await nameSourcesAndTitles()
        try await fillContent(try Self.resource("content-shaoyang-2024-province"))
        try await assignResponsibleUnits()
        try await setAcceptanceStandards(try Self.resource("standards-shaoyang-2024"))
        let submitted = Self.submissionDate
        for file in ["progress-shaoyang-2024-province", "progress-shaoyang-2024-city"] {
            let rows = try ProgressFile.parse(rows: try Self.resource(file))
            _ = try await importer.importProgress(rows, regionName: "邵阳市", year: 2024, by: nil, now: submitted)
        }
        try await createAccounts()
    }

    /// 2024-11-05 (the bulletin's date), so the demo's figures read as submitted before it.
    static var submissionDate: Date {
        var parts = DateComponents()
        parts.year = 2024; parts.month = 11; parts.day = 5; parts.hour = 9
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar.date(from: parts) ?? Date()
    }

    static func resource(_ name: String) throws -> [[String]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: "csv") else {
            throw ServiceError.notFound("演示数据文件 \(name).csv 缺失。")
        }
        return try CSVReader.rows(String(contentsOf: url, encoding: .utf8))
    }

    private func nameSourcesAndTitles() async throws {
        // Reference 000's office counts its 市定 indicators as completed only when every region's
        // share is (附件3: 5 completed, 8 on schedule, 1 lagging); the others by the aggregate.
        let titles: [(String, PlanLevel, String, String, CompletionRule)] = [
            ("邵阳市", .province, "2024年邵阳市省定重点民生实事", "湖南省2024年重点民生实事（邵阳市任务分解）", .aggregate),
            ("邵阳市", .city, "2024年邵阳市市定重点民生实事", "邵阳市2024年十大重点民生实事", .everyRegion),
            ("邵东市", .province, "2023年邵东市省级重点民生实事", "邵东市打好重点民生保障仗工作专班办公室《2023年全市重点民生实事项目实施意见》附件1", .aggregate),
            ("邵东市", .city, "2023年邵东市邵阳市级重点民生实事", "《2023年全市重点民生实事项目实施意见》附件2", .aggregate),
            ("邵东市", .county, "2023年邵东市市级重点民生实事", "《2023年全市重点民生实事项目实施意见》附件3", .aggregate),
        ]
        for (region, level, title, source, rule) in titles {
            guard let owner = try await RegionService(db: db).find(named: region) else { continue }
            for plan in try await Plan.query(on: db).filter(\.$owner.$id == owner.requireID()).filter(\.$level == level.rawValue).all() {
                plan.title = title
                plan.source = source
                plan.completionRuleText = rule.rawValue
                try await plan.save(on: db)
            }
        }
    }

    private func fillContent(_ rows: [[String]]) async throws {
        for row in rows.dropFirst() where row.count == 2 {
            for project in try await Project.query(on: db).filter(\.$name == row[0]).all() {
                project.content = row[1]
                try await project.save(on: db)
            }
        }
    }

    /// Each district's share is reported by its counterpart of the lead unit: 市教育局 → 区教育局,
    /// 县教育局, or the county-level city's 市教育局.
    private func assignResponsibleUnits() async throws {
        let tree = try await RegionService(db: db).tree()
        let units = UnitService(db: db)
        let targets = try await Target.query(on: db).with(\.$indicator) { $0.with(\.$leadUnit) }.all()
        var cache: [String: Int] = [:]
        for target in targets {
            guard let lead = target.indicator.leadUnit, let node = tree[target.$region.id] else { continue }
            let name = Self.counterpart(of: lead.name, in: node)
            let key = "\(node.id):\(name)"
            let unitID: Int
            if let known = cache[key] {
                unitID = known
            } else {
                unitID = try await units.findOrCreate(name: name, regionID: node.id).requireID()
                cache[key] = unitID
            }
            target.$responsibleUnit.id = unitID
            try await target.save(on: db)
        }
    }

    static func counterpart(of lead: String, in region: RegionTree.Node) -> String {
        guard lead.hasPrefix("市") else { return lead }
        let rest = String(lead.dropFirst())
        switch region.kind {
        case .district: return "区" + rest
        case .county: return (region.name.hasSuffix("市") ? "市" : "县") + rest
        case .zone: return "经开区" + rest
        default: return lead
        }
    }

    private func createAccounts() async throws {
        let service = AccountService(db: db, hasher: hasher)
        let regions = RegionService(db: db)
        for demo in Self.accounts {
            guard let region = try await regions.find(named: demo.region) else { continue }
            let regionID = try region.requireID()
            var unitID: Int? = nil
            if let unit = demo.unit { unitID = try await UnitService(db: db).findOrCreate(name: unit, regionID: regionID).requireID() }
            try await service.create(.init(username: demo.username, displayName: demo.displayName, password: Self.password,
                                           regionID: regionID, unitID: unitID, roles: [demo.role], mustChangePassword: false), by: nil)
        }
    }
}
