import Foundation

/// A citizen's rating of a project on its public page (亮码评价).
public enum Rating: String, CaseIterable, Sendable {
    case satisfied
    case basic
    case unsatisfied

    public var label: String {
        switch self {
        case .satisfied: return "满意"
        case .basic: return "基本满意"
        case .unsatisfied: return "不满意"
        }
    }
}

/// Where a piece of feedback stands. Invalid items (spam, abuse, off-topic) are counted apart and
/// left out of every rate.
public enum FeedbackState: String, CaseIterable, Sendable {
    case received
    case answered
    case invalid

    public var label: String {
        switch self {
        case .received: return "待回复"
        case .answered: return "已回复"
        case .invalid: return "无效"
        }
    }
}

/// Which ratings count as satisfied in 满意率: 满意 and 基本满意 (the usual rule), or 满意 only.
public enum SatisfactionRule: String, CaseIterable, Sendable {
    case satisfiedOrBasic = "basic"
    case satisfiedOnly = "satisfied"

    public var label: String { self == .satisfiedOrBasic ? "满意 + 基本满意" : "仅满意" }
}

/// One piece of feedback as the rates see it.
public struct FeedbackRecord: Sendable {
    public var rating: Rating?
    /// An opinion or suggestion was written: it must be answered.
    public var hasText: Bool
    public var state: FeedbackState
    public var createdAt: Date
    public var repliedAt: Date?
    /// When it was marked invalid.
    public var invalidAt: Date?
    /// The end of the reply deadline (see `FeedbackText.deadline`).
    public var due: Date?

    public init(rating: Rating?, hasText: Bool, state: FeedbackState, createdAt: Date, repliedAt: Date?, invalidAt: Date? = nil, due: Date? = nil) {
        self.rating = rating
        self.hasText = hasText
        self.state = state
        self.createdAt = createdAt
        self.repliedAt = repliedAt
        self.invalidAt = invalidAt
        self.due = due
    }

    /// The record as it stood at `cutoff`: nil when it had not arrived yet; a reply or an invalid
    /// mark made later is undone. A month's report therefore reads the same whenever it is run.
    public func asOf(_ cutoff: Date) -> FeedbackRecord? {
        guard createdAt <= cutoff else { return nil }
        var record = self
        if state == .invalid, let invalidAt, invalidAt > cutoff {
            record.state = repliedAt.map { $0 <= cutoff } == true ? .answered : .received
            record.invalidAt = nil
        }
        if record.state == .answered, let repliedAt, repliedAt > cutoff {
            record.state = .received
        }
        if record.state != .answered { record.repliedAt = nil }
        return record
    }
}

/// 处理率, reply times and 满意率 of a set of feedback.
public struct FeedbackRates: Sendable, Equatable {
    /// Opinions and suggestions received (invalid ones excluded).
    public var received = 0
    public var answered = 0
    /// Marked invalid, counted apart.
    public var invalid = 0
    public var satisfied = 0
    public var basic = 0
    public var unsatisfied = 0
    /// Hours from receipt to reply of the answered items, sorted.
    public var replyHours: [Double] = []
    /// Unanswered and past the deadline at `now`.
    public var overdue = 0
    /// Answered, but after the deadline.
    public var answeredLate = 0
    public var rule: SatisfactionRule = .satisfiedOrBasic

    /// The rates of `records` as they stand at `now` (which judges overdue items only).
    public init(_ records: [FeedbackRecord], rule: SatisfactionRule = .satisfiedOrBasic, now: Date = Date()) {
        self.rule = rule
        for record in records {
            if record.state == .invalid { invalid += 1; continue }
            switch record.rating {
            case .satisfied: satisfied += 1
            case .basic: basic += 1
            case .unsatisfied: unsatisfied += 1
            case nil: break
            }
            guard record.hasText else { continue }
            received += 1
            if record.state == .answered {
                answered += 1
                if let replied = record.repliedAt {
                    replyHours.append(max(0, replied.timeIntervalSince(record.createdAt)) / 3600)
                    if let due = record.due, replied >= due { answeredLate += 1 }
                }
            } else if let due = record.due, now >= due {
                overdue += 1
            }
        }
        replyHours.sort()
    }

    public var ratings: Int { satisfied + basic + unsatisfied }
    public var unanswered: Int { received - answered }

    /// 处理率 = answered ÷ received, exact; nil when nothing was received.
    public var handlingRate: Decimal? {
        received == 0 ? nil : Decimal(answered) * 100 / Decimal(received)
    }

    /// 满意率 = (满意 + 基本满意) ÷ ratings, or 满意 ÷ ratings under the stricter rule; nil without ratings.
    public var satisfactionRate: Decimal? {
        guard ratings > 0 else { return nil }
        let good = rule == .satisfiedOrBasic ? satisfied + basic : satisfied
        return Decimal(good) * 100 / Decimal(ratings)
    }

    /// The median reply time in hours (the mean of the middle two for an even count).
    public var medianReplyHours: Double? {
        guard !replyHours.isEmpty else { return nil }
        let n = replyHours.count
        return n % 2 == 1 ? replyHours[n / 2] : (replyHours[n / 2 - 1] + replyHours[n / 2]) / 2
    }

    /// The 90th-percentile reply time in hours, by nearest rank: the smallest time at or under
    /// which at least 90% of replies came.
    public var p90ReplyHours: Double? {
        guard !replyHours.isEmpty else { return nil }
        let rank = Int((Double(replyHours.count) * 0.9).rounded(.up))
        return replyHours[max(0, min(replyHours.count, rank) - 1)]
    }
}

public enum FeedbackText {
    /// A phone number with its middle hidden (138****1234); short numbers keep only the last two.
    public static func maskPhone(_ phone: String) -> String {
        let digits = Array(phone)
        if digits.count >= 7 {
            return String(digits.prefix(3)) + "****" + String(digits.suffix(4))
        }
        return String(repeating: "*", count: max(0, digits.count - 2)) + String(digits.suffix(2))
    }

    /// A phone number as typed, reduced to its digits (and a leading +); nil when it is not one.
    public static func phone(_ raw: String) -> String? {
        let kept = raw.filter { !" -()（）".contains($0) }
        guard !kept.isEmpty else { return nil }
        let body = kept.hasPrefix("+") ? kept.dropFirst() : Substring(kept)
        guard (7...15).contains(body.count), body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return kept
    }

    /// Working days (Monday–Friday) after `start`: the day the reply is due by its end.
    public static func deadline(from start: Date, workingDays: Int, timeZone: TimeZone = ChineseDate.timeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var day = calendar.startOfDay(for: start)
        var left = max(0, workingDays)
        while left > 0 {
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day
            let weekday = calendar.component(.weekday, from: day)
            if weekday != 1 && weekday != 7 { left -= 1 }
        }
        return calendar.date(byAdding: .day, value: 1, to: day) ?? day
    }
}
