import Language

/// A compact, readable rendering of syntax trees for table-driven parser tests.
enum SExpression {
    static func render(_ statements: [Statement]) -> String {
        statements.map(render).joined(separator: " ")
    }

    static func render(_ statement: Statement) -> String {
        switch statement {
        case .expression(let expression): return render(expression)
        case .assignment(let target, let value, _): return "(= \(render(target)) \(render(value)))"
        case .importLine(let modules, _): return "(import \(modules.joined(separator: " ")))"
        case .notebookCommand(let text, _): return "(notebook \(text))"
        }
    }

    static func render(_ target: AssignmentTarget) -> String {
        switch target {
        case .name(let name, _): return name
        case .attribute(let object, let name, _): return "(. \(render(object)) \(name))"
        case .index(let object, let index, _): return "([] \(render(object)) \(render(index)))"
        }
    }

    static func render(_ expression: Expression) -> String {
        switch expression {
        case .name(let name, _), .statementWord(let name, _): return name
        case .integer(let value, _): return String(value)
        case .float(let value, _): return String(value)
        case .string(let value, _): return "\"\(value)\""
        case .boolean(let value, _): return value ? "True" : "False"
        case .none: return "None"
        case .list(let elements, _): return "[" + elements.map(render).joined(separator: " ") + "]"
        case .dictionary(let entries, _):
            return "{" + entries.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: " ") + "}"
        case .unary(let op, let operand, _): return "(\(op.rawValue) \(render(operand)))"
        case .binary(let first, let operations, _):
            // Nested left to right, `(+ (+ a b) c)`, built in one pass so long chains stay linear.
            return operations.reversed().map { "(\($0.op.rawValue) " }.joined() + render(first)
                + operations.map { " \(render($0.operand)))" }.joined()
        case .call(let callee, let arguments, _):
            let rendered = arguments.map { argument in
                (argument.label.map { $0 + "=" } ?? "") + render(argument.value)
            }
            return "(call \(render(callee))" + rendered.map { " " + $0 }.joined() + ")"
        case .attribute(let object, let name, _, _): return "(. \(render(object)) \(name))"
        case .index(let object, let index, _): return "([] \(render(object)) \(render(index)))"
        }
    }
}
