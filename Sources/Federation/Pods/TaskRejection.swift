/// Why a pod refused a task: the typed answer a pod sends back, whose
/// `reason` the modeller shows verbatim under the pod's name.
public enum TaskRejection: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// What went wrong when the pod checked who sent the request.
    public enum IdentityProblem: String, Sendable, Codable, Equatable {
        /// The hub has no user of that name.
        case unknownUser
        /// The signature does not match the user's key or the request's contents.
        case badSignature
        /// The request was signed too long ago or too far in the future.
        case stale
        /// The pod has already seen this request.
        case replayed
    }

    /// The pod could not verify who sent the request.
    case identityNotVerified(IdentityProblem)
    /// The modeller holds no role on this pod.
    case noPermissions(modeller: String, owner: String)
    /// The modeller's roles do not allow this kind of task.
    case insufficientPermissions(task: TaskKind, held: [Role], needed: Role, owner: String)
    /// The modeller's role allows the task only with differential privacy.
    case differentialPrivacyRequired(task: TaskKind, owner: String)
    /// The task's differential privacy asks for more than the pod's budget leaves.
    case privacyBudgetExceeded(PrivacyShortfall, owner: String)
    /// For secure aggregation: other pods of the task this pod has not approved.
    case podsNotApproved([PodIdentifier])
    /// The request does not list this pod among the task's pods.
    case notInTask
    /// The request was sent to a call that serves another task kind.
    case wrongTaskKind(expected: TaskKind, found: TaskKind)
    /// The model specification sent with the request is not the one the
    /// request's signed detail names.
    case specificationMismatch
    /// The modeller asked for per-row prediction scores and the pod does not let them leave
    /// (its `allow_row_predictions` setting is off).
    case rowPredictionsNotAllowed(owner: String)

    /// The reason, addressed to the modeller.
    public var reason: String {
        switch self {
        case let .identityNotVerified(problem):
            let why: String
            switch problem {
            case .unknownUser: why = "the hub has no key for this user"
            case .badSignature: why = "the signature does not match the user's key"
            case .stale: why = "the request was signed more than 5 minutes from the pod's clock"
            case .replayed: why = "the pod has already answered this request"
            }
            return "identity could not be verified: \(why)"
        case let .noPermissions(modeller, _):
            return "\(quoted(modeller)) has no permissions on this pod"
        case let .insufficientPermissions(task, held, needed, _):
            let roles = held.map(\.rawValue).joined(separator: ", ")
            return "permissions insufficient: \(roles) does not allow \(task.plural); \(needed.rawValue) does"
        case let .differentialPrivacyRequired(task, _):
            return task == .train ? "dp_modeller allows train tasks only with differential privacy"
                : "dp_modeller allows \(task.plural) only with differential privacy, which bf offers for train tasks alone"
        case let .privacyBudgetExceeded(shortfall, _):
            return shortfall.reason
        case let .podsNotApproved(pods):
            return "this pod has not approved \(quotedList(pods.map(\.description))) for secure aggregation"
        case .notInTask:
            return "the request does not list this pod among the task's pods"
        case let .wrongTaskKind(expected, found):
            return "this call serves \(expected.plural), but the request is for a \(found.rawValue) task"
        case .specificationMismatch:
            return "the model specification sent does not match the one the modeller signed"
        case .rowPredictionsNotAllowed:
            return "this pod does not let per-row predictions leave it (its allow_row_predictions setting is off)"
        }
    }

    /// What the modeller can do about it.
    public var help: String? {
        switch self {
        case let .identityNotVerified(problem):
            switch problem {
            case .unknownUser: return "run bf once as this user so that its key is registered"
            case .badSignature: return "the user's key file does not match the key the hub holds"
            case .stale: return "check this machine's clock"
            case .replayed: return "send a new request"
            }
        case let .noPermissions(_, owner):
            return "ask the owner \(quoted(owner)) to grant you a role"
        case let .insufficientPermissions(_, _, needed, owner):
            return "ask the owner \(quoted(owner)) for \(needed.rawValue)"
        case let .differentialPrivacyRequired(task, owner):
            return task == .train
                ? "train with differential privacy (dp_config=DPModellerConfig(epsilon=3), or 'train … privacy epsilon=3'), "
                    + "or ask the owner \(quoted(owner)) for general_modeller"
                : "ask the owner \(quoted(owner)) for general_modeller"
        case let .privacyBudgetExceeded(shortfall, owner):
            if case .deltaTooLarge = shortfall { return "ask for a smaller delta, e.g. delta=1e-6" }
            return "ask for a smaller epsilon, or ask the owner \(quoted(owner)) to raise the pod's differential_privacy limits"
        case .podsNotApproved:
            return "the pod's owner must add them to its approved pods (other_pods in its YAML), or leave them out of the task"
        case .specificationMismatch:
            return "send the request again; if this repeats, something between you and the pod alters messages"
        case let .rowPredictionsNotAllowed(owner):
            return "the owner \(quoted(owner)) can allow them: bf pod row-predictions POD on, or 'allow_row_predictions: true' "
                + "in the pod's YAML; class counts need no setting: model.predict(counts_only=True)"
        case .notInTask, .wrongTaskKind:
            return nil
        }
    }

    public var description: String { reason }
}
