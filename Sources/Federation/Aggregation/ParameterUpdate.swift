/// One pod's contribution to a round of federated averaging: the change it made to the
/// global parameters, flattened to one contiguous vector, and how many rows it trained on.
public struct ParameterUpdate: Sendable, Codable, Equatable {
    /// The pod that trained and sent this update.
    public var pod: String
    /// Local parameters minus global parameters, in the model's flattening order.
    public var delta: [Float]
    /// The number of rows the pod trained on this round (the pod's weight under
    /// `AggregationWeighting.sampleCount`).
    public var sampleCount: Int

    /// Makes an update from `pod` carrying `delta`, trained on `sampleCount` rows.
    public init(pod: String, delta: [Float], sampleCount: Int) {
        self.pod = pod
        self.delta = delta
        self.sampleCount = sampleCount
    }
}

/// The weighted average of the pods' updates for one round, ready for a server optimizer.
public struct AggregatedUpdate: Sendable, Codable, Equatable {
    /// The weighted average of the pods' deltas.
    public var delta: [Float]
    /// The sum of the weights the average was divided by: total rows under
    /// `sampleCount` weighting, the number of pods under `equal` weighting.
    public var totalWeight: Int
    /// How many pods contributed.
    public var podCount: Int

    /// Makes an aggregate of `podCount` pods whose weights summed to `totalWeight`.
    public init(delta: [Float], totalWeight: Int, podCount: Int) {
        self.delta = delta
        self.totalWeight = totalWeight
        self.podCount = podCount
    }
}
