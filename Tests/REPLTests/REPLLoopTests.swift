import Foundation
import XCTest
@testable import REPL

final class REPLLoopTests: XCTestCase {
    private var output: CapturedOutput!
    private var engine: RecordingEngine!
    private var interrupt: InterruptFlag!
    private var directory: URL!

    override func setUpWithError() throws {
        output = CapturedOutput()
        engine = RecordingEngine(output: output)
        interrupt = InterruptFlag()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func lines(_ lines: String...) -> [LineEditorEvent] {
        lines.map { .line($0) }
    }

    private func makeREPL(_ input: ScriptedInput) -> REPL {
        REPL(engine: engine, input: input, output: output, style: .plain, version: "1.2.3",
             interrupt: interrupt, environment: ["HOME": directory.path])
    }

    func testBannerPromptsAndCellNumbers() async {
        let input = ScriptedInput(lines("a", "f(1,", "2)", "b"))
        let status = await makeREPL(input).run()
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.text.hasPrefix("bf 1.2.3 — type :help for help, Ctrl-D to exit\n"), output.text)
        XCTAssertEqual(input.prompts, ["In [1]: ", "In [2]: ", "   ...: ", "In [3]: ", "In [4]: "])
        XCTAssertEqual(engine.ran.map(\.cell), ["a", "f(1,\n2)", "b"])
        XCTAssertEqual(engine.ran.map(\.number), [1, 2, 3])
        XCTAssertTrue(output.text.hasSuffix("Out[3]: b\n\n"), "Ctrl-D ends with a newline")
        XCTAssertTrue(input.closed)
    }

