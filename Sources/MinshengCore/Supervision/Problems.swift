import Foundation

/// Who an appointed person is (观察员 / 监督员 / 评议员 are roles; this is where they come from).
public enum SupervisorIdentity: String, CaseIterable, Codable, Sendable {
    case deputy, cppcc, beneficiary, resident, expert, other

    public var label: String {
        switch self {
        case .deputy: "人大代表"
        case .cppcc: "政协委员"
        case .beneficiary: "受益群众"
        case .resident: "社区（村）代表"
        case .expert: "行业专家"
        case .other: "其他"
        }
    }
}

/// What an appointment covers: a whole region, one project in a region (项目观察员), or one lead
/// department (单位观察员).
public enum SupervisorScope: String, CaseIterable, Codable, Sendable {
    case region, project, unit

    public var label: String {
        switch self {
        case .region: "全区划"
        case .project: "项目观察员"
        case .unit: "单位观察员"
        }
    }
}

/// 问题类别.
public enum ProblemCategory: String, CaseIterable, Codable, Sendable {
    case quality, safety, progress, funds, opinion, other

    public var label: String {
        switch self {
        case .quality: "工程建设质量"
        case .safety: "安全隐患"
        case .progress: "进度滞后"
        case .funds: "资金使用"
        case .opinion: "群众意见"
        case .other: "其他"
        }
    }

    public init?(token: String) {
        let t = token.trimmingCharacters(in: .whitespaces)
        if let c = ProblemCategory(rawValue: t) { self = c; return }
        if let c = ProblemCategory.allCases.first(where: { $0.label == t || $0.label.hasPrefix(t) && !t.isEmpty }) { self = c; return }
        return nil
    }
}

/// 严重程度: each has its own time to rectify, set by the office in working days.
public enum ProblemSeverity: String, CaseIterable, Codable, Sendable, Comparable {
    case urgent, major, normal

    public var label: String {
        switch self {
        case .urgent: "紧急"
        case .major: "较重"
        case .normal: "一般"
        }
    }

    private var order: Int { self == .urgent ? 0 : self == .major ? 1 : 2 }
    public static func < (a: ProblemSeverity, b: ProblemSeverity) -> Bool { a.order < b.order }
}

/// The office's times to rectify, in working days per severity (e.g. 3 / 10 / 30).
public struct ProblemDeadlines: Codable, Sendable, Equatable {
    public var urgent: Int
    public var major: Int
    public var normal: Int

    public static let standard = ProblemDeadlines(urgent: 3, major: 10, normal: 30)
    public static let range = 1...120

    public init(urgent: Int, major: Int, normal: Int) {
        self.urgent = urgent
        self.major = major
        self.normal = normal
    }

    public func days(_ severity: ProblemSeverity) -> Int {
        switch severity {
        case .urgent: urgent
        case .major: major
        case .normal: normal
        }
    }

    /// Each in 1–120 working days and not shorter for a lighter severity; else the Chinese refusal.
    public func problem() -> String? {
        for value in [urgent, major, normal] where !Self.range.contains(value) {
            return "整改时限应为 1 至 120 个工作日（现为 \(value)）。"
        }
        guard urgent <= major, major <= normal else { return "整改时限应按严重程度递增：紧急 ≤ 较重 ≤ 一般。" }
        return nil
    }
}

/// 问题状态: 待分派 → 整改中 → 待确认 → 已整改, with 部分整改 (a new deadline) and 不属实 / 重复
/// (closed with a reason).
public enum ProblemState: String, CaseIterable, Codable, Sendable {
    case pending, rectifying, answered, partial, rectified, invalid, duplicate

    public var label: String {
        switch self {
        case .pending: "待分派"
        case .rectifying: "整改中"
        case .answered: "待确认"
        case .partial: "部分整改"
        case .rectified: "已整改"
        case .invalid: "不属实"
        case .duplicate: "重复"
        }
    }

    /// Closed: nothing more is asked of anyone.
    public var isClosed: Bool { self == .rectified || self == .invalid || self == .duplicate }
    /// The unit is on the clock: it has a deadline and owes an answer.
    public var isWithUnit: Bool { self == .rectifying || self == .partial }
    /// Closed as not a problem (不属实, 重复): not counted as raised-and-open nor as rectified.
    public var isDismissed: Bool { self == .invalid || self == .duplicate }
}

/// A step in a problem's history.
public enum ProblemAction: String, CaseIterable, Codable, Sendable {
    /// Raised by an appointed person (or the office).
    case raise
    /// The office assigns it to the responsible unit, with the deadline the severity gives.
    case assign
    /// The unit answers with its measures and after-photos: the raiser is asked to confirm.
    case answer
    /// The raiser (or the office for them) confirms it is fixed.
    case confirm
    /// The raiser (or the office) finds it partly fixed: a new deadline.
    case partial
    /// "未整改": back to the unit, the original deadline standing.
    case reopen
    /// The office closes it as 不属实.
    case invalid
    /// The office closes it as 重复.
    case duplicate

