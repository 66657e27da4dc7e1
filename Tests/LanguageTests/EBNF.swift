import Foundation

/// grammar/bf.ebnf read as rules: enough of ISO EBNF (rules, `|`, `{ }`, `[ ]`, `( )`,
/// quoted literals, rule names, and free-text special sequences such as `any character but
/// a line break`) to compare the parser's comments with it and to generate sentences from it.
struct EBNF {
    indirect enum Term {
        case literal(String)
        case rule(String)
        /// Words that name no rule: a special sequence, described rather than defined.
        case special(String)
        case sequence([Term])
        case choice([Term])
        case repetition(Term)
        case option(Term)
    }

    struct Rule {
        /// The body as written, comments removed.
        let text: String
        let term: Term
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    let rules: [String: Rule]

    /// The text of grammar/bf.ebnf.
    static func bfGrammarText() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("grammar/bf.ebnf"), encoding: .utf8)
    }

    init(_ grammar: String) throws {
        let text = EBNF.withoutComments(grammar)
        var bodies: [(String, String)] = []
        let starts = text.ranges(of: /(?m)^([A-Za-z_]+)\s*=/)
        for (index, start) in starts.enumerated() {
            let name = String(text[start].prefix { $0 != " " && $0 != "=" })
            let end = index + 1 < starts.count ? starts[index + 1].lowerBound : text.endIndex
            var body = Substring(text[start.upperBound..<end])
            guard let semicolon = EBNF.firstUnquotedSemicolon(in: body) else {
                throw Malformed(description: "rule '\(name)' has no ';' outside quotes")
            }
            body = body[..<semicolon]
            bodies.append((name, body.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let names = Set(bodies.map(\.0))
        var rules: [String: Rule] = [:]
        for (name, body) in bodies {
            var reader = TermReader(tokens: EBNF.tokens(of: body), names: names)
            rules[name] = Rule(text: body, term: try reader.choice())
            guard reader.atEnd else { throw Malformed(description: "rule '\(name)' does not read to its end") }
        }
        self.rules = rules
    }

    /// Whitespace collapsed to single spaces, for comparing bodies written on several lines.
    static func normalized(_ body: String) -> String {
        body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func withoutComments(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "(*") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "*)") else { return result }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    private static func firstUnquotedSemicolon(in text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == ";" {
                return index
            }
        }
        return nil
    }

    /// Literals (with their quotes), words, and the operators `| { } [ ] ( )`.
    private static func tokens(of body: String) -> [String] {
        var tokens: [String] = []
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if character.isWhitespace {
                index = body.index(after: index)
            } else if character == "'" || character == "\"" {
                let close = body[body.index(after: index)...].firstIndex(of: character) ?? body.endIndex
                let end = close == body.endIndex ? close : body.index(after: close)
                tokens.append(String(body[index..<end]))
                index = end
            } else if "|{}[]()".contains(character) {
                tokens.append(String(character))
                index = body.index(after: index)
            } else {
                let end = body[index...].firstIndex { $0.isWhitespace || "|{}[]()'\"".contains($0) } ?? body.endIndex
                tokens.append(String(body[index..<end]))
                index = end
            }
        }
        return tokens
    }

    /// Reads a body's tokens into a term: choice of sequences of factors.
    private struct TermReader {
        let tokens: [String]
        let names: Set<String>
        var position = 0

        var atEnd: Bool { position == tokens.count }

        mutating func choice() throws -> Term {
            var alternatives = [try sequence()]
            while position < tokens.count, tokens[position] == "|" {
                position += 1
                alternatives.append(try sequence())
            }
            return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
        }

        mutating func sequence() throws -> Term {
            var factors: [Term] = []
            var words: [String] = []
            func flushWords() {
                if !words.isEmpty { factors.append(.special(words.joined(separator: " "))) }
                words = []
            }
            while position < tokens.count, !["|", "}", "]", ")"].contains(tokens[position]) {
                let token = tokens[position]
                position += 1
                switch token {
                case "{", "[", "(":
                    flushWords()
                    let inner = try choice()
                    let closer = ["{": "}", "[": "]", "(": ")"][token]!
                    guard position < tokens.count, tokens[position] == closer else {
                        throw Malformed(description: "'\(token)' is not closed by '\(closer)'")
                    }
                    position += 1
                    factors.append(token == "{" ? .repetition(inner) : token == "[" ? .option(inner) : inner)
                case _ where token.hasPrefix("'") || token.hasPrefix("\""):
                    flushWords()
                    factors.append(.literal(String(token.dropFirst().dropLast())))
                case _ where names.contains(token):
                    flushWords()
                    factors.append(.rule(token))
                default:
                    words.append(token)
                }
            }
            flushWords()
            return factors.count == 1 ? factors[0] : .sequence(factors)
        }
    }
}
