import Files
import Foundation

/// The notebook-style read-eval-print loop of bf.
///
/// Design note. The REPL owns everything about talking to a person at a terminal and nothing
/// about the language: it shows `In [n]:` and, while the engine says the cell is incomplete,
/// `   ...:`; it hands each complete cell to its `REPLEngine`, records the cell in the history,
/// keeps the accepted cells for `:save`, and runs the meta-commands. Lines come from a
/// `LineInput` (the libedit `LineEditor` on a terminal) and the REPL's own text goes to a
/// `REPLOutput`, so the whole loop runs in tests with scripted input.
///
/// With a `Walkthrough` (`bf tutorial N`) the REPL also guides the user through a tutorial: it
/// shows the next step, runs it as a cell when the user presses Enter on an empty line, and
/// moves on; `:skip` and `:back` move without running. Whatever else the user types is handled
/// as always, in the same session, so between steps they can look at what a step made.
///
/// Ctrl-C never ends the loop: while editing it drops the cell being typed (every line of it);
/// while a cell runs it raises `interrupt`, which the engine polls. The flag is cleared before
/// and after every cell. Ctrl-D on an empty line (or `:quit`) ends the loop with status 0.
public final class REPL {
    private let engine: any REPLEngine
    private let input: any LineInput
    private let output: any REPLOutput
    /// How the REPL styles its own text (colour on a terminal that wants it).
    let style: TerminalStyle
    private let version: String
    private let interrupt: InterruptFlag
    private let environment: [String: String]

    private var pendingLines: [String] = []
    private var historyWarningShown = false
    /// The tutorial being walked through, if any; it stays after its last step so `:back` works.
    var walkthrough: Walkthrough?

    /// A REPL that reads from `input`, evaluates with `engine`, writes to `output` in `style`,
    /// and raises or clears `interrupt` around cells. `version` goes into the banner;
    /// `environment` supplies `HOME` for `~` in file names. With `walkthrough`, the loop starts
    /// by showing its first step.
    public init(engine: any REPLEngine, input: any LineInput, output: any REPLOutput, style: TerminalStyle,
                version: String, interrupt: InterruptFlag,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                walkthrough: Walkthrough? = nil) {
        self.engine = engine
        self.input = input
        self.output = output
        self.style = style
        self.version = version
        self.interrupt = interrupt
        self.environment = environment
        self.walkthrough = walkthrough
        input.completer = { [unowned self] line, cursor in
            self.complete(line: line, cursor: cursor)
        }
    }

    /// Runs the loop until Ctrl-D on an empty line or `:quit`, then closes the input (restoring
    /// the terminal); returns the exit status (0).
    public func run() async -> Int32 {
        defer { input.close() }
        output.write("\(style.bold("bf")) \(version) — type :help for help, Ctrl-D to exit\n")
        if let walkthrough {
            output.write(WalkthroughText.opening(walkthrough, interactive: true, style: style))
            showStep()
        }
        while true {
            let prompt = pendingLines.isEmpty
                ? Prompt.input(number: engine.nextCellNumber, style: style)
                : Prompt.continuation(number: engine.nextCellNumber, style: style)
            switch await input.nextLine(prompt: prompt) {
            case .endOfInput:
                output.write("\n")
                return 0
            case .interrupted:
                pendingLines.removeAll()
            case let .line(line):
                if await handle(line) == .quit {
                    return 0
                }
            }
        }
    }

    /// Whether the loop goes on after a line.
    private enum Flow {
        case proceed
        case quit
    }

    private func handle(_ line: String) async -> Flow {
        if pendingLines.isEmpty {
            let trimmed = line.trimmingBlanks()
            if trimmed.isEmpty {
                await runStep()
                return .proceed
            }
            if trimmed.hasPrefix(":") {
                remember(trimmed)
                return await perform(MetaCommand.parse(trimmed))
            }
        }
        pendingLines.append(line)
        let cell = pendingLines.joined(separator: "\n")
        guard engine.completeness(of: cell) == .complete else {
            return .proceed
        }
        pendingLines.removeAll()
        remember(cell)
        await run(cell: cell)
        return .proceed
    }

    /// Runs `cell` as the engine's next cell.
    @discardableResult
    func run(cell: String) async -> CellOutcome {
        interrupt.clear()
        let outcome = await engine.run(cell: cell, interrupt: interrupt)
        interrupt.clear()
        return outcome
    }

    /// Adds `entry` to the history, warning once if the history cannot be saved.
    func remember(_ entry: String) {
        do {
            try input.addToHistory(entry)
        } catch {
            // Once is enough: the history still works in memory for this session.
            guard !historyWarningShown else { return }
            historyWarningShown = true
            output.write("\(style.yellow(style.bold("warning:"))) \(error.description)\n")
        }
    }

    private func perform(_ parsed: Result<MetaCommand, MetaCommandError>) async -> Flow {
        let command: MetaCommand
        switch parsed {
        case let .success(parsedCommand):
            command = parsedCommand
        case let .failure(error):
            showError(error.message, help: error.help)
            return .proceed
        }
        switch command {
        case let .help(topic):
            showHelp(topic: topic)
        case let .load(path):
            await load(path)
        case let .save(path):
            save(to: path)
        case let .report(path):
            do {
                try engine.report(to: expanded(path))
                output.write("wrote the report to '\(path)'\n")
            } catch {
                let failure = error as? FileError ?? FileError(.write, path: path, underlying: error)
                showError(failure.description, help: "choose a path in a folder you can write to")
            }
        case let .history(count):
            showHistory(last: count ?? MetaCommand.defaultHistoryCount)
        case .reset:
            engine.reset()
            output.write("session reset: every variable and chosen pod is forgotten; cell numbers go on\n")
        case .whoami:
            writeLine(engine.whoami())
        case .skip:
            skipStep()
        case .back:
            showStepBefore()
        case .quit:
            return .quit
        }
        return .proceed
    }

