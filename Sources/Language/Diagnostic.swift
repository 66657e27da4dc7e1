import Diagnostics

/// A problem found in a piece of source: parse errors, name errors from `bf check`, and
/// runtime errors, all rendered the same way by `DiagnosticRenderer`.
public struct Diagnostic: Error, Sendable, Hashable {
    public enum Severity: String, Sendable { case error, warning, note }

    public let severity: Severity
    /// What is wrong: the message, further lines shown under the source excerpt (each pod's
    /// values, say) and the help.
    public let problem: Problem
    /// Where the problem is; nil for problems of the whole input.
    public let span: Span?

    public init(_ severity: Severity = .error, _ message: String, span: Span?, notes: [String] = [], help: String? = nil) {
        self.init(severity, Problem(message, notes: notes, help: help), span: span)
    }

    public init(_ severity: Severity = .error, _ problem: Problem, span: Span?) {
        self.severity = severity
        self.problem = problem
        self.span = span
    }

    public var message: String { problem.message }
    public var notes: [String] { problem.notes }
    public var help: String? { problem.help }

    public init(_ error: SyntaxError, span: Span) {
        self.init(.error, error.message, span: span, help: error.help)
    }
}
