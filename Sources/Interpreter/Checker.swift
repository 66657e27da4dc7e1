import Diagnostics
import Language
import OrderedCollections

extension Session {
    /// Checks a script without running it: syntax, names used before they are defined, and
    /// the arguments of every call whose built-in is known. Reports every problem, in order.
    public func check(_ source: SourceFile) -> [Diagnostic] {
        let parsed = parse(source)
        var checker = StaticChecker(builtins: builtins, defined: Set(variables.keys).union(parsed.namesOfFailedAssignments))
        for statement in parsed.statements.reversed() {
            if case .assignment(.name(let name, let span), _, _) = statement {
                checker.assignedLater[name] = source.location(of: span.start).line
            }
        }
        for statement in parsed.statements { checker.check(statement) }
        return (parsed.diagnostics + checker.diagnostics).sorted { ($0.span?.start ?? 0) < ($1.span?.start ?? 0) }
    }
}

/// What the checker knows about an expression without running it.
private struct StaticValue {
    /// The value itself, for literals.
    var value: Value?
    var builtin: Builtin?
    var receiverType: String?
    /// The object type it evaluates to, when a built-in declares it.
    var objectType: String?

    static let unknown = StaticValue()
}

/// Walks statements in order, the way the interpreter would run them, without running them.
private struct StaticChecker {
    let builtins: BuiltinTable
    var defined: Set<String>
    var objectTypes: [String: String] = [:]
    /// Names the script assigns further on, by line.
    var assignedLater: [String: Int] = [:]
    var diagnostics: [Diagnostic] = []

    init(builtins: BuiltinTable, defined: Set<String>) {
        self.builtins = builtins
        self.defined = defined
    }

    mutating func check(_ statement: Statement) {
        switch statement {
        case .expression(let expression):
            _ = infer(expression)
        case .assignment(let target, let value, _):
            let inferred = infer(value)
            switch target {
            case .name(let name, _):
                defined.insert(name)
                assignedLater[name] = nil
                objectTypes[name] = inferred.objectType
            case .attribute(let object, _, _):
                _ = infer(object)
            case .index(let object, let index, _):
                _ = infer(object)
                _ = infer(index)
            }
        case .importLine, .notebookCommand:
            break
        }
    }

    /// What `expression` is known to be. This function is on the stack once for every level
    /// of the tree, so it only dispatches: the cases that need a large frame have their own.
    private mutating func infer(_ expression: Expression) -> StaticValue {
        switch expression {
        case .name(let name, let span): return inferName(name, span: span)
        case .statementWord(let name, _): return StaticValue(builtin: builtins.function(named: name))
        case .integer(let value, _): return StaticValue(value: .int(value))
        case .float(let value, _): return StaticValue(value: .float(value))
        case .string(let value, _): return StaticValue(value: .string(value))
        case .boolean(let value, _): return StaticValue(value: .bool(value))
        case .none: return StaticValue(value: Value.none)
        case .list(let elements, _): return inferList(elements)
        case .dictionary(let entries, _): return inferDictionary(entries)
        case .unary(let op, let operand, let span): return inferUnary(op, operand, span: span)
        case .binary(let first, let operations, _):
            _ = infer(first)
            for operation in operations { _ = infer(operation.operand) }
            return .unknown
        case .index(let object, let index, _):
            _ = infer(object)
            _ = infer(index)
            return .unknown
        case .attribute(let object, let name, let nameSpan, _): return inferAttribute(of: object, name, nameSpan: nameSpan)
        case .call(let callee, let arguments, let span): return inferCall(callee, arguments, span: span)
        }
    }

    private mutating func inferName(_ name: String, span: Span) -> StaticValue {
        if defined.contains(name) { return StaticValue(objectType: objectTypes[name]) }
        if let builtin = builtins.function(named: name) { return StaticValue(builtin: builtin) }
        if let line = assignedLater[name] {
            diagnostics.append(Diagnostic(.error, "'\(name)' is used before it is assigned", span: span,
                                          help: "it is assigned on line \(line); move that line up"))
            return .unknown
        }
        if let absent = OutputName.absence(of: name) {
            diagnostics.append(Diagnostic(.error, absent.message, span: span, help: absent.help))
            return .unknown
        }
        let suggestion = Suggestion.closest(to: name, among: Array(defined) + builtins.functionNames)
        diagnostics.append(Diagnostic(.error, "unknown name '\(name)'", span: span,
                                      help: suggestion.map { "did you mean '\($0)'?" } ?? "help() lists the built-ins"))
        return .unknown
    }

    private mutating func inferList(_ elements: [Expression]) -> StaticValue {
        let values = elements.map { infer($0).value }
        return StaticValue(value: values.allSatisfy { $0 != nil } ? .list(values.compactMap { $0 }) : nil)
    }

    private mutating func inferDictionary(_ entries: [DictionaryEntry]) -> StaticValue {
        var values = OrderedDictionary<String, Value>()
        var allKnown = true
        for entry in entries {
            let key = entry.literalKey ?? infer(entry.key).value.flatMap { if case .string(let text) = $0 { return text } else { return nil } }
            if let key, let value = infer(entry.value).value { values[key] = value } else { allKnown = false }
        }
        return StaticValue(value: allKnown ? .dict(values) : nil)
    }

    private mutating func inferUnary(_ op: UnaryOperator, _ operand: Expression, span: Span) -> StaticValue {
        // `-1` is a literal too: `epochs=-1` is checked like `epochs=0`.
        guard let value = infer(operand).value, let folded = try? Operators.apply(op, value, span: span) else { return .unknown }
        return StaticValue(value: folded)
    }

    private mutating func inferAttribute(of object: Expression, _ name: String, nameSpan: Span) -> StaticValue {
        let receiver = infer(object)
        guard let typeName = receiver.objectType, let type = builtins.type(named: typeName) else { return .unknown }
        if let method = type.method(named: name) { return StaticValue(builtin: method, receiverType: typeName) }
        if !type.attributeNames.contains(name) {
            let suggestion = Suggestion.closest(to: name, among: type.methods.flatMap(\.names) + type.attributeNames)
            diagnostics.append(Diagnostic(.error, "'\(typeName)' has no attribute '\(name)'", span: nameSpan,
                                          help: suggestion.map { "did you mean '\($0)'?" }))
        }
        return .unknown
    }

    private mutating func inferCall(_ calleeExpression: Expression, _ arguments: [ArgumentSyntax], span: Span) -> StaticValue {
        let callee = infer(calleeExpression)
        let shapes = arguments.map { argument in
            ArgumentShape(label: argument.label, labelSpan: argument.labelSpan, span: argument.span,
                          value: infer(argument.value).value)
        }
        guard let builtin = callee.builtin else { return .unknown }
        do {
            _ = try ArgumentBinder.bindShapes(builtin, shapes, callSpan: span)
        } catch let error as RuntimeError {
            diagnostics.append(contentsOf: error.diagnostics)
        } catch {
            diagnostics.append(Diagnostic(.error, "\(error)", span: span))
        }
        return StaticValue(objectType: builtin.returns?.name)
    }
}
