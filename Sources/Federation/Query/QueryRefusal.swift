import Diagnostics
import Foundation

/// Why a pod that accepted a query task would not answer the query: the query is not valid
/// SQL, is not a single aggregating SELECT, or its groups are too small to keep any one row's
/// values from showing.
public enum QueryRefusal: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// SQLite could not compile the query; `message` is SQLite's, `suggestion` a column the
    /// pod has whose name is close to an unknown one.
    case invalidSQL(message: String, suggestion: String?)
    /// The query holds no statement (nothing, or only comments).
    case empty
    /// The query holds more than one statement.
    case multipleStatements
    /// The statement is not a SELECT; `found` is its first word.
    case notASelect(found: String)
    /// The statement combines SELECTs with UNION, INTERSECT or EXCEPT.
    case compoundSelect(operator: String)
    /// The SELECT reads no table.
    case noTable
    /// The SELECT reads something other than the one table `df` (a join, a second table).
    case notOneTable
    /// The query holds a subquery or a `WITH`.
    case subquery
    /// SQLite's compiled program reads the table more than once.
    case readsTableTwice
    /// The query uses a function or table the pod does not allow; `what` names it.
    case notAllowed(what: String)
    /// SQLite reads `column`, which the pod's reading of the query text never saw.
    case unchecked(column: String)
    /// The SELECT uses a construct the pod does not allow (`OVER`, `FILTER`, `WINDOW`, `*`).
    case unsupported(construct: String, why: String)
    /// A result column reads `column` outside an aggregate, and the query does not group by it.
    case notAggregated(column: String)
    /// The SELECT neither groups nor aggregates, so each result row would be one row of data.
    case noAggregate
    /// A group of the result holds fewer rows than the pod's minimum group size. How many
    /// fewer is not said: even a count of zero answers whether someone is in the data.
    case groupTooSmall(minimum: Int)
    /// The result has more rows than the query has groups.
    case moreRowsThanGroups(rows: Int, groups: Int)
    /// The pod could not load its data.
    case dataUnavailable(reason: String)
    /// The query ran longer than the pod allows.
    case timeLimit(seconds: Double)
    /// The modeller's call ended (cancelled or past its deadline) before the query finished.
    case cancelled

    /// The reason, addressed to the modeller.
    public var reason: String {
        switch self {
        case let .invalidSQL(message, _):
            return "the query is not valid SQL: \(message)"
        case .empty:
            return "the query is empty"
        case .multipleStatements:
            return "the query holds more than one statement"
        case let .notASelect(found):
            return "only a SELECT may run at a pod, not \(quoted(found))"
        case let .compoundSelect(op):
            return "the query combines SELECTs with \(quoted(op)), which the pod does not allow"
        case .noTable:
            return "the query reads no table"
        case .notOneTable:
            return "the query must read the one table 'df', without joins"
        case .subquery:
            return "the pod does not allow subqueries or WITH: each group must be counted on the pod's own rows"
        case .readsTableTwice:
            return "the query reads the table 'df' more than once, so its groups would not be the pod's rows"
        case let .notAllowed(what):
            return "the pod does not allow \(what) in a query"
        case let .unchecked(column):
            return "the pod could not check the query: SQLite reads the column \(quoted(column)) where the pod's checker "
                + "sees none (comments or unusual characters between the names?)"
        case let .unsupported(construct, why):
            return "the pod does not allow \(quoted(construct)) in a query: \(why)"
        case let .notAggregated(column):
            return "the result column reading \(quoted(column)) is neither an aggregate nor a GROUP BY key"
        case .noAggregate:
            return "the query neither groups nor aggregates, so it would return rows of data"
        case let .groupTooSmall(minimum):
            return "a group of the result has fewer rows than the pod's minimum group size of \(minimum)"
        case let .moreRowsThanGroups(rows, groups):
            return "the query returns \(rows) rows from \(groups) group\(groups == 1 ? "" : "s"), so some rows are not aggregates"
        case let .dataUnavailable(reason):
            return "the pod cannot load its data: \(reason)"
        case let .timeLimit(seconds):
            return "the query ran past the pod's time limit of \(seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)) s"
        case .cancelled:
            return "the query was stopped: the modeller's call ended before it finished"
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
        case .empty, .notASelect, .noTable, .notOneTable, .readsTableTwice:
            return "write one SELECT reading the table 'df', e.g. SELECT occupation, AVG(age) FROM df GROUP BY occupation"
        case .compoundSelect:
            return "run each SELECT as its own query"
        case .unsupported, .notAllowed:
            return "use plain aggregates (COUNT, SUM, AVG, MIN, MAX, TOTAL) of columns and simple row functions, with GROUP BY"
        case .subquery:
            return "write one SELECT reading 'df', using CASE inside aggregates for conditions"
        case .unchecked:
            return "write the query without comments, on plain lines"
        case let .notAggregated(column):
            return "aggregate it (e.g. AVG(\(column))) or add it to GROUP BY"
        case .noAggregate, .moreRowsThanGroups:
            return "aggregate every result column (COUNT, SUM, AVG, MIN, MAX, TOTAL), grouping with GROUP BY"
        case let .groupTooSmall(minimum):
            return "leave small groups out with HAVING COUNT(*) >= \(minimum), or group by fewer or coarser columns"
        case .dataUnavailable:
            return "the pod's owner must check its data file"
        case .timeLimit:
            return "group by fewer columns or use simpler expressions"
        case .cancelled:
            return nil
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

    public var problems: [Problem] {
        [Problem("pod \(quoted(pod.name)) refused the query: \(refusal.reason)",
                 notes: ["query: \(sql)"], help: refusal.help)]
    }
}
