/// One token of SQL text, with its place in the text.
struct SQLToken: Equatable {
    /// What kind of token it is.
    enum Kind: Equatable {
        /// A keyword or bare identifier.
        case word
        /// An identifier in `"…"`, `` `…` `` or `[…]`; `text` holds the name without quotes.
        case quotedIdentifier
        /// A string or blob literal.
        case string
        /// A numeric literal.
        case number
        /// A bound parameter (`?`, `?1`, `:name`, `@name`, `$name`).
        case parameter
        /// Punctuation or an operator.
        case symbol
    }

    let kind: Kind
    /// The token as written (a quoted identifier's name without its quotes).
    let text: String
    /// Where it starts and ends in the text, in UTF-8 bytes.
    let range: Range<Int>

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

/// Splits SQL text into tokens, skipping whitespace and comments, byte for byte as SQLite's
/// tokenizer (`sqlite3GetToken`) does: whitespace is the five ASCII spaces, a `--` comment
/// ends at the byte `\n`, and every byte from 0x80 up is part of an identifier. Reading
/// `Character`s instead would disagree with SQLite (Swift reads "\r\n" as one character, so
/// a comment would never end), and a checker that disagrees with SQLite about where a
/// comment ends can be shown one query while SQLite runs another.
enum SQLTokenizer {
    /// The tokens of `text`.
    static func tokens(_ text: String) -> [SQLToken] {
        let bytes = Array(text.utf8)
        var tokens: [SQLToken] = []
        var index = 0
        func byte(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func token(_ kind: SQLToken.Kind, from start: Int, text: String? = nil) {
            tokens.append(SQLToken(kind: kind, text: text ?? string(bytes[start..<index]), range: start..<index))
        }
        while index < bytes.count {
            let start = index
            let current = bytes[index]
            switch current {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), 0x0C, UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "-") where byte(1) == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where byte(1) == UInt8(ascii: "*"):
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && byte(1) == UInt8(ascii: "/")) { index += 1 }
                index = min(index + 2, bytes.count)
            case UInt8(ascii: "'"):
                index = closing(UInt8(ascii: "'"), in: bytes, after: index)
                token(.string, from: start)
            case _ where (current | 0x20) == UInt8(ascii: "x") && byte(1) == UInt8(ascii: "'"):
                index = closing(UInt8(ascii: "'"), in: bytes, after: index + 1)
                token(.string, from: start)
            case UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = current == UInt8(ascii: "[") ? UInt8(ascii: "]") : current
                index = closing(close, in: bytes, after: index)
                let inner = string(bytes[(start + 1)..<max(start + 1, index - 1)])
                let quote = string([close])
                token(.quotedIdentifier, from: start, text: inner.replacingOccurrences(of: quote + quote, with: quote))
            case _ where isIdentifierStart(current):
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                token(.word, from: start)
            case _ where isDigit(current) || (current == UInt8(ascii: ".") && byte(1).map(isDigit) == true):
                // Digits, a fraction, an exponent with its sign, hex digits and '_' separators:
                // everything SQLite takes into one number token (or one illegal token).
                index += 1
                while index < bytes.count {
                    let next = bytes[index]
                    let signedExponent = (next == UInt8(ascii: "+") || next == UInt8(ascii: "-"))
                        && (bytes[index - 1] | 0x20) == UInt8(ascii: "e") && !isHex(bytes, start: start)
                    guard isIdentifierByte(next) || next == UInt8(ascii: ".") || signedExponent else { break }
                    index += 1
                }
                token(.number, from: start)
            case UInt8(ascii: "?"):
                index += 1
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                token(.parameter, from: start)
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "#"):
                index += 1
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                token(index - start > 1 ? .parameter : .symbol, from: start)
            default:
                index += 1
                let twoBytes: Set<String> = ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"]
                if let next = byte(0), twoBytes.contains(string([current, next])) { index += 1 }
                if string(bytes[start..<index]) == "->", byte(0) == UInt8(ascii: ">") { index += 1 }
                token(.symbol, from: start)
            }
        }
        return tokens
    }

    /// The text of `bytes[range]` of `text`, as written.
    static func text(_ text: String, _ range: Range<Int>) -> String {
        string(Array(text.utf8)[range])
    }

    /// The index after the quote that closes the one at `opening`; a doubled quote stands for
    /// itself (except in `[…]`).
    private static func closing(_ quote: UInt8, in bytes: [UInt8], after opening: Int) -> Int {
        var index = opening + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote, quote != UInt8(ascii: "]") {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    private static func string<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A letter, '_', or any byte of a multi-byte character, as SQLite's `IdChar` starts one.
    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// SQLite's `IdChar`: letters, digits, '_', '$', and every byte from 0x80 up.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }

    /// True when the number starting at `start` is hexadecimal (`0x…`), whose 'e' is a digit.
    private static func isHex(_ bytes: [UInt8], start: Int) -> Bool {
        start + 1 < bytes.count && bytes[start] == UInt8(ascii: "0") && (bytes[start + 1] | 0x20) == UInt8(ascii: "x")
    }
}
