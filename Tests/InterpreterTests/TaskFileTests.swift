import Foundation
import Interpreter
import Language
import XCTest

/// Task files: read into typed fields, refused with every problem at its line, and run
/// through the same built-ins as a script on the demo federation in a scratch home.
final class TaskFileTests: ScratchHomeTestCase {
    override class var width: Int { 160 }

    private static let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/tutorials")

    private func parse(_ text: String) throws(TaskFileError) -> TaskFile {
        try TaskFile.parse(SourceFile(name: "task.yaml", text: text))
    }

    /// The problems of a file that must be refused, as printed.
    private func problems(_ text: String) -> String {
        do {
            _ = try parse(text)
            XCTFail("the file was accepted")
            return ""
        } catch {
            return error.rendered()
        }
    }

    private func run(_ task: TaskFile) async -> (Session.Outcome, CapturedOutput) {
        let (session, output) = session()
        return (await session.runScript(task.script(name: "task.yaml (as bf)")), output)
    }

    /// A small, fast task on `pods`: the tutorial's fields with steps and a narrow model.
    private func smallTask(pods: [String], secure: Bool) -> String {
        """
        pods:
          identifiers: [\(pods.joined(separator: ", "))]
        data_structure:
          assign:
            target: TARGET
          select:
            exclude: [native-country]
        task:
          protocol:
            name: FederatedAveraging
            arguments:
              steps_between_parameter_updates: 3
          algorithm:
            name: FederatedModelTraining
          aggregator:
            secure: \(secure)
          model:
            name: PyTorchTabularClassifier
            hyperparameters:
              steps: 6
              batch_size: 64
              hidden_layers: [16]
              optimizer:
                name: Adam
                params: {lr: 0.01}
        """
    }

