import Foundation
import MinshengCore
import MinshengData

/// The dashboard's charts: server-rendered SVG, no script; every name escaped, every value a
/// number; each mark carries a `<title>` (its value on hover), each chart a title for readers.
///
/// Every chart is drawn at a width in user units: 600 for a desk, 340 for a phone, where the
/// names go above their bars instead of beside them (the page shows the one that fits, so the
/// text is never scaled down to a few pixels).
enum DashboardCharts {
    static let colours: [ProgressStatus?: String] = [.completed: "#1f8a4c", .onSchedule: "#2f6fd0", .lagging: "#d2452f", nil: "#c9ced6"]
    static let wide = 600.0, narrow = 340.0

    private static func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
    private static func esc(_ text: String) -> String { XMLText.escape(text) }
    static func double(_ value: Decimal?) -> Double? { value.map { NSDecimalNumber(decimal: $0).doubleValue } }

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

    /// The frame of a horizontal chart with one band per row: where a row's name goes and where
    /// its bars start, at a desk's width (name beside) or a phone's (name above).
    private struct Rows {
        let width: Double
        let bars: Int
        var beside: Bool { width >= 500 }
        var left: Double { beside ? 110 : 4 }
        var right: Double { 54 }
        var band: Double { Double(bars) * 12 + (beside ? 8 : 22) }
        func top(_ index: Int) -> Double { Double(index) * band + 4 }
        /// The y of bar `bar` of row `index`.
        func bar(_ index: Int, _ bar: Int) -> Double { top(index) + (beside ? 0 : 16) + Double(bar) * 12 }
        func height(_ count: Int) -> Double { Double(count) * band + 8 }
        func x(_ value: Double, scale: Double) -> Double { left + min(max(value, 0), scale) / scale * (width - left - right) }

        func label(_ name: String, link: String?, index: Int) -> String {
            let text = beside
                ? "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(top(index) + (Double(bars) * 12) / 2 + 4))\" font-size=\"12\" text-anchor=\"end\" fill=\"#1f2933\">\(esc(name))</text>"
                : "<text x=\"\(fmt(left))\" y=\"\(fmt(top(index) + 11))\" font-size=\"12\" fill=\"#1f2933\">\(esc(name))</text>"
            return link.map { "<a href=\"\(esc($0))\">\(text)</a>" } ?? text
        }
    }

    /// One bar of a region's value with its figure printed after it.
    private static func bar(_ frame: Rows, index: Int, bar: Int, value: Double, scale: Double, colour: String, title: String, text: String) -> String {
        let y = frame.bar(index, bar)
        let end = frame.x(value, scale: scale)
        return "<rect x=\"\(fmt(frame.left))\" y=\"\(fmt(y))\" width=\"\(fmt(max(end - frame.left, 0)))\" height=\"10\" fill=\"\(colour)\"><title>\(esc(title))</title></rect>"
            + "<text x=\"\(fmt(end + 4))\" y=\"\(fmt(y + 9))\" font-size=\"10\" fill=\"#4b5563\">\(esc(text))</text>"
    }

