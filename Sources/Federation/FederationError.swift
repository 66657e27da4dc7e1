import Diagnostics

/// An error of the Federation layer that a user will read.
///
/// Every error thrown by the public API conforms, so the caller can show its `problems`
/// verbatim (several at once when, for example, pods disagree on more than one column).
/// Federation never prints: the caller adds its own `error:` prefix and colour.
public protocol FederationError: ProblemError {}

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
