import BFTestSupport
import Federation
import Foundation
import Interpreter
import Language
import XCTest

/// The first two steps of the workflow from the language, on the demo federation in a
/// scratch home: permissions, then data structures.
final class FederationBuiltinsTests: ScratchHomeTestCase {
    func testAnEmptyHomeGetsTheDemoAndPodsListsIt() async {
        let (outcome, output) = await run("pods")
        XCTAssertEqual(outcome, .success, output.standardError)
        for name in DemoFederation.podNames {
            XCTAssertTrue(output.standardOutput.contains("owner/\(name)"), name)
        }
        XCTAssertTrue(output.standardOutput.contains("super_modeller"))
    }

    func testChoosingPodsChecksAccessAndCombiningVerifies() async {
        let (outcome, output) = await run("""
        pods "census-income-demo", "census-income-yaml-demo"
        ds = datastructure target="TARGET"
        schema = combine_schemas
        print(schema.rows, schema.pods, schema.target)
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("owner/census-income-demo       super_modeller  accepted"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("45222 ['owner/census-income-demo', 'owner/census-income-yaml-demo'] TARGET"),
                      output.standardOutput)
    }

    func testResetForgetsTheChosenPodsAndTheDataStructure() async {
        let output = CapturedOutput()
        let session = Session(output: output, options: .init(width: 120, home: Self.home, userName: "owner"))
        await session.runCell("pods \"census-income-demo\", \"census-income-yaml-demo\"")
        await session.runCell("DataStructure(target=\"TARGET\")")
        XCTAssertEqual(try session.federation().chosenPods, ["census-income-demo", "census-income-yaml-demo"])
        session.reset()
        XCTAssertEqual(try session.federation().chosenPods, [])
        let afterReset = await session.runCell("combine_pod_schemas()")
        XCTAssertEqual(afterReset, .runtimeError)
        XCTAssertTrue(output.standardError.contains("error: no pods to combine"), output.standardError)
        // The data structure went too: combining names pods again and uses no target.
        let combined = await session.runCell("print(combine_pod_schemas([\"census-income-demo\"]).target)")
        XCTAssertEqual(combined, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.hasSuffix("None\n"), output.standardOutput)
    }

    func testTheTutorialCellForm() async {
        let (outcome, output) = await run(TutorialFive.schemaLines + """

        len(schema)
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertEqual(output.standardOutput, "14\n")
    }

    func testAMismatchingPodIsExplained() async {
        _ = await run("pods")
        let (outcome, output) = await run("combine_schemas [\"census-income-demo\", \"census-income-other\"]")
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertEqual(output.standardError, """
        t.bf:1:1: error: pods disagree on categorical column 'gender'
         1 | combine_schemas ["census-income-demo", "census-income-other"]
           | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          census-income-demo   has Female, Male
          census-income-other  has Female, Male, Unspecified
          only in census-income-other: Unspecified
        help: drop the column with datastructure(ignore_cols=["gender"]) or align the values at the pods

        """)
        let (dropped, droppedOutput) = await run("""
        pods "census-income-demo", "census-income-other"
        datastructure target="TARGET", ignore_cols=["gender"]
        combine_schemas
        """)
        XCTAssertEqual(dropped, .success, droppedOutput.standardError)
    }

    func testSecureAggregationWithAnUnapprovedPodIsRefusedByThePods() async {
        let (outcome, output) = await run("""
        check_access(["census-income-demo", "census-income-unapproved"], aggregator="secure")
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("refused: this pod has not approved 'owner/census-income-unapproved' for secure aggregation"),
                      output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("approvals (row approves column):"))
        XCTAssertTrue(output.standardOutput.contains("census-income-unapproved  NO"), output.standardOutput)
    }

    func testASecondUserSeesOnlyWhatTheirRoleAllows() async {
        _ = await run("pods")
        let (outcome, output) = await run("""
        whoami()
        get_pod_schema("census-income-demo")
        get_pod_schema("census-income-yaml-demo")
        """, user: DemoFederation.secondUser)
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertTrue(output.standardOutput.contains("owner/census-income-demo  general_modeller"), output.standardOutput)
        XCTAssertTrue(output.standardError.contains("error: pod 'census-income-yaml-demo' refused the schema task: 'alice' has no permissions on this pod"),
                      output.standardError)
        XCTAssertTrue(output.standardError.contains("help: ask the owner 'owner' to grant you a role"))

        let (granting, grantOutput) = await run("grant(\"census-income-demo\", \"super_modeller\", \"alice\")", user: "alice")
        XCTAssertEqual(granting, .runtimeError)
        XCTAssertTrue(grantOutput.standardError.contains("owner"), grantOutput.standardError)
    }

    func testAPodFromCodeAsInTutorialOne() async throws {
        _ = await run("pods")
        let csv = Self.home.appendingPathComponent("demo/census-income-demo.csv").path
        let (outcome, output) = await run("""
        pod = Pod(
            name="my-census",
            datasource=CSVSource("\(csv)"),
            pod_details_config=PodDetailsConfig(display_name="My census", description="mine"),
            data_config=PodDataConfig(
                ignore_cols=["fnlwgt"],
                force_stypes={"my-census": {"categorical": ["TARGET", "gender"]}},
                datasource_args={"seed": 100},
            ),
            approved_pods=["census-income-yaml-demo"],
        )
        pod.start()
        s = get_pod_schema("my-census")
        "fnlwgt" in s.columns
        """)
        XCTAssertEqual(outcome, .syntaxError, "'in' is Python, not bf")
        XCTAssertTrue(output.standardError.contains("'in' is Python, not bf"))
        let (started, startOutput) = await run("""
        pod = Pod(name="my-census", datasource=CSVSource("\(csv)"),
                  data_config=PodDataConfig(ignore_cols=["fnlwgt"], force_stypes={"my-census": {"categorical": ["TARGET", "gender"]}}))
        pod.start()
        get_pod_schema("my-census").columns
        """)
        XCTAssertEqual(started, .success, startOutput.standardError)
        XCTAssertTrue(startOutput.standardOutput.hasPrefix("pod 'owner/my-census' is ready: 22611 rows\n"), startOutput.standardOutput)
        XCTAssertFalse(startOutput.standardOutput.contains("'fnlwgt'"))
        XCTAssertTrue(startOutput.standardOutput.contains("'gender'"))
    }

    func testMistakesGetClearErrors() async {
        let cases: [(String, String)] = [
            ("combine_schemas", "error: no pods to combine"),
            ("pods \"census-income-dmeo\"", "census-income-demo"),
            ("check_access([\"census-income-demo\"], task=\"trian\")", "error: unknown task 'trian'"),
            ("pods \"census-income-demo\"\ndatastructure target=\"TARGTE\"", "TARGET"),
            ("DataStructure(target=\"TARGET\", selected_cols=[\"age\"], ignore_cols=[\"race\"])", "not both"),
        ]
        for (source, expected) in cases {
            let (outcome, output) = await run(source)
            XCTAssertEqual(outcome, .runtimeError, source)
            XCTAssertTrue(output.standardError.contains(expected), "\(source): \(output.standardError)")
        }
    }

    func testTabOffersPodNamesInsideStrings() async {
        _ = await run("pods")
        let session = Session(output: CapturedOutput(), options: .init(home: Self.home, userName: "owner"))
        XCTAssertEqual(session.completions(line: "pods \"census-income-y", cursor: 21).candidates, ["census-income-yaml-demo"])
    }
}
