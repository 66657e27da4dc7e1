/// One entry of the built-in table: a function (`print`, `combine_pod_schemas`) or a method
/// of a runtime object (`fit`). The same entry drives evaluation, argument checking, `:help`,
/// completion, `bf check` and "did you mean". Immutable, and shared by reference because
/// every name lookup hands one out.
public final class Builtin: Sendable {
    public typealias Implementation = @Sendable (CallArguments) async throws -> Value
    /// Checks of argument values that need nothing run: a count below 1, an unknown optimizer
    /// name. It runs when arguments are bound, so a call at run time and `bf check` (on the
    /// values written as literals) report the same problem at the same argument.
    public typealias Validation = @Sendable (KnownArguments) throws -> Void

    public let name: String
    /// Other names for the same built-in (`DataStructure` for `datastructure`).
    public let aliases: [String]
    public let parameters: [Parameter]
    /// One line for lists of built-ins.
    public let summary: String
    /// The long help, shown by `:help name` and `help(name)`.
    public let details: String
    /// The name under which it can be written as a statement without parentheses
    /// (`train model, …`, `datastructure target="TARGET"`), if it has a statement form.
    public let statementName: String?
    /// The object type the call returns, when it always returns one (for completion and checks).
    public let returns: ObjectType?
    public let implementation: Implementation
    public let validation: Validation?
    /// The parameters that take positional arguments, in order, and the variadic one.
    let positionalParameters: [Parameter]
    let variadicParameter: Parameter?

    public init(_ name: String, aliases: [String] = [], parameters: [Parameter] = [], summary: String,
                details: String = "", statementName: String? = nil, returns: ObjectType? = nil,
                validation: Validation? = nil, implementation: @escaping Implementation) {
        self.name = name
        self.aliases = aliases
        self.parameters = parameters
        self.summary = summary
        self.details = details
        self.statementName = statementName
        self.returns = returns
        self.implementation = implementation
        self.validation = validation
        self.positionalParameters = parameters.filter { $0.kind == .positional }
        self.variadicParameter = parameters.first { $0.kind == .variadic }
    }

    /// The statement form of `method`, whose object is the first argument, `receiver`:
    /// `train model, aggregator="secure"` is `model.fit(aggregator="secure")`. The method's
    /// parameters, help, checks and implementation serve both.
    public static func statementForm(of method: Builtin, named name: String, receiver: Parameter, summary: String) -> Builtin {
        Builtin(name, parameters: [receiver] + method.parameters, summary: summary, details: method.details, statementName: name,
                returns: method.returns, validation: method.validation) { arguments in
            guard case .object(let object) = arguments[receiver.name] else { return .none }
            return try await method.implementation(arguments.calling(on: object))
        }
    }

    /// Every name the built-in answers to.
    public var names: [String] { [name] + aliases }

    /// `name(a, b=…, *c)` as shown in help.
    public var signature: String {
        let rendered = parameters.map { parameter -> String in
            switch parameter.kind {
            case .variadic: return "*" + parameter.name
            case .positional, .keyword:
                guard let defaultValue = parameter.defaultValue else { return parameter.name }
                return parameter.name + "=" + defaultValue.repr()
            }
        }
        return name + "(" + rendered.joined(separator: ", ") + ")"
    }
}

/// A parameter of a built-in.
public struct Parameter: Sendable {
    public enum Kind: Sendable {
        /// By position or by name.
        case positional
        /// By name only.
        case keyword
        /// Any number of further positional arguments.
        case variadic
    }

    public let name: String
    public let type: ValueType
    public let kind: Kind
    /// nil means required (a variadic parameter is never required).
    public let defaultValue: Value?
    public let summary: String

    public init(_ name: String, _ type: ValueType = .any, kind: Kind = .positional, default defaultValue: Value? = nil,
                _ summary: String = "") {
        self.name = name
        self.type = type
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    public var isRequired: Bool { defaultValue == nil && kind != .variadic }
}

/// The types a parameter can ask for, checked before a built-in runs.
public indirect enum ValueType: Sendable {
    case any
    case bool
    case int
    /// An int or a float.
    case number
    case string
    /// A string or a `Path`.
    case path
    case list(ValueType)
    case dict
    case object(ObjectType)
    case optional(ValueType)
    case oneOf([ValueType])

    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): return true
        case (.optional, .none): return true
        case (.optional(let wrapped), _): return wrapped.accepts(value)
        case (.oneOf(let types), _): return types.contains { $0.accepts(value) }
        case (.bool, .bool), (.int, .int), (.number, .int), (.number, .float), (.string, .string),
             (.path, .string), (.dict, .dict):
            return true
        case (.path, .object(let object)): return object.objectType.name == PathObject.type.name
        case (.list(let element), .list(let values)): return values.allSatisfy { element.accepts($0) }
        case (.object(let type), .object(let object)): return object.objectType.name == type.name
        default: return false
        }
    }

    /// "an integer", "a list of strings", "a Schema".
    public var description: String {
        switch self {
        case .any: return "any value"
        case .bool: return "True or False"
        case .int: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .path: return "a string or Path"
        case .list(.any): return "a list"
        case .list(let element): return "a list of " + element.plural
        case .dict: return "a dictionary"
        case .object(let type): return "a \(type.name)"
        case .optional(let wrapped): return wrapped.description + " or None"
        case .oneOf(let types): return types.map(\.description).joined(separator: " or ")
        }
    }

    private var plural: String {
        switch self {
        case .int: return "integers"
        case .number: return "numbers"
        case .string: return "strings"
        case .bool: return "booleans"
        case .object(let type): return type.name + " objects"
        default: return "values"
        }
    }
}
