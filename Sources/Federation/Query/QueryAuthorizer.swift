import GRDBSQLite

/// Checks a query with SQLite's own compiler, so that what the pod allows is decided on the
/// statement SQLite will run, not on the pod's reading of the text.
///
/// The query is compiled on a private in-memory database holding only an empty table `df`
/// with the pod's columns, under an authorizer (`sqlite3_set_authorizer`) that allows a
/// SELECT, reads of `df`, and the functions in `allowedFunctions`, and denies everything
/// else: other tables (`sqlite_schema` among them), writes, `PRAGMA`, `ATTACH`, recursive
/// common table expressions and every other function. It also counts how often the compiled
/// program (`EXPLAIN`) opens `df`: more than once means a join, self-join or subquery reads
/// the table a second time and multiplies or re-reads the rows that the pod counts.
///
/// The result names every column SQLite reads, which `AggregateQuery` must also have seen:
/// a column SQLite reads but the text checker never saw means the two read the text
/// differently, and the query is refused rather than guessed at.
struct QueryAuthorizer {
    /// The table columns the statement reads, lower-cased.
    let columnsRead: Set<String>
    /// How many cursors the compiled program opens on `df`: more than one reads rows twice.
    let tableOpenings: Int

    /// Scalar functions that compute one value from values of the same row, and the
    /// aggregates `AggregateQuery` understands. No function that lists rows (`group_concat`,
    /// `json_group_array`), builds large values (`printf`, `zeroblob`, `randomblob`) or reads
    /// outside the row is here.
    static let allowedFunctions: Set<String> = AggregateQuery.aggregateFunctions.union([
        "abs", "round", "lower", "upper", "length", "coalesce", "ifnull", "nullif", "iif", "substr", "substring",
        "trim", "ltrim", "rtrim", "replace", "instr", "typeof", "sign", "floor", "ceil", "ceiling", "trunc",
        "sqrt", "exp", "ln", "log", "log10", "log2", "pow", "power", "mod", "like", "glob",
        "date", "time", "datetime", "julianday", "strftime", "unixepoch",
    ])

    /// What the authorizer saw while SQLite compiled the statement.
    private final class Observation {
        var columnsRead: Set<String> = []
        var denied: QueryRefusal?
    }

    /// Compiles `sql` against an empty `df` with `columns`, refusing what the pod does not allow.
    init(_ sql: String, columns: [(name: String, type: String)]) throws(QueryRefusal) {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK,
              let connection else {
            sqlite3_close(connection)
            throw .dataUnavailable(reason: "the pod could not open SQLite to check the query")
        }
        defer { sqlite3_close(connection) }
        let definitions = columns.map { QueryEngine.identifier($0.name) + " " + $0.type }.joined(separator: ", ")
        guard sqlite3_exec(connection, "CREATE TABLE df (\(definitions))", nil, nil, nil) == SQLITE_OK else {
            throw .dataUnavailable(reason: String(cString: sqlite3_errmsg(connection)))
        }

        let observation = Observation()
        let context = Unmanaged.passUnretained(observation).toOpaque()
        sqlite3_set_authorizer(connection, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let observation = Unmanaged<Observation>.fromOpaque(context).takeUnretainedValue()
            let argument1 = first.map { String(cString: $0) }
            let argument2 = second.map { String(cString: $0) }
            switch action {
            case SQLITE_SELECT:
                return SQLITE_OK
            case SQLITE_READ where argument1 == "df":
                if let column = argument2, !column.isEmpty { observation.columnsRead.insert(column.lowercased()) }
                return SQLITE_OK
            case SQLITE_READ:
                observation.denied = observation.denied ?? .notAllowed(what: "the table \(quoted(argument1 ?? ""))")
            case SQLITE_FUNCTION where argument2.map { QueryAuthorizer.allowedFunctions.contains($0.lowercased()) } == true:
                return SQLITE_OK
            case SQLITE_FUNCTION:
                observation.denied = observation.denied ?? .notAllowed(what: "the function \(quoted(argument2 ?? ""))")
            case SQLITE_RECURSIVE:
                observation.denied = observation.denied ?? .notAllowed(what: "a recursive WITH")
            default:
                observation.denied = observation.denied ?? .notASelect(found: "")
            }
            return SQLITE_DENY
        }, context)

        var statement: OpaquePointer?
        var rest: OpaquePointer?
        defer {
            sqlite3_finalize(statement)
            sqlite3_finalize(rest)
        }
        let bytes = Array(sql.utf8CString)
        var multipleStatements = false
        let status = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return SQLITE_MISUSE }
            var tail: UnsafePointer<CChar>?
            let first = sqlite3_prepare_v2(connection, base, Int32(buffer.count - 1), &statement, &tail)
            // Whatever SQLite did not read as the first statement must compile to nothing.
            guard first == SQLITE_OK, let tail, base.distance(to: tail) < buffer.count - 1 else { return first }
            let denied = observation.denied
            let restStatus = sqlite3_prepare_v2(connection, tail, Int32(buffer.count - 1 - base.distance(to: tail)), &rest, nil)
            multipleStatements = restStatus != SQLITE_OK || rest != nil
            observation.denied = denied
            return first
        }
        if multipleStatements { throw .multipleStatements }
        if let denied = observation.denied {
            if case .notASelect = denied { throw .notASelect(found: Self.firstWord(sql)) }
            throw denied
        }
        guard status == SQLITE_OK else { throw .invalidSQL(message: String(cString: sqlite3_errmsg(connection)), suggestion: nil) }
        guard let statement else { throw .notASelect(found: "") }
        guard sqlite3_stmt_readonly(statement) != 0 else { throw .notASelect(found: Self.firstWord(sql)) }
        columnsRead = observation.columnsRead
        sqlite3_set_authorizer(connection, nil, nil)
        tableOpenings = try Self.timesOpened(statement, table: "df", in: connection)
    }

    /// How many cursors the compiled program of `statement` opens on `table`.
    private static func timesOpened(_ statement: OpaquePointer, table: String, in connection: OpaquePointer) throws(QueryRefusal) -> Int {
        var root: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT rootpage FROM sqlite_schema WHERE name = '\(table)'", -1, &root, nil) == SQLITE_OK,
              sqlite3_step(root) == SQLITE_ROW else {
            sqlite3_finalize(root)
            throw .dataUnavailable(reason: String(cString: sqlite3_errmsg(connection)))
        }
        let page = sqlite3_column_int64(root, 0)
        sqlite3_finalize(root)

        var program: OpaquePointer?
        guard let text = sqlite3_sql(statement),
              sqlite3_prepare_v2(connection, "EXPLAIN " + String(cString: text), -1, &program, nil) == SQLITE_OK else {
            sqlite3_finalize(program)
            throw .dataUnavailable(reason: String(cString: sqlite3_errmsg(connection)))
        }
        defer { sqlite3_finalize(program) }
        var opened = 0
        // EXPLAIN's columns: addr, opcode, p1, p2, …; a cursor on a table is OpenRead with the
        // table's root page in p2.
        while sqlite3_step(program) == SQLITE_ROW {
            let opcode = sqlite3_column_text(program, 1).map { String(cString: $0) }
            if opcode == "OpenRead" && sqlite3_column_int64(program, 3) == page { opened += 1 }
        }
        return opened
    }

    /// The first word of `sql`, as the refusal of a statement that is not a SELECT names it.
    static func firstWord(_ sql: String) -> String {
        SQLTokenizer.tokens(sql).first?.text ?? ""
    }
}
