import Crypto
import Foundation

/// A pod's side of one dropout-tolerant secure round (Bonawitz et al. 2017's SecAgg, with
/// Bell et al. 2020's sparse neighbour graph: SecAgg+, as Flower's `secaggplus` runs it).
///
/// The pod moves through four steps, each answering a message the modeller relays:
///
/// 1. **Advertise keys** (`init`): draw two X25519 key pairs, one to seal shares and one
///    for pairwise masks, and a 32-byte self-mask seed; sign both public keys and a
///    commitment to the seed (`advertisement`).
/// 2. **Share keys** (`shareKeys`): check the neighbours' advertisements, Shamir-share the
///    masking private key and the self-mask seed among the neighbours and itself (any
///    `threshold` rebuild each), and seal each neighbour's two shares to it.
/// 3. **Masked input** (`maskedInput`): open the shares sent to it, then send its
///    fixed-point update plus its self-mask plus a pairwise mask with each neighbour that
///    shared keys (added for a neighbour that sorts after it, subtracted for one before).
/// 4. **Unmask** (`unmask`): for each pod whose shares it holds, give the modeller the
///    self-mask seed share if that pod survived, or the masking key share if it dropped.
///
/// In the sum of the survivors' inputs the pairwise masks between survivors cancel; the
/// modeller removes the survivors' self-masks and the dropped pods' pairwise masks with the
/// secrets it rebuilds. It never learns a survivor's masking key (so no survivor's pairwise
/// masks) nor a dropped pod's self-mask seed, under the threshold rule of
/// `SecAggPlusSettings`: an honest pod never gives both shares of one pod, answers only
/// once, and refuses a request that calls it dropped after it sent its input.
///
/// Any refused step ends the pod's part in the round (`phase` becomes `aborted`). The
/// state is a value holding private keys: keep one copy and drop it after the round.
public struct SecAggPlusPod: Sendable {
    /// Where the pod is in the round; the raw value completes "the pod has …".
    public enum Phase: String, Sendable {
        case advertisedKeys = "advertised its keys"
        case sharedKeys = "shared its keys"
        case sentMaskedInput = "sent its masked input"
        case answeredUnmasking = "answered the unmasking request"
        case aborted = "left the round after a refusal"
    }

    /// The pod this state belongs to.
    public let pod: String
    /// The round's settings.
    public let settings: SecAggPlusSettings
    /// This pod's signed keys, to send to the modeller.
    public let advertisement: SecAggPlusKeyAdvertisement
    /// The step the pod has reached.
    public private(set) var phase: Phase = .advertisedKeys

    private let encryptionKey: Curve25519.KeyAgreement.PrivateKey
    private let maskingKey: Curve25519.KeyAgreement.PrivateKey
    private let selfMaskSeed: [UInt8]
    /// The verified advertisements of the neighbours that advertised keys.
    private var neighbourAdvertisements: [String: SecAggPlusKeyAdvertisement] = [:]
    /// The shares this pod holds, by the pod whose secrets they are: its own from step 2,
    /// the neighbours' from step 3.
    private var heldShares: [String: (selfMask: ShamirShare, maskingKey: ShamirShare)] = [:]

    /// Starts `pod`'s part in the round of `settings` with fresh keys, signing its
    /// advertisement with `identity`.
    ///
    /// Throws `SecAggPlusError.podNotParticipating` when the round does not list `pod`.
    public init(pod: String, identity: Curve25519.Signing.PrivateKey, settings: SecAggPlusSettings) throws {
        guard settings.context.participants.contains(pod) else {
            throw SecAggPlusError.podNotParticipating(pod: pod, context: settings.context.summary)
        }
        self.pod = pod
        self.settings = settings
        encryptionKey = Curve25519.KeyAgreement.PrivateKey()
        maskingKey = Curve25519.KeyAgreement.PrivateKey()
        selfMaskSeed = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        advertisement = try SecAggPlusKeyAdvertisement(
            pod: pod, settings: settings, encryptionKey: encryptionKey.publicKey, maskingKey: maskingKey.publicKey,
            selfMaskSeed: selfMaskSeed, identity: identity)
    }

