import Foundation

/// A small SVG line chart of one metric over rounds, for HTML reports: the line, a dot per
/// round, the first and last round on the x axis, and the lowest and highest value.
enum LineChart {
    static func svg(name: String, values: [Double], width: Double = 220, height: Double = 120) -> String {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 1
        let span = high > low ? high - low : 1
        let left = 40.0, right = 8.0, top = 8.0, bottom = 22.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ index: Int) -> Double { left + (values.count > 1 ? Double(index) / Double(values.count - 1) * plotWidth : plotWidth / 2) }
        func y(_ value: Double) -> Double { top + (1 - (value - low) / span) * plotHeight }
        let points = values.enumerated().filter { $0.element.isFinite }.map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }
        var svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" "
        svg += "aria-label=\"\(NotebookReport.escape(name)) per round\">"
        svg += String(format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#fafafa\" stroke=\"#ddd\"/>", left, top, plotWidth, plotHeight)
        svg += "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        for point in points {
            let parts = point.split(separator: ",")
            svg += "<circle cx=\"\(parts[0])\" cy=\"\(parts[1])\" r=\"2.5\" fill=\"#36c\"/>"
        }
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">%.3f</text>", left - 4, top + 8, high)
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">%.3f</text>", left - 4, top + plotHeight, low)
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">round 1</text>", left, height - 6)
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">%d</text>", width - right, height - 6, values.count)
        svg += "</svg><figcaption>\(NotebookReport.escape(name))</figcaption></figure>"
        return svg
    }
}
