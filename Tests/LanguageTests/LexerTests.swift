import XCTest
@testable import Language

final class LexerTests: XCTestCase {
    /// Each row: source, then the tokens as `kind:text`.
    private let table: [(String, [String])] = [
        ("x = 1", ["name:x", "=:=", "int:1", "nl:"]),
        ("a.b(c)", ["name:a", ".:.", "name:b", "(:(", "name:c", "):)", "nl:"]),
        ("1_000 2.5 .5 1e-3 3E+2 7.", ["int:1_000", "float:2.5", "float:.5", "float:1e-3", "float:3E+2", "float:7.", "nl:"]),
        ("'a' \"b\" r'\\d' '''x\ny'''", ["str:'a'", "str:\"b\"", "str:r'\\d'", "str:'''x\ny'''", "nl:"]),
        ("== != <= >= < > + - * /", ["==:==", "!=:!=", "<=:<=", ">=:>=", "<:<", ">:>", "+:+", "-:-", "*:*", "/:/", "nl:"]),
        ("True None false import as", ["kw:True", "kw:None", "kw:false", "kw:import", "kw:as", "nl:"]),
        ("x # comment\n\n\ny", ["name:x", "nl:\n", "name:y", "nl:"]),
        ("f(1,\n  2)\n", ["name:f", "(:(", "int:1", ",:,", "int:2", "):)", "nl:\n"]),
        ("a = 1 + \\\n 2", ["name:a", "=:=", "int:1", "+:+", "int:2", "nl:"]),
        ("x;y", ["name:x", ";:;", "name:y", "nl:"]),
        ("café = 1", ["name:café", "=:=", "int:1", "nl:"]),
        ("\u{FEFF}x", ["name:x", "nl:"]),
        ("x \u{FEFF}", ["name:x", "invalid:\u{FEFF}", "nl:"]),
        ("$", ["invalid:$", "nl:"]),
        ("'abc", ["invalid:'abc", "nl:"]),
        ("12abc", ["invalid:12abc", "nl:"]),
        ("1e", ["invalid:1e", "nl:"]),
        ("1__0", ["invalid:1__0", "nl:"]),
        ("'\\q'", ["invalid:'\\q'", "nl:"]),
        ("f'x'", ["invalid:f'x'", "nl:"]),
    ]

    func testTokenTable() {
        for (source, expected) in table {
            let file = SourceFile(name: nil, text: source)
            var lexer = Lexer(file)
            var tokens: [String] = []
            for _ in 0..<100 {
                let token = lexer.next()
                if token.kind == .endOfInput { break }
                tokens.append(describe(token, in: file))
            }
            XCTAssertEqual(tokens, expected, "source: \(source.debugDescription)")
        }
    }

    func testIncompleteAtEnd() {
        for (source, incomplete) in [("f(1,", true), ("[1, [2", true), ("'''abc", true), ("x = \\", true),
                                     ("f(1)", false), ("'abc", false), ("x = 1", false)] {
            var lexer = Lexer(SourceFile(name: nil, text: source))
            while lexer.next().kind != .endOfInput {}
            XCTAssertEqual(lexer.isIncompleteAtEnd, incomplete, source)
        }
    }

    func testLocationsCountCharactersNotBytes() {
        let file = SourceFile(name: "t.bf", text: "é = 1\n  ü(")
        XCTAssertEqual(file.location(of: 0), SourceLocation(line: 1, column: 1))
        XCTAssertEqual(file.location(of: 3), SourceLocation(line: 1, column: 3))
        let open = Array(file.text.utf8).lastIndex(of: UInt8(ascii: "("))!
        XCTAssertEqual(file.location(of: open), SourceLocation(line: 2, column: 4))
        XCTAssertEqual(file.line(2), "  ü(")
    }

    private func describe(_ token: Token, in file: SourceFile) -> String {
        let text = file.text(of: token.span)
        switch token.kind {
        case .identifier: return "name:" + text
        case .integer: return "int:" + text
        case .float: return "float:" + text
        case .string: return "str:" + text
        case .keyword: return "kw:" + text
        case .newline: return "nl:" + text
        case .invalid: return "invalid:" + text
        default: return text + ":" + text
        }
    }
}
