import XCTest
@testable import Language

final class ParserTests: XCTestCase {
    private let verbs: Set<String> = ["pods", "datastructure", "combine_schemas", "train", "evaluate"]

    /// Each row: source, then its tree as an s-expression.
    private let table: [(String, String)] = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("-x / -2", "(/ (- x) (- 2))"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("x = [1, 'a', None,]", "(= x [1 \"a\" None])"),
        ("d = {'lr': 0.001, \"m\": [1]}", "(= d {\"lr\": 0.001 \"m\": [1]})"),
        ("f()", "(call f)"),
        ("f(1, b=2,)", "(call f 1 b=2)"),
        ("m.fit(pod_identifiers=[a, b])", "(call (. m fit) pod_identifiers=[a b])"),
        ("r[1]['AUC']", "([] ([] r 1) \"AUC\")"),
        ("x['k'] = 1", "(= ([] x \"k\") 1)"),
        ("'a' 'b' \"c\"", "\"abc\""),
        ("'\\t\\x41\\u00e9'", "\"\tAé\""),
        ("r'\\n'", "\"\\n\""),
        ("'''a\nb'''", "\"a\nb\""),
        ("x = 1; y = 2", "(= x 1) (= y 2)"),
        ("f(1,\n  2)\ng()", "(call f 1 2) (call g)"),
        ("import logging", "(import logging)"),
        ("import a.b as c, d", "(import a.b d)"),
        ("from bitfount import (\n  A,\n  B as C,\n)", "(import bitfount)"),
        ("from . import *", "(import .)"),
        ("True; true; False; false", "True True False False"),
        ("pods", "(call pods)"),
        ("pods \"a\", \"b\"", "(call pods \"a\" \"b\")"),
        ("ds = datastructure target=\"T\"", "(= ds (call datastructure target=\"T\"))"),
        ("results = train model, aggregator=\"secure\"", "(= results (call train model aggregator=\"secure\"))"),
        ("train(model)", "(call train model)"),
        ("train m, privacy epsilon=3 delta=1e-5", "(call train m privacy=(call privacy epsilon=3 delta=1e-05))"),
        ("r = train m, privacy epsilon=3, aggregator=\"secure\"", "(= r (call train m privacy=(call privacy epsilon=3) aggregator=\"secure\"))"),
        ("evaluate m; pods", "(call evaluate m) (call pods)"),
        ("help(train)", "(call help train)"),
        ("datastructure = DataStructure(target='T')", "(= datastructure (call DataStructure target=\"T\"))"),
        ("train = 1", "(= train 1)"),
        ("x = 1 \\\n + 2", "(= x (+ 1 2))"),
        ("# only a comment\n\n", ""),
    ]

    func testTreeTable() {
        for (source, expected) in table {
            let result = Parser.parse(SourceFile(name: nil, text: source), verbs: verbs)
            XCTAssertEqual(result.diagnostics.map(\.message), [], "source: \(source.debugDescription)")
            XCTAssertEqual(SExpression.render(result.statements), expected, "source: \(source.debugDescription)")
        }
    }

