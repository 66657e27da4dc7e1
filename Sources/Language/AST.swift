/// A parsed statement. Statement forms such as `train model, aggregator="secure"` are parsed
/// into the same `.call` expression as `train(model, aggregator="secure")`: the statement form
/// is only syntax.
public enum Statement: Sendable, Hashable {
    case expression(Expression)
    case assignment(target: AssignmentTarget, value: Expression, span: Span)
    /// An `import …` or `from … import …` line, accepted and ignored; `modules` for the notice.
    case importLine(modules: [String], span: Span)
    /// A Jupyter shell command or magic (`!pip install bitfount`), accepted and not run.
    case notebookCommand(text: String, span: Span)

    public var span: Span {
        switch self {
        case .expression(let expression): return expression.span
        case .assignment(_, _, let span), .importLine(_, let span), .notebookCommand(_, let span): return span
        }
    }
}

/// What an assignment can write to.
public enum AssignmentTarget: Sendable, Hashable {
    case name(String, span: Span)
    case attribute(object: Expression, name: String, span: Span)
    case index(object: Expression, index: Expression, span: Span)
}

/// An expression with the span of its source text. Only the recursive cases are boxed, so
/// leaves (names, numbers, strings) cost no allocation.
public enum Expression: Sendable, Hashable {
    case name(String, span: Span)
    /// The word of a statement form (`train` in `train model`): always the built-in, even
    /// where a variable has the same name (the tutorial names one `datastructure`).
    case statementWord(String, span: Span)
    case integer(Int, span: Span)
    case float(Double, span: Span)
    case string(String, span: Span)
    case boolean(Bool, span: Span)
    case none(span: Span)
    case list([Expression], span: Span)
    case dictionary([DictionaryEntry], span: Span)
    indirect case unary(UnaryOperator, Expression, span: Span)
    /// Binary operators of one precedence level applied left to right: `a - b + c` is `a`
    /// followed by the operations `- b` and `+ c`. The chain is kept flat rather than nested,
    /// so that a sum of a million terms is one node: walking or freeing a million nested nodes
    /// would overflow the stack. A comparison is a chain of one operation.
    indirect case binary(first: Expression, operations: [BinaryOperation], span: Span)
    indirect case call(callee: Expression, arguments: [ArgumentSyntax], span: Span)
    indirect case attribute(object: Expression, name: String, nameSpan: Span, span: Span)
    indirect case index(object: Expression, index: Expression, span: Span)

    public var span: Span {
        switch self {
        case .name(_, let span), .statementWord(_, let span), .integer(_, let span), .float(_, let span), .string(_, let span),
             .boolean(_, let span), .none(let span), .list(_, let span), .dictionary(_, let span),
             .unary(_, _, let span), .binary(_, _, let span), .call(_, _, let span),
             .attribute(_, _, _, let span), .index(_, _, let span):
            return span
        }
    }
}

/// `key: value` inside a dictionary literal. The key is usually a string literal; it may be
/// any expression whose value is a string (`{first: first}`), checked when it is evaluated.
public struct DictionaryEntry: Sendable, Hashable {
    public let key: Expression
    public let value: Expression

    /// The key's text when the key is a string literal.
    public var literalKey: String? {
        if case .string(let text, _) = key { return text }
        return nil
    }
}

/// One step of a binary chain: the operator, its right operand, and the span of the chain
/// from its first operand to this one, where an error of this step points.
public struct BinaryOperation: Sendable, Hashable {
    public let op: BinaryOperator
    public let operand: Expression
    public let span: Span
}

/// One argument of a call: positional, or `name=value`.
public struct ArgumentSyntax: Sendable, Hashable {
    public let label: String?
    public let labelSpan: Span?
    public let value: Expression

    public var span: Span { labelSpan.map { $0.to(value.span) } ?? value.span }
}

public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-", plus = "+"
}

public enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}
