import ArgumentParser
import FluentKit
import Foundation
import MinshengCore
import MinshengData
import MinshengWeb
import Vapor

@main
struct Minsheng: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minsheng",
        abstract: "民生实事管理平台 (Minsheng): the key livelihood projects platform.",
        subcommands: [Serve.self, Migrate.self, Demo.self, User.self, Import.self, ExportCommand.self, Template.self, Report.self, BulletinCommand.self, BackupCommand.self, RestoreCommand.self, Bench.self]
    )
}

/// Options every command shares: where the data lives.
struct StoreOptions: ParsableArguments {
    @ArgumentParser.Option(name: .customLong("data-dir"), help: "Data directory for the embedded SQLite file (env MINSHENG_DATA_DIR, default ./data).")
    var dataDir: String?

    func config(hostname: String = "127.0.0.1", port: Int = 8080) -> AppConfig {
        AppConfig.fromEnvironment(dataDirectory: dataDir, hostname: hostname, port: port)
    }
}

/// Writes a line to standard output at once (no buffering), so start-up lines such as a
/// one-time password appear immediately even when output goes to a file or a pipe.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A plan level as the command lines take it: 省定, 市定, 县定 (or province, city, county).
func parseLevel(_ text: String) throws -> PlanLevel {
    guard let level = PlanLevel(label: text) ?? PlanLevel(rawValue: text) else { throw CLIError("级别应为 省定、市定 或 县定。") }
    return level
}

