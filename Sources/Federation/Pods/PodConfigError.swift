import Diagnostics
/// Why a pod's YAML configuration cannot be used; names the file and, where
/// there is one, the line and column.
public enum PodConfigError: FederationError, Equatable {
    /// The file cannot be read.
    case cannotRead(path: String, reason: String)
    /// The file is not UTF-8 text: `byte` at the line and column is not part of a character.
    case notUTF8(path: String, line: Int, column: Int, byte: UInt8)
    /// A user's key file cannot be read.
    case cannotReadKeyFile(path: String, reason: String)
    /// The file is not a key file 'bf user export' writes.
    case notAKeyFile(path: String)
    /// The text is not YAML.
    case syntax(path: String, line: Int, column: Int, problem: String)
    /// A field bf does not know.
    case unknownField(path: String, line: Int, column: Int, field: String, suggestion: String?)
    /// A field holds the wrong kind of value.
    case wrongType(path: String, line: Int, column: Int, field: String, expected: String, found: String)
    /// A required field is absent.
    case missingField(path: String, field: String)
    /// A number is outside the range a field allows (the range, in words, and the number).
    case outOfRange(path: String, line: Int, column: Int, field: String, allowed: String, found: Int)
    /// The datasource is not one bf reads.
    case unsupportedDatasource(path: String, line: Int, column: Int, name: String)
    /// `datasources` lists more than one datasource (`count`); the position is the second's.
    case severalDatasources(path: String, line: Int, column: Int, count: Int)
    /// Two fields say the same thing (`field` at the position, and `other`), and only one
    /// may; `help` says which to keep.
    case conflictingFields(path: String, line: Int, column: Int, field: String, other: String, help: String)
    /// The pod's name (given in `field`) is not one a pod can have.
    case invalidPodName(path: String, line: Int, column: Int, field: String, name: String)
    /// `force_stypes` lists the column `name` under two types.
    case columnForcedTwice(path: String, line: Int, column: Int, name: String, types: [String])
    /// A key given twice in one mapping; `firstLine` is where it was first given.
    case duplicateField(path: String, line: Int, column: Int, field: String, firstLine: Int)
    /// A data path names a URL bf does not download (only `http://` and `https://`).
    case unsupportedURL(path: String, line: Int, column: Int, field: String, url: String)

    public var isInputOutput: Bool {
        switch self {
        case .cannotRead, .cannotReadKeyFile: return true
        default: return false
        }
    }

    public var problems: [Problem] {
        switch self {
        case let .cannotRead(path, reason):
            return [Problem("cannot read pod configuration \(quoted(path)): \(reason)",
                            help: "check the path")]
        case let .cannotReadKeyFile(path, reason):
            return [Problem("cannot read the key file \(quoted(path)): \(reason)",
                            help: "check the path; 'bf user export --out FILE' writes a user's key file")]
        case let .notAKeyFile(path):
            return [Problem("\(quoted(path)) is not a bf key file",
                            help: "give the file 'bf user export --out FILE' wrote: its lines are 'user:', 'ed25519:' and 'fingerprint:'")]
        case let .notUTF8(path, line, column, byte):
            return [Problem("\(path):\(line):\(column): the file is not UTF-8 text: byte 0x\(String(byte, radix: 16, uppercase: true)) here is not part of a UTF-8 character",
                            help: "save the file as UTF-8")]
        case let .syntax(path, line, column, problem):
            return [Problem("\(path):\(line):\(column): \(problem)", help: "fix the YAML syntax")]
        case let .unknownField(path, line, column, field, suggestion):
            return [Problem("\(path):\(line):\(column): unknown field \(quoted(field))",
                            help: suggestion.map { "did you mean \(quoted($0))?" } ?? "remove the field")]
        case let .wrongType(path, line, column, field, expected, found):
            return [Problem("\(path):\(line):\(column): \(quoted(field)) must be \(expected), not \(found)",
                            help: field == "the file" ? "write the file as fields, one 'name: value' per line"
                                : "give \(quoted(field)) \(expected)")]
        case let .missingField(path, field):
            return [Problem("\(path): the required field \(quoted(field)) is missing",
                            help: "add \(field) to the file")]
        case let .outOfRange(path, line, column, field, allowed, found):
            return [Problem("\(path):\(line):\(column): \(quoted(field)) must be \(allowed), not \(found)",
                            help: "give \(quoted(field)) \(allowed)")]
        case let .unsupportedDatasource(path, line, column, name):
            return [Problem("\(path):\(line):\(column): datasource \(quoted(name)) is not supported",
                            help: "bf reads CSV files: datasource: CSVSource")]
        case let .severalDatasources(path, line, column, count):
            return [Problem("\(path):\(line):\(column): 'datasources' lists \(count) datasources, and a bf pod serves one table",
                            help: "split the file: one pod YAML per datasource, each with the datasource's 'name', "
                                + "and 'bf pod create' each; approve the others under 'approved_pods' to train across them")]
        case let .conflictingFields(path, line, column, field, other, help):
            return [Problem("\(path):\(line):\(column): \(quoted(field)) cannot be used with \(quoted(other))",
                            help: help)]
        case let .invalidPodName(path, line, column, field, name):
            let shown = name.count > 70 ? quoted(String(name.prefix(64)) + "…") + " (\(name.count) characters)" : quoted(name)
            return [Problem("\(path):\(line):\(column): \(quoted(field)) is \(shown), which is not a valid pod name",
                            help: PodIdentifierError.nameRule)]
        case let .columnForcedTwice(path, line, column, name, types):
            return [Problem("\(path):\(line):\(column): force_stypes makes column \(quoted(name)) both \(types.joined(separator: " and "))",
                            help: "list the column under one type only")]
        case let .duplicateField(path, line, column, field, firstLine):
            return [Problem("\(path):\(line):\(column): \(quoted(field)) is given twice (first at line \(firstLine))",
                            help: "keep one of the two")]
        case let .unsupportedURL(path, line, column, field, url):
            return [Problem("\(path):\(line):\(column): \(quoted(field)) is the URL \(quoted(url)), and bf downloads only http:// and https:// URLs",
                            help: "give an https:// URL, or download the file and give its local path")]
        }
    }
}
