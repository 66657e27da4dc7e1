import Foundation

/// Rows of text under headers, for a caller that shows tables; `rendered()`
/// gives plain aligned text without colour.
public struct PlainTextTable: Sendable, Equatable {
    /// The column titles.
    public let headers: [String]
    /// The cells, one array per row, as many cells as headers.
    public let rows: [[String]]

    /// A table from its headers and rows.
    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    /// The table as lines: headers, a rule of dashes, then rows; columns are
    /// padded to their widest cell and separated by two spaces.
    public func rendered() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}
