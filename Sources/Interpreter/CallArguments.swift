import Diagnostics
import Language

/// The arguments of one call, bound to the built-in's parameters and type-checked, with
/// everything a built-in may need to run: the receiver of a method, the session's services,
/// and the spans for errors about a particular argument.
public struct CallArguments {
    public let builtin: Builtin
    public private(set) var receiver: (any RuntimeObject)?
    public let context: any CallContext
    public let callSpan: Span
    /// Bound values by parameter name, defaults included.
    public let values: [String: Value]
    /// Extra positional arguments of a variadic parameter, in order.
    public let variadic: [Value]
    private let spans: [String: Span]
    private let variadicSpans: [Span]

    init(builtin: Builtin, receiver: (any RuntimeObject)?, context: any CallContext, callSpan: Span,
         bound: BoundArguments<Value>) {
        self.builtin = builtin
        self.receiver = receiver
        self.context = context
        self.callSpan = callSpan
        self.values = bound.values
        self.variadic = bound.variadic
        self.spans = bound.spans
        self.variadicSpans = bound.variadicSpans
    }

    public subscript(_ name: String) -> Value { values[name] ?? .none }

    /// The same arguments as a call of a method on `receiver` (a statement form's call).
    func calling(on receiver: any RuntimeObject) -> CallArguments {
        var copy = self
        copy.receiver = receiver
        return copy
    }

    /// Where the argument was written, or the call's span.
    public func span(of name: String) -> Span { spans[name] ?? callSpan }

    public func span(ofVariadic index: Int) -> Span { index < variadicSpans.count ? variadicSpans[index] : callSpan }

    /// An error about one argument, pointing at it.
    public func error(_ message: String, at name: String, help: String? = nil) -> RuntimeError {
        RuntimeError(message, span: span(of: name), help: help)
    }

    public func string(_ name: String) -> String? {
        if case .string(let value) = self[name] { return value }
        if case .object(let object) = self[name], let path = object as? PathObject { return path.path }
        return nil
    }

    public func int(_ name: String) -> Int? {
        if case .int(let value) = self[name] { return value }
        return nil
    }

    public func double(_ name: String) -> Double? { self[name].number }

    public func bool(_ name: String) -> Bool? {
        if case .bool(let value) = self[name] { return value }
        return nil
    }

    public func object<T: RuntimeObject>(_ name: String, as type: T.Type) -> T? {
        if case .object(let object) = self[name] { return object as? T }
        return nil
    }
}

/// The arguments of a call as far as they are known before it runs, for a built-in's
/// `validation`: at run time every value is known; in `bf check` only literals are.
public struct KnownArguments {
    public let builtin: Builtin
    public let callSpan: Span
    private let bound: BoundArguments<Value?>

    init(builtin: Builtin, bound: BoundArguments<Value?>, callSpan: Span) {
        self.builtin = builtin
        self.bound = bound
        self.callSpan = callSpan
    }

    /// Whether the caller wrote this argument (rather than taking its default).
    public func isGiven(_ name: String) -> Bool { bound.spans[name] != nil }

    /// The argument's value, its default when not given; nil when written but not known yet.
    public func value(_ name: String) -> Value? {
        guard isGiven(name) else { return builtin.parameters.first { $0.name == name }?.defaultValue }
        return bound.values[name] ?? nil
    }

    /// Whether the argument's value is known (given as a literal, or left at its default).
    public func isKnown(_ name: String) -> Bool { value(name) != nil }

    /// The argument's value when it is a known integer.
    public func int(_ name: String) -> Int? {
        if case .int(let value) = value(name) { return value }
        return nil
    }

    /// The argument's value when it is a known string.
    public func string(_ name: String) -> String? {
        if case .string(let value) = value(name) { return value }
        return nil
    }

    /// An error about one argument, pointing at it (at the call when it was not written).
    public func error(_ message: String, at name: String, help: String? = nil) -> RuntimeError {
        RuntimeError(message, span: bound.spans[name] ?? callSpan, help: help)
    }
}

