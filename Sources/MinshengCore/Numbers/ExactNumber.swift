import Foundation

/// A number kept exact for the progress arithmetic: a ratio of 128-bit integers while the
/// figures allow (quantities and targets with at most six decimals, their sums, quotients and
/// means), else a Decimal. Ratios compare and round exactly and cost a few integer operations,
/// where a Decimal division costs microseconds; a province's year is tens of thousands of them.
public enum ExactNumber: Sendable {
    /// numerator / denominator, denominator > 0.
    case ratio(Int128, Int128)
    case decimal(Decimal)

    static let micro: Int128 = 1_000_000

    public init(_ value: Int) { self = .ratio(Int128(value), 1) }

    /// The decimal that was typed, as `Exact.decimal` reads it: a value with at most six decimals
    /// is held as an exact ratio over 10^6.
    public init(_ value: Double) {
        if value.isFinite, abs(value) < 9e12 {
            let scaled = (value * 1e6).rounded()
            if scaled / 1e6 == value {
                self = ExactNumber.ratio(Int128(Int64(scaled)), Self.micro).reduced
                return
            }
        }
        self = .decimal(Exact.decimal(value))
    }

    public init(_ value: Decimal) {
        let rounded = Exact.rounded(value, scale: 6)
        if rounded == value, abs(value) < 9e12 {
            let scaled = NSDecimalNumber(decimal: value * 1_000_000).int64Value
            if Decimal(scaled) == value * 1_000_000 {
                self = ExactNumber.ratio(Int128(scaled), Self.micro).reduced
                return
            }
        }
        self = .decimal(value)
    }

    /// The value as a Decimal (38 significant digits).
    public var decimal: Decimal {
        switch self {
        case .decimal(let value): return value
        case .ratio(let n, let d):
            if d == 1 { return Self.decimal(n) }
            return Self.decimal(n) / Self.decimal(d)
        }
    }

    private static func decimal(_ value: Int128) -> Decimal {
        if let small = Int64(exactly: value) { return Decimal(small) }
        return Decimal(string: String(value), locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }

    /// Rounded half away from zero to two places, as the tables show it.
    public var roundedPercent: Decimal { rounded(scale: 2) }

    /// Rounded half away from zero to `scale` places (at most 6).
    public func rounded(scale: Int) -> Decimal {
        if let units = roundedUnits(scale: scale) {
            return Decimal(sign: units < 0 ? .minus : .plus, exponent: -scale, significand: Decimal(units.magnitude))
        }
        return Exact.rounded(decimal, scale: scale)
    }

    /// The value rounded half away from zero to `scale` places (at most 6), in units of
    /// 10^-scale: 9778 for 97.777… at scale 2. Nil for a Decimal or when it does not fit.
    public func roundedUnits(scale: Int) -> Int64? {
        guard case .ratio(let n, let d) = self, (0...6).contains(scale) else { return nil }
        var factor: UInt128 = 2
        for _ in 0..<scale { factor *= 10 }
        let (scaled, overflow) = n.magnitude.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        let (sum, overflow2) = scaled.addingReportingOverflow(d.magnitude)
        guard !overflow2, let units = Int64(exactly: sum / (d.magnitude * 2)) else { return nil }
        return n < 0 ? -units : units
    }

    /// The double nearest to the value rounded to `scale` places (for storage and charts).
    public func double(scale: Int = 6) -> Double {
        if let units = roundedUnits(scale: scale), units.magnitude < 1 << 53 {
            var divisor = 1.0
            for _ in 0..<scale { divisor *= 10 }
            return Double(units) / divisor
        }
        return Exact.double(Exact.rounded(decimal, scale: scale))
    }

    var reduced: ExactNumber {
        guard case .ratio(let n, let d) = self else { return self }
        let g = Self.gcd(n.magnitude, d.magnitude)
        guard g > 1 else { return self }
        return .ratio(n / Int128(g), d / Int128(g))
    }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    public static func + (a: ExactNumber, b: ExactNumber) -> ExactNumber {
        if case .ratio(let n1, let d1) = a, case .ratio(let n2, let d2) = b {
            if d1 == d2 {
                let (n, o) = n1.addingReportingOverflow(n2)
                if !o { return .ratio(n, d1) }
            } else {
                let (x, o1) = n1.multipliedReportingOverflow(by: d2)
                let (y, o2) = n2.multipliedReportingOverflow(by: d1)
                let (d, o3) = d1.multipliedReportingOverflow(by: d2)
                if !(o1 || o2 || o3) {
                    let (n, o4) = x.addingReportingOverflow(y)
                    if !o4 { return ExactNumber.ratio(n, d).reduced }
                }
            }
        }
        return .decimal(a.decimal + b.decimal)
    }

    public static func * (a: ExactNumber, k: Int) -> ExactNumber {
        if case .ratio(let n, let d) = a {
            let (m, o) = n.multipliedReportingOverflow(by: Int128(k))
            if !o { return .ratio(m, d) }
        }
        return .decimal(a.decimal * Decimal(k))
    }

    /// a ÷ b; nil when b is zero.
    public static func / (a: ExactNumber, b: ExactNumber) -> ExactNumber? {
        if case .ratio(let n1, let d1) = a, case .ratio(let n2, let d2) = b {
            guard n2 != 0 else { return nil }
            let (n, o1) = n1.multipliedReportingOverflow(by: d2)
            let (d, o2) = d1.multipliedReportingOverflow(by: n2)
            if !(o1 || o2) { return ExactNumber.ratio(d < 0 ? -n : n, d < 0 ? -d : d).reduced }
        }
        let divisor = b.decimal
        guard divisor != 0 else { return nil }
        return .decimal(a.decimal / divisor)
    }

    /// a ÷ k for a positive count (a mean).
    public static func / (a: ExactNumber, k: Int) -> ExactNumber {
        if case .ratio(let n, let d) = a, k > 0 {
            let (m, o) = d.multipliedReportingOverflow(by: Int128(k))
            if !o { return ExactNumber.ratio(n, m).reduced }
        }
        return .decimal(a.decimal / Decimal(k))
    }

    /// Exact comparison where both are ratios; on Decimals otherwise.
    public static func >= (a: ExactNumber, b: ExactNumber) -> Bool {
        if case .ratio(let n1, let d1) = a, case .ratio(let n2, let d2) = b {
            let (x, o1) = n1.multipliedReportingOverflow(by: d2)
            let (y, o2) = n2.multipliedReportingOverflow(by: d1)
            if !(o1 || o2) { return x >= y }
        }
        return a.decimal >= b.decimal
    }

    public var isPositive: Bool {
        switch self {
        case .ratio(let n, _): return n > 0
        case .decimal(let value): return value > 0
        }
    }
}
