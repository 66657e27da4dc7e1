/// Why a secure-aggregation round could not proceed, on a pod or at the modeller.
///
/// Each message is lower case, names the pod at fault and says what to do.
public enum SecureAggregationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The round's settings are malformed; the text says which.
    case invalidContext(String)
    /// Fewer than two pods: a masked sum of one pod is that pod's update.
    case tooFewParticipants(participants: [String])
    /// The pods' sum could overflow the 64-bit ring (`fractionalBits` is nil when the
    /// weights alone overflow).
    case ringOverflow(podCount: Int, valueBound: Float, maximumSampleCount: Int, fractionalBits: Int?)
    /// A pod was asked to take part in a round that does not list it.
    case podNotParticipating(pod: String, context: String)
    /// A key share arrived from a pod that is not a participant.
    case keyShareFromNonParticipant(pod: String)
    /// Two key shares claim the same pod.
    case duplicateKeyShare(pod: String)
    /// A participant's key share was not relayed.
    case missingKeyShare(pod: String)
    /// A key share was made for another task, round or attempt (replayed or misrouted).
    case keyShareForAnotherRound(pod: String, shareContext: String, expectedContext: String)
    /// No identity public key is known for a pod, so its share cannot be checked.
    case unknownPodIdentity(pod: String)
    /// A key share's signature does not verify against the pod's identity key.
    case invalidKeyShareSignature(pod: String)
    /// A key share's public key is not a valid X25519 key.
    case malformedKeyShare(pod: String)
    /// The modeller relayed a key share for this pod that this pod did not make.
    case ownKeyShareReplaced(pod: String)
    /// Key agreement with a pod failed (a degenerate public key).
    case keyAgreementFailed(pod: String)
    /// A pod's delta has the wrong length for the round.
    case updateLengthMismatch(pod: String, count: Int, expected: Int)
    /// A pod's delta holds NaN or an infinity.
    case nonFiniteValue(pod: String, index: Int)
    /// A pod's delta exceeds the round's value bound.
    case valueOutOfBound(pod: String, index: Int, value: Float, bound: Float)
    /// A pod's sample count is outside 1…maximumSampleCount.
    case sampleCountOutOfRange(pod: String, sampleCount: Int, maximum: Int)
    /// A masked update came from a pod that is not a participant.
    case maskedUpdateFromNonParticipant(pod: String)
    /// A masked update was made for another round.
    case maskedUpdateForAnotherRound(pod: String, expectedContext: String)
    /// Two masked updates came from the same pod.
    case duplicateMaskedUpdate(pod: String)
    /// A masked update has the wrong length.
    case maskedUpdateLengthMismatch(pod: String, count: Int, expected: Int)
    /// The masked bytes on the wire are not a whole number of 64-bit elements.
    case malformedMaskedUpdate(pod: String, byteCount: Int)
    /// Some pods' masked updates never arrived, so the masks cannot cancel.
    case podsDropped(pods: [String], context: String)
    /// The unmasked total weight is outside what the pods could have sent: a pod or the
    /// relay tampered with the masked vectors.
    case inconsistentTotalWeight(totalWeight: UInt64, context: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case let .invalidContext(reason):
            "invalid secure aggregation round: \(reason)"
        case let .tooFewParticipants(participants):
            "secure aggregation needs at least two pods but got \(Self.list(participants)); "
                + "add pods or use plain aggregation"
        case let .ringOverflow(podCount, valueBound, maximumSampleCount, fractionalBits?):
            "the sum of \(podCount) pods with values up to \(valueBound) leaves only \(fractionalBits) fractional bits "
                + "in the 64-bit ring (at least \(SecureAggregationContext.minimumFractionalBits) needed, "
                + "maximum sample count \(maximumSampleCount)); lower the value bound or aggregate fewer pods"
        case let .ringOverflow(podCount, _, maximumSampleCount, nil):
            "the sample counts of \(podCount) pods of up to \(maximumSampleCount) rows could overflow the 64-bit ring; "
                + "lower the maximum sample count"
        case let .podNotParticipating(pod, context):
            "pod '\(pod)' is not a participant of \(context); the modeller must list it before asking it to mask"
        case let .keyShareFromNonParticipant(pod):
            "a key share arrived from pod '\(pod)', which is not a participant of this round; refused"
        case let .duplicateKeyShare(pod):
            "two key shares claim to come from pod '\(pod)'; refused, retry the round"
        case let .missingKeyShare(pod):
            "no key share from pod '\(pod)' was relayed; masks cannot be agreed, retry the round with every share"
        case let .keyShareForAnotherRound(pod, shareContext, expectedContext):
            "key share from pod '\(pod)' was made for \(shareContext), not \(expectedContext); "
                + "refused as a replayed or misrouted share"
        case let .unknownPodIdentity(pod):
            "no identity key is known for pod '\(pod)', so its key share cannot be verified; "
                + "register the pod's public key first"
        case let .invalidKeyShareSignature(pod):
            "key share from pod '\(pod)' has a signature that does not match the pod's identity key; "
                + "refused, the share was forged or altered"
        case let .malformedKeyShare(pod):
            "key share from pod '\(pod)' does not hold a valid 32-byte x25519 public key; refused"
        case let .ownKeyShareReplaced(pod):
            "the modeller relayed a key share for pod '\(pod)' that the pod did not make; refused"
        case let .keyAgreementFailed(pod):
            "key agreement with pod '\(pod)' failed (degenerate public key); refused, retry the round"
        case let .updateLengthMismatch(pod, count, expected):
            "update from pod '\(pod)' has \(count) parameters but the round expects \(expected); "
                + "every pod must train the same model"
        case let .nonFiniteValue(pod, index):
            "update from pod '\(pod)' holds a non-finite value at parameter \(index); "
                + "training diverged on that pod, lower the learning rate and retry"
        case let .valueOutOfBound(pod, index, value, bound):
            "update from pod '\(pod)' has \(value) at parameter \(index), beyond the secure aggregation bound "
                + "±\(bound); training diverged, or raise the value bound"
        case let .sampleCountOutOfRange(pod, sampleCount, maximum):
            "pod '\(pod)' trained on \(sampleCount) samples but the round allows 1 to \(maximum); "
                + "the modeller must declare a maximum sample count covering every pod"
        case let .maskedUpdateFromNonParticipant(pod):
            "a masked update arrived from pod '\(pod)', which is not a participant of this round; refused"
        case let .maskedUpdateForAnotherRound(pod, expectedContext):
            "masked update from pod '\(pod)' was made for another round than \(expectedContext); refused"
        case let .duplicateMaskedUpdate(pod):
            "two masked updates arrived from pod '\(pod)'; refused, retry the round"
        case let .maskedUpdateLengthMismatch(pod, count, expected):
            "masked update from pod '\(pod)' has \(count) elements but the round expects \(expected); refused"
        case let .malformedMaskedUpdate(pod, byteCount):
            "masked update from pod '\(pod)' has \(byteCount) bytes, not a whole number of 8-byte elements; refused"
        case let .podsDropped(pods, context):
            "secure aggregation of \(context) cannot finish: no masked update from \(Self.list(pods)); "
                + "the pairwise masks cannot cancel without them, retry the round without \(Self.list(pods))"
        case let .inconsistentTotalWeight(totalWeight, context):
            "the unmasked total weight \(totalWeight) of \(context) is impossible for its pods; "
                + "a masked update was altered, retry the round"
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
