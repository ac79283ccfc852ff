import Foundation

/// Numbers in imported files and forms: plain decimals only ("1234", "12.5", "-3", "3,710"), never the
/// hexadecimal, exponent, infinity or NaN forms a general parser takes ("0x10" is not 16), and
/// within a sane range.
public enum ImportNumber {
    /// The largest quantity or target accepted: a trillion.
    public static let maximum: Double = 1_000_000_000_000

    public enum Outcome: Equatable, Sendable {
        case number(Double)
        /// Not a plain decimal number.
        case notDecimal
        /// A decimal number beyond ±`maximum`.
        case outOfRange
    }

    public static func parse(_ text: String) -> Outcome {
        // A number typed as text with thousands separators ("3,710", "1,234.5") as Excel and WPS
        // show them; the groups must be of three digits, so "1,5" is not 15.
        if text.contains(",") {
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            let head = groups[0].hasPrefix("-") || groups[0].hasPrefix("+") ? groups[0].dropFirst() : groups[0]
            guard (1...3).contains(head.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return .notDecimal }
            return parse(text.replacingOccurrences(of: ",", with: ""))
        }
        var digits = 0, dots = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits += 1
            case ".": dots += 1
            case "-", "+": if index != 0 { return .notDecimal }
            default: return .notDecimal
            }
        }
        guard digits > 0, dots <= 1, text.count <= 40, let value = Double(text), value.isFinite else { return .notDecimal }
        return abs(value) <= maximum ? .number(value) : .outOfRange
    }

    /// The number, or nil for anything else.
    public static func value(_ text: String) -> Double? {
        if case .number(let value) = parse(text) { return value }
        return nil
    }

    /// Why `text` is refused as a number, in Chinese, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        switch parse(text) {
        case .number: return nil
        case .notDecimal: return "应为十进制数字（如 1234 或 12.5），不接受十六进制、科学计数法等写法。"
        case .outOfRange: return "数值超出允许范围（绝对值不超过 1 万亿）。"
        }
    }

    /// Text that a person meant as a number (it starts with a digit, a sign or a point and holds
    /// only ASCII letters, digits and signs), as opposed to a note such as "待另行发文确定".
    public static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, "0123456789+-.".unicodeScalars.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.,_".unicodeScalars.contains($0)) }
    }
}
