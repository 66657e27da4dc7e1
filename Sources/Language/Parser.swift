/// The result of parsing a whole input.
public struct ParseResult: Sendable {
    public let statements: [Statement]
    /// Every syntax error found, at most one per statement, in source order.
    public let diagnostics: [Diagnostic]
    /// The input stopped inside an open bracket, a triple-quoted string or after a trailing
    /// backslash: more lines could complete it. The REPL then asks for a continuation line.
    public let isIncomplete: Bool
    /// Names that statements with syntax errors were assigning to: `bf check` treats them as
    /// defined, so one error does not cause a second about every later use of the name.
    public let namesOfFailedAssignments: Set<String>
}

/// A hand-written recursive-descent parser for bf; `grammar/bf.ebnf` is its specification.
///
/// Each parse function carries its grammar rule. On an error the parser records one
/// diagnostic, skips to the next statement and goes on, so a script shows all its syntax
/// errors at once. It never reports an error about a token the lexer already marked invalid
/// twice, every loop consumes input or stops, and nesting is capped at `maximumNesting`.
///
/// Statement words (`pods`, `train`, …) are not fixed by the language: the interpreter
/// passes the names of the built-ins that have a statement form, so one table decides.
public struct Parser {
    public static let maximumNesting = 100

    let source: SourceFile
    let verbs: Set<String>
    var lexer: Lexer
    var current: Token
    var lookahead: Token?
    var nesting = 0
    /// The brackets open at the current token, innermost last: an error at the end of the
    /// input is then explained by the bracket that was never closed.
    var openers: [Token] = []

    public static func parse(_ source: SourceFile, verbs: Set<String> = []) -> ParseResult {
        var parser = Parser(source: source, verbs: verbs)
        return parser.parseProgram()
    }

    init(source: SourceFile, verbs: Set<String>) {
        self.source = source
        self.verbs = verbs
        self.lexer = Lexer(source)
        self.current = Token(.endOfInput, Span(0, 0))
        self.current = lexer.next()
    }

    /// A syntax error and the token it was found at, thrown up to the statement loop.
    struct Failure: Error {
        let error: SyntaxError
        let span: Span
        let token: Token
        let help: String?
        /// Where to resume when the statement's brackets cannot be trusted to close.
        var resumeAt: Int? = nil
    }

    // program -> { statement_end } [ statement { statement_end { statement_end } statement } ] { statement_end }
    mutating func parseProgram() -> ParseResult {
        var statements: [Statement] = []
        // Scripts average a statement per few dozen bytes; growing a huge array by doubling
        // would copy it again and again.
        statements.reserveCapacity(source.bytes.count / 48)
        var diagnostics: [Diagnostic] = []
        var incomplete = false
        var namesOfFailedAssignments: Set<String> = []
        while current.kind != .endOfInput {
            if current.kind == .newline || current.kind == .semicolon {
                advance()
                continue
            }
            assigning = nil
            do {
                let statement = try parseStatement()
                guard isAtStatementEnd else { throw statementEndFailure(after: statement) }
                statements.append(statement)
            } catch var failure as Failure {
                if let assigning { namesOfFailedAssignments.insert(assigning) }
                if failure.token.kind == .endOfInput, let opener = openers.last, failure.error != .nestingTooDeep(limit: Parser.maximumNesting) {
                    failure = unclosedAtEnd(opener)
                }
                diagnostics.append(Diagnostic(.error, failure.error.message, span: failure.span,
                                              help: failure.help ?? failure.error.help))
                if failure.token.kind == .endOfInput || isUnterminatedAtEnd(failure.token) {
                    incomplete = incomplete || lexer.isIncompleteAtEnd
                }
                recover(from: failure)
            } catch {
                preconditionFailure("the parser throws only Failure")
            }
        }
        return ParseResult(statements: statements, diagnostics: diagnostics, isIncomplete: incomplete,
                           namesOfFailedAssignments: namesOfFailedAssignments)
    }

    func unclosedAtEnd(_ opener: Token) -> Failure {
        let closer: String
        switch opener.kind {
        case .leftBracket: closer = "]"
        case .leftBrace: closer = "}"
        default: closer = ")"
        }
        _ = closer
        let error = SyntaxError.neverClosed(source.text(of: opener.span))
        return Failure(error: error, span: opener.span, token: Token(.endOfInput, Span(source.bytes.count, source.bytes.count)), help: nil)
    }

