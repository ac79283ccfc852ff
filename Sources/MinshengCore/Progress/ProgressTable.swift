import Foundation

/// One region's progress table for one month, as the bulletins' attachments print it: every
/// indicator with its aggregate figure (全市 …) and each child region's figure.
public struct ProgressTable: Sendable {
    public struct Figure: Sendable, Equatable {
        public var target: Decimal?
        /// A target given as text ("待另行发文确定").
        public var targetNote: String?
        public var quantity: Decimal?
        /// Percent as shown: rounded half-up to two places where the figure comes from the
        /// store. Standing is judged on the unrounded value: see `status` and `band`.
        public var progress: Decimal?
        public var status: ProgressStatus?
        public var band: ProgressBand?
        public var responsibleUnit: String?
        public var note: String?
        /// 验收率: the accepted share, in percent, unrounded; nil while nothing is accepted.
        public var acceptance: Decimal?
        /// 进度 − 验收率, in percentage points, unrounded.
        public var gap: Decimal?
        /// The gap is over the limit the office set for the month.
        public var overLimit = false

        /// - Parameter band: judged on the unrounded progress; when not given, judged on `progress`
        ///   (right only where `progress` is unrounded).
        public init(target: Decimal?, targetNote: String? = nil, quantity: Decimal?, progress: Decimal?, status: ProgressStatus?,
                    band: ProgressBand? = nil, responsibleUnit: String? = nil, note: String? = nil) {
            self.target = target
            self.targetNote = targetNote
            self.quantity = quantity
            self.progress = progress
            self.status = status
            self.band = band ?? progress.map(ProgressBand.judge)
            self.responsibleUnit = responsibleUnit
            self.note = note
        }
    }

    public struct Row: Sendable {
        public var indicatorID: Int
        public var itemSeq: Int
        public var itemName: String
        public var projectSeq: Int
        public var projectName: String
        public var indicator: String
        public var unit: String
        public var kind: ProgressType
        public var rule: Aggregation
        public var leadUnit: String?
        /// The table region's own figure; nil when it has no share.
        public var aggregate: Figure?
        /// Aligned with `columns`; nil where the region has no share ("/").
        public var regions: [Figure?]
        /// The project's id where the table was read from the store (links to its pages).
        public var projectID: Int?

        public init(indicatorID: Int, itemSeq: Int, itemName: String, projectSeq: Int, projectName: String, indicator: String, unit: String,
                    kind: ProgressType, rule: Aggregation, leadUnit: String?, aggregate: Figure?, regions: [Figure?]) {
            self.indicatorID = indicatorID
            self.itemSeq = itemSeq
            self.itemName = itemName
            self.projectSeq = projectSeq
            self.projectName = projectName
            self.indicator = indicator
            self.unit = unit
            self.kind = kind
            self.rule = rule
            self.leadUnit = leadUnit
            self.aggregate = aggregate
            self.regions = regions
        }

        /// The indicator's standing as the office counts it (see `CompletionRule`).
        public func standing(_ rule: CompletionRule) -> ProgressStatus? {
            rule.standing(aggregate: aggregate?.status, shares: regions.compactMap { $0.map(\.status) })
        }

        /// The regions below the schedule, named.
        public func laggingRegions(columns: [String]) -> [String] {
            zip(columns, regions).compactMap { name, figure in figure?.status == .lagging ? name : nil }
        }
    }

    public struct Summary: Sendable, Equatable {
        public var items = 0
        public var projects = 0
        public var indicators = 0
        public var completed = 0
        public var onSchedule = 0
        public var lagging = 0
        /// Indicators without a figure for the month.
        public var unreported = 0
        /// Among those not completed: progress ≥ 75% and below it (reference 002's bands).
        public var atLeast75 = 0
        public var below75 = 0
        /// Projects by their indicators' standing (`CompletionRule.projectStanding`).
        public var projectsCompleted = 0
        public var projectsOnSchedule = 0
        public var projectsLagging = 0
        /// The counties', districts' and zones' own shares of projects (本级 left out): each
        /// region with a share of a project counts once (reference 000: "全市县市区层面 263 个项目
        /// … 4 个项目 … 未达到序时进度"); lagging when any of its indicators lags there.
        public var regionProjects = 0
        public var regionProjectsLagging = 0
        public init() {}
    }

