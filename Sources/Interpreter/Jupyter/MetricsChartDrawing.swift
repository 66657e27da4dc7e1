import Foundation

/// A `MetricsChart` as one standalone SVG document, for notebooks: the chart's title, then a
/// panel per series in a grid of up to three columns. Each panel has the series' name, a value
/// axis with gridlines at round numbers (0.70, 0.75, 0.80 …), the rounds along the bottom
/// under the label "round", the line, and a dot per round whose tooltip gives its value.
/// Series get their own panel because their scales differ (AUC near 0.8, a loss near 0.3).
/// A value that is not finite (an AUC that could not be computed) leaves a gap in the line.
enum MetricsChartDrawing {
    static let panelWidth = 240.0
    static let panelHeight = 180.0
    static let titleHeight = 30.0
    static let columnsAtMost = 3
    /// Inside a panel: room for the series' name above, the value labels on the left, the
    /// round numbers and the axis label below.
    static let left = 52.0, right = 14.0, top = 28.0, bottom = 40.0, inset = 8.0
    static let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf"]

    static func svg(_ chart: MetricsChart) -> String {
        let count = max(chart.series.count, 1)
        let columns = min(columnsAtMost, count)
        let rows = (count + columns - 1) / columns
        let width = Double(columns) * panelWidth
        let height = titleHeight + Double(rows) * panelHeight
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(number(width))\" height=\"\(number(height))\" "
        svg += "viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<title>\(escape(chart.title))</title>\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(number(width))\" height=\"\(number(height))\" fill=\"#ffffff\"/>\n"
        svg += "<text x=\"\(number(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(chart.title))</text>\n"
        if chart.series.isEmpty {
            svg += "<text x=\"\(number(width / 2))\" y=\"\(number(titleHeight + panelHeight / 2))\" text-anchor=\"middle\" fill=\"#666666\">no series</text>\n"
        }
        for (index, series) in chart.series.enumerated() {
            let x = Double(index % columns) * panelWidth
            let y = titleHeight + Double(index / columns) * panelHeight
            svg += panel(name: series.name, values: series.values, colour: colours[index % colours.count], x: x, y: y)
        }
        return svg + "</svg>\n"
    }

    /// One series' panel, its top left corner at (`x`, `y`).
    static func panel(name: String, values: [Double], colour: String, x: Double, y: Double) -> String {
        let plotLeft = x + left, plotRight = x + panelWidth - right
        let plotTop = y + top, plotBottom = y + panelHeight - bottom
        let finite = values.filter(\.isFinite)
        let scale = ValueScale(low: finite.min() ?? 0, high: finite.max() ?? 1)
        let rounds = values.count
        // The first and last rounds sit a little inside the axes, so their dots are not on them.
        let firstX = plotLeft + inset, lastX = plotRight - inset
        func xPosition(_ round: Int) -> Double {
            rounds > 1 ? firstX + Double(round - 1) / Double(rounds - 1) * (lastX - firstX) : (plotLeft + plotRight) / 2
        }
        func yPosition(_ value: Double) -> Double {
            plotBottom - (value - scale.low) / (scale.high - scale.low) * (plotBottom - plotTop)
        }

        var svg = "<g>\n"
        svg += "<text x=\"\(number((plotLeft + plotRight) / 2))\" y=\"\(number(y + 18))\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(name))</text>\n"
        for tick in scale.ticks {
            let tickY = yPosition(tick)
            svg += "<line x1=\"\(number(plotLeft))\" y1=\"\(number(tickY))\" x2=\"\(number(plotRight))\" y2=\"\(number(tickY))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(number(plotLeft - 5))\" y=\"\(number(tickY + 4))\" text-anchor=\"end\">\(scale.label(tick))</text>\n"
        }
        svg += "<line x1=\"\(number(plotLeft))\" y1=\"\(number(plotTop))\" x2=\"\(number(plotLeft))\" y2=\"\(number(plotBottom))\" stroke=\"#333333\"/>\n"
        svg += "<line x1=\"\(number(plotLeft))\" y1=\"\(number(plotBottom))\" x2=\"\(number(plotRight))\" y2=\"\(number(plotBottom))\" stroke=\"#333333\"/>\n"
        for round in roundTicks(rounds) {
            let tickX = xPosition(round)
            svg += "<line x1=\"\(number(tickX))\" y1=\"\(number(plotBottom))\" x2=\"\(number(tickX))\" y2=\"\(number(plotBottom + 4))\" stroke=\"#333333\"/>\n"
            svg += "<text x=\"\(number(tickX))\" y=\"\(number(plotBottom + 16))\" text-anchor=\"middle\">\(round)</text>\n"
        }
        svg += "<text x=\"\(number((plotLeft + plotRight) / 2))\" y=\"\(number(plotBottom + 32))\" text-anchor=\"middle\" fill=\"#444444\">round</text>\n"

        // The line is drawn in runs of finite values: a missing value is a gap, not a zero.
        var runs: [[String]] = [[]]
        for (offset, value) in values.enumerated() {
            if value.isFinite {
                runs[runs.count - 1].append("\(number(xPosition(offset + 1))),\(number(yPosition(value)))")
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        for run in runs where run.count > 1 {
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>\n"
        }
        for (offset, value) in values.enumerated() where value.isFinite {
            svg += "<circle cx=\"\(number(xPosition(offset + 1)))\" cy=\"\(number(yPosition(value)))\" r=\"3\" fill=\"\(colour)\">"
            svg += "<title>\(escape(name)), round \(offset + 1): \(String(format: "%.4f", value))</title></circle>\n"
        }
        if finite.isEmpty {
            svg += "<text x=\"\(number((plotLeft + plotRight) / 2))\" y=\"\(number((plotTop + plotBottom) / 2))\" text-anchor=\"middle\" fill=\"#666666\">no values</text>\n"
        }
        return svg + "</g>\n"
    }

    /// The rounds that get a number on the axis: all of them up to ten, else about six
    /// evenly spaced at a round step, always with the first.
    static func roundTicks(_ rounds: Int) -> [Int] {
        guard rounds > 10 else { return Array(stride(from: 1, through: max(rounds, 1), by: 1)) }
        let step = Int(ValueScale.niceStep(Double(rounds - 1) / 5).rounded(.up))
        var ticks = [1]
        var tick = step
        while tick <= rounds {
            if tick > 1 { ticks.append(tick) }
            tick += step
        }
        return ticks
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    static func number(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }

    static func escape(_ text: String) -> String { RichDisplay.escape(text) }
}

/// A value axis: the range widened to round numbers and its ticks at a round step (1, 2 or 5
/// times a power of ten), with as many decimals as the step needs.
struct ValueScale {
    let low: Double
    let high: Double
    let step: Double
    let ticks: [Double]
    let decimals: Int

    /// The axis for values from `low` to `high`, with about five ticks.
    init(low: Double, high: Double) {
        var low = low, high = high
        if high <= low {
            // One value (or the same value every round): a small range around it.
            let pad = max(abs(low) * 0.05, 0.001)
            low -= pad
            high += pad
        }
        let step = ValueScale.niceStep((high - low) / 4)
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        var ticks: [Double] = []
        var tick = first
        while tick <= last + step / 2 {
            ticks.append(tick)
            tick += step
        }
        self.low = first
        self.high = max(last, first + step)
        self.step = step
        self.ticks = ticks
        decimals = max(0, Int(-log10(step).rounded(.down)))
    }

    /// The round step nearest above `rough`: 1, 2 or 5 times a power of ten.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A tick's label, e.g. `0.75`.
    func label(_ value: Double) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
