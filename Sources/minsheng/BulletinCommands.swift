import ArgumentParser
import FluentKit
import Foundation
import MinshengCore
import MinshengData
import MinshengWeb

extension BulletinKind: ExpressibleByArgument {}
extension BulletinLayout: ExpressibleByArgument {}

/// `minsheng bulletin --region NAME --year YYYY --month YYYY-MM [--kind monthly|tenday|quarterly|special]
/// [--level 省定] [--layout progress|full] --output FILE.docx`: the generated bulletin of a period
/// (the narrative left out), as the office would issue it.
struct BulletinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bulletin", abstract: "Write the generated bulletin of a region and month as .docx.")

    @OptionGroup var store: StoreOptions
    @ArgumentParser.Option(help: "Region name (e.g. 邵阳市).") var region: String
    @ArgumentParser.Option(help: "The plans' year.") var year: Int
    @ArgumentParser.Option(help: "The month, YYYY-MM.") var month: String
    @ArgumentParser.Option(help: "monthly, tenday, quarterly or special.") var kind: BulletinKind = .monthly
    @ArgumentParser.Option(help: "For a ten-day bulletin: 10, 20 or end (default: end of the month).") var day: String?
    @ArgumentParser.Option(help: "Only this plan level: 省定, 市定 or 县定 (default: every level).") var level: String?
    @ArgumentParser.Option(help: "progress (one row per indicator) or full (指标, 数量, 进度).") var layout: BulletinLayout = .progress
    @ArgumentParser.Option(help: "The .docx file to write.") var output: String

    func run() async throws {
        guard output.lowercased().hasSuffix(".docx") else { throw CLIError("输出文件应以 .docx 结尾。") }
        var planLevel: PlanLevel? = nil
        if let level {
            let parsed = try parseLevel(level)
            planLevel = parsed
        }
        let (region, year, month, kind, day, layout, output) = (self.region, self.year, self.month, self.kind, self.day, self.layout, self.output)
        try await withApp(store.config()) { app in
            let regions = RegionService(db: app.db)
            let tree = try await regions.tree()
            guard let found = try await regions.find(named: region), let regionID = found.id else { throw CLIError("没有名为“\(region)”的行政区划。") }
            let period = try BulletinService.period(kind: kind, year: year, month: month, day: day)
            let service = BulletinService(db: app.db)
            guard try await !service.plans(regionID: regionID, year: year, level: planLevel, tree: tree).isEmpty else {
                throw CLIError("\(region) \(year) 年没有\(planLevel?.label ?? "")重点民生实事计划。")
            }
            let draft = BulletinService.Draft(kind: kind, period: period, level: planLevel, layout: layout, annexes: BulletinAnnexKind.defaults(for: kind))
            let bulletin = try await service.compose(regionID: regionID, draft: draft, date: ChineseDate.isoDay(Date()), tree: tree)
            let data = try BulletinWord.data(bulletin)
            guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("无法写入“\(output)”。") }
            FileHandle.standardError.write(Data("已写入 \(output)：\(bulletin.title)，\(bulletin.sections.count) 个部分，\(bulletin.annexes.count) 个附件。\n".utf8))
        }
    }
}

extension Report {
    /// `minsheng report ranking --region NAME --year YYYY --month YYYY-MM --format json|csv|xlsx [--output PATH]`:
    /// the month's ranking of the region's child regions and lead units.
    struct RankingCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ranking", abstract: "The month's ranking of regions and lead units.")
        @OptionGroup var target: Target

        func run() async throws {
            let year = target.year
            try await target.run { db, _, _, regionID, tree, month, format in
                let table = try await BulletinService(db: db).ranking(regionID: regionID, year: year, month: month, tree: tree)
                let data: Data
                switch format {
                case .json: data = Data(RankingExport.jsonValue(table).text().utf8) + Data("\n".utf8)
                case .csv: data = Data(RankingExport.csv(table).utf8)
                case .xlsx: data = try RankingExport.workbook(table).data()
                }
                return (data, "\(table.title)，\(table.regions.count) 个区划，\(table.units.count) 个牵头单位。")
            }
        }
    }
}
