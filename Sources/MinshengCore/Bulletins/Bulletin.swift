import Foundation

/// The kinds of bulletin a programme office issues.
public enum BulletinKind: String, CaseIterable, Codable, Sendable {
    /// 月通报: figures to the end of a month.
    case monthly
    /// 旬简报: figures as of the 10th, the 20th or the month's end.
    case tenday
    /// 季度讲评: figures to the end of a quarter.
    case quarterly
    /// 工作专报: a numbered special report (第 N 期).
    case special

    public var label: String {
        switch self {
        case .monthly: "月通报"
        case .tenday: "旬简报"
        case .quarterly: "季度讲评"
        case .special: "工作专报"
        }
    }

    /// The masthead's last words (版头): 邵阳市实施民生可感行动工作专班办公室 + 工作通报 …
    public var masthead: String {
        switch self {
        case .monthly: "工作通报"
        case .tenday: "工作简报"
        case .quarterly: "季度讲评"
        case .special: "工作专报"
        }
    }

    public init?(label: String) {
        guard let kind = Self.allCases.first(where: { $0.label == label || $0.rawValue == label }) else { return nil }
        self = kind
    }
}

/// How the progress attachments are laid out: one 进度 row per indicator (reference 000 附件1 and
/// 附件3) or three rows per indicator (指标 / 数量 / 进度).
public enum BulletinLayout: String, CaseIterable, Codable, Sendable {
    case progress
    case full

    public var label: String { self == .progress ? "每个指标一行（进度）" : "每个指标三行（指标、数量、进度）" }
}

/// The attachments a bulletin may carry; the office picks them.
public enum BulletinAnnexKind: String, CaseIterable, Codable, Sendable {
    /// The progress table of each level (附件1 省定, 附件3 市定 …).
    case progress
    /// Projects failing the monthly-update rule (reference 000 附件2).
    case disclosure
    /// Reference 002's three lists: completed, ≥ 75%, < 75%.
    case lists
    /// Reference 002 附表4: the month-by-month update matrix.
    case matrix
    /// The month's ranking of regions and units.
    case ranking

    public var label: String {
        switch self {
        case .progress: "工作进度表（按计划级别）"
        case .disclosure: "未达到动态更新要求的项目一览"
        case .lists: "已完成 / 75% 以上 / 75% 以下三张清单"
        case .matrix: "每月动态情况统计表"
        case .ranking: "排名情况"
        }
    }

    /// What each kind carries unless the office changes it.
    public static func defaults(for kind: BulletinKind) -> [BulletinAnnexKind] {
        switch kind {
        case .monthly, .quarterly: [.progress, .disclosure]
        case .tenday: [.progress]
        case .special: [.lists, .matrix]
        }
    }
}

/// The period a bulletin covers: figures to the end of `month`, or for a 旬简报 as of `day`
/// (10 or 20; nil is the month's end).
public struct BulletinPeriod: Codable, Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int?

    public init(year: Int, month: Int, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// "1-10 月"
    public var span: String { ChineseDate.monthSpan(through: month) }

    /// "截至 10 月底" or "截至 10 月 20 日"
    public var asOf: String { day.map { "截至 \(month) 月 \($0) 日" } ?? "截至 \(month) 月底" }

    /// "第三季度" for a quarter's last month.
    public var quarterLabel: String {
        let names = ["一", "二", "三", "四"]
        return "第\(names[max(0, min(3, (month - 1) / 3))])季度"
    }

    /// "上旬", "中旬", "下旬"
    public var tenDayLabel: String {
        switch day {
        case 10?: "上旬"
        case 20?: "中旬"
        default: "下旬"
        }
    }
}

/// A bulletin as it is read: what Minsheng generated from the figures and what the office wrote,
/// merged. An issued bulletin stores this (and its .docx) as it was on the day.
public struct Bulletin: Codable, Sendable, Equatable {
    public struct Paragraph: Codable, Sendable, Equatable {
        /// Set off at the start in 楷体 ("（一）省定重点民生实事。").
        public var lead: String?
        public var text: String
        /// A paragraph the office may edit: its key among the generated ones.
        public var key: String?
        /// What the figures said, where the office reworded it.
        public var generated: String?
        public init(lead: String? = nil, _ text: String, key: String? = nil, generated: String? = nil) {
            self.lead = lead
            self.text = text
            self.key = key
            self.generated = generated
        }
    }

    public struct Section: Codable, Sendable, Equatable {
        public var key: String
        /// Without its number: "工作推进情况".
        public var heading: String
        public var paragraphs: [Paragraph]
        public var generated: Bool
        public init(key: String, heading: String, paragraphs: [Paragraph], generated: Bool) {
            self.key = key
            self.heading = heading
            self.paragraphs = paragraphs
            self.generated = generated
        }
    }

