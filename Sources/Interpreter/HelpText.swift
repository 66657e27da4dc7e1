import Diagnostics
import Language

/// Help text, made from the built-in table: what `:help`, `help()` and `bf --help` show.
public enum HelpText {
    /// The list of built-ins with their one-line summaries, and the meta-commands.
    public static func overview(_ table: BuiltinTable) -> String {
        var lines = ["Built-ins (help(name) or :help name for more):"]
        let width = min(28, (table.functions.map { label(for: $0).count }.max() ?? 0) + 2)
        for builtin in table.functions.sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
            let name = label(for: builtin)
            // A name too long for the column gets a line of its own, so the summaries stay aligned.
            if name.count >= width {
                lines.append("  " + name)
                lines.append("  " + "".padding(toLength: width) + builtin.summary)
            } else {
                lines.append("  " + name.padding(toLength: width) + builtin.summary)
            }
        }
        let statements = table.functions.compactMap(\.statementName).sorted()
        if !statements.isEmpty {
            lines.append("")
            lines.append("Statements (no parentheses needed): " + statements.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// The full help of one built-in: signature, summary, parameters, details.
    public static func describe(_ builtin: Builtin) -> String {
        var lines = [builtin.signature, "  " + builtin.summary]
        if !builtin.aliases.isEmpty {
            lines.append("  also called: " + builtin.aliases.joined(separator: ", "))
        }
        if let statement = builtin.statementName {
            let arguments = builtin.parameters.prefix(2).map { parameter in
                switch parameter.kind {
                case .keyword: return "\(parameter.name)=…"
                case .positional: return "<\(parameter.name)>"
                case .variadic: return "<\(parameter.name)> …"
                }
            }
            lines.append("  statement form: \(statement) " + arguments.joined(separator: ", "))
        }
        if !builtin.parameters.isEmpty {
            lines.append("")
            lines.append("Parameters:")
            for parameter in builtin.parameters {
                var line = "  " + parameter.name + " (" + parameter.type.description
                if let defaultValue = parameter.defaultValue { line += ", default " + defaultValue.repr() }
                if parameter.kind == .keyword { line += ", by name" }
                line += ")"
                if !parameter.summary.isEmpty { line += ": " + parameter.summary }
                lines.append(line)
            }
        }
        if !builtin.details.isEmpty {
            lines.append("")
            lines.append(builtin.details)
        }
        return lines.joined(separator: "\n")
    }

    /// An object type's summary and methods.
    public static func describe(_ type: ObjectType) -> String {
        var lines = ["\(type.name): \(type.summary)"]
        if !type.methods.isEmpty {
            lines.append("")
            lines.append("Methods:")
            for method in type.methods { lines.append("  " + method.signature + " — " + method.summary) }
        }
        if !type.attributeNames.isEmpty {
            lines.append("Attributes: " + type.attributeNames.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// Help on a topic given by name: a built-in, an object type or a method name.
    public static func topic(_ name: String, in table: BuiltinTable) throws -> String {
        if let builtin = table.function(named: name) {
            // A constructor and the type it makes often share a name (`Path`): show both.
            guard let type = builtin.returns, type.name == builtin.name else { return describe(builtin) }
            return describe(builtin) + "\n\n" + describe(type)
        }
        if let type = table.type(named: name) { return describe(type) }
        for type in table.types {
            if let method = type.method(named: name) { return "\(type.name)." + describe(method) }
        }
        let candidates = table.functionNames + table.types.map(\.name)
        throw RuntimeError(.noHelp(name, suggestion: Suggestion.closest(to: name, among: candidates)))
    }

    private static func label(for builtin: Builtin) -> String {
        builtin.aliases.isEmpty ? builtin.name : builtin.name + " / " + builtin.aliases.joined(separator: " / ")
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
