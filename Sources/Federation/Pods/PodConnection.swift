import Foundation

/// Everything a modeller learns about a pod passes through this protocol
/// (architecture.md, "The federated boundary").
///
/// Messages are plain `Sendable`, `Codable` values, so the same calls are carried
/// over gRPC by the `Transport` target; `LocalPodConnection` reaches a pod in
/// this process. A pod judges every request itself.
public protocol PodConnection: Sendable {
    /// The pod reached.
    var identifier: PodIdentifier { get }
    /// The pod's public details.
    func describe() async throws -> PodDescription
    /// The roles `user` holds on the pod (a remote pod tells only the user who asks).
    func roles(of user: String) async throws -> [Role]
    /// Asks the pod to take part in a task; it answers accept or a typed
    /// rejection, and records the answer in its audit log.
    func request(_ task: TaskRequest) async throws -> TaskResponse
    /// Asks for the pod's schema; `task.kind` must be `.schema`. Judged and
    /// audited like `request`.
    func schema(_ task: TaskRequest) async throws -> SchemaResponse
    /// Asks the pod to open a model task (train, evaluate or predict); judged
    /// and audited like `request`, and the pod keeps the task when it accepts.
    func openTask(_ task: ModelTaskRequest) async throws -> TaskResponse
    /// Trains one round of an open training task: progress after every batch,
    /// then the update. Cancelling the stream stops the pod at the next batch
    /// boundary.
    func train(_ round: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error>
    /// The pod's signed key share for a secure round of an open training task.
    func keyShare(_ setup: SecureRoundSetup) async throws -> SignedKeyShare
    /// The pod's answer to a step of a dropout-tolerant secure round of an open training task.
    func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer
    /// Scores a model on one part of the pod's split.
    func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport
    /// Aggregate counts of a model's predictions on one part of the pod's split.
    func predict(_ request: PredictionRequest) async throws -> PredictionSummary
    /// Closes an open task, stopping a running round first.
    func closeTask(_ task: UUID) async throws
    /// Runs an SQL query at the pod (`task.request.kind` must be `.sql`); judged and audited
    /// like `request`, and answered with aggregates only.
    func query(_ task: QueryRequest) async throws -> QueryResponse
}

/// A connection to a pod running as an actor in this process (the embedded default used
/// by the REPL, the tutorials and the tests), on behalf of one user: the pod lets only the
/// modeller who opened a task use it, in process as over the network.
public struct LocalPodConnection: PodConnection {
    /// The pod reached.
    public let identifier: PodIdentifier
    /// Who calls: the user the pod judges the task calls of.
    public let caller: String
    private let pod: Pod

    init(pod: Pod, caller: String) {
        self.pod = pod
        self.caller = caller
        identifier = pod.identifier
    }

    /// The same pod called by `user` (a pod server makes one per authenticated call).
    public func calling(as user: String) -> LocalPodConnection {
        LocalPodConnection(pod: pod, caller: user)
    }

    /// The pod's public details.
    public func describe() async throws -> PodDescription {
        try await pod.describe()
    }

    /// The roles `user` holds on the pod.
    public func roles(of user: String) async throws -> [Role] {
        try pod.store.roles(of: user, on: identifier)
    }

    /// The pod's judgement of `task`, recorded in its audit log.
    public func request(_ task: TaskRequest) async throws -> TaskResponse {
        try await pod.answer(task)
    }

    /// The pod's schema, or its refusal, recorded in its audit log.
    public func schema(_ task: TaskRequest) async throws -> SchemaResponse {
        try await pod.schema(for: task)
    }

    /// The pod's answer to a model task request, recorded in its audit log.
    public func openTask(_ task: ModelTaskRequest) async throws -> TaskResponse {
        try await pod.openTask(task)
    }

    /// One round of training at the pod.
    public func train(_ round: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> {
        pod.train(round, caller: caller)
    }

    /// The pod's key share for a secure round.
    public func keyShare(_ setup: SecureRoundSetup) async throws -> SignedKeyShare {
        try await pod.keyShare(setup, caller: caller)
    }

    /// The pod's answer to a step of a dropout-tolerant secure round.
    public func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer {
        try await pod.secureAggregationStep(request, caller: caller)
    }

    /// The pod's metrics of a model.
    public func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport {
        try await pod.evaluate(request, caller: caller)
    }

    /// The pod's prediction counts of a model.
    public func predict(_ request: PredictionRequest) async throws -> PredictionSummary {
        try await pod.predict(request, caller: caller)
    }

    /// Closes a task at the pod.
    public func closeTask(_ task: UUID) async throws {
        try await pod.closeTask(task, caller: caller)
    }

    /// The pod's answer to a query, recorded in its audit log.
    public func query(_ task: QueryRequest) async throws -> QueryResponse {
        try await pod.query(task)
    }
}