    public var label: String {
        switch self {
        case .raise: "提出问题"
        case .assign: "分派整改"
        case .answer: "反馈整改情况"
        case .confirm: "确认已整改"
        case .partial: "部分整改，重新限期"
        case .reopen: "确认未整改，退回重新整改"
        case .invalid: "不属实，关闭"
        case .duplicate: "重复问题，关闭"
        }
    }

    /// The state the action leads to from `state`, or nil when it is not allowed there.
    public func next(from state: ProblemState) -> ProblemState? {
        switch (self, state) {
        case (.assign, .pending): return .rectifying
        // Reassigned (to another unit, or with another severity) while the unit owes the answer: a new clock.
        case (.assign, .rectifying), (.assign, .partial): return .rectifying
        case (.answer, .rectifying), (.answer, .partial): return .answered
        case (.confirm, .answered): return .rectified
        case (.partial, .answered): return .partial
        case (.reopen, .answered): return .rectifying
        case (.invalid, let s) where !s.isClosed: return .invalid
        case (.duplicate, let s) where !s.isClosed: return .duplicate
        default: return nil
        }
    }
}

/// How urgent an open problem's deadline is: 蓝 due within 3 working days, 黄 overdue, 红 past
/// twice its time.
public enum ProblemUrgency: String, CaseIterable, Codable, Sendable, Comparable {
    case none, blue, yellow, red

    public var label: String {
        switch self {
        case .none: "未到期"
        case .blue: "即将到期"
        case .yellow: "已超期"
        case .red: "严重超期"
        }
    }

    private var order: Int { self == .none ? 0 : self == .blue ? 1 : self == .yellow ? 2 : 3 }
    public static func < (a: ProblemUrgency, b: ProblemUrgency) -> Bool { a.order < b.order }
}

/// A problem's deadline counted in working days (Monday–Friday, Asia/Shanghai) from the day its
/// clock started (assigned, or a partial finding's new deadline).
public struct ProblemClock: Codable, Sendable, Equatable {
    /// The day the clock started.
    public var start: Date
    /// Working days allowed.
    public var days: Int

    public init(start: Date, days: Int) {
        self.start = start
        self.days = days
    }

    /// The moment the problem becomes overdue: the start of the day after the last allowed day.
    public var due: Date { WorkingDays.deadline(from: start, workingDays: days) }
    /// Past this, the problem has run twice its time (red).
    public var doubled: Date { WorkingDays.deadline(from: start, workingDays: days * 2) }
    /// Within 3 working days of the deadline (blue) from this moment.
    public var warning: Date { WorkingDays.deadline(from: start, workingDays: max(0, days - 3)) }

    /// The colour of a problem the unit still owes an answer on, at `now`.
    public func urgency(at now: Date) -> ProblemUrgency {
        if now >= doubled { return .red }
        if now >= due { return .yellow }
        if now >= warning { return .blue }
        return .none
    }
}

/// Working days: Monday to Friday in China's time zone.
public enum WorkingDays {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar
    }

    /// The start of the day after the `workingDays`-th working day after `start`'s day.
    public static func deadline(from start: Date, workingDays: Int) -> Date {
        FeedbackText.deadline(from: start, workingDays: workingDays)
    }

    /// Whether the day of `date` is Monday to Friday.
    public static func isWorkingDay(_ date: Date) -> Bool {
        let weekday = calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7
    }

    /// Working days after `start`'s day, up to and including `end`'s day.
    public static func between(_ start: Date, _ end: Date) -> Int {
        let calendar = calendar
        var day = calendar.startOfDay(for: start)
        let last = calendar.startOfDay(for: end)
        var count = 0
        while day < last {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
            let weekday = calendar.component(.weekday, from: day)
            if weekday != 1 && weekday != 7 { count += 1 }
        }
        return count
    }
}

/// A problem as the statistics see it.
public struct ProblemFact: Sendable, Equatable {
    public var id: Int
    public var regionID: Int
    public var unitID: Int?
    public var projectID: Int
    public var category: ProblemCategory
    public var raiser: Int
    public var raisedAt: Date
    /// When it was confirmed rectified (nil while it is not).
    public var rectifiedAt: Date?
    /// When it was closed as 不属实 / 重复 (nil otherwise).
    public var dismissedAt: Date?
    /// When the unit owed an answer and by when, as of now (nil when it does not: pending,
    /// answered, closed). History decides "as of" a past date: `dueAt(asOf:)`.
    public var clock: ProblemClock?
    /// When the unit answered, while the problem waits for the raiser's confirmation (the clock
    /// stops then); nil in every other state.
    public var answeredAt: Date?
    /// The history (state after each step, and the deadline a step set), oldest first: a tally as
    /// of a past date reads the state then, not now. Empty: the fields above are taken as they are.
    public var steps: [Step] = []

