import FluentKit
import Foundation
import MinshengCore

/// The demo's disclosure items for Shaoyang's 2024 provincial programme, up to October: the 23
/// projects of reference 000 附件2 with the counts the bulletin lists (short of the year's ten
/// 工作动态), every other project with ten, the three required categories everywhere but on the
/// listed projects in 双清区, and one repeat and one misfiled report in 邵东市 for the office's
/// quality checks.
extension DemoLoader {
    /// Closes January–October of Shaoyang's 2024 plans, as they stood at the bulletin's date: the
    /// public pages show October's figures.
    public func closeBulletinMonths() async throws {
        guard let city = try await Region.query(on: db).filter(\.$name == "邵阳市").first()?.id,
              let admin = try await Account.query(on: db).filter(\.$username == "admin").first()?.id else { return }
        for plan in try await Plan.query(on: db).filter(\.$owner.$id == city).all() {
            let id = try plan.requireID()
            for month in 1...10 {
                let row = try await PlanMonth.query(on: db).filter(\.$plan.$id == id).filter(\.$month == month).first() ?? PlanMonth(planID: id, month: month)
                row.closedAt = Self.submissionDate
                row.$closedBy.id = admin
                try await row.save(on: db)
            }
        }
    }

    /// What the demo's public-page content is laid on: Shaoyang's 2024 provincial plan as every
    /// project and region running it, with the units by "region|name" and the demo accounts.
    struct PublicPages {
        var report: DisclosureComplianceService.Report
        var tree: RegionTree
        var units: [String: Int]
        var admin: Int
        var reporter: Account?
    }

    func publicPages() async throws -> PublicPages? {
        guard let city = try await Region.query(on: db).filter(\.$name == "邵阳市").first()?.id,
              let plan = try await Plan.query(on: db).filter(\.$owner.$id == city).filter(\.$level == PlanLevel.province.rawValue).first()?.id,
              let admin = try await Account.query(on: db).filter(\.$username == "admin").first()?.id else { return nil }
        let reporter = try await Account.query(on: db).filter(\.$username == "reporter").first()
        let tree = try await RegionService(db: db).tree()
        guard let report = try await DisclosureComplianceService(db: db).report(planID: plan, month: 10, tree: tree) else { return nil }
        let units = Dictionary(try await Department.query(on: db).all().compactMap { unit in unit.id.map { ("\(unit.$region.id)|\(unit.name)", $0) } },
                               uniquingKeysWith: { first, _ in first })
        return PublicPages(report: report, tree: tree, units: units, admin: admin, reporter: reporter)
    }

