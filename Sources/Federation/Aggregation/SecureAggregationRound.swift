import Foundation

/// The modeller's side of one secure-aggregation round: it adds up masked updates and,
/// once every participant's has arrived, decodes the weighted average.
///
/// By construction the modeller never holds an individual unmasked update: this type
/// accepts only `MaskedUpdate` values, keeps nothing of them but a running sum in
/// Z_{2^64} (the pairwise masks cancel only in the sum over all participants), and its only
/// output is the decoded average of everyone.
public struct SecureAggregationRound: Sendable {
    /// The round being aggregated.
    public let context: SecureAggregationContext
    private var sum: [UInt64]
    private var received: Set<String> = []

    /// Starts aggregating the round described by `context`.
    public init(context: SecureAggregationContext) {
        self.context = context
        self.sum = [UInt64](repeating: 0, count: context.maskedLength)
    }

    /// The participants whose masked updates have arrived, sorted.
    public var receivedPods: [String] { context.participants.filter(received.contains) }

    /// The participants whose masked updates are still missing, sorted.
    public var missingPods: [String] { context.participants.filter { !received.contains($0) } }

    /// Adds `update` to the round's sum.
    ///
    /// Throws `SecureAggregationError` naming the pod when the update is from a
    /// non-participant, for another round, a second one from the same pod, or of the wrong
    /// length; a refused update leaves the sum unchanged.
    public mutating func add(_ update: MaskedUpdate) throws {
        guard context.participants.contains(update.pod) else {
            throw SecureAggregationError.maskedUpdateFromNonParticipant(pod: update.pod)
        }
        guard update.contextDigest == Data(context.digest) else {
            throw SecureAggregationError.maskedUpdateForAnotherRound(pod: update.pod, expectedContext: context.summary)
        }
        guard !received.contains(update.pod) else {
            throw SecureAggregationError.duplicateMaskedUpdate(pod: update.pod)
        }
        guard update.maskedElements.count == sum.count else {
            throw SecureAggregationError.maskedUpdateLengthMismatch(
                pod: update.pod, count: update.maskedElements.count, expected: sum.count)
        }
        sum.withUnsafeMutableBufferPointer { sum in
            update.maskedElements.withUnsafeBufferPointer { elements in
                for index in 0..<sum.count {
                    sum[index] &+= elements[index]
                }
            }
        }
        received.insert(update.pod)
    }

    /// The weighted average delta of all participants.
    ///
    /// Throws `SecureAggregationError.podsDropped` naming every participant whose update
    /// has not arrived (the masks cannot cancel; the round must be retried without them, as
    /// a new attempt), and `inconsistentTotalWeight` when the unmasked weight is impossible.
    public func average() throws -> AggregatedUpdate {
        let missing = missingPods
        guard missing.isEmpty else {
            throw SecureAggregationError.podsDropped(pods: missing, context: context.summary)
        }
        return try FixedPointEncoding.decode(sum: sum, context: context)
    }

    /// Aggregates a whole round at once: adds every update, then averages.
    public static func average(of updates: [MaskedUpdate], context: SecureAggregationContext) throws -> AggregatedUpdate {
        var round = SecureAggregationRound(context: context)
        for update in updates { try round.add(update) }
        return try round.average()
    }
}
