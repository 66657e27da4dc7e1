import Diagnostics
import Foundation
import GRDB
import GRDBSQLite

/// Runs one query on a pod's rows, inside the pod: a new in-memory SQLite database per
/// query, holding the table `df` with the dataset's columns (INTEGER, REAL or TEXT by data
/// type, booleans as 0 and 1, NULL for a missing value).
///
/// The query is checked before any row is loaded, so a refused query never reads a row: by
/// the pod's reading of its text (`AggregateQuery`: one SELECT of `df` returning aggregates
/// only) and by SQLite's own compiler under an authorizer (`QueryAuthorizer`: reads of `df`
/// once, allowed functions only). Then the rows are loaded, the connection is made read-only
/// (`PRAGMA query_only`), the groups are counted and the query runs, under a time budget
/// (SQLite's progress handler) that its caller can also cancel. Every group behind the
/// result must hold at least `minimumGroupSize` rows.
enum QueryEngine {
    /// How long a query may run at a pod, unless the pod's caller says less: under the
    /// modeller's call deadline (30 s by default), so the pod stops first and says why.
    static let defaultTimeLimit: Double = 20

    /// The result of `sql` on `dataset`, or why the pod refuses it; stopped with `.timeLimit`
    /// or `.cancelled` when `budget` runs out or is cancelled.
    static func run(_ sql: String, on dataset: Dataset, pod: PodIdentifier, minimumGroupSize: Int,
                    budget: QueryBudget = QueryBudget(seconds: defaultTimeLimit)) throws(QueryRefusal) -> QueryResult {
        _ = try AggregateQuery.singleStatement(sql)
        let columns = dataset.columns.map(\.name)
        let table = dataset.columns.map { (name: $0.name, type: sqlType($0.dataType)) }
        let check = try self.check(sql, table: table)
        let outcome: Result<QueryResult, QueryRefusal>
        do {
            let database = try DatabaseQueue()
            outcome = try database.inDatabase { db in
                let definitions = table.map { identifier($0.name) + " " + $0.type }
                try db.execute(sql: "CREATE TABLE df (" + definitions.joined(separator: ", ") + ")")
                let statement: Statement
                do {
                    statement = try db.makeStatement(sql: sql)
                } catch {
                    return .failure(invalid(error, columns: columns))
                }
                try fill(db, with: dataset)
                try db.execute(sql: "PRAGMA query_only = 1")
                guard let connection = db.sqliteConnection else { return .failure(.dataUnavailable(reason: "the database is closed")) }
                sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, maximumValueLength)
                sqlite3_progress_handler(connection, 1000, { context in
                    guard let context else { return 1 }
                    return Unmanaged<QueryBudget>.fromOpaque(context).takeUnretainedValue().shouldStop ? 1 : 0
                }, Unmanaged.passUnretained(budget).toOpaque())
                defer { sqlite3_progress_handler(connection, 0, nil, nil) }
                return answer(statement, check, in: db, columns: columns, pod: pod, minimumGroupSize: minimumGroupSize, budget: budget)
            }
        } catch {
            throw .dataUnavailable(reason: "\(error)")
        }
        return try outcome.get()
    }

    /// The longest text or blob a query may make, in bytes: an expression that grows a value
    /// (nested `replace`) stops here instead of taking the pod's memory.
    static let maximumValueLength: Int32 = 10_000_000

    /// `sql` checked by the pod's reading of its text (`AggregateQuery`) and by SQLite's
    /// compiler (`QueryAuthorizer`), which must agree on the columns read; the group-counting
    /// query it derives is checked by SQLite too.
    static func check(_ sql: String, table: [(name: String, type: String)]) throws(QueryRefusal) -> AggregateQuery {
        let columns = table.map(\.name)
        let compiled: QueryAuthorizer
        do {
            compiled = try QueryAuthorizer(sql, columns: table)
        } catch let .invalidSQL(message, _) {
            throw invalid(message: message, columns: columns)
        } catch .notASelect(let found) where found.uppercased() == "SELECT" {
            // SQLite was refused an action of its own while compiling a SELECT (a table-valued
            // function such as pragma_table_info first writes its schema): the pod's reading
            // of the text says what is wrong with the query.
            _ = try AggregateQuery(sql, columns: columns)
            throw .notAllowed(what: "what SQLite would do to compile it (it writes to its schema)")
        }
        let check = try AggregateQuery(sql, columns: columns)
        if compiled.tableOpenings > 1 { throw .readsTableTwice }
        let counting = try QueryAuthorizer(check.groupSizeQuery, columns: table)
        if counting.tableOpenings > 1 { throw .readsTableTwice }
        for read in [compiled.columnsRead, counting.columnsRead] {
            if let unseen = read.subtracting(check.columnsNamed).sorted().first {
                if ["rowid", "oid", "_rowid_"].contains(unseen), !columns.contains(where: { $0.lowercased() == unseen }) {
                    throw .unsupported(construct: "rowid", why: "it is SQLite's number of each row (also named oid and _rowid_), which picks out rows one by one")
                }
                throw .unchecked(column: columns.first { $0.lowercased() == unseen } ?? unseen)
            }
        }
        return check
    }

    /// Counts the rows of each group and, when every group is large enough, runs the query.
    private static func answer(_ statement: Statement, _ check: AggregateQuery, in db: Database, columns: [String],
                               pod: PodIdentifier, minimumGroupSize: Int, budget: QueryBudget) -> Result<QueryResult, QueryRefusal> {
        do {
            let groups = try Row.fetchAll(db, sql: check.groupSizeQuery).map { row -> Int in row[row.count - 1] }
            if let smallest = groups.min(), smallest < minimumGroupSize {
                return .failure(.groupTooSmall(minimum: minimumGroupSize))
            }
            let rows = try Row.fetchAll(statement)
            if rows.count > groups.count { return .failure(.moreRowsThanGroups(rows: rows.count, groups: groups.count)) }
            let cells = rows.map { row in (0..<row.count).map { cell(row[$0] as DatabaseValue) } }
            return .success(QueryResult(pod: pod, columns: statement.columnNames, rows: cells, smallestGroup: groups.min() ?? 0))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            return .failure(budget.isCancelled ? .cancelled : .timeLimit(seconds: budget.seconds))
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
        return invalid(message: error.message ?? error.description, columns: columns)
    }

    /// SQLite's message as a refusal, suggesting a column when it names an unknown one.
    private static func invalid(message: String, columns: [String]) -> QueryRefusal {
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
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
