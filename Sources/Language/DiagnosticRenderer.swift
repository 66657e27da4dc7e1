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
            let lineText = source.line(location.line)
            let gutter = String(repeating: " ", count: String(location.line).count)
            lines.append(paint(" \(location.line) | ", "34") + lineText)
            let lineCharacters = Array(lineText)
            let startColumn = min(location.column - 1, lineCharacters.count)
            let end = source.location(of: span.end)
            let endColumn = end.line == location.line ? end.column - 1 : lineCharacters.count
            let width = max(1, endColumn - startColumn)
            let padding = String(lineCharacters[..<startColumn].map { $0 == "\t" ? "\t" : " " })
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
