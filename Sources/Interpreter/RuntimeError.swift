import Language

/// An error while running bf code, shown to the user as a diagnostic at `span`.
public struct RuntimeError: Error, Sendable {
    public var message: String
    /// The source span at fault; the evaluator fills in the failing call's span when a
    /// built-in throws without one.
    public var span: Span?
    public var notes: [String]
    public var help: String?

    public init(_ message: String, span: Span? = nil, notes: [String] = [], help: String? = nil) {
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
    }

    public var diagnostic: Diagnostic {
        Diagnostic(.error, message, span: span, notes: notes, help: help)
    }
}

/// An error from another layer (a pod's refusal, a bad CSV) that already carries text a user
/// can act on. The evaluator shows it at the span of the call that failed.
public protocol UserFacingError: Error {
    var message: String { get }
    var help: String? { get }
    var notes: [String] { get }
}

extension UserFacingError {
    public var help: String? { nil }
    public var notes: [String] { [] }
}

/// Thrown when the user pressed Ctrl-C and long work stopped at a safe point.
public struct Interrupted: Error, Sendable {
    public init() {}
}
