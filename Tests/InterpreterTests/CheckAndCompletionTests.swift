import Foundation
import XCTest
import Interpreter
import Language

final class CheckAndCompletionTests: XCTestCase {
    private let session = Session(output: CapturedOutput())

    private func check(_ text: String) -> [String] {
        let file = SourceFile(name: "c.bf", text: text)
        return session.check(file).map { diagnostic in
            (diagnostic.span.map { file.location(of: $0.start).description } ?? "?") + " " + diagnostic.message
        }
    }

    func testCheckReportsEveryProblemWithoutRunning() {
        let output = CapturedOutput()
        let session = Session(output: output)
        let file = SourceFile(name: "c.bf", text: "print('ran')\nx = y + 1\nlen(1, 2)\nprint(x, sepp='')\nz = (")
        let messages = session.check(file).map(\.message)
        XCTAssertEqual(messages, ["unknown name 'y'", "'len' takes 1 positional argument but 2 were given",
                                  "'print' has no parameter 'sepp'", "'(' was never closed"])
        XCTAssertEqual(output.standardOutput, "")
    }

    func testCheckFollowsDefinitionOrderAndObjectTypes() {
        XCTAssertEqual(check("a = b\nb = 1"), ["1:5 'b' is used before it is assigned"])
        XCTAssertEqual(check("p = Path('x')\np.nam\np.name"), ["2:3 'Path' has no attribute 'nam'"])
        XCTAssertEqual(check("Path(path=1)"), ["1:6 argument 'path' of 'Path' must be a string or Path, not int (1)"])
        XCTAssertEqual(check("import bitfount\nprint(1)"), [])
    }

    func testTheTutorialCellChecksCleanAndTyposAreFound() {
        let problems = check("""
        datastructure = DataStructure(target="TARGET")
        schema = combine_pod_schemas(["a", "b"])
        model = PyTorchTabularClassifier(datastructure=datastructure, schema=schema, epochs=2)
        model.serialize(Path("part_5_model.pt"))
        """)
        XCTAssertEqual(problems, [])
        let typo = check("model = PyTorchTabularClassifier(epoch=2)\nmodel.fitt()\nresults = model.fit(aggregator=1, pod_identifier=['a'])")
        XCTAssertEqual(typo, ["1:34 'PyTorchTabularClassifier' has no parameter 'epoch'", "2:7 'PyTorchTabularClassifier' has no attribute 'fitt'",
                              "3:35 'fit' has no parameter 'pod_identifier'"])
    }

    func testCompletion() async {
        let emptyHome = FileManager.default.temporaryDirectory.appendingPathComponent("bf-no-home-\(UUID().uuidString)")
        let session = Session(output: CapturedOutput(), options: .init(stringCompletions: { ["census-income-demo", "census-income-yaml-demo", "other"] },
                                                                       home: emptyHome))
        defer { XCTAssertFalse(FileManager.default.fileExists(atPath: emptyHome.path), "Tab must not create a home") }
        await session.runCell("model_path = Path('m.pt')")
        XCTAssertEqual(session.completions(line: "pri", cursor: 3), CompletionResult(start: 0, candidates: ["print", "privacy"]))
        XCTAssertEqual(session.completions(line: "x = mod", cursor: 7).candidates, ["model_path"])
        XCTAssertEqual(session.completions(line: "print(1, s", cursor: 10).candidates, ["sep=", "set_privacy_limits"])
        XCTAssertEqual(session.completions(line: "print(1, e", cursor: 10).candidates, ["end=", "evaluate"])
        XCTAssertEqual(session.completions(line: "model_path.su", cursor: 13), CompletionResult(start: 11, candidates: ["suffix"]))
        XCTAssertEqual(session.completions(line: "x = \"census-income-y", cursor: 20),
                       CompletionResult(start: 5, candidates: ["census-income-yaml-demo"]))
        XCTAssertEqual(session.completions(line: "f(['cen", cursor: 7).candidates, ["census-income-demo", "census-income-yaml-demo"])
        XCTAssertTrue(session.completions(line: "im", cursor: 2).candidates.contains("import"))
        XCTAssertFalse(session.completions(line: "x = im", cursor: 6).candidates.contains("import"))
    }
}
