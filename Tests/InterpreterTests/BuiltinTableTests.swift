import Foundation
@testable import Interpreter
import Language
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
            XCTAssertEqual(statement.returns?.name, method.returns?.name)
        }
    }

    /// Each type declares an attribute once, with how it is read: the name lists of help and
    /// completion are the attributes a script reads.
    func testAttributesAreReadAsTheirTypesDeclareThem() async {
        for type in BuiltinTable.standard.types {
            XCTAssertEqual(Set(type.attributeNames).count, type.attributeNames.count, "\(type.name) declares an attribute twice")
        }
        let output = CapturedOutput()
        let outcome = await Session(output: output).runScript(SourceFile(name: "t.bf", text: """
            p = Path("models/m.pt")
            print(p.name, p.suffix, p.parent)
            o = Optimizer(name="SGD", params={"lr": 0.1})
            print(o.name, o.params["lr"], logging.INFO)
            o.nme
            """))
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertEqual(output.standardOutput, "m.pt .pt models\nSGD 0.1 20\n")
        XCTAssertTrue(output.standardError.contains("'Optimizer' has no attribute 'nme'"), output.standardError)
        XCTAssertTrue(output.standardError.contains("help: did you mean 'name'?"), output.standardError)
    }
}
