import Foundation

/// The categories a project's public page discloses (民生实事码上通). 工作动态 has four kinds, each
/// counted on its own in the bulletins (reference 000 附件2).
public enum DisclosureCategory: String, CaseIterable, Codable, Sendable {
    case policy
    case content
    case detail
    case results
    case news
    case summary
    case report
    case typicalCase = "case"

    public var label: String {
        switch self {
        case .policy: "政策文件"
        case .content: "建设内容"
        case .detail: "项目详情"
        case .results: "成效展示"
        case .news: "新闻动态"
        case .summary: "工作总结"
        case .report: "工作专报"
        case .typicalCase: "典型案例"
        }
    }

    /// 工作动态: the four kinds the monthly-update rule counts.
    public var isUpdate: Bool { [.news, .summary, .report, .typicalCase].contains(self) }

    /// The heading it is listed under on the public page.
    public var group: String { isUpdate ? "工作动态" : label }

    public static var updates: [DisclosureCategory] { allCases.filter(\.isUpdate) }

    public init?(label: String) {
        guard let match = Self.allCases.first(where: { $0.label == label || $0.rawValue == label }) else { return nil }
        self = match
    }
}

/// The monthly-update rule of a plan: at least `minimum` 工作动态 items a month, from `fromMonth`
/// (the default: one a month from March).
public struct UpdateRule: Sendable, Equatable {
    public var fromMonth: Int
    public var minimum: Int

    public init(fromMonth: Int = 3, minimum: Int = 1) {
        self.fromMonth = fromMonth
        self.minimum = minimum
    }

    /// The months the rule applies to, up to and including `month`.
    public func months(through month: Int) -> ClosedRange<Int>? {
        month >= fromMonth ? fromMonth...month : nil
    }

    /// Per month, whether the counts meet the rule (months before `fromMonth` are not judged).
    public func verdict(updatesByMonth: [Int: Int], through month: Int) -> [Int: Bool] {
        guard let months = months(through: month) else { return [:] }
        var result: [Int: Bool] = [:]
        for m in months { result[m] = (updatesByMonth[m] ?? 0) >= minimum }
        return result
    }

    /// The rule is met when every judged month meets it.
    public func isMet(updatesByMonth: [Int: Int], through month: Int) -> Bool {
        verdict(updatesByMonth: updatesByMonth, through: month).values.allSatisfy { $0 }
    }
}

/// Explainable quality checks on disclosure items, flagged for the office with the reason.
public enum DisclosureQuality {
    /// Text reduced to what carries meaning: no whitespace or punctuation, lower case.
    static func normalized(_ text: String) -> [Character] {
        text.lowercased().unicodeScalars.filter { scalar in
            !(scalar.properties.isWhitespace || CharacterSet.punctuationCharacters.contains(scalar) || CharacterSet.symbols.contains(scalar))
        }.map(Character.init)
    }

