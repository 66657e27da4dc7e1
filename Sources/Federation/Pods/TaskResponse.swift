import Foundation

/// A pod's answer to a task request.
public struct TaskResponse: Sendable, Codable, Equatable {
    /// Accepted, or rejected with a reason.
    public enum Outcome: Sendable, Codable, Equatable {
        /// The pod takes part.
        case accepted
        /// The pod refuses.
        case rejected(TaskRejection)
    }

    /// The pod that answered.
    public let pod: PodIdentifier
    /// The request answered.
    public let requestID: UUID
    /// The answer.
    public let outcome: Outcome
    /// The modeller's privacy budget on the pod, when the pod keeps one (after reserving
    /// the task's share, when it accepted a differentially private task).
    public let privacyBudget: PrivacyBudget?

    /// An answer.
    public init(pod: PodIdentifier, requestID: UUID, outcome: Outcome, privacyBudget: PrivacyBudget? = nil) {
        self.pod = pod
        self.requestID = requestID
        self.outcome = outcome
        self.privacyBudget = privacyBudget
    }

    /// The rejection, or nil when accepted.
    public var rejection: TaskRejection? {
        if case let .rejected(rejection) = outcome { return rejection }
        return nil
    }

    /// Whether the pod accepted.
    public var isAccepted: Bool { rejection == nil }
}

/// A pod's answer to a request for its schema.
public enum SchemaResponse: Sendable, Codable, Equatable {
    /// The schema.
    case schema(TableSchema)
    /// The pod refused.
    case rejected(TaskRejection)
}
