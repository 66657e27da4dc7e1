/// FedAdam: Adam applied by the server to the averaged delta, as in Reddi et al. 2021,
/// "Adaptive Federated Optimization", Algorithm 2.
///
/// Per round, with Δ the averaged delta and all operations element-wise:
///
///     m ← β1·m + (1 − β1)·Δ
///     v ← β2·v + (1 − β2)·Δ²
///     x ← x + η·m / (√v + τ)
///
/// Following the paper there is no bias correction, m starts at 0 and v at τ² (the paper
/// requires v₋₁ ≥ τ²). Defaults: η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3, the values the
/// paper's sweeps centre on. τ bounds the per-coordinate step by about η·|m|/τ, so it is
/// what keeps rarely-moving parameters from taking huge steps.
public struct FedAdam: Sendable, Codable, Equatable {
    /// FedAdam's settings, validated on creation and on decoding.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The server learning rate η.
        public let learningRate: Float
        /// The decay of the first moment, β1 ∈ [0, 1).
        public let beta1: Float
        /// The decay of the second moment, β2 ∈ [0, 1).
        public let beta2: Float
        /// The adaptivity τ > 0 added to √v.
        public let tau: Float

        /// η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3.
        public static let standard = Configuration(validLearningRate: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3)

        /// Makes a configuration; throws `AggregationError.invalidOptimizerSetting` naming
        /// the first setting out of range.
        public init(learningRate: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.99, tau: Float = 1e-3) throws {
            try Self.check("learning_rate", learningRate, learningRate > 0, "a positive finite number")
            try Self.check("beta1", beta1, beta1 >= 0 && beta1 < 1, "in [0, 1)")
            try Self.check("beta2", beta2, beta2 >= 0 && beta2 < 1, "in [0, 1)")
            try Self.check("tau", tau, tau > 0, "a positive finite number")
            self.init(validLearningRate: learningRate, beta1: beta1, beta2: beta2, tau: tau)
        }

        /// Decodes a configuration, refusing settings out of range as `init` does.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try self.init(
                learningRate: try container.decode(Float.self, forKey: .learningRate),
                beta1: try container.decode(Float.self, forKey: .beta1),
                beta2: try container.decode(Float.self, forKey: .beta2),
                tau: try container.decode(Float.self, forKey: .tau))
        }

        private init(validLearningRate: Float, beta1: Float, beta2: Float, tau: Float) {
            self.learningRate = validLearningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.tau = tau
        }

        private static func check(_ name: String, _ value: Float, _ valid: Bool, _ requirement: String) throws {
            guard value.isFinite, valid else {
                throw AggregationError.invalidOptimizerSetting(name: name, value: Double(value), requirement: requirement)
            }
        }
    }

    /// The settings this optimizer steps with.
    public let configuration: Configuration
    /// The first moment m, one value per parameter; empty until the first step.
    public private(set) var firstMoment: [Float]
    /// The second moment v, one value per parameter; empty until the first step.
    public private(set) var secondMoment: [Float]
    /// How many rounds have been applied.
    public private(set) var step: Int

    /// Makes a fresh FedAdam; its moments are sized on the first step.
    public init(configuration: Configuration = .standard) {
        self.configuration = configuration
        self.firstMoment = []
        self.secondMoment = []
        self.step = 0
    }

    /// Restores FedAdam from a checkpoint's moments and step count.
    ///
    /// Throws `AggregationError.optimizerStateMismatch` when the moments differ in length.
    public init(configuration: Configuration, firstMoment: [Float], secondMoment: [Float], step: Int) throws {
        guard firstMoment.count == secondMoment.count else {
            throw AggregationError.optimizerStateMismatch(
                optimizer: "fedadam", stateCount: secondMoment.count, parameters: firstMoment.count)
        }
        guard step >= 0 else {
            throw AggregationError.invalidOptimizerSetting(name: "step", value: Double(step), requirement: "at least 0")
        }
        self.configuration = configuration
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }

    /// Applies one FedAdam step with `averageDelta` to `parameters`.
    public mutating func apply(averageDelta: [Float], to parameters: inout [Float]) throws {
        guard averageDelta.count == parameters.count else {
            throw AggregationError.parameterCountMismatch(parameters: parameters.count, delta: averageDelta.count)
        }
        if firstMoment.isEmpty && secondMoment.isEmpty && !parameters.isEmpty {
            firstMoment = [Float](repeating: 0, count: parameters.count)
            secondMoment = [Float](repeating: configuration.tau * configuration.tau, count: parameters.count)
        }
        guard firstMoment.count == parameters.count, secondMoment.count == parameters.count else {
            throw AggregationError.optimizerStateMismatch(
                optimizer: "fedadam", stateCount: firstMoment.count, parameters: parameters.count)
        }
        let (rate, beta1, beta2, tau) = (
            configuration.learningRate, configuration.beta1, configuration.beta2, configuration.tau
        )
        averageDelta.withUnsafeBufferPointer { delta in
            firstMoment.withUnsafeMutableBufferPointer { m in
                secondMoment.withUnsafeMutableBufferPointer { v in
                    parameters.withUnsafeMutableBufferPointer { x in
                        for index in 0..<delta.count {
                            let d = delta[index]
                            m[index] = beta1 * m[index] + (1 - beta1) * d
                            v[index] = beta2 * v[index] + (1 - beta2) * d * d
                            x[index] += rate * m[index] / (v[index].squareRoot() + tau)
                        }
                    }
                }
            }
        }
        step += 1
    }
}
