import Federation
import Foundation
import Language

/// One interpreter session: the variables, the numbered cells of a REPL or the statements of
/// a script, and the built-in table they run against.
///
/// A session is single-threaded state. It renders its own diagnostics and values as text and
/// hands them to its `OutputSink`; it never reads or writes the terminal itself.
public final class Session: CallContext {
    public let builtins: BuiltinTable
    public var options: Options
    let output: OutputSink
    var variables: [String: Value] = [:]
    /// The number the next REPL cell gets: the session numbers the cells (the REPL, the
    /// walkthrough and the notebook kernel show its numbers).
    public private(set) var nextCellNumber = 1
    /// Every cell with what it printed, for `:report`.
    public private(set) var notebook = NotebookLog()
    /// The notes already shown once (`noteOnce`).
    private var notesShown: Set<String> = []
    /// While a script runs: names it assigns later, by line, to explain a use that comes first.
    var assignedLater: [String: Int] = [:]
    private let parserWords: Set<String>

    /// How the session presents itself.
    public struct Options: Sendable {
        public var useColor: Bool
        public var width: Int
        /// Called at safe points; true once the user pressed Ctrl-C.
        public var isInterrupted: @Sendable () -> Bool
        /// What Tab offers inside a string besides pod identifiers.
        public var stringCompletions: @Sendable () -> [String]
        /// The bf home (`BF_HOME`); nil: `$BF_HOME`, else `~/.bf`.
        public var home: URL?
        /// The local user acting (`BF_USER`, `--user`); nil: the login name.
        public var userName: String?
        /// bf's version, for saved models and reports.
        public var version = "dev"
        /// Whether output goes to a terminal, where long work draws its progress.
        public var showsProgress = false
        /// How the session reaches pods served by other processes (`bf` passes its gRPC
        /// dialer); nil: only the pods of its own home.
        public var dialer: (any PodDialer)?

        public init(useColor: Bool = false, width: Int = 100, isInterrupted: @escaping @Sendable () -> Bool = { false },
                    stringCompletions: @escaping @Sendable () -> [String] = { [] }, home: URL? = nil, userName: String? = nil) {
            self.useColor = useColor
            self.width = width
            self.isInterrupted = isInterrupted
            self.stringCompletions = stringCompletions
            self.home = home
            self.userName = userName
        }

        /// The home this session uses.
        public var resolvedHome: URL {
            home ?? Hub.home()
        }
    }

    private var openedFederation: FederationContext?

    /// The front end that shows results, progress, charts and errors itself (Jupyter); nil
    /// for a terminal or a script, which get them as text.
    public var richOutput: (any RichOutput)?

    public func federation() throws -> FederationContext {
        if let openedFederation { return openedFederation }
        do {
            let user = options.userName ?? Hub.user()
            let context = try FederationContext(home: options.resolvedHome, userName: user, dialer: options.dialer) { notice($0) }
            openedFederation = context
            return context
        } catch let error as FederationError {
            throw RuntimeError(error)
        }
    }

    /// Who the session acts as, with their roles (`:whoami`), or why that cannot be told.
    public func whoami() -> String {
        do {
            return try FederationBuiltins.whoamiTable(try federation()).display(in: displayContext)
        } catch let error as RuntimeError {
            return "error: " + error.message
        } catch {
            return "error: \(error)"
        }
    }

    /// Pod names for Tab inside strings. Tab never creates a home: it opens the federation
    /// only when the home already has a hub.
    func podNamesForCompletion() -> [String] {
        let hubFile = options.resolvedHome.appendingPathComponent("hub.sqlite").path
        guard openedFederation != nil || FileManager.default.fileExists(atPath: hubFile) else { return [] }
        return (try? federation().podNames()) ?? []
    }

    /// How a cell or a script ended.
    public enum Outcome: Sendable, Equatable {
        case success
        case syntaxError
        case runtimeError
        /// A runtime error because a file or the store could not be read or written.
        case inputOutputError
        case interrupted
    }

    public init(builtins: BuiltinTable = .standard, output: OutputSink, options: Options = Options()) {
        self.builtins = builtins
        self.output = output
        self.options = options
        self.parserWords = builtins.statementWords
        self.variables = NotebookStandIns.variables
    }

    // MARK: - CallContext

    public func write(_ text: String) { emit(text, to: .standardOutput) }
    public func notice(_ text: String) { emit(text + "\n", to: .standardError) }

    public func display(_ value: Value) {
        guard let richOutput else { return write(value.repr(in: displayContext) + "\n") }
        richOutput.showDisplay(value)
    }

    public func noteOnce(_ key: String, _ text: String) {
        guard notesShown.insert(key).inserted else { return }
        notice(paint(text, "2"))
    }

