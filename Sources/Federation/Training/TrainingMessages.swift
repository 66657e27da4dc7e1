import Foundation
import Learning

/// The modeller's request that a pod open a model task: the signed task request (kind
/// `train`, `evaluate` or `predict`) and the model specification, whose digest the signed
/// request's `detail` carries (`ModelSpecification.taskDetail`), so the pod knows the
/// specification is the one the modeller signed.
public struct ModelTaskRequest: Sendable, Codable, Equatable {
    /// The signed request the pod judges.
    public let request: TaskRequest
    /// The model the task trains, evaluates or predicts with.
    public let specification: ModelSpecification

    /// A request to open a model task.
    public init(request: TaskRequest, specification: ModelSpecification) {
        self.request = request
        self.specification = specification
    }

    /// Signs a request of `kind` for `specification` on `pods` as `identity`; a prediction
    /// task with `rowScores` asks for per-row scores, which each pod allows or refuses.
    public static func signed(kind: TaskKind, specification: ModelSpecification, pods: [PodIdentifier],
                              secureAggregation: Bool, rowScores: Bool = false, by identity: LocalIdentity) throws -> ModelTaskRequest {
        ModelTaskRequest(request: try TaskRequest.signed(kind: kind, pods: pods, secureAggregation: secureAggregation,
                                                         detail: specification.taskDetail(rowScores: rowScores && kind == .predict),
                                                         by: identity),
                         specification: specification)
    }

    /// The task's identifier (the signed request's).
    public var task: UUID { request.id }
}

/// How a pod's update of one round is combined with the others'.
public enum RoundAggregation: Sendable, Codable, Equatable {
    /// The pod sends its delta in the clear.
    case plain
    /// The pod masks its delta for the secure round `context`, with the key shares of every
    /// participant as the modeller relays them.
    case secure(context: SecureAggregationContext, keyShares: [SignedKeyShare])
    /// The pod masks its delta for the dropout-tolerant secure round of `settings` (step 3
    /// of SecAgg+), with the shares its neighbours sealed for it as the modeller routes them.
    case dropoutTolerant(settings: SecAggPlusSettings, shares: [SecAggPlusEncryptedShares])
}

/// One round of federated averaging as a pod receives it.
public struct RoundRequest: Sendable, Codable, Equatable {
    /// The task (opened by `ModelTaskRequest`).
    public let task: UUID
    /// The round, from 0.
    public let round: Int
    /// The global parameters to start from.
    public let parameters: ParameterSet
    /// Local epochs this round (exclusive with `steps`).
    public let epochs: Int?
    /// Local optimizer steps this round (exclusive with `epochs`).
    public let steps: Int?
    /// FedProx's μ: the proximal term μ/2·‖w − w_global‖² is added to the local loss; nil or 0
    /// for plain FedAvg.
    public let proximalMu: Double?
    /// Plain or secure.
    public let aggregation: RoundAggregation

    /// A round request.
    public init(task: UUID, round: Int, parameters: ParameterSet, epochs: Int?, steps: Int?,
                proximalMu: Double? = nil, aggregation: RoundAggregation = .plain) {
        self.task = task
        self.round = round
        self.parameters = parameters
        self.epochs = epochs
        self.steps = steps
        self.proximalMu = proximalMu
        self.aggregation = aggregation
    }
}

/// A pod's progress through its local training of a round, after a batch.
public struct PodProgress: Sendable, Codable, Equatable {
    /// Batches done this round (1 after the first).
    public let batch: Int
    /// Batches the round will run.
    public let batches: Int
    /// The batch's mean cross-entropy.
    public let loss: Double

    /// A progress report.
    public init(batch: Int, batches: Int, loss: Double) {
        self.batch = batch
        self.batches = batches
        self.loss = loss
    }
}

/// What a pod sends back after a round.
public struct RoundUpdate: Sendable, Codable, Equatable {
    /// A pod's parameter change, in the clear or masked.
    public enum Contribution: Sendable, Codable, Equatable {
        /// Local minus global parameters, flat in the model's order.
        case plain(delta: [Float])
        /// The weighted delta under the round's pairwise masks.
        case masked(MaskedUpdate)
    }

    /// The pod.
    public let pod: PodIdentifier
    /// The round, from 0.
    public let round: Int
    /// The change it made.
    public let contribution: Contribution
    /// Its labelled training rows: its weight under sample-count weighting.
    public let sampleCount: Int
    /// Batches trained.
    public let steps: Int
    /// The mean batch loss of the round's training.
    public let trainingLoss: Double
    /// The local model's metrics on the pod's validation rows, after the round's training.
    public let validation: ClassificationMetrics
    /// How the pod standardised each continuous input (count, mean and deviation of its
    /// training rows), for the saved model; empty when the model has no continuous input.
    public let standardisation: [ColumnStandardisation]
    /// What the task has spent of the pod's privacy budget, when it is differentially private.
    public var privacy: PrivacySpentReport?

    /// An update, as a pod makes it or a transport decodes it.
    public init(pod: PodIdentifier, round: Int, contribution: Contribution, sampleCount: Int, steps: Int,
                trainingLoss: Double, validation: ClassificationMetrics, standardisation: [ColumnStandardisation] = [],
                privacy: PrivacySpentReport? = nil) {
        self.pod = pod
        self.round = round
        self.contribution = contribution
        self.sampleCount = sampleCount
        self.steps = steps
        self.trainingLoss = trainingLoss
        self.validation = validation
        self.standardisation = standardisation
        self.privacy = privacy
    }
}