    /// Each region's mean progress, red where an indicator lags, with the schedule line; names
    /// link to the regions' dashboards.
    static func regions(_ rows: [(name: String, link: String?, progress: Decimal?, lagging: Int)], schedule: Decimal?, title: String, width: Double) -> String {
        let frame = Rows(width: width, bars: 1)
        let height = frame.height(rows.count) + 16
        let scale = max(100, rows.compactMap { double($0.progress) }.max() ?? 0)
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for (index, row) in rows.enumerated() {
            svg += frame.label(row.name, link: row.link, index: index)
            guard let progress = double(row.progress) else {
                svg += "<text x=\"\(fmt(frame.left + 4))\" y=\"\(fmt(frame.bar(index, 0) + 9))\" font-size=\"10\" fill=\"#6b7280\">尚无进度</text>"
                continue
            }
            let behind = row.lagging > 0
            let shown = Figures.percent(row.progress ?? 0)
            svg += bar(frame, index: index, bar: 0, value: progress, scale: scale, colour: behind ? "#d2452f" : "#2f6fd0",
                       title: "\(row.name)：平均进度 \(shown)" + (behind ? "，\(row.lagging) 个指标未达序时" : ""), text: shown)
        }
        if let s = double(schedule) {
            let x = frame.x(s, scale: scale), shown = Figures.percent(schedule ?? 0)
            svg += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"0\" y2=\"\(fmt(height - 18))\" stroke=\"#1f2933\" stroke-dasharray=\"4 3\"><title>序时进度 \(esc(shown))</title></line>"
            svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(height - 4))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1f2933\">序时 \(esc(shown))</text>"
        }
        return svg + "</svg>"
    }

    /// A series of a grouped chart: its name and colour.
    struct Series {
        let name: String
        let colour: String
    }

    /// Grouped bars per region, one per series (percent, 0 to 100 or the highest value), with an optional tick per region
    /// (`marks`: the least 验收率 the month's limit allows); a value below its tick is drawn red.
    static func grouped(_ rows: [(name: String, link: String?, values: [Decimal?], mark: Decimal?)], series: [Series], title: String,
                        markLabel: String? = nil, width: Double) -> String {
        let frame = Rows(width: width, bars: series.count)
        let scale = max(100, rows.flatMap { $0.values.compactMap(double) }.max() ?? 0)
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(frame.height(rows.count)))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for (index, row) in rows.enumerated() {
            svg += frame.label(row.name, link: row.link, index: index)
            for (b, s) in series.enumerated() where b < row.values.count {
                guard let v = double(row.values[b]) else {
                    svg += "<text x=\"\(fmt(frame.left + 4))\" y=\"\(fmt(frame.bar(index, b) + 9))\" font-size=\"10\" fill=\"#6b7280\">\(esc(s.name)) —</text>"
                    continue
                }
                let below = b == series.count - 1 && row.mark.map { (row.values[b] ?? 0) < $0 } == true
                let shown = Figures.percent(row.values[b] ?? 0)
                svg += bar(frame, index: index, bar: b, value: v, scale: scale, colour: below ? "#d2452f" : s.colour,
                           title: "\(row.name) \(s.name) \(shown)" + (below ? "，低于\(markLabel ?? "")" : ""), text: shown)
            }
            if let m = double(row.mark) {
                let x = frame.x(m, scale: scale), y = frame.bar(index, series.count - 1)
                svg += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(y - 2))\" y2=\"\(fmt(y + 12))\" stroke=\"#1f2933\" stroke-width=\"2\">"
                    + "<title>\(esc(row.name)) \(esc(markLabel ?? "")) \(esc(Figures.percent(row.mark ?? 0)))</title></line>"
            }
        }
        return svg + "</svg>"
    }

    /// One stacked bar per region of counts (e.g. problems rectified / being rectified / overdue).
    static func stacked(_ rows: [(name: String, link: String?, counts: [Int])], series: [Series], title: String, width: Double) -> String {
        let frame = Rows(width: width, bars: 1)
        let most = Double(max(rows.map { $0.counts.reduce(0, +) }.max() ?? 1, 1))
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(frame.height(rows.count)))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for (index, row) in rows.enumerated() {
            svg += frame.label(row.name, link: row.link, index: index)
            var x = frame.left
            let y = frame.bar(index, 0)
            for (b, s) in series.enumerated() where b < row.counts.count && row.counts[b] > 0 {
                let w = frame.x(Double(row.counts[b]), scale: most) - frame.left
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(w))\" height=\"10\" fill=\"\(s.colour)\"><title>\(esc(row.name)) \(esc(s.name)) \(row.counts[b]) 个</title></rect>"
                x += w
            }
            svg += "<text x=\"\(fmt(x + 4))\" y=\"\(fmt(y + 9))\" font-size=\"10\" fill=\"#4b5563\">\(row.counts.reduce(0, +))</text>"
        }
        return svg + "</svg>"
    }

    /// Stacked columns month by month: indicators completed / on schedule / lagging / no figure;
    /// each month links to that month's dashboard.
    static func trend(_ points: [DashboardService.TrendPoint], title: String, link: (Int) -> String, width: Double) -> String {
        let height = width >= 500 ? 200.0 : 180.0, left = 8.0, bottom = 22.0, top = 8.0
        let most = max(points.map(\.indicators).max() ?? 1, 1)
        let slot = (width - left - 8) / 12
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
        for month in 1...12 {
            svg += "<text x=\"\(fmt(left + (Double(month) - 0.5) * slot))\" y=\"\(fmt(height - 6))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#6b7280\">\(month)\(width >= 500 ? "月" : "")</text>"
        }
        for p in points {
            var y = height - bottom
            var marks = ""
            for (count, status, name) in [(p.completed, ProgressStatus.completed, "已完成"), (p.onSchedule, .onSchedule, "按序时"), (p.lagging, .lagging, "未达序时")]
                + [(p.unreported, nil, "尚无进度")] as [(Int, ProgressStatus?, String)] {
                guard count > 0 else { continue }
                let h = Double(count) / Double(most) * (height - top - bottom)
                y -= h
                marks += "<rect x=\"\(fmt(left + (Double(p.month) - 1) * slot + slot * 0.2))\" y=\"\(fmt(y))\" width=\"\(fmt(slot * 0.6))\" height=\"\(fmt(h))\" fill=\"\(colours[status] ?? "#c9ced6")\">"
                    + "<title>\(p.month)月 \(name) \(count) 个</title></rect>"
            }
            svg += "<a href=\"\(esc(link(p.month)))\">\(marks)</a>"
        }
        return svg + "</svg>"
    }
}
