import OrderedCollections
import Language

/// A bf value: Python's literals, lists and string-keyed dictionaries, callables, and the
/// runtime objects of the workflow (schemas, data structures, models, results …).
public enum Value: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([Value])
    case dict(OrderedDictionary<String, Value>)
    case builtin(Builtin)
    /// A method of an object, bound to it: `model.fit`.
    case method(Builtin, receiver: any RuntimeObject)
    case object(any RuntimeObject)

    /// The name of the value's type as users see it: `int`, `list`, `Schema`.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .builtin: return "built-in"
        case .method: return "method"
        case .object(let object): return object.objectType.name
        }
    }

    /// The value as a Double if it is a number.
    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .float(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }
}

/// An object the interpreter hands around but does not look inside: a schema, a model, a
/// path. Its type descriptor lists its methods and attributes for evaluation, `:help`,
/// completion and `bf check`.
public protocol RuntimeObject: AnyObject, Sendable {
    var objectType: ObjectType { get }
    /// The value of a plain attribute (`schema.columns`); nil if there is none by that name.
    /// By default the type's `attributes` read it; objects whose attributes are their values
    /// (a settings object's arguments) answer themselves.
    func attribute(_ name: String) -> Value?
    /// `object[index]`, for objects that can be indexed (results rows).
    func element(at index: Value) throws -> Value
    /// How the object reads on screen.
    func display(in context: DisplayContext) -> String
    /// How `print` shows it (a path prints as its text, as in Python); by default as displayed.
    func printed(in context: DisplayContext) -> String
    /// For `len(object)`, where that means something.
    var length: Int? { get }
}

extension RuntimeObject {
    public func attribute(_ name: String) -> Value? {
        objectType.attributes.first { $0.name == name }?.read(self)
    }
    public func element(at index: Value) throws -> Value {
        throw RuntimeError(.objectNotIndexable(type: objectType.name))
    }
    public var length: Int? { nil }
    public func printed(in context: DisplayContext) -> String { display(in: context) }
}

/// The description of a kind of runtime object: its name, what it is, its methods and its
/// attributes with how each is read. One value per type, shared by all its objects.
public struct ObjectType: Sendable {
    public let name: String
    public let summary: String
    public let attributes: [Attribute]
    private let makeMethods: @Sendable () -> [Builtin]

    /// The methods are read when first asked for, not when the type is made: built-ins name
    /// the types they take and return, and a method may return its own type.
    public init(name: String, summary: String, methods: @autoclosure @escaping @Sendable () -> [Builtin] = [],
                attributes: [Attribute] = []) {
        self.name = name
        self.summary = summary
        self.makeMethods = methods
        self.attributes = attributes
    }

    public var methods: [Builtin] { makeMethods() }

    /// The attributes' names, for help, completion and "did you mean".
    public var attributeNames: [String] { attributes.map(\.name) }

    public func method(named name: String) -> Builtin? {
        methods.first { $0.name == name || $0.aliases.contains(name) }
    }
}

/// One attribute of an object type (`schema.columns`): its name and how it is read from an
/// object of the type, declared together so that the two cannot drift apart.
public struct Attribute: Sendable {
    public let name: String
    let read: @Sendable (any RuntimeObject) -> Value?

    /// The attribute `name` of objects of type `Object`, read by `read`.
    public static func of<Object: RuntimeObject>(_ type: Object.Type, _ name: String,
                                                 _ read: @escaping @Sendable (Object) -> Value) -> Attribute {
        Attribute(name: name) { object in (object as? Object).map(read) }
    }
}

/// What the renderer of a value may know about where it is shown.
public struct DisplayContext: Sendable {
    public var useColor: Bool
    public var width: Int

    public init(useColor: Bool = false, width: Int = 100) {
        self.useColor = useColor
        self.width = width
    }
}

extension Value {
    /// The value as Python's `repr` would show it: strings quoted, lists in brackets.
    public func repr(in context: DisplayContext = DisplayContext()) -> String {
        switch self {
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .float(let value): return Value.format(value)
        case .string(let value): return Value.quote(value)
        case .list(let values): return "[" + values.map { $0.repr(in: context) }.joined(separator: ", ") + "]"
        case .dict(let entries):
            return "{" + entries.map { Value.quote($0.key) + ": " + $0.value.repr(in: context) }.joined(separator: ", ") + "}"
        case .builtin(let builtin): return "<built-in \(builtin.name)>"
        case .method(let builtin, let receiver): return "<method \(receiver.objectType.name).\(builtin.name)>"
        case .object(let object): return object.display(in: context)
        }
    }

    /// The value as `print` shows it: strings as they are, everything else as `repr`.
    public func printed(in context: DisplayContext = DisplayContext()) -> String {
        switch self {
        case .string(let value): return value
        case .object(let object): return object.printed(in: context)
        default: return repr(in: context)
        }
    }

    /// Floats as Python prints them: the shortest text that reads back the same, with a
    /// decimal point or exponent.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e16 {
            return (value.sign == .minus && value == 0 ? "-" : "") + String(Int(value)) + ".0"
        }
        let text = "\(value)"
        return text
    }

    /// Python's repr of a string: single quotes unless the text has only single quotes,
    /// and escapes for the backslash, the quote and control characters.
    static func quote(_ text: String) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case quote: result += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        result.unicodeScalars.append(quote)
        return result
    }
}

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        // Python compares strings by code point, not by canonical equivalence.
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)): return a == b
        // Dictionaries are equal whatever the order of their keys.
        case (.dict(let a), .dict(let b)): return a.count == b.count && a.allSatisfy { b[$0.key] == $0.value }
        case (.builtin(let a), .builtin(let b)): return a.name == b.name
        case (.object(let a), .object(let b)): return a === b
        case (.method(let a, let x), .method(let b, let y)): return a.name == b.name && x === y
        default:
            if let a = lhs.number, let b = rhs.number, lhs.isNumeric, rhs.isNumeric { return a == b }
            return false
        }
    }

    /// Numbers, and booleans, which compare as 0 and 1 as in Python.
    var isNumeric: Bool {
        switch self {
        case .int, .float, .bool: return true
        default: return false
        }
    }
}

extension Value {
    /// How many levels of lists and dictionaries one value may hold inside one another, as
    /// many as the parser lets a literal nest. Printing, comparing and freeing a value walk it
    /// recursively; the bound keeps those walks within a small thread's stack.
    static let maximumNesting = 100

    /// Whether lists and dictionaries nest more than `levels` deep in the value; looks no
    /// deeper than that.
    func nestsDeeper(than levels: Int) -> Bool {
        switch self {
        case .list(let values): return levels <= 0 || values.contains { $0.nestsDeeper(than: levels - 1) }
        case .dict(let entries): return levels <= 0 || entries.values.contains { $0.nestsDeeper(than: levels - 1) }
        default: return false
        }
    }

    /// The value, or an error at `span` when it nests lists and dictionaries too deeply.
    static func checkedNesting(_ value: Value, span: Span) throws -> Value {
        guard value.nestsDeeper(than: maximumNesting) else { return value }
        throw RuntimeError(.nestedTooDeep(limit: maximumNesting), span: span)
    }
}
