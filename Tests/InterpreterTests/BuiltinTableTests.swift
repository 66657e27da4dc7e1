import Foundation
@testable import Interpreter
import XCTest

/// The one table of built-ins: the statement words the grammar names are its statement forms,
/// and a statement form is its method with the object first, not a second definition.
final class BuiltinTableTests: XCTestCase {
    func testTheGrammarsStatementWordsAreTheTables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let grammar = try String(contentsOf: root.appendingPathComponent("grammar/bf.ebnf"), encoding: .utf8)
        let rule = try XCTUnwrap(grammar.range(of: "\nVERB "), "the grammar has no VERB rule")
        let body = grammar[rule.upperBound...].prefix { $0 != ";" }
        let words = body.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        XCTAssertEqual(Set(words), BuiltinTable.standard.statementWords)
    }

    func testTrainAndEvaluateAreTheModelsMethodsWithTheModelFirst() throws {
        for (word, method) in [("train", ModelBuiltins.fitMethod), ("evaluate", ModelBuiltins.evaluateMethod)] {
            let statement = try XCTUnwrap(BuiltinTable.standard.function(named: word))
            XCTAssertEqual(statement.statementName, word)
            XCTAssertEqual(statement.parameters.map(\.name), ["model"] + method.parameters.map(\.name))
            XCTAssertEqual(statement.details, method.details)
            XCTAssertEqual(statement.returns, method.returns)
        }
    }
}
