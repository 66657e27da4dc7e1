/// Trains a `TabularClassifier` in place with the given hyperparameters, keeping the
/// optimizer state and random streams between calls (one call per federated round).
///
/// Everything is validated before the first batch: hyperparameters when the trainer is
/// made, the dataset and proximal term when `train` is called. A batch shuffles, runs
/// forward and backward, adds FedProx's gradient μ(w − w_global) when asked, and takes one
/// optimizer step. The random streams (shuffling, dropout) come from the seed, so two
/// trainers with the same model parameters, seed and data produce identical bits.
/// A trailing batch of one row is skipped: batch norm needs two rows to estimate a variance.
public final class ClassifierTrainer {
    /// The model being trained.
    public let model: TabularClassifier
    /// The hyperparameters.
    public let hyperparameters: TrainingHyperparameters
    let optimizer: Optimizer
    private var shuffleGenerator: SeededGenerator
    var dropoutGenerator: SeededGenerator
    /// DP-SGD's noise and Poisson sampling: never the seeded streams (see `SecureRandom`).
    let privateRandom: SecureRandom
    private var order: [Int] = []
    /// The trainable elements outside the Linear weights, as ranges of the flat buffer: what
    /// the optimizer still steps when the model steps its weights itself (plain SGD).
    private let rangesOutsideLinearWeights: [Range<Int>]

    /// A trainer for `model`; throws if the hyperparameters are invalid.
    public convenience init(model: TabularClassifier, hyperparameters: TrainingHyperparameters) throws(LearningError) {
        try self.init(model: model, hyperparameters: hyperparameters, privateRandom: SecureRandom())
    }

    /// A trainer drawing DP-SGD's noise and batches from `privateRandom` (tests seed it).
    init(model: TabularClassifier, hyperparameters: TrainingHyperparameters, privateRandom: SecureRandom) throws(LearningError) {
        let settings = try hyperparameters.resolvedOptimizer()
        self.privateRandom = privateRandom
        self.model = model
        self.hyperparameters = hyperparameters
        optimizer = Optimizer(settings: settings, count: model.store.trainableCount)
        var root = SeededGenerator(seed: hyperparameters.seed)
        shuffleGenerator = root.split()
        dropoutGenerator = root.split()
        var outside: [Range<Int>] = []
        var next = 0
        for range in model.linearWeightRanges {
            if range.lowerBound > next { outside.append(next..<range.lowerBound) }
            next = range.upperBound
        }
        if next < model.store.trainableCount { outside.append(next..<model.store.trainableCount) }
        rangesOutsideLinearWeights = outside
    }

    /// Optimizer steps taken over the trainer's life.
    public var stepCount: Int { optimizer.stepCount }

    /// Trains for the configured epochs or steps over `data`, calling `progress` after every
    /// batch; returns early when it answers `.stop`. With `proximal`, adds μ(w − w_global)
    /// to every trainable gradient (FedProx).
    @discardableResult
    public func train(
        on data: TabularDataset, proximal: ProximalTerm? = nil,
        progress: (TrainingProgress) -> TrainingDecision = { _ in .proceed }
    ) throws(LearningError) -> TrainingSummary {
        try model.checkLayout(of: data)
        guard data.isLabelled else { throw .unlabelledDataset }
        guard data.rowCount >= 2 else { throw .tooFewRows(needed: 2, found: data.rowCount) }
        var reference: FloatBuffer?
        var mu: Float = 0
        if let proximal {
            guard proximal.mu.isFinite, proximal.mu >= 0 else { throw .invalidProximalCoefficient(proximal.mu) }
            reference = try model.store.trainableLayout(of: proximal.reference)
            mu = Float(proximal.mu)
        }
        if let privacy = hyperparameters.privacy {
            return trainPrivately(on: data, settings: privacy, reference: reference, mu: mu, progress: progress)
        }

        let batchSize = min(hyperparameters.batchSize, data.rowCount)
        let fullBatches = data.rowCount / batchSize
        let remainder = data.rowCount % batchSize
        let batchesPerEpoch = fullBatches + (remainder >= 2 ? 1 : 0)
        let totalSteps = hyperparameters.steps ?? (batchesPerEpoch * (hyperparameters.epochs ?? 1))
        let workspace = model.reserveWorkspace(rows: batchSize)
        if order.count != data.rowCount { order = Array(0..<data.rowCount) }

        var summary = TrainingSummary(steps: 0, rows: 0, epochs: 0, meanLoss: 0, lastLoss: 0, stopped: false)
        var lossSum = 0.0
        training: while summary.steps < totalSteps {
            for i in 0..<data.rowCount { order[i] = i }
            shuffleGenerator.shuffle(&order)
            summary.epochs += 1
            var start = 0
            while start < data.rowCount, summary.steps < totalSteps {
                let rows = min(batchSize, data.rowCount - start)
                guard rows >= 2 else { break }
                model.loadBatch(data, indices: order[start..<(start + rows)], into: workspace)
                let loss = step(rows: rows, workspace: workspace, reference: reference, mu: mu)
                start += rows
                summary.steps += 1
                summary.rows += rows
                summary.lastLoss = loss
                lossSum += loss * Double(rows)
                let report = TrainingProgress(step: summary.steps, totalSteps: totalSteps, epoch: summary.epochs, loss: loss, rowsSeen: summary.rows)
                if progress(report) == .stop {
                    summary.stopped = summary.steps < totalSteps
                    break training
                }
            }
        }
        summary.meanLoss = summary.rows > 0 ? lossSum / Double(summary.rows) : 0
        return summary
    }

