/// Turns source bytes into tokens, one at a time, for the parser.
///
/// Line breaks end statements only outside brackets (Python's implicit line joining), so
/// the lexer counts open brackets. Blank lines and comments produce nothing. The lexer never
/// fails: text it cannot use becomes an `.invalid` token carrying the reason, and the parser
/// reports it once.
public struct Lexer {
    private let bytes: [UInt8]
    private(set) var position = 0
    /// Open brackets at `position`; newlines inside brackets are not tokens.
    private(set) var depth = 0
    /// Whether the input ended inside a construct that more input could complete: an open
    /// triple-quoted string or a trailing backslash. (Open brackets show in `depth`.)
    public private(set) var endedInsideContinuation = false
    private var lastWasNewline = true
    /// Why each `.invalid` token is invalid, by its `problem` index, with the exact place
    /// when it is narrower than the token (a bad escape inside a string).
    private var problems: [(error: SyntaxError, span: Span?)] = []

    /// The reason for an `.invalid(problem:)` token.
    public func problem(_ index: Int) -> SyntaxError { problems[index].error }

    /// Where the problem is, if narrower than its token.
    public func problemSpan(_ index: Int) -> Span? { problems[index].span }

    private mutating func invalid(_ error: SyntaxError, _ span: Span, at place: Span? = nil) -> Token {
        problems.append((error, place))
        return Token(.invalid(problem: problems.count - 1), span)
    }

