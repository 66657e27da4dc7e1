/// A problem found in a piece of source: parse errors, name errors from `bf check`, and
/// runtime errors, all rendered the same way by `DiagnosticRenderer`.
public struct Diagnostic: Error, Sendable, Hashable {
    public enum Severity: String, Sendable { case error, warning, note }

    public let severity: Severity
    public let message: String
    /// Where the problem is; nil for problems of the whole input.
    public let span: Span?
    /// Further lines shown under the source excerpt (each pod's values, say).
    public let notes: [String]
    public let help: String?

    public init(_ severity: Severity = .error, _ message: String, span: Span?, notes: [String] = [], help: String? = nil) {
        self.severity = severity
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
    }

    public init(_ error: SyntaxError, span: Span) {
        self.init(.error, error.message, span: span, help: error.help)
    }
}
