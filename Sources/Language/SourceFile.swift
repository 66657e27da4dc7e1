/// A piece of bf source text: a script file, a REPL cell or a `-c` argument.
///
/// Tokens and spans are byte ranges into `bytes`; line and column are computed only when
/// a message is printed, from the line-start table built once here.
public struct SourceFile: Sendable {
    /// The name shown in diagnostics (`script.bf`), or nil for REPL input.
    public let name: String?
    public let text: String
    public let bytes: [UInt8]
    private let lineStarts: [Int]

    public init(name: String?, text: String) {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        let lineStart = lineStarts[low]
        let column = String(decoding: bytes[lineStart..<clamped], as: UTF8.self).count + 1
        return SourceLocation(line: low + 1, column: column)
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a span.
    public func text(of span: Span) -> String {
        let lower = max(0, min(span.start, bytes.count))
        let upper = max(lower, min(span.end, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// A 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public var description: String { "\(line):\(column)" }
}

/// A half-open byte range into a `SourceFile`.
public struct Span: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
}
