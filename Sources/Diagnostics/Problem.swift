/// One problem a user reads: a first line that names the thing at fault and where, lines of
/// detail under it, and what to do about it. Every layer says what went wrong in this shape
/// (its errors are `ProblemError`s); the front ends (a script's error stream, the REPL, the
/// notebook) add the `error:` prefix, the place in the source and the colour.
///
/// Drawn as text:
/// ```
/// pods disagree on categorical column 'gender'
///   census-income-demo    has Female, Male
///   census-income-other   has Female, Male, Unspecified
/// help: drop the column with datastructure(ignore_cols=["gender"]) or align the values at the pods
/// ```
public struct Problem: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The first line: lower case, no trailing period, names the thing at fault.
    public let message: String
    /// Lines shown under the message, without their indentation.
    public let notes: [String]
    /// What the user can do about it, shown after `help: `.
    public let help: String?

    public init(_ message: String, notes: [String] = [], help: String? = nil) {
        self.message = message
        self.notes = notes
        self.help = help
    }

    /// The message, the notes indented by two spaces, and the help line.
    public var description: String {
        var lines = [message]
        lines += notes.map { "  " + $0 }
        if let help { lines.append("help: " + help) }
        return lines.joined(separator: "\n")
    }
}

/// An error a user reads: its problems, the one that stopped the work first.
public protocol ProblemError: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they should be shown; never empty.
    var problems: [Problem] { get }
    /// Whether a file or the store could not be read or written (the command line's exit
    /// status 74), rather than the request being wrong.
    var isInputOutput: Bool { get }
}

extension ProblemError {
    public var isInputOutput: Bool { false }
    /// The first problem's message.
    public var message: String { problems.first?.message ?? "" }
    /// The first problem's help, if any.
    public var help: String? { problems.first?.help }
    /// Every problem drawn, one after another.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
