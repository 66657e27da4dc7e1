import Foundation

/// JSON laid out as Jupyter writes its files (Python's `json.dumps(…, indent=1,
/// sort_keys=True, ensure_ascii=False)`): keys sorted, one space of indent per level, `": "`
/// between key and value, `{}` and `[]` when empty, text other than quotes, backslashes and
/// control characters as it is. A notebook bf writes is then byte for byte what Jupyter saves,
/// so saving it unchanged in JupyterLab changes nothing.
enum JupyterJSON {
    /// A value that JSON cannot hold (a float that is not finite, an unknown type).
    struct UnsupportedValue: Error, CustomStringConvertible {
        let description: String
    }

    /// `value` (dictionaries with string keys, arrays, strings, integers, booleans, finite
    /// doubles and `NSNull`) as JSON text with a final line break.
    static func text(_ value: Any) throws -> String {
        var text = ""
        try write(value, indent: 0, into: &text)
        return text + "\n"
    }

    private static func write(_ value: Any, indent: Int, into text: inout String) throws {
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
            text += "{\n"
            for (index, key) in object.keys.sorted().enumerated() {
                text += String(repeating: " ", count: indent + 1)
                quote(key, into: &text)
                text += ": "
                try write(object[key] as Any, indent: indent + 1, into: &text)
                text += index == object.count - 1 ? "\n" : ",\n"
            }
            text += String(repeating: " ", count: indent) + "}"
        case let array as [Any]:
            guard !array.isEmpty else { text += "[]"; return }
            text += "[\n"
            for (index, element) in array.enumerated() {
                text += String(repeating: " ", count: indent + 1)
                try write(element, indent: indent + 1, into: &text)
                text += index == array.count - 1 ? "\n" : ",\n"
            }
            text += String(repeating: " ", count: indent) + "]"
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
