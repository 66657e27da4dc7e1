/// Why a pod that accepted a query task would not answer the query: the query is not valid
/// SQL, is not a single aggregating SELECT, or its groups are too small to keep any one row's
/// values from showing.
public enum QueryRefusal: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// SQLite could not compile the query; `message` is SQLite's, `suggestion` a column the
    /// pod has whose name is close to an unknown one.
    case invalidSQL(message: String, suggestion: String?)
    /// The query holds more than one statement.
    case multipleStatements
    /// The statement is not a SELECT; `found` is its first word.
    case notASelect(found: String)
    /// The statement combines SELECTs with UNION, INTERSECT or EXCEPT.
    case compoundSelect(operator: String)
    /// The SELECT reads no table.
    case noTable
    /// The SELECT uses a construct the pod does not allow (`OVER`, `FILTER`, `WINDOW`, `*`).
    case unsupported(construct: String, why: String)
    /// A result column reads `column` outside an aggregate, and the query does not group by it.
    case notAggregated(column: String)
    /// The SELECT neither groups nor aggregates, so each result row would be one row of data.
    case noAggregate
    /// A group of the result holds fewer rows than the pod's minimum group size.
    case groupTooSmall(smallest: Int, minimum: Int)
    /// The result has more rows than the query has groups.
    case moreRowsThanGroups(rows: Int, groups: Int)
    /// The pod could not load its data.
    case dataUnavailable(reason: String)

    /// The reason, addressed to the modeller.
    public var reason: String {
        switch self {
        case let .invalidSQL(message, _):
            return "the query is not valid SQL: \(message)"
        case .multipleStatements:
            return "the query holds more than one statement"
        case let .notASelect(found):
            return "only a SELECT may run at a pod, not \(quoted(found))"
        case let .compoundSelect(op):
            return "the query combines SELECTs with \(quoted(op)), which the pod does not allow"
        case .noTable:
            return "the query reads no table"
        case let .unsupported(construct, why):
            return "the pod does not allow \(quoted(construct)) in a query: \(why)"
        case let .notAggregated(column):
            return "the result column reading \(quoted(column)) is neither an aggregate nor a GROUP BY key"
        case .noAggregate:
            return "the query neither groups nor aggregates, so it would return rows of data"
        case let .groupTooSmall(smallest, minimum):
            return "the smallest group of the result has \(smallest) row\(smallest == 1 ? "" : "s"); "
                + "the pod answers only groups of at least \(minimum) rows"
        case let .moreRowsThanGroups(rows, groups):
            return "the query returns \(rows) rows from \(groups) group\(groups == 1 ? "" : "s"), so some rows are not aggregates"
        case let .dataUnavailable(reason):
            return "the pod cannot load its data: \(reason)"
        }
    }

    /// What the modeller can do about it.
    public var help: String? {
        switch self {
        case let .invalidSQL(_, suggestion):
            return suggestion.map { "did you mean \(quoted($0))? the pod's table is 'df', with the columns its schema lists" }
                ?? "the pod's table is 'df', with the columns its schema lists (get_pod_schema)"
        case .multipleStatements:
            return "send one SELECT per query"
        case .notASelect, .noTable:
            return "write one SELECT reading the table 'df', e.g. SELECT occupation, AVG(age) FROM df GROUP BY occupation"
        case .compoundSelect:
            return "run each SELECT as its own query"
        case .unsupported:
            return "use plain aggregates (COUNT, SUM, AVG, MIN, MAX, TOTAL) with GROUP BY"
        case let .notAggregated(column):
            return "aggregate it (e.g. AVG(\(column))) or add it to GROUP BY"
        case .noAggregate, .moreRowsThanGroups:
            return "aggregate every result column (COUNT, SUM, AVG, MIN, MAX, TOTAL), grouping with GROUP BY"
        case let .groupTooSmall(_, minimum):
            return "leave small groups out with HAVING COUNT(*) >= \(minimum), or group by fewer or coarser columns"
        case .dataUnavailable:
            return "the pod's owner must check its data file"
        }
    }

    public var description: String { reason }
}

/// A pod refused a query; names the pod and shows the query.
public struct QueryError: FederationError, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// The query sent.
    public let sql: String
    /// The pod's reason.
    public let refusal: QueryRefusal

    /// A refusal of `sql` by `pod`.
    public init(pod: PodIdentifier, sql: String, refusal: QueryRefusal) {
        self.pod = pod
        self.sql = sql
        self.refusal = refusal
    }

    public var diagnostics: [FederationDiagnostic] {
        [FederationDiagnostic("pod \(quoted(pod.name)) refused the query: \(refusal.reason)",
                              details: ["query: \(sql)"], help: refusal.help)]
    }
}