    public init(_ source: SourceFile) {
        self.bytes = source.bytes
        // A UTF-8 byte-order mark at the start is not part of the program.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// Whether the input ended with brackets still open or a string or line still continuing.
    public var isIncompleteAtEnd: Bool { depth > 0 || endedInsideContinuation }

    /// Restarts lexing at a byte offset with no brackets open (error recovery).
    mutating func restart(at offset: Int) {
        position = min(offset, bytes.count)
        depth = 0
        lastWasNewline = true
    }

    /// The offset just past the next line break at or after `offset`, or the end.
    func startOfNextLine(after offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return min(index + 1, bytes.count)
    }

    /// The offset of the start of the line holding `offset`.
    func startOfLine(containing offset: Int) -> Int {
        var index = min(offset, bytes.count)
        while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
        return index
    }

    public mutating func next() -> Token {
        skipSpaceAndComments()
        guard position < bytes.count else {
            let end = bytes.count
            if !lastWasNewline && depth == 0 && !endedInsideContinuation {
                lastWasNewline = true
                return Token(.newline, Span(end, end))
            }
            return Token(.endOfInput, Span(end, end))
        }
        let start = position
        let byte = bytes[position]

        if byte == UInt8(ascii: "\n") {
            position += 1
            lastWasNewline = true
            return Token(.newline, Span(start, position))
        }
        lastWasNewline = false

        if (byte == UInt8(ascii: "!") && peek(1) != UInt8(ascii: "=")) || byte == UInt8(ascii: "%"), depth == 0, isAtLineStart(start) {
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            return Token(.notebookCommand, Span(start, position))
        }
        if isIdentifierStart(byte) {
            return identifierOrKeywordOrPrefixedString(from: start)
        }
        if isDigit(byte) || (byte == UInt8(ascii: ".") && isDigit(peek(1))) {
            return number(from: start)
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return string(from: start, raw: false)
        }
        if byte >= 0x80 {
            return nonASCII(from: start)
        }
        position += 1
        let kind: TokenKind
        switch byte {
        case UInt8(ascii: "("): depth += 1; kind = .leftParen
        case UInt8(ascii: "["): depth += 1; kind = .leftBracket
        case UInt8(ascii: "{"): depth += 1; kind = .leftBrace
        case UInt8(ascii: ")"): depth = max(0, depth - 1); kind = .rightParen
        case UInt8(ascii: "]"): depth = max(0, depth - 1); kind = .rightBracket
        case UInt8(ascii: "}"): depth = max(0, depth - 1); kind = .rightBrace
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "."): kind = .dot
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "*"), UInt8(ascii: "/"):
            if peek(0) == byte {
                position += 1
                return invalid(.unsupportedOperator(byte == UInt8(ascii: "*") ? "**" : "//"), Span(start, position))
            }
            kind = byte == UInt8(ascii: "*") ? .star : .slash
        case UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: "@"):
            return invalid(.unsupportedOperator(String(decoding: [byte], as: UTF8.self)), Span(start, position))
        case UInt8(ascii: "\\"):
            return invalid(.misplacedBackslash, Span(start, position))
        case UInt8(ascii: "="): kind = match(UInt8(ascii: "=")) ? .equalEqual : .equal
        case UInt8(ascii: "<"): kind = match(UInt8(ascii: "=")) ? .lessEqual : .less
        case UInt8(ascii: ">"): kind = match(UInt8(ascii: "=")) ? .greaterEqual : .greater
        case UInt8(ascii: "!") where match(UInt8(ascii: "=")): kind = .bangEqual
        default:
            return invalid(.unexpectedCharacter(String(decoding: [byte], as: UTF8.self)), Span(start, position))
        }
        return Token(kind, Span(start, position))
    }

    // MARK: - Pieces

    /// True when only spaces and tabs stand between the previous line break (or the start of
    /// the text) and `offset`.
    private func isAtLineStart(_ offset: Int) -> Bool {
        var index = offset - 1
        while index >= 0, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index -= 1 }
        return index < 0 || bytes[index] == UInt8(ascii: "\n")
    }

    private mutating func skipSpaceAndComments() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                position += 1
            case UInt8(ascii: "#"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "\\"):
                // A backslash at the end of a line joins it to the next.
                var after = position + 1
                if after < bytes.count, bytes[after] == UInt8(ascii: "\r") { after += 1 }
                if after >= bytes.count {
                    endedInsideContinuation = true
                    position = bytes.count
                } else if bytes[after] == UInt8(ascii: "\n") {
                    position = after + 1
                } else {
                    return
                }
            case UInt8(ascii: "\n") where depth > 0 || lastWasNewline:
                position += 1
            default:
                return
            }
        }
    }

    private mutating func identifierOrKeywordOrPrefixedString(from start: Int) -> Token {
        while position < bytes.count, isIdentifierContinue(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] >= 0x80 {
            while position < bytes.count, let (scalar, length) = scalar(at: position),
                  scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                position += length
            }
        }
        let length = position - start
        let next = position < bytes.count ? bytes[position] : 0
        if length <= 2, next == UInt8(ascii: "\"") || next == UInt8(ascii: "'") {
            let prefix = String(decoding: bytes[start..<position], as: UTF8.self)
            if prefix == "r" || prefix == "R" {
                return string(from: start, quoteAt: position, raw: true)
            }
            let token = string(from: start, quoteAt: position, raw: false)
            if case .invalid = token.kind { return token }
            return invalid(.unsupportedStringPrefix(prefix), token.span)
        }
        if let keyword = Keyword.matching(bytes, start..<position) {
            return Token(.keyword(keyword), Span(start, position))
        }
        return Token(.identifier, Span(start, position))
    }

    private mutating func nonASCII(from start: Int) -> Token {
        guard let (scalar, length) = scalar(at: start) else {
            position += 1
            return invalid(.unexpectedCharacter("\\x" + String(bytes[start], radix: 16)), Span(start, position))
        }
        if scalar.properties.isAlphabetic {
            return identifierOrKeywordOrPrefixedString(from: start)
        }
        position += length
        return invalid(.unexpectedCharacter(String(Character(scalar))), Span(start, position))
    }

    // number -> digits ['.' digits] [('e'|'E') ['+'|'-'] digits], '_' allowed between digits
    private mutating func number(from start: Int) -> Token {
        var isFloat = false
        var wellFormed = true
        if peek(0) == UInt8(ascii: ".") {
            isFloat = true
            position += 1
        }
        wellFormed = digits()
        if peek(0) == UInt8(ascii: ".") && !isIdentifierStart(peek(1)) {
            isFloat = true
            position += 1
            _ = digits()
        }
        if peek(0) == UInt8(ascii: "e") || peek(0) == UInt8(ascii: "E") {
            isFloat = true
            position += 1
            if peek(0) == UInt8(ascii: "+") || peek(0) == UInt8(ascii: "-") { position += 1 }
            wellFormed = digits() && wellFormed
        }
        // A number running into letters or another dot is one malformed word, reported once.
        if isIdentifierContinue(peek(0)) || (peek(0) == UInt8(ascii: ".") && isDigit(peek(1))) {
            wellFormed = false
            while isIdentifierContinue(peek(0)) || peek(0) == UInt8(ascii: ".") { position += 1 }
        }
        let span = Span(start, position)
        if !wellFormed {
            return invalid(.malformedNumber(String(decoding: bytes[start..<position], as: UTF8.self)), span)
        }
        return Token(isFloat ? .float : .integer, span)
    }

    /// Digits with single underscores between them; false if an underscore is misplaced.
    private mutating func digits() -> Bool {
        guard isDigit(peek(0)) else { return false }
        var wellFormed = true
        while isDigit(peek(0)) || peek(0) == UInt8(ascii: "_") {
            if peek(0) == UInt8(ascii: "_") && !isDigit(peek(1)) { wellFormed = false }
            position += 1
        }
        return wellFormed
    }

    private mutating func string(from start: Int, raw: Bool) -> Token {
        string(from: start, quoteAt: start, raw: raw)
    }

    // string -> quote { char | escape } quote, or the same with three quotes over several lines
    private mutating func string(from start: Int, quoteAt quoteStart: Int, raw: Bool) -> Token {
        let quote = bytes[quoteStart]
        let triple = peekAt(quoteStart + 1) == quote && peekAt(quoteStart + 2) == quote
        position = quoteStart + (triple ? 3 : 1)
        var problem: (error: SyntaxError, span: Span)?
        while true {
            guard position < bytes.count else {
                if triple {
                    endedInsideContinuation = true
                    return invalid(.unterminatedTripleString, Span(start, position))
                }
                return invalid(.unterminatedString, Span(start, position))
            }
            let byte = bytes[position]
            if byte == quote {
                if !triple {
                    position += 1
                    break
                }
                if peek(1) == quote && peek(2) == quote {
                    position += 3
                    break
                }
                position += 1
                continue
            }
            if byte == UInt8(ascii: "\n") && !triple {
                return invalid(.unterminatedString, Span(start, position))
            }
            if byte == UInt8(ascii: "\\") {
                let escapeStart = position + 1
                guard escapeStart < bytes.count else {
                    position = escapeStart
                    continue
                }
                let length = raw ? 1 : Lexer.escapeLength(bytes, at: escapeStart)
                if length == 0, problem == nil {
                    let end = min(bytes.count, escapeStart + 1)
                    problem = (.invalidEscape(String(decoding: bytes[escapeStart..<end], as: UTF8.self)), Span(escapeStart - 1, end))
                }
                position = escapeStart + max(1, length)
                continue
            }
            position += 1
        }
        if let problem { return invalid(problem.error, Span(start, position), at: problem.span) }
        return Token(.string, Span(start, position))
    }

    /// The number of bytes an escape takes after its backslash, or 0 if it is invalid.
    static func escapeLength(_ bytes: [UInt8], at index: Int) -> Int {
        func hexDigits(_ count: Int) -> Int {
            guard index + count < bytes.count else { return 0 }
            for offset in 1...count where !isHexDigit(bytes[index + offset]) { return 0 }
            return count + 1
        }
        switch bytes[index] {
        case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "0"),
             UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\n"),
             UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "v"):
            return 1
        case UInt8(ascii: "x"): return hexDigits(2)
        case UInt8(ascii: "u"): return hexDigits(4)
        case UInt8(ascii: "U"): return hexDigits(8)
        default: return 0
        }
    }

    // MARK: - Bytes

    private func peek(_ offset: Int) -> UInt8 { peekAt(position + offset) }
    private func peekAt(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    private mutating func match(_ expected: UInt8) -> Bool {
        guard peek(0) == expected else { return false }
        position += 1
        return true
    }

    private func scalar(at index: Int) -> (Unicode.Scalar, Int)? {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, UTF8.width(scalar))
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
}
@inline(__always) func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
}
@inline(__always) func isIdentifierContinue(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