    private func load(_ path: String) async {
        let text: String
        do {
            text = try SessionFile.read(expanded(path))
        } catch {
            showError(error.message, help: error.help)
            return
        }
        guard !text.trimmingBlanks().isEmpty else {
            output.write("'\(path)' is empty; nothing to run\n")
            return
        }
        await run(cell: text)
    }

    private func save(to path: String) {
        let cells = engine.acceptedCells
        let script = cells.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined(separator: "\n")
        do {
            try SessionFile.write(script, to: expanded(path))
        } catch {
            showError(error.message, help: error.help)
            return
        }
        let count = cells.count
        output.write("saved \(count) \(count == 1 ? "cell" : "cells") to '\(path)'\n")
    }

    private func showHelp(topic: String?) {
        guard let topic else {
            writeLine(engine.help(topic: nil))
            output.write("\n" + Self.metaCommandOverview(style: style))
            return
        }
        guard topic.hasPrefix(":") else {
            writeLine(engine.help(topic: topic))
            return
        }
        switch MetaCommand.resolve(String(topic.dropFirst())) {
        case let .success(name):
            output.write("\(style.bold(name.usage))\n  \(name.summary)\n")
        case let .failure(error):
            showError(error.message, help: error.help)
        }
    }

    /// The list of meta-commands that ends the `:help` overview.
    static func metaCommandOverview(style: TerminalStyle) -> String {
        let width = MetaCommandName.allCases.map(\.usage.count).max() ?? 0
        var text = "meta-commands (any unambiguous prefix works, e.g. ':he' for ':help'):\n"
        for name in MetaCommandName.allCases {
            let padding = String(repeating: " ", count: width - name.usage.count)
            text += "  \(style.bold(name.usage))\(padding)  \(name.summary)\n"
        }
        return text
    }

    private func showHistory(last count: Int) {
        let entries = input.historyEntries
        let first = max(entries.count - count, 0)
        let width = String(entries.count).count
        for (offset, entry) in entries[first...].enumerated() {
            let number = String(first + offset + 1)
            let label = String(repeating: " ", count: width - number.count) + number
            let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
            var text = "  \(style.dim(label))  \(lines.first ?? "")\n"
            for line in lines.dropFirst() {
                text += String(repeating: " ", count: width + 4) + line + "\n"
            }
            output.write(text)
        }
    }

    /// Writes an error and what to do about it.
    func showError(_ message: String, help: String?) {
        var text = "\(style.red(style.bold("error:"))) \(message)\n"
        if let help {
            text += "\(style.cyan(style.bold("help:"))) \(help)\n"
        }
        output.write(text)
    }

    /// Writes `text` as it is.
    func write(_ text: String) {
        output.write(text)
    }

    private func writeLine(_ text: String) {
        output.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    private func expanded(_ path: String) -> String {
        SessionFile.expandingTilde(in: path, homeDirectory: environment["HOME"])
    }

    /// Tab: meta-command names and their file arguments are the REPL's own; everything else
    /// goes to the engine with the whole cell so far, so it sees the context of the cursor.
    func complete(line: String, cursor: Int) -> Completion {
        if pendingLines.isEmpty, line.hasPrefix(":") {
            return completeMetaCommand(line: line, cursor: cursor)
        }
        guard !pendingLines.isEmpty else {
            return engine.completions(line: line, cursor: cursor)
        }
        let before = pendingLines.joined(separator: "\n") + "\n"
        let shift = before.utf8.count
        let answer = engine.completions(line: before + line, cursor: cursor + shift)
        guard answer.start >= shift else { return .none }
        return Completion(start: answer.start - shift, candidates: answer.candidates)
    }

    private func completeMetaCommand(line: String, cursor: Int) -> Completion {
        let bytes = Array(line.utf8)
        guard cursor <= bytes.count else { return .none }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let nameEnd = bytes[..<cursor].firstIndex(where: isBlank)
        guard let nameEnd else {
            let word = String(decoding: bytes[1..<cursor], as: UTF8.self)
            let candidates = MetaCommandName.allCases.filter { $0.rawValue.hasPrefix(word) }.map { name in
                if case .file = name.argument { ":\(name.rawValue) " } else { ":\(name.rawValue)" }
            }
            return Completion(start: 0, candidates: candidates)
        }
        guard case let .success(name) = MetaCommand.resolve(String(decoding: bytes[1..<nameEnd], as: UTF8.self)) else {
            return .none
        }
        let argumentStart = bytes[nameEnd..<cursor].firstIndex { !isBlank($0) } ?? cursor
        let argument = String(decoding: bytes[argumentStart..<cursor], as: UTF8.self)
        switch name {
        case .load, .save, .report:
            let files = FileCompletion.complete(argument, currentDirectory: FileManager.default.currentDirectoryPath,
                                                homeDirectory: environment["HOME"])
            return Completion(start: argumentStart + files.start, candidates: files.candidates)
        case .help where argument.hasPrefix(":"):
            let word = argument.dropFirst()
            let names = MetaCommandName.allCases.filter { $0.rawValue.hasPrefix(word) }.map { ":\($0.rawValue)" }
            return Completion(start: argumentStart, candidates: names)
        case .help:
            let answer = engine.completions(line: argument, cursor: argument.utf8.count)
            return Completion(start: argumentStart + answer.start, candidates: answer.candidates)
        default:
            return .none
        }
    }
}