/// A refusal printed as "Error: …" with exit code 1, without the usage text.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a configured, migrated application and shuts it down exactly once.
func withApp(_ config: AppConfig, migrate: Bool = true, _ body: (Application) async throws -> Void) async throws {
    let app = try await Bootstrap.application(config, migrate: migrate)
    do {
        try await body(app)
    } catch let error as ServiceError {
        try? await app.asyncShutdown()
        throw CLIError(error.message)
    } catch let refusal as ImportRefusal {
        try? await app.asyncShutdown()
        let shown = refusal.problems.prefix(50).map { "  " + $0.description }
        let more = refusal.problems.count > 50 ? ["  ……另有 \(refusal.problems.count - 50) 处问题"] : []
        throw CLIError((["导入被拒绝，未写入任何数据（共 \(refusal.problems.count) 处问题）："] + shown + more).joined(separator: "\n"))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

func describe(_ config: AppConfig) -> String {
    switch config.store {
    case .sqliteFile(let path): return "SQLite \(path)"
    case .sqliteMemory: return "SQLite (memory)"
    case .postgres: return "PostgreSQL (DATABASE_URL)"
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the web application.")

    @OptionGroup var store: StoreOptions
    @ArgumentParser.Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @ArgumentParser.Option(help: "Port to listen on.") var port = 8080
    @ArgumentParser.Flag(help: "Load the demo programme into an empty database.") var demo = false

    func run() async throws {
        let config = store.config(hostname: hostname, port: port)
        let app = try await Bootstrap.application(config, arguments: ["minsheng", "serve", "--hostname", hostname, "--port", "\(port)"])
        do {
            if demo {
                if try await Bootstrap.loadDemoIfEmpty(app, complete: true) {
                    say("已载入演示数据：邵阳市 2024 年省定、市定重点民生实事及 1-10 月进度和信息公开，邵东市 2023 年计划。")
                }
                Bootstrap.demoAccountLines().forEach { say($0) }
            }
            if let admin = try await Bootstrap.ensureInitialAdmin(app) {
                say("已创建管理员账号 \(admin.username)（\(admin.regionName)），一次性密码：\(admin.password)")
                say("请登录后立即修改密码；此密码不会再次显示。")
            }
            say("民生实事管理平台已启动：\(config.publicURL)　数据库：\(describe(config))")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the database migrations and exit.")
    @OptionGroup var store: StoreOptions
    @ArgumentParser.Flag(name: .customLong("accept-secret"),
                         help: "Record this configuration's MINSHENG_SECRET (or its absence) as the instance's, after changing it on purpose with every server stopped.")
    var acceptSecret = false

    func run() async throws {
        let config = store.config()
        let app = try await Bootstrap.application(config, acceptSecret: acceptSecret)
        try await app.asyncShutdown()
        say("数据库迁移已完成：\(describe(config))")
        if acceptSecret {
            say(config.secret == nil ? "已记录：本实例不再配置 MINSHENG_SECRET，使用数据库中保存的密钥。" : "已记录本实例新的 MINSHENG_SECRET：所有服务器须以同一个值启动。")
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo programme into an empty database.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await withApp(store.config()) { app in
            guard try await Bootstrap.loadDemoIfEmpty(app, complete: true) else {
                throw CLIError("数据库中已有数据，未载入演示数据。演示数据只能载入空数据库。")
            }
            say("已载入演示数据。")
            Bootstrap.demoAccountLines().forEach { say($0) }
        }
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage accounts.", subcommands: [Add.self, List.self, Passwd.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Argument(help: "Username.") var username: String
        @ArgumentParser.Option(help: "Region name (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(name: .customLong("role"), help: "Role: admin, reporter, reviewer, leader, observer, supervisor, evaluator (or the Chinese name). Repeatable.")
        var roles: [String]
        @ArgumentParser.Option(help: "Unit (department) name in the region; required for reporters and reviewers.") var unit: String?
        @ArgumentParser.Option(help: "Display name.") var name: String?
        @ArgumentParser.Option(help: "Password; a random one is generated and printed when omitted.") var password: String?

        func run() async throws {
            try await withApp(store.config()) { app in
                guard let region = try await RegionService(db: app.db).find(named: region) else {
                    throw CLIError("行政区划“\(region)”不存在。")
                }
                var roleSet: Set<Role> = []
                for token in roles {
                    guard let role = Role(token: token) else { throw CLIError("未知角色“\(token)”。") }
                    roleSet.insert(role)
                }
                var unitID: Int? = nil
                if let unit {
                    let regionID = try region.requireID()
                    guard let found = try await UnitService(db: app.db).units(inRegions: [regionID]).first(where: { $0.name == unit }) else {
                        throw CLIError("单位“\(unit)”不在\(region.name)。")
                    }
                    unitID = found.id
                }
                let chosen = password ?? AccountService.randomPassword()
                try await AccountService(db: app.db, hasher: app.passwordHasher).create(.init(
                    username: username, displayName: name ?? username, password: chosen, regionID: try region.requireID(),
                    unitID: unitID, roles: roleSet, mustChangePassword: password == nil), by: nil)
                say("已创建账号 \(username)。" + (password == nil ? "初始密码：\(chosen)（首次登录须修改）" : ""))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Option(help: "Only accounts in this region and below.") var region: String?

        func run() async throws {
            try await withApp(store.config()) { app in
                let tree = try await RegionService(db: app.db).tree()
                var scope = Set(tree.nodes.keys)
                if let region {
                    guard let node = tree.nodes.values.first(where: { $0.name == region }) else { throw CLIError("行政区划“\(region)”不存在。") }
                    scope = tree.subtreeIDs(of: node.id)
                }
                let accounts = try await AccountService(db: app.db, hasher: app.passwordHasher).accounts(inRegions: scope)
                say("用户名\t姓名\t行政区划\t角色\t状态")
                for account in accounts {
                    let roles = account.roleLabels.joined(separator: "、")
                    say("\(account.username)\t\(account.displayName)\t\(tree[account.$region.id]?.name ?? "")\t\(roles)\t\(account.active ? "正常" : "已停用")")
                }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset an account's password (and unlock it).")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Argument(help: "Username.") var username: String
        @ArgumentParser.Option(help: "New password; a random one is generated and printed when omitted.") var password: String?

        func run() async throws {
            try await withApp(store.config()) { app in
                let service = AccountService(db: app.db, hasher: app.passwordHasher)
                guard let account = try await service.find(username: username) else { throw CLIError("账号“\(username)”不存在。") }
                let chosen = password ?? AccountService.randomPassword()
                try await service.resetPassword(account, to: chosen, by: nil)
                say("已重置 \(username) 的密码并解除锁定。新密码：\(chosen)（下次登录须修改）")
            }
        }
    }
}

/// `minsheng template plan|progress --format csv|xlsx [--output PATH]`: the import page's templates.
struct Template: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the plan or progress import template (as the import page offers it).")
    @ArgumentParser.Argument(help: "plan or progress.") var kind: String
    @ArgumentParser.Option(help: "csv or xlsx.") var format: Report.Format = .xlsx
    @ArgumentParser.Option(help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        guard let kind = ImportTemplate.Kind(rawValue: kind) else { throw CLIError("模板应为 plan（计划）或 progress（进度）。") }
        let data: Data
        switch format {
        case .csv: data = ImportTemplate.csv(kind)
        case .xlsx: data = try ImportTemplate.xlsx(kind)
        case .json: throw CLIError("模板只有 csv 和 xlsx 两种格式。")
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

/// `minsheng import plan|progress FILE --region NAME --year YYYY`
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import a plan or monthly progress (CSV in UTF-8 or GB18030, or XLSX).",
                                                    subcommands: [PlanCommand.self, ProgressCommand.self])

    struct Target: ParsableArguments {
        @ArgumentParser.Argument(help: "The file: .csv or .xlsx.") var file: String
        @ArgumentParser.Option(help: "The region the plan belongs to (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(help: "The year (e.g. 2024).") var year: Int

        func rows() throws -> [[String]] {
            let url = URL(fileURLWithPath: file)
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            guard let size = attributes?[.size] as? Int else { throw CLIError("无法读取文件“\(file)”。") }
            if size > TableFile.maxBytes { throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "文件大小超过 \(TableFile.maxBytes / 1024 / 1024) MB，请拆分后分批导入。")]) }
            guard let data = FileManager.default.contents(atPath: url.path) else { throw CLIError("无法读取文件“\(file)”。") }
            return try TableFile.rows(data, fileName: url.lastPathComponent)
        }
    }

    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "Import a plan and its decomposition.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var target: Target
        @ArgumentParser.Flag(name: .customLong("create-regions"), help: "Create the regions the file names that do not exist yet (refused otherwise).")
        var createRegions = false

        func run() async throws {
            try await withApp(store.config()) { app in
                let rows = try PlanFile.parse(rows: try target.rows())
                let summary = try await PlanImporter(db: app.db).importPlan(rows, regionName: target.region, year: target.year,
                                                                            createRegions: createRegions, by: nil)
                say("已导入计划：\(summary.plans) 个计划，新增 \(summary.items) 个实事、\(summary.projects) 个项目、\(summary.indicators) 个指标，写入 \(summary.targets) 条任务分解。")
                if !summary.regionsCreated.isEmpty { say("新建行政区划：" + summary.regionsCreated.joined(separator: "、")) }
            }
        }
    }

    struct ProgressCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "progress", abstract: "Import monthly progress figures.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await withApp(store.config()) { app in
                let parsed = try ProgressFile.parseCollecting(rows: try target.rows())
                let summary = try await PlanImporter(db: app.db).importProgress(parsed, regionName: target.region, year: target.year, by: nil)
                say("已导入进度：新增 \(summary.written) 条，更新 \(summary.replaced) 条，未变 \(summary.unchanged) 条，忽略汇总行 \(summary.aggregateRowsIgnored) 条。")
            }
        }
    }
}

/// `minsheng report progress|acceptance|disclosure|feedback --region NAME --year YYYY --month YYYY-MM --format json|csv|xlsx [--output PATH]`
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Produce reports.", subcommands: [ProgressCommand.self, AcceptanceCommand.self, DisclosureCommand.self, FeedbackCommand.self, RankingCommand.self, SupervisionCommand.self, SelectionCommand.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, csv, xlsx
    }

    /// What every report takes: the region, the month, the format and where to write.
    struct Target: ParsableArguments {
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Option(help: "Region name (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(help: "The plan's year.") var year: Int
        @ArgumentParser.Option(help: "The month, YYYY-MM.") var month: String
        @ArgumentParser.Option(help: "json, csv or xlsx.") var format: Format = .json
        @ArgumentParser.Option(help: "Plan level when the region has several plans: 省定, 市定 or 县定 (default: the highest).") var level: String?
        @ArgumentParser.Option(help: "Write to this file instead of standard output.") var output: String?

        /// Resolves the plan and month, lets `produce` write the report, and delivers it.
        func run(_ produce: @escaping @Sendable (_ db: any Database, _ planID: Int, _ root: Int, _ regionID: Int, _ tree: RegionTree, _ month: Int, _ format: Format) async throws -> (Data, String)) async throws {
            let parts = month.split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                throw CLIError("月份应为 YYYY-MM 格式，如 2024-10。")
            }
            guard y == year else { throw CLIError("月份 \(month) 不在 \(year) 年内。") }
            var planLevel: PlanLevel? = nil
            if let level {
                let parsed = try parseLevel(level)
                planLevel = parsed
            }
            let (region, year, format, output) = (self.region, self.year, self.format, self.output)
            try await withApp(store.config()) { app in
                let resolved = try await ProgressReportService(db: app.db).resolve(regionName: region, year: year, level: planLevel)
                let root = resolved.tree.ancestors(of: resolved.regionID).first?.id ?? resolved.regionID
                let (data, summary) = try await produce(app.db, resolved.planID, root, resolved.regionID, resolved.tree, m, format)
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
                    FileHandle.standardError.write(Data("已写入 \(output)：\(summary)\n".utf8))
                } else {
                    FileHandle.standardOutput.write(data)
                }
            }
        }
    }

    struct ProgressCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "progress", abstract: "The progress table of a region for a month.")
        @OptionGroup var target: Target

        func run() async throws {
            let region = target.region
            try await target.run { db, planID, root, regionID, tree, month, format in
                guard let table = try await ProgressReportService(db: db).table(planID: planID, scopeRegionID: root, tree: tree, focusRegionID: regionID, month: month) else {
                    throw CLIError("\(region) 在该计划中没有任务。")
                }
                let data: Data
                switch format {
                case .json: data = ProgressExport.json(table) + Data("\n".utf8)
                case .csv: data = Data(ProgressExport.csv(table).utf8)
                case .xlsx: data = try ProgressExport.xlsx(table)
                }
                return (data, "\(table.title)，\(table.rows.count) 个指标。")
            }
        }
    }

    /// `minsheng report acceptance …`: like `report progress`, each figure with `acceptance` and `gap`.
    struct AcceptanceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "acceptance", abstract: "进度 and 验收率 of a region for a month.")
        @OptionGroup var target: Target

        func run() async throws {
            let region = target.region
            try await target.run { db, planID, root, regionID, tree, month, format in
                guard let report = try await AcceptanceService(db: db).report(planID: planID, scopeRegionID: root, tree: tree, focusRegionID: regionID, month: month) else {
                    throw CLIError("\(region) 在该计划中没有任务。")
                }
                let data: Data
                switch format {
                case .json: data = ProgressExport.json(report.table, acceptance: true) + Data("\n".utf8)
                case .csv: data = Data(AcceptanceExport.csv(report.table).utf8)
                case .xlsx: data = try AcceptanceExport.workbook(report.table, lists: report.lists).data()
                }
                return (data, "\(report.table.title)，\(report.table.rows.count) 个指标。")
            }
        }
    }

    /// `minsheng report disclosure …`: per project and region, the counts per category and per
    /// month and the monthly-update rule's verdict.
    struct DisclosureCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disclosure", abstract: "How projects keep their public pages up to date.")
        @OptionGroup var target: Target

        func run() async throws {
            let region = target.region
            try await target.run { db, planID, _, regionID, tree, month, format in
                guard let report = try await DisclosureComplianceService(db: db).report(planID: planID, focusRegionID: regionID, month: month, tree: tree) else {
                    throw CLIError("\(region) 在该计划中没有任务。")
                }
                let table = report.table
                let data: Data
                switch format {
                case .json: data = Data(DisclosureExport.jsonValue(table).text().utf8) + Data("\n".utf8)
                case .csv: data = Data(DisclosureExport.csv(table).utf8)
                case .xlsx: data = try DisclosureExport.workbook(table).data()
                }
                return (data, "\(report.planTitle)，\(table.rows.count) 个项目区划，\(table.short.count) 个未达到动态更新要求。")
            }
        }
    }

    /// `minsheng report feedback …`: 处理率, reply times and 满意率 per region, project, unit and
    /// month, for what was received from January through the month, as it stood at its end.
    struct FeedbackCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "feedback", abstract: "亮码评价: 处理率 and 满意率 of a region through a month.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.run { db, planID, _, regionID, tree, month, format in
                guard let table = try await FeedbackService(db: db).table(planID: planID, focusRegionID: regionID, month: month, tree: tree) else {
                    throw CLIError("未找到该计划，或您无权查看。")
                }
                let data: Data
                switch format {
                case .json: data = Data(FeedbackExport.jsonValue(table).text().utf8) + Data("\n".utf8)
                case .csv: data = Data(FeedbackExport.csv(table).utf8)
                case .xlsx: data = try FeedbackExport.workbook(table).data()
                }
                let rate = table.total.handlingRate.map(Figures.percent) ?? "—"
                return (data, "\(FeedbackExport.title(table))，收到意见 \(table.total.received) 条，处理率 \(rate)。")
            }
        }
    }
}
