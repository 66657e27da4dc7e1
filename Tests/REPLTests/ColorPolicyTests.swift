import XCTest
@testable import REPL

final class ColorPolicyTests: XCTestCase {
    private let auto = ColorPolicy(choice: .auto)

    func testAutoColoursOnlyATerminal() {
        XCTAssertTrue(auto.usesColor(isTerminal: true, environment: ["TERM": "xterm-256color"]))
        XCTAssertFalse(auto.usesColor(isTerminal: false, environment: ["TERM": "xterm-256color"]))
    }

    func testNoColorWithAnyValueTurnsColourOff() {
        XCTAssertFalse(auto.usesColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
        XCTAssertFalse(auto.usesColor(isTerminal: true, environment: ["NO_COLOR": ""]))
    }

    func testDumbTerminalGetsNoColour() {
        XCTAssertFalse(auto.usesColor(isTerminal: true, environment: ["TERM": "dumb"]))
    }

    func testTheCommandLineOverridesTheEnvironment() {
        let always = ColorPolicy(choice: .always)
        let never = ColorPolicy(choice: .never)
        XCTAssertTrue(always.usesColor(isTerminal: false, environment: ["NO_COLOR": "1", "TERM": "dumb"]))
        XCTAssertFalse(never.usesColor(isTerminal: true, environment: ["TERM": "xterm"]))
        XCTAssertEqual(ColorChoice(rawValue: "always"), .always)
        XCTAssertNil(ColorChoice(rawValue: "sometimes"))
    }

    func testStylesAreIdentitiesWithoutColour() {
        let plain = TerminalStyle.plain
        XCTAssertEqual(plain.red(plain.bold("error:")), "error:")
        XCTAssertEqual(plain.green("In [1]:"), "In [1]:")
    }

    func testStylesWrapTextInSGRSequences() {
        let style = TerminalStyle(isEnabled: true)
        XCTAssertEqual(style.red("x"), "\u{1B}[31mx\u{1B}[0m")
        XCTAssertEqual(style.bold("x"), "\u{1B}[1mx\u{1B}[0m")
        XCTAssertEqual(style.dim("x"), "\u{1B}[2mx\u{1B}[0m")
        XCTAssertEqual(style.green("x"), "\u{1B}[32mx\u{1B}[0m")
        XCTAssertEqual(style.yellow("x"), "\u{1B}[33mx\u{1B}[0m")
        XCTAssertEqual(style.cyan("x"), "\u{1B}[36mx\u{1B}[0m")
        XCTAssertEqual(style.red(""), "")
    }
}
