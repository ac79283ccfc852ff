import Foundation

/// Targets pasted into the decomposition grid as people copy them from Excel, WPS or
/// LibreOffice: a row of cells (tab-separated) or a column (one per line), or a block of both,
/// read left to right and top to bottom. An empty cell leaves its region without a target.
///
/// Every cell is judged before anything is used: one refused cell refuses the whole paste, with
/// each problem named by its cell in Chinese.
public enum GridPaste {
    /// The most text a paste may carry (a province's grid is a few hundred characters).
    public static let maxLength = 20_000

    public struct Refusal: Error, Equatable, Sendable {
        public var problems: [String]
        public var message: String { problems.joined(separator: "；") }
    }

    /// The cells' targets in order (nil for an empty cell), at most `capacity` of them.
    public static func parse(_ text: String, capacity: Int) -> Result<[Double?], Refusal> {
        guard text.utf8.count <= maxLength else {
            return .failure(Refusal(problems: ["粘贴的内容过长（超过 \(maxLength) 个字符），请只复制目标任务所在的单元格。"]))
        }
        // Excel ends a copied block with a line break; a Windows copy uses CR LF.
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        let cells = lines.flatMap { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard !cells.isEmpty else { return .failure(Refusal(problems: ["没有粘贴任何单元格。"])) }
        guard cells.count <= capacity else {
            return .failure(Refusal(problems: ["粘贴了 \(cells.count) 个单元格，而表格只有 \(capacity) 格，请核对复制的范围。"]))
        }
        var values: [Double?] = []
        var problems: [String] = []
        for (index, raw) in cells.enumerated() {
            let cell = raw.trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { values.append(nil); continue }
            let shown = cell.count > 20 ? String(cell.prefix(20)) + "…" : cell
            switch ImportNumber.parse(cell) {
            case .number(let value) where value < 0:
                problems.append("第 \(index + 1) 格“\(shown)”是负数，目标任务不能为负")
            case .number(let value):
                values.append(value)
            case .notDecimal:
                problems.append("第 \(index + 1) 格“\(shown)”不是数字")
            case .outOfRange:
                problems.append("第 \(index + 1) 格“\(shown)”超出允许范围")
            }
        }
        return problems.isEmpty ? .success(values) : .failure(Refusal(problems: problems))
    }

    /// One typed target cell: nil for an empty cell, the number, or why it is refused.
    public static func cell(_ text: String) -> Result<Double?, Refusal> {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return .success(nil) }
        return parse(text, capacity: 1).map { $0.first ?? nil }
    }
}

/// The children's shares against the parent's own target, for a sum indicator: they may differ
/// (a plan keeps reserve at the top, or asks more of the districts than of itself), and the grid
/// says by how much.
public struct DecompositionSum: Sendable {
    public var parentTarget: ExactNumber?
    public var childrenSum: ExactNumber
    public var childrenWithTarget: Int

    public init(parentTarget: Double?, children: [Double?]) {
        self.parentTarget = parentTarget.map(ExactNumber.init)
        childrenSum = children.compactMap { $0 }.reduce(ExactNumber(0)) { $0 + ExactNumber($1) }
        childrenWithTarget = children.compactMap { $0 }.count
    }

    /// The children's sum minus the parent's target (nil without a parent target).
    public var difference: Decimal? { parentTarget.map { childrenSum.decimal - $0.decimal } }

    /// The sentence under the grid.
    public var sentence: String {
        let sum = Figures.quantity(childrenSum.decimal)
        guard let parentTarget, let difference else { return "下级合计 \(sum)；本级未定目标任务。" }
        let parent = Figures.quantity(parentTarget.decimal)
        if difference == 0 { return "下级合计 \(sum)，与本级目标任务 \(parent) 相等。" }
        let gap = Figures.quantity(difference < 0 ? -difference : difference)
        return "下级合计 \(sum)，本级目标任务 \(parent)：下级合计\(difference < 0 ? "少" : "多") \(gap)（允许不等，请确认）。"
    }
}
