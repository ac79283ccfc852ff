import Foundation

/// The three letters an office sends a unit whose indicators lag, mildest first.
public enum LetterTier: String, CaseIterable, Codable, Sendable, Comparable {
    /// 温馨提示函
    case reminder
    /// 工作提示函
    case notice
    /// 督办函
    case supervision

    public var label: String {
        switch self {
        case .reminder: "温馨提示函"
        case .notice: "工作提示函"
        case .supervision: "督办函"
        }
    }

    /// The number's prefix: 督办〔2025〕3号.
    public var prefix: String {
        switch self {
        case .reminder: "温馨提示"
        case .notice: "工作提示"
        case .supervision: "督办"
        }
    }

    public func numberText(year: Int, number: Int) -> String { "\(prefix)〔\(year)〕\(number)号" }

    public static func < (a: LetterTier, b: LetterTier) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// Where a sent letter stands.
public enum LetterStatus: String, CaseIterable, Sendable {
    case sent, read, replied, overdue

    public var label: String {
        switch self {
        case .sent: "已发送"
        case .read: "已阅"
        case .replied: "已回复"
        case .overdue: "逾期未回复"
        }
    }
}

/// The office's rule for which letter a unit gets: the months an indicator of the unit has been
/// lagging in a row, and how far below the schedule it is.
///
/// The default: first month → 温馨提示函; second month in a row → 工作提示函; third month in a row,
/// or more than 20 points below 序时进度 → 督办函.
public struct LetterRule: Sendable, Equatable {
    /// Months in a row from which a 工作提示函 is sent.
    public var noticeMonths: Int
    /// Months in a row from which a 督办函 is sent.
    public var supervisionMonths: Int
    /// Points below 序时进度 from which a 督办函 is sent whatever the months.
    public var supervisionPoints: Decimal

    public static let standard = LetterRule(noticeMonths: 2, supervisionMonths: 3, supervisionPoints: 20)

    public init(noticeMonths: Int, supervisionMonths: Int, supervisionPoints: Decimal) {
        self.noticeMonths = noticeMonths
        self.supervisionMonths = supervisionMonths
        self.supervisionPoints = supervisionPoints
    }

    /// The tier for an indicator that has been lagging `months` months in a row (≥ 1) and is
    /// `pointsBelow` points below the schedule (nil when only its regions or its 验收率 lag).
    public func tier(months: Int, pointsBelow: Decimal?) -> LetterTier {
        if months >= supervisionMonths { return .supervision }
        if let pointsBelow, pointsBelow > supervisionPoints { return .supervision }
        if months >= noticeMonths { return .notice }
        return .reminder
    }

    /// "2,3,20" as stored.
    public var stored: String { "\(noticeMonths),\(supervisionMonths),\(NSDecimalNumber(decimal: supervisionPoints).stringValue)" }

    public init?(stored: String) {
        let parts = stored.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let notice = Int(parts[0]), let supervision = Int(parts[1]),
              let points = Decimal(string: parts[2], locale: Locale(identifier: "en_US_POSIX")),
              notice >= 1, supervision >= notice, points >= 0, points <= 100 else { return nil }
        self.init(noticeMonths: notice, supervisionMonths: supervision, supervisionPoints: points)
    }
}

/// One indicator that puts a unit on the month's letter list, with the figures behind it.
public struct LetterTrigger: Sendable, Equatable, Codable {
    public var project: String
    public var indicator: String
    /// Progress and schedule, percent; nil progress when only regions or 验收率 lag.
    public var progress: Decimal?
    public var schedule: Decimal?
    /// The aggregate lags this month.
    public var lagging: Bool
    /// Months in a row the indicator has put the unit on the list (this one included).
    public var months: Int
    public var laggingRegions: [String]
    /// 验收率 and the gap, when the gap is over the month's limit.
    public var acceptance: Decimal?
    public var gap: Decimal?
    public var gapLimit: Decimal?

    public init(project: String, indicator: String, progress: Decimal?, schedule: Decimal?, lagging: Bool, months: Int,
                laggingRegions: [String], acceptance: Decimal? = nil, gap: Decimal? = nil, gapLimit: Decimal? = nil) {
        self.project = project
        self.indicator = indicator
        self.progress = progress
        self.schedule = schedule
        self.lagging = lagging
        self.months = months
        self.laggingRegions = laggingRegions
        self.acceptance = acceptance
        self.gap = gap
        self.gapLimit = gapLimit
    }

    /// Points below the schedule, when the aggregate lags.
    public var pointsBelow: Decimal? {
        guard lagging, let progress, let schedule else { return nil }
        return schedule - progress
    }

    /// "“化解超期安置3200户”进度 29.34%，低于序时进度 83.33%（差 53.99 个百分点），已连续 3 个月未达序时；…"
    public var sentence: String {
        var parts: [String] = []
        if lagging, let progress, let schedule {
            parts.append("进度 \(Figures.percent(progress))，低于序时进度 \(Figures.percent(schedule))（差 \(Figures.fixed(schedule - progress, scale: 2)) 个百分点）")
        } else if let progress {
            parts.append("进度 \(Figures.percent(progress))")
        }
        if !laggingRegions.isEmpty { parts.append("\(laggingRegions.joined(separator: "、"))未达序时进度") }
        if let gap, let limit = gapLimit {
            parts.append("验收率 \(acceptance.map(Figures.percent) ?? "0.00%")，与进度相差 \(Figures.fixed(gap, scale: 2)) 个百分点，超过本月 \(Figures.fixed(limit, scale: 0))% 的要求")
        }
        if months > 1 { parts.append("已连续 \(months) 个月未达要求") }
        return ChineseText.quoted(indicator) + parts.joined(separator: "；")
    }
}

/// A letter proposed for a unit this month, before it is sent.
public struct LetterProposal: Sendable, Equatable {
    public var unitID: Int
    public var unit: String
    public var tier: LetterTier
    public var triggers: [LetterTrigger]
    /// Opinions the unit has not answered (all months), and those past their deadline.
    public var unanswered: Int
    public var overdueOpinions: Int
    /// Problems raised by the supervisors that the unit has let pass their deadline, and those of
    /// them past twice their time (red).
    public var overdueProblems: Int
    public var redProblems: Int

