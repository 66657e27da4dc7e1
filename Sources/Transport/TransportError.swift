import Federation
import GRPCCore

/// Why a call to a pod served over the network failed; names the pod (or its address) and
/// says what to do.
public enum TransportError: PodScopedError, PodDataMismatchReporting, Equatable {
    /// Nothing answered at the address, or the connection broke.
    case unreachable(pod: String, reason: String)
    /// The call took longer than its deadline.
    case deadlineExceeded(pod: String, call: String, seconds: Int)
    /// A pod training a round sent nothing for longer than the progress deadline.
    case stalled(pod: String, seconds: Int)
    /// The pod's server refused the call before the pod saw it (identity, limits).
    case refused(pod: String, reason: String)
    /// The pod answered with an error.
    case podError(pod: String, reason: String)
    /// The pod answered that its data does not fit the model at `column`.
    case dataDoesNotFit(pod: String, column: String, reason: String)
    /// The pod's answer could not be decoded.
    case malformedAnswer(pod: String, reason: String)
    /// A TLS file cannot be used.
    case tlsFile(path: String, reason: String)
    /// A server cannot listen where it was told to.
    case cannotListen(address: String, reason: String)

    public var diagnostics: [FederationDiagnostic] {
        switch self {
        case let .unreachable(pod, reason):
            return [FederationDiagnostic("cannot reach pod \(pod): \(reason)",
                                         help: "check that 'bf pod serve' runs there and the address; with TLS, that each side's CA signed the other's certificate")]
        case let .deadlineExceeded(pod, call, seconds):
            return [FederationDiagnostic("pod \(pod) did not answer \(call) within \(seconds) s",
                                         help: "the pod may be overloaded or stopped; raise deadline_seconds in federation.yaml if it is only slow")]
        case let .stalled(pod, seconds):
            return [FederationDiagnostic("pod \(pod) sent no progress for \(seconds) s while training a round",
                                         help: "the pod may have stopped; raise progress_deadline_seconds in federation.yaml if its batches are slow")]
        case let .refused(pod, reason):
            return [FederationDiagnostic("pod \(pod) refused the call: \(reason)")]
        case let .podError(pod, reason), let .dataDoesNotFit(pod, _, reason):
            return [FederationDiagnostic("pod \(pod): \(reason)")]
        case let .malformedAnswer(pod, reason):
            return [FederationDiagnostic("pod \(pod) sent an answer bf cannot read: \(reason)",
                                         help: "run the same bf version on both sides")]
        case let .tlsFile(path, reason):
            return [FederationDiagnostic("cannot use TLS file '\(path)': \(reason)", help: "check the path and that it is PEM")]
        case let .cannotListen(address, reason):
            return [FederationDiagnostic("cannot listen on \(address): \(reason)",
                                         help: "choose a free port (or 0 for any), and an address of this machine")]
        }
    }

    /// What went wrong, without the pod's name.
    public var reason: String {
        switch self {
        case let .unreachable(_, reason): return "cannot be reached: \(reason)"
        case let .deadlineExceeded(_, call, seconds): return "did not answer \(call) within \(seconds) s"
        case let .stalled(_, seconds): return "sent no progress for \(seconds) s while training a round"
        case let .refused(_, reason): return "refused the call: \(reason)"
        case let .podError(_, reason), let .dataDoesNotFit(_, _, reason): return reason
        case let .malformedAnswer(_, reason): return "sent an answer bf cannot read: \(reason)"
        case let .tlsFile(path, reason): return "cannot use TLS file '\(path)': \(reason)"
        case let .cannotListen(address, reason): return "cannot listen on \(address): \(reason)"
        }
    }

    /// The metadata key of a failed call's status naming the column at which the pod's data
    /// does not fit the model (`PodDataMismatchReporting`).
    static let mismatchedColumnKey = "bf-mismatched-column"

    public var mismatchedColumn: String? {
        if case let .dataDoesNotFit(_, column, _) = self { return column }
        return nil
    }

    /// The error a failed call to `pod` means.
    static func from(_ error: RPCError, pod: String, call: String, deadline: Duration) -> TransportError {
        switch error.code {
        case .deadlineExceeded:
            return .deadlineExceeded(pod: pod, call: call, seconds: Int(deadline.components.seconds))
        case .unavailable:
            return .unreachable(pod: pod, reason: error.message)
        case .permissionDenied, .unauthenticated, .resourceExhausted:
            return .refused(pod: pod, reason: error.message)
        default:
            if let column = error.metadata[stringValues: mismatchedColumnKey].first(where: { _ in true }) {
                return .dataDoesNotFit(pod: pod, column: column, reason: error.message)
            }
            return .podError(pod: pod, reason: error.message)
        }
    }
}
