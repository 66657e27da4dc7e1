import Foundation

/// Writing CSV text (RFC 4180): a field is quoted when it holds the
/// delimiter, a quote or a line break, and quotes inside it are doubled.
///
/// The tests check that `CSVRecordReader` and CSV.swift read back exactly
/// the fields written.
enum CSVFormat {
    /// One record's fields as a line, without the line break.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// Rows under `header`, each line ending in `\n`.
    static func document(header: [String], rows: [[String]]) -> String {
        var text = line(header) + "\n"
        text.reserveCapacity(rows.count * 96)
        for row in rows {
            text += line(row)
            text += "\n"
        }
        return text
    }

    private static func field(_ value: String) -> String {
        let needsQuotes = value.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
