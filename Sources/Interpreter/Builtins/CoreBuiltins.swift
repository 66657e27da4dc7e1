/// The general built-ins every session has: `print`, `help`, `len`, `type`, `Path`.
enum CoreBuiltins {
    static let table = BuiltinTable(functions: [print, display, help, len, type, path], types: [PathObject.type])

    static let print = Builtin(
        "print",
        parameters: [
            Parameter("values", kind: .variadic, "the values to print"),
            Parameter("sep", .string, kind: .keyword, default: .string(" "), "put between values"),
            Parameter("end", .string, kind: .keyword, default: .string("\n"), "put after the last value"),
        ],
        summary: "print values, separated by spaces",
        details: "Strings print as they are; other values as they would show at the prompt."
    ) { arguments in
        let context = arguments.context.displayContext
        let text = arguments.variadic.map { $0.printed(in: context) }.joined(separator: arguments.string("sep") ?? " ")
        arguments.context.write(text + (arguments.string("end") ?? "\n"))
        return .none
    }

    static let display = Builtin(
        "display",
        parameters: [Parameter("values", kind: .variadic, "the values to show")],
        summary: "show values as a cell's result shows: in a notebook, tables as tables",
        details: "As IPython's display(): in Jupyter each value shows richly (tables as HTML); elsewhere as it would show at the prompt, one per line."
    ) { arguments in
        for value in arguments.variadic { arguments.context.display(value) }
        return .none
    }

    static let help = Builtin(
        "help",
        parameters: [Parameter("topic", .any, default: Value.none, "a built-in, an object, or a topic name")],
        summary: "show help on a built-in, an object or a topic",
        details: "help() lists the built-ins; help(train) or help(\"train\") explains one; help(model) explains an object's methods."
    ) { arguments in
        let table = arguments.context.builtins
        let text: String
        switch arguments["topic"] {
        case .none: text = HelpText.overview(table)
        case .builtin(let builtin), .method(let builtin, _): text = HelpText.describe(builtin)
        case .object(let object): text = HelpText.describe(object.objectType)
        case .string(let topic): text = try HelpText.topic(topic, in: table)
        case let other: text = try HelpText.topic(other.typeName, in: table)
        }
        arguments.context.write(text + "\n")
        return .none
    }

    static let len = Builtin(
        "len",
        parameters: [Parameter("value", .any, "a string, list, dictionary, or an object with a size")],
        summary: "the number of elements of a list, dictionary or string"
    ) { arguments in
        switch arguments["value"] {
        case .string(let text): return .int(text.unicodeScalars.count)
        case .list(let values): return .int(values.count)
        case .dict(let entries): return .int(entries.count)
        case .object(let object) where object.length != nil: return .int(object.length ?? 0)
        case let other: throw arguments.error("\(other.typeName) value has no length", at: "value")
        }
    }

    static let type = Builtin(
        "type",
        parameters: [Parameter("value", .any, "any value")],
        summary: "the name of a value's type"
    ) { arguments in
        .string(arguments["value"].typeName)
    }

    static let path = Builtin(
        "Path",
        parameters: [Parameter("path", .path, "a file or folder path")],
        summary: "a file system path (as Python's pathlib.Path)",
        returns: PathObject.type
    ) { arguments in
        .object(PathObject(arguments.string("path") ?? ""))
    }
}

/// A file system path, as `Path("part_5_model.pt")` makes it.
public final class PathObject: RuntimeObject {
    public static let type = ObjectType(name: "Path", summary: "a file system path", attributes: [
        .of(PathObject.self, "name") { .string($0.name) },
        .of(PathObject.self, "suffix") { object in
            guard let dot = object.name.lastIndex(of: "."), dot != object.name.startIndex else { return .string("") }
            return .string(String(object.name[dot...]))
        },
        .of(PathObject.self, "parent") { object in
            let parent = object.path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            return .object(PathObject(parent.isEmpty ? (object.path.hasPrefix("/") ? "/" : ".") : parent))
        },
    ])

    public let path: String
    public var objectType: ObjectType { PathObject.type }

    public init(_ path: String) {
        // As pathlib does: "models/" is "models".
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.path = String(trimmed)
    }

    public func printed(in context: DisplayContext) -> String { path }

    /// The last part of the path, as pathlib's `name`.
    var name: String {
        path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }

    public func display(in context: DisplayContext) -> String { "Path(\(Value.quote(path)))" }
}
