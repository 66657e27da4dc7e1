import Diagnostics
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
    public private(set) var table: TableSelection?
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
    /// A key of the per-pod table map names no pod the modeller can reach.
    case tableKeyNotAPod(key: String, reason: String)
    /// Two keys of the per-pod table map name the same pod and give it different tables.
    case tableKeysDisagree(pod: PodIdentifier, entries: [(key: String, table: String)])

    public static func == (lhs: DataStructureError, rhs: DataStructureError) -> Bool {
        lhs.problems == rhs.problems
    }

    public var problems: [Problem] {
        switch self {
        case .selectedAndIgnored:
            return [Problem("a data structure takes selected_cols or ignore_cols, not both",
                            help: "keep the list that is shorter to write")]
        case let .targetIgnored(target):
            return [Problem("target column \(quoted(target)) is also in ignore_cols",
                            help: "remove it from ignore_cols")]
        case let .tableKeyNotAPod(key, reason):
            return [Problem("the data structure's table map names \(quoted(key)), which is not a pod: \(reason)",
                            help: "name a pod as pod_identifiers do: its name, 'owner/name', a bf:// address or a federation.yaml alias")]
        case let .tableKeysDisagree(pod, entries):
            return [Problem("the data structure's table map gives pod \(quoted(pod.description)) more than one table",
                            notes: entries.map { "\(quoted($0.key)): \(quoted($0.table))" },
                            help: "keep one entry for the pod")]
        }
    }
}

extension DataStructure {
    /// This structure with the keys of its per-pod table map replaced by what `resolve` makes
    /// of them (`owner/name`), so that the map accepts every spelling of a pod that a call
    /// does: its name, `owner/name`, a `bf://` address or a `federation.yaml` alias.
    /// A key that already names one of `pods` is taken without asking `resolve`.
    func resolvingTableKeys(for pods: [PodIdentifier],
                            _ resolve: (String) async throws -> PodIdentifier) async throws -> DataStructure {
        guard case let .perPod(map)? = table else { return self }
        var resolved: [String: String] = [:]
        var entries: [PodIdentifier: [(key: String, table: String)]] = [:]
        for (key, tableName) in map.sorted(by: { $0.key < $1.key }) {
            let pod: PodIdentifier
            if let named = pods.first(where: { $0.description == key }) ?? Self.onlyPod(named: key, in: pods) {
                pod = named
            } else {
                do {
                    pod = try await resolve(key)
                } catch let error as HubError {
                    throw DataStructureError.tableKeyNotAPod(key: key, reason: error.problems.first?.message ?? error.description)
                }
            }
            entries[pod, default: []].append((key, tableName))
            resolved[pod.description] = tableName
        }
        if let (pod, clash) = entries.sorted(by: { $0.key < $1.key }).first(where: { Set($0.value.map(\.table)).count > 1 }) {
            throw DataStructureError.tableKeysDisagree(pod: pod, entries: clash)
        }
        var copy = self
        copy.table = .perPod(resolved)
        return copy
    }

    /// The one pod of `pods` whose bare name is `name`.
    private static func onlyPod(named name: String, in pods: [PodIdentifier]) -> PodIdentifier? {
        let matches = pods.filter { $0.name == name }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Checks this structure against the schemas of the pods it will be
    /// used with (one pod or several), reporting every problem.
    public func validate(against schemas: [PodSchema]) throws(SchemaVerificationError) {
        _ = try SchemaVerifier.combine(schemas, dataStructure: self)
    }
}
