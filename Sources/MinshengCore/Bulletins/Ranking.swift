import Foundation

/// What regions and lead units are ranked on each month.
public enum RankingMeasure: String, CaseIterable, Codable, Sendable {
    /// Share of indicators completed or on schedule, percent.
    case progress
    /// Mean progress against 序时进度: each indicator's progress ÷ schedule, capped at 100%.
    case pace
    /// Mean 验收率 of the reported figures, each capped at 100%.
    case acceptance
    /// Mean gap 进度 − 验收率, points: lower is better.
    case gap
    /// Share of projects meeting the monthly-update rule, percent.
    case disclosure
    /// 处理率, percent.
    case handling
    /// 满意率, percent.
    case satisfaction
    /// 新闻动态 published so far: a count, scored against the best.
    case publicity

    public var label: String {
        switch self {
        case .progress: "完成或达序时指标占比"
        case .pace: "进度与序时之比"
        case .acceptance: "验收率"
        case .gap: "进度与验收率差距"
        case .disclosure: "信息公开达标率"
        case .handling: "意见处理率"
        case .satisfaction: "群众满意率"
        case .publicity: "新闻宣传"
        }
    }

    /// The unit its value is printed in.
    public var isCount: Bool { self == .publicity }
    public var lowerIsBetter: Bool { self == .gap }

    /// What its count counts (for the minimum).
    public var countLabel: String {
        switch self {
        case .progress, .pace: "指标数"
        case .acceptance, .gap: "填报数"
        case .disclosure: "项目数"
        case .handling: "收到意见数"
        case .satisfaction: "评价数"
        case .publicity: "项目数"
        }
    }
}

/// The office's ranking rules: a weight per measure (0 leaves it out of the score) and the
/// count below which a measure is not ranked for a region or unit.
public struct RankingRules: Codable, Sendable, Equatable {
    public var weights: [RankingMeasure: Int]
    public var minimumCount: Int

    public static let standard = RankingRules(weights: [.progress: 30, .pace: 0, .acceptance: 20, .gap: 0, .disclosure: 20,
                                                        .handling: 10, .satisfaction: 10, .publicity: 10], minimumCount: 3)

    /// A measure not named weighs 0.
    public init(weights: [RankingMeasure: Int], minimumCount: Int) {
        self.weights = Dictionary(uniqueKeysWithValues: RankingMeasure.allCases.map { ($0, weights[$0] ?? 0) })
        self.minimumCount = minimumCount
    }

    public func weight(_ measure: RankingMeasure) -> Int { weights[measure] ?? 0 }

    /// "progress:30,acceptance:20,…;min:3", as stored.
    public var stored: String {
        RankingMeasure.allCases.map { "\($0.rawValue):\(weight($0))" }.joined(separator: ",") + ";min:\(minimumCount)"
    }

    public init?(stored: String) {
        let halves = stored.split(separator: ";")
        guard halves.count == 2, halves[1].hasPrefix("min:"), let minimum = Int(halves[1].dropFirst(4)), minimum >= 0 else { return nil }
        var weights: [RankingMeasure: Int] = [:]
        for pair in halves[0].split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let measure = RankingMeasure(rawValue: String(parts[0])), let weight = Int(parts[1]), weight >= 0 else { return nil }
            weights[measure] = weight
        }
        self.init(weights: weights, minimumCount: minimum)
    }
}

/// One region or unit's figures before ranking.
public struct RankingInput: Sendable {
    public struct Value: Sendable, Equatable {
        /// Percent, points or a count, as the measure says; nil when there is nothing to measure.
        public var value: Decimal?
        /// How many things the value is taken over.
        public var count: Int
        public init(_ value: Decimal?, count: Int) {
            self.value = value
            self.count = count
        }
    }

    public var name: String
    /// The unit's region (for units).
    public var region: String?
    public var values: [RankingMeasure: Value]

    public init(name: String, region: String? = nil, values: [RankingMeasure: Value]) {
        self.name = name
        self.region = region
        self.values = values
    }
}

/// A ranked list of regions or units.
public struct RankingEntry: Sendable, Equatable {
    public struct Measure: Sendable, Equatable {
        public var value: Decimal?
        public var count: Int
        /// Ranked: it has a value and its count reaches the minimum.
        public var ranked: Bool
        /// Its score, 0…100 (higher better), when ranked.
        public var score: Decimal?
        public var rank: Int?
    }

