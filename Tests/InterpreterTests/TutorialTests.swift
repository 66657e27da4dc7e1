import Foundation
import Interpreter
import XCTest

/// The step convention of the tutorial scripts, read by `Tutorial.parse`, and the catalogue of
/// tutorials carried inside bf, which must match `scripts/tutorials`.
final class TutorialTests: XCTestCase {
    private static let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/tutorials")

    private func failure(_ text: String, fileName: String = "07_sample.bf") -> TutorialFormatError? {
        do {
            _ = try Tutorial.parse(text, fileName: fileName)
            XCTFail("the script was accepted")
            return nil
        } catch {
            return error
        }
    }

    func testTitleIntroductionAndStepsOfAScript() throws {
        let text = """
            # Tutorial 7: a sample, with two steps.
            # First line of the introduction.
            #   indented usage line
            #

            ## Step: Make a value
            # Makes x.
            #
            # A second paragraph.

            x = 6 * 7

            ## Step:   Look at it   
            # Shows x.
            x
            # a comment after the code stays in it

            """
        let tutorial = try Tutorial.parse(text, fileName: "07_sample.bf")
        XCTAssertEqual(tutorial.number, 7)
        XCTAssertEqual(tutorial.title, "a sample, with two steps")
        XCTAssertEqual(tutorial.fileName, "07_sample.bf")
        XCTAssertEqual(tutorial.kind, .script)
        XCTAssertEqual(tutorial.introduction, "First line of the introduction.\n  indented usage line")
        XCTAssertEqual(tutorial.steps, [
            Tutorial.Step(title: "Make a value", explanation: "Makes x.\n\nA second paragraph.", code: "x = 6 * 7",
                          cell: "x = 6 * 7", failsOnPurpose: false, line: 6),
            Tutorial.Step(title: "Look at it", explanation: "Shows x.", code: "x\n# a comment after the code stays in it",
                          cell: "x\n# a comment after the code stays in it", failsOnPurpose: false, line: 13),
        ])
    }

    func testAStepThatFailsOnPurposeKeepsItsCodeBehindTheMarker() throws {
        let text = """
            # Tutorial 7: failing.
            ## Step (fails on purpose): Divide by zero
            # The error is the point.
            #> y = (1 +
            #>
            #>     2) / 0
            """
        let step = try XCTUnwrap(Tutorial.parse(text, fileName: "07_failing.bf").steps.first)
        XCTAssertTrue(step.failsOnPurpose)
        XCTAssertEqual(step.title, "Divide by zero")
        XCTAssertEqual(step.code, "y = (1 +\n\n    2) / 0")
        XCTAssertEqual(step.cell, step.code)
    }

