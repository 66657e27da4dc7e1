import BFTestSupport
import Foundation
import XCTest

/// Runs every case of the bad-input catalogue (`BadInputs/`, format in its `README.md`) with the
/// built `bf`, each in a scratch folder with a home of its own, and after each runs a normal
/// task in the same home to show the bad input left it usable.
///
/// All cases run in one test, a few at a time, so that every failing case is reported, each with
/// its path, its command, what was expected and what `bf` did. `BAD_INPUT_FILTER=csv/` runs only
/// the cases whose path contains the text; `BAD_INPUT_JOBS` sets how many run at once.
final class BadInputTests: XCTestCase {
    func testBadInputCatalogue() throws {
        let binary = try BFBinary.locate()
        let root = try BadInputTests.root()
        let filter = ProcessInfo.processInfo.environment["BAD_INPUT_FILTER"] ?? ""
        let cases = try BadInputTests.cases(in: root).filter { filter.isEmpty || $0.relativePath.contains(filter) }
        XCTAssertFalse(cases.isEmpty, "no bad-input cases under \(root.path)" + (filter.isEmpty ? "" : " matching '\(filter)'"))

        let started = Date()
        let template = try HomeTemplate(binary: binary)
        defer { try? FileManager.default.removeItem(at: template.folder) }
        let jobs = Int(ProcessInfo.processInfo.environment["BAD_INPUT_JOBS"] ?? "") ?? max(2, ProcessInfo.processInfo.activeProcessorCount)
        let reports = BadInputTests.runAll(cases, jobs: jobs) { badInput in
            BadInputRunner(badInput: badInput, binary: binary, template: template).run()
        }
        var failed = 0
        for report in reports.compactMap({ $0 }) {
            failed += 1
            XCTFail(report)
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print("bad inputs: \(failed == 0 ? "all \(cases.count) cases passed" : "\(failed) of \(cases.count) cases failed") in \(seconds) s")
    }

    /// The `BadInputs` folder: the source folder when it is there (so a case can be edited
    /// without a rebuild), else the copy in the test bundle's resources.
    static func root() throws -> URL {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInputs")
        if FileManager.default.fileExists(atPath: source.path) { return source }
        if let url = Bundle.module.url(forResource: "BadInputs", withExtension: nil) { return url }
        throw BFBinaryError(description: "the BadInputs folder is neither at \(source.path) nor in the test bundle")
    }

    /// Every `.case` file under `root`, sorted by path.
    static func cases(in root: URL) throws -> [BadInputCase] {
        let rootPath = root.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw BFBinaryError(description: "cannot list \(root.path)")
        }
        var cases: [BadInputCase] = []
        for case let url as URL in enumerator where url.pathExtension == "case" {
            let fullPath = url.resolvingSymlinksInPath().path
            let relative = fullPath.hasPrefix(rootPath + "/") ? String(fullPath.dropFirst(rootPath.count + 1)) : url.lastPathComponent
            cases.append(BadInputCase(relativePath: relative, text: try String(contentsOf: url, encoding: .utf8)))
        }
        return cases.sorted { $0.relativePath < $1.relativePath }
    }

    /// Runs `body` on every case with at most `jobs` at once; the results in the cases' order.
    static func runAll(_ cases: [BadInputCase], jobs: Int, _ body: @escaping @Sendable (BadInputCase) -> String?) -> [String?] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var reports: [String?]
            init(count: Int) { reports = Array(repeating: nil, count: count) }
        }
        let results = Results(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, cases.count))) { _ in
            while true {
                results.lock.lock()
                let index = results.next
                results.next += 1
                results.lock.unlock()
                guard index < cases.count else { return }
                let report = body(cases[index])
                results.lock.lock()
                results.reports[index] = report
                results.lock.unlock()
            }
        }
        return results.reports
    }
}

/// A bf home holding a small pod, made once per test run and copied for every case, and the
/// normal task that shows a home is still usable.
struct HomeTemplate: Sendable {
    let folder: URL

    /// The pod every home holds: 60 rows, a categorical, a continuous column and a target.
    static let podYAML = """
        pod_name: usable
        datasource: CSVSource
        data_config:
          force_stypes:
            usable:
              categorical: [TARGET]
          datasource_args:
            path: usable.csv

        """

    static var podCSV: String {
        var csv = "age,colour,TARGET\n"
        for row in 0..<60 { csv += "\(20 + row % 37),\(["red", "green", "blue"][row % 3]),\(row % 2)\n" }
        return csv
    }