    public func progress(_ line: String?) {
        if let richOutput { return richOutput.showProgress(line) }
        guard options.showsProgress else { return }
        // Carriage return and erase-line: the progress line is redrawn in place.
        output.write("\r\u{1B}[2K" + (line.map { String($0.prefix(options.width)) } ?? ""), to: .standardOutput)
    }

    /// Everything the session shows goes through here, so the notebook log sees it too.
    private func emit(_ text: String, to stream: OutputStreamKind) {
        output.write(text, to: stream)
        notebook.record(text, to: stream)
    }
    public var displayContext: DisplayContext { DisplayContext(useColor: options.useColor, width: options.width) }
    public var isInterrupted: Bool { options.isInterrupted() }
    public var version: String { options.version }
    public func attach(_ chart: MetricsChart) {
        notebook.attach(chart)
        richOutput?.showChart(chart)
    }
    public func recordPredictions(_ predictions: PredictionResults) { latestPredictions = predictions }

    /// The per-row predictions the session's last `model.predict()` returned, if any.
    public private(set) var latestPredictions: PredictionResults?

    /// The CSV text of `latestPredictions` (`pod,test_row,predicted,p_<class>…`), or nil when
    /// the session made none.
    public var latestPredictionsCSV: String? { latestPredictions.map(PredictionsCSV.text) }

    /// What a report says about the run: who, where, which pods.
    public var reportFacts: [(String, String)] {
        guard let federation = openedFederation else { return [] }
        var facts = [("user", federation.identity.name), ("home", federation.hub.home.path)]
        if !federation.chosenPods.isEmpty { facts.append(("pods", federation.chosenPods.joined(separator: ", "))) }
        return facts
    }

    // MARK: - Parsing

    public func parse(_ source: SourceFile) -> ParseResult {
        Parser.parse(source, verbs: parserWords)
    }

    /// Whether REPL input so far needs more lines before it can run.
    public func needsMoreInput(_ text: String) -> Bool {
        parse(SourceFile(name: nil, text: text)).isIncomplete
    }

    // MARK: - Running

    /// Runs one REPL cell as the next numbered one: shows its syntax errors, or runs it and
    /// shows `Out[n]:` with the value of its last statement when that is an expression with
    /// a value. A cell not `counted` (a notebook's silent execution) takes no number of its
    /// own: it runs under the last one.
    @discardableResult
    public func runCell(_ text: String, counted: Bool = true) async -> Outcome {
        let number = counted ? nextCellNumber : max(nextCellNumber - 1, 1)
        if counted { nextCellNumber += 1 }
        notebook.begin(number: number, source: text)
        let outcome = await runCellStatements(text, number: number)
        notebook.finish(outcome)
        return outcome
    }

    private func runCellStatements(_ text: String, number: Int) async -> Outcome {
        let source = SourceFile(name: nil, text: text)
        let parsed = parse(source)
        guard parsed.diagnostics.isEmpty else {
            report(parsed.diagnostics, in: source, kind: "SyntaxError")
            return .syntaxError
        }
        var last: Value = .none
        for (position, statement) in parsed.statements.enumerated() {
            do {
                let value = try await execute(statement)
                if position == parsed.statements.count - 1, case .expression = statement { last = value }
            } catch {
                return handle(error, in: source)
            }
        }
        if case .none = last { return .success }
        variables["_"] = last
        variables["_\(number)"] = last
        if let richOutput {
            richOutput.showResult(last, number: number)
            return .success
        }
        let shown = last.repr(in: displayContext)
        let prompt = paint("Out[\(number)]:", "31")
        write(shown.contains("\n") ? prompt + "\n" + shown + "\n" : prompt + " " + shown + "\n")
        return .success
    }

    /// Runs a whole script: all syntax errors first (nothing runs if there is one), then the
    /// statements in order, showing the value of each expression statement that has one.
    public func runScript(_ source: SourceFile) async -> Outcome {
        let parsed = parse(source)
        guard parsed.diagnostics.isEmpty else {
            report(parsed.diagnostics, in: source, kind: "SyntaxError")
            return .syntaxError
        }
        defer { assignedLater = [:] }
        for statement in parsed.statements.reversed() {
            if case .assignment(.name(let name, let span), _, _) = statement {
                assignedLater[name] = source.location(of: span.start).line
            }
        }
        for (index, statement) in parsed.statements.enumerated() {
            if case .assignment(.name(let name, _), _, _) = statement { assignedLater[name] = nil }
            // Each statement is a cell of the script's notebook (for --report).
            notebook.begin(number: index + 1, source: source.text(of: statement.span))
            do {
                let value = try await execute(statement)
                if case .expression = statement, !isNone(value) {
                    write(value.repr(in: displayContext) + "\n")
                }
                notebook.finish(.success)
            } catch {
                let outcome = handle(error, in: source)
                notebook.finish(outcome)
                return outcome
            }
        }
        return .success
    }