    func isUnterminatedAtEnd(_ token: Token) -> Bool {
        if case .invalid(let problem) = token.kind, lexer.problem(problem) == .unterminatedTripleString { return token.span.end == source.bytes.count }
        return false
    }

    // statement -> notebook_command | import_line | from_line | verb_call | assignment | expression
    mutating func parseStatement() throws -> Statement {
        switch current.kind {
        case .notebookCommand:
            let span = current.span
            advance()
            return .notebookCommand(text: source.text(of: span), span: span)
        case .colon where peekNext().kind == .identifier && peekNext().span.start == current.span.end:
            let word = peekNext().span
            throw Failure(error: .metaCommandInScript(":" + source.text(of: word)), span: current.span.to(word), token: current, help: nil)
        case .keyword(.import):
            return try parseImport()
        case .keyword(.from):
            return try parseFromImport()
        case .keyword(let keyword) where keyword.isUnsupportedPython:
            if peekNext().kind == .equal {
                throw Failure(error: .assignmentToKeyword(keyword.rawValue), span: current.span, token: current, help: nil)
            }
            throw Failure(error: .unsupportedPython(keyword.rawValue), span: current.span, token: current, help: nil)
        default:
            break
        }
        if let verb = try parseVerbCallIfPresent() {
            return .expression(verb)
        }
        let expression = try parseExpression()
        guard current.kind == .equal else { return .expression(expression) }
        // assignment -> target '=' ( verb_call | expression )
        let target = try assignmentTarget(expression)
        if case .name(let name, _) = target { assigning = name }
        advance()
        let value = try parseVerbCallIfPresent() ?? parseExpression()
        return .assignment(target: target, value: value, span: expression.span.to(value.span))
    }

    // import_line -> 'import' dotted_name [ 'as' NAME ] { ',' dotted_name [ 'as' NAME ] }
    mutating func parseImport() throws -> Statement {
        let start = current.span
        advance()
        var modules: [String] = []
        repeat {
            if !modules.isEmpty { advance() }
            modules.append(try parseDottedName())
            if current.kind == .keyword(.as) {
                advance()
                _ = try expectIdentifier()
            }
        } while current.kind == .comma
        return .importLine(modules: modules, span: start.to(previousEnd))
    }

    // from_line -> 'from' { '.' } dotted_name 'import' ( '*' | import_names | '(' import_names [ ',' ] ')' )
    // import_names -> NAME [ 'as' NAME ] { ',' NAME [ 'as' NAME ] }
    mutating func parseFromImport() throws -> Statement {
        let start = current.span
        advance()
        var relative = ""
        while current.kind == .dot {
            relative += "."
            advance()
        }
        let module = relative.isEmpty || current.kind == .identifier ? relative + (try parseDottedName()) : relative
        try expect(.keyword(.import), "'import'")
        if current.kind == .star {
            advance()
        } else {
            let opener = current.kind == .leftParen ? open() : nil
            repeat {
                if current.kind == .comma { advance() }
                if opener != nil, current.kind == .rightParen { break }
                _ = try expectIdentifier()
                if current.kind == .keyword(.as) {
                    advance()
                    _ = try expectIdentifier()
                }
            } while current.kind == .comma
            if let opener { try expectCloser(.rightParen, opener: opener, separator: "','") }
        }
        return .importLine(modules: [module], span: start.to(previousEnd))
    }

    // dotted_name -> NAME { '.' NAME }
    mutating func parseDottedName() throws -> String {
        var name = try expectIdentifier()
        while current.kind == .dot {
            advance()
            name += "." + (try expectIdentifier())
        }
        return name
    }

