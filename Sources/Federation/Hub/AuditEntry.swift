import Foundation

/// One answer a pod gave to a request, as the append-only audit log keeps it.
public struct AuditEntry: Sendable, Codable, Equatable {
    /// Position in the log (increasing).
    public let id: Int64
    /// When the pod answered.
    public let at: Date
    /// The pod that answered.
    public let pod: PodIdentifier
    /// The user the request claimed to come from.
    public let modeller: String
    /// What the request asked for.
    public let taskKind: TaskKind
    /// All pods of the task.
    public let taskPods: [PodIdentifier]
    /// Whether the task asked for secure aggregation.
    public let secureAggregation: Bool
    /// The request's identifier.
    public let requestID: UUID
    /// Whether the pod accepted.
    public let accepted: Bool
    /// For a rejection, the reason the modeller was shown; empty when accepted.
    public let reason: String
}

/// A task a modeller ran, as recorded in the hub.
public struct TaskRun: Sendable, Codable, Equatable {
    /// How a task ended, or that it has not yet.
    public enum Status: String, Sendable, Codable {
        /// Still running, or the process ended without saying.
        case running
        /// Finished normally.
        case completed
        /// Stopped with an error.
        case failed
        /// Stopped by the user.
        case cancelled
    }

    /// The run's number.
    public let id: Int64
    /// Who ran it.
    public let modeller: String
    /// What kind of task.
    public let kind: TaskKind
    /// On which pods.
    public let pods: [PodIdentifier]
    /// With secure aggregation or not.
    public let secureAggregation: Bool
    /// When it started.
    public let startedAt: Date
    /// When it ended, if it has.
    public let finishedAt: Date?
    /// How it ended.
    public let status: Status
    /// A summary (the error, the final metrics, the query).
    public let detail: String
}
