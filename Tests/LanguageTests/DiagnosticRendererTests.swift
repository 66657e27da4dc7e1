import XCTest
import Language

/// Rendered diagnostics as snapshot text: what a person sees.
final class DiagnosticRendererTests: XCTestCase {
    func testScriptErrorWithHelp() {
        let file = SourceFile(name: "tutorial.bf", text: "x = 1\nmodel = f(a, b\ny = 2\n")
        let result = Parser.parse(file)
        XCTAssertEqual(DiagnosticRenderer().render(result.diagnostics, in: file), """
        tutorial.bf:3:1: error: expected ')' to close '(' at 2:10
         3 | y = 2
           | ^
        """)
    }

    func testCaretSpansTheFaultAndHelpFollows() {
        let file = SourceFile(name: "s.bf", text: "for x in pods: pass")
        let result = Parser.parse(file)
        XCTAssertEqual(DiagnosticRenderer().render(result.diagnostics, in: file), """
        s.bf:1:1: error: 'for' is Python, not bf
         1 | for x in pods: pass
           | ^~~
        help: bf has no loops; built-ins work on whole lists of pods
        """)
    }

    func testAVeryLongLineIsShownAsAnExcerptAroundThePlace() {
        let file = SourceFile(name: "g.bf", text: "y = a" + String(repeating: ".b", count: 1000) + "\n")
        let result = Parser.parse(file)
        let chain = String(repeating: ".b", count: 100)
        XCTAssertEqual(DiagnosticRenderer().render(result.diagnostics, in: file), """
        g.bf:1:204: error: expression nested too deeply (more than 100 levels)
         1 | …\(chain.suffix(60))\(chain.prefix(41))…
           |  \(String(repeating: " ", count: 60))^
        help: split the expression into several assignments
        """)
    }

    func testREPLInputHasNoFilePartAndNotesAreIndented() {
        let file = SourceFile(name: nil, text: "schema = combine_schemas")
        let diagnostic = Diagnostic(.error, "pods disagree on categorical column 'gender'", span: Span(9, 24),
                                    notes: ["census-income-demo    has Female, Male", "census-income-other   has Female, Male, Unspecified"],
                                    help: "drop the column with datastructure(ignore_cols=[\"gender\"])")
        XCTAssertEqual(DiagnosticRenderer().render(diagnostic, in: file), """
        error: pods disagree on categorical column 'gender'
         1 | schema = combine_schemas
           |          ^~~~~~~~~~~~~~~
          census-income-demo    has Female, Male
          census-income-other   has Female, Male, Unspecified
        help: drop the column with datastructure(ignore_cols=["gender"])
        """)
    }

    func testColourOnlyWhenAsked() {
        let file = SourceFile(name: nil, text: "$")
        let diagnostic = Parser.parse(file).diagnostics[0]
        XCTAssertFalse(DiagnosticRenderer(useColor: false).render(diagnostic, in: file).contains("\u{1B}["))
        XCTAssertTrue(DiagnosticRenderer(useColor: true).render(diagnostic, in: file).contains("\u{1B}[1;31m"))
    }
}
