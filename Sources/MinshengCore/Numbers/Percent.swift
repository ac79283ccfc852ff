import Foundation

/// Exact decimal arithmetic for reported figures, so that 0.01% is always right.
public enum Exact {
    /// Converts a stored binary double to the decimal a person typed: Swift prints the shortest
    /// representation that round-trips, so 20.49 stays 20.49 rather than 20.489999….
    public static func decimal(_ value: Double) -> Decimal {
        // Fast path: a value with at most six decimals that round-trips as n / 10^k (what people
        // type); otherwise the shortest printed form.
        if value.isFinite, abs(value) < 1e12 {
            var scale = 1.0
            for k in 0...6 {
                let scaled = (value * scale).rounded()
                if scaled / scale == value {
                    return Decimal(sign: scaled < 0 ? .minus : .plus, exponent: -k, significand: Decimal(UInt64(abs(scaled))))
                }
                scale *= 10
            }
        }
        return Decimal(string: "\(value)", locale: posix) ?? Decimal(value)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// Rounds half away from zero (for the non-negative figures here: half-up), to `scale` places.
    public static func rounded(_ value: Decimal, scale: Int = 2) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }

    /// The decimal rounded half-up and returned as a Double, for JSON output.
    public static func roundedDouble(_ value: Decimal, scale: Int = 2) -> Double {
        double(rounded(value, scale: scale))
    }

    /// The double nearest to the decimal (NSDecimalNumber's doubleValue can be one step off,
    /// which would print 103.73 as 103.72999999999999).
    public static func double(_ value: Decimal) -> Double {
        Double(NSDecimalNumber(decimal: value).stringValue) ?? NSDecimalNumber(decimal: value).doubleValue
    }
}

/// Formats figures the way the bulletins print them.
public enum Figures {
    /// "97.78%": rounded half-up to two decimals, always two decimals shown.
    public static func percent(_ value: Decimal) -> String {
        fixed(value, scale: 2) + "%"
    }

    /// A quantity without trailing zeros: 3900, 20.49, 4.6.
    public static func quantity(_ value: Double) -> String {
        let decimal = Exact.decimal(value)
        return NSDecimalNumber(decimal: decimal).stringValue
    }

    /// A computed quantity, to at most 4 decimals, without trailing zeros.
    public static func quantity(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: Exact.rounded(value, scale: 4)).stringValue
    }

    /// A decimal printed with exactly `scale` places after rounding half-up.
    public static func fixed(_ value: Decimal, scale: Int) -> String {
        let rounded = Exact.rounded(value, scale: scale)
        let negative = rounded < 0
        let magnitude = negative ? -rounded : rounded
        var text = NSDecimalNumber(decimal: magnitude).stringValue
        if scale > 0 {
            if let dot = text.firstIndex(of: ".") {
                let decimals = text.distance(from: text.index(after: dot), to: text.endIndex)
                text += String(repeating: "0", count: max(0, scale - decimals))
            } else {
                text += "." + String(repeating: "0", count: scale)
            }
        }
        return (negative ? "-" : "") + text
    }
}
