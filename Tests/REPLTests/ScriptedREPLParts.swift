import Foundation
@testable import REPL

/// Lines a test types, and everything the REPL asked for.
final class ScriptedInput: LineInput {
    var completer: ((String, Int) -> Completion)?
    var historyEntries: [String] = []
    var prompts: [String] = []
    var failToSaveHistory = false
    private var events: [LineEditorEvent]
    /// Run before the event at that index is delivered, e.g. to press Tab mid-cell.
    var beforeEvent: [Int: () -> Void] = [:]

    init(_ events: [LineEditorEvent]) {
        self.events = events
    }

    func nextLine(prompt: String) async -> LineEditorEvent {
        beforeEvent[prompts.count]?()
        prompts.append(prompt)
        return events.isEmpty ? .endOfInput : events.removeFirst()
    }

    var closed = false

    func close() {
        closed = true
    }

    func addToHistory(_ entry: String) throws(LineEditorError) {
        historyEntries.append(entry)
        if failToSaveHistory {
            throw .historyNotSaved(path: "/read-only/history", reason: "read-only file system")
        }
    }
}

final class CapturedOutput: REPLOutput {
    var text = ""
    func write(_ text: String) { self.text += text }
}

/// A cell is complete when its parentheses balance; a cell containing "bad" is rejected.
final class RecordingEngine: REPLEngine {
    var ran: [(cell: String, number: Int)] = []
    var interruptRaisedAtStart: [Bool] = []
    var resets = 0
    var completionRequests: [(line: String, cursor: Int)] = []
    var completionAnswer = Completion.none
    var reportedTo: [String] = []
    let output: CapturedOutput

    init(output: CapturedOutput) {
        self.output = output
    }

    func completeness(of source: String) -> CellCompleteness {
        source.filter { $0 == "(" }.count > source.filter { $0 == ")" }.count ? .incomplete : .complete
    }

    private(set) var nextCellNumber = 1
    private(set) var acceptedCells: [String] = []

    func run(cell: String, interrupt: InterruptFlag) async -> CellOutcome {
        let number = nextCellNumber
        nextCellNumber += 1
        ran.append((cell, number))
        interruptRaisedAtStart.append(interrupt.isRaised)
        if cell.contains("stop") {
            interrupt.raise()
            return .interrupted
        }
        output.write("Out[\(number)]: \(cell)\n")
        if cell.contains("bad") { return .rejected }
        acceptedCells.append(cell)
        return .accepted
    }

    func completions(line: String, cursor: Int) -> Completion {
        completionRequests.append((line, cursor))
        return completionAnswer
    }

    func help(topic: String?) -> String { "engine help on \(topic ?? "everything")" }
    func reset() {
        resets += 1
        acceptedCells.removeAll()
    }
    func whoami() -> String { "ann (modeller)" }

    func report(to path: String) throws {
        reportedTo.append(path)
        if path.hasSuffix("fails.html") {
            throw CocoaError(.fileWriteNoPermission)
        }
    }
}
