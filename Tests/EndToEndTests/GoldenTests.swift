import BFTestSupport
import Foundation
import XCTest

/// Runs every `.bf` case under `Golden/` with the built `bf` and compares what it printed,
/// reported and returned with the expectations written in the case's comments. The format
/// is described in `Golden/README.md`.
///
/// All cases run in one test so that every failing case is reported, each with its path,
/// what was expected and what `bf` actually did. `GOLDEN_FILTER=strings/` runs only the
/// cases whose path contains the text.
final class GoldenTests: XCTestCase {
    func testGoldenCases() throws {
        let binary = try BFBinary.locate()
        let root = try GoldenCase.root()
        let filter = ProcessInfo.processInfo.environment["GOLDEN_FILTER"] ?? ""
        let cases = try GoldenCase.all(in: root).filter { filter.isEmpty || $0.relativePath.contains(filter) }
        XCTAssertFalse(cases.isEmpty, "no golden cases found under \(root.path)" + (filter.isEmpty ? "" : " matching '\(filter)'"))

        let updating = ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1"
        var failed = 0
        for goldenCase in cases {
            let arguments = [goldenCase.isCheck ? "check" : "run", "--color", "never", goldenCase.relativePath]
            let run = try binary.run(arguments, in: root)
            if updating { try goldenCase.updateSnapshot(with: run) }
            let snapshot = try? String(contentsOf: root.appendingPathComponent(goldenCase.snapshotPath), encoding: .utf8)
            let problems = goldenCase.formatProblems + goldenCase.compare(with: run)
                + (updating ? [] : goldenCase.compare(run.standardError, withSnapshot: snapshot))
            guard !problems.isEmpty else { continue }
            failed += 1
            XCTFail(goldenCase.report(problems, run: run, command: "bf " + arguments.joined(separator: " ")))
        }
        if failed > 0 {
            print("golden: \(failed) of \(cases.count) cases failed")
        } else {
            print("golden: all \(cases.count) cases passed")
        }
    }
}

/// One golden case: a `.bf` file and the expectations written in its comments.
struct GoldenCase {
    /// One expected diagnostic: `# error: 3:5: message`, and the `# help:` line after it.
    struct ExpectedError {
        let line: Int
        let column: Int
        let message: String
        var help: String?
        /// The case's own line that stated it, for the report.
        let sourceLine: Int

        var header: String { "\(line):\(column): error: \(message)" }
    }

    let relativePath: String
    /// `# check`: run `bf check` instead of `bf run`.
    private(set) var isCheck = false
    private(set) var expectedOutput: [String] = []
    private(set) var expectedErrors: [ExpectedError] = []
    private(set) var expectedStandardErrorLines: [String] = []
    private(set) var expectedExit: Int32?
    /// Mistakes in the case itself (a `# help:` with no error before it, a misspelt marker).
    private(set) var formatProblems: [String] = []

    static let markers = ["expect", "error", "help", "stderr", "exit"]

