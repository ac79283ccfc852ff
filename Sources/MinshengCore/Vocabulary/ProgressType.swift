/// 进度类型: how an indicator's progress is reported.
public enum ProgressType: String, CaseIterable, Codable, Sendable {
    /// 进度: a completed quantity against a target.
    case quantity
    /// 形象进度: a construction percentage.
    case image
    /// 达标: a standard met or not met.
    case standard

    public var label: String {
        switch self {
        case .quantity: "进度"
        case .image: "形象进度"
        case .standard: "达标"
        }
    }

    /// The rule used when a plan does not name one: 求和 for quantities, 平均 otherwise.
    public var defaultAggregation: Aggregation {
        self == .quantity ? .sum : .mean
    }

    public init?(label: String) {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { self = .quantity; return }
        guard let kind = ProgressType.allCases.first(where: { $0.label == trimmed }) else { return nil }
        self = kind
    }
}

/// 汇总方式: how a parent's figure follows from its children.
public enum Aggregation: String, CaseIterable, Codable, Sendable {
    /// 求和: Σ children's quantities ÷ the parent's own target.
    case sum
    /// 平均: the unweighted mean of the children's progress.
    case mean

    public var label: String {
        switch self {
        case .sum: "求和"
        case .mean: "平均"
        }
    }

    public init?(label: String) {
        guard let rule = Aggregation.allCases.first(where: { $0.label == label.trimmingCharacters(in: .whitespaces) })
        else { return nil }
        self = rule
    }
}
