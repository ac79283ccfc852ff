import ArgumentParser
import FluentKit
import Foundation
import MinshengCore
import MinshengData
import MinshengWeb

extension Report {
    /// `minsheng report supervision --region NAME --year YYYY --month YYYY-MM --format json|csv|xlsx [--output PATH]`:
    /// problems raised, rectified, overdue and open (year to date as of the month's end) by region
    /// and unit, and the inspections held. Without `--month`, the whole year.
    struct SupervisionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "supervision", abstract: "Problems raised and rectified, and inspections, of a region.")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Option(help: "Region name (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(help: "The year.") var year: Int
        @ArgumentParser.Option(help: "As of this month's end, YYYY-MM (default: the whole year).") var month: String?
        @ArgumentParser.Option(help: "json, csv or xlsx.") var format: Format = .json
        @ArgumentParser.Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            guard (2000...2100).contains(year) else { throw CLIError("年份应在 2000 至 2100 之间。") }
            var asOf: Int? = nil
            if let month {
                let parts = month.split(separator: "-")
                guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                    throw CLIError("月份应为 YYYY-MM 格式，如 2024-10。")
                }
                guard y == year else { throw CLIError("月份 \(month) 不在 \(year) 年内。") }
                asOf = m
            }
            let (region, year, format, output, monthNumber) = (self.region, self.year, self.format, self.output, asOf)
            try await withApp(store.config()) { app in
                let regions = RegionService(db: app.db)
                let tree = try await regions.tree()
                guard let found = try await regions.find(named: region), let regionID = found.id else { throw CLIError("没有名为“\(region)”的行政区划。") }
                let stats = try await SupervisionReportService(db: app.db).statistics(regionID: regionID, year: year, month: monthNumber, tree: tree)
                let data: Data
                switch format {
                case .json: data = Data(stats.json.text().utf8) + Data("\n".utf8)
                case .csv: data = Data(stats.csv.utf8)
                case .xlsx: data = try stats.workbook.data()
                }
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
                    FileHandle.standardError.write(Data("已写入 \(output)：\(stats.title)，\(stats.sentence)。\n".utf8))
                } else {
                    FileHandle.standardOutput.write(data)
                }
            }
        }
    }
}

extension Report {
    /// `minsheng report selection --region NAME --year YYYY --format json|csv|xlsx [--output PATH]`: the
    /// region's round of proposals for the plan year — received, answered and adopted, the candidates
    /// with their public votes, and the deputies' result.
    struct SelectionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "selection", abstract: "Proposals, candidates, public votes and the deputies' result of a year's selection.")
        @OptionGroup var store: StoreOptions
        @ArgumentParser.Option(help: "Region name (e.g. 邵阳市).") var region: String
        @ArgumentParser.Option(help: "The plan year the round selects projects for.") var year: Int
        @ArgumentParser.Option(help: "json, csv or xlsx.") var format: Format = .json
        @ArgumentParser.Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            guard (2000...2100).contains(year) else { throw CLIError("年份应在 2000 至 2100 之间。") }
            let (region, year, format, output) = (self.region, self.year, self.format, self.output)
            try await withApp(store.config()) { app in
                let regions = RegionService(db: app.db)
                let tree = try await regions.tree()
                guard let found = try await regions.find(named: region), let regionID = found.id else { throw CLIError("没有名为“\(region)”的行政区划。") }
                guard let report = try await SelectionService(db: app.db).report(regionID: regionID, year: year, tree: tree) else {
                    throw CLIError("\(region)没有 \(year) 年的项目征集。")
                }
                let data: Data
                switch format {
                case .json: data = Data(report.json.text().utf8) + Data("\n".utf8)
                case .csv: data = Data(report.csv.utf8)
                case .xlsx: data = try report.workbook.data()
                }
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
                    FileHandle.standardError.write(Data("已写入 \(output)：\(report.title)，\(report.sentence)。\n".utf8))
                } else {
                    FileHandle.standardOutput.write(data)
                }
            }
        }
    }
}
