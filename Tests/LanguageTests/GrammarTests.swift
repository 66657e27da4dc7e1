import XCTest
import Language

/// Keeps grammar/bf.ebnf and the parser in step.
final class GrammarTests: XCTestCase {
    private var grammar: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("grammar/bf.ebnf"), encoding: .utf8)
        }
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

    func testEveryParseFunctionCitesAGrammarRule() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let language = root.appendingPathComponent("Sources/Language")
        let parser = try ["Parser.swift", "Parser+Expressions.swift"]
            .map { try String(contentsOf: language.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        let text = try grammar
        let cited = parser.components(separatedBy: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("// "), let arrow = trimmed.range(of: " -> ") else { return nil }
            return String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 3)..<arrow.lowerBound])
        }
        XCTAssertGreaterThan(cited.count, 15)
        for rule in cited {
            XCTAssertNotNil(text.range(of: "\n" + rule + " "), "the parser cites rule '\(rule)', which the grammar lacks")
        }
    }
}