    func testScriptsThatBreakTheConventionAreRefusedWithTheirLine() {
        let step = "## Step: S\n# Explained.\nx = 1\n"
        XCTAssertEqual(failure("x = 1\n" + step), .missingTitle(file: "07_sample.bf", number: 7))
        XCTAssertEqual(failure("# Tutorial 8: wrong number\n" + step), .numberMismatch(file: "07_sample.bf", stated: "8", number: 7))
        XCTAssertEqual(failure("# Tutorial 7: t\n# intro\nx = 1\n" + step), .codeBeforeFirstStep(file: "07_sample.bf", line: 3))
        XCTAssertEqual(failure("# Tutorial 7: t\n# only an introduction\n"), .noSteps(file: "07_sample.bf"))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Steps: S\n# E.\nx = 1\n"),
                       .malformedHeader(file: "07_sample.bf", line: 2, text: "## Steps: S"))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Step:  \n# E.\nx = 1\n"), .untitledStep(file: "07_sample.bf", line: 2))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Step: S\nx = 1\n"),
                       .stepWithoutExplanation(file: "07_sample.bf", line: 2, title: "S"))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Step: S\n# E.\n\n" + step),
                       .stepWithoutCode(file: "07_sample.bf", line: 2, title: "S"))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Step: S\n# E.\n#> x = 1 / 0\n"),
                       .walkthroughOnlyCodeInOrdinaryStep(file: "07_sample.bf", line: 4))
        XCTAssertEqual(failure("# Tutorial 7: t\n## Step (fails on purpose): S\n# E.\n#> x = 1\nx / 0\n"),
                       .runnableCodeInFailingStep(file: "07_sample.bf", line: 5))
        XCTAssertEqual(failure(step, fileName: "sample.bf"), .fileNameWithoutNumber(file: "sample.bf"))
    }

    func testErrorMessagesNameTheFileAndLineAndSayWhatToWrite() {
        XCTAssertEqual(TutorialFormatError.runnableCodeInFailingStep(file: "05_x.bf", line: 12).description,
                       "05_x.bf:12: a step that fails on purpose must write its code behind '#>', so that 'bf run' does not stop at it")
        XCTAssertEqual(TutorialFormatError.malformedHeader(file: "05_x.bf", line: 3, text: "## Step (fails):").description,
                       "05_x.bf:3: '## Step (fails):' is not a step header; write '## Step: title' or '## Step (fails on purpose): title'")
    }

    private let taskFile = """
        # Tutorial 7: a task file.
        ## Step: The pods
        # Which pods.
        pods:
          identifiers:
            - census-income-demo
        ## Step: The rest
        # Columns and model.
        data_structure:
          table_config:
            table: census-income-demo
          assign:
            target: TARGET
        task:
          protocol:
            name: FederatedAveraging
          algorithm:
            name: FederatedModelTraining
          model:
            name: PyTorchTabularClassifier
            hyperparameters:
              epochs: 1
        ## Step: Run it
        # Runs the task.
        """

    func testATaskFileShowsItsPartsAndItsLastStepRunsTheWholeTask() throws {
        let tutorial = try Tutorial.parse(taskFile, fileName: "07_task.yaml")
        XCTAssertEqual(tutorial.kind, .taskFile)
        XCTAssertEqual(tutorial.steps.map(\.title), ["The pods", "The rest", "Run it"])
        XCTAssertEqual(tutorial.steps[0].code, "pods:\n  identifiers:\n    - census-income-demo")
        XCTAssertNil(tutorial.steps[0].cell)
        XCTAssertNil(tutorial.steps[1].cell)
        let expected = """
            # the task file 07_task.yaml, as bf statements
            datastructure = DataStructure(target="TARGET", table="census-income-demo")
            schema = combine_pod_schemas(["census-income-demo"], datastructure=datastructure)
            model = PyTorchTabularClassifier(datastructure=datastructure, schema=schema, epochs=1)
            results = model.fit(pod_identifiers=["census-income-demo"])
            results
            """
        XCTAssertEqual(tutorial.steps[2].code, expected)
        XCTAssertEqual(tutorial.steps[2].cell, expected)
    }

    func testATaskFileMustBeValidAndEndWithAStepWithoutYAML() {
        XCTAssertEqual(failure(taskFile + "\nextra: 1\n", fileName: "07_task.yaml"),
                       .taskFileLastStepWithCode(file: "07_task.yaml", line: 23))
        let broken = taskFile.replacingOccurrences(of: "FederatedAveraging", with: "FederatedAverage")
        guard case let .invalidTaskFile(file, problems)? = failure(broken, fileName: "07_task.yaml") else {
            return XCTFail("a task file naming an unknown protocol was accepted")
        }
        XCTAssertEqual(file, "07_task.yaml")
        XCTAssertTrue(problems.contains("FederatedAverage"), problems)
        let failing = taskFile.replacingOccurrences(of: "## Step: The pods", with: "## Step (fails on purpose): The pods")
        XCTAssertEqual(failure(failing, fileName: "07_task.yaml"), .failingStepInTaskFile(file: "07_task.yaml", line: 2))
    }

    /// The tutorials inside bf are the files of scripts/tutorials, byte for byte.
    func testTheCarriedTutorialsMatchTheScripts() throws {
        var onDisk: [TutorialCatalogue.Source] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.tutorials.path).sorted() {
            let text = try String(contentsOf: Self.tutorials.appendingPathComponent(name), encoding: .utf8)
            if TutorialCatalogue.isTutorial(fileName: name, text: text) {
                onDisk.append(TutorialCatalogue.Source(fileName: name, text: text))
            }
        }
        XCTAssertEqual(onDisk.map(\.fileName), TutorialCatalogue.sources.map(\.fileName),
                       "the tutorials inside bf are out of date: run scripts/generate-tutorials")
        for (file, carried) in zip(onDisk, TutorialCatalogue.sources) where file != carried {
            XCTFail("\(file.fileName) differs from the copy inside bf: run scripts/generate-tutorials")
        }
    }

    func testEveryTutorialFollowsTheConvention() throws {
        let tutorials = try TutorialCatalogue.tutorials()
        XCTAssertEqual(tutorials.map(\.number), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(tutorials.map(\.kind), [.script, .script, .script, .taskFile, .script, .script])
        XCTAssertNil(try TutorialCatalogue.tutorial(number: 7))
    }

    /// Tutorial 5 follows the workflow's three steps and fails on purpose on the demo's
    /// mismatching and unapproved pods.
    func testTutorialFiveFollowsTheWorkflow() throws {
        let five = try XCTUnwrap(TutorialCatalogue.tutorial(number: 5))
        let phases = five.steps.map { $0.title.split(separator: ":").first.map(String.init) ?? "" }
        XCTAssertEqual(Array(phases.prefix(9)), ["Permissions", "Data structures", "Data structures", "Data structures",
                                                 "Data structures", "Run", "Run", "Run", "Run"])
        let failing = five.steps.filter(\.failsOnPurpose)
        XCTAssertEqual(failing.count, 2)
        XCTAssertTrue(failing[0].code.contains("\"census-income-other\"") && failing[0].code.contains("combine_pod_schemas"))
        XCTAssertTrue(failing[1].code.contains("\"census-income-unapproved\"") && failing[1].code.contains("SecureAggregator()"))
        XCTAssertTrue(five.steps.contains { $0.code.contains("model.serialize(Path(\"part_5_model.pt\"))") })
    }
}