    /// The normal task run after every case: a one-epoch training on the home's pod (a small
    /// network, so that it takes a quarter of a second).
    static let usableScript = """
        model = PyTorchTabularClassifier(datastructure=DataStructure(target="TARGET", table="usable"),
                                         schema=get_pod_schema("usable"), epochs=1, batch_size=16, hidden_layers=[8])
        results = model.fit(pod_identifiers=["usable"])
        print("usable:", len(results))
        """

    init(binary: BFBinary) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bad-template-\(UUID().uuidString)")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(HomeTemplate.podCSV.utf8).write(to: data.appendingPathComponent("usable.csv"))
        try Data(HomeTemplate.podYAML.utf8).write(to: data.appendingPathComponent("usable.yaml"))
        try Data(HomeTemplate.usableScript.utf8).write(to: data.appendingPathComponent("usable.bf"))
        let environment = ["HOME": folder.path, "BF_HOME": folder.appendingPathComponent("home").path, "BF_USER": "ada"]
        let create = try binary.run(["pod", "create", data.appendingPathComponent("usable.yaml").path], environment: environment, in: folder)
        guard create.status == 0 else {
            throw BFBinaryError(description: "cannot make the template home: bf pod create exited \(create.status)\n\(create.standardError)")
        }
    }

    /// A copy of the template home at `home`.
    func copy(to home: URL) throws {
        try FileManager.default.copyItem(at: folder.appendingPathComponent("home"), to: home)
    }

    var usableScriptPath: String { folder.appendingPathComponent("data/usable.bf").path }
}

/// Runs one case and describes every way it differs from its expectations.
struct BadInputRunner {
    let badInput: BadInputCase
    let binary: BFBinary
    let template: HomeTemplate

    /// What a crash or an internal error looks like; bf must never print it.
    static let forbidden = ["Fatal error", "Stack dump", "Current stack trace", "Segmentation fault", "Illegal instruction",
                            "Error Domain=", "NSCocoaErrorDomain", "Optional(", "Swift runtime failure", "(null)"]

    /// Nil when the case passed, else the failure report.
    func run() -> String? {
        guard badInput.formatProblems.isEmpty else {
            return report(badInput.formatProblems.map { "the case is malformed: " + $0 }, output: nil)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent(".bf")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try template.copy(to: home)
            try badInput.writeFiles(into: folder)
        } catch {
            return report(["cannot prepare the case's folder: \(error)"], output: nil)
        }
        let homeEnvironment = ["HOME": folder.path, "BF_HOME": home.path, "BF_USER": "ada", "LANG": "C.UTF-8", "TERM": "xterm",
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1"]
        let environment = homeEnvironment.merging(badInput.environment) { _, given in given }

        for arguments in badInput.setup {
            do {
                let setup = try binary.run(arguments, environment: environment, in: folder, timeout: 60)
                guard setup.status == 0, !setup.timedOut else {
                    return report(["the setup command 'bf \(arguments.joined(separator: " "))' failed"], output: Output(setup, folder: folder))
                }
            } catch {
                return report(["cannot run the setup command: \(error)"], output: nil)
            }
        }

        var problems: [String] = []
        let output: Output
        do {
            if badInput.isREPL {
                output = try runREPL(environment: environment, folder: folder)
            } else {
                output = Output(try binary.run(badInput.command ?? [], standardInput: badInput.standardInput,
                                               environment: environment, in: folder, timeout: 60), folder: folder)
            }
        } catch {
            return report(["cannot run bf: \(error)"], output: nil)
        }
        problems += compare(output)

        // The same home must still run a normal task.
        for repaired in badInput.repairedFiles {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(repaired))
        }
        do {
            // Without the case's own variables: they are part of the bad input.
            let check = try binary.run(["run", template.usableScriptPath], environment: homeEnvironment, in: folder, timeout: 60)
            if check.status != 0 || !check.standardOutput.contains("usable: 1") {
                problems.append("""
                    the home is not usable after the case: 'bf run usable.bf' (a one-epoch training on the home's pod) exited \(check.status)
                    \(BadInputRunner.indented(check.standardOutput + check.standardError))
                    """)
            }
        } catch {
            problems.append("cannot run the normal task after the case: \(error)")
        }
        return problems.isEmpty ? nil : report(problems, output: output)
    }

    /// The REPL on a pseudo-terminal in `folder`: types each line, waits for the next prompt,
    /// then Ctrl-D.
    private func runREPL(environment: [String: String], folder: URL) throws -> Output {
        let terminal = try PseudoTerminal(executable: "/bin/sh", arguments: ["-c", "cd \"$1\" && exec \"$2\"", "sh", folder.path, binary.url.path],
                                          environment: environment)
        var problems: [String] = []
        do {
            try terminal.expect("In [1]: ", timeout: 20)
            for line in badInput.typedLines {
                try terminal.send(line + "\r")
                try terminal.expectPrompt(timeout: 30)
            }
            try terminal.send("\u{4}")
        } catch {
            problems.append("\(error)")
        }
        var status: Int32 = -1
        do {
            status = try terminal.waitForExit(timeout: 10)
        } catch {
            problems.append("\(error)")
        }
        return Output(standardOutput: "", standardError: "", screen: Output.relative(terminal.screenText, folder: folder),
                      status: status, timedOut: false, problems: problems)
    }

