/// Something the pod noticed about a column while reading its data file, that the pod's
/// owner should be told when the pod is created or starts: which column, how many rows, the
/// first of them by line, and what bf did about it.
///
/// Notes stay with the pod (they are not part of the schema that modellers see). A new kind
/// of finding is a new `Kind` case with its sentence in `message`.
public struct ColumnNote: Sendable, Equatable, CustomStringConvertible {
    /// What was found.
    public enum Kind: Sendable, Equatable {
        /// Values spelled as non-finite numbers (`NaN`, `inf`, `-Infinity`, any letter case)
        /// in a column whose other values are numbers: read as missing values. `spellings`
        /// are the distinct spellings, in order of first appearance.
        case nonFiniteNumbers(spellings: [String])
    }

    /// How many line numbers a note lists.
    public static let listedLines = 5

    /// The data file.
    public let path: String
    /// The column's header.
    public let column: String
    public let kind: Kind
    /// How many rows have such a value.
    public let count: Int
    /// The file lines (from 1) of the first `listedLines` of those rows.
    public let lines: [Int]

    public init(path: String, column: String, kind: Kind, count: Int, lines: [Int]) {
        self.path = path
        self.column = column
        self.kind = kind
        self.count = count
        self.lines = lines
    }

    /// What was found and what bf did, naming the file, the column and the first lines.
    public var message: String {
        let listed = lines.map(String.init).joined(separator: ", ") + (count > lines.count ? ", …" : "")
        let at = lines.count == 1 && count == 1 ? "line \(listed)" : "lines \(listed)"
        switch kind {
        case let .nonFiniteNumbers(spellings):
            let names = spellings.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (spellings.count > 3 ? ", …" : "")
            let found = count == 1 ? "1 value is not a finite number (\(names)); read as a missing value"
                                   : "\(count) values are not finite numbers (\(names)); read as missing values"
            return "\(path): column '\(column)': \(found) (\(at))"
        }
    }

    /// What the owner can do about it.
    public var help: String {
        switch kind {
        case .nonFiniteNumbers:
            return "leave such cells empty to mark them missing, or replace them with numbers"
        }
    }

    public var description: String { message + "\nhelp: " + help }
}
