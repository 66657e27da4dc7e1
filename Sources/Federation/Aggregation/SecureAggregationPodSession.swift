import Crypto
import Foundation

/// A pod's side of one secure-aggregation round.
///
/// The round runs in two exchanges, both relayed by the modeller:
///
/// 1. Each pod makes a session, which draws a fresh X25519 key pair for this round and
///    signs its public key with the pod's Ed25519 identity key; the pod sends `keyShare`.
/// 2. The modeller relays every participant's share to every pod. Each pod calls `mask`,
///    which verifies every other participant's share against that pod's known identity key,
///    derives one pairwise mask per peer, encodes its weighted delta in fixed point and adds
///    Σ_{j>i} mask_ij − Σ_{j<i} mask_ji (ordering pods by identifier), then sends the result.
///
/// The session holds the round's private key; it is never encoded and should be dropped
/// once the masked update is sent.
public struct SecureAggregationPodSession: Sendable {
    /// The pod this session belongs to.
    public let pod: String
    /// The round the session serves.
    public let context: SecureAggregationContext
    /// This pod's signed public key for the round, to send to the modeller.
    public let keyShare: SignedKeyShare
    private let agreementKey: Curve25519.KeyAgreement.PrivateKey

    /// Starts `pod`'s part in the round described by `context`, drawing a fresh key pair and
    /// signing its public key with `identity`.
    ///
    /// Throws `SecureAggregationError.podNotParticipating` when `context` does not list `pod`.
    public init(pod: String, identity: Curve25519.Signing.PrivateKey, context: SecureAggregationContext) throws {
        try self.init(pod: pod, identity: identity, context: context, agreementKey: .init())
    }

    /// Starts a session with a given agreement key (tests use fixed keys for determinism).
    init(
        pod: String,
        identity: Curve25519.Signing.PrivateKey,
        context: SecureAggregationContext,
        agreementKey: Curve25519.KeyAgreement.PrivateKey
    ) throws {
        guard context.participants.contains(pod) else {
            throw SecureAggregationError.podNotParticipating(pod: pod, context: context.summary)
        }
        self.pod = pod
        self.context = context
        self.agreementKey = agreementKey
        self.keyShare = try SignedKeyShare(
            pod: pod, context: context, agreementKey: agreementKey.publicKey, identity: identity)
    }

    /// Masks this pod's update for the round.
    ///
    /// - Parameters:
    ///   - delta: the pod's flat parameter delta, `context.parameterCount` long, each value
    ///     within ±`context.valueBound`.
    ///   - sampleCount: the rows the pod trained on (its weight under `sampleCount`
    ///     weighting; 1…`context.maximumSampleCount`).
    ///   - keyShares: every participant's key share as relayed by the modeller (this pod's
    ///     own share may be included).
    ///   - identities: the known Ed25519 identity public keys of the other participants.
    /// - Throws: `SecureAggregationError` naming the pod whose share is missing, duplicated,
    ///   for another round, badly signed or malformed, or describing what is wrong with this
    ///   pod's own update.
    public func mask(
        delta: [Float],
        sampleCount: Int,
        keyShares: [SignedKeyShare],
        identities: [String: Curve25519.Signing.PublicKey]
    ) throws -> MaskedUpdate {
        let peers = try pairwiseMasks(keyShares: keyShares, identities: identities)
        let weight = context.weighting.weight(forSampleCount: sampleCount)
        if context.weighting == .sampleCount,
           !(1...context.maximumSampleCount).contains(sampleCount) {
            throw SecureAggregationError.sampleCountOutOfRange(
                pod: pod, sampleCount: sampleCount, maximum: context.maximumSampleCount)
        }
        var elements = try FixedPointEncoding.encode(delta: delta, weight: weight, pod: pod, context: context)
        try PairwiseMask.apply(peers.map { ($0.mask, $0.subtracts) }, to: &elements)
        return MaskedUpdate(pod: pod, contextDigest: Data(context.digest), maskedElements: elements)
    }

    /// Verifies the relayed shares and derives this pod's mask with every other participant;
    /// `subtracts` is true for peers that sort before this pod.
    func pairwiseMasks(
        keyShares: [SignedKeyShare],
        identities: [String: Curve25519.Signing.PublicKey]
    ) throws -> [(peer: String, mask: PairwiseMask, subtracts: Bool)] {
        let participants = Set(context.participants)
        var shares: [String: SignedKeyShare] = [:]
        for share in keyShares {
            guard participants.contains(share.pod) else {
                throw SecureAggregationError.keyShareFromNonParticipant(pod: share.pod)
            }
            guard shares[share.pod] == nil else {
                throw SecureAggregationError.duplicateKeyShare(pod: share.pod)
            }
            shares[share.pod] = share
        }
        var masks: [(peer: String, mask: PairwiseMask, subtracts: Bool)] = []
        for peer in context.participants {
            if peer == pod {
                if let relayed = shares[peer], relayed != keyShare {
                    throw SecureAggregationError.ownKeyShareReplaced(pod: pod)
                }
                continue
            }
            guard let share = shares[peer] else { throw SecureAggregationError.missingKeyShare(pod: peer) }
            guard share.context == context else {
                let made = share.context.summary == context.summary
                    ? "\(share.context.summary) with other participants or settings" : share.context.summary
                throw SecureAggregationError.keyShareForAnotherRound(
                    pod: peer, shareContext: made, expectedContext: context.summary)
            }
            guard let identity = identities[peer] else { throw SecureAggregationError.unknownPodIdentity(pod: peer) }
            guard share.isSigned(by: identity) else { throw SecureAggregationError.invalidKeyShareSignature(pod: peer) }
            guard let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: share.publicKey) else {
                throw SecureAggregationError.malformedKeyShare(pod: peer)
            }
            // A small-order public key gives the all-zero secret, whose mask anyone could
            // compute (RFC 7748 §6.1); swift-crypto does not refuse it, so this check does.
            guard let secret = try? agreementKey.sharedSecretFromKeyAgreement(with: publicKey),
                  secret.withUnsafeBytes({ $0.contains { $0 != 0 } })
            else {
                throw SecureAggregationError.keyAgreementFailed(pod: peer)
            }
            masks.append((peer, PairwiseMask(sharedSecret: secret, context: context, pod: pod, peer: peer), peer < pod))
        }
        return masks
    }
}