    /// How 已完成 is counted; the plan's office sets it.
    public var completionRule: CompletionRule = .aggregate
    /// The columns that are the region's own level (市本级) rather than a county, district or
    /// zone: the regions' project count ("县市区层面") leaves them out.
    public var ownLevelColumns: Set<Int> = []

    public var title: String
    public var region: String
    /// The aggregate column's heading: 全省, 全市, 全县 …
    public var aggregateLabel: String
    public var year: Int
    public var month: Int?
    /// 序时进度 at the end of the month, unrounded percent.
    public var schedule: Decimal?
    /// The most 进度 may exceed 验收率 by this month, in percentage points, when the office set it.
    public var gapLimit: Decimal?
    public var columns: [String]
    /// The columns' region ids where the table was read from the store (else empty).
    public var columnIDs: [Int] = []
    /// The region whose figures are the aggregate column, where the table was read from the store:
    /// the region asked for, or the plan's owner when that region has no share in the plan.
    public var focusRegionID: Int?
    public var rows: [Row]

    public init(title: String, region: String, aggregateLabel: String, year: Int, month: Int?, schedule: Decimal?, columns: [String], rows: [Row]) {
        self.title = title
        self.region = region
        self.aggregateLabel = aggregateLabel
        self.year = year
        self.month = month
        self.schedule = schedule
        self.columns = columns
        self.rows = rows
    }

    public var summary: Summary {
        var summary = Summary()
        summary.items = Set(rows.map(\.itemSeq)).count
        summary.projects = Set(rows.map { "\($0.itemSeq)\u{1}\($0.projectName)" }).count
        summary.indicators = rows.count
        for project in projectRows {
            summary.countProject(project.map { $0.standing(completionRule) })
            for column in columns.indices where !ownLevelColumns.contains(column) {
                let shares = project.compactMap { $0.regions.indices.contains(column) ? $0.regions[column] : nil }
                guard !shares.isEmpty else { continue }
                summary.regionProjects += 1
                if shares.contains(where: { $0.status == .lagging }) { summary.regionProjectsLagging += 1 }
            }
        }
        for row in rows {
            summary.count(row.standing(completionRule))
            switch row.aggregate?.band {
            case .atLeast75?: summary.atLeast75 += 1
            case .below75?: summary.below75 += 1
            default: break
            }
        }
        return summary
    }

    /// The rows by standing as the office counts it, each list in the plan's order.
    public func rows(with status: ProgressStatus?) -> [Row] {
        rows.filter { $0.standing(completionRule) == status }
    }

    /// The rows grouped by project, in the plan's order.
    public var projectRows: [[Row]] {
        var groups: [[Row]] = []
        var index: [String: Int] = [:]
        for row in rows {
            let key = "\(row.itemSeq)\u{1}\(row.projectName)"
            if let at = index[key] { groups[at].append(row) } else { index[key] = groups.count; groups.append([row]) }
        }
        return groups
    }

    /// The projects (their names) whose standing is `status`.
    public func projects(with status: ProgressStatus) -> [String] {
        projectRows.filter { CompletionRule.projectStanding($0.map { $0.standing(completionRule) }) == status }.compactMap(\.first?.projectName)
    }

    /// Not completed, progress in [75%, 100%) or below 75% — reference 002's second and third lists.
    public func rows(atLeast75: Bool) -> [Row] {
        rows.filter { $0.aggregate?.band == (atLeast75 ? .atLeast75 : .below75) }
    }

