/// The kind of a node in the region tree.
public enum RegionKind: String, CaseIterable, Codable, Sendable {
    case province
    case city
    case county
    case district
    /// 开发区 / 经开区: a development zone administered like a county.
    case zone
    /// 本级: a region's own departments (e.g. 市本级), a leaf beside its counties.
    case own
    /// 乡镇（街道）
    case township

    public var label: String {
        switch self {
        case .province: "省"
        case .city: "市（州）"
        case .county: "县（市）"
        case .district: "区"
        case .zone: "开发区"
        case .own: "本级"
        case .township: "乡镇（街道）"
        }
    }

    /// The word used for a region's aggregate column in tables (全省 / 全市 / 全县).
    public var aggregateLabel: String {
        switch self {
        case .province: "全省"
        case .city: "全市"
        case .county, .district, .zone: "全县"
        case .own, .township: "合计"
        }
    }

    /// The aggregate column's word for a named region: 全省, 全市 (also a county-level city such
    /// as 邵东市), 全区, 全县.
    public static func aggregateLabel(name: String, kind: RegionKind) -> String {
        switch kind {
        case .province: return "全省"
        case .city: return "全市"
        case .county, .district, .zone:
            if name.hasSuffix("市") { return "全市" }
            if name.hasSuffix("区") { return "全区" }
            if name.hasSuffix("县") { return "全县" }
            return kind.aggregateLabel
        case .own, .township: return "合计"
        }
    }

    public init?(token: String) {
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        if let kind = RegionKind(rawValue: trimmed.lowercased()) { self = kind; return }
        if let kind = RegionKind.allCases.first(where: { $0.label == trimmed }) { self = kind; return }
        switch trimmed {
        case "市", "市州": self = .city
        case "县", "县市", "县级市": self = .county
        case "经开区", "高新区": self = .zone
        case "乡镇", "街道": self = .township
        default: return nil
        }
    }

    /// Guesses the kind of a child region from its Chinese name, for imports and demo data.
    public static func guess(fromName name: String, parent: RegionKind?) -> RegionKind {
        if name.hasSuffix("本级") { return .own }
        if name.hasSuffix("开发区") || name.hasSuffix("经开区") || name.hasSuffix("高新区") || name.hasSuffix("新区") {
            return .zone
        }
        if name.hasSuffix("省") { return .province }
        if name.hasSuffix("区") { return .district }
        if name.hasSuffix("县") { return .county }
        if name.hasSuffix("镇") || name.hasSuffix("乡") || name.hasSuffix("街道") { return .township }
        if name.hasSuffix("市") || name.hasSuffix("州") {
            return parent == .province || parent == nil ? .city : .county
        }
        return parent == .city ? .county : .township
    }
}
