import XCTest
import Interpreter
import Language

final class SessionTests: XCTestCase {
    private func session() -> (Session, CapturedOutput) {
        let output = CapturedOutput()
        return (Session(output: output), output)
    }

    func testCellsShowTheirLastValueAndRememberIt() async {
        let (session, output) = session()
        await session.runCell("x = 2")
        await session.runCell("x * 3")
        await session.runCell("_ + 1; _2 + 10")
        await session.runCell("print('hi')")
        XCTAssertEqual(output.standardOutput, "Out[2]: 6\nOut[3]: 16\nhi\n")
        XCTAssertEqual(session.nextCellNumber, 5)
    }

    func testOutputNamesBeforeAnyOutputSayThereIsNoneYet() async {
        let (session, output) = session()
        let before = await session.runCell("_")
        XCTAssertEqual(before, .runtimeError)
        XCTAssertTrue(output.standardError.contains("error: there is no output yet for '_' to hold"), output.standardError)
        XCTAssertFalse(output.standardError.contains("unknown name"), output.standardError)
        await session.runCell("print(1)")
        let numbered = await session.runCell("_3")
        XCTAssertEqual(numbered, .runtimeError)
        XCTAssertTrue(output.standardError.contains("error: there is no Out[3] for '_3' to hold"), output.standardError)
        await session.runCell("40 + 2")
        await session.runCell("_ + _4 - 42")
        XCTAssertEqual(output.standardOutput, "1\nOut[4]: 42\nOut[5]: 42\n")
    }

    func testFailedCellsSayWhy() async {
        let (session, output) = session()
        let syntax = await session.runCell("f(")
        let runtime = await session.runCell("nope + 1")
        XCTAssertEqual(syntax, .syntaxError)
        XCTAssertEqual(runtime, .runtimeError)
        XCTAssertTrue(output.standardError.contains("error: unknown name 'nope'"))
    }

    func testNeedsMoreInput() {
        let (session, _) = session()
        XCTAssertTrue(session.needsMoreInput("model = f(a=1,"))
        XCTAssertTrue(session.needsMoreInput("x = [1,\n 2,"))
        XCTAssertTrue(session.needsMoreInput("s = '''doc"))
        XCTAssertFalse(session.needsMoreInput("x = 1"))
        XCTAssertFalse(session.needsMoreInput("x = 'abc"))
        XCTAssertFalse(session.needsMoreInput("f(1 2"))
    }

    /// The session numbers the cells for every front end; a notebook's silent cell runs under
    /// the last number and takes none.
    func testTheSessionNumbersCellsAndASilentCellTakesNoNumber() async {
        let (session, output) = session()
        await session.runCell("1 + 1")
        await session.runCell("2 + 2", counted: false)
        await session.runCell("3 + 3")
        XCTAssertEqual(session.nextCellNumber, 3)
        XCTAssertEqual(output.standardOutput, "Out[1]: 2\nOut[1]: 4\nOut[2]: 6\n")
    }

    /// The session keeps the cells `:save` writes: those that ran without error, since the
    /// last reset.
    func testAcceptedCellsAreTheCellsThatRanSinceTheLastReset() async {
        let (session, _) = session()
        await session.runCell("x = 1")
        await session.runCell("x +")
        await session.runCell("y = x / 0")
        await session.runCell("print(x)")
        XCTAssertEqual(session.acceptedCells, ["x = 1", "print(x)"])
        session.reset()
        await session.runCell("z = 2")
        XCTAssertEqual(session.acceptedCells, ["z = 2"])
    }

    func testResetForgetsEverything() async {
        let (session, _) = session()
        await session.runCell("x = 1")
        session.reset()
        XCTAssertNil(session.value(of: "x"))
        XCTAssertEqual(session.nextCellNumber, 2, "cell numbers go on after :reset")
    }

    func testScriptsShowExpressionValuesAndStopAtTheFirstRuntimeError() async {
        let (session, output) = session()
        let outcome = await session.runScript(SourceFile(name: "s.bf", text: "1 + 1\nx = 1 / 0\nprint('never')"))
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertEqual(output.standardOutput, "2\n")
        XCTAssertTrue(output.standardError.hasPrefix("s.bf:2:5: error: division by zero"))
    }

    func testImportNoticeOnce() async {
        let (session, output) = session()
        _ = await session.runScript(SourceFile(name: "s.bf", text: "import logging\nfrom bitfount import (A, B)\n"))
        XCTAssertEqual(output.standardError.components(separatedBy: "note:").count, 2)
    }

    func testPythonSemanticsOfOperators() async {
        let (session, output) = session()
        _ = await session.runScript(SourceFile(name: "s.bf", text: """
        7 / 2
        7 - 2 * 3
        1 + 2.5
        "a" + "b"
        [1] + [2]
        3 == 3.0
        "b" > "a"
        -(-4)
        [1, 2, 3][-1]
        {"a": [1, {"b": 2}]}["a"][1]["b"]
        0.1 + 0.2
        1e-3
        2.0
        """))
        XCTAssertEqual(output.standardOutput.split(separator: "\n"),
                       ["3.5", "1", "3.5", "'ab'", "[1, 2]", "True", "True", "4", "3", "2", "0.30000000000000004", "0.001", "2.0"])
    }

    func testRuntimeErrorsNameTheFaultAndSuggest() async {
        let cases: [(String, String, String?)] = [
            ("len(1)", "1:5: error: int value has no length", nil),
            ("print(sepp=1)", "1:7: error: 'print' has no parameter 'sepp'", "did you mean 'sep'?"),
            ("len()", "1:1: error: 'len' is missing its required argument 'value'", "signature: len(value)"),
            ("len(1, 2)", "1:8: error: 'len' takes 1 positional argument but 2 were given", nil),
            ("Path(3)", "1:6: error: argument 'path' of 'Path' must be a string or Path, not int (3)", nil),
            ("x = {'alpha': 1}; x['alpa']", "1:21: error: key 'alpa' is not in the dictionary", "did you mean 'alpha'?"),
            ("[1][5]", "1:5: error: index 5 is out of range for 1 element", nil),
            ("3(1)", "1:1: error: int value is not callable", nil),
            ("'a' - 1", "1:1: error: unsupported operand types for '-': str and int", nil),
            ("Path('a').nme", "1:11: error: 'Path' has no attribute 'nme'", "did you mean 'name'?"),
            ("9223372036854775807 + 1", "1:1: error: integer overflow in '+'", nil),
        ]
        for (source, header, help) in cases {
            let (session, output) = session()
            _ = await session.runScript(SourceFile(name: "t.bf", text: source))
            let lines = output.standardError.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "t.bf:" + header, source)
            if let help {
                XCTAssertTrue(lines.contains("help: " + help), "help of \(source): \(lines)")
            }
        }
    }

    func testHelpComesFromTheTable() async {
        let (session, output) = session()
        _ = await session.runScript(SourceFile(name: nil, text: "help()\nhelp(print)\nhelp('Path')"))
        for builtin in BuiltinTable.standard.functions {
            XCTAssertTrue(output.standardOutput.contains(builtin.summary), builtin.name)
        }
        XCTAssertTrue(output.standardOutput.contains("print(*values, sep=' ', end='\\n')"))
        XCTAssertTrue(output.standardOutput.contains("Path: a file system path"))
        _ = await session.runScript(SourceFile(name: nil, text: "help('prnt')"))
        XCTAssertTrue(output.standardError.contains("no help on 'prnt'"))
        XCTAssertTrue(output.standardError.contains("did you mean 'print'?"))
    }
}
