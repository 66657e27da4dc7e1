/// What the trainer reports after every batch.
public struct TrainingProgress: Sendable, Hashable {
    /// Batches completed in this `train` call (1 after the first).
    public var step: Int
    /// Batches this `train` call will run if not stopped.
    public var totalSteps: Int
    /// The epoch of this call the batch belongs to (1-based).
    public var epoch: Int
    /// The batch's mean cross-entropy (without the proximal term).
    public var loss: Double
    /// Rows processed in this call so far.
    public var rowsSeen: Int
}

/// The answer of a progress callback: go on, or stop at this batch boundary.
public enum TrainingDecision: Sendable, Hashable {
    /// Train the next batch.
    case proceed
    /// Stop now; the parameters include every finished batch.
    case stop
}

/// What a `train` call did.
public struct TrainingSummary: Sendable, Hashable {
    /// Batches completed.
    public var steps: Int
    /// Rows processed.
    public var rows: Int
    /// Epochs begun (the last may be partial when training by steps or when stopped).
    public var epochs: Int
    /// The mean of the batch losses, weighted by batch rows (0 when no batch ran).
    public var meanLoss: Double
    /// The last batch's loss (0 when no batch ran).
    public var lastLoss: Double
    /// True when the progress callback asked to stop before the end.
    public var stopped: Bool
    /// DP-SGD: the rows whose gradient was clipped (over all batches, a row counted once per
    /// batch it joined); 0 without differential privacy.
    public var clippedRows: Int = 0
}

/// FedProx's proximal term μ/2·‖w − w_global‖² for a federated round: it pulls the local
/// weights toward the round's global weights (only trainable tensors; running statistics
/// are not trained).
public struct ProximalTerm: Sendable {
    /// The coefficient μ ≥ 0.
    public var mu: Double
    /// The global parameters of the round.
    public var reference: ParameterSet

    /// A proximal term.
    public init(mu: Double, reference: ParameterSet) {
        self.mu = mu
        self.reference = reference
    }
}