/// One argument as written at a call site; `value` is nil when it is not known (as in
/// `bf check`, which binds without running).
struct ArgumentShape<V> {
    let label: String?
    let labelSpan: Span?
    let span: Span
    let value: V?
}

/// Arguments matched to parameters.
struct BoundArguments<V> {
    var values: [String: V] = [:]
    var variadic: [V] = []
    var spans: [String: Span] = [:]
    var variadicSpans: [Span] = []
}

/// Matches arguments to parameters with Python's rules, checks their types and runs the
/// built-in's validation. The same code serves calls at run time and `bf check`, so both say
/// the same thing.
enum ArgumentBinder {
    static func bind(_ builtin: Builtin, _ arguments: [ArgumentShape<Value>], callSpan: Span) throws -> BoundArguments<Value> {
        let partial = try bindShapes(builtin, arguments, callSpan: callSpan)
        var bound = BoundArguments<Value>(spans: partial.spans, variadicSpans: partial.variadicSpans)
        for parameter in builtin.parameters where parameter.kind != .variadic {
            if let value = partial.values[parameter.name] ?? nil {
                bound.values[parameter.name] = value
            } else if let defaultValue = parameter.defaultValue {
                bound.values[parameter.name] = defaultValue
            }
        }
        bound.variadic = partial.variadic.compactMap { $0 }
        return bound
    }

    /// Binds without requiring values; checks the types of the values that are known.
    static func bindShapes(_ builtin: Builtin, _ arguments: [ArgumentShape<Value>], callSpan: Span) throws -> BoundArguments<Value?> {
        var bound = BoundArguments<Value?>()
        let positional = builtin.positionalParameters
        let variadic = builtin.variadicParameter
        var nextPositional = 0
        for argument in arguments {
            let parameter: Parameter
            if let label = argument.label {
                guard let named = builtin.parameters.first(where: { $0.name == label && $0.kind != .variadic }) else {
                    let names = builtin.parameters.filter { $0.kind != .variadic }.map(\.name)
                    throw RuntimeError(.unknownParameter(function: builtin.name, label: label,
                                                         suggestion: Suggestion.closest(to: label, among: names), parameters: names),
                                       span: argument.labelSpan ?? argument.span)
                }
                guard bound.spans[label] == nil else {
                    throw RuntimeError(.givenByPositionAndName(function: builtin.name, label: label),
                                       span: argument.labelSpan ?? argument.span)
                }
                parameter = named
            } else if nextPositional < positional.count {
                parameter = positional[nextPositional]
                nextPositional += 1
            } else if let variadic {
                try check(argument, against: variadic, of: builtin)
                bound.variadic.append(argument.value)
                bound.variadicSpans.append(argument.span)
                continue
            } else {
                throw RuntimeError(.tooManyPositional(function: builtin.name, takes: positional.count,
                                                      given: arguments.filter { $0.label == nil }.count, signature: builtin.signature),
                                   span: argument.span)
            }
            try check(argument, against: parameter, of: builtin)
            bound.values[parameter.name] = argument.value
            bound.spans[parameter.name] = argument.span
        }
        for parameter in builtin.parameters where parameter.isRequired && bound.spans[parameter.name] == nil {
            throw RuntimeError(.missingArgument(function: builtin.name, parameter: parameter.name, signature: builtin.signature),
                               span: callSpan)
        }
        try builtin.validation?(KnownArguments(builtin: builtin, bound: bound, callSpan: callSpan))
        return bound
    }

    private static func check(_ argument: ArgumentShape<Value>, against parameter: Parameter, of builtin: Builtin) throws {
        guard let value = argument.value, !parameter.type.accepts(value) else { return }
        let shown = value.repr()
        let excerpt = shown.count > 40 ? String(shown.prefix(37)) + "…" : shown
        var uncalled: String?
        if case .builtin(let builtin) = value { uncalled = builtin.name }
        throw RuntimeError(.wrongArgumentType(function: builtin.name, parameter: parameter.name, expected: parameter.type.description,
                                              found: value.typeName, excerpt: excerpt, uncalled: uncalled),
                           span: argument.span)
    }
}