    public struct Cell: Codable, Sendable, Equatable {
        public var text: String
        public var span: Int
        /// Rows this cell covers downwards (1: just its own).
        public var rows: Int
        /// "completed", "on_schedule", "lagging" or nil: how a percentage is marked.
        public var mark: String?
        public var left: Bool
        public init(_ text: String, span: Int = 1, rows: Int = 1, mark: String? = nil, left: Bool = false) {
            self.text = text
            self.span = span
            self.rows = rows
            self.mark = mark
            self.left = left
        }
    }

    public struct Table: Codable, Sendable, Equatable {
        /// Relative widths of the grid's columns.
        public var widths: [Int]
        /// Header rows, repeated on every page.
        public var head: [[Cell]]
        /// Body rows; a cell covering several rows is written once, in its first row.
        public var body: [[Cell]]
        public init(widths: [Int], head: [[Cell]], body: [[Cell]]) {
            self.widths = widths
            self.head = head
            self.body = body
        }
    }

    public struct Annex: Codable, Sendable, Equatable {
        public var kind: BulletinAnnexKind
        public var title: String
        public var note: String?
        public var table: Table
        public var landscape: Bool
        public init(kind: BulletinAnnexKind, title: String, note: String? = nil, table: Table, landscape: Bool = true) {
            self.kind = kind
            self.title = title
            self.note = note
            self.table = table
            self.landscape = landscape
        }
    }

    public var kind: BulletinKind
    public var period: BulletinPeriod
    public var region: String
    /// 邵阳市实施民生可感行动工作专班办公室
    public var office: String
    /// 第 N 期; nil on a draft.
    public var number: Int?
    /// The date it is issued (or, on a draft, generated), "2024-11-05".
    public var date: String
    public var title: String
    /// 主送: "各县市区工作专班，市直责任单位："
    public var recipients: String
    public var opening: String
    public var sections: [Section]
    public var annexes: [Annex]
    /// "（邵阳市人力资源和社会保障局代章）", when another body seals for the office.
    public var seal: String?

    public init(kind: BulletinKind, period: BulletinPeriod, region: String, office: String, number: Int?, date: String, title: String,
                recipients: String, opening: String, sections: [Section], annexes: [Annex], seal: String?) {
        self.kind = kind
        self.period = period
        self.region = region
        self.office = office
        self.number = number
        self.date = date
        self.title = title
        self.recipients = recipients
        self.opening = opening
        self.sections = sections
        self.annexes = annexes
        self.seal = seal
    }

    /// "2024年11月5日" from "2024-11-05".
    public var chineseDate: String { Self.chineseDate(date) }

    public static func chineseDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return iso }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    /// "一" … "九十九" for the numbered sections (一、) and sub-heads (（一）).
    public static func ordinal(_ index: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard index > 0, index < 100 else { return "\(index)" }
        if index < 10 { return digits[index] }
        let tens = index / 10, ones = index % 10
        return (tens == 1 ? "" : digits[tens]) + "十" + (ones == 0 ? "" : digits[ones])
    }

    /// "（一）" … for the sub-heads.
    public static func subOrdinal(_ index: Int) -> String { "（\(ordinal(index))）" }

    /// The masthead line: "湘乡市实施民生可感行动工作专班办公室工作专报".
    public var masthead: String { office + kind.masthead }

    /// "2024年第12期"
    /// A bulletin not yet issued leaves the number blank, as a draft on paper does.
    public var issueLine: String { number.map { "\(period.year)年第\($0)期" } ?? "\(period.year)年第　期" }

    /// The JSON a snapshot is stored as.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> Bulletin {
        try JSONDecoder().decode(Bulletin.self, from: data)
    }
}

/// What the office writes into a bulletin: the narrative sections, its own wording for any
/// generated problem paragraph, and the letterhead details.
public struct BulletinNarrative: Codable, Sendable, Equatable {
    public static let sectionKeys: [(key: String, heading: String)] = [
        ("news", "工作动态"), ("measures", "主要工作举措"), ("practices", "典型做法"), ("next", "下一步工作"),
    ]

    public var opening: String?
    public var recipients: String?
    public var seal: String?
    /// Keyed by `sectionKeys`.
    public var sections: [String: String] = [:]
    /// The office's wording of a generated paragraph, by its key.
    public var edits: [String: String] = [:]

    public init(opening: String? = nil, recipients: String? = nil, seal: String? = nil, sections: [String: String] = [:], edits: [String: String] = [:]) {
        self.opening = opening
        self.recipients = recipients
        self.seal = seal
        self.sections = sections
        self.edits = edits
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    public static func decode(_ text: String?) -> BulletinNarrative {
        guard let text, let data = text.data(using: .utf8), let value = try? JSONDecoder().decode(Self.self, from: data) else { return .init() }
        return value
    }
}