    public init(unitID: Int, unit: String, tier: LetterTier, triggers: [LetterTrigger], unanswered: Int = 0, overdueOpinions: Int = 0,
                overdueProblems: Int = 0, redProblems: Int = 0) {
        self.unitID = unitID
        self.unit = unit
        self.tier = tier
        self.triggers = triggers
        self.unanswered = unanswered
        self.overdueOpinions = overdueOpinions
        self.overdueProblems = overdueProblems
        self.redProblems = redProblems
    }

    /// The tier problems alone call for: overdue, a reminder; past twice their time, a work notice.
    public static func tier(overdueProblems: Int, redProblems: Int) -> LetterTier? {
        redProblems > 0 ? .notice : overdueProblems > 0 ? .reminder : nil
    }

    /// The lines that go into the letter and the office's list, set as official text.
    public var lines: [String] {
        var lines = triggers.map(\.sentence)
        if unanswered > 0 {
            lines.append("尚有 \(unanswered) 条群众意见建议未回复" + (overdueOpinions > 0 ? "，其中 \(overdueOpinions) 条已超过回复期限" : ""))
        }
        if overdueProblems > 0 {
            lines.append("观察员、监督员提出的问题中有 \(overdueProblems) 个已超过整改期限未整改到位" + (redProblems > 0 ? "，其中 \(redProblems) 个超过整改时限一倍以上" : ""))
        }
        return lines.map(ChineseText.tight)
    }
}

/// The letter as a Word document in the 信函 layout (GB/T 9704 10.2): the office's name in red at
/// the top over a red double rule, the number at the right, title, addressee, text, the figures,
/// the reply deadline, signature and date.
public enum LetterWord {
    public struct Content: Sendable, Equatable {
        public var office: String
        public var tier: LetterTier
        public var year: Int
        public var month: Int
        public var number: Int
        public var unit: String
        public var lines: [String]
        /// "2024-11-12"
        public var due: String
        public var date: String
        public var seal: String?

        public init(office: String, tier: LetterTier, year: Int, month: Int, number: Int, unit: String, lines: [String], due: String, date: String, seal: String?) {
            self.office = office
            self.tier = tier
            self.year = year
            self.month = month
            self.number = number
            self.unit = unit
            self.lines = lines
            self.due = due
            self.date = date
            self.seal = seal
        }

        public var title: String {
            switch tier {
            case .reminder: "关于加快推进重点民生实事工作进度的温馨提示函"
            case .notice: "关于重点民生实事工作进度滞后的工作提示函"
            case .supervision: "关于重点民生实事工作进度滞后的督办函"
            }
        }

        public var opening: String {
            let span = ChineseText.tight(ChineseDate.monthSpan(through: month))
            switch tier {
            case .reminder: return "根据\(year)年\(span)重点民生实事调度情况，你单位牵头的以下指标需加快推进，现予以温馨提示："
            case .notice: return "根据\(year)年\(span)重点民生实事调度情况，你单位牵头的以下指标进度滞后，现予以工作提示："
            case .supervision: return "根据\(year)年\(span)重点民生实事调度情况，你单位牵头的以下指标进度严重滞后，现予以督办："
            }
        }

        public var request: String {
            "请你单位高度重视，认真分析原因，制定切实可行的整改措施，加快推进进度，及时上传佐证资料，并于\(Bulletin.chineseDate(due))前将整改措施通过民生实事管理平台回复\(office)。"
        }

        public var body: String { ([opening] + lines.enumerated().map { "\($0.offset + 1). \($0.element)。" } + [request]).joined(separator: "\n") }
    }

    public static func document(_ c: Content) -> WordDocument {
        typealias P = WordDocument.Paragraph
        let width = WordDocument.portraitTextWidth
        var blocks: [WordDocument.Block] = []
        var office = P([.init(c.office, color: BulletinWord.red)], alignment: .center, font: .xiaobiaosong,
                       size: BulletinWord.fittingSize(c.office, width: width, largest: 60))
        office.ruleBelow = BulletinWord.red
        office.lineTwips = 900
        blocks.append(.paragraph(office))
        var number = P(c.tier.numberText(year: c.year, number: c.number), alignment: .right)
        number.rightChars = 1
        number.spaceBeforeTwips = 120
        blocks.append(.paragraph(number))
        blocks.append(.paragraph(P("", alignment: .left)))
        blocks.append(.paragraph(P(c.title, alignment: .center, font: .xiaobiaosong, size: WordDocument.Size.er)))
        blocks.append(.paragraph(P("", alignment: .left)))
        blocks.append(.paragraph(P("\(c.unit)：", alignment: .both)))
        blocks.append(.paragraph(.body(c.opening)))
        for (index, line) in c.lines.enumerated() { blocks.append(.paragraph(.body("\(index + 1). \(line)。"))) }
        blocks.append(.paragraph(.body(c.request)))
        blocks += BulletinWord.signature(office: c.office, seal: c.seal, date: Bulletin.chineseDate(c.date))
        return WordDocument(title: c.title, date: BulletinWord.isoDate(c.date), sections: [.init(blocks: blocks)])
    }
}
