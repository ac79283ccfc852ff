import ArgumentParser
import Foundation
import MinshengCore
import MinshengData
import MinshengWeb
import SQLKit
import Vapor
import FluentKit

/// `minsheng bench progress`: builds a province-sized programme in an empty database and prints
/// how long the import and the progress tables take, beside a plain SQL aggregate over the same
/// rows measured in the same run. A benchmark, not a test: it prints figures and asserts nothing.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks (print figures; run with -c release).", subcommands: [ProgressBench.self])

    struct ProgressBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "progress", abstract: "Province-sized import and progress tables.")
        @ArgumentParser.Option(name: .customLong("data-dir"), help: "Directory for the SQLite file (default: a new temporary directory). DATABASE_URL selects PostgreSQL; the database must be empty.")
        var dataDir: String?
        @ArgumentParser.Option(help: "Timed repetitions of each query (the median is printed).") var runs = 15

        func run() async throws {
            let directory = dataDir ?? NSTemporaryDirectory() + "minsheng-bench-\(UUID().uuidString)"
            let config = AppConfig.fromEnvironment(dataDirectory: directory, hostname: "127.0.0.1", port: 0)
            try await withApp(config) { app in
                guard try await Plan.query(on: app.db).count() == 0 else {
                    throw CLIError("基准测试需要空数据库，请指定新的 --data-dir 或空的 PostgreSQL 数据库。")
                }
                let shape = ProvinceShape()
                say("数据库：\(describe(config))")
                say("规模：1 个省、\(shape.cities.count) 个市州、\(shape.countyCount) 个县市区及 \(shape.cities.count) 个市本级；\(shape.projects) 个项目 \(shape.indicators.count) 个指标；12 个月")

                try await shape.createRegions(on: app.db)
                let planRows = shape.planRows()
                let progressRows = shape.progressRows()
                let importer = PlanImporter(db: app.db)
                let planStart = DispatchTime.now()
                let planSummary = try await importer.importPlan(try PlanFile.parse(rows: planRows), regionName: "湖南省", year: 2024, createRegions: true, by: nil)
                let planTime = seconds(since: planStart)
                let progressStart = DispatchTime.now()
                let parsed = try ProgressFile.parse(rows: progressRows)
                let parseTime = seconds(since: progressStart)
                let progressSummary = try await importer.importProgress(parsed, regionName: "湖南省", year: 2024, by: nil)
                let progressTime = seconds(since: progressStart)
                say(String(format: "导入计划：%d 行（%d 条任务分解）%.3f 秒", planRows.count - 1, planSummary.targets, planTime))
                say(String(format: "导入全年进度：%d 行 %.3f 秒（其中解析与校验格式 %.3f 秒）；计划与进度合计 %.3f 秒（目标 < 5 秒）",
                           progressSummary.written, progressTime, parseTime, planTime + progressTime))

                let tree = try await RegionService(db: app.db).tree()
                guard let province = tree.nodes.values.first(where: { $0.name == "湖南省" }),
                      let planID = try await Plan.query(on: app.db).first()?.id else { throw CLIError("基准数据未建成。") }
                let service = ProgressReportService(db: app.db)
                let month = 10
                var provinceTable: ProgressTable?
                let provinceTimes = try await timed(runs) {
                    provinceTable = try await service.table(planID: planID, scopeRegionID: province.id, tree: tree, month: month)
                }
                let cities = tree.children(of: province.id).filter { $0.kind == .city }
                let cityTimes = try await timed(max(3, runs / 5)) {
                    for city in cities { _ = try await service.table(planID: planID, scopeRegionID: province.id, tree: tree, focusRegionID: city.id, month: month) }
                }
                let sql = try app.db.sql
                let sqlTimes = try await timed(runs) {
                    _ = try await sql.raw("""
                        SELECT indicator_id, SUM(quantity) AS quantity, AVG(progress) AS progress, COUNT(*) AS n
                        FROM progress_reports WHERE month = \(bind: month) AND state = 'submitted' GROUP BY indicator_id
                        """).all()
                }
                let provinceMedian = median(provinceTimes), sqlMedian = median(sqlTimes)
                say(String(format: "全省 %d 月进度表（%d 个指标 × %d 列）：中位数 %.1f 毫秒（目标 < 100 毫秒）", month,
                           provinceTable?.rows.count ?? 0, (provinceTable?.columns.count ?? 0) + 1, provinceMedian * 1000))
                say(String(format: "全部 %d 个市州的 %d 月进度表：中位数 %.1f 毫秒（每个市州 %.1f 毫秒）", cities.count, month,
                           median(cityTimes) * 1000, median(cityTimes) * 1000 / Double(max(cities.count, 1))))
                say(String(format: "参照：同一批数据的纯 SQL 汇总（按指标 SUM/AVG）：中位数 %.1f 毫秒", sqlMedian * 1000))
                say(String(format: "全省进度表 ÷ 纯 SQL 汇总 = %.2f 倍（目标 ≤ 5 倍）", provinceMedian / max(sqlMedian, 1e-9)))

                // The leaders' dashboard of the province for December, requested through the app's
                // own responder (routing, session, access, the page) by a provincial leader.
                let leader = Account(username: "bench-leader", displayName: "基准测试领导", passwordHash: "!", regionID: province.id, unitID: nil, roles: [.leader])
                try await leader.save(on: app.db)
                let key = try await SessionStore(db: app.db).create(["account": String(try leader.requireID())])
                try await app.asyncBoot()
                let dashboardPath = "/dashboard?region=\(province.id)&month=2024-12"
                var page = 0
                let dashboardTimes = try await timed(runs) {
                    let request = Request(application: app, method: .GET, url: URI(string: dashboardPath),
                                          headers: ["Cookie": "minsheng_session=\(key)"], on: app.eventLoopGroup.next())
                    let response = try await app.responder.respond(to: request).get()
                    guard response.status == .ok else { throw CLIError("看板请求失败：\(response.status.code)") }
                    page = response.body.count
                }
                // Its yardstick: one plain SQL pass over the same stored figures the dashboard reads,
                // each region's indicators by month and standing.
                let figureTimes = try await timed(runs) {
                    _ = try await sql.raw("""
                        SELECT month, region_id, status, COUNT(*) AS n, AVG(progress) AS progress
                        FROM progress_figures GROUP BY month, region_id, status
                        """).all()
                }
                let dashboardMedian = median(dashboardTimes), figureMedian = median(figureTimes)
                say(String(format: "全省 12 月领导看板（整页 %d 字节，含路由、会话、权限和页面）：中位数 %.1f 毫秒（目标 < 150 毫秒）", page, dashboardMedian * 1000))
                say(String(format: "参照：同一批已存汇总的纯 SQL 统计（按月、区划、状态 COUNT/AVG）：中位数 %.1f 毫秒", figureMedian * 1000))
                say(String(format: "看板 ÷ 纯 SQL 统计 = %.2f 倍", dashboardMedian / max(figureMedian, 1e-9)))
            }
            if dataDir == nil { try? FileManager.default.removeItem(atPath: directory) }
        }
    }
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func timed(_ runs: Int, _ body: () async throws -> Void) async throws -> [Double] {
    try await body() // warm-up
    var times: [Double] = []
    for _ in 0..<max(runs, 1) {
        let start = DispatchTime.now()
        try await body()
        times.append(seconds(since: start))
    }
    return times
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// A province like Hunan: 14 cities with 122 counties between them, each city with a 本级 node;
/// 24 projects with 40 indicators under 10 items, every indicator decomposed to every city and
/// county. Figures are deterministic (no randomness), so runs compare.
struct ProvinceShape {
    let cities: [(name: String, counties: [String])]
    let indicators: [(item: Int, project: String, name: String, kind: String, rule: String)]
    var projects: Int { Set(indicators.map(\.project)).count }
    var countyCount: Int { cities.reduce(0) { $0 + $1.counties.count } }

    init() {
        let names = ["长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市", "郴州市", "永州市", "怀化市", "娄底市", "湘西州"]
        // 122 counties: 8 or 9 a city (8 × 4 + 9 × 10).
        cities = names.enumerated().map { index, name in
            let count = index < 4 ? 8 : 9
            let stem = String(name.prefix(2))
            return (name, (1...count).map { "\(stem)第\($0)县" })
        }
        var list: [(Int, String, String, String, String)] = []
        for project in 1...24 {
            let item = (project - 1) % 10 + 1
            let count = project <= 16 ? 2 : 1   // 16 × 2 + 8 = 40 indicators
            for n in 1...count {
                let image = project % 6 == 0
                list.append((item, "项目\(project)", "项目\(project)指标\(n)", image ? "形象进度" : "进度", image ? "平均" : "求和"))
            }
        }
        indicators = list
    }

    func target(_ indicator: Int, _ region: Int) -> Int { 20 + (indicator * 37 + region * 11) % 180 }

    func planRows() -> [[String]] {
        var rows = [PlanFile.header]
        for (i, indicator) in indicators.enumerated() {
            func row(_ region: String, _ target: String) -> [String] {
                ["省定", "\(indicator.item)", "实事\(indicator.item)", indicator.project, indicator.name, "个", indicator.kind, indicator.rule, "省直牵头单位\(indicator.item)", region, target]
            }
            var regionIndex = 0
            var provinceTotal = 0
            var cityRows: [[String]] = []
            for city in cities {
                var cityTotal = 0
                var leaves: [[String]] = []
                for county in city.counties + [city.name.prefix(2) + "市本级"] {
                    regionIndex += 1
                    let t = target(i, regionIndex)
                    cityTotal += t
                    leaves.append(row(String(county), indicator.kind == "进度" ? "\(t)" : "1"))
                }
                provinceTotal += cityTotal
                cityRows.append(row(city.name, indicator.kind == "进度" ? "\(cityTotal)" : "\(city.counties.count + 1)"))
                cityRows.append(contentsOf: leaves)
            }
            rows.append(row("全省", indicator.kind == "进度" ? "\(provinceTotal)" : "\(regionIndex)"))
            rows.append(contentsOf: cityRows)
        }
        return rows
    }

    /// Creates the region tree (province → cities → counties and 市本级) the plan decomposes to.
    func createRegions(on db: any Database) async throws {
        let regions = RegionService(db: db)
        let province = try await regions.create(name: "湖南省", kind: .province, code: nil, parentID: nil, by: nil).requireID()
        for city in cities {
            let cityID = try await regions.create(name: city.name, kind: .city, code: nil, parentID: province, by: nil).requireID()
            for county in city.counties {
                _ = try await regions.create(name: county, kind: .county, code: nil, parentID: cityID, by: nil)
            }
            _ = try await regions.create(name: String(city.name.prefix(2)) + "市本级", kind: .own, code: nil, parentID: cityID, by: nil)
        }
    }

    /// Every leaf's cumulative figure for every month: quantities for 进度 indicators,
    /// percentages for 形象进度.
    func progressRows() -> [[String]] {
        var rows = [ProgressFile.header]
        for month in 1...12 {
            for (i, indicator) in indicators.enumerated() {
                var regionIndex = 0
                for city in cities {
                    for county in city.counties + [city.name.prefix(2) + "市本级"] {
                        regionIndex += 1
                        let t = target(i, regionIndex)
                        let share = Double((month * 100 + (i * 7 + regionIndex * 3) % 15 * month) ) / 1200
                        if indicator.kind == "进度" {
                            rows.append(["2024-\(String(format: "%02d", month))", indicator.project, indicator.name, String(county),
                                         String(format: "%.0f", Double(t) * share), "", ""])
                        } else {
                            rows.append(["2024-\(String(format: "%02d", month))", indicator.project, indicator.name, String(county),
                                         "", String(format: "%.2f%%", min(100, share * 100)), ""])
                        }
                    }
                }
            }
        }
        return rows
    }
}
