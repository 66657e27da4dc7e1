import Crypto
import Foundation

/// The modeller's side of one dropout-tolerant secure round (SecAgg+; see `SecAggPlusPod`
/// for the pods' steps).
///
/// The modeller collects each step's messages until its deadline, then closes the step,
/// which fixes who is still in the round:
///
/// 1. `receive(_:)` advertisements, then `closeAdvertisements()`: the pods that advertised
///    (U1), whose advertisements go to every one of them.
/// 2. `receive(_:from:)` sealed shares, then `closeKeySharing()`: the pods whose shares
///    arrived (U2); each gets the shares its neighbours in U2 sealed for it. A pair of
///    neighbours is routed only when both sealed shares for the other, so the two agree on
///    whether they mask with each other.
/// 3. `receive(_:)` masked updates, then `closeMaskedInputs()`: the survivors (U3, whose
///    masked updates arrived) and the dropped (U2 minus U3); the request names both.
/// 4. `receive(_:)` unmasking answers, then `result()`: rebuilds each survivor's self-mask
///    seed and each dropped pod's masking key from `threshold` shares, checks them against
///    the advertisements, removes the self-masks and the dropped pods' pairwise masks from
///    the sum of masked updates, and returns the survivors' exact sum in Z_{2^64}.
///
/// It keeps only the running sum of masked updates, never an update on its own, and it
/// cannot open the sealed shares it routes. Signatures are checked by the pods, which
/// hold the identity keys; a pod that refuses a forged advertisement drops out.
public struct SecAggPlusServer: Sendable {
    /// Which messages the modeller is collecting; the raw value completes "it is …".
    public enum Phase: String, Sendable {
        case collectingAdvertisements = "collecting key advertisements"
        case collectingShares = "collecting sealed shares"
        case collectingMaskedInputs = "collecting masked inputs"
        case collectingUnmaskResponses = "collecting unmasking answers"
    }

    /// The round's settings.
    public let settings: SecAggPlusSettings
    /// The step the modeller has reached.
    public private(set) var phase: Phase = .collectingAdvertisements

    private var advertisements: [String: SecAggPlusKeyAdvertisement] = [:]
    private var sharesBySender: [String: [String: SecAggPlusEncryptedShares]] = [:]
    /// For each pod in U2, the neighbours it was routed shares from: the pods it masks
    /// with, and the pods whose shares it holds (besides its own).
    private var routedFrom: [String: Set<String>] = [:]
    private var sum: [UInt64]
    private var survivors: Set<String> = []
    private var request = SecAggPlusUnmaskRequest(survivors: [], dropped: [])
    private var responses: [String: SecAggPlusUnmaskResponse] = [:]

    /// Starts the modeller's part in the round of `settings`.
    public init(settings: SecAggPlusSettings) {
        self.settings = settings
        sum = [UInt64](repeating: 0, count: settings.context.maskedLength)
    }

    /// Step 1: takes a pod's key advertisement.
    ///
    /// Throws `SecAggPlusError` naming the pod when it is not a participant, advertised
    /// already, advertised for another round, or sent malformed keys.
    public mutating func receive(_ advertisement: SecAggPlusKeyAdvertisement) throws(SecAggPlusError) {
        try require(.collectingAdvertisements, toDo: "take a key advertisement")
        let pod = advertisement.pod
        guard settings.context.participants.contains(pod) else { throw .advertisementFromNonParticipant(pod: pod) }
        guard advertisements[pod] == nil else { throw .duplicateAdvertisement(pod: pod) }
        guard advertisement.settingsDigest == Data(settings.digest) else {
            throw .advertisementForAnotherRound(pod: pod, expectedContext: settings.context.summary)
        }
        guard advertisement.isWellFormed else { throw .malformedAdvertisement(pod: pod) }
        advertisements[pod] = advertisement
    }

    /// Ends step 1: the advertisements to relay to every pod that advertised.
    ///
    /// Throws `SecAggPlusError.tooFewSurvivors` when fewer than `threshold` pods advertised.
    public mutating func closeAdvertisements() throws(SecAggPlusError) -> [SecAggPlusKeyAdvertisement] {
        try require(.collectingAdvertisements, toDo: "close the key advertisements")
        try requireThreshold(remaining: Set(advertisements.keys))
        phase = .collectingShares
        return advertisements.keys.sorted().compactMap { advertisements[$0] }
    }

