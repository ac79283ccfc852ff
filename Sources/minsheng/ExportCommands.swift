import ArgumentParser
import Foundation
import MinshengCore
import MinshengData

/// `minsheng export plan --region NAME --year YYYY [--level 省定] --output FILE.csv|FILE.xlsx` (normative):
/// the plan in the exchange format, which `minsheng import plan` reads back to the same plan.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data in the exchange formats.", subcommands: [PlanExport.self])

    struct PlanExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "A plan in the plan exchange format (CSV or XLSX by the file's extension).")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Option(help: "The region that owns the plan (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(help: "The plan's year.") var year: Int
        @ArgumentParser.Option(help: "Plan level when the region has several plans: 省定, 市定 or 县定 (default: the highest).") var level: String?
        @ArgumentParser.Option(help: "The file to write: .csv or .xlsx.") var output: String

        func run() async throws {
            let format = (output as NSString).pathExtension.lowercased()
            guard format == "csv" || format == "xlsx" else { throw CLIError("输出文件应以 .csv 或 .xlsx 结尾。") }
            let planLevel = try level.map(parseLevel)
            let (region, year, output) = (self.region, self.year, self.output)
            try await withApp(store.config()) { app in
                let exporter = PlanExporter(db: app.db)
                let plan = try await exporter.plan(regionName: region, year: year, level: planLevel)
                let tree = try await RegionService(db: app.db).tree()
                let planID = try plan.requireID()
                let rows = try await exporter.rows(planID: planID, tree: tree)
                let data = format == "csv" ? PlanExporter.csv(rows) : try PlanExporter.xlsx(rows)
                guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
                FileHandle.standardError.write(Data("已写入 \(output)：\(plan.title)，\(rows.count - 1) 行。\n".utf8))
            }
        }
    }
}
