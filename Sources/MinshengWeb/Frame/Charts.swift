/// Server-rendered SVG charts. Only numbers and fixed colours enter the markup.
enum Charts {
    /// A horizontal bar split into coloured segments proportional to `parts`.
    static func stackedBar(_ parts: [(Int, String)], total: Int) -> String {
        let sum = max(total, 1)
        var x = 0.0
        var rects = ""
        for (count, colour) in parts where count > 0 {
            let width = Double(count) * 100 / Double(sum)
            rects += "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(width))\" height=\"10\" fill=\"\(colour)\"/>"
            x += width
        }
        return "<svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" width=\"100%\" height=\"10\" role=\"img\">\(rects)</svg>"
    }

    /// A single progress bar, capped at 100% wide, coloured by status.
    static func progressBar(percent: Double, colour: String) -> String {
        let width = max(0, min(percent, 100))
        return "<svg viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" width=\"100%\" height=\"6\" aria-hidden=\"true\"><rect width=\"100\" height=\"6\" fill=\"#e6e9ee\"/><rect width=\"\(fmt(width))\" height=\"6\" fill=\"\(colour)\"/></svg>"
    }

    /// Progress month by month (a line with dots) against the schedule (a dashed line), on a
    /// 0–max(120, highest) percent scale. Only numbers enter the markup.
    /// `width` in user units: 600 for a desk, about 340 for a phone (the text keeps its size).
    static func trend(_ points: [(month: Int, progress: Double?, schedule: Double)], width: Double = 600) -> String {
        let height = width >= 500 ? 220.0 : 190.0, left = 40.0, bottom = 24.0, top = 10.0, right = 10.0
        let top100 = max(120, (points.compactMap(\.progress).max() ?? 0) * 1.05)
        func x(_ month: Int) -> Double { left + (Double(month) - 0.5) * (width - left - right) / 12 }
        func y(_ value: Double) -> Double { top + (1 - min(max(value, 0), top100) / top100) * (height - top - bottom) }
        var svg = "<svg viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" aria-label=\"逐月进度与序时进度\">"
        for mark in stride(from: 0.0, through: top100, by: 25) {
            svg += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(y(mark)))\" y2=\"\(fmt(y(mark)))\" stroke=\"#e6e9ee\"/>"
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y(mark) + 4))\" font-size=\"10\" text-anchor=\"end\" fill=\"#6b7280\">\(Int(mark))%</text>"
        }
        for month in 1...12 {
            svg += "<text x=\"\(fmt(x(month)))\" y=\"\(fmt(height - 6))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#6b7280\">\(month)\(width >= 500 ? "月" : "")</text>"
        }
        let schedule = points.map { "\(fmt(x($0.month))),\(fmt(y($0.schedule)))" }.joined(separator: " ")
        svg += "<polyline points=\"\(schedule)\" fill=\"none\" stroke=\"#9aa3af\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/>"
        let line = points.compactMap { p in p.progress.map { "\(fmt(x(p.month))),\(fmt(y($0)))" } }.joined(separator: " ")
        svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#2f6fd0\" stroke-width=\"2\"/>"
        for p in points {
            guard let progress = p.progress else { continue }
            let colour = progress >= 100 ? "#1f8a4c" : progress >= p.schedule ? "#2f6fd0" : "#d2452f"
            svg += "<circle cx=\"\(fmt(x(p.month)))\" cy=\"\(fmt(y(progress)))\" r=\"3.5\" fill=\"\(colour)\"><title>\(p.month)月 进度 \(String(format: "%.2f", progress))%，序时 \(String(format: "%.2f", p.schedule))%</title></circle>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
