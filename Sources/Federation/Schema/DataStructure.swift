/// Which table and columns a task uses, and its target: Bitfount's
/// `DataStructure(target=…, table=…, selected_cols=… | ignore_cols=…)`.
///
/// It is only a description; `SchemaVerifier` checks it against the pods'
/// schemas (unknown columns with a suggestion, a target missing at a pod or
/// not categorical, tables that are not the pods').
public struct DataStructure: Sendable, Codable, Equatable {
    /// The table of each pod.
    public enum TableSelection: Sendable, Codable, Equatable {
        /// One table name for every pod.
        case single(String)
        /// A table per pod, keyed by pod identifier or bare pod name.
        case perPod([String: String])
    }

    /// Which columns a task reads.
    public enum ColumnSelection: Sendable, Codable, Equatable {
        /// Every column the pods share.
        case all
        /// Only these columns (and the target).
        case selected([String])
        /// Every shared column except these.
        case ignored([String])
    }

    /// The column to predict, if the task has one.
    public let target: String?
    /// The tables; nil means each pod's own table.
    public let table: TableSelection?
    /// The columns used.
    public let columns: ColumnSelection

    /// A data structure; `selectedColumns` and `ignoredColumns` exclude each other.
    public init(target: String? = nil, table: TableSelection? = nil,
                selectedColumns: [String]? = nil, ignoredColumns: [String]? = nil) throws(DataStructureError) {
        switch (selectedColumns, ignoredColumns) {
        case let (selected?, nil): columns = .selected(selected)
        case let (nil, ignored?): columns = .ignored(ignored)
        case (nil, nil): columns = .all
        case (_?, _?): throw .selectedAndIgnored
        }
        if let target, case let .ignored(ignored) = columns, ignored.contains(target) {
            throw .targetIgnored(target)
        }
        self.target = target
        self.table = table
    }
}

/// Why a data structure cannot be built.
public enum DataStructureError: FederationError, Equatable {
    /// Both `selected_cols` and `ignore_cols` were given.
    case selectedAndIgnored
    /// The target is in `ignore_cols`.
    case targetIgnored(String)

    public var diagnostics: [FederationDiagnostic] {
        switch self {
        case .selectedAndIgnored:
            return [FederationDiagnostic("a data structure takes selected_cols or ignore_cols, not both",
                                         help: "keep the list that is shorter to write")]
        case let .targetIgnored(target):
            return [FederationDiagnostic("target column \(quoted(target)) is also in ignore_cols",
                                         help: "remove it from ignore_cols")]
        }
    }
}

extension DataStructure {
    /// Checks this structure against the schemas of the pods it will be
    /// used with (one pod or several), reporting every problem.
    public func validate(against schemas: [PodSchema]) throws(SchemaVerificationError) {
        _ = try SchemaVerifier.combine(schemas, dataStructure: self)
    }
}