    func testTheTutorialFilesReadAsTheTutorialsCell() throws {
        let one = try TaskFile.read(path: Self.tutorials.appendingPathComponent("04_training_from_a_task_yaml.yaml").path)
        XCTAssertEqual(one.script(name: "t").text, """
            # the task file t, as bf statements
            datastructure = DataStructure(target="TARGET", table="census-income-demo")
            schema = combine_pod_schemas(["census-income-demo"], datastructure=datastructure)
            model = PyTorchTabularClassifier(datastructure=datastructure, schema=schema, epochs=2, batch_size=64, optimizer=Optimizer(name="SGD", params={"lr": 0.001}))
            results = model.fit(pod_identifiers=["census-income-demo"], epochs_between_parameter_updates=1)
            results

            """)
        let two = try TaskFile.read(path: Self.tutorials.appendingPathComponent("05_task_two_pods.yaml").path)
        XCTAssertEqual(two.pods, ["census-income-demo", "census-income-yaml-demo"])
        XCTAssertTrue(two.secureAggregation)
        XCTAssertEqual(two.table, .perPod([("census-income-demo", "census-income-demo"),
                                           ("census-income-yaml-demo", "census-income-yaml-demo")]))
        XCTAssertTrue(two.script(name: "t").text.contains(
            #"model.fit(pod_identifiers=["census-income-demo", "census-income-yaml-demo"], aggregator=SecureAggregator(), epochs_between_parameter_updates=1)"#))
    }

    func testBitfountsPlacementUnderTaskAndSelectionAreRead() throws {
        let task = try parse("""
            pods: {identifiers: [a]}
            task:
              data_structure:
                assign: {target: y}
                select: {include: [x1, x2]}
              protocol: {name: FederatedAveraging}
              algorithm: {name: FederatedModelTraining}
              aggregator: {secure: False}
              model:
                name: PyTorchTabularClassifier
                hyperparameters: {steps: 5, seed: 3, optimizer: {name: SGD, params: {lr: 1e-3, momentum: 0.9}}}
            """)
        XCTAssertEqual(task.target, "y")
        XCTAssertEqual(task.selectedColumns, ["x1", "x2"])
        XCTAssertNil(task.table)
        XCTAssertFalse(task.secureAggregation)
        XCTAssertEqual(task.steps, 5)
        XCTAssertEqual(task.seed, 3)
        XCTAssertEqual(task.optimizer, TaskFile.Optimizer(name: "SGD", params: [("lr", .float(0.001)), ("momentum", .float(0.9))]))
    }

    /// The task file reads values as pod and federation files do: a quoted number or
    /// true/false is text.
    func testQuotedNumbersAndTruthAreText() {
        let shown = problems(smallTask(pods: ["a"], secure: false)
            .replacingOccurrences(of: "steps: 6", with: "steps: \"6\"")
            .replacingOccurrences(of: "secure: false", with: "secure: 'true'")
            .replacingOccurrences(of: "{lr: 0.01}", with: "{lr: \"0.5\"}"))
        let headers = shown.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(headers, [
            "task.yaml:16:13: error: 'task.aggregator.secure' must be true or false, not text ('true')",
            "task.yaml:20:14: error: 'task.model.hyperparameters.steps' must be a whole number, not text ('6')",
            "task.yaml:25:22: error: 'task.model.hyperparameters.optimizer.params.lr' must be a finite number, not text ('0.5')",
        ], shown)
    }

    func testOnePodTrains() async throws {
        let (outcome, output) = await run(try parse(smallTask(pods: ["census-income-demo"], secure: false)))
        XCTAssertEqual(outcome, .success, output.standardError)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("training on owner/census-income-demo: 2 rounds of 3 steps at each pod") }, output.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("round 2: AUC 0.") })
        XCTAssertTrue(lines.contains("task complete"))
    }

    func testTwoPodsTrainWithSecureAggregation() async throws {
        let (outcome, output) = await run(try parse(smallTask(pods: ["census-income-demo", "census-income-yaml-demo"], secure: true)))
        XCTAssertEqual(outcome, .success, output.standardError)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains {
            $0.hasPrefix("training on owner/census-income-demo, owner/census-income-yaml-demo: 2 rounds of 3 steps at each pod, secure aggregation")
        }, output.standardOutput)
        XCTAssertTrue(lines.contains("  owner/census-income-yaml-demo accepted"))
        XCTAssertTrue(lines.contains("task complete"))
    }

    func testAnUnknownFieldIsShownAtItsLineWithASuggestion() {
        let text = smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "batch_size: 64", with: "batch_sise: 64")
        let shown = problems(text)
        XCTAssertTrue(shown.hasPrefix("task.yaml:21:7: error: unknown field 'task.model.hyperparameters.batch_sise'"), shown)
        XCTAssertTrue(shown.contains("help: did you mean 'batch_size'?"), shown)
    }

    func testEveryProblemIsReportedAtOnce() {
        let shown = problems("""
            pods:
              identifers: [a]
            data_structure:
              assign: {target: y}
            task:
              protocol: {name: FedAvg}
              algorithm: {name: FederatedModelTraining}
              aggregator: {secure: maybe}
              model:
                name: PyTorchTabularClassifer
                hyperparameters: {epochs: two}
            """)
        let headers = shown.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(headers, [
            "task.yaml:2:3: error: unknown field 'pods.identifers'",
            "task.yaml:6:20: error: 'task.protocol.name' is 'FedAvg', which bf does not run",
            "task.yaml:8:24: error: 'task.aggregator.secure' must be true or false, not text ('maybe')",
            "task.yaml:10:11: error: 'task.model.name' is 'PyTorchTabularClassifer', which bf does not run",
            "task.yaml:11:31: error: 'task.model.hyperparameters.epochs' must be a whole number, not text ('two')",
        ], shown)
        XCTAssertTrue(shown.contains("help: did you mean 'identifiers'?"))
        XCTAssertTrue(shown.contains("help: did you mean 'PyTorchTabularClassifier'?"))
    }

    func testMissingPodsAndWrongTypesAreRefused() {
        let noPods = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "pods:\n  identifiers: [a]\n", with: ""))
        XCTAssertTrue(noPods.hasPrefix("task.yaml: error: the required field 'pods' is missing"), noPods)
        let noIdentifiers = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "  identifiers: [a]", with: "  {}"))
        XCTAssertTrue(noIdentifiers.contains("error: the required field 'pods.identifiers' is missing"), noIdentifiers)
        let notAList = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "identifiers: [a]", with: "identifiers: {a: 1}"))
        XCTAssertTrue(notAList.hasPrefix("task.yaml:2:16: error: 'pods.identifiers' must be a list, not a mapping"), notAList)
        let bothUnits = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "steps: 6", with: "steps: 6\n      epochs: 1"))
        XCTAssertTrue(bothUnits.contains("error: give epochs or steps, not both"), bothUnits)
        let badOptimizer = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "name: Adam", with: "name: Adamm"))
        XCTAssertTrue(badOptimizer.contains("task.yaml:24:15: error: task.model.hyperparameters.optimizer: unknown optimizer 'Adamm'"), badOptimizer)
    }

    func testNotANumberAndInfinityAreNamedAsSuch() {
        for (text, shown) in [(".nan", "NaN (.nan)"), (".inf", "infinity (.inf)"), ("-.Inf", "infinity (-.Inf)")] {
            let lr = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "{lr: 0.01}", with: "{lr: \(text)}"))
            XCTAssertTrue(lr.hasPrefix("task.yaml:25:22: error: 'task.model.hyperparameters.optimizer.params.lr' must be a finite number, not \(shown)\n"), lr)
            let steps = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "steps: 6", with: "steps: \(text)"))
            XCTAssertTrue(steps.contains("'task.model.hyperparameters.steps' must be a whole number, not \(shown)\n"), steps)
        }
    }

    /// Found by fuzzing the YAML readers (Fuzz/): YAML 1.1's base-60 numbers overflowed inside
    /// Yams and crashed the reader; they are not numbers here.
    func testBaseSixtyNumbersDoNotCrash() {
        let steps = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "steps: 6", with: "steps: 1:1:1:1:1:1:1:1:1:1:1:1"))
        XCTAssertTrue(steps.contains("'task.model.hyperparameters.steps' must be a whole number, not text ('1:1:1:1:1:1:1:1:1:1:1:1')\n"), steps)
        let lr = problems(smallTask(pods: ["a"], secure: false).replacingOccurrences(of: "{lr: 0.01}", with: "{lr: 622222222222222222:2}"))
        XCTAssertTrue(lr.contains("must be a finite number"), lr)
    }

    func testAFileThatDoesNotExistCannotBeRead() {
        XCTAssertThrowsError(try TaskFile.read(path: "/nonexistent/task.yaml")) { error in
            guard case TaskFileError.cannotRead(let path, let reason)? = error as? TaskFileError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, "/nonexistent/task.yaml")
            XCTAssertEqual(reason, "no such file")
        }
    }

    func testNotYAMLIsASyntaxError() {
        let shown = problems("pods: [a\ntask: b\n")
        XCTAssertTrue(shown.hasPrefix("task.yaml:"), shown)
        XCTAssertTrue(shown.contains("error: not valid YAML"), shown)
    }
}
