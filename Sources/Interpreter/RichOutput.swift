import Language

/// A front end that shows a cell's results itself rather than as terminal text (the Jupyter
/// kernel). A session with one hands it what a terminal would get as text: the value shown as
/// `Out[n]:`, the progress line redrawn in place, the charts of a training, and errors.
/// Everything else a cell writes still goes to the session's `OutputSink`.
public protocol RichOutput: AnyObject {
    /// The value of a cell's last expression, numbered as the cell is.
    func showResult(_ value: Value, number: Int)
    /// A value `display()` shows in the course of a cell.
    func showDisplay(_ value: Value)
    /// Long work's progress line; nil when the work is done.
    func showProgress(_ line: String?)
    /// A chart a built-in made (a training's metrics per round).
    func showChart(_ chart: MetricsChart)
    /// A cell that failed to parse or run.
    func showFailure(_ failure: CellFailure)
}

/// Why a cell failed, in the forms a front end shows: a kind and a message for a summary
/// line, and the whole diagnostic as the terminal shows it.
public struct CellFailure: Error, Sendable {
    /// What went wrong, as a short name: "SyntaxError", "RuntimeError", "InputOutputError".
    public let kind: String
    /// The first diagnostic's message.
    public let message: String
    /// Every diagnostic rendered with its source excerpt (coloured when the session is).
    public let rendered: String
    /// The runtime error itself; nil for syntax errors.
    public let error: RuntimeError?

    public init(kind: String, message: String, rendered: String, error: RuntimeError?) {
        self.kind = kind
        self.message = message
        self.rendered = rendered
        self.error = error
    }
}
