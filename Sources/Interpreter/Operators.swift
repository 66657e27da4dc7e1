import Language

/// What `+ - * /` and comparisons mean for bf values (Python's meanings, on fewer types).
enum Operators {
    static func apply(_ op: UnaryOperator, _ operand: Value, span: Span) throws -> Value {
        switch (op, integerIfBool(operand)) {
        case (.negate, .int(let value)):
            let (result, overflow) = Int(0).subtractingReportingOverflow(value)
            if overflow { throw RuntimeError(.integerOverflow(operator: nil), span: span) }
            return .int(result)
        case (.negate, .float(let value)): return .float(-value)
        case (.plus, .int), (.plus, .float): return integerIfBool(operand)
        default:
            throw RuntimeError(.badUnaryOperand(operator: op.rawValue, type: operand.typeName), span: span)
        }
    }

    static func apply(_ op: BinaryOperator, _ left: Value, _ right: Value, span: Span) throws -> Value {
        switch op {
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, left, right, span: span))
        case .add, .subtract, .multiply, .divide: return try arithmetic(op, left, right, span: span)
        }
    }

    /// `accumulator op right`, stored back into `accumulator`: the step of a binary chain.
    /// String and list `+` append in place, so a long chain of them takes time linear in
    /// its length rather than copying the growing result at every step.
    static func accumulate(_ op: BinaryOperator, _ accumulator: inout Value, _ right: Value, span: Span) throws {
        if op == .add {
            switch right {
            case .string(let more):
                if case .string(var text) = accumulator {
                    // Dropping the accumulator's reference leaves `text` the sole owner of its storage.
                    accumulator = .none
                    text += more
                    accumulator = .string(text)
                    return
                }
            case .list(let more):
                if case .list(var values) = accumulator {
                    accumulator = .none
                    values += more
                    accumulator = .list(values)
                    return
                }
            default:
                break
            }
        }
        accumulator = try apply(op, accumulator, right, span: span)
    }

    /// Booleans take part in arithmetic as the integers 0 and 1, as in Python.
    private static func integerIfBool(_ value: Value) -> Value {
        if case .bool(let flag) = value { return .int(flag ? 1 : 0) }
        return value
    }

    private static func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value, span: Span) throws -> Value {
        let left = integerIfBool(left), right = integerIfBool(right)
        switch (op, left, right) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (_, .int(let a), .int(let b)) where op != .divide:
            let (result, overflow): (Int, Bool)
            switch op {
            case .add: (result, overflow) = a.addingReportingOverflow(b)
            case .subtract: (result, overflow) = a.subtractingReportingOverflow(b)
            default: (result, overflow) = a.multipliedReportingOverflow(by: b)
            }
            if overflow { throw RuntimeError(.integerOverflow(operator: op.rawValue), span: span) }
            return .int(result)
        default:
            guard left.isNumeric, right.isNumeric, let a = left.number, let b = right.number else {
                throw RuntimeError(.unsupportedOperands(operator: op.rawValue, left: left.typeName, right: right.typeName), span: span)
            }
            switch op {
            case .add: return .float(a + b)
            case .subtract: return .float(a - b)
            case .multiply: return .float(a * b)
            default:
                if b == 0 { throw RuntimeError(.divisionByZero, span: span) }
                return .float(a / b)
            }
        }
    }

    private static func compare(_ op: BinaryOperator, _ left: Value, _ right: Value, span: Span) throws -> Bool {
        let ordering: Bool
        switch (left, right) {
        case (.string(let a), .string(let b)):
            switch op {
            case .less: ordering = a < b
            case .lessEqual: ordering = a <= b
            case .greater: ordering = a > b
            default: ordering = a >= b
            }
        default:
            guard left.isNumeric, right.isNumeric, let a = left.number, let b = right.number else {
                throw RuntimeError(.notComparable(operator: op.rawValue, left: left.typeName, right: right.typeName), span: span)
            }
            switch op {
            case .less: ordering = a < b
            case .lessEqual: ordering = a <= b
            case .greater: ordering = a > b
            default: ordering = a >= b
            }
        }
        return ordering
    }

    /// A Python index (negative counts from the end) checked against a length.
    static func checkedIndex(_ position: Int, count: Int, span: Span) throws -> Int {
        let resolved = position < 0 ? count + position : position
        guard resolved >= 0, resolved < count else {
            throw RuntimeError(.indexOutOfRange(position, count: count), span: span)
        }
        return resolved
    }
}