    /// Overlap of the two texts' character pairs (Jaccard on bigrams), 0…1.
    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(bigrams(normalized(a)), bigrams(normalized(b)))
    }

    static func bigrams(_ c: [Character]) -> Set<String> {
        guard c.count > 1 else { return Set(c.map { String($0) }) }
        return Set((0..<(c.count - 1)).map { String(c[$0]) + String(c[$0 + 1]) })
    }

    static func similarity(_ p: Set<String>, _ q: Set<String>) -> Double {
        guard !p.isEmpty || !q.isEmpty else { return 1 }
        return Double(p.intersection(q).count) / Double(p.union(q).count)
    }

    /// Items within one project that repeat another (滥竽充数): the same title, or title and text
    /// at least 85% alike. Returns (later item, earliest earlier item it repeats, reason).
    ///
    /// A page may hold thousands of items, so not every pair is compared: each text's bigrams
    /// are numbers in a sorted array, and only pairs that share one of their rarest bigrams are
    /// scored (prefix filtering: two sets with Jaccard ≥ t share a token among the first
    /// |p| − ⌈t·|p|⌉ + 1 of each, in one global order). The result is the pairwise loop's.
    public static func duplicates(_ items: [(id: Int, title: String, text: String)]) -> [(id: Int, of: Int, reason: String)] {
        let threshold = 0.85
        let titles = items.map { normalized($0.title) }
        let sets: [[UInt64]] = items.map { item in
            let c = normalized(item.title + item.text).map { UInt64($0.unicodeScalars.first?.value ?? 0) }
            guard c.count > 1 else { return c.map { $0 << 21 } }
            return Array(Set((0..<(c.count - 1)).map { c[$0] << 21 | c[$0 + 1] })).sorted()
        }
        var frequency: [UInt64: Int] = [:]
        for set in sets { for token in set { frequency[token, default: 0] += 1 } }
        func rarestFirst(_ set: [UInt64]) -> [UInt64] {
            set.sorted { a, b in (frequency[a] ?? 0, a) < (frequency[b] ?? 0, b) }
        }
        func prefixLength(_ count: Int) -> Int { count - Int((threshold * Double(count)).rounded(.up)) + 1 }
        func intersectionCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
            var i = 0, j = 0, n = 0
            while i < a.count && j < b.count {
                if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
            }
            return n
        }
        var firstWithTitle: [[Character]: Int] = [:]
        var index: [UInt64: [Int]] = [:]
        var firstEmpty: Int? = nil
        var found: [(Int, Int, String)] = []
        for (i, item) in items.enumerated() {
            let sameTitle = titles[i].isEmpty ? nil : firstWithTitle[titles[i]]
            var similar: (j: Int, score: Double)? = nil
            let set = sets[i]
            let prefix = Array(rarestFirst(set).prefix(prefixLength(set.count)))
            if set.isEmpty {
                if let j = firstEmpty { similar = (j, 1) }
            } else {
                var candidates = Set<Int>()
                for token in prefix { candidates.formUnion(index[token] ?? []) }
                for j in candidates.sorted() {
                    if let limit = sameTitle, j >= limit { break }
                    let other = sets[j]
                    // Jaccard ≤ min/max of the sizes: skip pairs too different in size to reach it.
                    guard Double(min(set.count, other.count)) >= threshold * Double(max(set.count, other.count)) else { continue }
                    let shared = intersectionCount(set, other)
                    let score = Double(shared) / Double(set.count + other.count - shared)
                    if score >= threshold { similar = (j, score); break }
                }
            }
            if let j = sameTitle, similar.map({ j <= $0.j }) ?? true {
                found.append((item.id, items[j].id, "与已发布的“\(items[j].title)”标题相同"))
            } else if let similar {
                found.append((item.id, items[similar.j].id, String(format: "与已发布的“%@”内容相似度 %.0f%%", items[similar.j].title, similar.score * 100)))
            }
            if !titles[i].isEmpty, firstWithTitle[titles[i]] == nil { firstWithTitle[titles[i]] = i }
            if set.isEmpty { if firstEmpty == nil { firstEmpty = i } } else { for token in prefix { index[token, default: []].append(i) } }
        }
        return found
    }
}

extension DisclosureQuality {
    /// Words that mark site photos and progress sheets, which belong to 项目详情 or 成效展示, not
    /// to a 工作专报 (张冠李戴).
    public static let notAReport = ["现场照片", "现场图片", "施工照片", "进度表", "进展表", "进度情况表", "进展情况表", "台账", "统计表", "照片"]

    /// Why an item filed as 工作专报 looks misfiled, or nil: its title names photos or a progress
    /// sheet, or it has images and almost no text.
    public static func misfiledReport(title: String, text: String, images: Int) -> String? {
        if let word = notAReport.first(where: { title.contains($0) }) {
            return "标题含“\(word)”，像是现场照片或进度表，应归入项目详情或成效展示"
        }
        if images > 0 && normalized(text).count < 30 {
            return "只有图片、几乎没有文字，不像工作专报"
        }
        return nil
    }
}
