/// The modeller-side rule that turns a round's averaged delta into new global parameters.
///
/// The value carries its own state (FedAdam's moments), so encoding it is the checkpoint:
/// a run resumed from a decoded optimizer continues exactly where it stopped. FedProx needs
/// nothing here: its proximal term is added to each pod's local loss.
public enum ServerOptimizer: Sendable, Codable, Equatable {
    /// Federated averaging: the global parameters move by the averaged delta.
    case fedAvg(FedAvg)
    /// Adaptive federated optimization with Adam on the server (Reddi et al. 2021).
    case fedAdam(FedAdam)

    /// Plain FedAvg with server learning rate 1 (global += average delta).
    public static var plain: ServerOptimizer { .fedAvg(FedAvg()) }

    /// Applies one round's `averageDelta` to `parameters`, updating the optimizer's state.
    ///
    /// Throws `AggregationError.parameterCountMismatch` when the lengths differ, and
    /// `AggregationError.optimizerStateMismatch` when saved state does not fit the model.
    public mutating func apply(averageDelta: [Float], to parameters: inout [Float]) throws {
        switch self {
        case let .fedAvg(optimizer):
            try optimizer.apply(averageDelta: averageDelta, to: &parameters)
        case var .fedAdam(optimizer):
            try optimizer.apply(averageDelta: averageDelta, to: &parameters)
            self = .fedAdam(optimizer)
        }
    }
}

/// Federated averaging on the server: `parameters += learningRate · averageDelta`.
///
/// With the default learning rate 1 this is McMahan et al.'s FedAvg: the new global model
/// is the weighted average of the pods' local models.
public struct FedAvg: Sendable, Codable, Equatable {
    /// The server learning rate; 1 reproduces plain averaging.
    public var learningRate: Float

    /// Makes FedAvg with server learning rate `learningRate` (1 unless told otherwise).
    public init(learningRate: Float = 1) {
        self.learningRate = learningRate
    }

    /// Moves `parameters` by `learningRate · averageDelta`.
    public func apply(averageDelta: [Float], to parameters: inout [Float]) throws {
        guard averageDelta.count == parameters.count else {
            throw AggregationError.parameterCountMismatch(parameters: parameters.count, delta: averageDelta.count)
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw AggregationError.invalidOptimizerSetting(
                name: "learning_rate", value: Double(learningRate), requirement: "a positive finite number")
        }
        let rate = learningRate
        parameters.withUnsafeMutableBufferPointer { parameters in
            averageDelta.withUnsafeBufferPointer { delta in
                for index in 0..<delta.count {
                    parameters[index] += rate * delta[index]
                }
            }
        }
    }
}