    func testBlankLinesRunNothingButBelongToAnOpenCell() async {
        let input = ScriptedInput(lines("   ", "f(", "", "1)"))
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.ran.map(\.cell), ["f(\n\n1)"])
        XCTAssertEqual(input.prompts, ["In [1]: ", "In [1]: ", "   ...: ", "   ...: ", "In [2]: "])
    }

    func testCtrlCDropsEveryLineOfTheOpenCell() async {
        let input = ScriptedInput([.line("f(1,"), .line("2,"), .interrupted, .line("g")])
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.ran.map(\.cell), ["g"])
        XCTAssertEqual(input.prompts, ["In [1]: ", "   ...: ", "   ...: ", "In [1]: ", "In [2]: "])
    }

    func testTheInterruptFlagIsClearedAroundEveryCell() async {
        let input = ScriptedInput(lines("stop", "next"))
        interrupt.raise()
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.interruptRaisedAtStart, [false, false])
        XCTAssertFalse(interrupt.isRaised)
    }

    func testHistoryGetsWholeCellsAndMetaCommands() async {
        let input = ScriptedInput(lines("f(1,", "2)", ":whoami", "  "))
        _ = await makeREPL(input).run()
        XCTAssertEqual(input.historyEntries, ["f(1,\n2)", ":whoami"])
        XCTAssertTrue(output.text.contains("ann (modeller)\n"))
    }

    func testAHistoryThatCannotBeSavedIsReportedOnce() async {
        let input = ScriptedInput(lines("a", "b"))
        input.failToSaveHistory = true
        _ = await makeREPL(input).run()
        let warning = "warning: cannot save history to '/read-only/history': read-only file system; set XDG_STATE_HOME to a writable directory\n"
        XCTAssertEqual(output.text.components(separatedBy: warning).count, 2, output.text)
        XCTAssertEqual(engine.ran.map(\.cell), ["a", "b"])
    }

    func testSaveWritesAcceptedCellsOnly() async throws {
        let script = directory.appendingPathComponent("session.bf")
        let input = ScriptedInput(lines("a = 1", "bad", "f(1,", "2)", "stop", ":save ~/session.bf"))
        _ = await makeREPL(input).run()
        XCTAssertEqual(try String(contentsOf: script, encoding: .utf8), "a = 1\n\nf(1,\n2)\n")
        XCTAssertTrue(output.text.contains("saved 2 cells to '~/session.bf'\n"), output.text)
    }

    func testResetForgetsAcceptedCellsButNotNumbers() async throws {
        let script = directory.appendingPathComponent("after.bf")
        let input = ScriptedInput(lines("a", ":res", "b", ":save \(script.path)"))
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.resets, 1)
        XCTAssertEqual(engine.ran.map(\.number), [1, 2])
        XCTAssertEqual(try String(contentsOf: script, encoding: .utf8), "b\n")
    }

    func testLoadRunsTheFileAsOneCell() async throws {
        let script = directory.appendingPathComponent("setup.bf")
        try "x = 1\ny = f(x)\n".write(to: script, atomically: true, encoding: .utf8)
        let input = ScriptedInput(lines(":lo \(script.path)", ":load missing.bf"))
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.ran.map(\.cell), ["x = 1\ny = f(x)\n"])
        XCTAssertTrue(output.text.contains("error: cannot read 'missing.bf': no such file\nhelp: check the path"),
                      output.text)
    }

    func testMetaCommandErrorsAreShownAndTheLoopGoesOn() async {
        let input = ScriptedInput(lines(":h", ":frob", ":quit now", "a"))
        _ = await makeREPL(input).run()
        XCTAssertTrue(output.text.contains("""
            error: ':h' is ambiguous: it could be ':help' or ':history'
            help: type more letters of the command
            error: unknown command ':frob'
            help: type ':help' to list the commands
            error: ':quit' takes no argument, got 'now'
            help: usage: :quit
            """), output.text)
        XCTAssertEqual(engine.ran.map(\.cell), ["a"])
    }

    func testQuitEndsTheLoopWithoutReadingFurther() async {
        let input = ScriptedInput(lines(":q", "never"))
        let status = await makeREPL(input).run()
        XCTAssertEqual(status, 0)
        XCTAssertEqual(engine.ran.count, 0)
        XCTAssertEqual(input.prompts.count, 1)
    }

    func testHelpCombinesTheEngineAndTheMetaCommands() async {
        let input = ScriptedInput(lines(":help", ":help train", ":help :sa", ":help :zz"))
        _ = await makeREPL(input).run()
        XCTAssertTrue(output.text.contains("engine help on everything\n\nmeta-commands"), output.text)
        XCTAssertTrue(output.text.contains("  :report FILE   write the session"), output.text)
        XCTAssertTrue(output.text.contains("engine help on train\n"), output.text)
        XCTAssertTrue(output.text.contains(":save FILE\n  write the accepted cells"), output.text)
        XCTAssertTrue(output.text.contains("error: unknown command ':zz'"), output.text)
    }

    func testHistoryListsTheLastEntriesNumbered() async {
        let input = ScriptedInput(lines(":history 2"))
        input.historyEntries = ["old", "f(1,\n2)"]
        _ = await makeREPL(input).run()
        // The ':history 2' line itself is the third entry.
        XCTAssertTrue(output.text.contains("  2  f(1,\n     2)\n  3  :history 2\n"), output.text)
        XCTAssertFalse(output.text.contains("old"))
    }

    func testReportGoesToTheEngineAndItsErrorsAreShown() async {
        let input = ScriptedInput(lines(":report ~/notebook.html", ":report fails.html"))
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.reportedTo, [directory.path + "/notebook.html", "fails.html"])
        XCTAssertTrue(output.text.contains("wrote the report to '~/notebook.html'\n"))
        XCTAssertTrue(output.text.contains("\nerror: "), output.text)
    }

    func testMetaCommandNamesComplete() {
        let repl = makeREPL(ScriptedInput([]))
        XCTAssertEqual(repl.complete(line: ":hi", cursor: 3), Completion(start: 0, candidates: [":history"]))
        XCTAssertEqual(repl.complete(line: ":lo", cursor: 3), Completion(start: 0, candidates: [":load "]))
        XCTAssertEqual(repl.complete(line: ":re", cursor: 3).candidates, [":report ", ":reset"])
        XCTAssertEqual(repl.complete(line: ":help :w", cursor: 8), Completion(start: 6, candidates: [":whoami"]))
        XCTAssertEqual(repl.complete(line: ":quit x", cursor: 7), .none)
    }

    func testFileArgumentsCompleteFromTheDirectory() throws {
        try Data().write(to: directory.appendingPathComponent("setup.bf"))
        let repl = makeREPL(ScriptedInput([]))
        let line = ":load ~/se"
        XCTAssertEqual(repl.complete(line: line, cursor: line.utf8.count), Completion(start: 8, candidates: ["setup.bf"]))
    }

    func testOtherCompletionsGoToTheEngine() {
        engine.completionAnswer = Completion(start: 4, candidates: ["train"])
        let repl = makeREPL(ScriptedInput([]))
        XCTAssertEqual(repl.complete(line: "x = tr", cursor: 6), Completion(start: 4, candidates: ["train"]))
        XCTAssertEqual(engine.completionRequests.last?.line, "x = tr")
        XCTAssertEqual(engine.completionRequests.last?.cursor, 6)
    }

    func testCompletionInsideAnOpenCellSeesTheWholeCell() async {
        let input = ScriptedInput(lines("f(1,", "2)"))
        var answer: Completion?
        input.beforeEvent[1] = { [engine] in
            // 'f(1,\n' is five bytes; the engine answers in whole-cell offsets.
            engine?.completionAnswer = Completion(start: 5, candidates: ["epochs="])
            answer = input.completer?("ep", 2)
        }
        _ = await makeREPL(input).run()
        XCTAssertEqual(engine.completionRequests.first?.line, "f(1,\nep")
        XCTAssertEqual(engine.completionRequests.first?.cursor, 7)
        XCTAssertEqual(answer, Completion(start: 0, candidates: ["epochs="]))
    }
}
