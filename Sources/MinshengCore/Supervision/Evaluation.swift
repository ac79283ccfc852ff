import Foundation

/// A criterion of an evaluation round (实施过程, 完成质量, 群众满意, 特色亮点) and its weight.
public struct EvaluationCriterion: Codable, Sendable, Equatable {
    public var name: String
    /// A positive whole number; the weights need not add up to 100 (they are normalised).
    public var weight: Int

    public init(name: String, weight: Int) {
        self.name = name
        self.weight = weight
    }

    public static let standard = [EvaluationCriterion(name: "实施过程", weight: 30), EvaluationCriterion(name: "完成质量", weight: 30),
                                  EvaluationCriterion(name: "群众满意", weight: 30), EvaluationCriterion(name: "特色亮点", weight: 10)]

    /// Criteria typed one per line as "名称 权重" (or "名称,权重"); the Chinese refusal names the line.
    public static func parse(_ text: String) -> Result<[EvaluationCriterion], EvaluationError> {
        var criteria: [EvaluationCriterion] = []
        for (index, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: { " ,，\t:：".contains($0) }).map(String.init)
            guard parts.count == 2, let weight = Int(parts[1].replacingOccurrences(of: "%", with: "")), (1...100).contains(weight) else {
                return .failure(.init("第 \(index + 1) 行应为“名称 权重”，权重为 1 至 100 的整数，如“完成质量 30”。"))
            }
            guard parts[0].count <= 20 else { return .failure(.init("第 \(index + 1) 行的名称超过 20 个字。")) }
            guard !criteria.contains(where: { $0.name == parts[0] }) else { return .failure(.init("评分项“\(parts[0])”重复。")) }
            criteria.append(EvaluationCriterion(name: parts[0], weight: weight))
        }
        guard (1...10).contains(criteria.count) else { return .failure(.init("请填写 1 至 10 个评分项。")) }
        return .success(criteria)
    }
}

public struct EvaluationError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

public enum EvaluationMath {
    /// The highest score on a criterion.
    public static let fullMarks: Decimal = 100

    /// A score typed by an evaluator: 0–100 with at most one decimal.
    public static func score(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Digits with at most one decimal point inside: "92", "92.5" (not "1.2.3", ".5", "9.").
        guard !trimmed.isEmpty, trimmed.count <= 5, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              trimmed.filter({ $0 == "." }).count <= 1, trimmed.first != ".", trimmed.last != ".",
              let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")), value >= 0, value <= fullMarks else { return nil }
        guard Exact.rounded(value, scale: 1) == value else { return nil }
        return value
    }

    /// One evaluator's weighted score of a project: Σ weightᵢ × scoreᵢ ÷ Σ weightᵢ.
    public static func weighted(_ scores: [Decimal], criteria: [EvaluationCriterion]) -> Decimal? {
        guard scores.count == criteria.count, !criteria.isEmpty else { return nil }
        let total = criteria.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        var sum: Decimal = 0
        for (score, criterion) in zip(scores, criteria) { sum += score * Decimal(criterion.weight) }
        return sum / Decimal(total)
    }

    /// The mean of the scores, dropping the highest and the lowest when there are at least 5.
    public static func trimmedMean(_ scores: [Decimal]) -> (mean: Decimal, kept: Int, trimmed: Bool)? {
        guard !scores.isEmpty else { return nil }
        var kept = scores.sorted()
        let trim = kept.count >= 5
        if trim { kept = Array(kept.dropFirst().dropLast()) }
        return (kept.reduce(0, +) / Decimal(kept.count), kept.count, trim)
    }
}

/// A project's result in a round.
public struct EvaluationResult: Sendable, Equatable {
    public var projectID: Int
    public var project: String
    /// Evaluators who scored it.
    public var scored: Int
    /// Assigned to it (scored or not).
    public var assigned: Int
    /// The trimmed mean of the evaluators' weighted scores, to two decimals.
    public var score: Decimal?
    /// The mean per criterion (untrimmed), for the table.
    public var byCriterion: [Decimal?]
    public var trimmed: Bool
    /// 1 for the best; equal scores share a rank (1, 2, 2, 4).
    public var rank: Int?

    /// Results from each project's scores (one array of criterion scores per evaluator), ranked.
    public static func rank(_ projects: [(id: Int, name: String, assigned: Int, scores: [[Decimal]])], criteria: [EvaluationCriterion]) -> [EvaluationResult] {
        var results = projects.map { project -> EvaluationResult in
            let totals = project.scores.compactMap { EvaluationMath.weighted($0, criteria: criteria) }
            let mean = EvaluationMath.trimmedMean(totals)
            let perCriterion: [Decimal?] = criteria.indices.map { index in
                let values = project.scores.compactMap { $0.count == criteria.count ? $0[index] : nil }
                return values.isEmpty ? nil : Exact.rounded(values.reduce(0, +) / Decimal(values.count), scale: 2)
            }
            return EvaluationResult(projectID: project.id, project: project.name, scored: totals.count, assigned: project.assigned,
                                    score: mean.map { Exact.rounded($0.mean, scale: 2) }, byCriterion: perCriterion, trimmed: mean?.trimmed ?? false, rank: nil)
        }
        results.sort { a, b in
            switch (a.score, b.score) {
            case let (x?, y?): return x != y ? x > y : a.project < b.project
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.project < b.project
            }
        }
        var previous: Decimal?
        var rank = 0
        for index in results.indices {
            guard let score = results[index].score else { continue }
            if score != previous { rank = index + 1; previous = score }
            results[index].rank = rank
        }
        return results
    }
}

