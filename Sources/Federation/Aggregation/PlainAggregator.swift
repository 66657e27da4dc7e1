/// Averages the pods' updates in the clear: the modeller sees every pod's delta.
///
/// The sums are taken in `Double` so that the average of many pods does not lose the
/// low bits of small deltas; the result is rounded to `Float` once.
public struct PlainAggregator: Sendable, Equatable {
    /// How pods are weighted in the average.
    public var weighting: AggregationWeighting

    /// Makes an aggregator weighting pods by `weighting` (by sample count unless told otherwise).
    public init(weighting: AggregationWeighting = .sampleCount) {
        self.weighting = weighting
    }

    /// The weighted average of `updates`.
    ///
    /// Throws `AggregationError` when there are no updates, a pod appears twice, the
    /// lengths differ, a value is not finite, a sample count is negative, or the weights
    /// sum to zero; each error names the pod at fault.
    public func aggregate(_ updates: [ParameterUpdate]) throws -> AggregatedUpdate {
        guard let first = updates.first else { throw AggregationError.noUpdates }
        var seen = Set<String>()
        var totalWeight = 0
        for update in updates {
            guard seen.insert(update.pod).inserted else {
                throw AggregationError.duplicateUpdate(pod: update.pod)
            }
            guard update.delta.count == first.delta.count else {
                throw AggregationError.lengthMismatch(
                    pod: update.pod, count: update.delta.count, expected: first.delta.count, firstPod: first.pod)
            }
            guard update.sampleCount >= 0 else {
                throw AggregationError.negativeSampleCount(pod: update.pod, sampleCount: update.sampleCount)
            }
            if let index = update.delta.firstIndex(where: { !$0.isFinite }) {
                throw AggregationError.nonFiniteValue(pod: update.pod, index: index)
            }
            totalWeight += weighting.weight(forSampleCount: update.sampleCount)
        }
        guard totalWeight > 0 else { throw AggregationError.zeroTotalWeight(pods: updates.map(\.pod)) }

        var sum = [Double](repeating: 0, count: first.delta.count)
        sum.withUnsafeMutableBufferPointer { sum in
            for update in updates {
                let weight = Double(weighting.weight(forSampleCount: update.sampleCount))
                guard weight > 0 else { continue }
                update.delta.withUnsafeBufferPointer { delta in
                    for index in 0..<delta.count {
                        sum[index] += weight * Double(delta[index])
                    }
                }
            }
        }
        let divisor = Double(totalWeight)
        let average = sum.map { Float($0 / divisor) }
        return AggregatedUpdate(delta: average, totalWeight: totalWeight, podCount: updates.count)
    }
}