    /// Forgets every variable and cell, the chosen pods and the data structure; cell numbers
    /// go on, as in IPython.
    public func reset() {
        variables = NotebookStandIns.variables
        notebook.removeAll()
        openedFederation?.chosenPods = []
        openedFederation?.currentDataStructure = nil
    }

    /// The cells that ran without error since the session began or was reset, in order (what
    /// `:save` writes).
    public var acceptedCells: [String] {
        notebook.cells.filter { $0.outcome == .success }.map(\.source)
    }

    /// The names of the session's variables, for completion.
    public var variableNames: [String] { variables.keys.sorted() }

    public func value(of name: String) -> Value? { variables[name] }

    // MARK: - Reporting

    /// Shows `diagnostics` on the error stream, or hands them to the rich front end, as a
    /// failure of `kind`.
    func report(_ diagnostics: [Diagnostic], in source: SourceFile, kind: String) {
        show(failure(diagnostics, in: source, kind: kind, error: nil))
    }

    private func show(_ failure: CellFailure) {
        guard let richOutput else { return emit(failure.rendered + "\n", to: .standardError) }
        notebook.record(failure.rendered + "\n", to: .standardError)
        richOutput.showFailure(failure)
    }

    private func failure(_ diagnostics: [Diagnostic], in source: SourceFile, kind: String, error: RuntimeError?) -> CellFailure {
        let rendered = DiagnosticRenderer(useColor: options.useColor).render(diagnostics, in: source)
        return CellFailure(kind: kind, message: diagnostics.first?.message ?? "", rendered: rendered, error: error)
    }

    /// What running `source` threw, as the failure a front end shows.
    private func failure(for error: Error, in source: SourceFile) -> CellFailure {
        switch error {
        case is Interrupted:
            CellFailure(kind: "KeyboardInterrupt", message: "interrupted", rendered: "interrupted", error: nil)
        case let error as RuntimeError:
            failure(error.diagnostics, in: source, kind: error.isInputOutput ? "InputOutputError" : "RuntimeError", error: error)
        default:
            failure([Diagnostic(.error, "\(error)", span: nil)], in: source, kind: "RuntimeError", error: nil)
        }
    }

    /// The value of `text`, which must be one expression (Jupyter's `user_expressions`), or
    /// why it has none. It is not a cell: it gets no number and shows nothing.
    public func evaluate(expression text: String) async -> Result<Value, CellFailure> {
        let source = SourceFile(name: nil, text: text)
        let parsed = parse(source)
        guard parsed.diagnostics.isEmpty else { return .failure(failure(parsed.diagnostics, in: source, kind: "SyntaxError", error: nil)) }
        guard parsed.statements.count == 1, case .expression = parsed.statements[0] else {
            return .failure(failure([Diagnostic(.error, "expected one expression", span: nil)], in: source, kind: "SyntaxError", error: nil))
        }
        do {
            return .success(try await execute(parsed.statements[0]))
        } catch {
            return .failure(failure(for: error, in: source))
        }
    }

    private func handle(_ error: Error, in source: SourceFile) -> Outcome {
        show(failure(for: error, in: source))
        switch error {
        case is Interrupted: return .interrupted
        case let error as RuntimeError where error.isInputOutput: return .inputOutputError
        default: return .runtimeError
        }
    }

    func noteIgnoredImport(_ modules: [String]) {
        noteOnce("import", "note: import lines are accepted and ignored; bf's built-ins are always available")
    }

    private func isNone(_ value: Value) -> Bool {
        if case .none = value { return true }
        return false
    }

    func paint(_ text: String, _ code: String) -> String {
        options.useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// The names a session gives its outputs: `_` for the last value shown and `_N` for `Out[N]`.
enum OutputName {
    /// Whether `name` is `_N`, the name of one cell's output.
    static func isNumbered(_ name: String) -> Bool {
        name.count > 1 && name.hasPrefix("_") && name.utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// What to say when `name` is an output name that holds nothing yet; nil for other names.
    static func absence(of name: String) -> (message: String, help: String)? {
        if name == "_" {
            return ("there is no output yet for '_' to hold",
                    "'_' is the last value shown as Out[N]: run a cell that shows a value first (a script shows none)")
        }
        guard isNumbered(name) else { return nil }
        return ("there is no Out[\(name.dropFirst())] for '\(name)' to hold",
                "'\(name)' is the value shown as Out[\(name.dropFirst())]; only cells that show a value have one")
    }
}
