/// Expressions, from comparisons down to primaries (`grammar/bf.ebnf`, "expression" and
/// below); each function cites the rule it parses.
extension Parser {
    // expression -> sum [ ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) sum ]
    mutating func parseExpression() throws -> Expression {
        try deepen()
        defer { nesting -= 1 }
        let left = try parseSum()
        let comparison: BinaryOperator?
        switch current.kind {
        case .equalEqual: comparison = .equal
        case .bangEqual: comparison = .notEqual
        case .less: comparison = .less
        case .lessEqual: comparison = .lessEqual
        case .greater: comparison = .greater
        case .greaterEqual: comparison = .greaterEqual
        default: comparison = nil
        }
        guard let comparison else { return left }
        advance()
        let right = try parseSum()
        let span = left.span.to(right.span)
        return .binary(first: left, operations: [BinaryOperation(op: comparison, operand: right, span: span)], span: span)
    }

    // sum -> product { ( '+' | '-' ) product }
    mutating func parseSum() throws -> Expression {
        let first = try parseProduct()
        var operations: [BinaryOperation] = []
        while current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = current.kind == .plus ? .add : .subtract
            advance()
            let operand = try parseProduct()
            operations.append(BinaryOperation(op: op, operand: operand, span: first.span.to(operand.span)))
        }
        return Parser.chain(first, operations)
    }

    // product -> unary { ( '*' | '/' ) unary }
    mutating func parseProduct() throws -> Expression {
        let first = try parseUnary()
        var operations: [BinaryOperation] = []
        while current.kind == .star || current.kind == .slash {
            let op: BinaryOperator = current.kind == .star ? .multiply : .divide
            advance()
            let operand = try parseUnary()
            operations.append(BinaryOperation(op: op, operand: operand, span: first.span.to(operand.span)))
        }
        return Parser.chain(first, operations)
    }

    /// A left-associative chain read in a loop: one flat `.binary` node however long it is
    /// (the operand itself when there is no operator). The loops stay in `parseSum` and
    /// `parseProduct` rather than in a shared helper: every frame between two levels of
    /// brackets counts against the stack at the deepest nesting allowed.
    static func chain(_ first: Expression, _ operations: [BinaryOperation]) -> Expression {
        guard let last = operations.last else { return first }
        return .binary(first: first, operations: operations, span: last.span)
    }

    /// Counts one more level of nesting, or fails at the current token past `maximumNesting`.
    /// Every construct that nests the tree counts (brackets, prefix operators, each postfix
    /// call, attribute or index), so the depth of every tree walk is bounded; binary chains
    /// are flat and do not count.
    mutating func deepen() throws {
        guard nesting < Parser.maximumNesting else {
            throw Failure(error: .nestingTooDeep(limit: Parser.maximumNesting), span: current.span, token: current, help: nil)
        }
        nesting += 1
    }

    // unary -> ( '-' | '+' ) unary | postfix
    mutating func parseUnary() throws -> Expression {
        guard current.kind == .minus || current.kind == .plus else { return try parsePostfix() }
        let start = current.span
        let op: UnaryOperator = current.kind == .minus ? .negate : .plus
        advance()
        try deepen()
        defer { nesting -= 1 }
        let operand = try parseUnary()
        return .unary(op, operand, span: start.to(operand.span))
    }

    // postfix -> primary { '(' [ arguments ] ')' | '.' NAME | '[' expression ']' }
    mutating func parsePostfix() throws -> Expression {
        var expression = try parsePrimary()
        let outerNesting = nesting
        defer { nesting = outerNesting }
        while true {
            switch current.kind {
            case .leftParen:
                try deepen()
                let opener = open()
                let arguments = try parseArguments(closer: .rightParen, opener: opener)
                expression = .call(callee: expression, arguments: arguments, span: expression.span.to(previousSpan))
            case .dot:
                try deepen()
                advance()
                let nameSpan = current.span
                let name = try expectIdentifier()
                expression = .attribute(object: expression, name: name, nameSpan: nameSpan, span: expression.span.to(nameSpan))
            case .leftBracket:
                try deepen()
                let opener = open()
                let index = try parseExpression()
                try expectCloser(.rightBracket, opener: opener, separator: nil)
                expression = .index(object: expression, index: index, span: expression.span.to(previousSpan))
            default:
                return expression
            }
        }
    }

    // arguments -> argument { ',' argument } [ ',' ]
    mutating func parseArguments(closer: TokenKind, opener: Token) throws -> [ArgumentSyntax] {
        var arguments: [ArgumentSyntax] = []
        while current.kind != closer {
            arguments.append(try parseArgument(after: arguments))
            guard current.kind == .comma else { break }
            advance()
        }
        try expectCloser(closer, opener: opener, separator: "','")
        return arguments
    }

    // argument -> NAME '=' expression | expression
    mutating func parseArgument(after previous: [ArgumentSyntax]) throws -> ArgumentSyntax {
        if current.kind == .identifier, peekNext().kind == .equal {
            let labelSpan = current.span
            let label = source.text(of: labelSpan)
            guard !previous.contains(where: { $0.label == label }) else {
                throw Failure(error: .duplicateKeyword(label), span: labelSpan, token: current, help: nil)
            }
            advance()
            advance()
            return ArgumentSyntax(label: label, labelSpan: labelSpan, value: try parseExpression())
        }
        let value = try parseExpression()
        if previous.last?.label != nil {
            throw Failure(error: .positionalAfterKeyword, span: value.span, token: current, help: nil)
        }
        return ArgumentSyntax(label: nil, labelSpan: nil, value: value)
    }

    // primary -> NAME | INTEGER | FLOAT | STRING { STRING } | literal_word
    //          | list | dictionary | parenthesized
    // literal_word -> 'True' | 'False' | 'None' | 'true' | 'false'
    mutating func parsePrimary() throws -> Expression {
        switch current.kind {
        case .leftBracket: return try parseList()
        case .leftBrace: return try parseDictionary()
        case .leftParen: return try parseParenthesized()
        default: return try parseLeaf()
        }
    }

    /// A primary that holds no expression: a name, number, string or literal word. Kept out
    /// of `parsePrimary`, whose frame is on the stack at every level of brackets, because
    /// its cases need a large frame.
    mutating func parseLeaf() throws -> Expression {
        let token = current
        switch token.kind {
        case .identifier:
            advance()
            return .name(source.text(of: token.span), span: token.span)
        case .integer:
            advance()
            guard let value = integerValue(token.span) else {
                throw Failure(error: .numberTooLarge(source.text(of: token.span)), span: token.span, token: token, help: nil)
            }
            return .integer(value, span: token.span)
        case .float:
            advance()
            let text = String(source.text(of: token.span).filter { $0 != "_" })
            guard let value = Double(text), value.isFinite else {
                throw Failure(error: .floatTooLarge(source.text(of: token.span)), span: token.span, token: token, help: nil)
            }
            return .float(value, span: token.span)
        case .string:
            var value = StringLiteral.decode(source.bytes, token.span)
            var span = token.span
            advance()
            while current.kind == .string {
                value += StringLiteral.decode(source.bytes, current.span)
                span = span.to(current.span)
                advance()
            }
            return .string(value, span: span)
        case .keyword(.true), .keyword(.lowerTrue):
            advance()
            return .boolean(true, span: token.span)
        case .keyword(.false), .keyword(.lowerFalse):
            advance()
            return .boolean(false, span: token.span)
        case .keyword(.none):
            advance()
            return .none(span: token.span)
        case .keyword(let keyword) where keyword.isUnsupportedPython:
            throw Failure(error: .unsupportedPython(keyword.rawValue), span: token.span, token: token, help: nil)
        default:
            throw failure(expecting: "an expression")
        }
    }

    /// The value of an integer token, read from its bytes; nil if it does not fit 64 bits.
    func integerValue(_ span: Span) -> Int? {
        var value = 0
        for byte in source.bytes[span.start..<span.end] where byte != UInt8(ascii: "_") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    // list -> '[' [ expression { ',' expression } [ ',' ] ] ']'
    mutating func parseList() throws -> Expression {
        let opener = open()
        var elements: [Expression] = []
        while current.kind != .rightBracket {
            elements.append(try parseExpression())
            guard current.kind == .comma else { break }
            advance()
        }
        try expectCloser(.rightBracket, opener: opener, separator: "','")
        return .list(elements, span: opener.span.to(previousSpan))
    }

    // dictionary -> '{' [ entry { ',' entry } [ ',' ] ] '}'
    // entry -> expression ':' expression
    // A key that is a literal of another type can never be a string and is refused here; a
    // key computed at run time (`{first: first}`) is checked when it is evaluated.
    mutating func parseDictionary() throws -> Expression {
        let opener = open()
        var entries: [DictionaryEntry] = []
        var keys: Set<String> = []
        while current.kind != .rightBrace {
            let key = try parseExpression()
            switch key {
            case .integer, .float, .boolean, .none, .list, .dictionary:
                throw Failure(error: .nonStringDictKey, span: key.span, token: current, help: nil)
            case .string(let text, let keySpan):
                guard keys.insert(text).inserted else {
                    throw Failure(error: .duplicateDictKey(text), span: keySpan, token: current, help: nil)
                }
            default:
                break
            }
            try expect(.colon, "':' after the dictionary key")
            entries.append(DictionaryEntry(key: key, value: try parseExpression()))
            guard current.kind == .comma else { break }
            advance()
        }
        try expectCloser(.rightBrace, opener: opener, separator: "','")
        return .dictionary(entries, span: opener.span.to(previousSpan))
    }

    // parenthesized -> '(' expression ')'
    mutating func parseParenthesized() throws -> Expression {
        let opener = open()
        if current.kind == .rightParen {
            throw Failure(error: .tupleNotSupported, span: opener.span.to(current.span), token: current, help: nil)
        }
        let inner = try parseExpression()
        if current.kind == .comma {
            throw Failure(error: .tupleNotSupported, span: opener.span.to(current.span), token: current, help: nil)
        }
        try expectCloser(.rightParen, opener: opener, separator: nil)
        return inner
    }
}
