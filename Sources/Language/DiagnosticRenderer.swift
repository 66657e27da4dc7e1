/// Turns diagnostics into the text a person reads:
///
///     script.bf:3:14: error: expected ')' to close '(' at 3:5
///         3 | model = f(a, b
///           |              ^
///     help: …
///
/// In the REPL (a source without a name) the file part is left out. Colour is applied only
/// when the caller asks for it; the renderer never decides by itself.
public struct DiagnosticRenderer: Sendable {
    public var useColor: Bool
    /// Lines longer than this many characters are shown as an excerpt around the diagnostic.
    static let longestLineShown = 200

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        var lines: [String] = []
        let severity = paint(diagnostic.severity.rawValue + ":", diagnostic.severity == .error ? "1;31" : "1;33")
        var header = ""
        if let span = diagnostic.span {
            let location = source.location(of: span.start)
            header = source.name.map { "\($0):\(location):" } ?? ""
            header += header.isEmpty ? "" : " "
            lines.append(header + severity + " " + paint(diagnostic.message, "1"))
            let lineCharacters = Array(source.line(location.line))
            let gutter = String(repeating: " ", count: String(location.line).count)
            let startColumn = min(location.column - 1, lineCharacters.count)
            let end = source.location(of: span.end)
            let endColumn = end.line == location.line ? end.column - 1 : lineCharacters.count
            // A very long line (a generated script) is shown as an excerpt around the place.
            var shown = 0..<lineCharacters.count
            if lineCharacters.count > DiagnosticRenderer.longestLineShown {
                shown = max(0, startColumn - 60)..<min(lineCharacters.count, max(startColumn, min(endColumn, startColumn + 100)) + 40)
            }
            let before = shown.lowerBound > 0 ? "…" : ""
            let after = shown.upperBound < lineCharacters.count ? "…" : ""
            lines.append(paint(" \(location.line) | ", "34") + before + String(lineCharacters[shown]) + after)
            let width = max(1, min(endColumn, shown.upperBound) - startColumn)
            let padding = (before.isEmpty ? "" : " ") + String(lineCharacters[shown.lowerBound..<startColumn].map { $0 == "\t" ? "\t" : " " })
            let marker = "^" + String(repeating: "~", count: width - 1)
            lines.append(paint(" \(gutter) | ", "34") + padding + paint(marker, "1;31"))
        } else {
            header = source.name.map { "\($0): " } ?? ""
            lines.append(header + severity + " " + paint(diagnostic.message, "1"))
        }
        for note in diagnostic.notes {
            lines.append("  " + note)
        }
        if let help = diagnostic.help {
            lines.append(paint("help:", "1;36") + " " + help)
        }
        return lines.joined(separator: "\n")
    }

    public func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
        diagnostics.map { render($0, in: source) }.joined(separator: "\n")
    }

    private func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
