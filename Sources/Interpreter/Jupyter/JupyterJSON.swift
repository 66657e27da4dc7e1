import Foundation

/// JSON laid out as Jupyter writes its files (Python's `json.dumps(…, indent=1,
/// sort_keys=True, ensure_ascii=False)`): keys sorted, one space of indent per level, `": "`
/// between key and value, `{}` and `[]` when empty, text other than quotes, backslashes and
/// control characters as it is. A notebook bf writes is then byte for byte what Jupyter saves,
/// so saving it unchanged in JupyterLab changes nothing. `compact` writes the same on one
/// line, for the kernel's messages.
public enum JupyterJSON {
    /// A value that JSON cannot hold (a float that is not finite, an unknown type).
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public let description: String
    }

    /// `value` (dictionaries with string keys, arrays, strings, integers, booleans, finite
    /// doubles and `NSNull`) as JSON text with a final line break.
    public static func text(_ value: Any) throws -> String {
        var text = ""
        try write(value, indent: 0, into: &text)
        return text + "\n"
    }

    /// `value` as JSON on one line, keys sorted, no spaces.
    public static func compact(_ value: Any) throws -> String {
        var text = ""
        try write(value, indent: nil, into: &text)
        return text
    }

    /// Writes `value` laid out at `indent`, or on one line when `indent` is nil.
    private static func write(_ value: Any, indent: Int?, into text: inout String) throws {
        let newline = indent == nil ? "" : "\n"
        func pad(_ level: Int?) -> String { level.map { String(repeating: " ", count: $0) } ?? "" }
        let inner = indent.map { $0 + 1 }
        switch value {
        case is NSNull:
            text += "null"
        case let flag as Bool:
            text += flag ? "true" : "false"
        case let number as Int:
            text += String(number)
        case let number as Double:
            guard number.isFinite else { throw UnsupportedValue(description: "\(number) is not a JSON number") }
            text += number == number.rounded() && abs(number) < 1e16 ? String(format: "%.1f", number) : "\(number)"
        case let string as String:
            quote(string, into: &text)
        case let object as [String: Any]:
            guard !object.isEmpty else { text += "{}"; return }
            text += "{" + newline
            for (index, key) in object.keys.sorted().enumerated() {
                text += pad(inner)
                quote(key, into: &text)
                text += indent == nil ? ":" : ": "
                try write(object[key] as Any, indent: inner, into: &text)
                text += (index == object.count - 1 ? "" : ",") + newline
            }
            text += pad(indent) + "}"
        case let array as [Any]:
            guard !array.isEmpty else { text += "[]"; return }
            text += "[" + newline
            for (index, element) in array.enumerated() {
                text += pad(inner)
                try write(element, indent: inner, into: &text)
                text += (index == array.count - 1 ? "" : ",") + newline
            }
            text += pad(indent) + "]"
        default:
            throw UnsupportedValue(description: "a value of type \(type(of: value)) has no JSON form")
        }
    }

    private static func quote(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                text += String(format: "\\u%04x", scalar.value)
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
