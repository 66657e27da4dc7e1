import Diagnostics
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
    /// The pod's TLS certificate is not signed by a CA this side trusts: the CA file, or nil
    /// for the system's CAs.
    case untrustedCertificate(pod: String, authority: String?)
    /// The pod refused this side's client certificate: its file, or nil when none was given.
    case certificateRefused(pod: String, certificate: String?)
    /// The TLS handshake with the pod failed for another reason.
    case tlsHandshake(pod: String, reason: String)
    /// A TLS file cannot be used.
    case tlsFile(path: String, reason: String)
    /// A server cannot listen where it was told to.
    case cannotListen(address: String, reason: String)
    /// The pod a modeller called through a relay is not attached to it.
    case notConnectedToRelay(pod: String, relay: String)
    /// A pod that dials out cannot reach its relay.
    case relayUnreachable(relay: String, reason: String)
    /// The relay refused a pod's attachment.
    case relayRefused(relay: String, pod: String, reason: String)
    /// Another server of the same pod attached to the relay and replaced this one.
    case replacedAtRelay(relay: String, pod: String)

    public var problems: [Problem] {
        switch self {
        case let .unreachable(pod, reason):
            return [Problem("cannot reach pod \(pod): \(reason)",
                            help: "check that 'bf pod serve' runs there and the address; with TLS, that each side's CA signed the other's certificate")]
        case let .deadlineExceeded(pod, call, seconds):
            return [Problem("pod \(pod) did not answer \(call) within \(seconds) s",
                            help: "the pod may be overloaded or stopped; raise deadline_seconds in federation.yaml if it is only slow")]
        case let .stalled(pod, seconds):
            return [Problem("pod \(pod) sent no progress for \(seconds) s while training a round",
                            help: "the pod may have stopped; raise progress_deadline_seconds in federation.yaml if its batches are slow")]
        case let .refused(pod, reason):
            return [Problem("pod \(pod) refused the call: \(reason)")]
        case let .podError(pod, reason), let .dataDoesNotFit(pod, _, reason):
            return [Problem("pod \(pod): \(reason)")]
        case let .malformedAnswer(pod, reason):
            return [Problem("pod \(pod) sent an answer bf cannot read: \(reason)",
                            help: "run the same bf version on both sides")]
        case let .untrustedCertificate(pod, authority):
            return [Problem("cannot reach pod \(pod): " + Self.untrusted(authority),
                            help: "set tls.ca in federation.yaml to the CA that signed the pod's certificate (its 'bf pod serve --tls-cert')")]
        case let .certificateRefused(pod, certificate):
            return [Problem("cannot reach pod \(pod): " + Self.refused(certificate),
                            help: "set tls.certificate and tls.key in federation.yaml to a certificate signed by the CA the pod trusts (its 'bf pod serve --tls-ca')")]
        case let .tlsHandshake(pod, reason):
            return [Problem("cannot reach pod \(pod): the TLS handshake failed: \(reason)",
                            help: "check that the pod serves TLS ('bf pod serve --tls-cert') and the files of tls in federation.yaml")]
        case let .tlsFile(path, reason):
            return [Problem("cannot use TLS file '\(path)': \(reason)", help: "check the path and that it is PEM")]
        case let .cannotListen(address, reason):
            return [Problem("cannot listen on \(address): \(reason)",
                            help: "choose a free port (or 0 for any), and an address of this machine")]
        case let .notConnectedToRelay(pod, relay):
            return [Problem("pod '\(pod)' is not connected to the relay at \(relay)",
                            help: "its owner starts it with 'bf pod serve POD.yaml --connect \(relay)'")]
        case let .relayUnreachable(relay, reason):
            return [Problem("cannot reach the relay at \(relay): \(reason)",
                            help: "check that 'bf relay' runs there and the address; with TLS, give the CA that signed the relay's certificate with --tls-ca")]
        case let .relayRefused(relay, pod, reason):
            return [Problem("the relay at \(relay) refused pod '\(pod)': \(reason)",
                            help: "whoever runs the relay imports the pod owner's key: 'bf user export --out OWNER.key' here, 'bf user import OWNER.key' there")]
        case let .replacedAtRelay(relay, pod):
            return [Problem("another 'bf pod serve' of '\(pod)' attached to the relay at \(relay) and replaced this one",
                            help: "serve each pod once; stop the other server, or this one")]
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
        case let .untrustedCertificate(_, authority): return "cannot be reached: " + Self.untrusted(authority)
        case let .certificateRefused(_, certificate): return "cannot be reached: " + Self.refused(certificate)
        case let .tlsHandshake(_, reason): return "cannot be reached: the TLS handshake failed: \(reason)"
        case let .tlsFile(path, reason): return "cannot use TLS file '\(path)': \(reason)"
        case let .cannotListen(address, reason): return "cannot listen on \(address): \(reason)"
        case let .notConnectedToRelay(_, relay): return "is not connected to the relay at \(relay)"
        case let .relayUnreachable(relay, reason): return "cannot reach the relay at \(relay): \(reason)"
        case let .relayRefused(relay, _, reason): return "the relay at \(relay) refused it: \(reason)"
        case let .replacedAtRelay(relay, _): return "another server of it attached to the relay at \(relay)"
        }
    }

    private static func untrusted(_ authority: String?) -> String {
        "the pod's certificate is not trusted: " + (authority.map { "the CA in '\($0)' did not sign it" } ?? "no CA of this machine signed it")
    }

    private static func refused(_ certificate: String?) -> String {
        certificate.map { "the pod does not accept this client's certificate '\($0)'" }
            ?? "the pod requires a client certificate, and none is given"
    }

    /// The metadata keys of a relay's answer to a call for a pod not attached to it: the pod
    /// the call named, and the relay.
    static let relayMissingPodKey = "bf-relay-missing-pod"
    static let relayKey = "bf-relay"

    /// Why a pod's attachment to `relay` failed, from the status the attachment ended with.
    static func relayFailure(_ error: RPCError, relay: String, pod: PodIdentifier, tls: TLSFiles?) -> TransportError {
        switch error.code {
        case .permissionDenied, .unauthenticated, .invalidArgument:
            return .relayRefused(relay: relay, pod: pod.description, reason: error.message)
        case .alreadyExists:
            return .replacedAtRelay(relay: relay, pod: pod.description)
        default:
            break
        }
        switch from(error, pod: relay, call: "Attach", deadline: .zero, tls: tls) {
        case let .untrustedCertificate(_, authority):
            return .relayUnreachable(relay: relay, reason: "the relay's certificate is not trusted: "
                                     + (authority.map { "the CA in '\($0)' did not sign it" } ?? "no CA of this machine signed it"))
        case let .certificateRefused(_, certificate):
            return .relayUnreachable(relay: relay, reason: certificate.map { "the relay does not accept this pod's certificate '\($0)'" }
                                     ?? "the relay requires a client certificate; give --tls-cert and --tls-key")
        case let .tlsHandshake(_, reason):
            return .relayUnreachable(relay: relay, reason: "the TLS handshake failed: \(reason)")
        case let .unreachable(_, reason):
            return .relayUnreachable(relay: relay, reason: reason.replacingOccurrences(of: "a pod served with TLS", with: "a relay with TLS")
                                     .replacingOccurrences(of: "add a tls section to federation.yaml", with: "give --tls-ca"))
        case let other:
            return .relayUnreachable(relay: relay, reason: other.reason)
        }
    }

    /// The metadata key of a failed call's status naming the column at which the pod's data
    /// does not fit the model (`PodDataMismatchReporting`).
    static let mismatchedColumnKey = "bf-mismatched-column"

    public var mismatchedColumn: String? {
        if case let .dataDoesNotFit(_, column, _) = self { return column }
        return nil
    }

    /// The error a failed call to `pod` means; `tls` is the TLS files the call was made with,
    /// nil for plaintext.
    static func from(_ error: RPCError, pod: String, call: String, deadline: Duration, tls: TLSFiles? = nil) -> TransportError {
        if let missing = error.metadata[stringValues: relayMissingPodKey].first(where: { _ in true }) {
            let relay = error.metadata[stringValues: relayKey].first(where: { _ in true }) ?? "?"
            return .notConnectedToRelay(pod: missing, relay: relay)
        }
        switch error.code {
        case .deadlineExceeded:
            return .deadlineExceeded(pod: pod, call: call, seconds: Int(deadline.components.seconds))
        case .unavailable:
            return connectionFailure(error, pod: pod, tls: tls)
        case .permissionDenied, .unauthenticated, .resourceExhausted:
            return .refused(pod: pod, reason: error.message)
        default:
            if let column = error.metadata[stringValues: mismatchedColumnKey].first(where: { _ in true }) {
                return .dataDoesNotFit(pod: pod, column: column, reason: error.message)
            }
            return .podError(pod: pod, reason: error.message)
        }
    }

    /// Why a connection to `pod` could not be made: a failed TLS handshake is told by its
    /// cause (the transport reports it only as a connection closed before HTTP/2 began),
    /// naming the certificate files involved.
    private static func connectionFailure(_ error: RPCError, pod: String, tls: TLSFiles?) -> TransportError {
        var causes: [String] = []
        var next: (any Error)? = error
        while let current = next, causes.count < 8 {
            if let status = current as? RPCError {
                causes.append(status.message)
                next = status.cause
            } else {
                causes.append(String(reflecting: current))
                next = nil
            }
        }
        let text = causes.joined(separator: "\n")
        let closedEarly = text.contains("HTTP/2 connection preface")
        guard let tls else {
            guard closedEarly else { return .unreachable(pod: pod, reason: reason(error.message)) }
            return .unreachable(pod: pod, reason: "the server closed the connection before HTTP/2 began (a pod served with TLS "
                                + "does this to a client without TLS: add a tls section to federation.yaml)")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("failedToValidateHostname") {
            return .untrustedCertificate(pod: pod, authority: tls.certificateAuthority)
        }
        if ["ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_REQUIRED", "ALERT_HANDSHAKE_FAILURE",
            "ALERT_CERTIFICATE_UNKNOWN", "ALERT_DECRYPT_ERROR"].contains(where: text.contains) {
            return .certificateRefused(pod: pod, certificate: tls.certificate)
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("handshakeFailed") {
            return .tlsHandshake(pod: pod, reason: text.contains("WRONG_VERSION_NUMBER")
                                 ? "the server does not speak TLS at this address" : "the pod closed it")
        }
        if closedEarly {
            return .tlsHandshake(pod: pod, reason: "the server closed the connection before HTTP/2 began")
        }
        return .unreachable(pod: pod, reason: reason(error.message))
    }

    /// gRPC's message without its note on the channel's state, which depends on timing (the
    /// same refused connection is reported with or without it) and gives the user nothing to
    /// act on.
    static func reason(_ message: String) -> String {
        let channelState = "Channel is in a transient failure state and 'wait for ready' isn't enabled."
        let rest = message.replacingOccurrences(of: channelState, with: "").trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? message : rest
    }
}
