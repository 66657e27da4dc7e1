/// The kinds of token the lexer produces.
public enum TokenKind: Sendable, Hashable {
    case identifier
    case integer
    case float
    case string
    case keyword(Keyword)

    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot, equal
    case plus, minus, star, slash
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual

    /// A Jupyter line: a shell command (`!pip install bitfount`) or a magic (`%matplotlib
    /// inline`), a line of its own starting with `!` or `%` outside brackets. Not run.
    case notebookCommand
    /// The end of a statement: a line break outside brackets.
    case newline
    case endOfInput
    /// Text the lexer could not make a token of; `Lexer.problem(_:)` says why. (An index
    /// rather than the error itself keeps tokens plain values, cheap to copy.)
    case invalid(problem: Int)
}

/// A token: its kind and the byte range of its text.
public struct Token: Sendable, Hashable {
    public let kind: TokenKind
    public let span: Span

    public init(_ kind: TokenKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

/// The words the lexer reserves.
///
/// bf accepts Python's literals and import lines; the other Python statement keywords are
/// reserved so that a pasted `for` or `def` gets an explanation rather than a puzzle.
public enum Keyword: String, Sendable, CaseIterable {
    case `true` = "True", `false` = "False", none = "None"
    case lowerTrue = "true", lowerFalse = "false"
    case `import`, from, `as`
    case def, `class`, `for`, `while`, `if`, `else`, elif, `return`, lambda, with, `try`, except
    case `del`, pass, global, yield, async, await, `in`, `is`, not, and, or, assert, raise

    /// The keyword spelled by `bytes[range]`, if any, found without making a String.
    static func matching(_ bytes: [UInt8], _ range: Range<Int>) -> Keyword? {
        guard range.count >= 2, range.count <= 6 else { return nil }
        for candidate in byLength[range.count] where bytes[range].elementsEqual(candidate.spelling) {
            return candidate.keyword
        }
        return nil
    }

    private static let byLength: [[(spelling: [UInt8], keyword: Keyword)]] = {
        var table = [[(spelling: [UInt8], keyword: Keyword)]](repeating: [], count: 7)
        for keyword in allCases { table[keyword.rawValue.utf8.count].append((Array(keyword.rawValue.utf8), keyword)) }
        return table
    }()

    /// Python keywords that bf reserves but does not implement.
    public var isUnsupportedPython: Bool {
        switch self {
        case .true, .false, .none, .lowerTrue, .lowerFalse, .import, .from, .as: return false
        default: return true
        }
    }
}

extension TokenKind {
    /// How a token kind is named in messages: `')'`, `a string`, `end of input`.
    public var displayName: String {
        switch self {
        case .identifier: return "a name"
        case .integer, .float: return "a number"
        case .string: return "a string"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .comma: return "','"
        case .colon: return "':'"
        case .semicolon: return "';'"
        case .dot: return "'.'"
        case .equal: return "'='"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .equalEqual: return "'=='"
        case .bangEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .notebookCommand: return "a notebook command"
        case .newline: return "end of line"
        case .endOfInput: return "end of input"
        case .invalid: return "invalid text"
        }
    }
}