    // verb_call -> VERB [ verb_argument { ',' verb_argument } [ ',' ] ]
    // (a statement word followed by '(' is an ordinary call)
    // verb_argument -> clause | argument
    mutating func parseVerbCallIfPresent() throws -> Expression? {
        guard current.kind == .identifier else { return nil }
        let name = source.text(of: current.span)
        guard verbs.contains(name), startsVerbArguments(peekNext().kind) else { return nil }
        let verbSpan = current.span
        advance()
        var arguments: [ArgumentSyntax] = []
        while !isAtStatementEnd {
            arguments.append(try parseClauseIfPresent(after: arguments) ?? parseArgument(after: arguments))
            guard current.kind == .comma else { break }
            advance()
        }
        let end = arguments.last?.span ?? verbSpan
        return .call(callee: .statementWord(name, span: verbSpan), arguments: arguments, span: verbSpan.to(end))
    }

    // clause -> NAME NAME '=' expression { NAME '=' expression }
    /// A clause of a statement form, `privacy epsilon=3 delta=1e-5`: the keyword argument
    /// `privacy=privacy(epsilon=3, delta=1e-5)`, calling the built-in named by the word. No
    /// expression is two names in a row, so the second name tells a clause apart.
    mutating func parseClauseIfPresent(after previous: [ArgumentSyntax]) throws -> ArgumentSyntax? {
        guard current.kind == .identifier, peekNext().kind == .identifier else { return nil }
        let wordSpan = current.span
        let word = source.text(of: wordSpan)
        guard !previous.contains(where: { $0.label == word }) else {
            throw Failure(error: .duplicateKeyword(word), span: wordSpan, token: current, help: nil)
        }
        advance()
        var settings: [ArgumentSyntax] = []
        while current.kind == .identifier {
            guard peekNext().kind == .equal else {
                advance()
                throw failure(expecting: "'=' after '\(source.text(of: previousSpan))'",
                              help: "a clause is a word and settings: \(word) name=value name=value")
            }
            settings.append(try parseArgument(after: settings))
        }
        let call = Expression.call(callee: .statementWord(word, span: wordSpan), arguments: settings,
                                   span: wordSpan.to(settings.last?.span ?? wordSpan))
        return ArgumentSyntax(label: word, labelSpan: wordSpan, value: call)
    }

