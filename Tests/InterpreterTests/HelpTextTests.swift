import XCTest
@testable import Interpreter

/// `help()` and `:help` as a reader sees them: one column of summaries, and statement forms
/// that show their arguments.
final class HelpTextTests: XCTestCase {
    func testEverySummaryOfTheOverviewStartsInOneColumn() throws {
        let table = BuiltinTable.standard
        let lines = HelpText.overview(table).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var columns: Set<Int> = []
        for builtin in table.functions {
            let line = try XCTUnwrap(lines.first { $0.hasSuffix(builtin.summary) }, builtin.name)
            columns.insert(line.count - builtin.summary.count)
        }
        XCTAssertEqual(columns.count, 1, "summaries start at columns \(columns.sorted())")
    }

    func testAStatementFormShowsItsArgumentsNotItsParameterNamesTwice() throws {
        let pods = try XCTUnwrap(BuiltinTable.standard.function(named: "pods"))
        XCTAssertTrue(HelpText.describe(pods).contains("  statement form: pods <pods> …\n"), HelpText.describe(pods))
        let train = try XCTUnwrap(BuiltinTable.standard.function(named: "train"))
        XCTAssertTrue(HelpText.describe(train).contains("  statement form: train <model>, pod_identifiers=…\n"))
    }
}
