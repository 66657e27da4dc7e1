import Diagnostics
import Federation
import Language

/// An error while running bf code, shown to the user as a diagnostic at `span`.
public struct RuntimeError: Error, Sendable {
    /// What went wrong and what to do about it.
    public var problem: Problem
    /// The source span at fault; the evaluator fills in the failing call's span when a
    /// built-in throws without one.
    public var span: Span?
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
        self.init(Problem(message, notes: notes, help: help), span: span, more: more)
    }

    public init(_ problem: Problem, span: Span? = nil, more: [RuntimeError] = []) {
        self.problem = problem
        self.span = span
        self.more = more
    }

    /// Another layer's error (a pod's refusal, a bad CSV, a model file) shown at `span`: its
    /// first problem is this error, the others follow it.
    public init(_ error: any ProblemError, span: Span? = nil) {
        let problems = error.problems.isEmpty ? [Problem(error.description)] : error.problems
        self.init(problems[0], span: span, more: problems.dropFirst().map { RuntimeError($0, span: span) })
        isInputOutput = error.isInputOutput
        federationError = error as? any FederationError
    }

    public var message: String { problem.message }
    public var notes: [String] { problem.notes }
    public var help: String? { problem.help }

    /// This error and the further ones, as diagnostics.
    public var diagnostics: [Diagnostic] {
        [Diagnostic(.error, problem, span: span)]
            + more.flatMap { error in
                var located = error
                if located.span == nil { located.span = span }
                return located.diagnostics
            }
    }
}

/// Thrown when the user pressed Ctrl-C and long work stopped at a safe point.
public struct Interrupted: Error, Sendable {
    public init() {}
}
