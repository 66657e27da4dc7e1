import Federation

/// Federation's results as text tables: how the notebook, the REPL and `bf pod list` show
/// them.
extension TableSchema {
    /// The schema as rows for a table view: column, dtype, stype, nulls and, for categorical
    /// columns, the values with their counts.
    public var summaryTable: PlainTextTable {
        PlainTextTable(
            headers: ["column", "dtype", "stype", "nulls", "values"],
            rows: columns.map { column in
                [column.name, column.dataType.rawValue, column.semanticType.rawValue, String(column.nullCount),
                 column.categories.map { categories in
                     categories.map { "\($0.value) (\($0.count))" }.joined(separator: ", ")
                 } ?? ""]
            })
    }
}

extension CombinedSchema {
    /// The columns as rows for a table view, as `TableSchema.summaryTable`.
    public var summaryTable: PlainTextTable {
        TableSchema(name: "", columns: columns, ignoredColumns: [], rowCount: rowCount,
                    splits: SplitCounts(train: 0, validation: 0, test: 0)).summaryTable
    }
}

extension PodListing {
    /// Pod listings as a table: pod, display name, rows, your role, approved pods.
    public static func table(_ listings: [PodListing]) -> PlainTextTable {
        PlainTextTable(
            headers: ["pod", "display name", "rows", "your role", "approved pods"],
            rows: listings.map { listing in
                [listing.pod.identifier.description, listing.pod.displayName, String(listing.pod.rowCount),
                 listing.roles.isEmpty ? "none" : listing.roles.map(\.rawValue).joined(separator: ", "),
                 listing.pod.approvedPods.map(\.description).joined(separator: ", ")]
            })
    }
}

extension QueryResult {
    /// The result as a table of text cells.
    var table: PlainTextTable {
        PlainTextTable(headers: columns, rows: rows.map { $0.map(\.description) })
    }
}
