import XCTest
import Language

/// Keeps grammar/bf.ebnf and the parser in step.
final class GrammarTests: XCTestCase {
    private var grammar: String {
        get throws { try EBNF.bfGrammarText() }
    }

    /// The quoted alternatives of a rule such as `VERB = 'a' | 'b' ;`.
    private func alternatives(of rule: String, in grammar: String) throws -> Set<String> {
        let start = try XCTUnwrap(grammar.range(of: "\n" + rule + " "), "rule \(rule) not in the grammar")
        let body = grammar[start.upperBound...].prefix { $0 != ";" }
        let words = body.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        return Set(words)
    }

    func testEveryReservedWordIsInTheGrammar() throws {
        let reserved = try alternatives(of: "RESERVED", in: grammar)
        XCTAssertEqual(reserved, Set(Keyword.allCases.map(\.rawValue)))
    }

    func testEveryExampleParses() throws {
        let text = try grammar
        let verbs = try alternatives(of: "VERB", in: text)
        let blocks = text.components(separatedBy: "(* example\n").dropFirst().map { $0.components(separatedBy: "\n*)").first ?? "" }
        XCTAssertGreaterThanOrEqual(blocks.count, 4)
        for block in blocks {
            let result = Parser.parse(SourceFile(name: "example", text: block), verbs: verbs)
            XCTAssertEqual(result.diagnostics.map(\.message), [], "example:\n\(block)")
            XCTAssertFalse(result.statements.isEmpty)
        }
    }

    /// Every rule a parse function cites (`// rule -> body`, continued on `//   | …` lines)
    /// is in the grammar with the same body, so the parser's comments are the grammar.
    func testEveryParseFunctionCitesAGrammarRuleWithItsBody() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let language = root.appendingPathComponent("Sources/Language")
        let parser = try ["Parser.swift", "Parser+Expressions.swift"]
            .map { try String(contentsOf: language.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        let rules = try EBNF(try grammar).rules
        var cited: [(rule: String, body: String)] = []
        for line in parser.components(separatedBy: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where line.hasPrefix("// ") {
            let comment = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if let arrow = comment.range(of: " -> ") {
                cited.append((String(comment[..<arrow.lowerBound]), String(comment[arrow.upperBound...])))
            } else if comment.hasPrefix("| "), let last = cited.popLast() {
                cited.append((last.rule, last.body + " " + comment))
            }
        }
        XCTAssertGreaterThan(cited.count, 20)
        for (rule, body) in cited {
            guard let written = rules[rule] else {
                XCTFail("the parser cites rule '\(rule)', which the grammar lacks")
                continue
            }
            XCTAssertEqual(EBNF.normalized(body), EBNF.normalized(written.text), "rule '\(rule)': the parser's comment differs from grammar/bf.ebnf")
        }
    }
}
