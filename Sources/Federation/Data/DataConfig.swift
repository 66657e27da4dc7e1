import Diagnostics
/// How a pod reads its data: Bitfount's `data_config`, with its field names.
///
/// `ignore_cols` drops columns before anything else; `force_stypes` sets the
/// semantic type of columns, per table (a CSV pod has one table, named after
/// the pod); `seed` fixes the 80/10/10 split; `missing_values` lists the
/// field texts that mean "no value" (by default the empty field and `?`).
public struct DataConfig: Sendable, Codable, Equatable {
    /// Columns left out of the table.
    public var ignoreColumns: [String]
    /// Forced semantic types, keyed by table name.
    public var forceStypes: [String: ForcedTypes]
    /// The seed of the train/validation/test split.
    public var seed: UInt64
    /// Field texts read as a missing value.
    public var missingValues: [String]

    /// The seed used when a configuration names none.
    public static let defaultSeed: UInt64 = 42
    /// The field texts read as missing when a configuration names none.
    public static let defaultMissingValues = ["", "?"]

    /// A configuration; every part has a default.
    public init(ignoreColumns: [String] = [], forceStypes: [String: ForcedTypes] = [:],
                seed: UInt64 = DataConfig.defaultSeed, missingValues: [String] = DataConfig.defaultMissingValues) {
        self.ignoreColumns = ignoreColumns
        self.forceStypes = forceStypes
        self.seed = seed
        self.missingValues = missingValues
    }

    /// Bitfount's field names, so the stored JSON reads like a pod configuration.
    enum CodingKeys: String, CodingKey {
        case ignoreColumns = "ignore_cols"
        case forceStypes = "force_stypes"
        case seed
        case missingValues = "missing_values"
    }
}

/// The columns of one table forced to each semantic type.
public struct ForcedTypes: Sendable, Codable, Equatable {
    /// Columns read as categorical whatever their values look like.
    public var categorical: [String]
    /// Columns read as continuous; their values must be numbers.
    public var continuous: [String]
    /// Columns read as free text.
    public var text: [String]

    /// Forced types; every list defaults to empty.
    public init(categorical: [String] = [], continuous: [String] = [], text: [String] = []) {
        self.categorical = categorical
        self.continuous = continuous
        self.text = text
    }

    /// The forced type of each named column, in the order categorical,
    /// continuous, text.
    var assignments: [(column: String, type: SemanticType)] {
        categorical.map { ($0, .categorical) } + continuous.map { ($0, .continuous) } + text.map { ($0, .text) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        categorical = try container.decodeIfPresent([String].self, forKey: .categorical) ?? []
        continuous = try container.decodeIfPresent([String].self, forKey: .continuous) ?? []
        text = try container.decodeIfPresent([String].self, forKey: .text) ?? []
    }
}

/// Why a data configuration does not fit the data it describes.
public enum DataConfigError: FederationError, Equatable {
    /// `ignore_cols` or `force_stypes` names a column the file does not have.
    case unknownColumn(path: String, setting: String, column: String, suggestion: String?)
    /// `force_stypes` names a table other than the pod's own.
    case unknownTable(table: String, expected: String)
    /// One column is forced to two semantic types.
    case conflictingTypes(column: String, types: [SemanticType])
    /// A column is both ignored and forced to a type.
    case ignoredAndForced(column: String)
    /// A categorical column has more distinct values than bf accepts.
    case tooManyCategories(path: String, column: String, count: Int, limit: Int)
    /// A column forced continuous holds a value that is not a number.
    case notNumeric(path: String, column: String, value: String, line: Int)
    /// A CSV column cannot hold images.
    case unsupportedType(column: String, type: SemanticType)
    /// Every column is ignored.
    case noColumnsLeft(path: String)
    /// More columns are kept than a pod can hold.
    case tooManyColumns(path: String, count: Int, limit: Int)

    public var problems: [Problem] {
        switch self {
        case let .unknownColumn(path, setting, column, suggestion):
            let hint = suggestion.map { "did you mean \(quoted($0))?" } ?? "check the spelling against the file's header row"
            return [Problem("\(setting) names column \(quoted(column)), which \(quoted(path)) does not have", help: hint)]
        case let .unknownTable(table, expected):
            return [Problem("force_stypes names table \(quoted(table)), but this pod's only table is \(quoted(expected))",
                            help: "put the column lists under force_stypes.\(expected)")]
        case let .conflictingTypes(column, types):
            return [Problem("force_stypes makes column \(quoted(column)) both \(types.map(\.rawValue).joined(separator: " and "))",
                            help: "list the column under one type only")]
        case let .ignoredAndForced(column):
            return [Problem("column \(quoted(column)) is in ignore_cols and in force_stypes",
                            help: "remove it from one of the two")]
        case let .tooManyCategories(path, column, count, limit):
            return [Problem("column \(quoted(column)) of \(quoted(path)) has \(count) distinct values, more than the \(limit) a categorical column may have",
                            help: "leave it out with ignore_cols, or do not force it categorical")]
        case let .notNumeric(path, column, value, line):
            return [Problem("\(path):\(line): column \(quoted(column)) is forced continuous, but \(quoted(value)) is not a number",
                            help: "force it categorical or text instead, or list \(quoted(value)) among the missing values")]
        case let .unsupportedType(column, type):
            return [Problem("column \(quoted(column)) cannot be \(type.rawValue): a CSV pod holds no \(type.rawValue)s",
                            help: "force it categorical, continuous or text")]
        case let .noColumnsLeft(path):
            return [Problem("ignore_cols leaves no column of \(quoted(path))", help: "keep at least one column")]
        case let .tooManyColumns(path, count, limit):
            return [Problem("\(quoted(path)) has \(count) columns to keep; a pod holds at most \(limit)",
                            notes: ["the pod answers SQL from an SQLite table, and SQLite's tables hold at most \(limit) columns"],
                            help: "list the columns the pod does not need in data_config's ignore_cols")]
        }
    }
}
