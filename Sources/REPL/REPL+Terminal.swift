import Foundation

extension REPL {
    /// The interactive REPL on this process's terminal: a libedit `LineEditor` on standard input
    /// with the history file for `environment` (see `HistoryLocation`), standard output coloured
    /// as `color` decides, and the SIGINT handler raising `REPL.interruptFlag`.
    ///
    /// Call it only when standard input is a terminal; `bf` reads a piped script without a REPL.
    /// With `walkthrough` the REPL guides the user through it (`bf tutorial N`).
    public static func onTerminal(engine: any REPLEngine, version: String, color: ColorPolicy = ColorPolicy(),
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  walkthrough: Walkthrough? = nil)
        throws(LineEditorError) -> REPL
    {
        let historyFile = HistoryLocation.file(environment: environment, homeDirectory: NSHomeDirectory())
        let editor = try LineEditor(historyFile: historyFile)
        let style = TerminalStyle(isEnabled: color.usesColor(fileDescriptor: STDOUT_FILENO, environment: environment))
        return REPL(engine: engine, input: editor, output: StandardOutput(), style: style, version: version,
                    interrupt: interruptFlag, environment: environment, walkthrough: walkthrough)
    }

    /// The flag Ctrl-C raises in the interactive REPL (the same one every cell receives), for
    /// work that starts outside a cell.
    public static var interruptFlag: InterruptFlag {
        TerminalSignals.shared.interrupt
    }
}