    func startsVerbArguments(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .integer, .float, .string, .leftBracket, .leftBrace, .minus, .plus,
             .newline, .semicolon, .endOfInput, .invalid:
            return true
        case .keyword(let keyword):
            return !keyword.isUnsupportedPython && keyword != .import && keyword != .from && keyword != .as
        default:
            return false
        }
    }

    func assignmentTarget(_ expression: Expression) throws -> AssignmentTarget {
        switch expression {
        case .name(let name, let span):
            return .name(name, span: span)
        case .attribute(let object, let name, _, let span):
            return .attribute(object: object, name: name, span: span)
        case .index(let object, let index, let span):
            return .index(object: object, index: index, span: span)
        case .boolean(_, let span), .none(let span):
            throw Failure(error: .assignmentToKeyword(source.text(of: span)), span: span, token: current, help: nil)
        default:
            throw Failure(error: .invalidAssignmentTarget, span: expression.span, token: current,
                          help: "assign to a name, such as 'x = …'; write '==' to compare")
        }
    }

    // MARK: - Tokens

    var previousSpan = Span(0, 0)
    /// The name the statement being parsed assigns to, once its '=' is seen.
    var assigning: String?
    var previousEnd: Span { Span(previousSpan.end, previousSpan.end) }

    var isAtStatementEnd: Bool {
        switch current.kind {
        case .newline, .semicolon, .endOfInput: return true
        default: return false
        }
    }

    mutating func advance() {
        previousSpan = current.span
        if let next = lookahead {
            current = next
            lookahead = nil
        } else {
            current = lexer.next()
        }
    }

    mutating func peekNext() -> Token {
        if let lookahead { return lookahead }
        let next = lexer.next()
        lookahead = next
        return next
    }

    /// Consumes an opening bracket and remembers it until `expectCloser` closes it.
    mutating func open() -> Token {
        let opener = current
        openers.append(opener)
        advance()
        return opener
    }

    mutating func expect(_ kind: TokenKind, _ description: String) throws {
        guard current.kind == kind else { throw failure(expecting: description) }
        advance()
    }

    mutating func expectIdentifier() throws -> String {
        guard current.kind == .identifier else { throw failure(expecting: "a name") }
        let name = source.text(of: current.span)
        advance()
        return name
    }

    /// Consumes `closer`, or explains why it is missing: an invalid token, the wrong closer, a
    /// missing separator on the same line, or (at the end or on a later line) an unclosed opener.
    mutating func expectCloser(_ closer: TokenKind, opener: Token, separator: String?) throws {
        if current.kind == closer {
            openers.removeLast()
            advance()
            return
        }
        if case .invalid = current.kind { throw failure(expecting: "") }
        let closerText = String(closer.displayName.filter { $0 != "'" })
        let openerText = source.text(of: opener.span)
        let openedAt = source.location(of: opener.span.start)
        switch current.kind {
        case .rightParen, .rightBracket, .rightBrace:
            throw Failure(error: .mismatchedCloser(found: source.text(of: current.span), opener: openerText, openedAt: openedAt),
                          span: current.span, token: current, help: nil)
        default:
            break
        }
        let sameLine = current.kind != .endOfInput && source.location(of: current.span.start).line == openedAt.line
        if sameLine, let separator {
            throw failure(expecting: "\(separator) or \(closer.displayName)", help: "separate items with ','")
        }
        // The closer is missing and the statement ran on to a later line: that line most
        // likely starts the next statement, so parsing resumes there.
        let resumeAt = current.kind == .endOfInput || sameLine ? nil : lexer.startOfLine(containing: current.span.start)
        throw Failure(error: .unclosed(closer: closerText, opener: openerText, openedAt: openedAt),
                      span: current.kind == .endOfInput ? opener.span : current.span, token: current, help: nil,
                      resumeAt: resumeAt)
    }

    /// A failure at the current token: its own error if the lexer marked it invalid, else
    /// "expected …, found …".
    func failure(expecting what: String, help: String? = nil) -> Failure {
        if case .invalid(let problem) = current.kind {
            return Failure(error: lexer.problem(problem), span: lexer.problemSpan(problem) ?? current.span, token: current, help: nil)
        }
        if openers.isEmpty, let closer = closerText(current.kind) {
            return Failure(error: .unmatchedCloser(closer), span: current.span, token: current, help: nil)
        }
        // At the end of a line, point just after the last token, not past a trailing comment.
        let atLineEnd = current.kind == .newline || current.kind == .endOfInput
        let span = atLineEnd && previousSpan.end > 0 ? Span(previousSpan.end, previousSpan.end) : current.span
        return Failure(error: .expected(what, found: current.kind.displayName), span: span, token: current, help: help)
    }

    func closerText(_ kind: TokenKind) -> String? {
        switch kind {
        case .rightParen: return ")"
        case .rightBracket: return "]"
        case .rightBrace: return "}"
        default: return nil
        }
    }

    /// Why a statement did not end where it should have, in the most useful words.
    func statementEndFailure(after statement: Statement) -> Failure {
        switch current.kind {
        case .comma:
            return Failure(error: .unpackingNotSupported, span: current.span, token: current, help: nil)
        case .keyword(let keyword) where keyword.isUnsupportedPython:
            return Failure(error: .unsupportedPython(keyword.rawValue), span: current.span, token: current, help: nil)
        default:
            break
        }
        var help = "separate statements with a new line or ';'"
        if case .expression(.name(let name, _)) = statement, closerText(current.kind) == nil {
            help = "to call '\(name)', write \(name)(…); " + help
        }
        return failure(expecting: "end of statement", help: help)
    }

    // MARK: - Recovery

    /// Skips to the start of the next statement. Normally that is the next line break outside
    /// brackets; but when a bracket was left open, the rest of the input would be one bracket,
    /// so parsing resumes on the line where the statement visibly went wrong.
    mutating func recover(from failure: Failure) {
        lookahead = nil
        openers = []
        if let resumeAt = failure.resumeAt {
            lexer.restart(at: resumeAt)
            current = lexer.next()
            return
        }
        var scan = lexer
        var token = failure.token
        while true {
            switch token.kind {
            case .newline, .endOfInput:
                if token.kind == .endOfInput && scan.depth > 0 {
                    lexer.restart(at: lexer.startOfNextLine(after: failure.token.span.start))
                    current = lexer.next()
                } else {
                    lexer = scan
                    current = token
                }
                return
            case .semicolon where scan.depth == 0:
                lexer = scan
                current = token
                return
            default:
                token = scan.next()
            }
        }
    }
}
