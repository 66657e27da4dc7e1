import Diagnostics
import Federation
import Language
import OrderedCollections

/// Evaluation of statements and expressions against the session's variables.
extension Session {
    /// Runs one statement; returns the value of an expression statement (None for the rest).
    func execute(_ statement: Statement) async throws -> Value {
        switch statement {
        case .expression(let expression):
            return try await evaluate(expression)
        case .assignment(let target, let valueExpression, _):
            let value = try await evaluate(valueExpression)
            try await assign(value, to: target)
            return .none
        case .importLine(let modules, _):
            noteIgnoredImport(modules)
            return .none
        case .notebookCommand:
            noteOnce("notebook-command", "note: lines starting with '!' or '%' are Jupyter commands; bf does not run them "
                     + "(bf needs nothing installed, and shows charts itself)")
            return .none
        }
    }

    func evaluate(_ expression: Expression) async throws -> Value {
        switch expression {
        case .name(let name, let span):
            return try lookUp(name, span: span)
        case .statementWord(let name, let span):
            guard let builtin = builtins.function(named: name) else { throw unknownName(name, span: span) }
            return .builtin(builtin)
        case .integer(let value, _):
            return .int(value)
        case .float(let value, _):
            return .float(value)
        case .string(let value, _):
            return .string(value)
        case .boolean(let value, _):
            return .bool(value)
        case .none:
            return .none
        case .list(let elements, let span):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try await evaluate(element)) }
            return try Value.checkedNesting(.list(values), span: span)
        case .dictionary(let entries, let span):
            var values = OrderedDictionary<String, Value>()
            for entry in entries {
                let key = try await evaluate(entry.key)
                guard case .string(let text) = key else {
                    throw RuntimeError(.computedKeyNotString(type: key.typeName), span: entry.key.span)
                }
                values[text] = try await evaluate(entry.value)
            }
            return try Value.checkedNesting(.dict(values), span: span)
        case .unary(let op, let operandExpression, let span):
            return try Operators.apply(op, try await evaluate(operandExpression), span: span)
        case .binary(let first, let operations, _):
            var value = try await evaluate(first)
            for operation in operations {
                let operand = try await evaluate(operation.operand)
                try Operators.accumulate(operation.op, &value, operand, span: operation.span)
            }
            return value
        case .call(let calleeExpression, let arguments, let span):
            let callee = try await evaluate(calleeExpression)
            var shapes: [ArgumentShape<Value>] = []
            for argument in arguments {
                shapes.append(ArgumentShape(label: argument.label, labelSpan: argument.labelSpan, span: argument.span,
                                            value: try await evaluate(argument.value)))
            }
            return try await call(callee, shapes, span: span, calleeSpan: calleeExpression.span)
        case .attribute(let objectExpression, let name, let nameSpan, _):
            return try attribute(name, of: try await evaluate(objectExpression), span: nameSpan)
        case .index(let objectExpression, let indexExpression, let span):
            let object = try await evaluate(objectExpression)
            let index = try await evaluate(indexExpression)
            return try element(of: object, at: index, span: span, indexSpan: indexExpression.span)
        }
    }

    private func lookUp(_ name: String, span: Span) throws -> Value {
        if let value = variables[name] { return value }
        if let builtin = builtins.function(named: name) { return .builtin(builtin) }
        throw unknownName(name, span: span)
    }

    func unknownName(_ name: String, span: Span) -> RuntimeError {
        if let line = assignedLater[name] {
            return RuntimeError(.usedBeforeAssignment(name, assignedOnLine: line), span: span)
        }
        if let absent = OutputName.absence(of: name) {
            return RuntimeError(absent.message, span: span, help: absent.help)
        }
        let candidates = Array(variables.keys) + builtins.functionNames
        return RuntimeError(.unknownName(name, suggestion: Suggestion.closest(to: name, among: candidates)), span: span)
    }

    func call(_ callee: Value, _ arguments: [ArgumentShape<Value>], span: Span, calleeSpan: Span) async throws -> Value {
        let builtin: Builtin
        var receiver: (any RuntimeObject)?
        switch callee {
        case .builtin(let function):
            builtin = function
        case .method(let method, let object):
            builtin = method
            receiver = object
        default:
            throw RuntimeError(.notCallable(type: callee.typeName), span: calleeSpan)
        }
        let bound = try ArgumentBinder.bind(builtin, arguments, callSpan: span)
        let callArguments = CallArguments(builtin: builtin, receiver: receiver, context: self, callSpan: span, bound: bound)
        do {
            return try await builtin.implementation(callArguments)
        } catch var error as RuntimeError {
            if error.span == nil { error.span = span }
            throw error
        } catch let error as any ProblemError {
            throw RuntimeError(error, span: span)
        } catch let error as Interrupted {
            throw error
        } catch is CancellationError {
            throw Interrupted()
        } catch {
            throw RuntimeError(.builtinFailed(function: builtin.name, reason: "\(error)"), span: span)
        }
    }

    func attribute(_ name: String, of value: Value, span: Span) throws -> Value {
        guard case .object(let object) = value else {
            throw RuntimeError(.noAttribute(type: value.typeName, name: name), span: span)
        }
        if let method = object.objectType.method(named: name) {
            return .method(method, receiver: object)
        }
        if let attribute = object.attribute(name) {
            return attribute
        }
        let type = object.objectType
        let candidates = type.methods.flatMap(\.names) + type.attributeNames
        throw RuntimeError(.noObjectAttribute(type: type.name, name: name, suggestion: Suggestion.closest(to: name, among: candidates),
                                              candidates: candidates), span: span)
    }

    func element(of value: Value, at index: Value, span: Span, indexSpan: Span) throws -> Value {
        switch (value, index) {
        case (.list(let values), .int(let position)):
            return values[try Operators.checkedIndex(position, count: values.count, span: indexSpan)]
        case (.string(let text), .int(let position)):
            let scalars = Array(text.unicodeScalars)
            return .string(String(scalars[try Operators.checkedIndex(position, count: scalars.count, span: indexSpan)]))
        case (.dict(let entries), .string(let key)):
            guard let found = entries[key] else {
                throw RuntimeError(.missingKey(key, suggestion: Suggestion.closest(to: key, among: entries.keys), keys: Array(entries.keys)),
                                   span: indexSpan)
            }
            return found
        case (.object(let object), _):
            do {
                return try object.element(at: index)
            } catch var error as RuntimeError {
                if error.span == nil { error.span = indexSpan }
                throw error
            }
        case (.list, _), (.string, _):
            throw RuntimeError(.indexNotInteger(container: value.typeName, index: index.typeName), span: indexSpan)
        case (.dict, _):
            throw RuntimeError(.dictionaryKeyNotString(index: index.typeName), span: indexSpan)
        default:
            throw RuntimeError(.notIndexable(type: value.typeName), span: span)
        }
    }

    private func assign(_ value: Value, to target: AssignmentTarget) async throws {
        switch target {
        case .name(let name, let span):
            if OutputName.isNumbered(name) {
                throw RuntimeError(.reservedOutputName(name), span: span)
            }
            variables[name] = value
        case .attribute(_, let name, let span):
            throw RuntimeError(.attributeAssignment(name), span: span)
        case .index(let objectExpression, let indexExpression, let targetSpan):
            // `d["k"][0] = v`: walk down to the variable, then rebuild the path with the new value.
            var path: [(index: Value, span: Span)] = [(try await evaluate(indexExpression), indexExpression.span)]
            var root = objectExpression
            while case .index(let inner, let innerIndex, _) = root {
                path.insert((try await evaluate(innerIndex), innerIndex.span), at: 0)
                root = inner
            }
            guard case .name(let name, let nameSpan) = root else {
                throw RuntimeError(.assignmentIntoExpression, span: root.span)
            }
            let replaced = try replacing(in: try lookUp(name, span: nameSpan), path: path[...], with: value)
            variables[name] = try Value.checkedNesting(replaced, span: targetSpan)
        }
    }

    /// `container` with the element at `path` replaced. Lists and dictionaries are values in
    /// bf, so this builds the new container rather than changing one another name shares.
    private func replacing(in container: Value, path: ArraySlice<(index: Value, span: Span)>, with value: Value) throws -> Value {
        guard let (index, span) = path.first else { return value }
        switch (container, index) {
        case (.list(var values), .int(let position)):
            let resolved = try Operators.checkedIndex(position, count: values.count, span: span)
            values[resolved] = try replacing(in: values[resolved], path: path.dropFirst(), with: value)
            return .list(values)
        case (.dict(var entries), .string(let key)):
            guard let existing = entries[key] ?? (path.count == 1 ? Value.none : nil) else {
                throw RuntimeError(.missingKey(key, suggestion: Suggestion.closest(to: key, among: entries.keys), keys: Array(entries.keys)),
                                   span: span)
            }
            entries[key] = try replacing(in: existing, path: path.dropFirst(), with: value)
            return .dict(entries)
        default:
            throw RuntimeError(.assignmentIndexType(container: container.typeName, index: index.typeName), span: span)
        }
    }
}
