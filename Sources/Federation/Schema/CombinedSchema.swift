/// The schema of several pods taken together, once verified: Bitfount's
/// `combine_pod_schemas`.
///
/// Holds the columns every pod shares whose semantic type agrees; for a
/// categorical column the union of the pods' values (the same set at every
/// pod for a used column) with counts summed; null and row counts summed;
/// and the row counts of each pod.
public struct CombinedSchema: Sendable, Codable, Equatable {
    /// The pods, in the order given.
    public let pods: [PodIdentifier]
    /// The shared columns, in the first pod's column order.
    public let columns: [ColumnSchema]
    /// The columns a task reads (checked against the rules).
    public let usedColumns: [String]
    /// The target, when the data structure has one.
    public let target: String?
    /// Row counts and splits of each pod.
    public let podRows: [PodRowCount]
    /// Columns left out because not every pod has them or the pods disagree
    /// on their type, with the pods that have them.
    public let excludedColumns: [ExcludedColumn]

    /// Rows over all pods.
    public var rowCount: Int { podRows.reduce(0) { $0 + $1.rowCount } }

    /// The column named `name`, if any.
    public func column(named name: String) -> ColumnSchema? {
        columns.first { $0.name == name }
    }
}

/// One pod's rows in a combined schema.
public struct PodRowCount: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// Its rows.
    public let rowCount: Int
    /// Its split.
    public let splits: SplitCounts
}

/// A column a combined schema leaves out, and why.
public struct ExcludedColumn: Sendable, Codable, Equatable {
    /// Why a column is left out.
    public enum Reason: String, Sendable, Codable, Equatable {
        /// Not every pod has it.
        case notAtEveryPod = "not at every pod"
        /// Pods disagree on its semantic type.
        case typesDiffer = "types differ"
    }

    /// The header.
    public let name: String
    /// The pods that have it.
    public let presentIn: [PodIdentifier]
    /// Why it is left out.
    public let reason: Reason
}
