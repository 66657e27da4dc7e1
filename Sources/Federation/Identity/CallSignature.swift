import Crypto
import Foundation

/// A modeller's signature on one call to a pod served over the network: who calls, which
/// pod and method the call is for, when, a fresh nonce, and the SHA-256 of the request's
/// bytes. The server checks it before the pod sees the call, so a call from an unknown key,
/// with a bad signature, too old or too new, replayed, or meant for another pod is refused.
public struct CallSignature: Sendable, Equatable {
    /// The user the call claims to come from.
    public let user: String
    /// The pod the call is for, as the caller names it (`name` or `owner/name`).
    public let pod: String
    /// The call, e.g. `bf.pod.v1.Pod/Train`.
    public let method: String
    /// When it was signed, in milliseconds since 1970.
    public let timestamp: Int64
    /// 16 random bytes.
    public let nonce: Data
    /// SHA-256 of the request's messages.
    public let bodyDigest: Data
    /// Ed25519 over `signedBytes`.
    public let signature: Data

    /// A signature as received.
    public init(user: String, pod: String, method: String, timestamp: Int64, nonce: Data, bodyDigest: Data, signature: Data) {
        self.user = user
        self.pod = pod
        self.method = method
        self.timestamp = timestamp
        self.nonce = nonce
        self.bodyDigest = bodyDigest
        self.signature = signature
    }

    /// Signs a call to `method` of `pod` whose request digests to `bodyDigest`.
    public static func sign(method: String, pod: String, bodyDigest: Data, by identity: LocalIdentity,
                            at date: Date = Date()) throws(IdentityError) -> CallSignature {
        let nonce = NonceLedger.freshNonce()
        let unsigned = CallSignature(user: identity.name, pod: pod, method: method, timestamp: date.millisecondsSince1970,
                                     nonce: nonce, bodyDigest: bodyDigest, signature: Data())
        return CallSignature(user: unsigned.user, pod: pod, method: method, timestamp: unsigned.timestamp, nonce: nonce,
                             bodyDigest: bodyDigest, signature: try identity.sign(Data(unsigned.signedBytes)))
    }

    /// The canonical bytes the signature covers.
    public var signedBytes: [UInt8] {
        var bytes = CanonicalBytes(domain: "bf pod call v1")
        bytes.append(user)
        bytes.append(pod)
        bytes.append(method)
        bytes.append(UInt64(bitPattern: timestamp))
        bytes.append(bytes: nonce)
        bytes.append(bytes: bodyDigest)
        return bytes.bytes
    }
}

/// Why a server refused a call before its pod saw it.
public enum CallRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call carries no signature, or a malformed one.
    case unsigned(String)
    /// The hub of the pod knows no user of that name.
    case unknownUser(String)
    /// The signature does not match the user's key, or the request's bytes.
    case badSignature(String)
    /// The timestamp is too far from the server's clock.
    case stale(String)
    /// The nonce was seen before.
    case replayed(String)
    /// The call names another pod.
    case wrongPod(named: String, served: PodIdentifier)
    /// The server could not record the call's nonce, so it cannot tell a replay (the reason).
    case unrecorded(String)

    public var description: String {
        switch self {
        case let .unsigned(reason): return "the call is not signed: \(reason)"
        case let .unknownUser(user): return "the pod does not know user '\(user)'; the owner imports their key with 'bf pod grant … --key FILE'"
        case let .badSignature(user): return "the signature does not match the key of '\(user)' and the request"
        case let .stale(user): return "the call of '\(user)' was signed more than 5 minutes from the pod's clock"
        case let .replayed(user): return "the call of '\(user)' repeats an earlier call (its nonce was used before)"
        case let .wrongPod(named, served): return "the call is for pod '\(named)', but this server serves '\(served)'"
        case let .unrecorded(reason): return "the pod cannot record the call to refuse a replay of it: \(reason)"
        }
    }

    /// Checks `signature` for a call to `method` of `pod` whose request digests to
    /// `bodyDigest`, against the key `publicKey` the pod's hub holds for the caller (nil when
    /// it knows no such user), recording the nonce in `ledger`.
    public static func check(_ signature: CallSignature, method: String, pod: PodIdentifier, bodyDigest: Data,
                             publicKey: Data?, ledger: NonceLedger, now: Date = Date()) -> CallRefusal? {
        guard signature.pod == pod.description || signature.pod == pod.name else {
            return .wrongPod(named: signature.pod, served: pod)
        }
        guard let publicKey else { return .unknownUser(signature.user) }
        guard signature.method == method, signature.bodyDigest == bodyDigest,
              LocalIdentity.isValidSignature(signature.signature, of: Data(signature.signedBytes), publicKey: publicKey) else {
            return .badSignature(signature.user)
        }
        let nowMilliseconds = now.millisecondsSince1970
        guard Pod.isWithinClockSkew(signature.timestamp, of: nowMilliseconds) else { return .stale(signature.user) }
        do {
            guard try ledger.admit(signature.nonce, timestamp: signature.timestamp, now: nowMilliseconds) else {
                return .replayed(signature.user)
            }
        } catch let error as any FederationError {
            return .unrecorded(error.problems.first?.message ?? "the store failed")
        } catch {
            return .unrecorded("the store failed")
        }
        return nil
    }
}
