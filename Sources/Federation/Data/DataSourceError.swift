import Diagnostics
/// Why a data file could not be read as a table; names the file, and the line
/// and column where that applies.
public enum DataSourceError: FederationError, Equatable {
    /// The file does not exist or cannot be opened.
    case cannotOpen(path: String, reason: String)
    /// Reading failed part-way.
    case readFailed(path: String, reason: String)
    /// The file holds no bytes (or only a byte-order mark and blank lines).
    case emptyFile(path: String)
    /// The file has a header row and no data rows.
    case headerOnly(path: String)
    /// A header cell is empty; `column` counts from 1.
    case emptyHeader(path: String, column: Int)
    /// Two or more columns share a header; `columns` count from 1.
    case duplicateHeader(path: String, name: String, columns: [Int])
    /// A row has a different number of fields than the header.
    case raggedRow(path: String, line: Int, found: Int, expected: Int)
    /// A field is not valid UTF-8; `column` counts from 1.
    case invalidUTF8(path: String, line: Int, column: Int, header: String?)
    /// A field holds a NUL byte (a UTF-16 or binary file, or a corrupted one); `column` counts from 1.
    case nulByte(path: String, line: Int, column: Int, header: String?)
    /// A quoted field is still open at the end of the file.
    case unterminatedQuote(path: String, line: Int, column: Int)
    /// Something other than a delimiter or line break follows a closing quote.
    case textAfterClosingQuote(path: String, line: Int, column: Int)

    public var isInputOutput: Bool {
        switch self {
        case .cannotOpen, .readFailed: return true
        default: return false
        }
    }

    public var problems: [Problem] {
        switch self {
        case let .cannotOpen(path, reason):
            return [Problem("cannot open data file \(quoted(path)): \(reason)",
                            help: "check the path; a relative path is taken from the current directory or the pod's YAML file")]
        case let .readFailed(path, reason):
            return [Problem("reading \(quoted(path)) failed: \(reason)")]
        case let .emptyFile(path):
            return [Problem("data file \(quoted(path)) is empty",
                            help: "a CSV data file needs a header row and at least one data row")]
        case let .headerOnly(path):
            return [Problem("data file \(quoted(path)) has a header row but no data rows",
                            help: "add rows below the header")]
        case let .emptyHeader(path, column):
            return [Problem("\(path):1: column \(column) has an empty header",
                            help: "give every column a name in the first row")]
        case let .duplicateHeader(path, name, columns):
            let list = columns.map(String.init).joined(separator: ", ")
            return [Problem("\(path):1: columns \(list) are all named \(quoted(name))",
                            help: "rename the columns so that each header is unique")]
        case let .raggedRow(path, line, found, expected):
            return [Problem("\(path):\(line): row has \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)",
                            help: "every row needs one field per column; quote fields that contain commas")]
        case let .invalidUTF8(path, line, column, header):
            let name = header.map { " (\(quoted($0)))" } ?? ""
            return [Problem("\(path):\(line): column \(column)\(name) is not valid UTF-8",
                            help: "save the file as UTF-8")]
        case let .nulByte(path, line, column, header):
            let name = header.map { " (\(quoted($0)))" } ?? ""
            return [Problem("\(path):\(line): column \(column)\(name) holds a NUL byte",
                            help: "a CSV file is text, and a NUL byte usually means a UTF-16 or binary file: save it as UTF-8 text")]
        case let .unterminatedQuote(path, line, column):
            return [Problem("\(path):\(line): the quoted field in column \(column) never closes",
                            help: "close the field with '\"'; write a quote inside a quoted field as '\"\"'")]
        case let .textAfterClosingQuote(path, line, column):
            return [Problem("\(path):\(line): text follows the closing quote of column \(column)",
                            help: "put the whole field inside the quotes; write a quote inside it as '\"\"'")]
        }
    }
}
