import BFTestSupport
import XCTest
import Language

/// No input makes the lexer or parser crash or hang: random bytes, random tokens, and every
/// truncation of a real script.
final class RobustnessTests: XCTestCase {
    private let verbs: Set<String> = ["pods", "train", "datastructure", "combine_schemas", "evaluate"]

    /// Tutorial 5's pods, data structure, schema, model and training, as one cell.
    static let tutorialCell = [TutorialFive.schemaLines, TutorialFive.modelLines, TutorialFive.fitStatement,
                               "model.serialize(Path(\"part_5_model.pt\"))"].joined(separator: "\n")

    func testEveryTruncationOfTheTutorialCell() {
        let bytes = Array(RobustnessTests.tutorialCell.utf8)
        for length in 0...bytes.count {
            let text = String(decoding: bytes[..<length], as: UTF8.self)
            let result = Parser.parse(SourceFile(name: nil, text: text), verbs: verbs)
            if !result.diagnostics.isEmpty {
                XCTAssertTrue(result.diagnostics.allSatisfy { $0.span != nil })
            }
        }
        XCTAssertTrue(Parser.parse(SourceFile(name: nil, text: RobustnessTests.tutorialCell)).diagnostics.isEmpty)
    }

    func testRandomBytesAndTokenSoup() {
        var generator = SplitMix64(seed: 2026)
        let pieces = ["(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=", "==", "+", "-", "*", "/", "<", "\n", " ",
                      "x", "pods", "train", "1", "2.5e3", "'s'", "\"t", "'''", "#c", "\\", "\\\n", "import", "from",
                      "for", "True", "é", "\u{0}", "\r\n", "1e", "r'", "f'"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 40) {
                text += pieces[Int(generator.next() % UInt64(pieces.count))]
            }
            let result = Parser.parse(SourceFile(name: nil, text: text), verbs: verbs)
            for diagnostic in result.diagnostics {
                let span = try? XCTUnwrap(diagnostic.span)
                XCTAssertLessThanOrEqual(span?.end ?? 0, text.utf8.count)
            }
        }
        for _ in 0..<500 {
            let bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = Parser.parse(SourceFile(name: nil, text: String(decoding: bytes, as: UTF8.self)), verbs: verbs)
        }
    }
}

/// A small deterministic generator for tests (SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
