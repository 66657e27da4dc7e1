import Foundation

/// The pod's side of SQL queries (tutorial 3): it judges the signed request like any other
/// task, runs the query on its own rows in SQLite, and answers only with aggregates over
/// groups of at least its minimum group size. The acceptance or refusal of the task and then
/// the query's outcome, with the query's text, go to the audit log (the custodian's own).
extension Pod {
    /// Judges `message` (its signed detail must be its query), runs the query when the task is
    /// accepted, and answers with the result, the task's rejection or the query's refusal.
    func query(_ message: QueryRequest, now: Date = Date()) async throws -> QueryResponse {
        let response = try answer(message.request, expecting: [.sql], detail: message.sql, now: now)
        if let rejection = response.rejection { return .rejected(rejection) }
        let outcome: Result<QueryResult, QueryRefusal>
        do {
            let minimum = try describe().minimumGroupSize
            let rows = try dataset()
            let pod = identifier
            let sql = message.sql
            let budget = QueryBudget(seconds: QueryEngine.defaultTimeLimit)
            // A modeller who has gone (cancelled, or past its deadline) stops the query at once.
            outcome = try await withTaskCancellationHandler {
                try await DedicatedThread.run(name: "bf pod \(pod.name) query") {
                    Result { () throws(QueryRefusal) -> QueryResult in
                        try QueryEngine.run(sql, on: rows, pod: pod, minimumGroupSize: minimum, budget: budget)
                    }
                }
            } onCancel: {
                budget.cancel()
            }
        } catch {
            outcome = .failure(.dataUnavailable(reason: "\(error)"))
        }
        switch outcome {
        case let .success(result):
            try appendQueryAudit(message.request, accepted: true,
                                 note: "answered the query with \(result.rows.count) aggregate row\(result.rows.count == 1 ? "" : "s"), "
                                     + "smallest group \(result.smallestGroup) rows; query: \(message.sql)")
            return .result(result)
        case let .failure(refusal):
            try appendQueryAudit(message.request, accepted: false, note: "refused the query: \(refusal.reason); query: \(message.sql)")
            return .refused(refusal)
        }
    }

    /// Appends the outcome of a query to the audit log, under its request.
    private func appendQueryAudit(_ request: TaskRequest, accepted: Bool, note: String, at date: Date = Date()) throws {
        try store.write { db in
            var row = AuditRow(id: nil, at: date, pod: identifier.description, modeller: request.modeller,
                               taskKind: request.kind.rawValue, taskPods: request.pods.map(\.description).joined(separator: ","),
                               secureAggregation: request.secureAggregation, requestID: request.id.uuidString,
                               accepted: accepted, reason: note)
            try row.insert(db)
        }
    }
}
