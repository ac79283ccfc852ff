/// A role an account holds. Stored as its English raw value; shown by its Chinese label.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// 专班办公室管理员: sets up the year, plans, accounts; closes months; issues bulletins.
    case admin
    /// 填报员: reports progress, uploads evidence and disclosure items, answers citizens.
    case reporter
    /// 审核员: reviews evidence one level up.
    case reviewer
    /// 领导: reads dashboards.
    case leader
    /// 观察员
    case observer
    /// 监督员
    case supervisor
    /// 评议员
    case evaluator

    public var label: String {
        switch self {
        case .admin: "专班办公室管理员"
        case .reporter: "填报员"
        case .reviewer: "审核员"
        case .leader: "领导"
        case .observer: "观察员"
        case .supervisor: "监督员"
        case .evaluator: "评议员"
        }
    }

    /// Parses either the English raw value or the Chinese label (the command line accepts both).
    public init?(token: String) {
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        if let role = Role(rawValue: trimmed.lowercased()) { self = role; return }
        if let role = Role.allCases.first(where: { $0.label == trimmed }) { self = role; return }
        if trimmed == "管理员" { self = .admin; return }
        return nil
    }

    /// Roles are stored as one comma-separated string so that both databases keep one column.
    public static func decode(_ stored: String) -> Set<Role> {
        Set(stored.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }

    public static func encode(_ roles: Set<Role>) -> String {
        ordered(roles).map(\.rawValue).joined(separator: ",")
    }

    /// The roles in their fixed order (for display and storage; access is decided elsewhere).
    public static func ordered(_ roles: Set<Role>) -> [Role] { allCases.filter { roles.contains($0) } }
}
