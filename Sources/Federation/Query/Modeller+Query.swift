/// The modeller's SQL queries (`SqlQuery(…).execute(pod_identifiers=…)`): one signed request
/// sent to every pod at once; each pod judges it, runs it on its own rows and answers with
/// aggregates only.
extension Modeller {
    /// The result of `sql` at each of `pods`, in the order given. A pod that refuses the task
    /// stops the whole with `AccessDenied`, one that refuses the query with `QueryError`.
    public func query(_ sql: String, on pods: [String]) async throws -> [QueryResult] {
        try await query(sql, connections: try await connections(to: pods))
    }

    /// `query(_:on:)` over given connections.
    public func query(_ sql: String, connections: [any PodConnection]) async throws -> [QueryResult] {
        let message = try QueryRequest.signed(sql, pods: connections.map(\.identifier), by: identity)
        let responses: [QueryResponse]
        do {
            responses = try await Self.everyPod(connections) { connection in try await connection.query(message) }
        } catch {
            throw Self.podError(error)
        }
        var results: [QueryResult] = []
        var refusals: [AccessDenied.Refusal] = []
        var queryError: QueryError?
        for (connection, response) in zip(connections, responses) {
            switch response {
            case let .result(result): results.append(result)
            case let .rejected(rejection): refusals.append(AccessDenied.Refusal(pod: connection.identifier, rejection: rejection))
            case let .refused(refusal):
                if queryError == nil { queryError = QueryError(pod: connection.identifier, sql: sql, refusal: refusal) }
            }
        }
        if !refusals.isEmpty { throw AccessDenied(task: .sql, refusals: refusals, pods: connections.map(\.identifier)) }
        if let queryError { throw queryError }
        return results
    }
}
