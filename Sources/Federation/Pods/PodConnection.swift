/// Everything a modeller learns about a pod passes through this protocol
/// (architecture.md, "The federated boundary").
///
/// Messages are plain `Sendable`, `Codable` values, so the same calls can
/// later be carried over gRPC; `LocalPodConnection` reaches a pod in this
/// process. A pod judges every request itself.
public protocol PodConnection: Sendable {
    /// The pod reached.
    var identifier: PodIdentifier { get }
    /// The pod's public details.
    func describe() async throws -> PodDescription
    /// Asks the pod to take part in a task; it answers accept or a typed
    /// rejection, and records the answer in its audit log.
    func request(_ task: TaskRequest) async throws -> TaskResponse
    /// Asks for the pod's schema; `task.kind` must be `.schema`. Judged and
    /// audited like `request`.
    func schema(_ task: TaskRequest) async throws -> SchemaResponse
}

/// A connection to a pod running as an actor in this process (the embedded
/// default used by the REPL, the tutorials and the tests).
public struct LocalPodConnection: PodConnection {
    /// The pod reached.
    public let identifier: PodIdentifier
    private let pod: Pod

    init(pod: Pod) {
        self.pod = pod
        identifier = pod.identifier
    }

    /// The pod's public details.
    public func describe() async throws -> PodDescription {
        try await pod.describe()
    }

    /// The pod's judgement of `task`, recorded in its audit log.
    public func request(_ task: TaskRequest) async throws -> TaskResponse {
        try await pod.answer(task)
    }

    /// The pod's schema, or its refusal, recorded in its audit log.
    public func schema(_ task: TaskRequest) async throws -> SchemaResponse {
        try await pod.schema(for: task)
    }
}
