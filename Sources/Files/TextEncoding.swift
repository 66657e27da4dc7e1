/// Where bytes that should be UTF-8 text first stop being it, so that a message can point at
/// the place instead of showing replacement characters.
public enum TextEncoding {
    /// The first byte that is not part of valid UTF-8, as a line (from 1) and a column (the
    /// characters before it on its line, plus 1), and the byte itself; nil when `bytes` is
    /// valid UTF-8.
    public static func firstInvalidUTF8<Bytes: Collection<UInt8>>(in bytes: Bytes) -> (line: Int, column: Int, byte: UInt8)? {
        let array = Array(bytes)
        var line = 1
        var lineStart = 0
        var index = 0
        while index < array.count {
            let byte = array[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            if length == 0 || index + length > array.count
                || String(validating: array[index..<(index + length)], as: UTF8.self) == nil {
                let before = String(decoding: array[lineStart..<index], as: UTF8.self)
                return (line, before.count + 1, byte)
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        return nil
    }
}
