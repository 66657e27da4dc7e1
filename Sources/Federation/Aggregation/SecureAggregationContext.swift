import Crypto
import Foundation

/// Everything the pods of one secure-aggregation round must agree on, fixed by the
/// modeller before the round and bound into every key share's signature.
///
/// Because each pod signs its key share over this whole context (task, round, attempt,
/// the sorted participant list and the encoding parameters), a share cannot be replayed
/// into another round or attempt, and the modeller cannot tell two pods different
/// participant lists or encodings without the signatures failing.
///
/// ## Encoding
///
/// A pod with weight w (its sample count, or 1 under `equal` weighting) and delta x sends,
/// per element, `round(x · (w / W_max) · 2^f)` in Z_{2^64} (two's complement for negatives),
/// followed by one extra element holding w itself; masks are added on top. W_max is
/// `maximumSampleCount` (1 under `equal` weighting), so the multiplier w / W_max is at most
/// 1 and the largest encoded magnitude is `valueBound · 2^f`. The fixed-point precision f is
/// the largest integer with `n · valueBound · 2^f ≤ 2^62` for n participants, so the sum of
/// all pods can never overflow the ring whatever their weights. Decoding divides the sum by
/// 2^f and by Σw / W_max; the quantisation error of the decoded average is at most
/// `n · 2^-(f+1) · W_max / Σw` per element, about 2^-(f+1) when W_max is the largest pod's
/// row count (the modeller knows the row counts from the pods' schemas). With the default
/// bound 2^30 and 10 pods f is 28: an error near 2e-9, below Float precision for a
/// typical delta.
public struct SecureAggregationContext: Sendable, Codable, Hashable {
    /// The default bound on |delta element|: 2^30. Larger values mean training diverged;
    /// batch-norm running variances of unnormalised columns (around 5e7 for census incomes)
    /// still fit.
    public static let defaultValueBound: Float = 1_073_741_824
    /// The fewest fractional bits of fixed-point precision a round may use; below this the
    /// bound and pod count leave too little room in 64 bits and the round is refused.
    public static let minimumFractionalBits = 16

    /// The task this round belongs to.
    public let taskIdentifier: String
    /// The round number within the task (0-based).
    public let round: Int
    /// Which attempt at this round (0 first; a retry after a dropped pod uses the next
    /// attempt so that no mask is ever reused).
    public let attempt: Int
    /// The pods taking part, sorted and distinct (at least two).
    public let participants: [String]
    /// The length of every pod's flat delta.
    public let parameterCount: Int
    /// How pods are weighted inside the masked sum.
    public let weighting: AggregationWeighting
    /// The largest sample count any pod may report (ignored under `equal` weighting); the
    /// modeller sets it from the pods' row counts.
    public let maximumSampleCount: Int
    /// The bound on the magnitude of every delta element. A pod refuses to encode a value
    /// beyond it (an error naming the pod and the parameter) rather than clipping it:
    /// clipping would silently change the model, and a value this large means training
    /// diverged.
    public let valueBound: Float
    /// The fixed-point precision f: values are scaled by 2^f before rounding.
    public let fractionalBits: Int