    /// One batch: forward, backward, proximal gradient, optimizer step. Returns the loss.
    /// With plain SGD and no proximal term, the Linear weights (nearly all the parameters)
    /// take their step inside the backward pass's weight-gradient products and the optimizer
    /// steps the rest.
    private func step(rows: Int, workspace: ClassifierWorkspace, reference: FloatBuffer?, mu: Float) -> Double {
        let loss = model.forwardTraining(rows: rows, workspace: workspace, generator: &dropoutGenerator)
        let values = model.store.values.base
        let gradients = model.store.gradients.base
        if reference == nil, let learningRate = optimizer.plainSGDLearningRate {
            model.backward(rows: rows, workspace: workspace, linearWeightGradients: .descend(learningRate: learningRate))
            optimizer.stepPlainSGD(values: values, gradients: gradients, ranges: rangesOutsideLinearWeights)
            return loss
        }
        model.backward(rows: rows, workspace: workspace)
        stepOptimizer(reference: reference, mu: mu)
        return loss
    }

    /// Adds FedProx's gradient μ(w − w_global) when there is a reference, then takes one
    /// optimizer step on the gradients in the store.
    func stepOptimizer(reference: FloatBuffer?, mu: Float) {
        let values = model.store.values.base
        let gradients = model.store.gradients.base
        if let reference {
            let global = reference.base
            for i in 0..<model.store.trainableCount {
                gradients[i] = gradients[i] + mu * (values[i] - global[i])
            }
        }
        optimizer.step(values: values, gradients: gradients)
    }

    /// The optimizer's state, for a checkpoint.
    public func optimizerState() -> OptimizerState {
        let trainable = model.store.tensorDescriptions.filter { model.store.trainableNames.contains($0.name) }
        var tensors: [ParameterSet.Tensor] = []
        var values: [Float] = []
        for (name, buffer) in zip(optimizer.bufferNames, optimizer.buffers) {
            tensors += trainable.map { ParameterSet.Tensor(name: name + "." + $0.name, shape: $0.shape) }
            values += buffer.array
        }
        let set: ParameterSet
        do {
            set = try ParameterSet(tensors: tensors, values: values)
        } catch {
            preconditionFailure("the optimizer's own buffers always form a parameter set: \(error)")
        }
        return OptimizerState(optimizer: hyperparameters.optimizer.name, stepCount: optimizer.stepCount, tensors: set)
    }

    /// Restores a state from `optimizerState()` of a trainer with the same optimizer and
    /// model layout; throws, changing nothing, if it does not fit.
    public func restoreOptimizerState(_ state: OptimizerState) throws(LearningError) {
        guard state.optimizer == hyperparameters.optimizer.name else {
            throw .optimizerStateMismatch("it belongs to '\(state.optimizer)' but this trainer uses '\(hyperparameters.optimizer.name)'")
        }
        guard state.stepCount >= 0 else {
            throw .optimizerStateMismatch("its step count \(state.stepCount) is negative")
        }
        let expected = optimizerState().tensors
        do {
            try expected.checkCompatible(with: state.tensors)
        } catch {
            throw .optimizerStateMismatch("its tensors differ from this model's: \(error.description)")
        }
        let n = optimizer.count
        let buffers = (0..<optimizer.buffers.count).map { Array(state.tensors.values[($0 * n)..<(($0 + 1) * n)]) }
        optimizer.restore(stepCount: state.stepCount, buffers: buffers)
    }
}
