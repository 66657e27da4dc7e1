import Foundation
import XCTest
import Interpreter
import Language

/// `bf check` rejects the literal arguments a run rejects, with the same message at the same
/// argument: both go through the built-in's one validation when the call is bound.
final class LiteralArgumentCheckTests: ScratchHomeTestCase {
    override class var width: Int { 160 }

    private func session(_ output: CapturedOutput) -> Session {
        Session(output: output, options: .init(width: 160, home: Self.home, userName: "owner"))
    }

    private let prelude = """
    ds = DataStructure(target="TARGET")
    schema = combine_pod_schemas(["census-income-demo"])

    """

    /// What `bf check` prints for `text`, and what running it prints on standard error.
    private func checkAndRun(_ text: String) async -> (checked: String, ran: String, outcome: Session.Outcome) {
        let source = SourceFile(name: "t.bf", text: text)
        let diagnostics = session(CapturedOutput()).check(source)
        let checked = diagnostics.isEmpty ? "" : DiagnosticRenderer().render(diagnostics, in: source) + "\n"
        let output = CapturedOutput()
        let outcome = await session(output).runScript(source)
        return (checked, output.standardError, outcome)
    }

    func testCheckRejectsTheLiteralArgumentsARunRejects() async {
        let cases: [(call: String, argument: String, message: String)] = [
            ("model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=-1)", "epochs=-1",
             "hyperparameter 'epochs' is -1: it must be at least 1"),
            ("model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, batch_size=0)", "batch_size=0",
             "hyperparameter 'batch_size' is 0: it must be at least 1"),
            ("model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, steps=2)", "steps=2",
             "hyperparameters give both 'epochs' and 'steps': give exactly one of them"),
            ("o = Optimizer(name=\"SGD\", params={\"lr\": -1})", "params={\"lr\": -1}",
             "optimizer 'SGD' parameter 'lr' is -1.0: it must be above 0"),
            ("o = Optimizer(name=\"Adamw\")", "name=\"Adamw\"",
             "unknown optimizer 'Adamw': did you mean 'AdamW'? known optimizers are 'SGD', 'Adam', 'AdamW'"),
            ("o = Optimizer(name=\"SGD\", params={\"lr\": 'fast'})", "params={\"lr\": 'fast'}",
             "optimizer parameter 'lr' must be a number, not str"),
        ]
        await assertCheckAndRunReject(cases, after: prelude)
    }

    func testCheckRejectsTheTrainingOptionsARunRejects() async {
        await assertCheckAndRunReject([
            ("model.fit(weighting=\"bogus\")", "weighting=\"bogus\"", "unknown weighting 'bogus'"),
            ("train model, server_optimizer=\"fedsgd\"", "server_optimizer=\"fedsgd\"", "unknown server optimizer 'fedsgd'"),
            ("model.fit(mu=-0.5)", "mu=-0.5", "mu must be a finite number ≥ 0, not -0.5"),
        ], after: prelude + "model = PyTorchTabularClassifier(datastructure=ds, schema=schema, steps=1)\n")
    }

    /// Each call, written after `prelude`, is refused by `bf check` and by the run with the
    /// same message, underlining the whole argument and only it.
    private func assertCheckAndRunReject(_ cases: [(call: String, argument: String, message: String)], after prelude: String,
                                         line: UInt = #line) async {
        let number = prelude.split(separator: "\n", omittingEmptySubsequences: false).count
        for (call, argument, message) in cases {
            guard let range = call.range(of: argument) else { return XCTFail(call, line: line) }
            let column = call.distance(from: call.startIndex, to: range.lowerBound)
            let expected = """
                t.bf:\(number):\(column + 1): error: \(message)
                 \(number) | \(call)
                   | \(String(repeating: " ", count: column))^\(String(repeating: "~", count: argument.count - 1))

                """
            let result = await checkAndRun(prelude + call)
            func lines(_ text: String, without prefix: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(prefix) }.joined(separator: "\n")
            }
            XCTAssertEqual(lines(result.checked, without: "help: "), expected, call, line: line)
            // The first run in the scratch home notes that it creates the demo federation.
            XCTAssertEqual(lines(result.ran, without: "note: "), result.checked, call, line: line)
            XCTAssertEqual(result.outcome, .runtimeError, call, line: line)
        }
    }

    func testValuesNotKnownBeforeTheRunAreLeftToTheRun() async {
        let source = SourceFile(name: "t.bf", text: prelude + """
        n = 0
        name = "Adamw"
        rate = -1
        o = Optimizer(name=name, params={"lr": rate})
        model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=n, optimizer=o)
        model = PyTorchTabularClassifier(datastructure=ds, schema=schema, steps=n)
        """)
        XCTAssertEqual(session(CapturedOutput()).check(source), [])
    }

    func testGoodLiteralArgumentsRunAndCheckClean() async {
        let result = await checkAndRun(prelude + """
        o = Optimizer(name="SGD", params={"lr": 0.001, "momentum": 0.9, "nesterov": True})
        model = PyTorchTabularClassifier(datastructure=ds, schema=schema, steps=3, batch_size=64, optimizer=o)
        print(model.batch_size)
        """)
        XCTAssertEqual(result.checked, "")
        XCTAssertFalse(result.ran.contains("error"), result.ran)
        XCTAssertEqual(result.outcome, .success)
    }
}
