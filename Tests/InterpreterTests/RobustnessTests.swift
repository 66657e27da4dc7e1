import XCTest
import Interpreter
import Language

/// Running arbitrary input never crashes or hangs: every outcome is a value or a diagnostic.
final class InterpreterRobustnessTests: XCTestCase {
    func testRandomProgramsRunToAnOutcome() async {
        var state: UInt64 = 7
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let pieces = ["x", "y", "=", "1", "0", "2.5", "-", "+", "*", "/", "(", ")", "[", "]", "{", "}", "'k'", ":", ",",
                      "print", "len", "Path", "type", "help", ".", "name", "\n", ";", "==", "<", "None", "True",
                      "9223372036854775807", "_", "_1"]
        for _ in 0..<1500 {
            let text = (0..<(next() % 25)).map { _ in pieces[next() % pieces.count] }.joined(separator: " ")
            let output = CapturedOutput()
            let session = Session(output: output)
            let outcome = await session.runScript(SourceFile(name: nil, text: text))
            if outcome != .success {
                XCTAssertTrue(output.standardError.contains("error:"), "no diagnostic for \(text.debugDescription)")
            }
        }
    }
}
