import Federation

/// `SqlQuery("SELECT … FROM df …")`: a query to run at pods; `execute()` sends it.
final class QueryObject: RuntimeObject {
    static let type = ObjectType(name: "SqlQuery", summary: "an SQL query of aggregates, run inside pods on their table 'df'",
                                 methods: [QueryBuiltins.executeMethod],
                                 attributes: [.of(QueryObject.self, "query") { .string($0.sql) }])

    let sql: String
    var objectType: ObjectType { QueryObject.type }

    init(sql: String) { self.sql = sql }

    func display(in context: DisplayContext) -> String {
        "SqlQuery(\(Value.quote(sql)))"
    }
}

/// The results of one query at several pods: one table per pod, shown one after another;
/// `results[0]` is the first pod's table and `len(results)` the number of pods.
final class QueryResultsObject: TabularObject {
    static let type = ObjectType(name: "QueryResults", summary: "a query's result at each pod, one table per pod",
                                 attributes: [.of(QueryResultsObject.self, "pods") { .list($0.tables.map { .string($0.pod) }) }])

    /// Each pod's table, with the pod as `owner/name` and the other spellings the query was
    /// given for it (an address, a `federation.yaml` alias), which name its result too.
    let tables: [(pod: String, spellings: [String], table: TableObject)]
    var objectType: ObjectType { QueryResultsObject.type }

    init(_ tables: [(pod: String, spellings: [String], table: TableObject)]) { self.tables = tables }

    func element(at index: Value) throws -> Value {
        switch index {
        case .int(let position):
            let resolved = position < 0 ? tables.count + position : position
            guard tables.indices.contains(resolved) else {
                throw RuntimeError(.rowOutOfRange(position, count: tables.count, noun: "result", counted: "pod", last: "results"))
            }
            return .object(tables[resolved].table)
        case .string(let pod):
            guard let match = tables.first(where: { $0.pod == pod || $0.pod.hasSuffix("/" + pod) || $0.spellings.contains(pod) }) else {
                throw RuntimeError(.noQueryResultFromPod(pod, pods: tables.map(\.pod)))
            }
            return .object(match.table)
        default:
            throw RuntimeError(.queryResultIndex(index: index.typeName))
        }
    }

    var length: Int? { tables.count }

    /// Each pod's table, a blank line between two.
    func blocks(in context: DisplayContext) -> [DisplayBlock] {
        Array(tables.map { $0.table.blocks(in: context) }.joined(separator: [.text("")]))
    }
}