    public func loadDisclosures() async throws {
        guard let pages = try await publicPages() else { return }
        let (report, units, admin, reporter) = (pages.report, pages.units, pages.admin, pages.reporter)
        var listed: [String: [DisclosureCategory: Int]] = [:]
        for row in try Self.resource("disclosure-shaoyang-2024").dropFirst() where row.count >= 7 {
            let counts = row[3...6].map { Int($0) ?? 0 }
            listed[row[0] + "|" + row[2]] = [.news: counts[0], .summary: counts[1], .report: counts[2], .typicalCase: counts[3]]
        }
        let now = Self.submissionDate
        var items: [Disclosure] = []
        for row in report.rows {
            let unitID = row.unit.flatMap { units["\(row.regionID)|\($0)"] }
            let author = reporter.flatMap { $0.$region.id == row.regionID && $0.$unit.id == unitID ? $0.id : nil } ?? admin
            func add(_ category: DisclosureCategory, _ title: String, _ date: String, _ body: String) {
                items.append(Disclosure(projectID: row.projectID, regionID: row.regionID, unitID: unitID, category: category, title: title,
                                        publishedOn: date, body: body, link: nil, createdBy: author, at: now))
            }
            let counts = listed[row.region + "|" + row.project]
            let who = row.unit ?? row.region
            if counts == nil || row.region != "双清区" {
                add(.policy, "关于印发《\(row.region)2024年\(row.project)实施方案》的通知", "2024-03-08",
                    "为确保\(row.project)按期完成，经研究，制定本实施方案。\n方案明确了目标任务、责任分工、时间节点和保障措施，请各相关单位认真贯彻落实。")
                add(.content, "\(row.project)建设内容", "2024-03-12",
                    "本项目由\(who)负责实施，年内完成省定目标任务。\n主要建设内容、服务对象和资金安排详见附件，欢迎群众监督。")
                add(.detail, "\(row.project)项目详情", "2024-04-02",
                    "项目地点、实施主体、计划工期和联系方式如下，群众可通过项目页面了解进展、提出意见建议。")
            }
            // The year's 工作动态: the listed projects as the bulletin counts them, the others ten.
            let plan: [DisclosureCategory: Int] = counts ?? [.news: 6, .summary: 2, .report: 1, .typicalCase: 1]
            var sequence: [DisclosureCategory] = []
            for kind in [DisclosureCategory.news, .summary, .report, .typicalCase] { sequence += Array(repeating: kind, count: plan[kind] ?? 0) }
            for (index, kind) in sequence.enumerated() {
                let month = 3 + index % 8
                let day = 6 + (index * 7) % 20
                let date = String(format: "2024-%02d-%02d", month, day)
                let a = Self.pool[(index * 5 + row.projectID) % Self.pool.count]
                let b = Self.pool[(index * 3 + row.regionID + 2) % Self.pool.count]
                let figure = "截至\(month)月底，累计完成年度任务的\(min(100, 30 + index * 9 + row.projectID % 7))%。"
                switch kind {
                case .news:
                    add(kind, "\(row.region)\(Self.headlines[(index * 5 + index / 8) % Self.headlines.count])（\(month)月）", date, "\(a)\n\(figure)\n\(b)")
                case .summary:
                    add(kind, "\(who)\(month)月\(row.project)工作小结", date, "\(figure)\n\(b)\n\(a)")
                case .report:
                    add(kind, "\(row.project)工作专报（第\(index + 1)期）", date, "\(b)\n\(a)\n\(figure)")
                default:
                    add(kind, "典型案例：\(Self.headlines[(index + 3) % Self.headlines.count])", date, "\(a)\n\(b)")
                }
            }
        }
        // For the office's quality checks: a news item published twice (滥竽充数) and site photos
        // with a progress sheet filed as a 工作专报 (张冠李戴), both in 邵东市.
        if let first = report.rows.first(where: { $0.region == "邵东市" }) {
            let unitID = first.unit.flatMap { units["\(first.regionID)|\($0)"] }
            let original = items.first { $0.$project.id == first.projectID && $0.$region.id == first.regionID && $0.category == DisclosureCategory.news.rawValue }
            if let original {
                items.append(Disclosure(projectID: first.projectID, regionID: first.regionID, unitID: unitID, category: .news, title: original.title,
                                        publishedOn: "2024-09-20", body: original.body, link: nil, createdBy: original.$author.id, at: now))
            }
            items.append(Disclosure(projectID: first.projectID, regionID: first.regionID, unitID: unitID, category: .report,
                                    title: "\(first.project)施工现场照片及进度表", publishedOn: "2024-10-18",
                                    body: "附：施工现场照片12张，项目进度表1份。", link: nil, createdBy: original?.$author.id ?? admin, at: now))
        }
        var start = 0
        while start < items.count {
            try await Array(items[start..<min(start + 200, items.count)]).create(on: db)
            start += 200
        }
    }

    static let headlines = ["项目建设稳步推进", "多部门联动加快进度", "现场调度解决难题", "服务覆盖持续扩大", "群众满意度不断提升",
                            "完成阶段性目标", "强化督导确保质量", "惠民实效逐步显现", "听取群众意见优化服务", "专项资金及时拨付到位"]
    /// Sentences the demo's items are made of, varied enough that only the planted repeat looks like one.
    static let pool = ["相关负责人深入一线调度，协调解决资金、用地等方面的困难和问题。", "各乡镇（街道）同步推进，实行周调度、月通报，确保按时序完成。",
                       "组织开展政策宣传进社区、进村组活动，群众知晓率明显提高。", "邀请人大代表、政协委员和群众代表现场察看，收集意见建议二十余条。",
                       "严格落实资金监管制度，专款专用，接受审计和社会监督。", "建立问题清单和整改台账，逐项销号，做到件件有回音。",
                       "加强业务培训，提升基层经办人员服务能力和办事效率。", "引入第三方评估，对服务质量开展满意度回访。",
                       "联合财政、审计等部门开展专项督查，发现问题立行立改。", "优化办理流程，推行一窗受理、一次办好，群众少跑腿。",
                       "利用融媒体平台开设专栏，及时发布项目进展和服务信息。", "结合群众反映的集中问题，调整服务时间，增加服务点位。"]
}
