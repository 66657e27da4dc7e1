/// One user-facing problem: a first line, indented detail lines and an optional hint.
///
/// Rendered as
/// ```
/// pods disagree on categorical column 'gender'
///   census-income-demo    has Female, Male
///   census-income-other   has Female, Male, Unspecified
///   only in census-income-other: Unspecified
/// help: drop the column with datastructure(ignore_cols=["gender"]) or align the values at the pods
/// ```
/// The caller adds its own `error:` prefix and colour; Federation never prints.
public struct FederationDiagnostic: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The first line: lower case, no trailing period, names the thing at fault.
    public let message: String
    /// Lines shown under the message, without their indentation.
    public let details: [String]
    /// What the user can do about it, shown after `help: `.
    public let help: String?

    /// Creates a diagnostic.
    public init(_ message: String, details: [String] = [], help: String? = nil) {
        self.message = message
        self.details = details
        self.help = help
    }

    /// The message, the details indented by two spaces, and the help line.
    public var description: String {
        var lines = [message]
        lines += details.map { "  " + $0 }
        if let help { lines.append("help: " + help) }
        return lines.joined(separator: "\n")
    }
}

/// An error of the Federation layer that a user will read.
///
/// Every error thrown by the public API conforms, so the caller can show
/// `diagnostics` verbatim (several at once when, for example, pods disagree
/// on more than one column).
public protocol FederationError: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they should be shown; never empty.
    var diagnostics: [FederationDiagnostic] { get }
    /// Whether a file or the store could not be read or written (the command line's exit
    /// status 74), rather than the request being wrong.
    var isInputOutput: Bool { get }
}

extension FederationError {
    public var isInputOutput: Bool { false }
    /// The first diagnostic's message.
    public var message: String { diagnostics.first?.message ?? "" }
    /// The first diagnostic's hint, if any.
    public var help: String? { diagnostics.first?.help }
    /// All diagnostics rendered one after another.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Quotes a name the way messages show code and identifiers: `'like this'`.
func quoted(_ text: String) -> String { "'\(text)'" }

/// `count` with commas between thousands, as messages show counts: 22,610.
func grouped(_ count: Int) -> String {
    let digits = Array(String(count.magnitude))
    var text = count < 0 ? "-" : ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return text
}

/// Joins names for a message: `'a', 'b' and 'c'`.
func quotedList(_ names: [String]) -> String {
    let parts = names.map(quoted)
    guard parts.count > 1, let last = parts.last else { return parts.first ?? "" }
    return parts.dropLast().joined(separator: ", ") + " and " + last
}
