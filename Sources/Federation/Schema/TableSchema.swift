/// What a pod tells the outside about its table: column headers, types,
/// null counts, categorical value sets with their counts, and row counts.
/// No row ever appears here.
public struct TableSchema: Sendable, Codable, Equatable {
    /// The table's name (a CSV pod's table is named after the pod).
    public let name: String
    /// The columns, in file order, after `ignore_cols`.
    public let columns: [ColumnSchema]
    /// The columns the pod's configuration left out.
    public let ignoredColumns: [String]
    /// The number of data rows.
    public let rowCount: Int
    /// Rows per part of the 80/10/10 split.
    public let splits: SplitCounts

    /// A schema from its parts.
    public init(name: String, columns: [ColumnSchema], ignoredColumns: [String], rowCount: Int, splits: SplitCounts) {
        self.name = name
        self.columns = columns
        self.ignoredColumns = ignoredColumns
        self.rowCount = rowCount
        self.splits = splits
    }

    /// The column named exactly `name`, if any.
    public func column(named name: String) -> ColumnSchema? {
        columns.first { $0.name == name }
    }

    /// The headers, in order.
    public var columnNames: [String] { columns.map(\.name) }
}

/// One column of a schema.
public struct ColumnSchema: Sendable, Codable, Equatable {
    /// The header.
    public let name: String
    /// How values were read (`int64`, `float64`, `bool`, `string`).
    public let dataType: DataType
    /// What the values mean to a model.
    public let semanticType: SemanticType
    /// How many rows have no value.
    public let nullCount: Int
    /// For a categorical column, its distinct values in encoder order with
    /// how many rows hold each; nil for other columns.
    public let categories: [CategoryCount]?

    /// A column from its parts.
    public init(name: String, dataType: DataType, semanticType: SemanticType, nullCount: Int, categories: [CategoryCount]?) {
        self.name = name
        self.dataType = dataType
        self.semanticType = semanticType
        self.nullCount = nullCount
        self.categories = categories
    }

    /// The distinct values of a categorical column, sorted; empty otherwise.
    public var categoryValues: [String] { categories?.map(\.value) ?? [] }

    /// The encoder of a categorical column; nil for other columns.
    public var encoder: CategoricalEncoder? {
        categories.map { CategoricalEncoder(sortedValues: $0.map(\.value)) }
    }
}

/// A categorical value and the number of rows that hold it.
public struct CategoryCount: Sendable, Codable, Equatable {
    /// The value as written in the data.
    public let value: String
    /// Rows holding it.
    public let count: Int

    /// A value with its count.
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}