    /// Each row: source, the errors as `line:col: message`, and whether more input could complete it.
    private let errors: [(String, [String], Bool)] = [
        ("f(1, 2", ["1:2: '(' was never closed"], true),
        ("x = [1,\n 2", ["1:5: '[' was never closed"], true),
        ("d = {'a': 1", ["1:5: '{' was never closed"], true),
        ("s = '''abc", ["1:5: unterminated triple-quoted string"], true),
        ("x = 1 + \\", ["1:8: expected an expression, found end of input"], true),
        ("f(1\ny = 2", ["2:1: expected ')' to close '(' at 1:2"], false),
        ("f(1 2)", ["1:5: expected ',' or ')', found a number"], false),
        ("f(1]", ["1:4: ']' does not close '(' at 1:2"], false),
        (")", ["1:1: unmatched ')'"], false),
        ("x = 1)", ["1:6: unmatched ')'"], false),
        ("v = 1, 2", ["1:6: tuples and unpacking are not supported"], false),
        ("y = 1 and 2", ["1:7: 'and' is Python, not bf"], false),
        ("x = 2 ** 3", ["1:7: operator '**' is not supported"], false),
        ("x = 7 % 2", ["1:7: operator '%' is not supported"], false),
        ("x = 1 \\ 2", ["1:7: unexpected '\\' in the middle of a line"], false),
        ("for = 3", ["1:1: cannot assign to 'for': it is a reserved word"], false),
        ("x = 1e400", ["1:5: number '1e400' is too large"], false),
        ("x = 1 +  # comment", ["1:8: expected an expression, found end of line"], false),
        ("s = 'abc", ["1:5: unterminated string"], false),
        ("s = 'a\\qb'", ["1:7: invalid escape '\\q' in string"], false),
        ("x = 1e", ["1:5: malformed number '1e'"], false),
        ("x = 99999999999999999999", ["1:5: number '99999999999999999999' is too large"], false),
        ("f(a=1, 2)", ["1:8: positional argument after keyword argument"], false),
        ("f(a=1, a=2)", ["1:8: keyword argument 'a' given twice"], false),
        ("for x in y: pass", ["1:1: 'for' is Python, not bf"], false),
        ("x = (1, 2)", ["1:5: tuples are not supported"], false),
        ("{1: 2}", ["1:2: dictionary keys must be strings"], false),
        ("{'a': 1, 'a': 2}", ["1:10: dictionary key 'a' given twice"], false),
        ("1 = x", ["1:1: cannot assign to this expression"], false),
        ("True = 1", ["1:1: cannot assign to 'True': it is a reserved word"], false),
        ("x = 1 2", ["1:7: expected end of statement, found a number"], false),
        ("train m, privacy epsilon", ["1:25: expected '=' after 'epsilon', found end of line"], false),
        ("train m, privacy epsilon=3, privacy epsilon=2", ["1:29: keyword argument 'privacy' given twice"], false),
        ("x = $", ["1:5: unexpected character '$'"], false),
        ("a = (\nb = 2\nc = )\nd = 4", ["2:3: expected ')' to close '(' at 1:5", "3:5: unmatched ')'"], false),
        ("x = = 1\ny = 2 +\nz = 3", ["1:5: expected an expression, found '='", "2:8: expected an expression, found end of line"], false),
    ]

    func testErrorTable() {
        for (source, expected, incomplete) in errors {
            let file = SourceFile(name: nil, text: source)
            let result = Parser.parse(file, verbs: verbs)
            let rendered = result.diagnostics.map { diagnostic -> String in
                let location = diagnostic.span.map { file.location(of: $0.start).description } ?? "?"
                return location + ": " + diagnostic.message
            }
            XCTAssertEqual(rendered, expected, "source: \(source.debugDescription)")
            XCTAssertEqual(result.isIncomplete, incomplete, "incompleteness of \(source.debugDescription)")
        }
    }

    func testStatementsAfterAnErrorStillParse() {
        let result = Parser.parse(SourceFile(name: nil, text: "x = [1,\ny = 2\nz = )\nw = 4"), verbs: verbs)
        XCTAssertEqual(result.diagnostics.count, 2)
        XCTAssertEqual(SExpression.render(result.statements), "(= y 2) (= w 4)")
    }

    func testNestingIsCapped() {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let result = Parser.parse(SourceFile(name: nil, text: deep))
        XCTAssertEqual(result.diagnostics.map(\.message), ["expression nested too deeply (more than 100 levels)"])
        let minus = String(repeating: "-", count: 5000) + "1"
        XCTAssertEqual(Parser.parse(SourceFile(name: nil, text: minus)).diagnostics.count, 1)
        let fine = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        XCTAssertEqual(Parser.parse(SourceFile(name: nil, text: fine)).diagnostics.count, 0)
    }

    func testSpansCoverTheirText() throws {
        let file = SourceFile(name: nil, text: "model.fit(pod_identifiers=[a, b])")
        let result = Parser.parse(file)
        guard case .expression(let call) = try XCTUnwrap(result.statements.first),
              case .call(let callee, let arguments, let span) = call else { return XCTFail("not a call") }
        XCTAssertEqual(file.text(of: span), "model.fit(pod_identifiers=[a, b])")
        XCTAssertEqual(file.text(of: callee.span), "model.fit")
        XCTAssertEqual(file.text(of: arguments[0].span), "pod_identifiers=[a, b]")
    }
}
