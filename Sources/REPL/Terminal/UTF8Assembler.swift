/// Turns the terminal's input bytes, which arrive one `read` at a time, back into Unicode scalars.
///
/// libedit edits wide characters; when the REPL supplies its own reader it must hand libedit
/// whole scalars, so a multi-byte UTF-8 sequence is held until its last byte arrives. A byte
/// that cannot continue or start a sequence yields U+FFFD for what was held, as `String` does.
struct UTF8Assembler {
    private var held: [UInt8] = []
    private var expectedLength = 0

    /// Takes one byte; returns the scalars it completes (none, one, or two when it also had to
    /// give up on an unfinished sequence).
    mutating func feed(_ byte: UInt8) -> [Unicode.Scalar] {
        if held.isEmpty {
            return start(with: byte)
        }
        if byte & 0b1100_0000 == 0b1000_0000 {
            held.append(byte)
            guard held.count == expectedLength else { return [] }
            return [flush()]
        }
        let abandoned = Unicode.Scalar(0xFFFD).map { [$0] } ?? []
        held.removeAll()
        return abandoned + start(with: byte)
    }

    private mutating func start(with byte: UInt8) -> [Unicode.Scalar] {
        let length: Int
        switch byte {
        case 0x00...0x7F: return [Unicode.Scalar(byte)]
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return Unicode.Scalar(0xFFFD).map { [$0] } ?? []
        }
        held = [byte]
        expectedLength = length
        return []
    }

    private mutating func flush() -> Unicode.Scalar {
        let decoded = String(decoding: held, as: UTF8.self).unicodeScalars
        held.removeAll()
        // An overlong form or a surrogate decodes to U+FFFD, possibly several; one stands for all.
        return decoded.count == 1 ? decoded[decoded.startIndex] : "\u{FFFD}"
    }
}