    /// Step 2: takes the sealed shares `pod` made for its neighbours.
    ///
    /// Throws `SecAggPlusError` when `pod` did not advertise or sent shares already, or a
    /// share is from another pod, for a pod that is not its advertised neighbour, or
    /// addressed twice.
    public mutating func receive(_ shares: [SecAggPlusEncryptedShares], from pod: String) throws(SecAggPlusError) {
        try require(.collectingShares, toDo: "take sealed shares")
        guard advertisements[pod] != nil else { throw .sharesWithoutAdvertisement(pod: pod) }
        guard sharesBySender[pod] == nil else { throw .duplicateShares(sender: pod, recipient: nil) }
        let neighbours = Set(settings.neighbours(of: pod))
        var byRecipient: [String: SecAggPlusEncryptedShares] = [:]
        for share in shares {
            guard share.sender == pod, neighbours.contains(share.recipient), advertisements[share.recipient] != nil else {
                throw .unexpectedShares(sender: share.sender, recipient: share.recipient)
            }
            guard byRecipient.updateValue(share, forKey: share.recipient) == nil else {
                throw .duplicateShares(sender: pod, recipient: share.recipient)
            }
        }
        sharesBySender[pod] = byRecipient
    }

    /// Ends step 2: for each pod whose shares arrived, the shares to relay to it.
    ///
    /// Throws `SecAggPlusError.tooFewSurvivors` when fewer than `threshold` pods shared keys.
    public mutating func closeKeySharing() throws(SecAggPlusError) -> [String: [SecAggPlusEncryptedShares]] {
        try require(.collectingShares, toDo: "close the key sharing")
        try requireThreshold(remaining: Set(sharesBySender.keys))
        var relay: [String: [SecAggPlusEncryptedShares]] = [:]
        for recipient in sharesBySender.keys.sorted() {
            var senders: Set<String> = []
            var shares: [SecAggPlusEncryptedShares] = []
            for sender in settings.neighbours(of: recipient) {
                guard let share = sharesBySender[sender]?[recipient],
                      sharesBySender[recipient]?[sender] != nil else { continue }
                senders.insert(sender)
                shares.append(share)
            }
            routedFrom[recipient] = senders
            relay[recipient] = shares
        }
        phase = .collectingMaskedInputs
        return relay
    }

    /// Step 3: adds a pod's masked update to the sum.
    ///
    /// Throws `SecureAggregationError` when the update is for another round, a second one,
    /// or of the wrong length, and `SecAggPlusError.maskedInputWithoutShares` when the pod's
    /// shares were not routed; a refused update leaves the sum unchanged.
    public mutating func receive(_ update: MaskedUpdate) throws {
        try require(.collectingMaskedInputs, toDo: "take a masked input")
        let pod = update.pod
        guard settings.context.participants.contains(pod) else {
            throw SecureAggregationError.maskedUpdateFromNonParticipant(pod: pod)
        }
        guard routedFrom[pod] != nil else { throw SecAggPlusError.maskedInputWithoutShares(pod: pod) }
        guard update.contextDigest == Data(settings.context.digest) else {
            throw SecureAggregationError.maskedUpdateForAnotherRound(pod: pod, expectedContext: settings.context.summary)
        }
        guard !survivors.contains(pod) else { throw SecureAggregationError.duplicateMaskedUpdate(pod: pod) }
        guard update.maskedElements.count == sum.count else {
            throw SecureAggregationError.maskedUpdateLengthMismatch(
                pod: pod, count: update.maskedElements.count, expected: sum.count)
        }
        sum.withUnsafeMutableBufferPointer { sum in
            update.maskedElements.withUnsafeBufferPointer { elements in
                for index in 0..<sum.count { sum[index] &+= elements[index] }
            }
        }
        survivors.insert(pod)
    }

    /// Ends step 3: the unmasking request to send every survivor.
    ///
    /// Throws `SecAggPlusError.tooFewSurvivors`, naming every pod that dropped, when fewer
    /// than `threshold` masked updates arrived.
    public mutating func closeMaskedInputs() throws(SecAggPlusError) -> SecAggPlusUnmaskRequest {
        try require(.collectingMaskedInputs, toDo: "close the masked inputs")
        try requireThreshold(remaining: survivors)
        request = SecAggPlusUnmaskRequest(
            survivors: survivors.sorted(), dropped: routedFrom.keys.filter { !survivors.contains($0) }.sorted())
        phase = .collectingUnmaskResponses
        return request
    }