    /// Makes a round's context, checking that the sum of all pods fits the 64-bit ring.
    ///
    /// Throws `SecureAggregationError` when there are fewer than two participants, an
    /// identifier is empty or repeated, a number is out of range, or the pod count and
    /// value bound leave fewer than `minimumFractionalBits` of precision.
    public init(
        taskIdentifier: String,
        round: Int,
        attempt: Int = 0,
        participants: [String],
        parameterCount: Int,
        weighting: AggregationWeighting = .sampleCount,
        maximumSampleCount: Int,
        valueBound: Float = SecureAggregationContext.defaultValueBound
    ) throws {
        guard !taskIdentifier.isEmpty else { throw SecureAggregationError.invalidContext("the task identifier is empty") }
        guard round >= 0 else { throw SecureAggregationError.invalidContext("round \(round) is negative") }
        guard attempt >= 0 else { throw SecureAggregationError.invalidContext("attempt \(attempt) is negative") }
        let sorted = participants.sorted()
        if let empty = sorted.first, empty.isEmpty {
            throw SecureAggregationError.invalidContext("a participating pod has an empty identifier")
        }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier == later {
            throw SecureAggregationError.invalidContext("pod '\(later)' is listed twice among the participants")
        }
        guard sorted.count >= 2 else {
            throw SecureAggregationError.tooFewParticipants(participants: sorted)
        }
        guard parameterCount >= 0, parameterCount < PairwiseMask.maximumLanes else {
            throw SecureAggregationError.invalidContext(
                "\(parameterCount) parameters cannot be masked; at most \(PairwiseMask.maximumLanes - 1) fit one mask stream")
        }
        guard maximumSampleCount >= 1 else {
            throw SecureAggregationError.invalidContext(
                "the maximum sample count is \(maximumSampleCount); it must be at least 1")
        }
        guard valueBound.isFinite, valueBound > 0 else {
            throw SecureAggregationError.invalidContext("the value bound \(valueBound) must be a positive finite number")
        }
        let maximumWeight = weighting == .equal ? 1 : maximumSampleCount
        let (weightSum, weightOverflow) = maximumWeight.multipliedReportingOverflow(by: sorted.count)
        guard !weightOverflow, weightSum <= 1 << 62 else {
            throw SecureAggregationError.ringOverflow(
                podCount: sorted.count, valueBound: valueBound, maximumSampleCount: maximumSampleCount,
                fractionalBits: nil)
        }
        let fractionalBits = Self.fractionalBits(podCount: sorted.count, valueBound: valueBound)
        guard fractionalBits >= Self.minimumFractionalBits else {
            throw SecureAggregationError.ringOverflow(
                podCount: sorted.count, valueBound: valueBound, maximumSampleCount: maximumSampleCount,
                fractionalBits: fractionalBits)
        }

        self.taskIdentifier = taskIdentifier
        self.round = round
        self.attempt = attempt
        self.participants = sorted
        self.parameterCount = parameterCount
        self.weighting = weighting
        self.maximumSampleCount = maximumSampleCount
        self.valueBound = valueBound
        self.fractionalBits = fractionalBits
    }

    /// Decodes a context, validating it and recomputing the precision as `init` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            taskIdentifier: try container.decode(String.self, forKey: .taskIdentifier),
            round: try container.decode(Int.self, forKey: .round),
            attempt: try container.decode(Int.self, forKey: .attempt),
            participants: try container.decode([String].self, forKey: .participants),
            parameterCount: try container.decode(Int.self, forKey: .parameterCount),
            weighting: try container.decode(AggregationWeighting.self, forKey: .weighting),
            maximumSampleCount: try container.decode(Int.self, forKey: .maximumSampleCount),
            valueBound: try container.decode(Float.self, forKey: .valueBound))
    }

    /// The weight W_max that pods' weights are divided by before encoding.
    var maximumWeight: Int { weighting == .equal ? 1 : maximumSampleCount }

    /// The length of a masked vector: the parameters plus the weight element.
    var maskedLength: Int { parameterCount + 1 }

    /// "task 't' round 3 attempt 0", for messages.
    public var summary: String {
        "task '\(taskIdentifier)' round \(round) attempt \(attempt)"
    }

    /// The canonical bytes of every field, which signatures and key derivation bind.
    var canonicalBytes: [UInt8] {
        var encoding = CanonicalBytes(domain: "bf secure aggregation context v1")
        encoding.append(taskIdentifier)
        encoding.append(round)
        encoding.append(attempt)
        encoding.append(participants.count)
        for participant in participants { encoding.append(participant) }
        encoding.append(parameterCount)
        encoding.append(weighting.rawValue)
        encoding.append(maximumSampleCount)
        encoding.append(UInt64(valueBound.bitPattern))
        encoding.append(fractionalBits)
        return encoding.bytes
    }

    /// SHA-256 of the canonical bytes: a short name for this exact round.
    var digest: [UInt8] {
        Array(SHA256.hash(data: canonicalBytes))
    }

    /// The largest f with `podCount · valueBound · 2^f ≤ 2^62`.
    static func fractionalBits(podCount: Int, valueBound: Float) -> Int {
        let magnitude = Double(podCount) * Double(valueBound)
        let limit = Double(sign: .plus, exponent: 62, significand: 1)
        var bits = Int((62 - log2(magnitude)).rounded(.down)) + 1
        while magnitude * Double(sign: .plus, exponent: bits, significand: 1) > limit {
            bits -= 1
        }
        return bits
    }
}
