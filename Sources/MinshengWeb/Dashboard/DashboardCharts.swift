import Foundation
import MinshengCore

/// The dashboard's charts: server-rendered SVG, no script; every name escaped, every value a
/// number; each mark carries a `<title>` (its value on hover), each chart a title for readers.
enum DashboardCharts {
    static let colours: [ProgressStatus?: String] = [.completed: "#1f8a4c", .onSchedule: "#2f6fd0", .lagging: "#d2452f", nil: "#c9ced6"]

    private static func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
    private static func esc(_ text: String) -> String { XMLText.escape(text) }
    private static func double(_ value: Decimal?) -> Double? { value.map { NSDecimalNumber(decimal: $0).doubleValue } }

    /// One stacked bar: completed / on schedule / lagging / no figure.
    static func status(_ label: String, completed: Int, onSchedule: Int, lagging: Int, unreported: Int) -> String {
        let total = max(completed + onSchedule + lagging + unreported, 1)
        var x = 0.0
        var svg = "<svg class=\"status-bar\" viewBox=\"0 0 100 12\" preserveAspectRatio=\"none\" width=\"100%\" height=\"18\" role=\"img\"><title>\(esc(label))</title>"
        for (count, status, name) in [(completed, ProgressStatus.completed, "已完成"), (onSchedule, .onSchedule, "按序时推进"), (lagging, .lagging, "未达序时")] as [(Int, ProgressStatus?, String)]
            + [(unreported, nil, "尚无进度")] where count > 0 {
            let width = Double(count) * 100 / Double(total)
            svg += "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(width))\" height=\"12\" fill=\"\(colours[status] ?? "#c9ced6")\"><title>\(esc(name)) \(count) 个</title></rect>"
            x += width
        }
        return svg + "</svg>"
    }

    /// Horizontal bars of each region's mean progress with the schedule line; names link to their dashboards.
    static func regions(_ rows: [(name: String, link: String?, progress: Decimal?, lagging: Int)], schedule: Decimal?, title: String) -> String {
        let rowHeight = 22.0, left = 110.0, width = 600.0, right = 50.0
        let height = Double(rows.count) * rowHeight + 24
        let scale = max(100, rows.compactMap { double($0.progress) }.max() ?? 0)
        func x(_ value: Double) -> Double { left + min(max(value, 0), scale) / scale * (width - left - right) }
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight + 4
            let label = "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 13))\" font-size=\"11\" text-anchor=\"end\" fill=\"#1f2933\">\(esc(row.name))</text>"
            svg += row.link.map { "<a href=\"\(esc($0))\">\(label)</a>" } ?? label
            guard let progress = double(row.progress) else {
                svg += "<text x=\"\(fmt(left + 4))\" y=\"\(fmt(y + 13))\" font-size=\"10\" fill=\"#6b7280\">尚无进度</text>"
                continue
            }
            let behind = row.lagging > 0
            svg += "<rect x=\"\(fmt(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(x(progress) - left))\" height=\"13\" fill=\"\(behind ? "#d2452f" : "#2f6fd0")\">"
                + "<title>\(esc(row.name))：平均进度 \(Figures.percent(row.progress ?? 0))" + (behind ? "，\(row.lagging) 个指标未达序时" : "") + "</title></rect>"
            svg += "<text x=\"\(fmt(x(progress) + 4))\" y=\"\(fmt(y + 13))\" font-size=\"10\" fill=\"#4b5563\">\(esc(Figures.percent(row.progress ?? 0)))</text>"
        }
        if let s = double(schedule) {
            svg += "<line x1=\"\(fmt(x(s)))\" x2=\"\(fmt(x(s)))\" y1=\"0\" y2=\"\(fmt(height - 18))\" stroke=\"#1f2933\" stroke-dasharray=\"4 3\"><title>序时进度 \(esc(Figures.percent(schedule ?? 0)))</title></line>"
            svg += "<text x=\"\(fmt(x(s)))\" y=\"\(fmt(height - 4))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1f2933\">序时 \(esc(Figures.percent(schedule ?? 0)))</text>"
        }
        return svg + "</svg>"
    }

    /// Paired bars per region: 进度 and 验收率 (percent).
    static func acceptance(_ rows: [(name: String, progress: Decimal?, acceptance: Decimal?)], title: String) -> String {
        let rowHeight = 30.0, left = 110.0, width = 600.0, right = 50.0
        let height = Double(rows.count) * rowHeight + 8
        func x(_ value: Double) -> Double { left + min(max(value, 0), 100) / 100 * (width - left - right) }
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight + 4
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 15))\" font-size=\"11\" text-anchor=\"end\" fill=\"#1f2933\">\(esc(row.name))</text>"
            for (offset, value, colour, label) in [(0.0, row.progress, "#2f6fd0", "进度"), (12.0, row.acceptance, "#1f8a4c", "验收率")] {
                guard let v = double(value) else { continue }
                svg += "<rect x=\"\(fmt(left))\" y=\"\(fmt(y + offset))\" width=\"\(fmt(x(v) - left))\" height=\"10\" fill=\"\(colour)\"><title>\(esc(row.name)) \(label) \(esc(Figures.percent(value ?? 0)))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    /// Stacked columns month by month: indicators completed / on schedule / lagging.
    static func trend(_ points: [(month: Int, completed: Int, onSchedule: Int, lagging: Int, indicators: Int)], title: String) -> String {
        let width = 600.0, height = 200.0, left = 30.0, bottom = 22.0, top = 8.0
        let most = max(points.map(\.indicators).max() ?? 1, 1)
        let slot = (width - left - 10) / 12
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for month in 1...12 {
            svg += "<text x=\"\(fmt(left + (Double(month) - 0.5) * slot))\" y=\"\(fmt(height - 6))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#6b7280\">\(month)月</text>"
        }
        for p in points {
            var y = height - bottom
            for (count, status, name) in [(p.completed, ProgressStatus.completed, "已完成"), (p.onSchedule, .onSchedule, "按序时"), (p.lagging, .lagging, "未达序时")] {
                guard count > 0 else { continue }
                let h = Double(count) / Double(most) * (height - top - bottom)
                y -= h
                svg += "<rect x=\"\(fmt(left + (Double(p.month) - 1) * slot + slot * 0.2))\" y=\"\(fmt(y))\" width=\"\(fmt(slot * 0.6))\" height=\"\(fmt(h))\" fill=\"\(colours[status] ?? "")\">"
                    + "<title>\(p.month)月 \(name) \(count) 个</title></rect>"
            }
        }
        return svg + "</svg>"
    }
}
