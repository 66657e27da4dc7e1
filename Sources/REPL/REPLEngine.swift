/// Whether the text typed so far is a whole cell.
public enum CellCompleteness: Equatable, Sendable {
    /// Ready to run (it may still hold errors; running reports them).
    case complete
    /// Needs more lines: an unclosed bracket or string. The REPL shows the continuation prompt.
    case incomplete
}

/// How running a cell ended.
public enum CellOutcome: Equatable, Sendable {
    /// Parsed and ran without error; `:save` writes accepted cells.
    case accepted
    /// A parse or runtime error was reported.
    case rejected
    /// Stopped by Ctrl-C at a safe point.
    case interrupted
}

/// What the REPL needs from whoever evaluates cells; the interpreter's session conforms.
///
/// The REPL owns the terminal side (prompts, line editing, history, meta-commands, Ctrl-C) and
/// never evaluates anything itself. The engine owns the language: it decides when a cell is
/// complete, runs it and writes its own output (`Out[n]:`, diagnostics, tables, progress) to
/// standard output. All calls come from the REPL's task, one at a time; `completions` is called
/// while the user is editing, between other calls, never during `run`.
public protocol REPLEngine: AnyObject {
    /// Whether `source` (all lines of the cell so far, joined by newlines) is complete. Only an
    /// unclosed bracket or string makes it incomplete; the parser says so as a distinct case.
    func completeness(of source: String) -> CellCompleteness

    /// The number the next cell gets, the `n` of `In [n]:`: the engine numbers the cells it
    /// runs (and keeps them, for its report); the REPL shows the number.
    var nextCellNumber: Int { get }

    /// The cells accepted since the session began or was last reset, in order, for `:save`.
    var acceptedCells: [String] { get }

    /// Runs the complete cell `cell` as the next numbered cell, writing its output. Long work
    /// polls `interrupt` at safe points and stops when it is raised; the REPL clears it before
    /// each cell.
    func run(cell: String, interrupt: InterruptFlag) async -> CellOutcome

    /// Completion candidates for Tab, given the input `line` (possibly several lines of a cell)
    /// and the cursor's UTF-8 offset in it. Offsets in the answer are UTF-8 offsets in `line`.
    func completions(line: String, cursor: Int) -> Completion

    /// Help on `topic` (a built-in, statement or keyword), or the overview when it is nil,
    /// from the same table that feeds evaluation and completion.
    func help(topic: String?) -> String

    /// Forgets every variable, choice and accepted cell of the session; cell numbers go on.
    func reset()

    /// Who the session acts as, for `:whoami`: the user's identity and roles.
    func whoami() -> String

    /// Writes the session so far (cells, outputs, tables, charts) as an HTML notebook to `path`.
    /// The thrown error's description is shown to the user as it is.
    func report(to path: String) throws
}
