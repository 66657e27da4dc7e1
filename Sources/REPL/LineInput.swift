/// What reading one line of input produced.
public enum LineEditorEvent: Equatable, Sendable {
    /// A line the user entered, without its newline (a recalled multi-line history entry keeps
    /// its inner newlines).
    case line(String)
    /// Ctrl-C: the line being edited was dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// Where the REPL gets its lines: the libedit `LineEditor` on a terminal, or a scripted source
/// in tests.
public protocol LineInput: AnyObject {
    /// Called on Tab with the whole input so far and the cursor's UTF-8 offset in it.
    var completer: ((_ line: String, _ cursor: Int) -> Completion)? { get set }

    /// The entries of the history, oldest first.
    var historyEntries: [String] { get }

    /// Shows `prompt` and reads one line.
    func nextLine(prompt: String) async -> LineEditorEvent

    /// Appends `entry` (a whole cell, possibly several lines) to the history and persists it.
    func addToHistory(_ entry: String) throws(LineEditorError)

    /// Ends input for good; a terminal is left in the modes it had before the editor started.
    func close()
}

/// Why the line editor could not do what was asked.
public enum LineEditorError: Error, Equatable, CustomStringConvertible {
    /// libedit could not set itself up on the standard streams.
    case cannotStart
    /// The history file could not be written.
    case historyNotSaved(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotStart:
            "cannot start the line editor: libedit failed to initialise on standard input; run bf on a terminal or pipe a script to it"
        case let .historyNotSaved(path, reason):
            "cannot save history to '\(path)': \(reason); set XDG_STATE_HOME to a writable directory"
        }
    }
}
