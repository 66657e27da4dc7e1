import Diagnostics
/// A data configuration checked against a file's header: which columns are
/// kept and which semantic type each is forced to.
struct ColumnPlan {
    /// Indices (into the header) of the kept columns, in file order.
    let kept: [Int]
    /// Columns left out, in file order.
    let ignored: [String]
    /// Forced semantic types by header.
    let forced: [String: SemanticType]

    /// Checks `config` against `header`; the pod's single table is `table`.
    init(header: [String], table: String, config: DataConfig, path: String) throws(DataConfigError) {
        let known = Set(header)
        for name in config.ignoreColumns where !known.contains(name) {
            throw .unknownColumn(path: path, setting: "ignore_cols", column: name,
                                 suggestion: Suggestion.closest(to: name, among: header))
        }
        var forced: [String: SemanticType] = [:]
        for (tableName, types) in config.forceStypes.sorted(by: { $0.key < $1.key }) {
            guard tableName == table else { throw .unknownTable(table: tableName, expected: table) }
            for (name, type) in types.assignments {
                guard known.contains(name) else {
                    throw .unknownColumn(path: path, setting: "force_stypes.\(tableName).\(type.rawValue)", column: name,
                                         suggestion: Suggestion.closest(to: name, among: header))
                }
                if let earlier = forced[name], earlier != type {
                    throw .conflictingTypes(column: name, types: [earlier, type])
                }
                if type == .image { throw .unsupportedType(column: name, type: type) }
                forced[name] = type
            }
        }
        let ignoredSet = Set(config.ignoreColumns)
        if let both = header.first(where: { ignoredSet.contains($0) && forced[$0] != nil }) {
            throw .ignoredAndForced(column: both)
        }
        kept = header.indices.filter { !ignoredSet.contains(header[$0]) }
        ignored = header.filter { ignoredSet.contains($0) }
        self.forced = forced
        if kept.isEmpty { throw .noColumnsLeft(path: path) }
        if kept.count > CSVSource.maximumColumns {
            throw .tooManyColumns(path: path, count: kept.count, limit: CSVSource.maximumColumns)
        }
    }
}
