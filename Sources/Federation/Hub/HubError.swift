import Diagnostics
/// Why the hub refused or failed an operation.
public enum HubError: FederationError, Equatable {
    /// No pod has this identifier or name.
    case noSuchPod(String, suggestion: String?)
    /// Several owners have a pod of this name.
    case ambiguousPod(String, candidates: [PodIdentifier])
    /// A pod with this identifier exists already.
    case podExists(PodIdentifier)
    /// The hub has no user of this name.
    case unknownUser(String, suggestion: String?)
    /// Only the pod's owner may do this.
    case notOwner(pod: PodIdentifier, user: String, action: String)
    /// The owner's super_modeller role cannot be revoked.
    case cannotRevokeOwner(pod: PodIdentifier)
    /// The user does not hold the role being revoked.
    case roleNotHeld(pod: PodIdentifier, user: String, role: Role)
    /// The pod has not approved the pod being unapproved.
    case notApproved(pod: PodIdentifier, other: PodIdentifier)
    /// A pod's minimum group size is below 1 (the pod's name and the size).
    case minimumGroupSizeTooSmall(pod: String, size: Int)
    /// The pod's stored configuration cannot be read.
    case corruptPodRecord(String, reason: String)
    /// The database failed.
    case storage(path: String, reason: String)
    /// The bf home cannot be created.
    case cannotCreateHome(path: String, reason: String)
    /// A file in the bf home cannot be written.
    case cannotWrite(path: String, reason: String)
    /// The store records a checkpoint whose file is gone.
    case checkpointMissing(key: String, path: String)
    /// A checkpoint file differs from what the store recorded, or cannot be decoded.
    case checkpointCorrupt(key: String, path: String, reason: String)

    public var isInputOutput: Bool {
        switch self {
        case .corruptPodRecord, .storage, .cannotCreateHome, .cannotWrite, .checkpointMissing: return true
        default: return false
        }
    }

    public var problems: [Problem] {
        switch self {
        case let .noSuchPod(text, suggestion):
            return [Problem("there is no pod \(quoted(text))",
                            help: suggestion.map { "did you mean \(quoted($0))?" } ?? "list the pods with 'pods'; create one with 'bf pod create'")]
        case let .ambiguousPod(name, candidates):
            return [Problem("pod name \(quoted(name)) is ambiguous",
                            notes: candidates.map(\.description),
                            help: "write the pod as owner/name")]
        case let .podExists(pod):
            return [Problem("pod \(quoted(pod.description)) exists already",
                            help: "choose another name, or replace the pod: 'bf pod create FILE --replace' (or 'bf pod remove \(pod.name)' first)")]
        case let .unknownUser(name, suggestion):
            return [Problem("the hub has no user \(quoted(name))",
                            help: suggestion.map { "did you mean \(quoted($0))?" } ?? "a user appears once they have run bf with BF_USER=\(name)")]
        case let .notOwner(pod, user, action):
            return [Problem("only the owner of pod \(quoted(pod.description)) may \(action); you are \(quoted(user))",
                            help: "ask \(quoted(pod.owner)) to do it")]
        case let .cannotRevokeOwner(pod):
            return [Problem("the owner of pod \(quoted(pod.description)) always holds super_modeller")]
        case let .roleNotHeld(pod, user, role):
            return [Problem("\(quoted(user)) does not hold \(role.rawValue) on pod \(quoted(pod.description))")]
        case let .notApproved(pod, other):
            return [Problem("pod \(quoted(pod.description)) has not approved \(quoted(other.description))")]
        case let .minimumGroupSizeTooSmall(pod, size):
            return [Problem("the minimum group size of pod \(quoted(pod)) must be at least \(PodSpec.smallestMinimumGroupSize), not \(size)",
                            help: "a SQL aggregate then reports only on groups of that many rows or more; the default is \(PodSpec.defaultMinimumGroupSize)")]
        case let .corruptPodRecord(pod, reason):
            return [Problem("the hub's record of pod \(quoted(pod)) cannot be read: \(reason)",
                            help: "create the pod again")]
        case let .storage(path, reason):
            return [Problem("the hub store \(quoted(path)) failed: \(reason)",
                            help: "check that the bf home is writable and its disk is not full")]
        case let .cannotCreateHome(path, reason):
            return [Problem("cannot create the bf home \(quoted(path)): \(reason)",
                            help: "set BF_HOME to a writable directory")]
        case let .cannotWrite(path, reason):
            return [Problem("cannot write \(quoted(path)): \(reason)",
                            help: "check that the bf home is writable and its disk is not full")]
        case let .checkpointMissing(key, path):
            return [Problem("the checkpoint file \(quoted(path)) of training \(quoted(key)) is missing",
                            help: "train without resume=True to start from round 1")]
        case let .checkpointCorrupt(key, path, reason):
            return [Problem("the checkpoint file \(quoted(path)) of training \(quoted(key)) is damaged: \(reason)",
                            help: "train without resume=True to start from round 1")]
        }
    }
}