    /// "1-10 月" for the period the table covers.
    public var periodLabel: String {
        guard let month else { return "" }
        return month == 1 ? "1 月" : "1-\(month) 月"
    }

    /// The sentence a bulletin opens its progress section with.
    public var bulletinSentence: String {
        let s = summary
        var text = "\(region)共承担 \(s.items) 个实事 \(s.projects) 个项目 \(s.indicators) 个指标"
        guard let month, let schedule else { return text + "，尚无已报送的进度。" }
        text += "。截至 \(month) 月底（序时进度 \(Figures.percent(schedule))），\(s.completed) 个指标已完成目标任务，"
        text += "\(s.onSchedule) 个指标按序时进度推进"
        if s.lagging > 0 {
            let names = rows(with: .lagging).map { "“\($0.indicator)”" }.joined(separator: "、")
            text += "，\(s.lagging) 个指标未达序时进度：\(names)"
        } else {
            text += "，没有未达序时进度的指标"
        }
        if s.unreported > 0 { text += "；另有 \(s.unreported) 个指标尚无进度数据" }
        return text + "。"
    }

    /// The bulletin's sentence on projects: "24 个项目进展顺利，12 个项目已提前完成全年目标任务，
    /// 12 个项目按序时进度正常推进" (reference 000), and the regions' own shares.
    public var projectSentence: String {
        let s = summary
        guard let month else { return "\(region)共承担 \(s.projects) 个项目，尚无已报送的进度。" }
        var text = "截至 \(month) 月底，\(region) \(s.projects) 个项目中，\(s.projectsCompleted) 个项目已完成全年目标任务，\(s.projectsOnSchedule) 个项目按序时进度推进"
        if s.projectsLagging > 0 {
            text += "，\(s.projectsLagging) 个项目未达序时进度：" + projects(with: .lagging).map { "“\($0)”" }.joined(separator: "、")
        } else {
            text += "，没有未达序时进度的项目"
        }
        text += "。"
        if !columns.isEmpty {
            text += "县市区层面 \(s.regionProjects) 个项目中，"
            text += s.regionProjectsLagging > 0 ? "\(s.regionProjectsLagging) 个未达序时进度。" : "没有未达序时进度的项目。"
        }
        return text
    }
}

extension Schedule {
    /// 序时进度 at the end of a month, from a plan's own schedule when it sets one for that
    /// month, else m/12.
    public static func share(endOfMonth month: Int, custom: [Int: Decimal]) -> Decimal {
        custom[month] ?? share(endOfMonth: month)
    }

    /// 序时进度 at the end of a month as an exact number, for judging: m/12 is the ratio 100m/12,
    /// not its 38-digit decimal.
    public static func exact(endOfMonth month: Int, custom: [Int: Decimal] = [:]) -> ExactNumber {
        if let value = custom[month] { return ExactNumber(value) }
        let clamped = min(max(month, 0), 12)
        return ExactNumber.ratio(Int128(clamped * 100), 12).reduced
    }

    /// Parses a plan's schedule as written in its settings: "3:20, 6:50, 9:75" (month:percent).
    public static func parse(_ text: String) -> [Int: Decimal]? {
        var result: [Int: Decimal] = [:]
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" || $0 == "\n" })
        for part in parts {
            let pair = part.split(whereSeparator: { $0 == ":" || $0 == "：" || $0 == "=" })
            guard pair.count == 2,
                  let month = Int(pair[0].trimmingCharacters(in: .whitespaces)), (1...12).contains(month),
                  let percent = Decimal(string: pair[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: ""), locale: Locale(identifier: "en_US_POSIX")),
                  percent >= 0, percent <= 100, result[month] == nil else { return nil }
            result[month] = percent
        }
        return result
    }

    public static func format(_ schedule: [Int: Decimal]) -> String {
        schedule.keys.sorted().map { "\($0):\(NSDecimalNumber(decimal: schedule[$0] ?? 0).stringValue)" }.joined(separator: ",")
    }
}
