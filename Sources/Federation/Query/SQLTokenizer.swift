/// One token of SQL text, with its place in the text.
struct SQLToken: Equatable {
    /// What kind of token it is.
    enum Kind: Equatable {
        /// A keyword or bare identifier.
        case word
        /// An identifier in `"…"`, `` `…` `` or `[…]`; `text` holds the name without quotes.
        case quotedIdentifier
        /// A string literal.
        case string
        /// A numeric literal.
        case number
        /// Punctuation or an operator.
        case symbol
    }

    let kind: Kind
    /// The token as written (a quoted identifier's name without its quotes).
    let text: String
    /// Where it starts and ends in the text.
    let range: Range<String.Index>

    /// True when the token is the word `keyword`, in any letter case.
    func isWord(_ keyword: String) -> Bool {
        kind == .word && text.caseInsensitiveCompare(keyword) == .orderedSame
    }

    /// True when the token is the symbol `symbol`.
    func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && text == symbol
    }

    /// The identifier it names (bare or quoted), or nil.
    var identifier: String? {
        kind == .word || kind == .quotedIdentifier ? text : nil
    }
}

/// Splits SQL text into tokens, skipping whitespace and comments, as SQLite reads them;
/// enough to find a SELECT's clauses and the columns it reads. SQLite compiles the text
/// before this runs, so malformed text never reaches it.
enum SQLTokenizer {
    /// The tokens of `text`.
    static func tokens(_ text: String) -> [SQLToken] {
        var tokens: [SQLToken] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let start = index
            if character.isWhitespace {
                index = text.index(after: index)
            } else if text[index...].hasPrefix("--") {
                index = text[index...].firstIndex(of: "\n") ?? text.endIndex
            } else if text[index...].hasPrefix("/*") {
                index = text[text.index(index, offsetBy: 2)...].range(of: "*/")?.upperBound ?? text.endIndex
            } else if character == "'" {
                index = closing("'", in: text, after: index)
                tokens.append(SQLToken(kind: .string, text: String(text[start..<index]), range: start..<index))
            } else if character == "\"" || character == "`" || character == "[" {
                let close: Character = character == "[" ? "]" : character
                index = closing(close, in: text, after: index)
                let inner = text[text.index(after: start)..<max(text.index(after: start), text.index(before: index))]
                let name = inner.replacingOccurrences(of: String(repeating: close, count: 2), with: String(close))
                tokens.append(SQLToken(kind: .quotedIdentifier, text: name, range: start..<index))
            } else if character.isLetter || character == "_" {
                while index < text.endIndex, text[index].isLetter || text[index].isNumber || text[index] == "_" || text[index] == "$" {
                    index = text.index(after: index)
                }
                tokens.append(SQLToken(kind: .word, text: String(text[start..<index]), range: start..<index))
            } else if character.isNumber || (character == "." && text.index(after: index) < text.endIndex
                                                && text[text.index(after: index)].isNumber) {
                while index < text.endIndex, text[index].isNumber || text[index].isLetter || text[index] == "." {
                    index = text.index(after: index)
                }
                tokens.append(SQLToken(kind: .number, text: String(text[start..<index]), range: start..<index))
            } else {
                index = text.index(after: index)
                let pair = index < text.endIndex ? String(character) + String(text[index]) : ""
                if ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"].contains(pair) { index = text.index(after: index) }
                tokens.append(SQLToken(kind: .symbol, text: String(text[start..<index]), range: start..<index))
            }
        }
        return tokens
    }

    /// The index after the quote that closes the one at `opening`; a doubled quote stands for
    /// itself.
    private static func closing(_ quote: Character, in text: String, after opening: String.Index) -> String.Index {
        var index = text.index(after: opening)
        while index < text.endIndex {
            if text[index] == quote {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == quote, quote != "]" {
                    index = text.index(after: next)
                    continue
                }
                return next
            }
            index = text.index(after: index)
        }
        return text.endIndex
    }
}
