import Federation

/// The built-ins of SQL at the pod (tutorial 3): `SqlQuery(query)` and its `execute`. The
/// query runs inside each pod on SQLite, over the pod's rows as the table `df`; the pod
/// answers with aggregates only, over groups of at least its minimum group size.
enum QueryBuiltins {
    static let table = BuiltinTable(functions: [sqlQuery], types: [QueryObject.type, QueryResultsObject.type])

    static let sqlQuery = Builtin(
        "SqlQuery",
        parameters: [Parameter("query", .string, "one SELECT over the table 'df', e.g. SELECT occupation, AVG(age) FROM df GROUP BY occupation")],
        summary: "an SQL query run inside the pods, answered with aggregates only; .execute() runs it",
        details: """
        Each pod loads its rows into the table 'df' (its schema's columns) and runs the query itself. It answers only
        one SELECT whose every result column is an aggregate (COUNT, SUM, AVG, MIN, MAX, TOTAL) or a GROUP BY key, and
        only when every group holds at least the pod's minimum group size (5 unless its owner set another).
        Running it needs a role that allows sql tasks (general_modeller or super_modeller).
        """,
        returns: QueryObject.type
    ) { arguments in
        .object(QueryObject(sql: arguments.string("query") ?? ""))
    }

    static let executeMethod = Builtin(
        "execute",
        parameters: [Parameter("pod_identifiers", .optional(.list(.string)), default: Value.none, "the pods; by default the chosen pods")],
        summary: "run the query at the pods: a table of results per pod, shown one after another (results[0], results[\"pod\"])"
    ) { arguments in
        guard let query = arguments.receiver as? QueryObject else { return .none }
        let federation = try arguments.context.federation()
        let pods = try federation.pods(FederationBuiltins.strings(arguments["pod_identifiers"]), for: "query")
        let results = try await federation.modeller.query(query.sql, on: pods)
        var spellings: [PodIdentifier: [String]] = [:]
        for name in pods { spellings[try await federation.hub.resolve(name, as: federation.identity), default: []].append(name) }
        let tables = results.map { result in
            (pod: result.pod.description, spellings: spellings[result.pod] ?? [],
             table: TableObject(title: "query result at \(result.pod), smallest group \(result.smallestGroup) rows:", table: result.table))
        }
        return tables.count == 1 ? .object(tables[0].table) : .object(QueryResultsObject(tables))
    }
}
