import Foundation

/// Series of a metric over rounds, for a chart in a report.
public struct MetricsChart: Sendable {
    public let title: String
    /// Each metric's values, one per round.
    public let series: [(name: String, values: [Double])]

    public init(title: String, series: [(name: String, values: [Double])]) {
        self.title = title
        self.series = series
    }
}

/// The record of a session as a notebook: each cell's source, what it printed, how it ended,
/// how long it took, and the charts its built-ins attached. `:report` and `--report` turn it
/// into a page.
public struct NotebookLog: Sendable {
    /// One cell as it ran.
    public struct Cell: Sendable {
        public let number: Int
        public let source: String
        public var output: String
        public var errors: String
        public var outcome: Session.Outcome
        public var seconds: Double
        public var charts: [MetricsChart]
        let started: ContinuousClock.Instant
    }

    public private(set) var cells: [Cell] = []
    /// When the log started, for the report's facts.
    public let started = Date()

    mutating func begin(number: Int, source: String) {
        cells.append(Cell(number: number, source: source, output: "", errors: "", outcome: .success, seconds: 0,
                          charts: [], started: ContinuousClock.now))
    }

    mutating func attach(_ chart: MetricsChart) {
        guard !cells.isEmpty else { return }
        cells[cells.count - 1].charts.append(chart)
    }

    mutating func record(_ text: String, to stream: OutputStreamKind) {
        guard !cells.isEmpty else { return }
        switch stream {
        case .standardOutput: cells[cells.count - 1].output += text
        case .standardError: cells[cells.count - 1].errors += text
        }
    }

    mutating func finish(_ outcome: Session.Outcome) {
        guard !cells.isEmpty else { return }
        cells[cells.count - 1].outcome = outcome
        let elapsed = cells[cells.count - 1].started.duration(to: .now).components
        cells[cells.count - 1].seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    mutating func removeAll() { cells = [] }
}

/// Writes a notebook log as one self-contained HTML page: no scripts, no external files.
public enum NotebookReport {
    public static func html(_ log: NotebookLog, title: String, version: String, facts: [(String, String)] = []) -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
        .cell { margin: 1.2rem 0; }
        .prompt { color: #36c; font-family: monospace; font-size: 0.85rem; }
        pre { background: #f6f6f6; padding: 0.6rem 0.8rem; border-radius: 4px; overflow-x: auto; margin: 0.2rem 0; }
        pre.output { background: #fff; border-left: 3px solid #ccc; }
        pre.error { background: #fff4f4; border-left: 3px solid #c33; }
        pre.note { background: #fffbea; border-left: 3px solid #d9a400; }
        table.facts td { padding: 0.1rem 0.8rem 0.1rem 0; font-size: 0.9rem; }
        .charts { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.4rem 0; }
        .charts figure { margin: 0; }
        .charts figcaption { font-size: 0.8rem; color: #444; }
        .time { color: #999; font-size: 0.75rem; }
        footer { color: #888; font-size: 0.8rem; margin-top: 2rem; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>

        """
        let total = log.cells.reduce(0) { $0 + $1.seconds }
        let allFacts = facts + [("bf", version), ("started", ISO8601DateFormatter().string(from: log.started)),
                                ("cells", String(log.cells.count)), ("time", String(format: "%.2f s", total))]
        page += "<table class=\"facts\">\n" + allFacts.map { "<tr><td>\(escape($0.0))</td><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
            + "\n</table>\n"
        for cell in log.cells {
            page += "<section class=\"cell\">\n"
            page += "<div class=\"prompt\">In [\(cell.number)]: <span class=\"time\">\(String(format: "%.2f s", cell.seconds))</span></div>\n"
            page += "<pre class=\"code\">\(escape(cell.source))</pre>\n"
            if !cell.output.isEmpty { page += "<pre class=\"output\">\(escape(cell.output))</pre>\n" }
            if !cell.errors.isEmpty {
                // A cell that succeeded wrote only notes to the error stream.
                page += "<pre class=\"\(cell.outcome == .success ? "note" : "error")\">\(escape(cell.errors))</pre>\n"
            }
            for chart in cell.charts {
                page += "<div class=\"charts\" title=\"\(escape(chart.title))\">\n"
                for series in chart.series { page += LineChart.svg(name: series.name, values: series.values) + "\n" }
                page += "</div>\n"
            }
            page += "</section>\n"
        }
        page += "<footer>bf \(escape(version)) · \(log.cells.count) cell\(log.cells.count == 1 ? "" : "s")</footer>\n</body>\n</html>\n"
        return page
    }

    /// The log as Markdown: each cell's code in a fenced block, then what it printed.
    public static func markdown(_ log: NotebookLog, title: String, version: String, facts: [(String, String)] = []) -> String {
        var page = "# \(title)\n\n"
        for (name, value) in facts { page += "- \(name): \(value)\n" }
        if !facts.isEmpty { page += "\n" }
        for cell in log.cells {
            page += "**In [\(cell.number)]:** _\(String(format: "%.2f s", cell.seconds))_\n\n```python\n\(cell.source)\n```\n\n"
            let shown = plain(cell.output) + plain(cell.errors)
            if !shown.isEmpty { page += "```\n\(shown.hasSuffix("\n") ? shown : shown + "\n")```\n\n" }
            for chart in cell.charts where !chart.series.isEmpty {
                let rounds = chart.series[0].values.count
                page += "| round | " + chart.series.map(\.name).joined(separator: " | ") + " |\n"
                page += "|---|" + chart.series.map { _ in "---" }.joined(separator: "|") + "|\n"
                for round in 0..<rounds {
                    page += "| \(round + 1) | " + chart.series.map { String(format: "%.4f", $0.values[round]) }.joined(separator: " | ") + " |\n"
                }
                page += "\n"
            }
        }
        return page + "_bf \(version) · \(log.cells.count) cell\(log.cells.count == 1 ? "" : "s")_\n"
    }

    /// The page for `path`: Markdown for `.md`, else HTML.
    public static func page(for path: String, _ log: NotebookLog, title: String, version: String, facts: [(String, String)] = []) -> String {
        path.lowercased().hasSuffix(".md") ? markdown(log, title: title, version: version, facts: facts)
            : html(log, title: title, version: version, facts: facts)
    }

    /// Text without ANSI escape sequences (colour meant for a terminal).
    static func plain(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                // A CSI sequence ends at its final byte, '@' through '~' (after the '[').
                if scalar.value >= 0x40 && scalar.value <= 0x7E && scalar != "[" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// HTML-escapes text and drops ANSI escape sequences (colour meant for a terminal).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in plain(text).unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
