/// Why a dropout-tolerant secure round (SecAgg+) could not proceed, on a pod or at the
/// modeller.
///
/// Problems with the round's encoding or with a pod's own update are
/// `SecureAggregationError`s, shared with the scheme that tolerates no dropouts; these are
/// the protocol's own. Each message is lower case, names the pod at fault and says what to do.
public enum SecAggPlusError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which of a pod's two secrets a message is about.
    public enum Secret: String, Sendable {
        /// b_u: the seed of the pod's self-mask.
        case selfMaskSeed = "self-mask seed"
        /// s_u: the X25519 private key its pairwise masks come from.
        case maskingKey = "masking key"
    }

    /// The threshold, neighbour count or graph seed is unusable; the text says which.
    case invalidSettings(String)
    /// A pod was asked to take part in a round that does not list it.
    case podNotParticipating(pod: String, context: String)
    /// `party` was asked to `step` while it was `phase`: messages came out of order.
    case outOfOrder(party: String, step: String, phase: String)
    /// A key advertisement came from a pod that is not a participant.
    case advertisementFromNonParticipant(pod: String)
    /// Two key advertisements claim the same pod.
    case duplicateAdvertisement(pod: String)
    /// A key advertisement was made for another round or other settings.
    case advertisementForAnotherRound(pod: String, expectedContext: String)
    /// No identity public key is known for a pod, so its advertisement cannot be checked.
    case unknownPodIdentity(pod: String)
    /// A key advertisement's signature does not verify against the pod's identity key.
    case invalidAdvertisementSignature(pod: String)
    /// A key advertisement does not hold valid 32-byte X25519 keys and commitment.
    case malformedAdvertisement(pod: String)
    /// The modeller relayed an advertisement for this pod that the pod did not make.
    case ownAdvertisementReplaced(pod: String)
    /// Key agreement with a pod gave the all-zero secret (a small-order public key).
    case keyAgreementFailed(pod: String)
    /// Fewer than the threshold of a pod's share holders (itself included) are left, so
    /// its secrets could not be rebuilt and the round cannot finish.
    case tooFewNeighbours(pod: String, step: String, remaining: Int, threshold: Int)
    /// Sealed shares that should not exist: from a pod that is not the sender's neighbour,
    /// or addressed to another pod.
    case unexpectedShares(sender: String, recipient: String)
    /// Sealed shares arrived from a pod that did not advertise keys in time.
    case sharesWithoutAdvertisement(pod: String)
    /// Two sets of sealed shares from the same sender to the same recipient (nil: two
    /// batches from the sender).
    case duplicateShares(sender: String, recipient: String?)
    /// Sealed shares that do not open (altered, or sealed for another round) or that hold
    /// malformed shares.
    case unreadableShares(sender: String, recipient: String)
    /// A pod refused the modeller's unmasking request; the reason says why.
    case unmaskRequestRefused(pod: String, reason: String)
    /// A masked update came from a pod whose key shares the modeller never received, so
    /// its masks could not be removed.
    case maskedInputWithoutShares(pod: String)
    /// Fewer pods than the threshold are left at the modeller.
    case tooFewSurvivors(context: String, remaining: Int, threshold: Int, dropped: [String])
    /// An unmasking answer the modeller cannot use; the reason says why.
    case unexpectedUnmaskResponse(pod: String, reason: String)
    /// Too few share holders answered to rebuild one of a pod's secrets.
    case tooFewShares(owner: String, secret: Secret, answered: Int, threshold: Int, dropped: [String])
    /// The answered shares rebuild a secret that does not match what its pod advertised:
    /// a holder sent a false share.
    case falseShares(owner: String, secret: Secret)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case let .invalidSettings(reason):
            "invalid secure aggregation settings: \(reason)"
        case let .podNotParticipating(pod, context):
            "pod '\(pod)' is not a participant of \(context); the modeller must list it before asking it to mask"
        case let .outOfOrder(party, step, phase):
            "\(party) cannot \(step) now: it has \(phase); the round's messages came out of order, retry the round"
        case let .advertisementFromNonParticipant(pod):
            "a key advertisement arrived from pod '\(pod)', which is not a participant of this round; refused"
        case let .duplicateAdvertisement(pod):
            "two key advertisements claim to come from pod '\(pod)'; refused, retry the round"
        case let .advertisementForAnotherRound(pod, expectedContext):
            "key advertisement from pod '\(pod)' was made for another round or other settings than "
                + "\(expectedContext); refused as a replayed or misrouted advertisement"
        case let .unknownPodIdentity(pod):
            "no identity key is known for pod '\(pod)', so its key advertisement cannot be verified; "
                + "register the pod's public key first"
        case let .invalidAdvertisementSignature(pod):
            "key advertisement from pod '\(pod)' has a signature that does not match the pod's identity key; "
                + "refused, the advertisement was forged or altered"
        case let .malformedAdvertisement(pod):
            "key advertisement from pod '\(pod)' does not hold two valid 32-byte x25519 public keys "
                + "and a 32-byte commitment; refused"
        case let .ownAdvertisementReplaced(pod):
            "the modeller relayed a key advertisement for pod '\(pod)' that the pod did not make; refused"
        case let .keyAgreementFailed(pod):
            "key agreement with pod '\(pod)' failed (degenerate public key); refused, retry the round"
        case let .tooFewNeighbours(pod, step, remaining, threshold):
            "pod '\(pod)' cannot \(step): only \(remaining) of its share holders remain (itself included), "
                + "fewer than the threshold \(threshold); retry the round with more pods or a lower threshold"
        case let .unexpectedShares(sender, recipient):
            "sealed shares from pod '\(sender)' for pod '\(recipient)' were not expected (not neighbours in this "
                + "round, or misrouted); refused"
        case let .sharesWithoutAdvertisement(pod):
            "sealed shares arrived from pod '\(pod)', which did not advertise keys in time; refused"
        case let .duplicateShares(sender, recipient?):
            "two sets of sealed shares from pod '\(sender)' for pod '\(recipient)'; refused, retry the round"
        case let .duplicateShares(sender, nil):
            "pod '\(sender)' sent its sealed shares twice; refused, retry the round"
        case let .unreadableShares(sender, recipient):
            "the sealed shares from pod '\(sender)' for pod '\(recipient)' do not open; they were altered or "
                + "sealed for another round, refused"
        case let .unmaskRequestRefused(pod, reason):
            "pod '\(pod)' refused the unmasking request: \(reason)"
        case let .maskedInputWithoutShares(pod):
            "a masked update arrived from pod '\(pod)', whose key shares never arrived; refused, "
                + "its masks could not be removed"
        case let .tooFewSurvivors(context, remaining, threshold, dropped):
            "secure aggregation of \(context) cannot finish: only \(remaining) pods remain, fewer than the "
                + "threshold \(threshold); dropped: \(Self.list(dropped)); retry the round without them"
        case let .unexpectedUnmaskResponse(pod, reason):
            "the unmasking answer of pod '\(pod)' was refused: \(reason)"
        case let .tooFewShares(owner, secret, answered, threshold, dropped):
            "the \(secret.rawValue) of pod '\(owner)' cannot be rebuilt: \(answered) of its share holders answered, "
                + "\(threshold) needed; dropped: \(Self.list(dropped))"
        case let .falseShares(owner, secret):
            "the shares of pod '\(owner)''s \(secret.rawValue) rebuild a secret it never advertised; a share holder "
                + "sent a false share, retry the round"
        }
    }

    private static func list(_ pods: [String]) -> String {
        let quoted = pods.map { "pod '\($0)'" }
        switch quoted.count {
        case 0: return "no pods"
        case 1: return quoted[0]
        default: return quoted.dropLast().joined(separator: ", ") + " and " + (quoted.last ?? "")
        }
    }
}
