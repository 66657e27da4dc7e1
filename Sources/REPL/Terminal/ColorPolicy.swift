#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `--color` option: decide from the terminal and the environment, or force it.
public enum ColorChoice: String, CaseIterable, Sendable {
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    case auto
    /// Colour always, whatever the output and the environment say.
    case always
    /// Colour never.
    case never
}

/// Whether bf colours what it writes.
///
/// With `auto`, colour needs all three: the output is a terminal, `NO_COLOR` is not set (to any
/// value, even empty), and `TERM` is not `dumb`. An explicit `always` or `never` from the command
/// line overrides the environment, as the NO_COLOR convention allows.
public struct ColorPolicy: Equatable, Sendable {
    /// What the user asked for.
    public var choice: ColorChoice

    /// A policy for `choice` (by default `auto`).
    public init(choice: ColorChoice = .auto) {
        self.choice = choice
    }

    /// Whether to colour output that goes to a terminal (`isTerminal`) or not, given `environment`.
    public func usesColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto: return isTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        }
    }

    /// Whether to colour output written to `fileDescriptor` (a terminal or not), given `environment`.
    public func usesColor(fileDescriptor: Int32, environment: [String: String]) -> Bool {
        usesColor(isTerminal: isatty(fileDescriptor) == 1, environment: environment)
    }
}

/// ANSI styles for text on a terminal; every style is the identity when colour is off.
public struct TerminalStyle: Equatable, Sendable {
    /// Whether the styles emit escape sequences.
    public let isEnabled: Bool

    /// Styles that colour when `isEnabled`.
    public init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    /// Styles that never colour.
    public static let plain = TerminalStyle(isEnabled: false)

    /// `text` in bold.
    public func bold(_ text: String) -> String { wrap(text, "1") }
    /// `text` dimmed.
    public func dim(_ text: String) -> String { wrap(text, "2") }
    /// `text` in red.
    public func red(_ text: String) -> String { wrap(text, "31") }
    /// `text` in green.
    public func green(_ text: String) -> String { wrap(text, "32") }
    /// `text` in yellow.
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    /// `text` in cyan.
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        guard isEnabled, !text.isEmpty else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