    /// Step 2: checks the relayed advertisements and seals this pod's shares for each
    /// neighbour that advertised keys.
    ///
    /// - Parameters:
    ///   - advertisements: the advertisements the modeller relays (this pod's own may be
    ///     among them; non-neighbours' are checked only for being participants).
    ///   - identities: the known Ed25519 identity keys of the other participants.
    /// - Throws: `SecAggPlusError` naming the pod whose advertisement is duplicated, from a
    ///   non-participant, for another round, badly signed or malformed, or
    ///   `tooFewNeighbours` when fewer than `threshold` holders (itself included) remain.
    public mutating func shareKeys(
        advertisements: [SecAggPlusKeyAdvertisement], identities: [String: Curve25519.Signing.PublicKey]
    ) throws -> [SecAggPlusEncryptedShares] {
        try enter(.advertisedKeys, toDo: "share its keys")
        let participants = Set(settings.context.participants)
        var received: [String: SecAggPlusKeyAdvertisement] = [:]
        for advertisement in advertisements {
            guard participants.contains(advertisement.pod) else {
                throw SecAggPlusError.advertisementFromNonParticipant(pod: advertisement.pod)
            }
            guard received.updateValue(advertisement, forKey: advertisement.pod) == nil else {
                throw SecAggPlusError.duplicateAdvertisement(pod: advertisement.pod)
            }
        }
        if let own = received[pod], own != self.advertisement { throw SecAggPlusError.ownAdvertisementReplaced(pod: pod) }
        for neighbour in settings.neighbours(of: pod) {
            guard let advertisement = received[neighbour] else { continue }
            try check(advertisement, identities: identities)
            neighbourAdvertisements[neighbour] = advertisement
        }
        let holders = (Array(neighbourAdvertisements.keys) + [pod]).sorted()
        guard holders.count >= settings.threshold else {
            throw SecAggPlusError.tooFewNeighbours(
                pod: pod, step: "share its keys", remaining: holders.count, threshold: settings.threshold)
        }

        var generator = SystemRandomNumberGenerator()
        let points = holders.compactMap(settings.sharePoint(of:))
        let selfMaskShares = ShamirSecretSharing.split(
            selfMaskSeed, threshold: settings.threshold, points: points, using: &generator)
        let maskingKeyShares = ShamirSecretSharing.split(
            Array(maskingKey.rawRepresentation), threshold: settings.threshold, points: points, using: &generator)
        var sealed: [SecAggPlusEncryptedShares] = []
        for (holder, shares) in zip(holders, zip(selfMaskShares, maskingKeyShares)) {
            guard holder != pod else {
                heldShares[pod] = shares
                continue
            }
            let key = try sealingKey(sender: pod, recipient: holder)
            sealed.append(try SecAggPlusEncryptedShares(
                sender: pod, recipient: holder, selfMaskShare: shares.0, maskingKeyShare: shares.1,
                key: key, settings: settings))
        }
        phase = .sharedKeys
        return sealed
    }

    /// Step 3: opens the shares the modeller routed to this pod and masks its update with a
    /// self-mask and a pairwise mask for each neighbour whose shares arrived.
    ///
    /// - Parameters:
    ///   - delta: the pod's flat parameter delta, `parameterCount` long, within ±`valueBound`.
    ///   - sampleCount: the rows the pod trained on (1…`maximumSampleCount`).
    ///   - shares: the sealed shares addressed to this pod.
    /// - Throws: `SecAggPlusError` naming the sender of shares that are unexpected,
    ///   duplicated or do not open, `tooFewNeighbours`, or `SecureAggregationError` for
    ///   what is wrong with the update.
    public mutating func maskedInput(
        delta: [Float], sampleCount: Int, shares: [SecAggPlusEncryptedShares]
    ) throws -> MaskedUpdate {
        try enter(.sharedKeys, toDo: "mask its input")
        for share in shares {
            guard share.recipient == pod, share.sender != pod, neighbourAdvertisements[share.sender] != nil else {
                throw SecAggPlusError.unexpectedShares(sender: share.sender, recipient: share.recipient)
            }
            guard heldShares[share.sender] == nil else {
                throw SecAggPlusError.duplicateShares(sender: share.sender, recipient: pod)
            }
            guard let point = settings.sharePoint(of: pod),
                  let opened = share.open(key: try sealingKey(sender: share.sender, recipient: pod), point: point,
                                          settings: settings)
            else {
                throw SecAggPlusError.unreadableShares(sender: share.sender, recipient: pod)
            }
            heldShares[share.sender] = opened
        }
        guard heldShares.count >= settings.threshold else {
            throw SecAggPlusError.tooFewNeighbours(
                pod: pod, step: "mask its input", remaining: heldShares.count, threshold: settings.threshold)
        }

        var masks = [(mask: PairwiseMask(selfMaskSeed: selfMaskSeed, pod: pod, settings: settings), subtracting: false)]
        for peer in heldShares.keys.sorted() where peer != pod {
            guard let advertisement = neighbourAdvertisements[peer] else { continue }
            let secret = try Self.agree(maskingKey, with: advertisement.maskingKey, peer: peer)
            masks.append((PairwiseMask(sharedSecret: secret, context: settings.context, pod: pod, peer: peer), peer < pod))
        }
        let weight = settings.context.weighting.weight(forSampleCount: sampleCount)
        var elements = try FixedPointEncoding.encode(delta: delta, weight: weight, pod: pod, context: settings.context)
        try PairwiseMask.apply(masks, to: &elements)
        phase = .sentMaskedInput
        return MaskedUpdate(pod: pod, contextDigest: Data(settings.context.digest), maskedElements: elements)
    }

