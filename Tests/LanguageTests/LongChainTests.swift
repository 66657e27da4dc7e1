import Foundation
import XCTest
import Language

/// Chains of a million terms never crash the parser: a binary chain is one flat node however
/// long it is, and every construct that nests the tree (prefix operators, brackets, each call,
/// attribute or index of a postfix chain) counts against the nesting limit, so freeing or
/// walking any tree the parser returns stays within a small thread's stack.
final class ParserLongChainTests: XCTestCase {
    static let terms = 1_000_000

    private func parse(_ text: String) -> ParseResult {
        Parser.parse(SourceFile(name: nil, text: text))
    }

    func testAMillionTermSumIsOneFlatNode() {
        let text = "x = 1" + String(repeating: "+1", count: Self.terms - 1)
        let result = parse(text)
        XCTAssertEqual(result.diagnostics, [])
        guard case .assignment(_, .binary(let first, let operations, let span), _) = result.statements.first else {
            return XCTFail("not an assignment of a binary chain")
        }
        XCTAssertEqual(first, .integer(1, span: Span(4, 5)))
        XCTAssertEqual(operations.count, Self.terms - 1)
        XCTAssertTrue(operations.allSatisfy { $0.op == .add })
        XCTAssertEqual(span, Span(4, text.utf8.count))
        XCTAssertEqual(operations.last?.span, span)
    }

    func testChainsKeepPrecedenceAndLeftAssociativity() {
        XCTAssertEqual(SExpression.render(parse("1 - 2 - 3 * 4 / 5 + 6").statements), "(+ (- (- 1 2) (/ (* 3 4) 5)) 6)")
        XCTAssertEqual(SExpression.render(parse("a + b == c * d").statements), "(== (+ a b) (* c d))")
        let sum = parse("1" + String(repeating: "+1", count: 99_999))
        let rendered = SExpression.render(sum.statements)
        XCTAssertTrue(rendered.hasPrefix(String(repeating: "(+ ", count: 99_999) + "1 1)"))
        XCTAssertTrue(rendered.hasSuffix(" 1) 1)"))
    }

    func testMillionLinkPostfixAndPrefixChainsStopAtTheLimitWhereTheyPassIt() {
        let limit = Parser.maximumNesting
        // Where each stops: the right side of '=' is one level, then every link is one more;
        // an index's expression is one more again, and a prefix '-' is counted after it is read.
        let cases: [(start: String, link: String, errorAt: Int)] = [
            ("a", ".b", 4 + 1 + (limit - 1) * 2),
            ("f", "()", 4 + 1 + (limit - 1) * 2),
            ("x", "[0]", 4 + 1 + (limit - 2) * 3 + 1),
            ("", "-", 4 + limit),
            ("", "(", 4 + limit),
        ]
        for (start, link, errorAt) in cases {
            let text = "y = " + start + String(repeating: link, count: Self.terms) + (link == "-" ? "1" : "")
            let result = parse(text)
            XCTAssertEqual(result.diagnostics.map(\.message), ["expression nested too deeply (more than \(limit) levels)"], link)
            XCTAssertEqual(result.diagnostics.first?.span?.start, errorAt, link)
            XCTAssertEqual(result.diagnostics.first?.help, "split the expression into several assignments")
        }
    }

    func testPostfixChainsUpToTheLimitParse() {
        let limit = Parser.maximumNesting
        // One level goes to the expression on the right of '=', and one to each index's expression.
        let allowed = parse("y = a" + String(repeating: ".b", count: limit - 1) + "\ny = f" + String(repeating: "()", count: limit - 1)
            + "\nz = x" + String(repeating: "[0]", count: limit - 2))
        XCTAssertEqual(allowed.diagnostics, [])
        XCTAssertEqual(allowed.statements.count, 3)
        XCTAssertEqual(parse("y = a" + String(repeating: ".b", count: limit)).diagnostics.count, 1)
        XCTAssertEqual(parse("y = x" + String(repeating: "[0]", count: limit - 1)).diagnostics.count, 1)
    }

    /// The deepest trees the parser accepts, parsed and freed on a thread with a 1 MB stack,
    /// where a recursion the limit does not bound would crash the test. bf's tasks run on
    /// threads with 8 MB stacks under Linux; 1 MB leaves the debug build's large frames room
    /// (a release build needs a fraction of it).
    func testTheDeepestAcceptedTreesParseAndFreeOnASmallStack() {
        let depth = Parser.maximumNesting
        let texts = [
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            String(repeating: "(", count: depth - 1) + "1" + String(repeating: ")", count: depth - 1),
            String(repeating: "{\"k\": ", count: depth - 1) + "1" + String(repeating: "}", count: depth - 1),
            String(repeating: "-(", count: (depth - 1) / 2) + "1" + String(repeating: ")", count: (depth - 1) / 2),
            String(repeating: "f(1 + 2 * ", count: (depth - 1) / 2) + "x" + String(repeating: ")", count: (depth - 1) / 2),
            String(repeating: "{\"k\": a.b[", count: (depth - 1) / 4) + "0" + String(repeating: "]}", count: (depth - 1) / 4),
            "x = 1" + String(repeating: " + 2 * -3", count: Self.terms / 4),
        ]
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var counts: [Int] = []
        let thread = Thread {
            for text in texts {
                let result = Parser.parse(SourceFile(name: nil, text: text))
                counts.append(result.diagnostics.count)
            }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        XCTAssertEqual(counts, Array(repeating: 0, count: texts.count))
    }
}
