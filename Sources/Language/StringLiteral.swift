/// Decodes the text of a string token the lexer has already checked: prefixes, quotes,
/// escapes, and adjacent pieces.
enum StringLiteral {
    static func decode(_ bytes: [UInt8], _ span: Span) -> String {
        var index = span.start
        var raw = false
        while index < span.end, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "'") {
            if bytes[index] | 0x20 == UInt8(ascii: "r") { raw = true }
            index += 1
        }
        let quote = bytes[index]
        let triple = index + 2 < span.end && bytes[index + 1] == quote && bytes[index + 2] == quote
            && span.end - index >= 6
        let quoteLength = triple ? 3 : 1
        let bodyStart = index + quoteLength
        let bodyEnd = span.end - quoteLength
        guard bodyStart <= bodyEnd else { return "" }
        if raw || !bytes[bodyStart..<bodyEnd].contains(UInt8(ascii: "\\")) {
            return String(decoding: bytes[bodyStart..<bodyEnd], as: UTF8.self)
        }

        var output = [UInt8]()
        output.reserveCapacity(bodyEnd - bodyStart)
        var position = bodyStart
        while position < bodyEnd {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\"), !raw, position + 1 < bodyEnd else {
                output.append(byte)
                position += 1
                continue
            }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "0"): output.append(0x00)
            case UInt8(ascii: "a"): output.append(0x07)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
                let hex = String(decoding: bytes[position..<min(position + count, bodyEnd)], as: UTF8.self)
                position += count
                let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: output.append(escape)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