    public var name: String
    public var region: String?
    /// The weighted mean of the ranked measures' scores, rounded to two places; nil when no
    /// weighted measure is ranked.
    public var score: Decimal?
    public var rank: Int?
    public var previousRank: Int?
    public var measures: [RankingMeasure: Measure]

    /// Places gained since last month (negative: lost); nil when either month has no rank.
    public var change: Int? {
        guard let rank, let previousRank else { return nil }
        return previousRank - rank
    }
}

public enum Ranking {
    /// Ranks the inputs by the rules. Ties share a rank and the next rank skips (1, 1, 3);
    /// scores are compared as printed, to two places. `previous` gives last month's ranks by name.
    public static func rank(_ inputs: [RankingInput], rules: RankingRules, previous: [String: Int] = [:]) -> [RankingEntry] {
        // Publicity is scored against the best in the list.
        let bestPublicity = inputs.compactMap { input -> Decimal? in
            guard let v = input.values[.publicity], v.count >= rules.minimumCount else { return nil }
            return v.value
        }.max() ?? 0
        var entries: [RankingEntry] = inputs.map { input in
            var measures: [RankingMeasure: RankingEntry.Measure] = [:]
            var weighted: Decimal = 0
            var weights = 0
            for measure in RankingMeasure.allCases {
                let v = input.values[measure] ?? .init(nil, count: 0)
                let ranked = v.value != nil && v.count >= max(rules.minimumCount, 1)
                var score: Decimal? = nil
                if ranked, let value = v.value {
                    switch measure {
                    case .gap: score = max(0, 100 - max(0, value))
                    case .publicity: score = bestPublicity > 0 ? value * 100 / bestPublicity : 0
                    default: score = min(max(value, 0), 100)
                    }
                }
                measures[measure] = .init(value: v.value, count: v.count, ranked: ranked, score: score, rank: nil)
                if let score, rules.weight(measure) > 0 {
                    weighted += score * Decimal(rules.weight(measure))
                    weights += rules.weight(measure)
                }
            }
            let score = weights > 0 ? Exact.rounded(weighted / Decimal(weights), scale: 2) : nil
            return RankingEntry(name: input.name, region: input.region, score: score, rank: nil, previousRank: previous[input.name], measures: measures)
        }
        // The overall rank.
        for (index, rank) in competitionRanks(entries.map(\.score), descending: true).enumerated() { entries[index].rank = rank }
        // Each measure's own rank.
        for measure in RankingMeasure.allCases {
            let values = entries.map { entry -> Decimal? in
                guard let m = entry.measures[measure], m.ranked, let value = m.value else { return nil }
                return measure.isCount ? value : Exact.rounded(value, scale: 2)
            }
            for (index, rank) in competitionRanks(values, descending: !measure.lowerIsBetter).enumerated() {
                entries[index].measures[measure]?.rank = rank
            }
        }
        return entries.enumerated().sorted { a, b in
            switch (a.element.rank, b.element.rank) {
            case let (x?, y?): x != y ? x < y : a.offset < b.offset
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a.offset < b.offset
            }
        }.map(\.element)
    }

    /// Standard competition ranking ("1224"): equal values share the best rank; nil is unranked.
    public static func competitionRanks(_ values: [Decimal?], descending: Bool) -> [Int?] {
        values.map { value in
            guard let value else { return nil }
            let better = values.filter { other in
                guard let other else { return false }
                return descending ? other > value : other < value
            }.count
            return better + 1
        }
    }
}

/// The month's ranking of a region's child regions and of its lead units.
public struct RankingTable: Sendable {
    public var region: String
    public var year: Int
    public var month: Int
    public var rules: RankingRules
    public var regions: [RankingEntry]
    public var units: [RankingEntry]

    public init(region: String, year: Int, month: Int, rules: RankingRules, regions: [RankingEntry], units: [RankingEntry]) {
        self.region = region
        self.year = year
        self.month = month
        self.rules = rules
        self.regions = regions
        self.units = units
    }

    public var title: String { "\(region)\(year)年\(ChineseDate.monthSpan(through: month))重点民生实事排名" }

    /// The measures that carry weight, in order (the ones printed).
    public var shownMeasures: [RankingMeasure] { RankingMeasure.allCases.filter { rules.weight($0) > 0 } }
}