    /// The `Golden` folder: the copy in the test bundle's resources, or the source folder.
    static func root() throws -> URL {
        if let url = Bundle.module.url(forResource: "Golden", withExtension: nil) { return url }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw BFBinaryError(description: "the Golden folder is neither in the test bundle nor at \(source.path)")
        }
        return source
    }

    /// Every `.bf` file under `root`, sorted by path.
    static func all(in root: URL) throws -> [GoldenCase] {
        let rootPath = root.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw BFBinaryError(description: "cannot list \(root.path)")
        }
        var cases: [GoldenCase] = []
        for case let url as URL in enumerator where url.pathExtension == "bf" {
            let fullPath = url.resolvingSymlinksInPath().path
            let relative = fullPath.hasPrefix(rootPath + "/") ? String(fullPath.dropFirst(rootPath.count + 1)) : url.lastPathComponent
            let text = try String(contentsOf: url, encoding: .utf8)
            cases.append(GoldenCase(relativePath: relative, text: text))
        }
        return cases.sorted { $0.relativePath < $1.relativePath }
    }

    init(relativePath: String, text: String) {
        self.relativePath = relativePath
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = String(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            let number = index + 1
            if line.trimmingCharacters(in: .whitespaces) == "# check" {
                isCheck = true
                continue
            }
            guard let (marker, value, markerStart) = GoldenCase.firstMarker(in: line) else {
                checkForMisspeltMarker(in: line[...], lineNumber: number)
                continue
            }
            checkForMisspeltMarker(in: line[..<markerStart], lineNumber: number)
            add(marker: marker, value: value, lineNumber: number)
        }
        if !expectedErrors.isEmpty && expectedExit == nil {
            formatProblems.append("the case expects errors but states no '# exit:' (65 for syntax or check errors, 70 for runtime errors)")
        }
    }

    private mutating func add(marker: String, value: String, lineNumber: Int) {
        switch marker {
        case "expect":
            expectedOutput.append(value)
        case "error":
            guard let error = GoldenCase.parseError(value, sourceLine: lineNumber) else {
                formatProblems.append("line \(lineNumber): '# error:' must read '# error: LINE:COL: MESSAGE', not '\(value)'")
                return
            }
            expectedErrors.append(error)
        case "help":
            guard !expectedErrors.isEmpty, expectedErrors[expectedErrors.count - 1].help == nil else {
                formatProblems.append("line \(lineNumber): '# help:' must follow an '# error:' that has no help yet")
                return
            }
            expectedErrors[expectedErrors.count - 1].help = value
        case "stderr":
            expectedStandardErrorLines.append(value.trimmingCharacters(in: .whitespaces))
        default:
            guard let status = Int32(value.trimmingCharacters(in: .whitespaces)) else {
                formatProblems.append("line \(lineNumber): '# exit:' needs a number, not '\(value)'")
                return
            }
            if expectedExit != nil { formatProblems.append("line \(lineNumber): '# exit:' is given twice") }
            expectedExit = status
        }
    }

    /// The first `# marker:` on a line, its text (one space after the colon dropped), and where it starts.
    private static func firstMarker(in line: String) -> (String, String, String.Index)? {
        var best: (String, String, String.Index)?
        for marker in markers {
            guard let range = line.range(of: "# \(marker):") else { continue }
            if let current = best, current.2 <= range.lowerBound { continue }
            var value = line[range.upperBound...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
            best = (marker, String(value), range.lowerBound)
        }
        return best
    }

    /// `#expect:`, `# expected:`, `# Error:` and the like would otherwise be silently ignored.
    private mutating func checkForMisspeltMarker(in text: Substring, lineNumber: Int) {
        var search = text.startIndex
        while let hash = text[search...].firstIndex(of: "#") {
            let after = text[text.index(after: hash)...]
            let word = after.drop { $0 == " " }.prefix { $0.isLetter || $0 == "_" || $0 == "-" }
            let rest = after.drop { $0 == " " }.dropFirst(word.count)
            let lowered = word.lowercased()
            if rest.hasPrefix(":"), let marker = GoldenCase.markers.first(where: { lowered.hasPrefix($0) }),
               !(marker == word && after.hasPrefix(" ")) {
                formatProblems.append("line \(lineNumber): '#\(after.prefix { $0 != ":" }):' looks like a misspelt marker; write '# \(marker):'")
            }
            search = text.index(after: hash)
        }
    }

    private static func parseError(_ text: String, sourceLine: Int) -> ExpectedError? {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let line = Int(parts[0]), let column = Int(parts[1]), parts[2].hasPrefix(" ") else { return nil }
        return ExpectedError(line: line, column: column, message: String(parts[2].dropFirst()), help: nil, sourceLine: sourceLine)
    }

    // MARK: - Comparing

    /// A diagnostic as `bf` rendered it: its header without the file name, and its help line.
    struct ActualDiagnostic {
        let header: String
        var help: String?
    }

    /// Every way the run differs from the expectations; empty if it matches.
    func compare(with run: BFRun) -> [String] {
        var problems: [String] = []
        if run.timedOut {
            problems.append("bf did not finish within \(Int(BFBinary.defaultTimeout)) s and was killed")
        }

        let output = GoldenCase.lines(of: run.standardOutput)
        if output != expectedOutput {
            problems.append("standard output differs" + GoldenCase.difference(expected: expectedOutput, actual: output))
        }

        let errorLines = GoldenCase.lines(of: run.standardError)
        let (diagnostics, looseLines) = parseStandardError(errorLines)
        let expectedHeaders = expectedErrors.map(\.header)
        let actualHeaders = diagnostics.map(\.header)
        if expectedHeaders != actualHeaders {
            problems.append("diagnostics differ (header lines, without the file name)"
                            + GoldenCase.difference(expected: expectedHeaders, actual: actualHeaders))
        }
        for (index, expected) in expectedErrors.enumerated() {
            guard let wanted = expected.help, index < diagnostics.count, diagnostics[index].header == expected.header else { continue }
            if diagnostics[index].help != wanted {
                problems.append("""
                    help of '\(expected.header)' (case line \(expected.sourceLine)) differs
                        expected: help: \(wanted)
                        actual:   \(diagnostics[index].help.map { "help: " + $0 } ?? "(no help line)")
                    """)
            }
        }

        var unclaimed = looseLines
        var allLines = errorLines.map { $0.trimmingCharacters(in: .whitespaces) }
        for wanted in expectedStandardErrorLines {
            guard let found = allLines.firstIndex(of: wanted) else {
                problems.append("standard error lacks the line '\(wanted)'")
                continue
            }
            allLines[found] = "\u{0}claimed"
            if let loose = unclaimed.firstIndex(of: wanted) { unclaimed.remove(at: loose) }
        }
        for line in unclaimed {
            problems.append("unexpected line on standard error: '\(line)' (state it with '# stderr:' if it is right)")
        }

        let wantedExit = expectedExit ?? 0
        if !run.timedOut, run.status != wantedExit {
            problems.append("exit status: expected \(wantedExit), got \(run.status)")
        }
        return problems
    }

    /// The file beside the case holding its standard error as bf rendered it (the caret lines
    /// under the source and the notes, which the `# error:` lines do not state).
    var snapshotPath: String { String(relativePath.dropLast(".bf".count)) + ".stderr" }

    /// The snapshot's differences from what the run wrote on standard error; a case that
    /// expects errors must have a snapshot.
    func compare(_ standardError: String, withSnapshot snapshot: String?) -> [String] {
        guard let snapshot else {
            return expectedErrors.isEmpty ? []
                : ["no snapshot of its diagnostics (\(snapshotPath)); GOLDEN_UPDATE=1 swift test --filter GoldenTests writes it"]
        }
        guard snapshot != standardError else { return [] }
        return ["standard error differs from \(snapshotPath) (GOLDEN_UPDATE=1 rewrites it)"
                + GoldenCase.difference(expected: GoldenCase.lines(of: snapshot), actual: GoldenCase.lines(of: standardError))]
    }

    /// Writes the run's standard error as the case's snapshot in the source folder (removing
    /// the snapshot of a case that writes nothing there).
    func updateSnapshot(with run: BFRun) throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
            .appendingPathComponent(snapshotPath)
        if run.standardError.isEmpty {
            try? FileManager.default.removeItem(at: source)
        } else {
            try Data(run.standardError.utf8).write(to: source)
        }
    }

    /// Splits standard error into diagnostics (a header, its excerpt, notes and help) and the
    /// lines that belong to none (notices), trimmed.
    private func parseStandardError(_ lines: [String]) -> ([ActualDiagnostic], [String]) {
        var diagnostics: [ActualDiagnostic] = []
        var loose: [String] = []
        var insideDiagnostic = false
        let prefix = relativePath + ":"
        for line in lines {
            if line.hasPrefix(prefix) {
                diagnostics.append(ActualDiagnostic(header: String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)))
                insideDiagnostic = true
            } else if insideDiagnostic, line.hasPrefix("help: ") {
                diagnostics[diagnostics.count - 1].help = String(line.dropFirst("help: ".count))
            } else if insideDiagnostic, line.hasPrefix(" ") {
                continue
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                insideDiagnostic = false
                loose.append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        return (diagnostics, loose)
    }

    /// The lines of a stream; a final line break does not make an empty last line.
    static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// Expected and actual lines, numbered, with the first difference marked.
    static func difference(expected: [String], actual: [String]) -> String {
        let firstDifference = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expected.count, actual.count)
        func listing(_ lines: [String]) -> String {
            guard !lines.isEmpty else { return "        (nothing)" }
            return lines.enumerated().map { index, line in
                (index == firstDifference ? "      > " : "        ") + "| " + line
            }.joined(separator: "\n")
        }
        return "\n    expected:\n" + listing(expected) + "\n    actual:\n" + listing(actual)
    }

    /// The failure message: the case, the command, every problem, and the full output.
    func report(_ problems: [String], run: BFRun, command: String) -> String {
        var text = "golden case Tests/EndToEndTests/Golden/\(relativePath) failed (\(command))\n"
        text += problems.map { "  - " + $0 }.joined(separator: "\n")
        text += "\n  --- standard output ---\n" + GoldenCase.indented(run.standardOutput)
        text += "\n  --- standard error ---\n" + GoldenCase.indented(run.standardError)
        text += "\n  --- exit status \(run.status) ---"
        return text
    }

    private static func indented(_ text: String) -> String {
        let lines = GoldenCase.lines(of: text)
        return lines.isEmpty ? "    (empty)" : lines.map { "    " + $0 }.joined(separator: "\n")
    }
}
