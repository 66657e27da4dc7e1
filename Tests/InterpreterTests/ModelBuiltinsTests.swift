#if canImport(FoundationXML)
import FoundationXML
#endif
import Federation
import Foundation
import Interpreter
import Language
import XCTest

/// The third step of the workflow from the language: training, evaluating and saving a
/// small classifier on the demo federation in a scratch home.
final class ModelBuiltinsTests: ScratchHomeTestCase {
    override class var width: Int { 160 }

    private let prelude = """
    pods "census-income-demo", "census-income-yaml-demo"
    ds = datastructure target="TARGET"
    schema = combine_schemas
    model = PyTorchTabularClassifier(datastructure=ds, schema=schema, steps=6, batch_size=64, hidden_layers=[16],
                                     optimizer=Optimizer(name="Adam", params={"lr": 0.01}))

    """

    func testFitReportsEachRoundAndReturnsRowsTheLanguageCanRead() async {
        let (outcome, output) = await run(prelude + """
        results = model.fit(aggregator=SecureAggregator(), steps_between_parameter_updates=3)
        print(len(results), results.rounds, results[-1]["round"], results[0]["AUC"] > 0.5)
        print(results[1]["pods"]["owner/census-income-demo"]["samples"] > 0)
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("training on owner/census-income-demo, owner/census-income-yaml-demo: 2 rounds of 3 steps at each pod, secure aggregation") },
                      output.standardOutput)
        XCTAssertTrue(lines.contains("  owner/census-income-demo accepted"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("round 1: AUC 0.") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("round 2: AUC 0.") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("pooled ") }, "auto_eval shows the test metrics")
        XCTAssertTrue(lines.contains("task complete"))
        XCTAssertTrue(lines.contains("2 2 2 True"), output.standardOutput)
        XCTAssertEqual(lines.last, "True")
    }

    func testSecureAggregationThatGoesOnWhenPodsDrop() async {
        let (outcome, output) = await run(prelude + """
        aggregator = SecureAggregator(threshold=2)
        print(aggregator)
        results = model.fit(aggregator=aggregator, require_all_pods=False, steps_between_parameter_updates=3, auto_eval=False)
        print(len(results))
        model.fit(aggregator=aggregator)
        """)
        XCTAssertEqual(outcome, .runtimeError)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("SecureAggregator(threshold=2)"), output.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasSuffix("at each pod, secure aggregation that goes on when pods drop, pods weighted by training rows") },
                      output.standardOutput)
        XCTAssertTrue(lines.contains("2"), output.standardOutput)
        XCTAssertTrue(output.standardError.contains("error: SecureAggregator's threshold and neighbours apply only when pods may drop"),
                      output.standardError)
        XCTAssertTrue(output.standardError.contains("help: pass require_all_pods=False"), output.standardError)
    }

    func testTheStatementFormIsTheSameBuiltin() async {
        let (outcome, output) = await run(prelude + """
        results = train model, aggregator="secure", auto_eval=False
        evaluate model
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("test metrics:"))
        XCTAssertFalse(output.standardOutput.components(separatedBy: "test metrics:").count > 2, "auto_eval=False shows none")
    }

    func testAnUnapprovedPodStopsSecureTrainingBeforeAnyRound() async {
        let (outcome, output) = await run(prelude + """
        model.fit(pod_identifiers=["census-income-demo", "census-income-unapproved"], aggregator="secure")
        """)
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertTrue(output.standardOutput.contains("owner/census-income-unapproved refused: this pod has not approved"), output.standardOutput)
        XCTAssertFalse(output.standardOutput.contains("round 1:"))
    }

    func testSavingWritesSafetensorsAndSaysSoForOtherExtensions() async throws {
        let path = Self.home.appendingPathComponent("part_5_model.pt").path
        let (untrained, untrainedOutput) = await run(prelude + "model.serialize(Path(\"\(path)\"))")
        XCTAssertEqual(untrained, .runtimeError)
        XCTAssertTrue(untrainedOutput.standardError.contains("the model is not trained yet"))

        let (outcome, output) = await run(prelude + """
        train model, auto_eval=False
        model.serialize(Path("\(path)"))
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardError.contains("holds safetensors"), output.standardError)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = String(decoding: bytes.dropFirst(8).prefix(headerLength), as: UTF8.self)
        XCTAssertTrue(header.contains("\"dtype\":\"F32\""), header.prefix(200).description)
        XCTAssertTrue(header.contains("bf.version"))
    }

    func testBadModelsAreRefusedBeforeAnyWork() async {
        let cases: [(String, String)] = [
            ("Optimizer(name=\"sgd\")", "did you mean 'SGD'?"),
            ("Optimizer(name=\"SGD\", params={\"lr\": -1})", "lr"),
            ("Optimizer(name=\"SGD\", params={\"momentom\": 0.9})", "momentum"),
            ("PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, steps=5)", "epochs"),
            ("PyTorchTabularClassifier(datastructure=ds, schema=schema)", "epochs"),
            ("PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, batch_size=0)", "batch"),
            ("model.fit(weighting=\"by_size\")", "unknown weighting 'by_size'"),
            ("model.fit(epochs_between_parameter_updates=2)", "steps"),
            ("evaluate model", "the model is not trained yet"),
        ]
        for (line, expected) in cases {
            let (outcome, output) = await run(prelude + line)
            XCTAssertEqual(outcome, .runtimeError, line)
            XCTAssertTrue(output.standardError.contains(expected), "\(line): \(output.standardError)")
            XCTAssertFalse(output.standardOutput.contains("round 1:"), line)
        }
    }

    func testOnePodPlainTrainingPredictionCountsAndServerOptions() async {
        let (outcome, output) = await run(prelude + """
        results = model.fit(pod_identifiers=["census-income-demo"], steps_between_parameter_updates=2,
                            server_optimizer="fedadam", mu=0.01, auto_eval=False)
        print(len(results))
        model.predict(pod_identifiers=["census-income-demo"], counts_only=True)
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("training on owner/census-income-demo: 3 rounds of 2 steps at each pod, plain aggregation"),
                      output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("\n3\n"))
        XCTAssertTrue(output.standardOutput.contains("predicted classes of the test rows (counts):"))
        let countsLine = output.standardOutput.split(separator: "\n").first { $0.hasPrefix("owner/census-income-demo") && $0.contains("2262") }
        XCTAssertNotNil(countsLine, output.standardOutput)
        let counts = countsLine.map { $0.split(separator: " ").dropFirst(2).compactMap { Int($0) } } ?? []
        XCTAssertEqual(counts.reduce(0, +), 2262, "every test row is counted once, and only counts leave the pod")

        let (bad, badOutput) = await run(prelude + "model.fit(server_optimizer=\"adam\")\nmodel.fit(mu=-1)")
        XCTAssertEqual(bad, .runtimeError)
        XCTAssertTrue(badOutput.standardError.contains("unknown server optimizer 'adam'"), badOutput.standardError)
    }

