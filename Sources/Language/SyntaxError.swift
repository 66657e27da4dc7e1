/// Everything the lexer and parser can object to; the text of each lives in `message`.
///
/// Messages are lower case without a final period, quote code `'like this'`, and say what
/// was expected and, for brackets, where the opener was.
public enum SyntaxError: Error, Sendable, Hashable {
    case unexpectedCharacter(String)
    case unterminatedString
    case unterminatedTripleString
    case unsupportedOperator(String)
    case neverClosed(String)
    case unpackingNotSupported
    case floatTooLarge(String)
    case misplacedBackslash
    case invalidEscape(String)
    case malformedNumber(String)
    case numberTooLarge(String)
    case unsupportedStringPrefix(String)
    case expected(String, found: String)
    case unclosed(closer: String, opener: String, openedAt: SourceLocation)
    case unmatchedCloser(String)
    case mismatchedCloser(found: String, opener: String, openedAt: SourceLocation)
    case positionalAfterKeyword
    case duplicateKeyword(String)
    case nestingTooDeep(limit: Int)
    case invalidAssignmentTarget
    case assignmentToKeyword(String)
    case unsupportedPython(String)
    case tupleNotSupported
    case nonStringDictKey
    case duplicateDictKey(String)
    /// A REPL meta-command (`:help`) in a script or piped input.
    case metaCommandInScript(String)

    public var message: String {
        switch self {
        case .unexpectedCharacter(let character):
            // A control character (a NUL from a binary file) would not show between the quotes.
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, scalar.value < 0x20 || scalar.value == 0x7F {
                return "unexpected control character U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            }
            return "unexpected character '\(character)'"
        case .unterminatedString: return "unterminated string"
        case .unterminatedTripleString: return "unterminated triple-quoted string"
        case .unsupportedOperator(let op): return "operator '\(op)' is not supported"
        case .neverClosed(let opener): return "'\(opener)' was never closed"
        case .unpackingNotSupported: return "tuples and unpacking are not supported"
        case .floatTooLarge(let text): return "number '\(text)' is too large"
        case .misplacedBackslash: return "unexpected '\\' in the middle of a line"
        case .invalidEscape(let escape): return "invalid escape '\\\(escape)' in string"
        case .malformedNumber(let text): return "malformed number '\(text)'"
        case .numberTooLarge(let text): return "number '\(text)' is too large"
        case .unsupportedStringPrefix(let prefix): return "'\(prefix)' strings are not supported"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .unclosed(let closer, let opener, let at): return "expected '\(closer)' to close '\(opener)' at \(at)"
        case .unmatchedCloser(let closer): return "unmatched '\(closer)'"
        case .mismatchedCloser(let found, let opener, let at): return "'\(found)' does not close '\(opener)' at \(at)"
        case .positionalAfterKeyword: return "positional argument after keyword argument"
        case .duplicateKeyword(let name): return "keyword argument '\(name)' given twice"
        case .nestingTooDeep(let limit): return "expression nested too deeply (more than \(limit) levels)"
        case .invalidAssignmentTarget: return "cannot assign to this expression"
        case .assignmentToKeyword(let word): return "cannot assign to '\(word)': it is a reserved word"
        case .unsupportedPython(let word): return "'\(word)' is Python, not bf"
        case .tupleNotSupported: return "tuples are not supported"
        case .nonStringDictKey: return "dictionary keys must be strings"
        case .duplicateDictKey(let key): return "dictionary key '\(key)' given twice"
        case .metaCommandInScript(let command): return "'\(command)' is a meta-command: it works at the REPL prompt, not in a script"
        }
    }

    /// A suggestion of what to write instead, where there is one.
    public var help: String? {
        switch self {
        case .unexpectedCharacter(let character) where character.unicodeScalars.allSatisfy({ $0.value < 0x20 || $0.value == 0x7F }):
            return "remove it: a script is plain text (a control character usually means a binary file or a bad copy)"
        case .unterminatedString:
            return "close the string with the quote it opened with; use \"\"\"…\"\"\" for text over several lines"
        case .unterminatedTripleString:
            return "close it with the same three quotes it opened with"
        case .invalidEscape:
            return "valid escapes are \\n \\t \\r \\0 \\a \\b \\f \\v \\\\ \\' \\\" \\xHH \\uHHHH \\UHHHHHHHH; "
                + "write \\\\ for a backslash, or use a raw string r'…'"
        case .unsupportedOperator:
            return "bf has + - * / and the comparisons == != < <= > >="
        case .neverClosed(let opener):
            let closer = opener == "(" ? ")" : opener == "[" ? "]" : "}"
            return "add '\(closer)' where the \(opener == "(" ? "call or group" : opener == "[" ? "list" : "dictionary") ends"
        case .unpackingNotSupported:
            return "assign one name at a time, or use a list: [a, b]"
        case .floatTooLarge:
            return "the largest float is about 1.8e308"
        case .misplacedBackslash:
            return "a backslash continues a line only as the last character of the line"
        case .malformedNumber:
            return "numbers look like 42, 3.14, 1e-3 or 1_000"
        case .nonStringDictKey:
            return "keys are strings: {\"name\": value}"
        case .positionalAfterKeyword:
            return "put positional arguments before keyword arguments"
        case .unsupportedPython(let word):
            switch word {
            case "for", "while": return "bf has no loops; built-ins work on whole lists of pods"
            case "def", "lambda", "class": return "bf scripts call built-ins; they do not define functions or classes"
            case "if", "else", "elif": return "bf has no conditionals; a script runs its statements in order"
            case "and", "or", "not": return "bf has no boolean operators; compare with == != < <= > >="
            case "in", "is": return "compare values with == and !="
            default: return "bf accepts assignments, calls, statements such as 'pods' and 'train', and import lines"
            }
        case .tupleNotSupported: return "use a list: [a, b]"
        case .numberTooLarge: return "integers are 64-bit; write a float such as 1e20 for larger values"
        case .unsupportedStringPrefix: return "write a plain string; only r\"…\" (raw) is accepted as a prefix"
        case .nestingTooDeep: return "split the expression into several assignments"
        case .assignmentToKeyword: return "choose another name"
        case .metaCommandInScript:
            return "in a script, help() and help(name) show the same help; start 'bf' on a terminal for the REPL"
        default: return nil
        }
    }
}

extension String {
    /// The text with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
