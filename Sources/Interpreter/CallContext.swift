import Federation
/// What a built-in may ask of the session it runs in. Built-ins never touch the terminal:
/// they write through here, and the session's sink decides where text goes.
public protocol CallContext: AnyObject {
    /// Writes text (with its own line breaks) to the output.
    func write(_ text: String)
    /// Shows `value` as a cell's result shows (`display()`): richly in a notebook.
    func display(_ value: Value)
    /// Writes a quiet note to the error stream (`import` lines are ignored, …).
    func notice(_ text: String)
    /// Writes a note the first time `key` is noted in the session, and never again.
    func noteOnce(_ key: String, _ text: String)
    /// Redraws a line of progress on a terminal; does nothing when output is piped, and is
    /// never kept in the notebook. `nil` clears the line.
    func progress(_ line: String?)
    var displayContext: DisplayContext { get }
    /// True once the user pressed Ctrl-C; long work checks it at safe points.
    var isInterrupted: Bool { get }
    var builtins: BuiltinTable { get }
    /// The federation, opened on first use.
    func federation() throws -> FederationContext
    /// bf's version, written into saved models and reports.
    var version: String { get }
    /// Adds a chart to the running cell of the notebook (shown in reports).
    func attach(_ chart: MetricsChart)
    /// Keeps per-row predictions as the run's latest (`bf run --predictions` writes them).
    func recordPredictions(_ predictions: PredictionResults)
}

/// Where a session's text goes: standard output for results, standard error for
/// diagnostics and notices.
public protocol OutputSink: AnyObject {
    func write(_ text: String, to stream: OutputStreamKind)
}

public enum OutputStreamKind: Sendable {
    case standardOutput, standardError
}

/// A sink that keeps everything, for tests and for building reports.
public final class CapturedOutput: OutputSink {
    public private(set) var standardOutput = ""
    public private(set) var standardError = ""

    public init() {}

    public func write(_ text: String, to stream: OutputStreamKind) {
        switch stream {
        case .standardOutput: standardOutput += text
        case .standardError: standardError += text
        }
    }
}
