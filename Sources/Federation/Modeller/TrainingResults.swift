import Foundation
import Learning

/// One pod's part of a round: what it trained and how its local model scored on its
/// validation rows.
public struct PodRoundMetrics: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// Its labelled training rows (its weight under sample-count weighting).
    public let sampleCount: Int
    /// Batches it trained.
    public let steps: Int
    /// Its mean batch loss.
    public let trainingLoss: Double
    /// Its local model's validation metrics (without score histograms: see `RoundResult`).
    public let validation: ClassificationMetrics
    /// What the task has spent of the pod's privacy budget so far, when it is differentially
    /// private.
    public var privacy: PrivacySpentReport? = nil
}

extension PodRoundMetrics {
    /// The metrics of a pod's update (validation without its score histograms).
    init(_ update: RoundUpdate) {
        pod = update.pod
        sampleCount = update.sampleCount
        steps = update.steps
        trainingLoss = update.trainingLoss
        validation = update.validation.droppingScoreHistograms()
        privacy = update.privacy
    }
}

/// One row of a training's results: a round, with the metrics of every pod and combined.
public struct RoundResult: Sendable, Codable, Equatable {
    /// The round's number, from 1.
    public let round: Int
    /// Every pod that trained in the round, in the task's pod order.
    public let pods: [PodRoundMetrics]
    /// The validation metrics pooled over the pods (`ClassificationMetrics.pooled`). A row
    /// keeps counts and metrics but not the score histograms the AUC was pooled from
    /// (`ClassificationMetrics.droppingScoreHistograms`), so a long training's rows and
    /// checkpoints stay small.
    public let combined: ClassificationMetrics
    /// The pods' training losses weighted by their sample counts.
    public let trainingLoss: Double
}

/// A named metric value, in the order and with the names Bitfount's tutorials show.
public struct MetricValue: Sendable, Codable, Equatable {
    /// "AUC", "F1", "Recall", "Precision", "Accuracy", "Brier loss" or "Validation loss".
    public let name: String
    /// The value; nil for an AUC that cannot be computed (a class without rows).
    public let value: Double?
}

extension ClassificationMetrics {
    /// Metrics pooled over pods from their totals, never from their averages: the confusion
    /// counts, loss sums and score histograms added, so accuracy, precision, recall, F1 and
    /// the Brier, log and validation losses are exactly those of all the pods' rows together
    /// (up to the order of floating-point additions), and AUC is that of all the rows within
    /// the histograms' bin resolution (`aucErrorBound`, `ScoreHistograms`).
    /// Throws when the parts count different numbers of classes or bins.
    public static func pooled(_ parts: [ClassificationMetrics], classCount: Int) throws(LearningError) -> ClassificationMetrics {
        guard let first = parts.first else { return ClassificationMetrics(totals: MetricTotals(classCount: classCount)) }
        guard first.totals.confusion.classCount == classCount else {
            throw .parameterSetsIncompatible("metrics of \(first.totals.confusion.classCount) classes cannot be pooled as \(classCount) classes")
        }
        var totals = first.totals
        for part in parts.dropFirst() { totals = try totals.merging(part.totals) }
        return ClassificationMetrics(totals: totals)
    }

    /// The metrics Bitfount's tutorials report, in their order.
    public var namedValues: [MetricValue] {
        [MetricValue(name: "AUC", value: auc), MetricValue(name: "F1", value: f1),
         MetricValue(name: "Recall", value: recall), MetricValue(name: "Precision", value: precision),
         MetricValue(name: "Accuracy", value: accuracy), MetricValue(name: "Brier loss", value: brierLoss),
         MetricValue(name: "Validation loss", value: validationLoss)]
    }

    /// The value of the metric called `name` (as in `namedValues`), or nil.
    public func value(named name: String) -> Double? {
        namedValues.first { $0.name == name }?.value
    }
}

/// A model scored on several pods: each pod's metrics and the pooled ones.
public struct EvaluationResults: Sendable, Codable, Equatable {
    /// The part of the split scored.
    public let part: DataPart
    /// Each pod's report, in the task's pod order.
    public let pods: [EvaluationReport]
    /// The metrics of all the pods' rows together.
    public let pooled: ClassificationMetrics
}

/// A model's predictions on several pods, as aggregate counts.
public struct PredictionResults: Sendable, Codable, Equatable {
    /// Each pod's counts, in the task's pod order.
    public let pods: [PredictionSummary]
    /// The classes, in label order.
    public let classes: [String]

    /// Rows predicted as each class over all pods.
    public var predictedCounts: [Int] {
        pods.reduce([Int](repeating: 0, count: classes.count)) { sums, pod in zip(sums, pod.predictedCounts).map(+) }
    }
}

/// A pod dropped from a task because it failed, and when.
public struct DroppedPod: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// The round it failed in, from 1.
    public let round: Int
    /// Its error.
    public let reason: String
}

/// Everything a federated training needs to continue after its last complete round: the
/// global parameters, the server optimizer with its state, and the rounds so far. Encoding it
/// is a checkpoint; since every pod's round is a function of the global parameters, the round
/// and the seed, a run resumed from it continues as if never stopped.
public struct TrainingState: Sendable, Codable, Equatable {
    /// Rounds complete.
    public var completedRounds: Int
    /// The global parameters after them.
    public var parameters: ParameterSet
    /// The server optimizer, its state included.
    public var serverOptimizer: ServerOptimizer
    /// One row per complete round.
    public var rounds: [RoundResult]
    /// The latest standardisation statistics each pod sent (by `owner/name`); nil in states
    /// saved before pods sent them.
    public var standardisation: [String: [ColumnStandardisation]]?

    /// A state.
    public init(completedRounds: Int, parameters: ParameterSet, serverOptimizer: ServerOptimizer, rounds: [RoundResult],
                standardisation: [String: [ColumnStandardisation]]? = nil) {
        self.completedRounds = completedRounds
        self.parameters = parameters
        self.serverOptimizer = serverOptimizer
        self.rounds = rounds
        self.standardisation = standardisation
    }

    /// The training batches the global model's batch norms stand for, as federated averaging
    /// would average PyTorch's `num_batches_tracked`: per round, the pods' batches averaged
    /// with the round's weighting, summed over rounds.
    public func batchesTracked(weighting: AggregationWeighting) -> Int {
        let total = rounds.reduce(0.0) { total, round in
            let weights = round.pods.map { weighting == .equal ? 1.0 : Double($0.sampleCount) }
            let sum = weights.reduce(0, +)
            guard sum > 0 else { return total }
            return total + zip(round.pods, weights).reduce(0.0) { $0 + Double($1.0.steps) * $1.1 } / sum
        }
        return Int(total.rounded())
    }
}

/// What a federated training returns: one row per round, the trained model, and what
/// happened to every pod.
public struct TrainingResults: Sendable, Codable, Equatable {
    /// The task's identifier (its request's).
    public let task: UUID
    /// The pods that trained to the end, in the task's order.
    public let pods: [PodIdentifier]
    /// The pods that refused, with their reasons (only when `require_all_pods` is false).
    public let refusals: [AccessDenied.Refusal]
    /// The pods dropped after failing (only when `require_all_pods` is false).
    public let dropped: [DroppedPod]
    /// The final state: parameters, server optimizer, rounds.
    public let state: TrainingState
    /// The final model scored on the pods' test rows, when `auto_eval` is on.
    public let evaluation: EvaluationResults?
    /// The trained model.
    public let model: TrainedModel

    /// One row per round.
    public var rounds: [RoundResult] { state.rounds }
}
