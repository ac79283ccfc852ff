import Foundation

/// Writes a bulletin from its facts and the office's narrative: the generated sections (工作推进
/// 情况, 存在问题), the narrative ones where the office wrote something, and the attachments.
public enum BulletinComposer {
    public struct Options: Sendable, Equatable {
        public var layout: BulletinLayout
        public var annexes: [BulletinAnnexKind]
        public init(layout: BulletinLayout = .progress, annexes: [BulletinAnnexKind]) {
            self.layout = layout
            self.annexes = annexes
        }
    }

    public static func compose(_ facts: BulletinFacts, narrative: BulletinNarrative = .init(), options: Options,
                               number: Int?, date: String) -> Bulletin {
        let annexes = BulletinAnnexes.make(facts, options: options).map { annex in
            var annex = annex
            annex.title = ChineseText.tight(annex.title)
            annex.note = annex.note.map(ChineseText.tight)
            return annex
        }
        var sections: [Bulletin.Section] = []
        sections.append(tight(progressSection(facts, annexes: annexes)))
        for (key, heading) in BulletinNarrative.sectionKeys where key != "next" {
            if let text = narrative.sections[key], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                sections.append(narrativeSection(key: key, heading: heading, text: text))
            }
        }
        var problems = tight(problemSection(facts))
        for index in problems.paragraphs.indices {
            if let key = problems.paragraphs[index].key, let edited = narrative.edits[key],
               !edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems.paragraphs[index].generated = problems.paragraphs[index].text
                problems.paragraphs[index].text = edited.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if !problems.paragraphs.isEmpty { sections.append(problems) }
        if let text = narrative.sections["next"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            sections.append(narrativeSection(key: "next", heading: "下一步工作", text: text))
        }
        let opening = narrative.opening.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            ?? ChineseText.tight(defaultOpening(facts))
        return Bulletin(kind: facts.kind, period: facts.period, region: facts.region, office: facts.office, number: number, date: date,
                        title: ChineseText.tight(title(facts)), recipients: narrative.recipients.flatMap { $0.isEmpty ? nil : $0 } ?? defaultRecipients(facts),
                        opening: opening, sections: sections, annexes: annexes, seal: narrative.seal.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Generated text set as official documents set it: no spaces between Chinese and figures.
    static func tight(_ section: Bulletin.Section) -> Bulletin.Section {
        var section = section
        section.paragraphs = section.paragraphs.map { p in
            Bulletin.Paragraph(lead: p.lead.map(ChineseText.tight), ChineseText.tight(p.text), key: p.key)
        }
        return section
    }

    // MARK: - Title and opening

    public static func title(_ facts: BulletinFacts) -> String {
        let p = facts.period
        switch facts.kind {
        case .monthly: return "关于\(p.year)年\(p.span)重点民生实事工作推进情况的通报"
        case .tenday: return "\(p.year)年\(p.month)月\(p.tenDayLabel)重点民生实事工作推进情况"
        case .quarterly: return "\(p.year)年\(p.quarterLabel)重点民生实事工作讲评"
        case .special: return "\(p.year)年\(p.month)月份重点民生实事工作情况通报"
        }
    }

    public static func defaultRecipients(_ facts: BulletinFacts) -> String {
        facts.aggregateLabel == "全省" ? "各市州工作专班，省直责任单位：" : facts.aggregateLabel == "全县" || facts.aggregateLabel == "全市（县）"
            ? "各乡镇（街道）、县直责任单位：" : "各县市区工作专班，\(facts.aggregateLabel.dropFirst())直责任单位："
    }

    static func defaultOpening(_ facts: BulletinFacts) -> String {
        "\(facts.period.span)，\(facts.region)重点民生实事工作有序推进。现将\(facts.period.asOf.replacingOccurrences(of: "截至 ", with: "截至"))的有关情况通报如下："
    }

    static func narrativeSection(key: String, heading: String, text: String) -> Bulletin.Section {
        let paragraphs = text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return Bulletin.Section(key: key, heading: heading, paragraphs: paragraphs.map { Bulletin.Paragraph(lead: nil, $0) }, generated: false)
    }

    // MARK: - 工作推进情况

    /// Per level, the sentence of reference 000; then what other cities' special reports add.
    static func progressSection(_ facts: BulletinFacts, annexes: [Bulletin.Annex]) -> Bulletin.Section {
        var paragraphs: [Bulletin.Paragraph] = []
        for (index, level) in facts.levels.enumerated() {
            let annex = annexes.firstIndex { $0.kind == .progress && $0.title.contains(level.level.label) }
            paragraphs.append(Bulletin.Paragraph(lead: "\(Bulletin.subOrdinal(index + 1))\(level.level.label)重点民生实事。",
                                                 levelSentence(level, facts: facts, annex: annex.map { $0 + 1 }), key: "progress.\(level.level.rawValue)"))
        }
        if facts.levels.isEmpty {
            paragraphs.append(Bulletin.Paragraph("\(facts.region)\(facts.period.year)年尚无重点民生实事计划。"))
        }
        var activity = "\(facts.period.kindSpan(facts.kind))，各责任单位报送进度数据 \(facts.figuresReported) 条"
        let added = DisclosureCategory.allCases.reduce(0) { $0 + (facts.itemsAdded[$1] ?? 0) }
        if added > 0 {
            let parts = DisclosureCategory.allCases.compactMap { c -> String? in
                let n = facts.itemsAdded[c] ?? 0
                return n > 0 ? "\(c.label) \(n) 条" : nil
            }
            activity += "，通过“民生实事码上通”新增公开信息 \(added) 条（\(parts.joined(separator: "、"))）"
            let database = (facts.itemsAdded[.report] ?? 0) + (facts.itemsAdded[.summary] ?? 0)
            activity += "，其中工作专报、工作总结 \(database) 篇纳入项目资料库"
        } else {
            activity += "，“民生实事码上通”未新增公开信息"
        }
        if let supervision = facts.supervision, supervision.total.raised > 0 {
            activity += "；\(supervision.periodText)，" + supervision.sentence
        }
        paragraphs.append(Bulletin.Paragraph(lead: "\(Bulletin.subOrdinal(max(facts.levels.count, 0) + 1))调度和公开情况。", activity + "。", key: "progress.activity"))
        return Bulletin.Section(key: "progress", heading: "工作推进情况", paragraphs: paragraphs, generated: true)
    }

    /// "截至 10 月底，全市省定 10 件重点民生实事 24 个项目中，14 个项目已完成全年目标任务，10 个
    /// 项目按序时进度推进；40 个指标中，…，“化解超期安置3200户”（29.34%）1 个指标未达序时。（详情见附件 1）"
    public static func levelSentence(_ level: BulletinFacts.Level, facts: BulletinFacts, annex: Int?) -> String {
        let table = level.table
        let s = table.summary
        guard table.month != nil else {
            return "\(facts.aggregateLabel)\(level.level.label) \(s.items) 件重点民生实事 \(s.projects) 个项目 \(s.indicators) 个指标，尚无已报送的进度。"
        }
        var text = "\(facts.period.asOf)，\(facts.aggregateLabel)\(level.level.label) \(s.items) 件重点民生实事 \(s.projects) 个项目中，"
        var projectParts: [String] = []
        if s.projectsCompleted > 0 { projectParts.append("\(s.projectsCompleted) 个项目已完成全年目标任务") }
        if s.projectsOnSchedule > 0 { projectParts.append("\(s.projectsOnSchedule) 个项目按序时进度推进") }
        if s.projectsLagging > 0 {
            let names = table.projects(with: .lagging).map(ChineseText.quoted).joined(separator: "、")
            projectParts.append("\(names) \(s.projectsLagging) 个项目未达序时进度")
        }
        let projectsUnreported = s.projects - s.projectsCompleted - s.projectsOnSchedule - s.projectsLagging
        if projectsUnreported > 0 { projectParts.append("\(projectsUnreported) 个项目尚无进度数据") }
        text += projectParts.joined(separator: "，")
        text += "；\(s.indicators) 个指标中，"
        var parts: [String] = []
        if s.completed > 0 { parts.append("\(s.completed) 个指标已完成全年目标任务") }
        if s.onSchedule > 0 { parts.append("\(s.onSchedule) 个指标按序时推进") }
        if s.lagging > 0 {
            let names = table.rows(with: .lagging).map { row in
                ChineseText.quoted(row.indicator) + (row.aggregate?.progress.map { "（\(Figures.percent($0))）" } ?? "")
            }.joined(separator: "、")
            parts.append("\(names) \(s.lagging) 个指标未达序时")
        }
        if s.unreported > 0 { parts.append("\(s.unreported) 个指标尚无进度数据") }
        text += parts.joined(separator: "，") + "。"
        if table.completionRule == .everyRegion { text += "（按汇总数及各区划均完成计为已完成）" }
        if let annex { text += "（详情见附件 \(annex)）" }
        return text
    }

    // MARK: - 存在问题

    static func problemSection(_ facts: BulletinFacts) -> Bulletin.Section {
        var paragraphs: [Bulletin.Paragraph] = []
        var number = 0
        func add(_ lead: String, _ text: String, key: String) {
            number += 1
            paragraphs.append(Bulletin.Paragraph(lead: "\(Bulletin.subOrdinal(number))\(lead)", text, key: key))
        }

        // (1) Lagging indicators, and the regions' own shares that lag.
        var lagging: [String] = []
        for level in facts.levels {
            let table = level.table
            for row in table.rows(with: .lagging) {
                var text = "\(level.level.label)\(ChineseText.quoted(row.indicator))进度 \(row.aggregate?.progress.map(Figures.percent) ?? "—")"
                if let schedule = table.schedule { text += "，低于序时进度 \(Figures.percent(schedule))" }
                let regions = row.laggingRegions(columns: table.columns)
                if !regions.isEmpty { text += "，\(regions.joined(separator: "、"))未达序时" }
                if let lead = row.leadUnit, !lead.isEmpty { text += "（牵头单位：\(lead)）" }
                lagging.append(text)
            }
        }
        var regionText: [String] = []
        for level in facts.levels {
            let table = level.table
            let s = table.summary
            guard s.regionProjectsLagging > 0 else { continue }
            let names = regionProjectLagging(table).map { "\($0.regions.joined(separator: "、"))的\(ChineseText.quoted($0.project))" }
            regionText.append("\(level.level.label)县市区层面 \(s.regionProjects) 个项目，目前有\(names.joined(separator: "，")) \(s.regionProjectsLagging) 个项目进展迟缓，未达到序时进度")
        }
        if !lagging.isEmpty || !regionText.isEmpty {
            add("个别指标进度滞后。", (lagging + regionText).joined(separator: "；") + "。", key: "problem.lagging")
        }

        // (2) Evidence behind the figures, and 验收率 against 进度.
        var evidence: [String] = []
        for level in facts.levels {
            let table = level.table
            if !level.withoutEvidence.isEmpty {
                var byUnit: [String: Int] = [:]
                var order: [String] = []
                // By region: the counties and districts are the bulletin's addressees.
                for s in level.withoutEvidence {
                    let unit = s.region
                    if byUnit[unit] == nil { order.append(unit) }
                    byUnit[unit, default: 0] += 1
                }
                let units = order.sorted { (byUnit[$0] ?? 0, $1) > (byUnit[$1] ?? 0, $0) }.prefix(8).map { "\($0) \(byUnit[$0] ?? 0) 条" }
                evidence.append("\(level.level.label)有 \(level.withoutEvidence.count) 条已填报的进度数据未上传佐证资料（\(units.joined(separator: "、"))\(order.count > 8 ? "等" : "")）")
            }
            let waiting = level.waiting.reduce(0) { $0 + $1.count }
            if waiting > 0 { evidence.append("\(level.level.label)有 \(waiting) 份佐证资料待审核，尚未验收") }
            let over = table.rows.filter { $0.aggregate?.overLimit == true }
            if !over.isEmpty, let limit = table.gapLimit {
                let names = over.prefix(10).map { row in
                    "\(ChineseText.quoted(row.indicator))（进度 \(row.aggregate?.progress.map(Figures.percent) ?? "—")、验收率 \(row.aggregate?.acceptance.map(Figures.percent) ?? "0.00%")）"
                }
                evidence.append("\(level.level.label)\(names.joined(separator: "、"))\(over.count > 10 ? "等 \(over.count) 个指标" : "")进度与验收率差距超过本月 \(Figures.fixed(limit, scale: 0))% 的要求")
            }
        }
        if !evidence.isEmpty {
            add("验收进度待加快。", evidence.joined(separator: "；") + "。", key: "problem.evidence")
        }

        // (3) Disclosure: the monthly-update rule and flagged items.
        var disclosure: [String] = []
        for level in facts.levels {
            guard let d = level.disclosure, !d.rows.isEmpty else { continue }
            let short = d.rows.filter { $0.updates < d.requiredTotal }
            if !short.isEmpty {
                var byRegion: [String: (short: Int, all: Int)] = [:]
                for row in d.rows { byRegion[row.region, default: (0, 0)].all += 1 }
                for row in short { byRegion[row.region, default: (0, 0)].short += 1 }
                let heavy = byRegion.filter { $0.value.all > 0 && $0.value.short * 100 > $0.value.all * 30 }.map(\.key).sorted()
                var text = "\(level.level.label) \(d.rows.count) 个项目区划中，\(short.count) 个未达到每月动态更新要求（\(d.rule.fromMonth) 月起每月不少于 \(d.rule.minimum) 条，截至本月应有 \(d.requiredTotal) 条，详见附件）"
                if !heavy.isEmpty { text += "，\(heavy.joined(separator: "、"))仍有超过 30% 的项目未完成信息公开任务" }
                disclosure.append(text)
            }
        }
        if !facts.flagged.isEmpty {
            var reasons: [String: Int] = [:]
            for flag in facts.flagged { for reason in flag.reasons { reasons[reason, default: 0] += 1 } }
            let list = reasons.keys.sorted().map { "\($0) \(reasons[$0] ?? 0) 条" }.joined(separator: "、")
            disclosure.append("已公开的信息中有 \(facts.flagged.count) 条经核查存在问题（\(list)），存在“重数量不重质量”的问题")
        }
        if !disclosure.isEmpty {
            add("信息公开力度不足。", disclosure.joined(separator: "；") + "。", key: "problem.disclosure")
        }

        // (4) News: projects with no news at all.
        var news: [String] = []
        for level in facts.levels {
            guard let d = level.disclosure else { continue }
            let zero = d.rows.filter { ($0.counts[.news] ?? 0) == 0 }
            guard !zero.isEmpty else { continue }
            var byProject: [String: [String]] = [:]
            var order: [String] = []
            for row in zero {
                if byProject[row.project] == nil { order.append(row.project) }
                byProject[row.project, default: []].append(row.region)
            }
            let names = order.prefix(8).map { "\(byProject[$0]?.joined(separator: "、") ?? "")\(ChineseText.quoted($0))" }
            news.append("\(level.level.label)\(names.joined(separator: "；"))\(order.count > 8 ? "等 \(zero.count) 个项目区划" : "")在平台上的新闻报道数为 0")
        }
        if !news.isEmpty { add("新闻宣传力度不足。", news.joined(separator: "；") + "。", key: "problem.news") }

        // (5) Citizens' opinions.
        if let rates = facts.feedback, rates.unanswered > 0 || rates.overdue > 0 {
            var text = "\(facts.period.span)共收到群众意见建议 \(rates.received) 条，已回复 \(rates.answered) 条，处理率 \(rates.handlingRate.map(Figures.percent) ?? "—")"
            if rates.unanswered > 0 { text += "，尚有 \(rates.unanswered) 条未回复" }
            if rates.overdue > 0 { text += "，其中 \(rates.overdue) 条已超过回复期限" }
            let units = facts.feedbackUnitsBelowFull.prefix(8).map { "\($0.unit)（\($0.rates.unanswered) 条）" }
            if !units.isEmpty { text += "，主要是\(units.joined(separator: "、"))" }
            text += "。群众意见建议处理率必须达到 100%。"
            add("群众意见回复不及时。", text, key: "problem.feedback")
        }

        // (6) Problems raised by the supervisors and not rectified in time.
        if let supervision = facts.supervision, supervision.total.overdue > 0 {
            let units = supervision.byUnit.filter { $0.tally.overdue > 0 }.prefix(8)
                .map { row in (row.region.map { $0 == facts.region || row.name.hasPrefix($0) ? "" : $0 } ?? "") + "\(row.name)（\(row.tally.overdue) 个）" }
            var text = "\(facts.period.asOf)，观察员、监督员提出的 \(supervision.total.raised - supervision.total.dismissed) 个问题中，尚有 \(supervision.total.open) 个未整改到位，"
                + "其中 \(supervision.total.overdue) 个已超过整改期限"
            if !units.isEmpty { text += "，主要是\(units.joined(separator: "、"))" }
            text += "。请责任单位立即整改并反馈，由问题提出人确认。"
            add("问题整改不及时。", text, key: "problem.supervision")
        }

        // Then a paragraph per project that needs one, headed by the project and its lead unit.
        for level in facts.levels {
            for paragraph in projectParagraphs(level) { paragraphs.append(paragraph) }
        }
        return Bulletin.Section(key: "problems", heading: "存在问题", paragraphs: paragraphs, generated: true)
    }

    /// Regions' own shares of a project that lag, grouped by project ("邵阳县、隆回县的“护蕾”").
    static func regionProjectLagging(_ table: ProgressTable) -> [(project: String, regions: [String])] {
        var result: [(String, [String])] = []
        for project in table.projectRows {
            var regions: [String] = []
            for column in table.columns.indices where !table.ownLevelColumns.contains(column) {
                if project.contains(where: { $0.regions.indices.contains(column) && $0.regions[column]?.status == .lagging }) {
                    regions.append(table.columns[column])
                }
            }
            if !regions.isEmpty, let name = project.first?.projectName { result.append((name, regions)) }
        }
        return result
    }

    /// "保障性租赁住房建设项目（牵头单位：市住建局）：…" for each project that lags, has lagging
    /// regions, evidence missing or waiting, or a 验收率 gap over the limit.
    static func projectParagraphs(_ level: BulletinFacts.Level) -> [Bulletin.Paragraph] {
        let table = level.table
        var result: [Bulletin.Paragraph] = []
        for project in table.projectRows {
            guard let first = project.first else { continue }
            let name = first.projectName
            var parts: [String] = []
            let standing = CompletionRule.projectStanding(project.map { $0.standing(table.completionRule) })
            if standing == .lagging {
                let rows = project.filter { $0.standing(table.completionRule) == .lagging }
                parts.append(rows.map { "\(ChineseText.quoted($0.indicator))进度 \($0.aggregate?.progress.map(Figures.percent) ?? "—")" }.joined(separator: "、")
                             + (table.schedule.map { "，低于序时进度 \(Figures.percent($0))" } ?? ""))
            }
            var laggingRegions: [String] = []
            for row in project { for region in row.laggingRegions(columns: table.columns) where !laggingRegions.contains(region) { laggingRegions.append(region) } }
            if !laggingRegions.isEmpty { parts.append("\(laggingRegions.joined(separator: "、"))未达序时进度") }
            let missing = level.withoutEvidence.filter { $0.project == name }
            if !missing.isEmpty {
                let regions = Array(Set(missing.map(\.region))).sorted()
                parts.append("\(regions.prefix(6).joined(separator: "、"))\(regions.count > 6 ? "等" : "") \(missing.count) 条填报数据未上传佐证资料")
            }
            let waiting = level.waiting.filter { $0.project == name }.reduce(0) { $0 + $1.count }
            if waiting > 0 { parts.append("\(waiting) 份佐证资料尚未审核") }
            let over = project.filter { $0.aggregate?.overLimit == true }
            if !over.isEmpty {
                parts.append(over.map { row in
                    "\(ChineseText.quoted(row.indicator))验收率 \(row.aggregate?.acceptance.map(Figures.percent) ?? "0.00%")，低于进度 \(row.aggregate?.gap.map { Figures.fixed($0, scale: 2) } ?? "—") 个百分点"
                }.joined(separator: "、"))
            }
            guard standing == .lagging || !laggingRegions.isEmpty || !over.isEmpty else { continue }
            let lead = project.compactMap(\.leadUnit).first { !$0.isEmpty }
            let head = "\(name)\(name.hasSuffix("项目") ? "" : "项目")（牵头单位：\(lead ?? "未指定")）："
            result.append(Bulletin.Paragraph(lead: head, parts.joined(separator: "；") + "。", key: "project.\(level.level.rawValue).\(first.projectSeq)"))
        }
        return result
    }
}

extension BulletinPeriod {
    /// "10 月份" or "10 月上旬" or "第三季度": the span a bulletin's activity counts cover.
    func kindSpan(_ kind: BulletinKind) -> String {
        switch kind {
        case .tenday: "\(month) 月\(tenDayLabel)"
        case .quarterly: quarterLabel
        default: "\(month) 月份"
        }
    }
}
