import BFTestSupport
import Foundation
import XCTest

/// The real `bf` REPL, driven through a pseudo-terminal as a person would use it.
final class REPLTerminalTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private func startBF(extra: [String: String] = [:]) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(executable: try BuiltProducts.executable("bf"),
                                          environment: environment.variables(extra: extra))
        try terminal.expect("type :help for help, Ctrl-D to exit")
        try terminal.expect("In [1]: ")
        return terminal
    }

    func testCellsValuesAndErrors() throws {
        let bf = try startBF()
        try bf.send("x = 6 * 7\r")
        try bf.expect("In [2]: ")
        try bf.send("x\r")
        try bf.expect("Out[2]: 42")
        try bf.send("_ + 1\r")
        try bf.expect("Out[3]: 43")
        try bf.send("nope\r")
        try bf.expect("error: unknown name 'nope'")
        try bf.expect("In [5]: ")
    }

    func testContinuationOverThreeLines() throws {
        let bf = try startBF()
        try bf.send("values = [1,\r")
        try bf.expect("   ...: ")
        try bf.send("2,\r")
        try bf.expect("   ...: ")
        try bf.send("3]\r")
        try bf.expect("In [2]: ")
        try bf.send("len(values)\r")
        try bf.expect("Out[2]: 3")
    }

    func testTabCompletesBuiltinsKeywordArgumentsAndVariables() throws {
        let bf = try startBF()
        try bf.send("model_path = Path('m.pt')\r")
        try bf.expect("In [2]: ")
        try bf.send("prin\t")
        try bf.expect("print")
        try bf.send("(1, 2, sep\t")
        try bf.expect("sep=")
        try bf.send("'-')\r")
        try bf.expect("1-2")
        try bf.send("model_p\t")
        try bf.expect("model_path")
        // libedit redraws only what changed, so the completed line shows by its result.
        try bf.send(".suf\t")
        try bf.send("\r")
        try bf.expect("Out[3]: '.pt'")
    }

    func testCtrlCDropsTheBufferAndTheREPLGoesOn() throws {
        let bf = try startBF()
        try bf.send("half = [1,\r")
        try bf.expect("   ...: ")
        try bf.send("2, \u{3}")
        try bf.expect("In [1]: ")
        try bf.send("1 + 1\r")
        try bf.expect("Out[1]: 2")
        try bf.send("half\r")
        try bf.expect("unknown name 'half'")
    }

    func testCtrlDExitsWithStatusZero() throws {
        let bf = try startBF()
        try bf.send("\u{4}")
        XCTAssertEqual(try bf.waitForExit(), 0)
    }

    func testHistoryIsThereAfterARestart() throws {
        let first = try startBF()
        try first.send("remembered = 'yes'\r")
        try first.expect("In [2]: ")
        try first.send("\u{4}")
        XCTAssertEqual(try first.waitForExit(), 0)

        let second = try startBF()
        try second.send("\u{1b}[A")
        try second.expect("remembered = 'yes'")
        try second.send("\r")
        try second.expect("In [2]: ")
        try second.send("remembered\r")
        try second.expect("Out[2]: 'yes'")
    }

    func testSaveWritesAScriptThatBfRunAccepts() throws {
        let bf = try startBF()
        try bf.send("greeting = 'hello'\r")
        try bf.expect("In [2]: ")
        try bf.send("broken(\r")
        try bf.expect("   ...: ")
        try bf.send(")\r")
        try bf.expect("unknown name 'broken'")
        try bf.send("print(greeting + ' world')\r")
        try bf.expect("hello world")
        let script = environment.directory.appendingPathComponent("session.bf").path
        try bf.send(":save \(script)\r")
        try bf.expect("In [4]: ")
        try bf.send(":quit\r")
        XCTAssertEqual(try bf.waitForExit(), 0)

        let saved = try String(contentsOfFile: script, encoding: .utf8)
        XCTAssertFalse(saved.contains("broken"), "rejected cells are not saved")
        let run = try BFBinary.locate().run(["run", script])
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertEqual(run.standardOutput, "hello world\n")
    }

    func testReportWritesTheSessionAsHTML() throws {
        let bf = try startBF()
        try bf.send("print('<b>&')\r")
        try bf.expect("In [2]: ")
        let page = environment.directory.appendingPathComponent("report.html").path
        try bf.send(":report \(page)\r")
        try bf.expect("In [2]: ")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("In [1]:"))
        XCTAssertTrue(html.contains("&lt;b&gt;&amp;"), "output is escaped")
    }

    func testTheFirstTwoStepsOfTheWorkflowOnAFreshHome() throws {
        let bf = try startBF(extra: ["BF_USER": "modeller"])
        try bf.send("pods\r")
        try bf.expect("creating the demo federation")
        try bf.expect("modeller/census-income-unapproved")
        try bf.expect("In [2]: ")
        try bf.send("check_access([\"census-income-demo\", \"census-income-yaml-demo\", \"census-income-unapp\t")
        try bf.send("\"], aggregator=\"secure\")\r")
        try bf.expect("approvals (row approves column):")
        try bf.expect("In [3]: ")
        XCTAssertTrue(bf.screenText.contains("refused: this pod has not approved"), bf.screenText)
        try bf.send("pods \"census-income-demo\", \"census-income-yaml-demo\"\r")
        try bf.expect("In [4]: ")
        try bf.send("ds = datastructure target=\"TARGET\"\r")
        try bf.expect("In [5]: ")
        try bf.send("schema = combine_schemas\r")
        try bf.expect("In [6]: ")
        try bf.send("schema\r")
        try bf.expect("combined schema of modeller/census-income-demo, modeller/census-income-yaml-demo")
        try bf.expect("In [7]: ")
        try bf.send("combine_schemas [\"census-income-demo\", \"census-income-other\"]\r")
        try bf.expect("error: pods disagree on categorical column 'gender'")
        try bf.expect("only in census-income-other: Unspecified")
        try bf.expect("In [8]: ")
        try bf.send(":whoami\r")
        try bf.expect("modeller (key ")
    }

    func testTrainingShowsProgressOnATerminalAndCtrlCStopsIt() throws {
        let bf = try startBF(extra: ["BF_USER": "modeller"])
        try bf.send("pods \"census-income-demo\", \"census-income-yaml-demo\"; ds = datastructure target=\"TARGET\"; schema = combine_schemas\r")
        try bf.expect("In [2]: ", timeout: 60)
        try bf.send("model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=50, batch_size=32, hidden_layers=[64])\r")
        try bf.expect("In [3]: ")
        try bf.send("results = train model, aggregator=\"secure\"\r")
        try bf.expect("round 1/50")
        try bf.expect("%")
        try bf.send("\u{3}")
        try bf.expect("interrupted", timeout: 30)
        try bf.expect("In [4]: ")
        try bf.send("model\r")
        try bf.expect("untrained)")
        try bf.send("1 + 1\r")
        try bf.expect("Out[5]: 2")
    }

    func testTheTutorialCellPastedIntoTheREPLRuns() throws {
        let bf = try startBF(extra: ["BF_USER": "modeller"])
        // One paste, without the notebook's blank lines (a blank line ends a cell here).
        let cell = ["import logging", TutorialFive.schemaLines, TutorialFive.modelLines, TutorialFive.fitStatement,
                    "model.serialize(Path(\"\(environment.directory.path)/part_5_model.pt\"))", "results[1][\"AUC\"] > 0.8"]
            .joined(separator: "\n")
        try bf.send(cell.replacingOccurrences(of: "\n", with: "\r") + "\r")
        try bf.expect("note: import lines are accepted and ignored")
        try bf.expect("modeller/census-income-yaml-demo accepted", timeout: 60)
        try bf.expect("round 2: AUC", timeout: 180)
        try bf.expect("task complete", timeout: 60)
        try bf.expect("saved the model to \(environment.directory.path)/part_5_model.pt")
        try bf.expect("True")
    }
}
