import XCTest
@testable import REPL

final class UTF8AssemblerTests: XCTestCase {
    private func assemble(_ bytes: [UInt8]) -> String {
        var assembler = UTF8Assembler()
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            scalars.append(contentsOf: assembler.feed(byte))
        }
        return String(scalars)
    }

    func testWholeSequencesBecomeOneScalar() {
        XCTAssertEqual(assemble(Array("aé€😀".utf8)), "aé€😀")
    }

    func testAnUnfinishedSequenceIsHeldBack() {
        var assembler = UTF8Assembler()
        XCTAssertEqual(assembler.feed(0xE2), [])
        XCTAssertEqual(assembler.feed(0x82), [])
        XCTAssertEqual(assembler.feed(0xAC), ["€"])
    }

    func testInvalidBytesBecomeReplacementCharacters() {
        XCTAssertEqual(assemble([0xE2, 0x82, 0x41]), "\u{FFFD}A")
        XCTAssertEqual(assemble([0x80, 0x41]), "\u{FFFD}A")
        XCTAssertEqual(assemble([0xC0, 0xAF]), "\u{FFFD}\u{FFFD}")
        // An encoded surrogate is not a scalar.
        XCTAssertEqual(assemble([0xED, 0xA0, 0x80]), "\u{FFFD}")
    }
}

final class PromptTests: XCTestCase {
    func testContinuationEndsUnderTheInputPromptsColon() {
        XCTAssertEqual(Prompt.input(number: 3, style: .plain), "In [3]: ")
        XCTAssertEqual(Prompt.continuation(number: 3, style: .plain), "   ...: ")
        XCTAssertEqual(Prompt.input(number: 12, style: .plain), "In [12]: ")
        XCTAssertEqual(Prompt.continuation(number: 12, style: .plain), "    ...: ")
    }

    func testColouredPromptsHaveTheSameVisibleText() {
        let style = TerminalStyle(isEnabled: true)
        let visible = { (text: String) in text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        XCTAssertEqual(visible(Prompt.input(number: 7, style: style)), "In [7]: ")
        XCTAssertEqual(visible(Prompt.continuation(number: 7, style: style)), "   ...: ")
    }

    func testEscapeSequencesAreMarkedInvisibleAndNeighboursShareOneRun() {
        let marked = LineEditor.markingInvisibleSequences(in: "\u{1B}[32mIn [\u{1B}[0m\u{1B}[1m7\u{1B}[0m]: ")
        XCTAssertEqual(marked, "\u{1}\u{1B}[32m\u{1}In [\u{1}\u{1B}[0m\u{1B}[1m\u{1}7\u{1}\u{1B}[0m\u{1}]: ")
        XCTAssertEqual(LineEditor.markingInvisibleSequences(in: "plain> "), "plain> ")
    }
}
