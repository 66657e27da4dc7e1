/// The record of a session as a notebook: each cell's source, what it printed, and how it
/// ended. `:report` and `--report` turn it into a page.
public struct NotebookLog: Sendable {
    /// One cell as it ran.
    public struct Cell: Sendable {
        public let number: Int
        public let source: String
        public var output: String
        public var errors: String
        public var outcome: Session.Outcome
    }

    public private(set) var cells: [Cell] = []

    mutating func begin(number: Int, source: String) {
        cells.append(Cell(number: number, source: source, output: "", errors: "", outcome: .success))
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
    }

    mutating func removeAll() { cells = [] }
}

/// Writes a notebook log as one self-contained HTML page: no scripts, no external files.
public enum NotebookReport {
    public static func html(_ log: NotebookLog, title: String, version: String) -> String {
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
        footer { color: #888; font-size: 0.8rem; margin-top: 2rem; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>

        """
        for cell in log.cells {
            page += "<section class=\"cell\">\n"
            page += "<div class=\"prompt\">In [\(cell.number)]:</div>\n<pre class=\"code\">\(escape(cell.source))</pre>\n"
            if !cell.output.isEmpty { page += "<pre class=\"output\">\(escape(cell.output))</pre>\n" }
            if !cell.errors.isEmpty { page += "<pre class=\"error\">\(escape(cell.errors))</pre>\n" }
            page += "</section>\n"
        }
        page += "<footer>bf \(escape(version)) · \(log.cells.count) cell\(log.cells.count == 1 ? "" : "s")</footer>\n</body>\n</html>\n"
        return page
    }

    /// The log as Markdown: each cell's code in a fenced block, then what it printed.
    public static func markdown(_ log: NotebookLog, title: String, version: String) -> String {
        var page = "# \(title)\n\n"
        for cell in log.cells {
            page += "**In [\(cell.number)]:**\n\n```python\n\(cell.source)\n```\n\n"
            let shown = plain(cell.output) + plain(cell.errors)
            if !shown.isEmpty { page += "```\n\(shown.hasSuffix("\n") ? shown : shown + "\n")```\n\n" }
        }
        return page + "_bf \(version) · \(log.cells.count) cell\(log.cells.count == 1 ? "" : "s")_\n"
    }

    /// The page for `path`: Markdown for `.md`, else HTML.
    public static func page(for path: String, _ log: NotebookLog, title: String, version: String) -> String {
        path.lowercased().hasSuffix(".md") ? markdown(log, title: title, version: version) : html(log, title: title, version: version)
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
