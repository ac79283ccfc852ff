/// 级别: who set a plan.
public enum PlanLevel: String, CaseIterable, Codable, Sendable {
    /// 省定
    case province
    /// 市定
    case city
    /// 县定
    case county

    public var label: String {
        switch self {
        case .province: "省定"
        case .city: "市定"
        case .county: "县定"
        }
    }

    public init?(label: String) {
        guard let level = PlanLevel.allCases.first(where: { $0.label == label.trimmingCharacters(in: .whitespaces) })
        else { return nil }
        self = level
    }
}
