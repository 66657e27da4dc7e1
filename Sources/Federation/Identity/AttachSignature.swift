import Foundation

/// A pod's signed request to attach to a relay (`bf pod serve POD --connect bf://RELAY`): the
/// pod, the relay it dialled, when, and a fresh nonce, signed with the key of the pod's owner.
/// The relay checks it against the key its hub holds for the owner, so only the owner of a
/// pod can receive the calls modellers send to that pod through the relay.
public struct AttachSignature: Sendable, Equatable {
    /// The pod that attaches.
    public let pod: PodIdentifier
    /// The relay the pod dialled, `bf://HOST:PORT`.
    public let relay: String
    /// When it was signed, in milliseconds since 1970.
    public let timestamp: Int64
    /// 16 random bytes.
    public let nonce: Data
    /// Ed25519 over `signedBytes`, by the pod owner's key.
    public let signature: Data

    /// A signature as received.
    public init(pod: PodIdentifier, relay: String, timestamp: Int64, nonce: Data, signature: Data) {
        self.pod = pod
        self.relay = relay
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }

    /// Signs the attachment of `pod` to `relay` by its owner `identity`.
    public static func sign(pod: PodIdentifier, relay: String, by identity: LocalIdentity,
                            at date: Date = Date()) throws(IdentityError) -> AttachSignature {
        let unsigned = AttachSignature(pod: pod, relay: relay, timestamp: date.millisecondsSince1970,
                                       nonce: NonceLedger.freshNonce(), signature: Data())
        return AttachSignature(pod: pod, relay: relay, timestamp: unsigned.timestamp, nonce: unsigned.nonce,
                               signature: try identity.sign(Data(unsigned.signedBytes)))
    }

    /// The canonical bytes the signature covers.
    public var signedBytes: [UInt8] {
        var bytes = CanonicalBytes(domain: "bf pod attach v1")
        bytes.append(pod.description)
        bytes.append(relay)
        bytes.append(UInt64(bitPattern: timestamp))
        bytes.append(bytes: nonce)
        return bytes.bytes
    }

    /// Why a relay refuses this attachment, or nil when it holds: the owner's key as the
    /// relay's hub holds it (nil when it knows no such user), whether `relay` names this relay,
    /// the clock, and the nonce, recorded in `ledger`.
    public func refusal(ownerKey: Data?, namesThisRelay: Bool, ledger: NonceLedger, now: Date = Date()) -> AttachRefusal? {
        guard let ownerKey else { return .unknownOwner(pod) }
        guard nonce.count == 16,
              LocalIdentity.isValidSignature(signature, of: Data(signedBytes), publicKey: ownerKey) else {
            return .badSignature(pod)
        }
        guard namesThisRelay else { return .otherRelay(pod, relay: relay) }
        let nowMilliseconds = now.millisecondsSince1970
        guard Pod.isWithinClockSkew(timestamp, of: nowMilliseconds) else { return .stale(pod) }
        do {
            guard try ledger.admit(nonce, timestamp: timestamp, now: nowMilliseconds) else { return .replayed(pod) }
        } catch {
            return .unrecorded(pod)
        }
        return nil
    }
}

/// Why a relay refused a pod's attachment.
public enum AttachRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The relay's hub knows no key for the pod's owner.
    case unknownOwner(PodIdentifier)
    /// The hello is not signed by the key the relay's hub holds for the owner.
    case badSignature(PodIdentifier)
    /// The hello was made for another relay.
    case otherRelay(PodIdentifier, relay: String)
    /// The hello's time is more than the allowed skew from the relay's clock.
    case stale(PodIdentifier)
    /// The hello's nonce was seen before.
    case replayed(PodIdentifier)
    /// The relay could not record the nonce.
    case unrecorded(PodIdentifier)

    public var description: String {
        switch self {
        case let .unknownOwner(pod):
            return "the relay does not know '\(pod.owner)', the owner of '\(pod)'; whoever runs the relay imports "
                + "their key with 'bf user import \(pod.owner).key' ('bf user export' writes it)"
        case let .badSignature(pod):
            return "the attachment of '\(pod)' is not signed by the key the relay holds for '\(pod.owner)'"
        case let .otherRelay(pod, relay):
            return "the attachment of '\(pod)' was signed for the relay at \(relay), not this one"
        case let .stale(pod):
            return "the attachment of '\(pod)' was signed more than 5 minutes from the relay's clock"
        case let .replayed(pod):
            return "the attachment of '\(pod)' repeats an earlier one (its nonce was used before)"
        case let .unrecorded(pod):
            return "the relay cannot record the attachment of '\(pod)' to refuse a replay of it"
        }
    }
}

extension Hub {
    /// The ledger of the nonces of pods' attachments that a relay run from this hub accepted.
    public func attachLedger() -> NonceLedger {
        NonceLedger(store: store, scope: "relay attach")
    }
}
