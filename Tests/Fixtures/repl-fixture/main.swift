// Test fixture, not part of bf: the REPL loop with a stand-in engine, so the pseudo-terminal
// tests in EndToEndTests can drive line editing, continuation, completion, history, Ctrl-C and
// the meta-commands before (and independently of) the real interpreter.
import Foundation
import REPL

/// Test fixture engine: a cell is complete when its brackets and quotes are closed; running it
/// prints `Out[n]: <cell>`. A cell `spin` runs until Ctrl-C (at most ten seconds), a cell
/// containing `fail` is rejected, and Tab completes a few fixed words.
final class FixtureEngine: REPLEngine {
    private let words = ["evaluate", "pod_identifiers", "pods", "print", "train"]
    private let output = StandardOutput()

    func completeness(of source: String) -> CellCompleteness {
        var depth = 0
        var quote: Character?
        for character in source {
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
        }
        return depth > 0 || quote != nil ? .incomplete : .complete
    }

    private(set) var nextCellNumber = 1
    private(set) var acceptedCells: [String] = []

    func run(cell: String, interrupt: InterruptFlag) async -> CellOutcome {
        let number = nextCellNumber
        nextCellNumber += 1
        if cell == "spin" {
            output.write("spinning\n")
            for _ in 0..<1000 {
                if interrupt.isRaised {
                    output.write("stopped by Ctrl-C\n")
                    return .interrupted
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
            acceptedCells.append(cell)
            return .accepted
        }
        if cell.contains("fail") {
            output.write("error: the fixture rejects cells that contain 'fail'\n")
            return .rejected
        }
        output.write("Out[\(number)]: \(cell)\n")
        acceptedCells.append(cell)
        return .accepted
    }

    func completions(line: String, cursor: Int) -> Completion {
        let bytes = Array(line.utf8)
        var start = cursor
        while start > 0, bytes[start - 1] == UInt8(ascii: "_") || (bytes[start - 1] >= UInt8(ascii: "a") && bytes[start - 1] <= UInt8(ascii: "z")) {
            start -= 1
        }
        let word = String(decoding: bytes[start..<cursor], as: UTF8.self)
        return Completion(start: start, candidates: words.filter { $0.hasPrefix(word) })
    }

    func help(topic: String?) -> String {
        topic.map { "fixture help on '\($0)'" } ?? "fixture help overview"
    }

    func reset() { acceptedCells.removeAll() }

    func whoami() -> String {
        "fixture-user (modeller)"
    }

    func report(to path: String) throws {
        try Data("<html>fixture report</html>\n".utf8).write(to: URL(fileURLWithPath: path))
    }
}

do {
    let repl = try REPL.onTerminal(engine: FixtureEngine(), version: "fixture")
    exit(await repl.run())
} catch {
    FileHandle.standardError.write(Data("repl-fixture: \(error)\n".utf8))
    exit(1)
}
