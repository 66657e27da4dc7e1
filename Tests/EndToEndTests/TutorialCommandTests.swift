import BFTestSupport
import Foundation
import XCTest

/// `bf tutorial [N]` as a user runs it: the list, every tutorial straight through without a
/// terminal on a fresh home, and tutorial 5 walked through on a pseudo-terminal.
final class TutorialCommandTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    /// Runs `bf tutorial N` with standard input not a terminal, on a fresh home in a fresh directory.
    private func tutorial(_ number: Int) throws -> BFRun {
        let directory = environment.directory.appendingPathComponent("tutorial-\(number)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try BFBinary.locate().run(["tutorial", String(number)],
                                         environment: ["BF_HOME": directory.appendingPathComponent(".bf").path,
                                                       "BF_USER": "modeller"],
                                         in: directory, timeout: 300)
    }

    func testWithoutANumberItListsTheTutorials() throws {
        let list = try BFBinary.locate().run(["tutorial"])
        XCTAssertEqual(list.status, 0, list.standardError)
        XCTAssertEqual(list.standardOutput, """
            bf's tutorials; 'bf tutorial N' walks through one step by step:
              1  running a pod, made from code (3 steps)
              2  running a pod from a YAML file (3 steps)
              3  querying a pod, and training a model on one pod (4 steps)
              4  training from a task file, on one pod (4 steps)
              5  training a model on two pods, with secure aggregation (10 steps)
              6  differential privacy that the pods enforce (8 steps)

            """)
        let unknown = try BFBinary.locate().run(["tutorial", "7"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(unknown.standardError, "error: there is no tutorial 7; the tutorials are 1 to 6\nhelp: 'bf tutorial' lists them\n")
        let help = try BFBinary.locate().run(["tutorial", "--help"])
        XCTAssertTrue(help.standardOutput.contains("Walk through a tutorial step by step"), help.standardOutput)
        XCTAssertTrue(help.standardOutput.contains("':skip'"), help.standardOutput)
    }

    func testTutorialFivePipedRunsEveryStepWithTheExplainedFailures() throws {
        let run = try tutorial(5)
        XCTAssertEqual(run.status, 0, run.standardError)
        let out = run.standardOutput
        for step in 1...10 {
            XCTAssertTrue(out.contains("\nStep \(step) of 10 · "), "step \(step) is missing:\n\(out)")
        }
        let expectations = [
            "Step 1 of 10 · Permissions: ask both pods\n",
            "    check_access([\"census-income-demo\", \"census-income-yaml-demo\"], task=\"train\", aggregator=\"secure\")\n",
            "modeller/census-income-demo       super_modeller  accepted\n",
            "Step 3 of 10 · Data structures: a pod whose categories disagree (fails on purpose)\n",
            "    combine_pod_schemas([first_pod_identifier, \"census-income-other\"])\n",
            "Step 7 of 10 · Run: secure aggregation with a pod that approves no one (fails on purpose)\n",
            "  modeller/census-income-demo refused: this pod has not approved 'modeller/census-income-unapproved' for secure aggregation\n",
            "  modeller/census-income-demo accepted\n  modeller/census-income-yaml-demo accepted\n",
            "task complete\n",
            "saved the model to part_5_model.pt\n",
            "That was the last step of Tutorial 5.\n",
        ]
        for expected in expectations {
            XCTAssertTrue(out.contains(expected), "missing '\(expected)' in:\n\(out)")
        }
        XCTAssertEqual(out.components(separatedBy: "(this step fails on purpose: that error is what it shows)\n").count, 3, out)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.hasPrefix("round ") && $0.contains("AUC 0.") }.count, 2, out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("pooled ") }, "test metrics, pooled over both pods")
        let err = run.standardError
        XCTAssertTrue(err.contains("error: pods disagree on categorical column 'gender'"), err)
        XCTAssertTrue(err.contains("only in census-income-other: Unspecified"), err)
        XCTAssertTrue(err.contains("error: no pod accepted the task"), err)
        XCTAssertFalse(err.contains("table map"), "the mismatch step fails for its own reason only:\n\(err)")
        let model = environment.directory.appendingPathComponent("tutorial-5/part_5_model.pt").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: model))
    }

    func testTutorialSixTrainsPrivatelyWithinTheBudgetThePodsSet() throws {
        let run = try tutorial(6)
        XCTAssertEqual(run.status, 0, run.standardError)
        let out = run.standardOutput
        for expected in [
            "Step 5 of 8 · Run: asking for more than a pod allows (fails on purpose)\n",
            "  modeller/census-income-demo refused: the task asks for ε 8, but this pod allows at most ε 5 per task\n",
            "differential privacy: each pod spends at most ε 3 (δ 1e-05), rows' gradients clipped to 1, noise chosen by each pod\n",
            "  privacy spent: census-income-demo ε 3 (δ 1e-05) · census-income-yaml-demo ε 3 (δ 1e-05)\n",
            "ε up to 5 a task; δ up to 1e-05; you have spent ε 3",
            "ε spent (most of any pod)",
            "That was the last step of Tutorial 6.\n",
        ] {
            XCTAssertTrue(out.contains(expected), "missing '\(expected)' in:\n\(out)")
        }
        XCTAssertEqual(out.components(separatedBy: "(this step fails on purpose: that error is what it shows)\n").count, 2, out)
        // Private training still learns: the pooled test accuracy beats the majority class (about 76%).
        let pooled = try XCTUnwrap(out.split(separator: "\n").first { $0.hasPrefix("pooled ") })
        let accuracy = try XCTUnwrap(Double(pooled.split(separator: " ", omittingEmptySubsequences: true)[6]))
        XCTAssertGreaterThan(accuracy, 0.8, String(pooled))
    }

    func testTutorialsOneToFourRunPipedEachOnAFreshHome() throws {
        let expectations: [Int: [String]] = [
            1: ["Step 3 of 3 · See it as others do\n", "pod 'modeller/census-income-demo' is ready: 22611 rows",
                "schema of modeller/census-income-demo: 22611 rows"],
            2: ["Step 1 of 3 · Read the pod's YAML file\n", "pod 'modeller/census-income-yaml-demo' is ready: 22611 rows",
                "modeller/census-income-yaml-demo   Census income demo (YAML)"],
            3: ["Step 1 of 4 · Ask a question in SQL\n", "query result at modeller/census-income-demo, smallest group",
                "Armed-Forces", "task complete", "saved the model to part_3_model.pt"],
            4: ["Step 1 of 4 · The pods\n", "    pods:\n      identifiers:\n        - census-income-demo\n",
                "Step 4 of 4 · Run the task\n", "    # the task file 04_training_from_a_task_yaml.yaml, as bf statements\n",
                "  modeller/census-income-demo accepted", "task complete"],
        ]
        for number in 1...4 {
            let run = try tutorial(number)
            XCTAssertEqual(run.status, 0, "tutorial \(number): \(run.standardError)")
            for expected in expectations[number] ?? [] {
                XCTAssertTrue(run.standardOutput.contains(expected), "tutorial \(number) lacks '\(expected)':\n\(run.standardOutput)")
            }
            XCTAssertTrue(run.standardOutput.contains("That was the last step of Tutorial \(number).\n"))
            if number == 4 {
                let rounds = run.standardOutput.split(separator: "\n").filter { $0.hasPrefix("round ") && $0.contains("AUC 0.") }
                XCTAssertEqual(rounds.count, 2, "tutorial 4 trains two rounds")
            }
        }
    }

    func testTutorialFiveOnATerminalStepByStep() throws {
        let bf = try PseudoTerminal(executable: try BuiltProducts.executable("bf"), arguments: ["tutorial", "5"],
                                    environment: environment.variables(extra: ["BF_USER": "modeller", "COLUMNS": "120"]),
                                    columns: 120, rows: 40)
        try bf.expect("Tutorial 5: training a model on two pods, with secure aggregation")
        try bf.expect("Step 1 of 10 · Permissions: ask both pods")
        try bf.expect("Enter: run it · :skip · :back · :quit")
        try bf.expect("In [1]: ")

        try bf.send("\r")
        try bf.expect("modeller/census-income-yaml-demo  super_modeller  accepted", timeout: 30)
        try bf.expect("Step 2 of 10 · Data structures: the tutorial's names")
        try bf.expect("In [2]: ")

        try bf.send("\r")
        try bf.expect("Step 3 of 10 · Data structures: a pod whose categories disagree (fails on purpose)")
        try bf.expect("In [3]: ")

        // A statement of the user's own, between steps, in the same session.
        try bf.send("print(second_pod_identifier, len(second_pod_identifier))\r")
        try bf.expect("census-income-yaml-demo 23")
        try bf.expect("In [4]: ")

        try bf.send(":skip\r")
        try bf.expect("skipped step 3 of 10")
        try bf.expect("Step 4 of 10 · Data structures: the task's columns")
        try bf.expect("In [4]: ")

        try bf.send(":back\r")
        try bf.expect("Step 3 of 10 · Data structures: a pod whose categories disagree (fails on purpose)")
        try bf.expect("In [4]: ")

        try bf.send("\r")
        try bf.expect("error: pods disagree on categorical column 'gender'")
        try bf.expect("(this step fails on purpose: that error is what it shows)")
        try bf.expect("Step 4 of 10 · Data structures: the task's columns")
        try bf.expect("In [5]: ")

        try bf.send(":quit\r")
        XCTAssertEqual(try bf.waitForExit(), 0)
    }
}
