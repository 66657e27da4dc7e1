import DidYouMean
import Foundation
import GRDB

/// Runs one query on a pod's rows, inside the pod: a new in-memory SQLite database per
/// query, holding the table `df` with the dataset's columns (INTEGER, REAL or TEXT by data
/// type, booleans as 0 and 1, NULL for a missing value).
///
/// The query is compiled and checked against the empty table first, so a refused query
/// never reads a row; then the rows are loaded, the connection is made read-only
/// (`PRAGMA query_only`), the groups are counted and the query runs. It must be one SELECT
/// returning aggregates only (`AggregateQuery`), and every group behind its result must
/// hold at least `minimumGroupSize` rows.
enum QueryEngine {
    /// The result of `sql` on `dataset`, or why the pod refuses it.
    static func run(_ sql: String, on dataset: Dataset, pod: PodIdentifier, minimumGroupSize: Int) throws(QueryRefusal) -> QueryResult {
        _ = try AggregateQuery.singleStatement(sql)
        let columns = dataset.columns.map(\.name)
        let outcome: Result<QueryResult, QueryRefusal>
        do {
            let database = try DatabaseQueue()
            outcome = try database.inDatabase { db in
                let definitions = dataset.columns.map { column in identifier(column.name) + " " + sqlType(column.dataType) }
                try db.execute(sql: "CREATE TABLE df (" + definitions.joined(separator: ", ") + ")")
                let statement: Statement
                let check: AggregateQuery
                switch compile(sql, in: db, columns: columns) {
                case let .success(compiled): (statement, check) = compiled
                case let .failure(refusal): return .failure(refusal)
                }
                try fill(db, with: dataset)
                try db.execute(sql: "PRAGMA query_only = 1")
                return answer(statement, check, in: db, columns: columns, pod: pod, minimumGroupSize: minimumGroupSize)
            }
        } catch {
            throw .dataUnavailable(reason: "\(error)")
        }
        return try outcome.get()
    }

    /// `sql` compiled in `db` and checked to return aggregates only.
    private static func compile(_ sql: String, in db: Database, columns: [String]) -> Result<(Statement, AggregateQuery), QueryRefusal> {
        let statement: Statement
        do {
            statement = try db.makeStatement(sql: sql)
        } catch {
            return .failure(invalid(error, columns: columns))
        }
        do throws(QueryRefusal) {
            let check = try AggregateQuery(sql, columns: columns)
            guard statement.isReadonly else { throw .notASelect(found: "SELECT") }
            return .success((statement, check))
        } catch {
            return .failure(error)
        }
    }

    /// Counts the rows of each group and, when every group is large enough, runs the query.
    private static func answer(_ statement: Statement, _ check: AggregateQuery, in db: Database, columns: [String],
                               pod: PodIdentifier, minimumGroupSize: Int) -> Result<QueryResult, QueryRefusal> {
        do {
            let groups = try Row.fetchAll(db, sql: check.groupSizeQuery).map { row -> Int in row[row.count - 1] }
            if let smallest = groups.min(), smallest < minimumGroupSize {
                return .failure(.groupTooSmall(smallest: smallest, minimum: minimumGroupSize))
            }
            let rows = try Row.fetchAll(statement)
            if rows.count > groups.count { return .failure(.moreRowsThanGroups(rows: rows.count, groups: groups.count)) }
            let cells = rows.map { row in (0..<row.count).map { cell(row[$0] as DatabaseValue) } }
            return .success(QueryResult(pod: pod, columns: statement.columnNames, rows: cells, smallestGroup: groups.min() ?? 0))
        } catch {
            return .failure(invalid(error, columns: columns))
        }
    }

    /// Fills the table `df` of `db` with the dataset's rows.
    private static func fill(_ db: Database, with dataset: Dataset) throws {
        let values = dataset.columns.map(databaseValues)
        let placeholders = Array(repeating: "?", count: dataset.columns.count).joined(separator: ", ")
        let insert = try db.makeStatement(sql: "INSERT INTO df VALUES (\(placeholders))")
        try db.inTransaction {
            for row in 0..<dataset.rowCount {
                try insert.execute(arguments: StatementArguments(values.map { $0[row] }))
            }
            return .commit
        }
    }

    /// The SQLite type of a column read as `dataType`.
    private static func sqlType(_ dataType: DataType) -> String {
        switch dataType {
        case .integer, .boolean: return "INTEGER"
        case .float: return "REAL"
        case .string: return "TEXT"
        }
    }

    /// A column's values as SQLite values, one per row.
    private static func databaseValues(_ column: Federation.Column) -> [DatabaseValue] {
        func typed(_ text: String) -> DatabaseValue {
            switch column.dataType {
            case .integer: return Int64(text)?.databaseValue ?? text.databaseValue
            case .float: return Double(text)?.databaseValue ?? text.databaseValue
            case .boolean: return (text.lowercased() == "true" ? Int64(1) : 0).databaseValue
            case .string: return text.databaseValue
            }
        }
        switch column.storage {
        case let .continuous(numbers):
            return numbers.map { number in
                guard !number.isNaN else { return .null }
                if column.dataType == .integer, let whole = Int64(exactly: number) { return whole.databaseValue }
                return number.databaseValue
            }
        case let .categorical(codes, encoder):
            let byCode = encoder.values.map(typed)
            return codes.map { $0 < 0 ? .null : byCode[Int($0)] }
        case let .text(codes, texts):
            let byCode = texts.map(typed)
            return codes.map { $0 < 0 ? .null : byCode[Int($0)] }
        }
    }

    /// A result value as a cell.
    private static func cell(_ value: DatabaseValue) -> QueryCell {
        switch value.storage {
        case .null: return .null
        case let .int64(number): return .integer(number)
        case let .double(number): return .real(number)
        case let .string(text): return .text(text)
        case let .blob(data): return .text("<\(data.count) bytes>")
        }
    }

    /// An SQLite error as a refusal, suggesting a column when SQLite names an unknown one.
    private static func invalid(_ error: any Error, columns: [String]) -> QueryRefusal {
        guard let error = error as? DatabaseError else { return .invalidSQL(message: "\(error)", suggestion: nil) }
        let message = error.message ?? error.description
        var suggestion: String?
        let prefix = "no such column: "
        if message.hasPrefix(prefix) {
            let name = String(message.dropFirst(prefix.count))
            let bare = name.split(separator: ".").last.map(String.init) ?? name
            suggestion = Suggestion.closest(to: bare, among: columns)
        }
        return .invalidSQL(message: message, suggestion: suggestion)
    }

    /// A column name quoted for SQL.
    private static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
