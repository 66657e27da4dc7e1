import Federation
import Language

/// An error while running bf code, shown to the user as a diagnostic at `span`.
public struct RuntimeError: Error, Sendable {
    public var message: String
    /// The source span at fault; the evaluator fills in the failing call's span when a
    /// built-in throws without one.
    public var span: Span?
    public var notes: [String]
    public var help: String?
    /// Further problems found by the same call (pods disagreeing on several columns), each
    /// shown as its own diagnostic at the same place.
    public var more: [RuntimeError]
    /// Whether a file or the store could not be read or written (a script ends with exit
    /// status 74 rather than 70).
    public var isInputOutput = false
    /// The Federation error this one shows, when it came from one: it keeps what the text
    /// flattens (each pod's values of a column the pods disagree on), for `RichDisplay`.
    public var federationError: (any FederationError)?

    public init(_ message: String, span: Span? = nil, notes: [String] = [], help: String? = nil, more: [RuntimeError] = []) {
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
        self.more = more
    }

    /// This error and the further ones, as diagnostics.
    public var diagnostics: [Diagnostic] {
        [Diagnostic(.error, message, span: span, notes: notes, help: help)]
            + more.flatMap { error in
                var located = error
                if located.span == nil { located.span = span }
                return located.diagnostics
            }
    }
}

/// An error from another layer (a pod's refusal, a bad CSV) that already carries text a user
/// can act on. The evaluator shows it at the span of the call that failed.
public protocol UserFacingError: Error {
    var message: String { get }
    var help: String? { get }
    var notes: [String] { get }
    /// Whether a file could not be read or written.
    var isInputOutput: Bool { get }
}

extension UserFacingError {
    public var help: String? { nil }
    public var notes: [String] { [] }
    public var isInputOutput: Bool { false }
}

/// Thrown when the user pressed Ctrl-C and long work stopped at a safe point.
public struct Interrupted: Error, Sendable {
    public init() {}
}
