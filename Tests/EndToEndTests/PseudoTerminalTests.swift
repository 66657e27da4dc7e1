import BFTestSupport
import Foundation
import XCTest

/// The pseudo-terminal harness itself, checked against /bin/sh and /bin/cat.
final class PseudoTerminalTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private func shell(_ script: String) throws -> PseudoTerminal {
        try PseudoTerminal(executable: "/bin/sh", arguments: ["-c", script], environment: environment.variables())
    }

    func testWhatTheChildWritesCanBeExpected() throws {
        let terminal = try shell("read line; echo \"got:$line:$((6 * 7))\"")
        try terminal.send("hello\r")
        try terminal.expect("got:hello:42")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testExitStatusIsReported() throws {
        let terminal = try shell("exit 7")
        XCTAssertEqual(try terminal.waitForExit(), 7)
    }

    func testTheTerminalHasTheRequestedSize() throws {
        let terminal = try PseudoTerminal(executable: "/bin/sh", arguments: ["-c", "stty size"],
                                          environment: environment.variables(), columns: 100, rows: 30)
        try terminal.expect("30 100")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testCtrlCInterruptsTheForegroundProcessGroup() throws {
        // The shell and its sleeping child are both in the foreground group; the trap proves
        // the line discipline turned ^C into SIGINT for the group.
        let terminal = try shell("trap 'echo caught-sigint; exit 3' INT; echo ready; while :; do sleep 0.1; done")
        try terminal.expect("ready")
        try terminal.send("\u{3}")
        try terminal.expect("caught-sigint")
        XCTAssertEqual(try terminal.waitForExit(), 3)
    }

    func testCtrlDEndsInputAndCatEchoesLines() throws {
        let terminal = try PseudoTerminal(executable: "/bin/cat", environment: environment.variables())
        try terminal.send("first line\r")
        // Once from the terminal's echo, once from cat.
        try terminal.expect("first line")
        try terminal.expect("first line")
        try terminal.send("\u{4}")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testTimeoutReportsWhatWasOnScreen() throws {
        let terminal = try PseudoTerminal(executable: "/bin/cat", environment: environment.variables())
        try terminal.send("visible text\r")
        XCTAssertThrowsError(try terminal.expect("never shown", timeout: 0.5)) { error in
            XCTAssertTrue("\(error)".contains("visible text"), "\(error)")
            XCTAssertTrue("\(error)".contains("never shown"), "\(error)")
        }
    }

    func testAChildThatOutlivesTheWaitIsKilled() throws {
        let terminal = try shell("sleep 30")
        XCTAssertThrowsError(try terminal.waitForExit(timeout: 0.3))
        XCTAssertEqual(try terminal.waitForExit(), 128 + SIGKILL)
    }

    func testEscapeSequencesAreStrippedFromTheScreen() throws {
        let terminal = try shell("printf 'a\\033[31mred\\033[0m\\033]0;title\\007b\\007\\r\\n'")
        try terminal.expect("aredb")
        XCTAssertEqual(terminal.bellCount, 1)
        XCTAssertTrue(terminal.transcript.contains("\u{1B}[31m"))
    }
}

/// The REPL loop on a real terminal, through `repl-fixture` (the REPL with a stand-in engine:
/// a cell is complete when its brackets close, and running it prints `Out[n]: <cell>`).
final class REPLFixtureTerminalTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private func startREPL(withStateHome: Bool = true, withBFHome: Bool = true,
                           extra: [String: String] = [:]) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(executable: try BuiltProducts.executable("repl-fixture"),
                                          environment: environment.variables(withStateHome: withStateHome, withBFHome: withBFHome,
                                                                             extra: extra))
        try terminal.expect("bf fixture — type :help for help, Ctrl-D to exit")
        return terminal
    }

    func testACellRunsAndTheNextPromptFollows() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("print(1)\r")
        try terminal.expect("Out[1]: print(1)")
        try terminal.expect("In [2]: ")
        try terminal.send("\u{4}")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testContinuationPromptUntilTheBracketsClose() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("x = (1,\r")
        try terminal.expect("\n   ...: ")
        try terminal.send("2,\r")
        try terminal.expect("\n   ...: ")
        try terminal.send("3)\r")
        try terminal.expect("Out[1]: x = (1,\n2,\n3)")
        try terminal.expect("In [2]: ")
    }

    func testTabCompletesOneCandidateAndListsSeveral() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("pri\t")
        try terminal.expect("print")
        try terminal.send("(2)\r")
        try terminal.expect("Out[1]: print(2)")

        try terminal.expect("In [2]: ")
        try terminal.send("p\t")
        try terminal.expect("pod_identifiers  pods             print")
        try terminal.expect("In [2]: p")
        try terminal.send("o\t")
        // "pod" is the common prefix of what is left, so it is inserted and the rest listed.
        try terminal.expect("pod_identifiers  pods")
        try terminal.send("s\r")
        try terminal.expect("Out[2]: pods")

        try terminal.expect("In [3]: ")
        let bellsBefore = terminal.bellCount
        try terminal.send("zzz\t")
        try terminal.expect("zzz")
        try terminal.send("\r")
        try terminal.expect("Out[3]: zzz")
        XCTAssertGreaterThan(terminal.bellCount, bellsBefore, "Tab without candidates rings the bell")
    }

    func testTabCompletesFilePathsAfterLoad() throws {
        let folder = environment.directory.appendingPathComponent("scripts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "loaded(1)\n".write(to: folder.appendingPathComponent("setup.bf"), atomically: true, encoding: .utf8)
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send(":lo\t")
        try terminal.expect(":load ")
        try terminal.send("\(folder.path)/se\t")
        try terminal.expect("setup.bf")
        try terminal.send("\r")
        try terminal.expect("Out[1]: loaded(1)")
    }

    func testCtrlCDropsTheCellBeingTypedAndTheLoopGoesOn() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("a = (1,\r")
        try terminal.expect("   ...: ")
        try terminal.send("2")
        try terminal.expect("2")
        try terminal.send("\u{3}")
        try terminal.expect("^C")
        try terminal.expect("In [1]: ")
        try terminal.send("b\r")
        try terminal.expect("Out[1]: b")
        try terminal.expect("In [2]: ")
        try terminal.send("\u{3}")
        try terminal.expect("In [2]: ")
        try terminal.send("\u{4}")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testCtrlCStopsARunningCell() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("spin\r")
        try terminal.expect("spinning")
        try terminal.send("\u{3}")
        try terminal.expect("stopped by Ctrl-C")
        try terminal.expect("In [2]: ")
        try terminal.send("after\r")
        try terminal.expect("Out[2]: after")
    }

    func testCtrlDOnAnEmptyLineExitsWithStatusZero() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("\u{4}")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testHistorySurvivesARestartAndUpRecallsIt() throws {
        let first = try startREPL(withBFHome: false)
        try first.expect("In [1]: ")
        try first.send("first(1,\r")
        try first.expect("   ...: ")
        try first.send("2)\r")
        try first.expect("Out[1]: first(1,\n2)")
        try first.expect("In [2]: ")
        try first.send(":quit\r")
        XCTAssertEqual(try first.waitForExit(), 0)
        let historyFile = environment.stateDirectory.appendingPathComponent("bf/history")
        XCTAssertTrue(FileManager.default.fileExists(atPath: historyFile.path))

        let second = try startREPL(withBFHome: false)
        try second.expect("In [1]: ")
        try second.send("\u{1b}[A")
        try second.expect(":quit")
        try second.send("\u{1b}[A")
        try second.expect("first(1,")
        try second.send("\r")
        try second.expect("Out[1]: first(1,\n2)")
    }

    func testHistoryGoesToTheHomeDirectoryWithoutXDGStateHome() throws {
        let terminal = try startREPL(withStateHome: false, withBFHome: false)
        try terminal.expect("In [1]: ")
        try terminal.send("kept\r")
        try terminal.expect("Out[1]: kept")
        try terminal.send(":q\r")
        XCTAssertEqual(try terminal.waitForExit(), 0)
        let history = try String(contentsOf: environment.directory.appendingPathComponent(".bf_history"), encoding: .utf8)
        XCTAssertTrue(history.contains("kept"), history)
    }

    func testAnExplicitBFHomeKeepsTheHistoryInsideIt() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("scratch\r")
        try terminal.expect("Out[1]: scratch")
        try terminal.send(":q\r")
        XCTAssertEqual(try terminal.waitForExit(), 0)
        let history = try String(contentsOf: environment.directory.appendingPathComponent(".bf/history"), encoding: .utf8)
        XCTAssertTrue(history.contains("scratch"), history)
        for elsewhere in [environment.directory.appendingPathComponent(".bf_history"),
                          environment.stateDirectory.appendingPathComponent("bf/history")] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.path), elsewhere.path)
        }
    }

    func testSaveWritesTheAcceptedCellsAsAScript() throws {
        let script = environment.directory.appendingPathComponent("session.bf")
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send("a(1)\r")
        try terminal.expect("Out[1]: a(1)")
        try terminal.expect("In [2]: ")
        try terminal.send("fail\r")
        try terminal.expect("the fixture rejects")
        try terminal.expect("In [3]: ")
        try terminal.send("b = [2,\r")
        try terminal.expect("   ...: ")
        try terminal.send("3]\r")
        try terminal.expect("Out[3]: b = [2,\n3]")
        try terminal.expect("In [4]: ")
        try terminal.send(":sa \(script.path)\r")
        try terminal.expect("saved 2 cells to '\(script.path)'")
        XCTAssertEqual(try String(contentsOf: script, encoding: .utf8), "a(1)\n\nb = [2,\n3]\n")
    }

    func testMetaCommandsAnswerToUnambiguousPrefixes() throws {
        let terminal = try startREPL()
        try terminal.expect("In [1]: ")
        try terminal.send(":h\r")
        try terminal.expect("error: ':h' is ambiguous: it could be ':help' or ':history'")
        try terminal.send(":he\r")
        try terminal.expect("fixture help overview")
        try terminal.expect(":history [N]")
        try terminal.send(":wh\r")
        try terminal.expect("fixture-user (modeller)")
        try terminal.send(":hepl\r")
        try terminal.expect("error: unknown command ':hepl'")
        try terminal.expect("help: did you mean ':help'?")
        try terminal.send(":q\r")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testNoColorKeepsEscapeSequencesOutOfThePrompt() throws {
        let coloured = try startREPL()
        try coloured.expect("In [1]: ")
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[32m"), coloured.transcript.debugDescription)

        let plain = try startREPL(extra: ["NO_COLOR": "1"])
        try plain.expect("In [1]: ")
        XCTAssertTrue(plain.transcript.contains("In [1]: "), plain.transcript.debugDescription)
        XCTAssertFalse(plain.transcript.contains("\u{1B}[32m"), plain.transcript.debugDescription)
    }
}

/// Line editing details of the REPL on a terminal: wide characters and window resizing.
final class REPLFixtureEditingTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    func testNonASCIIInputIsEditedAsCharacters() throws {
        let terminal = try PseudoTerminal(executable: try BuiltProducts.executable("repl-fixture"),
                                          environment: environment.variables())
        try terminal.expect("In [1]: ")
        // Backspace (DEL) removes the whole 'ü', not one of its two bytes.
        try terminal.send("print(\"café ü\u{7F}€\")")
        try terminal.expect("€\")")
        try terminal.send("\r")
        try terminal.expect("Out[1]: print(\"café €\")")
    }

    func testTheEditorKeepsWorkingAfterTheWindowIsResized() throws {
        let terminal = try PseudoTerminal(executable: try BuiltProducts.executable("repl-fixture"),
                                          environment: environment.variables())
        try terminal.expect("In [1]: ")
        try terminal.send("before")
        try terminal.expect("before")
        try terminal.resize(columns: 40, rows: 10)
        try terminal.send("_after\r")
        try terminal.expect("Out[1]: before_after")
        try terminal.expect("In [2]: ")
        try terminal.send("\u{4}")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }
}
