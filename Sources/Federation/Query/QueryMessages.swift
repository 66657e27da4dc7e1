import Foundation

/// A modeller's request to run one SQL query at a pod: the signed task request (kind `.sql`,
/// whose signed detail is the query text) and the query.
public struct QueryRequest: Sendable, Codable, Equatable {
    /// The signed request; its `detail` is `sql`, so the pod runs only the query signed.
    public let request: TaskRequest
    /// The query, reading the pod's rows as the table `df`.
    public let sql: String

    /// A request to run `sql` at `pods`, signed by `identity`.
    public static func signed(_ sql: String, pods: [PodIdentifier], by identity: LocalIdentity) throws(IdentityError) -> QueryRequest {
        QueryRequest(request: try TaskRequest.signed(kind: .sql, pods: pods, detail: sql, by: identity), sql: sql)
    }

    /// A request from its parts (as received).
    public init(request: TaskRequest, sql: String) {
        self.request = request
        self.sql = sql
    }
}

/// One value of a query's result.
public enum QueryCell: Sendable, Codable, Equatable, CustomStringConvertible {
    /// SQL NULL.
    case null
    /// A whole number.
    case integer(Int64)
    /// A floating-point number.
    case real(Double)
    /// Text.
    case text(String)

    /// The value as a table shows it: integers and text as they are, reals with up to six
    /// decimals, NULL as `None`.
    public var description: String {
        switch self {
        case .null: return "None"
        case let .integer(value): return String(value)
        case let .real(value):
            guard value.isFinite else { return String(value) }
            var text = String(format: "%.6f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text += "0" }
            return text
        case let .text(value): return value
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case let .integer(value): return Double(value)
        case let .real(value): return value
        case .null, .text: return nil
        }
    }
}

/// A query's result at one pod: aggregates only, every group at least the pod's minimum
/// group size.
public struct QueryResult: Sendable, Codable, Equatable {
    /// The pod that ran the query.
    public let pod: PodIdentifier
    /// The result's column names, as SQLite names them.
    public let columns: [String]
    /// The result's rows, each with one cell per column.
    public let rows: [[QueryCell]]
    /// The fewest rows of the pod's table behind any one result row.
    public let smallestGroup: Int

    /// A result from its parts.
    public init(pod: PodIdentifier, columns: [String], rows: [[QueryCell]], smallestGroup: Int) {
        self.pod = pod
        self.columns = columns
        self.rows = rows
        self.smallestGroup = smallestGroup
    }
}

/// A pod's answer to a query request.
public enum QueryResponse: Sendable, Codable, Equatable {
    /// The query ran and its result passed the pod's checks.
    case result(QueryResult)
    /// The pod refused the task (identity, roles).
    case rejected(TaskRejection)
    /// The pod accepted the task but would not answer this query.
    case refused(QueryRefusal)
}
