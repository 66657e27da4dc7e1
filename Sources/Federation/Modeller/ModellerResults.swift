import Diagnostics
/// One pod as the `pods` listing shows it: its public details and the
/// modeller's roles on it.
public struct PodListing: Sendable, Codable, Equatable {
    /// The pod's details.
    public let pod: PodDescription
    /// The modeller's roles on it (empty: no access).
    public let roles: [Role]
}

/// Each pod's answer to one task request (`check_access`).
public struct AccessReport: Sendable, Codable, Equatable {
    /// The task kind asked about.
    public let task: TaskKind
    /// Whether secure aggregation was asked for.
    public let secureAggregation: Bool
    /// The answers, in the order of the request's pods.
    public let responses: [TaskResponse]

    /// The pods that accepted.
    public var accepted: [PodIdentifier] { responses.filter(\.isAccepted).map(\.pod) }

    /// The pods that refused, with their reasons.
    public var refusals: [AccessDenied.Refusal] {
        responses.compactMap { response in response.rejection.map { AccessDenied.Refusal(pod: response.pod, rejection: $0) } }
    }

    /// Whether every pod accepted.
    public var allAccepted: Bool { responses.allSatisfy(\.isAccepted) }

    /// The refusals as an error, or nil when every pod accepted.
    public var error: AccessDenied? {
        allAccepted ? nil : AccessDenied(task: task, refusals: refusals, pods: responses.map(\.pod))
    }
}

/// One or more pods refused a task; each refusal with the pod's reason.
public struct AccessDenied: FederationError, Equatable {
    /// One pod's refusal.
    public struct Refusal: Sendable, Codable, Equatable {
        /// The pod.
        public let pod: PodIdentifier
        /// Its reason.
        public let rejection: TaskRejection
    }

    /// The task kind refused.
    public let task: TaskKind
    /// The refusals, in the order of the pods.
    public let refusals: [Refusal]
    /// All pods of the task, for labelling.
    public let pods: [PodIdentifier]

    public var problems: [Problem] {
        let labels = PodLabels(pods)
        return refusals.map { refusal in
            Problem("pod \(quoted(labels[refusal.pod])) refused the \(task.rawValue) task: \(refusal.rejection.reason)",
                    help: refusal.rejection.help)
        }
    }
}

/// The answer to `whoami`.
public struct WhoAmI: Sendable, Codable, Equatable {
    /// The modeller's roles on one pod.
    public struct PodRoles: Sendable, Codable, Equatable {
        /// The pod.
        public let pod: PodIdentifier
        /// The roles held.
        public let roles: [Role]
    }

    /// The user name.
    public let name: String
    /// The public key's fingerprint.
    public let fingerprint: String
    /// The bf home.
    public let home: String
    /// Every pod on which the user holds a role.
    public let roles: [PodRoles]
}