    /// bf's output with the scratch folder's path written `$DIR`.
    struct Output {
        var standardOutput: String
        var standardError: String
        var screen: String?
        var status: Int32
        var timedOut: Bool
        var problems: [String] = []

        init(standardOutput: String, standardError: String, screen: String?, status: Int32, timedOut: Bool, problems: [String]) {
            self.standardOutput = standardOutput
            self.standardError = standardError
            self.screen = screen
            self.status = status
            self.timedOut = timedOut
            self.problems = problems
        }

        init(_ run: BFRun, folder: URL) {
            self.init(standardOutput: Output.relative(run.standardOutput, folder: folder),
                      standardError: Output.relative(run.standardError, folder: folder),
                      screen: nil, status: run.status, timedOut: run.timedOut, problems: [])
        }

        static func relative(_ text: String, folder: URL) -> String {
            let resolved = folder.resolvingSymlinksInPath().path
            var text = text.replacingOccurrences(of: folder.path, with: "$DIR")
            if resolved != folder.path { text = text.replacingOccurrences(of: resolved, with: "$DIR") }
            return text
        }
    }

    private func compare(_ output: Output) -> [String] {
        var problems = output.problems
        if output.timedOut { problems.append("bf did not finish within 60 s and was killed") }
        if let wanted = badInput.expectedExit, !output.timedOut, output.status != wanted {
            problems.append("exit status: expected \(wanted), got \(output.status)")
        }
        if let screen = output.screen {
            if let difference = BadInputRunner.missing(badInput.expectedScreen, in: screen) {
                problems.append("the terminal lacks an expected line" + difference)
            }
        } else {
            if let difference = BadInputRunner.missing(badInput.expectedStandardError, in: output.standardError) {
                problems.append("standard error lacks an expected line" + difference)
            }
            if let difference = BadInputRunner.missing(badInput.expectedStandardOutput, in: output.standardOutput) {
                problems.append("standard output lacks an expected line" + difference)
            }
            if badInput.expectsNoOutput, !output.standardOutput.isEmpty {
                problems.append("standard output should be empty")
            }
        }
        let everything = output.standardOutput + output.standardError + (output.screen ?? "")
        for pattern in BadInputRunner.forbidden where everything.contains(pattern) {
            problems.append("bf printed '\(pattern)', which a user must never see")
        }
        return problems
    }

    /// Nil when every `expected` line is a line of `text` (both without leading and trailing
    /// blanks), in order; else the expected lines with the first one missing marked.
    static func missing(_ expected: [String], in text: String) -> String? {
        let lines = GoldenCase.lines(of: text).map { $0.trimmingCharacters(in: .whitespaces) }
        var position = 0
        for (index, wanted) in expected.enumerated() {
            guard let found = lines[position...].firstIndex(of: wanted) else {
                let listing = expected.enumerated().map { offset, line in
                    (offset == index ? "      > " : "        ") + "| " + line
                }.joined(separator: "\n")
                let note = lines.contains(wanted) ? " (it is there, but before the line expected ahead of it)" : ""
                return "\(note)\n    expected, in this order:\n\(listing)"
            }
            position = found + 1
        }
        return nil
    }

    private func report(_ problems: [String], output: Output?) -> String {
        var text = "bad-input case Tests/EndToEndTests/BadInputs/\(badInput.relativePath) failed (\(badInput.commandLine))\n"
        if !badInput.summary.isEmpty { text += "  (\(badInput.summary))\n" }
        text += problems.map { "  - " + $0 }.joined(separator: "\n")
        guard let output else { return text }
        if let screen = output.screen {
            text += "\n  --- terminal ---\n" + BadInputRunner.indented(screen)
        } else {
            text += "\n  --- standard output ---\n" + BadInputRunner.indented(output.standardOutput)
            text += "\n  --- standard error ---\n" + BadInputRunner.indented(output.standardError)
        }
        text += "\n  --- exit status \(output.status) ---"
        return text
    }

    static func indented(_ text: String) -> String {
        let lines = GoldenCase.lines(of: text)
        guard !lines.isEmpty else { return "    (empty)" }
        // A megabyte-long line would drown the report.
        return lines.map { "    " + ($0.count > 300 ? String($0.prefix(300)) + "… (\($0.count) characters)" : $0) }.joined(separator: "\n")
    }
}
