/// How to train: for how long (`epochs` or `steps`, exactly one), in batches of what size,
/// with which optimizer, from which seed. Defaults are the reference classifier's: batch
/// size 512, AdamW with lr 0.01.
public struct TrainingHyperparameters: Sendable, Codable, Hashable {
    /// Full passes over the data per `train` call; exclusive with `steps`.
    public var epochs: Int?
    /// Batches per `train` call (continuing across epochs); exclusive with `epochs`.
    public var steps: Int?
    /// Rows per batch.
    public var batchSize: Int
    /// The optimizer.
    public var optimizer: OptimizerConfig
    /// The seed of the shuffling and dropout streams.
    public var seed: UInt64
    /// DP-SGD's clipping and noise, when the training is differentially private.
    public var privacy: DPSGDSettings?

    /// The most epochs one training may ask for. More is a typo or a runaway value (10**12
    /// epochs would run for longer than anyone waits), refused before any work starts.
    public static let maximumEpochs = 100_000
    /// The most steps one training may ask for (about 100,000 epochs of the demo's data).
    public static let maximumSteps = 10_000_000

    /// Hyperparameters; check them with `validate()` (the trainer does).
    public init(
        epochs: Int? = nil, steps: Int? = nil, batchSize: Int = 512,
        optimizer: OptimizerConfig = OptimizerConfig(name: "AdamW", params: ["lr": 0.01]),
        seed: UInt64 = 0, privacy: DPSGDSettings? = nil
    ) {
        self.epochs = epochs
        self.steps = steps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.seed = seed
        self.privacy = privacy
    }

    /// Throws the first problem: both or neither of epochs and steps, a count or batch size
    /// below 1, more than `maximumEpochs` epochs or `maximumSteps` steps, invalid privacy
    /// settings or an invalid optimizer. This is the one place training options are checked.
    public func validate() throws(LearningError) {
        _ = try resolvedOptimizer()
    }

    /// Validates and returns the optimizer's resolved settings.
    func resolvedOptimizer() throws(LearningError) -> OptimizerSettings {
        switch (epochs, steps) {
        case (.some, .some): throw .epochsAndStepsBothGiven
        case (nil, nil): throw .epochsOrStepsMissing
        case let (.some(epochs), nil) where epochs < 1: throw .hyperparameterNotPositive(name: "epochs", value: epochs)
        case let (nil, .some(steps)) where steps < 1: throw .hyperparameterNotPositive(name: "steps", value: steps)
        case let (.some(epochs), nil) where epochs > Self.maximumEpochs:
            throw .hyperparameterTooLarge(name: "epochs", value: epochs, limit: Self.maximumEpochs)
        case let (nil, .some(steps)) where steps > Self.maximumSteps:
            throw .hyperparameterTooLarge(name: "steps", value: steps, limit: Self.maximumSteps)
        default: break
        }
        guard batchSize >= 1 else { throw .hyperparameterNotPositive(name: "batch_size", value: batchSize) }
        try privacy?.validate()
        return try optimizer.resolve()
    }
}