    public struct Step: Sendable, Equatable {
        public var at: Date
        public var state: ProblemState
        /// The deadline an assignment or a partial finding set.
        public var due: Date?
        public var unitID: Int?
        public init(at: Date, state: ProblemState, due: Date?, unitID: Int? = nil) {
            self.at = at
            self.state = state
            self.due = due
            self.unitID = unitID
        }
    }

    /// The problem as it stood at `moment`: its state, its deadline then, and its unit then.
    public func standing(at moment: Date) -> (state: ProblemState, due: Date?, unitID: Int?) {
        guard !steps.isEmpty else {
            if let done = rectifiedAt, done < moment { return (.rectified, nil, unitID) }
            if let dismissed = dismissedAt, dismissed < moment { return (.invalid, nil, unitID) }
            let waiting = answeredAt.map { $0 < moment } ?? false
            return (waiting ? .answered : clock == nil ? .pending : .rectifying, clock?.due, unitID)
        }
        var state = ProblemState.pending
        var due: Date?
        var unit: Int?
        for step in steps where step.at < moment {
            state = step.state
            if let set = step.due { due = set }
            if let assigned = step.unitID { unit = assigned }
        }
        return (state, due, unit)
    }

    public init(id: Int, regionID: Int, unitID: Int?, projectID: Int, category: ProblemCategory, raiser: Int, raisedAt: Date,
                rectifiedAt: Date?, dismissedAt: Date?, clock: ProblemClock?, answeredAt: Date?, steps: [Step] = []) {
        self.steps = steps
        self.id = id
        self.regionID = regionID
        self.unitID = unitID
        self.projectID = projectID
        self.category = category
        self.raiser = raiser
        self.raisedAt = raisedAt
        self.rectifiedAt = rectifiedAt
        self.dismissedAt = dismissedAt
        self.clock = clock
        self.answeredAt = answeredAt
    }
}

/// Raised / rectified / open / overdue over a period, and the median time to rectify.
public struct ProblemTally: Sendable, Equatable, Codable {
    /// Raised in the period (including those later found 不属实 or 重复).
    public var raised = 0
    /// Of those, confirmed rectified by the period's end.
    public var rectified = 0
    /// Of those, still open at the period's end.
    public var open = 0
    /// Of the open ones, past their deadline at the period's end.
    public var overdue = 0
    /// Of those raised, closed as 不属实 or 重复.
    public var dismissed = 0
    /// Median calendar days from raising to confirmation of those rectified (nil when none).
    public var medianDays: Decimal?

    public init() {}

    /// The tally of the problems raised in [from, until) as they stood at `until`.
    public static func of(_ facts: [ProblemFact], from: Date, until: Date) -> ProblemTally {
        var tally = ProblemTally()
        var durations: [Decimal] = []
        for fact in facts where fact.raisedAt >= from && fact.raisedAt < until {
            tally.raised += 1
            let standing = fact.standing(at: until)
            switch standing.state {
            case .rectified:
                tally.rectified += 1
                if let done = fact.rectifiedAt { durations.append(Decimal(done.timeIntervalSince(fact.raisedAt)) / 86_400) }
            case .invalid, .duplicate:
                tally.dismissed += 1
            default:
                tally.open += 1
                // Overdue at `until`: the deadline then had passed while the unit still owed the answer.
                if standing.state.isWithUnit, let due = standing.due, due <= until { tally.overdue += 1 }
            }
        }
        tally.medianDays = median(durations).map { Exact.rounded($0, scale: 1) }
        return tally
    }

    /// The median of values (the mean of the middle two for an even count).
    public static func median(_ values: [Decimal]) -> Decimal? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The bulletin's sentence: "共提出工程建设质量、安全隐患等问题 7 个，已整改 7 个".
    public func sentence(categories: [ProblemCategory], who: String) -> String {
        let kinds = categories.prefix(2).map(\.label).joined(separator: "、")
        var text = "\(who)共提出\(kinds.isEmpty ? "" : kinds + "等")问题 \(raised - dismissed) 个，已整改 \(rectified) 个"
        if open > 0 { text += "，正在整改 \(open) 个" + (overdue > 0 ? "（其中超期 \(overdue) 个）" : "") }
        return text
    }
}