/// 十佳民生实事 vote: a ballot of candidates, each voter picks exactly K; a ballot with more or
/// fewer is void. Evaluators vote in the app; the public may vote online; the two are combined
/// by the office's weights.
public enum BallotMath {
    /// Whether a ballot's picks are valid: exactly `pick` distinct candidates of the ballot.
    public static func isValid(_ picks: [Int], pick: Int, candidates: Set<Int>) -> Bool {
        Set(picks).count == picks.count && picks.count == pick && picks.allSatisfy(candidates.contains)
    }

    public struct Tally: Sendable, Equatable {
        public var candidateID: Int
        public var name: String
        public var evaluatorVotes: Int
        public var publicVotes: Int
        /// Share of valid evaluator ballots that pick it, percent (2 decimals).
        public var evaluatorShare: Decimal
        /// Share of valid public ballots that pick it, percent (2 decimals).
        public var publicShare: Decimal
        /// weight × evaluator share + weight × public share, percent points (2 decimals).
        public var combined: Decimal
        /// 1 for the best; equal combined scores share a rank.
        public var rank: Int
        /// Within the K chosen (ties at the border are all marked, `tiedAtCut` says so).
        public var chosen: Bool
    }

    public struct Result: Sendable, Equatable {
        public var tallies: [Tally]
        public var validEvaluator: Int
        public var voidEvaluator: Int
        public var validPublic: Int
        public var voidPublic: Int
        /// Candidates tied at the K-th place, so more than K are marked chosen: the office decides.
        public var tiedAtCut: Bool
        /// The weights applied (percent): the office's, or 100 / 0 when one side has no valid ballot.
        public var evaluatorWeight: Int
        public var publicWeight: Int
    }

    /// The combined result. `evaluatorWeight` + `publicWeight` = 100 (percent); a side with no
    /// valid ballot gives its weight to the other.
    public static func result(candidates: [(id: Int, name: String)], pick: Int, evaluator: [[Int]], public publicBallots: [[Int]],
                              evaluatorWeight: Int, publicWeight: Int) -> Result {
        let ids = Set(candidates.map(\.id))
        let validE = evaluator.filter { isValid($0, pick: pick, candidates: ids) }
        let validP = publicBallots.filter { isValid($0, pick: pick, candidates: ids) }
        var we = Decimal(evaluatorWeight), wp = Decimal(publicWeight)
        if validE.isEmpty && !validP.isEmpty { we = 0; wp = 100 }
        if validP.isEmpty && !validE.isEmpty { wp = 0; we = 100 }
        func share(_ count: Int, _ of: Int) -> Decimal { of == 0 ? 0 : Decimal(count) * 100 / Decimal(of) }
        var tallies = candidates.map { candidate -> Tally in
            let e = validE.filter { $0.contains(candidate.id) }.count
            let p = validP.filter { $0.contains(candidate.id) }.count
            let es = share(e, validE.count), ps = share(p, validP.count)
            // Combined from the exact shares; rounded once for display and ranking.
            let combined = Exact.rounded((es * we + ps * wp) / 100, scale: 2)
            return Tally(candidateID: candidate.id, name: candidate.name, evaluatorVotes: e, publicVotes: p,
                         evaluatorShare: Exact.rounded(es, scale: 2), publicShare: Exact.rounded(ps, scale: 2), combined: combined, rank: 0, chosen: false)
        }
        tallies.sort { ($0.combined, $1.name) > ($1.combined, $0.name) }
        var previous: Decimal?
        var rank = 0
        for index in tallies.indices {
            if tallies[index].combined != previous { rank = index + 1; previous = tallies[index].combined }
            tallies[index].rank = rank
            tallies[index].chosen = rank <= pick && tallies[index].combined > 0
        }
        let chosen = tallies.filter(\.chosen).count
        return Result(tallies: tallies, validEvaluator: validE.count, voidEvaluator: evaluator.count - validE.count,
                      validPublic: validP.count, voidPublic: publicBallots.count - validP.count, tiedAtCut: chosen > pick,
                      evaluatorWeight: NSDecimalNumber(decimal: we).intValue, publicWeight: NSDecimalNumber(decimal: wp).intValue)
    }
}
