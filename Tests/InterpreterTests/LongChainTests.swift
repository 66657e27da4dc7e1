import Foundation
import XCTest
import Interpreter
import Language

/// Long chains check and run: a sum of a million terms evaluates (in time linear in its
/// length, strings and lists too), a postfix chain past the nesting limit is a syntax error,
/// and the deepest trees the parser accepts are checked on a thread with a small stack.
final class InterpreterLongChainTests: XCTestCase {
    static let terms = 1_000_000

    private func run(_ text: String) async -> (Session.Outcome, CapturedOutput) {
        let output = CapturedOutput()
        let outcome = await Session(output: output).runScript(SourceFile(name: "t.bf", text: text))
        return (outcome, output)
    }

    func testAMillionTermSumChecksAndRuns() async {
        let text = "x = 1" + String(repeating: "+1", count: Self.terms - 1) + "\nprint(x)\n"
        XCTAssertEqual(Session(output: CapturedOutput()).check(SourceFile(name: "t.bf", text: text)), [])
        let (outcome, output) = await run(text)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertEqual(output.standardOutput, "1000000\n")
    }

    func testAMillionTermSumRunsAsAREPLCell() async {
        let output = CapturedOutput()
        let session = Session(output: output)
        let text = "2" + String(repeating: " * 1", count: Self.terms - 1)
        XCTAssertFalse(session.needsMoreInput(text))
        let outcome = await session.runCell(text)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertEqual(output.standardOutput, "Out[1]: 2\n")
    }

    func testLongStringAndListSumsTakeLinearTime() async {
        // Copying the growing result at every step would move 10^10 bytes here.
        let count = 200_000
        let started = Date()
        let (outcome, output) = await run("s = 'ab'" + String(repeating: " + 'ab'", count: count - 1)
            + "\nl = [0]" + String(repeating: " + [1]", count: count - 1) + "\nprint(len(s), len(l), l[0], l[-1])\n")
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertEqual(output.standardOutput, "\(2 * count) \(count) 0 1\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testAnErrorInAChainPointsAtTheStepThatFails() async {
        let (outcome, output) = await run("x = 1 + 2 + 'a' + 3")
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertEqual(output.standardError, """
            t.bf:1:5: error: unsupported operand types for '+': int and str
             1 | x = 1 + 2 + 'a' + 3
               |     ^~~~~~~~~~~
            help: arithmetic applies to numbers, and '+' also joins two strings or two lists
            """ + "\n")
    }

    func testMillionLinkPostfixChainsAreASyntaxErrorForCheckAndRun() async {
        for (start, link) in [("a", ".b"), ("f", "()"), ("x", "[0]")] {
            let text = "a = 1\nf = print\nx = [0]\ny = " + start + String(repeating: link, count: Self.terms) + "\n"
            let messages = Session(output: CapturedOutput()).check(SourceFile(name: "t.bf", text: text)).map(\.message)
            XCTAssertEqual(messages, ["expression nested too deeply (more than 100 levels)"], link)
            let (outcome, output) = await run(text)
            XCTAssertEqual(outcome, .syntaxError, link)
            XCTAssertTrue(output.standardError.contains("t.bf:4:"), link)
        }
    }

    func testAValueCannotNestDeeperThanTheLimitOneStatementAtATime() async {
        for (start, step) in [("x = []", "x = [x]"), ("x = {}", "x = {\"k\": x}"), ("x = [0]", "x[0] = x")] {
            let text = start + "\n" + Array(repeating: step, count: 1000).joined(separator: "\n") + "\nprint(x)\n"
            let (outcome, output) = await run(text)
            XCTAssertEqual(outcome, .runtimeError, step)
            XCTAssertTrue(output.standardError.hasPrefix("t.bf:101:"), output.standardError)
            XCTAssertTrue(output.standardError.contains("error: lists and dictionaries nested more than 100 levels deep"), step)
        }
        let (outcome, output) = await run("x = []\n" + Array(repeating: "x = [x]", count: 99).joined(separator: "\n") + "\nprint(len(x))\n")
        XCTAssertEqual(outcome, .success, output.standardError)
    }

    /// `bf check` walks the tree on the thread that runs it: bf's tasks run on threads with
    /// 8 MB stacks under Linux; 1 MB leaves the debug build's large frames room.
    func testTheDeepestAcceptedTreesCheckOnASmallStack() {
        let depth = Parser.maximumNesting - 1
        let texts = [
            "x = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            "x = " + String(repeating: "{\"k\": ", count: depth - 1) + "1" + String(repeating: "}", count: depth - 1),
            "x = " + String(repeating: "-(", count: depth / 2) + "1" + String(repeating: ")", count: depth / 2),
            "x = " + String(repeating: "len(1 + 2 * ", count: depth / 2) + "y" + String(repeating: ")", count: depth / 2),
            "x = " + String(repeating: "{\"k\": Path('p').name[", count: depth / 5) + "0" + String(repeating: "]}", count: depth / 5),
        ]
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var messages: [[String]] = []
        let thread = Thread {
            for text in texts {
                messages.append(Session(output: CapturedOutput()).check(SourceFile(name: "t.bf", text: text)).map(\.message))
            }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        XCTAssertEqual(messages, [[], [], [], ["unknown name 'y'"], []])
    }
}
