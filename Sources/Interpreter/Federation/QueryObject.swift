import Federation

/// `SqlQuery("SELECT … FROM df …")`: a query to run at pods; `execute()` sends it.
final class QueryObject: RuntimeObject {
    static let type = ObjectType(name: "SqlQuery", summary: "an SQL query of aggregates, run inside pods on their table 'df'",
                                 methods: [QueryBuiltins.executeMethod], attributes: ["query"])

    let sql: String
    var objectType: ObjectType { QueryObject.type }

    init(sql: String) { self.sql = sql }

    func attribute(_ name: String) -> Value? {
        name == "query" ? .string(sql) : nil
    }

    func display(in context: DisplayContext) -> String {
        "SqlQuery(\(Value.quote(sql)))"
    }
}
