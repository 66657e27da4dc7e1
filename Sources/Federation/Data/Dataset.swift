/// A pod's table in memory: typed columns, the split, and the schema that
/// describes them. It never leaves the pod.
public struct Dataset: Sendable {
    /// The table's name (a CSV pod's table is named after the pod).
    public let name: String
    /// The columns kept after `ignore_cols`, in file order.
    public let columns: [Column]
    /// The number of data rows.
    public let rowCount: Int
    /// The rows of each part of the 80/10/10 split.
    public let split: DataSplit
    /// What may be shown outside the pod.
    public let schema: TableSchema
    /// What the pod's owner should be told about the data (values read as missing, …).
    public var notes: [ColumnNote] = []

    /// The column named `name`, if any.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }
}

/// One typed column of a dataset.
public struct Column: Sendable {
    /// The header.
    public let name: String
    /// How values were read.
    public let dataType: DataType
    /// What the values mean to a model.
    public let semanticType: SemanticType
    /// How many rows have no value.
    public let nullCount: Int
    /// The values, one per row.
    public let storage: ColumnStorage
}

/// The values of a column, stored by semantic type.
public enum ColumnStorage: Sendable {
    /// Numbers; `.nan` marks a missing value.
    case continuous([Double])
    /// Codes into the encoder's sorted values; -1 marks a missing value.
    case categorical(codes: [Int32], encoder: CategoricalEncoder)
    /// Codes into `values` (distinct texts in order of first appearance);
    /// -1 marks a missing value.
    case text(codes: [Int32], values: [String])
}