    func testAnInterruptedTrainingResumesToExactlyTheUninterruptedResult() async throws {
        _ = await run("pods")
        let home = Self.home
        let checkpoints = home.appendingPathComponent("checkpoints")
        try? FileManager.default.removeItem(at: checkpoints)
        func script(resume: Bool, saveTo path: String) -> String {
            prelude + """
            results = model.fit(steps_between_parameter_updates=2, aggregator="secure", auto_eval=False, resume=\(resume ? "True" : "False"))
            print(results[-1])
            model.serialize(Path("\(path)"))
            """
        }
        // Ctrl-C as soon as the first checkpoint exists: the run stops after round 1.
        let stopping = Session(output: CapturedOutput(), options: .init(
            isInterrupted: { ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []).contains { $0.hasSuffix(".checkpoint") } },
            home: home, userName: "owner"))
        let stopped = await stopping.runScript(SourceFile(name: "t.bf", text: script(resume: false, saveTo: "/dev/null")))
        XCTAssertEqual(stopped, .interrupted)

        let resumedOutput = CapturedOutput()
        let resuming = Session(output: resumedOutput, options: .init(home: home, userName: "owner"))
        let resumedPath = home.appendingPathComponent("resumed.safetensors").path
        let resumed = await resuming.runScript(SourceFile(name: "t.bf", text: script(resume: true, saveTo: resumedPath)))
        XCTAssertEqual(resumed, .success, resumedOutput.standardError)
        XCTAssertTrue(resumedOutput.standardError.contains("note: resuming after round 1"), resumedOutput.standardError)
        XCTAssertFalse(resumedOutput.standardOutput.contains("round 1:"), "round 1 is not trained again")
        XCTAssertTrue(resumedOutput.standardOutput.contains("round 3:"))
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path))?.count, 0, "a finished training leaves no checkpoint")

        let (whole, wholeOutput) = await run(script(resume: false, saveTo: home.appendingPathComponent("whole.safetensors").path))
        XCTAssertEqual(whole, .success, wholeOutput.standardError)
        let lastRow = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("{'round': 3") } }
        XCTAssertNotNil(lastRow(wholeOutput.standardOutput))
        XCTAssertEqual(lastRow(resumedOutput.standardOutput), lastRow(wholeOutput.standardOutput))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: resumedPath)),
                       try Data(contentsOf: home.appendingPathComponent("whole.safetensors")), "bit for bit")
    }

    func testAReportHasTheRunsFactsAndAChartPerMetric() async throws {
        let output = CapturedOutput()
        let session = Session(output: output, options: .init(home: Self.home, userName: "owner"))
        let outcome = await session.runScript(SourceFile(name: "t.bf", text: prelude + "results = model.fit(steps_between_parameter_updates=2, auto_eval=False)"))
        XCTAssertEqual(outcome, .success, output.standardError)
        let html = NotebookReport.html(session.notebook, title: "run", version: "test", facts: session.reportFacts)
        let metrics = ["AUC", "F1", "Recall", "Precision", "Accuracy", "Brier loss", "Validation loss"]
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, metrics.count)
        XCTAssertEqual(html.components(separatedBy: "</svg>").count - 1, metrics.count)
        for metric in metrics { XCTAssertTrue(html.contains("<figcaption>\(metric)</figcaption>"), metric) }
        XCTAssertTrue(html.contains("<tr><td>pods</td><td>census-income-demo, census-income-yaml-demo</td></tr>"))
        XCTAssertEqual(html.components(separatedBy: "<section").count, html.components(separatedBy: "</section>").count)
        let svg = try XCTUnwrap(html.components(separatedBy: "<svg").dropFirst().first.map { "<svg" + ($0.components(separatedBy: "</svg>").first ?? "") + "</svg>" })
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "each chart is well-formed SVG")
        let markdown = NotebookReport.markdown(session.notebook, title: "run", version: "test")
        XCTAssertTrue(markdown.contains("| round | AUC | F1 |"), markdown)
    }
}
