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

    private static func fmt(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