    /// Step 4: takes a survivor's unmasking answer.
    ///
    /// Throws `SecAggPlusError.unexpectedUnmaskResponse` when the pod is not a survivor,
    /// answered already, or sent a share it cannot hold or was not asked for.
    public mutating func receive(_ response: SecAggPlusUnmaskResponse) throws(SecAggPlusError) {
        try require(.collectingUnmaskResponses, toDo: "take an unmasking answer")
        let pod = response.pod
        func refuse(_ reason: String) -> SecAggPlusError { .unexpectedUnmaskResponse(pod: pod, reason: reason) }
        guard survivors.contains(pod) else { throw refuse("the pod is not among the survivors") }
        guard responses[pod] == nil else { throw refuse("the pod answered already") }
        let holds = (routedFrom[pod] ?? []).union([pod])
        let point = settings.sharePoint(of: pod)
        for (owners, asked, secret) in [(response.selfMaskShares, request.survivors, "self-mask seed"),
                                        (response.maskingKeyShares, request.dropped, "masking key")] {
            for (owner, share) in owners {
                guard asked.contains(owner), holds.contains(owner) else {
                    throw refuse("it holds no \(secret) share of pod '\(owner)' that was asked for")
                }
                guard share.x == point else { throw refuse("its share of pod '\(owner)' is not at the pod's point") }
            }
        }
        responses[pod] = response
    }

    /// The survivors' exact sum, once enough answers are in.
    ///
    /// Throws `SecAggPlusError.tooFewShares`, naming the dropped pods, when fewer than
    /// `threshold` of some pod's holders answered, and `falseShares` when a rebuilt secret
    /// does not match its pod's advertisement.
    public func result() throws -> SecAggPlusResult {
        try require(.collectingUnmaskResponses, toDo: "unmask the sum")
        let gone = settings.context.participants.filter { responses[$0] == nil }
        var masks: [(mask: PairwiseMask, subtracting: Bool)] = []
        for survivor in request.survivors {
            let seed = try rebuild(.selfMaskSeed, of: survivor, shares: responses.values.compactMap { $0.selfMaskShares[survivor] },
                                   gone: gone)
            guard let advertisement = advertisements[survivor],
                  SecAggPlusKeyAdvertisement.commitment(to: seed, pod: survivor, settings: settings)
                    == advertisement.selfMaskCommitment
            else { throw SecAggPlusError.falseShares(owner: survivor, secret: .selfMaskSeed) }
            masks.append((PairwiseMask(selfMaskSeed: seed, pod: survivor, settings: settings), true))
        }
        for dropped in request.dropped {
            let bytes = try rebuild(.maskingKey, of: dropped, shares: responses.values.compactMap { $0.maskingKeyShares[dropped] },
                                    gone: gone)
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes),
                  key.publicKey.rawRepresentation == advertisements[dropped]?.maskingKey
            else { throw SecAggPlusError.falseShares(owner: dropped, secret: .maskingKey) }
            // Each surviving neighbour added this pair's mask if the dropped pod sorts after
            // it and subtracted it otherwise; undo exactly that.
            for survivor in request.survivors where routedFrom[survivor]?.contains(dropped) == true {
                guard let publicKey = advertisements[survivor]?.maskingKey else { continue }
                let secret = try SecAggPlusPod.agree(key, with: publicKey, peer: survivor)
                masks.append((PairwiseMask(sharedSecret: secret, context: settings.context, pod: dropped, peer: survivor),
                              dropped > survivor))
            }
        }
        var unmasked = sum
        try PairwiseMask.apply(masks, to: &unmasked, workers: ProcessInfo.processInfo.activeProcessorCount)
        return SecAggPlusResult(
            sum: unmasked, survivors: request.survivors,
            dropped: settings.context.participants.filter { !survivors.contains($0) })
    }

    /// The secret `shares` rebuild, or `tooFewShares` naming the pods that are `gone`.
    private func rebuild(
        _ secret: SecAggPlusError.Secret, of owner: String, shares: [ShamirShare], gone: [String]
    ) throws(SecAggPlusError) -> [UInt8] {
        guard shares.count >= settings.threshold else {
            throw .tooFewShares(owner: owner, secret: secret, answered: shares.count, threshold: settings.threshold,
                                dropped: gone)
        }
        do {
            return try ShamirSecretSharing.combine(shares, threshold: settings.threshold, secretByteCount: 32)
        } catch {
            throw .falseShares(owner: owner, secret: secret)
        }
    }

    /// Fails unless the modeller is at `expected`.
    private func require(_ expected: Phase, toDo step: String) throws(SecAggPlusError) {
        guard phase == expected else {
            throw .outOfOrder(party: "the modeller", step: step, phase: "been \(phase.rawValue)")
        }
    }

    /// Fails, naming every participant not in `remaining`, when fewer than `threshold` remain.
    private func requireThreshold(remaining: Set<String>) throws(SecAggPlusError) {
        guard remaining.count >= settings.threshold else {
            throw .tooFewSurvivors(
                context: settings.context.summary, remaining: remaining.count, threshold: settings.threshold,
                dropped: settings.context.participants.filter { !remaining.contains($0) })
        }
    }
}
