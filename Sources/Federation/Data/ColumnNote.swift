import Diagnostics
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
        /// A column of strings most of whose rows are numbers: `numbers` rows hold numbers,
        /// and the note's `count` rows hold `others` (the first distinct ones, in order of
        /// first appearance), which made the column `treatedAs` instead of continuous.
        case notAllNumbers(numbers: Int, others: [String], treatedAs: SemanticType)
        /// The header is one column whose name holds `separator` (`;`, a tab or `|`): the file
        /// is most likely separated by it, and bf reads commas.
        case otherSeparator(String)
    }

    /// How many line numbers a note lists.
    public static let listedLines = 5
    /// How many values a note quotes.
    public static let listedValues = 3

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
            let found = count == 1 ? "1 value is not a finite number (\(Self.listed(spellings))); read as a missing value"
                                   : "\(count) values are not finite numbers (\(Self.listed(spellings))); read as missing values"
            return "\(path): column '\(column)': \(found) (\(at))"
        case let .notAllNumbers(numbers, others, treatedAs):
            let found = "\(grouped(numbers)) number\(numbers == 1 ? "" : "s") and \(grouped(count)) other value\(count == 1 ? "" : "s") (\(Self.listed(others)))"
            return "\(path): column '\(column)': \(found): treated as \(treatedAs.rawValue), not continuous (\(at))"
        case let .otherSeparator(separator):
            let shown = column.count > 60 ? String(column.prefix(57)) + "…" : column
            return "\(path): the header is one column, '\(shown)', which holds \(separator): the file looks separated by \(separator), not by commas (line 1)"
        }
    }

    /// The first `listedValues` of `values`, quoted, with "…" when there are more.
    private static func listed(_ values: [String]) -> String {
        values.prefix(listedValues).map { "'\($0)'" }.joined(separator: ", ") + (values.count > listedValues ? ", …" : "")
    }

    /// What the owner can do about it.
    public var help: String {
        switch kind {
        case .nonFiniteNumbers:
            return "leave such cells empty to mark them missing, or replace them with numbers"
        case let .notAllNumbers(_, others, treatedAs):
            let fix = lines.count == 1 && count == 1 ? "fix line \(lines[0])" : "fix those lines"
            let missing = others.count == 1 ? "list '\(others[0])' in missing_values" : "list those values in missing_values"
            return "\(fix), or \(missing) to read \(count == 1 ? "it" : "them") as missing; "
                + "to keep the column \(treatedAs.rawValue) on purpose, force it with force_stypes"
        case .otherSeparator:
            return "bf reads comma-separated files: save it as CSV with ',' between the fields"
        }
    }

    /// The note as a user reads it.
    public var problem: Problem { Problem(message, help: help) }

    public var description: String { problem.description }
}