/// What a pod says while it trains a round: progress after each batch, then its update.
public enum RoundEvent: Sendable, Codable, Equatable {
    /// A batch is done.
    case progress(PodProgress)
    /// The round is done.
    case finished(RoundUpdate)
}

/// The modeller's request for a pod's key share of a secure round.
public struct SecureRoundSetup: Sendable, Codable, Equatable {
    /// The task.
    public let task: UUID
    /// The round's context: participants, weighting and encoding.
    public let context: SecureAggregationContext

    /// A setup request.
    public init(task: UUID, context: SecureAggregationContext) {
        self.task = task
        self.context = context
    }
}

/// The modeller's message for a step of a dropout-tolerant secure round (SecAgg+) that a
/// pod answers apart from training: advertising keys, sharing keys and unmasking. The
/// third step, the masked input, travels with the round's training
/// (`RoundAggregation.dropoutTolerant`).
public struct SecAggPlusStepRequest: Sendable, Codable, Equatable {
    /// What the modeller asks.
    public enum Step: Sendable, Codable, Equatable {
        /// Step 1: start the round and advertise keys.
        case advertiseKeys
        /// Step 2: share keys with the neighbours among the pods that advertised.
        case shareKeys(advertisements: [SecAggPlusKeyAdvertisement])
        /// Step 4: give the shares that remove the survivors' self-masks and the dropped
        /// pods' pairwise masks.
        case unmask(SecAggPlusUnmaskRequest)
    }

    /// The task.
    public let task: UUID
    /// The round's settings: context, threshold and neighbour graph.
    public let settings: SecAggPlusSettings
    /// The step.
    public let step: Step

    /// A step request.
    public init(task: UUID, settings: SecAggPlusSettings, step: Step) {
        self.task = task
        self.settings = settings
        self.step = step
    }
}

/// A pod's answer to a `SecAggPlusStepRequest`, one kind per step.
public enum SecAggPlusStepAnswer: Sendable, Codable, Equatable {
    /// Step 1: the pod's signed keys.
    case advertisement(SecAggPlusKeyAdvertisement)
    /// Step 2: the pod's shares, sealed for each neighbour.
    case sealedShares([SecAggPlusEncryptedShares])
    /// Step 4: the shares the modeller asked for.
    case unmasking(SecAggPlusUnmaskResponse)
}

/// A request to score a model on one part of a pod's split.
public struct EvaluationRequest: Sendable, Codable, Equatable {
    /// The task (of kind `train` or `evaluate`).
    public let task: UUID
    /// The model's parameters.
    public let parameters: ParameterSet
    /// The rows scored (the test rows unless told otherwise).
    public let part: DataPart

    /// An evaluation request.
    public init(task: UUID, parameters: ParameterSet, part: DataPart = .test) {
        self.task = task
        self.parameters = parameters
        self.part = part
    }
}

/// A pod's metrics of a model; `metrics.totals` holds the counts that pool across pods.
public struct EvaluationReport: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// The rows scored.
    public let part: DataPart
    /// The metrics.
    public let metrics: ClassificationMetrics

    /// A report, as a pod makes it or a transport decodes it.
    public init(pod: PodIdentifier, part: DataPart, metrics: ClassificationMetrics) {
        self.pod = pod
        self.part = part
        self.metrics = metrics
    }
}

/// A request to predict with a model on one part of a pod's split.
public struct PredictionRequest: Sendable, Codable, Equatable {
    /// The task (of kind `predict`).
    public let task: UUID
    /// The model's parameters.
    public let parameters: ParameterSet
    /// The rows predicted (the test rows unless told otherwise).
    public let part: DataPart

    /// A prediction request.
    public init(task: UUID, parameters: ParameterSet, part: DataPart = .test) {
        self.task = task
        self.parameters = parameters
        self.part = part
    }
}

/// The per-row scores of a pod's test rows, sent only when the task asked for them and the
/// pod's `allow_row_predictions` setting allows them. A row is identified by its index in
/// the pod's test split and nothing else.
public struct RowScores: Sendable, Codable, Equatable {
    /// Each scored row's index in the pod's test split, in order.
    public let testRows: [Int]
    /// The class probabilities, row-major: `testRows.count` × classes.
    public let probabilities: [Float]

    /// Scores of rows; `probabilities` holds a whole number of rows.
    public init(testRows: [Int], probabilities: [Float]) {
        self.testRows = testRows
        self.probabilities = probabilities
    }
}

/// What a pod tells about its predictions: aggregate counts, and the per-row scores only
/// when the task asked for them and the pod allows it.
public struct PredictionSummary: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// The rows predicted.
    public let part: DataPart
    /// How many rows were predicted.
    public let rowCount: Int
    /// Rows predicted as each class, in label order.
    public let predictedCounts: [Int]
    /// The mean predicted probability of each class.
    public let meanProbabilities: [Double]
    /// Each row's scores, when the task asked for them and the pod allows it.
    public let rows: RowScores?

    /// A summary, as a pod makes it or a transport decodes it.
    public init(pod: PodIdentifier, part: DataPart, rowCount: Int, predictedCounts: [Int], meanProbabilities: [Double],
                rows: RowScores? = nil) {
        self.pod = pod
        self.part = part
        self.rowCount = rowCount
        self.predictedCounts = predictedCounts
        self.meanProbabilities = meanProbabilities
        self.rows = rows
    }
}
