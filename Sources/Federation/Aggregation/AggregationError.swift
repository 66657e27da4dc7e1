/// Why plain aggregation or a server optimizer step could not be done.
///
/// Each message is lower case, names the pod or setting at fault and says what to do.
public enum AggregationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No update was given to average.
    case noUpdates
    /// Two updates came from the same pod.
    case duplicateUpdate(pod: String)
    /// A pod's delta has a different length from the first pod's.
    case lengthMismatch(pod: String, count: Int, expected: Int, firstPod: String)
    /// A pod's delta holds NaN or an infinity at `index`.
    case nonFiniteValue(pod: String, index: Int)
    /// A pod reported a negative sample count.
    case negativeSampleCount(pod: String, sampleCount: Int)
    /// The weights of all pods sum to zero, so there is nothing to divide by.
    case zeroTotalWeight(pods: [String])
    /// The aggregated delta and the global parameters have different lengths.
    case parameterCountMismatch(parameters: Int, delta: Int)
    /// A server optimizer's saved state does not fit the model's parameters.
    case optimizerStateMismatch(optimizer: String, stateCount: Int, parameters: Int)
    /// A server optimizer setting is outside its valid range.
    case invalidOptimizerSetting(name: String, value: Double, requirement: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .noUpdates:
            "no pod updates to aggregate; at least one pod must send an update"
        case let .duplicateUpdate(pod):
            "pod '\(pod)' sent two updates for the same round; send one update per pod"
        case let .lengthMismatch(pod, count, expected, firstPod):
            "update from pod '\(pod)' has \(count) parameters but pod '\(firstPod)' sent \(expected); "
                + "every pod must train the same model"
        case let .nonFiniteValue(pod, index):
            "update from pod '\(pod)' holds a non-finite value at parameter \(index); "
                + "training diverged on that pod, lower the learning rate and retry"
        case let .negativeSampleCount(pod, sampleCount):
            "pod '\(pod)' reported \(sampleCount) samples; a sample count cannot be negative"
        case let .zeroTotalWeight(pods):
            "pods \(pods.map { "'\($0)'" }.joined(separator: ", ")) trained on 0 samples in total; "
                + "nothing to average, check the pods' data or use weighting 'equal'"
        case let .parameterCountMismatch(parameters, delta):
            "the aggregated update has \(delta) parameters but the model has \(parameters); "
                + "the pods trained a different model"
        case let .optimizerStateMismatch(optimizer, stateCount, parameters):
            "the \(optimizer) server optimizer state holds \(stateCount) values but the model has \(parameters) "
                + "parameters; start the optimizer afresh for this model"
        case let .invalidOptimizerSetting(name, value, requirement):
            "server optimizer setting '\(name)' is \(value) but must be \(requirement)"
        }
    }
}
