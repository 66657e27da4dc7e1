import Files
import Foundation
import Interpreter
import REPL

/// The interpreter session as the REPL's engine: wiring only.
extension Session: REPLEngine {
    public func completeness(of source: String) -> CellCompleteness {
        needsMoreInput(source) ? .incomplete : .complete
    }

    public func run(cell: String, interrupt: InterruptFlag) async -> CellOutcome {
        options.isInterrupted = { interrupt.isRaised }
        switch await runCell(cell) {
        case .success: return .accepted
        case .syntaxError, .runtimeError, .inputOutputError: return .rejected
        case .interrupted: return .interrupted
        }
    }

    public func completions(line: String, cursor: Int) -> Completion {
        let result: CompletionResult = completions(line: line, cursor: cursor)
        return Completion(start: result.start, candidates: result.candidates)
    }

    public func help(topic: String?) -> String {
        guard let topic else { return HelpText.overview(builtins) }
        do {
            return try HelpText.topic(topic, in: builtins)
        } catch let error as RuntimeError {
            return "error: " + error.message + (error.help.map { "\nhelp: " + $0 } ?? "")
        } catch {
            return "error: \(error)"
        }
    }

    public func report(to path: String) throws {
        let page = NotebookReport.page(for: path, notebook, title: "bf session", version: BF.version, facts: reportFacts)
        try AtomicFile.write(page, to: path)
    }
}