    /// Step 4: answers the modeller's unmasking request with, for each pod whose shares this
    /// pod holds, its self-mask seed share if it survived or its masking key share if it
    /// dropped.
    ///
    /// Throws `SecAggPlusError.unmaskRequestRefused` when the request names this pod as
    /// dropped, names a pod both survived and dropped, names a non-participant or a pod
    /// twice, has fewer survivors than the threshold, or leaves out a pod whose shares this
    /// pod holds; and `outOfOrder` for a second request.
    public mutating func unmask(_ request: SecAggPlusUnmaskRequest) throws -> SecAggPlusUnmaskResponse {
        try enter(.sentMaskedInput, toDo: "answer an unmasking request")
        func refuse(_ reason: String) -> SecAggPlusError { .unmaskRequestRefused(pod: pod, reason: reason) }
        let survivors = Set(request.survivors)
        let dropped = Set(request.dropped)
        guard !dropped.contains(pod) else {
            throw refuse("it names this pod as dropped, but this pod sent its masked input")
        }
        if let both = request.survivors.first(where: dropped.contains) {
            throw refuse("it asks for both shares of pod '\(both)', naming it survived and dropped")
        }
        let participants = Set(settings.context.participants)
        if let stranger = (request.survivors + request.dropped).first(where: { !participants.contains($0) }) {
            throw refuse("it names pod '\(stranger)', which is not a participant of the round")
        }
        guard survivors.count == request.survivors.count, dropped.count == request.dropped.count else {
            throw refuse("it names a pod twice")
        }
        guard survivors.contains(pod) else {
            throw refuse("it does not name this pod among the survivors, but this pod sent its masked input")
        }
        guard survivors.count >= settings.threshold else {
            throw refuse("it names \(survivors.count) survivors, fewer than the threshold \(settings.threshold)")
        }
        var selfMaskShares: [String: ShamirShare] = [:]
        var maskingKeyShares: [String: ShamirShare] = [:]
        for (owner, shares) in heldShares {
            if survivors.contains(owner) {
                selfMaskShares[owner] = shares.selfMask
            } else if dropped.contains(owner) {
                maskingKeyShares[owner] = shares.maskingKey
            } else {
                throw refuse("it does not say whether pod '\(owner)', whose shares this pod holds, survived")
            }
        }
        phase = .answeredUnmasking
        return SecAggPlusUnmaskResponse(pod: pod, selfMaskShares: selfMaskShares, maskingKeyShares: maskingKeyShares)
    }

    /// Checks that the pod is at `expected` and marks it aborted until the step succeeds, so
    /// a step that throws ends the pod's part in the round.
    private mutating func enter(_ expected: Phase, toDo step: String) throws {
        let current = phase
        phase = .aborted
        guard current == expected else {
            throw SecAggPlusError.outOfOrder(party: "pod '\(pod)'", step: step, phase: current.rawValue)
        }
    }

    /// Verifies a neighbour's advertisement: this round's settings, its identity's
    /// signature, well-formed keys.
    private func check(
        _ advertisement: SecAggPlusKeyAdvertisement, identities: [String: Curve25519.Signing.PublicKey]
    ) throws {
        let neighbour = advertisement.pod
        guard advertisement.settingsDigest == Data(settings.digest) else {
            throw SecAggPlusError.advertisementForAnotherRound(pod: neighbour, expectedContext: settings.context.summary)
        }
        guard let identity = identities[neighbour] else { throw SecAggPlusError.unknownPodIdentity(pod: neighbour) }
        guard advertisement.isSigned(by: identity) else {
            throw SecAggPlusError.invalidAdvertisementSignature(pod: neighbour)
        }
        guard advertisement.isWellFormed else { throw SecAggPlusError.malformedAdvertisement(pod: neighbour) }
    }

    /// The key that seals shares between this pod and a neighbour, in the given direction.
    private func sealingKey(sender: String, recipient: String) throws -> SymmetricKey {
        let peer = sender == pod ? recipient : sender
        guard let advertisement = neighbourAdvertisements[peer] else {
            throw SecAggPlusError.unexpectedShares(sender: sender, recipient: recipient)
        }
        let secret = try Self.agree(encryptionKey, with: advertisement.encryptionKey, peer: peer)
        return SecAggPlusEncryptedShares.key(sharedSecret: secret, sender: sender, recipient: recipient, settings: settings)
    }

    /// X25519 of `key` with `peer`'s raw public key, refusing the all-zero secret of a
    /// small-order key (RFC 7748 §6.1), whose mask or sealing key anyone could compute.
    static func agree(
        _ key: Curve25519.KeyAgreement.PrivateKey, with publicKey: Data, peer: String
    ) throws(SecAggPlusError) -> SharedSecret {
        guard let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey),
              let secret = try? key.sharedSecretFromKeyAgreement(with: publicKey),
              secret.withUnsafeBytes({ $0.contains { $0 != 0 } })
        else { throw .keyAgreementFailed(pod: peer) }
        return secret
    }
}
