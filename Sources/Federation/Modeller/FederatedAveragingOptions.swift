import Learning

/// How a federated averaging task runs: Bitfount's `FederatedAveraging` protocol arguments
/// and its aggregator, with bf's additions (weighting, FedProx, a server optimizer).
public struct FederatedAveragingOptions: Sendable, Codable, Equatable {
    /// Local epochs between parameter updates (`epochs_between_parameter_updates`); for a
    /// model trained by epochs, default 1.
    public var epochsBetweenParameterUpdates: Int?
    /// Local steps between parameter updates (`steps_between_parameter_updates`); for a
    /// model trained by steps, default 1.
    public var stepsBetweenParameterUpdates: Int?
    /// Whether updates are combined by secure aggregation (`SecureAggregator()`).
    public var secureAggregation: Bool
    /// How pods are weighted: by their training rows (bf's default) or equally (Bitfount's).
    public var weighting: AggregationWeighting
    /// How the modeller applies the averaged update: FedAvg (default) or FedAdam. It moves
    /// the trainable parameters; batch-norm running statistics always take the plain average.
    public var serverOptimizer: ServerOptimizer
    /// FedProx's μ, added to every pod's local loss as μ/2·‖w − w_global‖²; nil or 0 for none.
    public var proximalMu: Double?
    /// Whether every pod must take part (`require_all_pods`): when true, a refusal stops the
    /// task before any training and a pod failing mid-round stops it; when false, the task
    /// goes on with the pods that accept and drops a pod that fails.
    public var requireAllPods: Bool
    /// Whether the final model is scored on every pod's test rows (`auto_eval`).
    public var autoEval: Bool
    /// With secure aggregation and `requireAllPods` false, how many pods must remain for a
    /// round to finish (`SecureAggregator(threshold=…)`); nil for about two thirds.
    public var secureAggregationThreshold: Int?
    /// With secure aggregation and `requireAllPods` false, how many other pods each pod
    /// masks with (`SecureAggregator(neighbours=…)`); nil for all of them.
    public var secureAggregationNeighbours: Int?

    /// Whether secure rounds tolerate pods that drop (SecAgg+): secure aggregation where a
    /// pod may fail without stopping the task.
    public var toleratesDroppedPods: Bool { secureAggregation && !requireAllPods }

    /// Options; every argument has a default.
    public init(epochsBetweenParameterUpdates: Int? = nil, stepsBetweenParameterUpdates: Int? = nil,
                secureAggregation: Bool = false, weighting: AggregationWeighting = .sampleCount,
                serverOptimizer: ServerOptimizer = .plain, proximalMu: Double? = nil,
                requireAllPods: Bool = true, autoEval: Bool = true,
                secureAggregationThreshold: Int? = nil, secureAggregationNeighbours: Int? = nil) {
        self.epochsBetweenParameterUpdates = epochsBetweenParameterUpdates
        self.stepsBetweenParameterUpdates = stepsBetweenParameterUpdates
        self.secureAggregation = secureAggregation
        self.weighting = weighting
        self.serverOptimizer = serverOptimizer
        self.proximalMu = proximalMu
        self.requireAllPods = requireAllPods
        self.autoEval = autoEval
        self.secureAggregationThreshold = secureAggregationThreshold
        self.secureAggregationNeighbours = secureAggregationNeighbours
    }

    /// The rounds of a model trained with `hyperparameters`, validated as Bitfount does:
    /// the interval must match how the model counts (epochs or steps), be at least 1 and
    /// divide the model's total; rounds = total ÷ interval.
    public func plan(for hyperparameters: TrainingHyperparameters) throws(TrainingError) -> RoundPlan {
        do throws(LearningError) {
            try hyperparameters.validate()
        } catch {
            throw .invalidModel(error)
        }
        if let mu = proximalMu, !(mu.isFinite && mu >= 0) { throw .invalidProximalCoefficient(mu) }
        if epochsBetweenParameterUpdates != nil && stepsBetweenParameterUpdates != nil { throw .bothUpdateIntervals }
        if let epochs = hyperparameters.epochs {
            if stepsBetweenParameterUpdates != nil { throw .updateIntervalKind(given: "steps", modelUses: "epochs") }
            let interval = epochsBetweenParameterUpdates ?? 1
            try Self.check(interval, name: "epochs_between_parameter_updates", total: epochs, totalName: "epochs")
            return RoundPlan(rounds: epochs / interval, epochsPerRound: interval, stepsPerRound: nil)
        }
        let steps = hyperparameters.steps ?? 1
        if epochsBetweenParameterUpdates != nil { throw .updateIntervalKind(given: "epochs", modelUses: "steps") }
        let interval = stepsBetweenParameterUpdates ?? 1
        try Self.check(interval, name: "steps_between_parameter_updates", total: steps, totalName: "steps")
        return RoundPlan(rounds: steps / interval, epochsPerRound: nil, stepsPerRound: interval)
    }

    private static func check(_ interval: Int, name: String, total: Int, totalName: String) throws(TrainingError) {
        guard interval >= 1 else { throw .updateIntervalNotPositive(name: name, value: interval) }
        guard total % interval == 0 else {
            throw .updateIntervalDoesNotDivide(name: name, total: total, totalName: totalName, interval: interval)
        }
    }
}

/// The rounds of a federated averaging task and the local training of each.
public struct RoundPlan: Sendable, Codable, Equatable {
    /// How many rounds.
    public let rounds: Int
    /// Local epochs per round, when the model trains by epochs.
    public let epochsPerRound: Int?
    /// Local steps per round, when the model trains by steps.
    public let stepsPerRound: Int?
}
