import Foundation

/// Dates as Chinese readers expect them: 2025年11月30日, in China Standard Time.
public enum ChineseDate {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .current

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public static func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 0)年\(parts.month ?? 0)月\(parts.day ?? 0)日"
    }

    public static func dayAndTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let minute = String(format: "%02d", parts.minute ?? 0)
        return "\(parts.year ?? 0)年\(parts.month ?? 0)月\(parts.day ?? 0)日 \(parts.hour ?? 0):\(minute)"
    }

    /// "2024-10-08" in China Standard Time, as date inputs take it.
    public static func isoDay(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// A day typed as `YYYY-MM-DD` (a real date, years 2000–2100): its normalised text and its first
    /// instant in China Standard Time; nil otherwise.
    public static func parseDay(_ text: String) -> (iso: String, start: Date)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], (2000...2100).contains(y), (1...12).contains(m), (1...31).contains(d),
              let date = calendar.date(from: DateComponents(year: y, month: m, day: d)) else { return nil }
        let iso = String(format: "%04d-%02d-%02d", y, m, d)
        return isoDay(date) == iso ? (iso, date) : nil
    }

    /// The month's first instant (midnight of its first day, China Standard Time).
    public static func startOfMonth(year: Int, month: Int) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The first instant after the month (midnight starting the next month, China Standard Time).
    public static func endOfMonth(year: Int, month: Int) -> Date {
        let next = month >= 12 ? DateComponents(year: year + 1, month: 1, day: 1) : DateComponents(year: year, month: month + 1, day: 1)
        return calendar.date(from: next) ?? Date(timeIntervalSince1970: 0)
    }

    /// The month (1…12) and year of a date in China Standard Time.
    public static func yearMonth(_ date: Date) -> (year: Int, month: Int) {
        let parts = calendar.dateComponents([.year, .month], from: date)
        return (parts.year ?? 0, parts.month ?? 0)
    }

    /// "1-10 月" style month span used in bulletin titles.
    public static func monthSpan(through month: Int) -> String {
        month <= 1 ? "1 月" : "1-\(month) 月"
    }
}

/// Chinese running text as official documents set it.
public enum ChineseText {
    /// Removes the spaces screen text puts between Chinese and Latin letters or digits
    /// ("截至 10 月底" → "截至10月底"); spaces between two Latin words stay.
    public static func tight(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar == " ", index > 0, index + 1 < scalars.count {
                let before = scalars[index - 1], after = scalars[index + 1]
                if isWide(before) || isWide(after) { continue }
            }
            out.append(scalar)
        }
        return String(out)
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x2E80...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFFEF).contains(v)
            || (0x3000...0x303F).contains(v) || v == 0x201C || v == 0x201D || v == 0x2018 || v == 0x2019
    }

    /// A name in quotation marks, its own double quotes turned single ("普惠性托育“护蕾”行动" →
    /// “普惠性托育‘护蕾’行动”).
    public static func quoted(_ name: String) -> String {
        "“" + name.replacingOccurrences(of: "“", with: "‘").replacingOccurrences(of: "”", with: "’") + "”"
    }
}
