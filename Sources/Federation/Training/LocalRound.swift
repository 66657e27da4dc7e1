import Crypto
import Foundation
import Learning
import Synchronization

/// One round of local training at a pod, with everything it needs as values: it builds its
/// own classifier and trainer, so it can run on a thread of its own and nothing it touches is
/// shared.
///
/// Each round starts a fresh trainer (optimizer state at zero) from the global parameters,
/// seeded from the task's seed, the round and the pod: a round is then a function of the
/// global parameters and the pod's data alone, so any run with the same seed and pods
/// gives the same bits, and a run resumed at a round boundary equals an uninterrupted one.
struct LocalRound: Sendable {
    /// The pod training.
    let pod: PodIdentifier
    /// The round, from 0.
    let round: Int
    /// The model.
    let specification: ModelSpecification
    /// The pod's encoded rows.
    let data: EncodedPodData
    /// The global parameters.
    let parameters: ParameterSet
    /// The local hyperparameters of this round (epochs or steps, and the round's seed).
    let hyperparameters: TrainingHyperparameters
    /// FedProx's μ, when asked for.
    let proximalMu: Double?
    /// How the update is masked, when the round is secure.
    let secure: Masking?
    /// Central differential privacy's clipping and this pod's share of the noise.
    var centralNoise: CentralNoise? = nil
    /// Where the round takes its classifier from and gives it back to, for its buffers.
    var classifiers: ClassifierCache = .shared

    /// Central differential privacy: the delta is clipped to `maxNorm` and gets Gaussian
    /// noise of `deviation` per element before it is masked.
    struct CentralNoise: Sendable {
        let maxNorm: Double
        let deviation: Double
    }

    /// What a secure round needs to mask the delta.
    enum Masking: Sendable {
        /// Every pod masks with every other and all must send: the session, the relayed key
        /// shares and the peers' identities.
        case pairwise(session: SecureAggregationPodSession, keyShares: [SignedKeyShare],
                      identities: [String: Curve25519.Signing.PublicKey])
        /// SecAgg+: the pod's state after sharing keys and the shares its neighbours sealed
        /// for it.
        case dropoutTolerant(state: SecAggPlusPod, shares: [SecAggPlusEncryptedShares])

        /// The fewest pods whose updates the modeller can unmask together.
        var fewestPodsInSum: Int {
            switch self {
            case let .pairwise(session, _, _): session.context.participants.count
            case let .dropoutTolerant(state, _): state.settings.threshold
            }
        }
    }

    /// A round's update and, for a dropout-tolerant secure round, the pod's state after it
    /// masked its input (kept for the unmasking step).
    struct Outcome: Sendable {
        let update: RoundUpdate
        let dropoutTolerantState: SecAggPlusPod?
    }

    /// The seed of a pod's local training in a round: SplitMix64 over the task seed, the round
    /// and the FNV-1a hash of the pod's identifier.
    static func seed(taskSeed: UInt64, round: Int, pod: PodIdentifier) -> UInt64 {
        let podHash = FNV1a.hash(pod.description.utf8)
        var state = taskSeed
        func mix(_ value: UInt64) -> UInt64 {
            state = state &+ value &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        _ = mix(UInt64(round))
        return mix(podHash)
    }

    /// Trains, measures on the validation rows and returns the update; reports after every
    /// batch and stops at the first batch boundary where `stop` is set.
    func run(stop: StopFlag, progress: (PodProgress) -> Void) throws(TrainingError) -> Outcome {
        guard data.train.rowCount >= 2 else { throw .tooFewTrainingRows(pod: pod, rows: data.train.rowCount) }
        let classifier = try classifiers.take(specification)
        defer { classifiers.giveBack(classifier, of: specification) }
        do throws(LearningError) {
            try classifier.load(parameters)
        } catch {
            throw .parametersDoNotFit(pod: pod, reason: error.description)
        }
        var summary: TrainingSummary
        do throws(LearningError) {
            let trainer = try ClassifierTrainer(model: classifier, hyperparameters: hyperparameters)
            let proximal = proximalMu.flatMap { $0 > 0 ? ProximalTerm(mu: $0, reference: parameters) : nil }
            summary = try trainer.train(on: data.train, proximal: proximal) { report in
                progress(PodProgress(batch: report.step, batches: report.totalSteps, loss: report.loss))
                return stop.isSet ? .stop : .proceed
            }
        } catch {
            throw .localTrainingFailed(pod: pod, reason: error.description)
        }
        if summary.stopped { throw .roundCancelled(pod: pod, round: round, batches: summary.steps) }

        let local = classifier.parameters()
        if let tensor = local.firstNonFiniteTensor {
            throw .localTrainingFailed(pod: pod, reason: "parameter '\(tensor)' is not finite after training: lower the learning rate")
        }
        let delta: ParameterSet
        let validation: ClassificationMetrics
        do throws(LearningError) {
            delta = try local.subtracting(parameters)
            validation = try Self.metrics(of: classifier, on: data.validation)
        } catch {
            throw .localTrainingFailed(pod: pod, reason: error.description)
        }
        var values = delta.values
        if let centralNoise {
            GaussianMechanism.clipAndPerturb(&values, maxNorm: centralNoise.maxNorm, deviation: centralNoise.deviation)
        }
        let contribution: RoundUpdate.Contribution
        var maskedState: SecAggPlusPod?
        do {
            switch secure {
            case nil:
                contribution = .plain(delta: values)
            case let .pairwise(session, keyShares, identities)?:
                contribution = .masked(try session.mask(
                    delta: values, sampleCount: data.train.rowCount, keyShares: keyShares, identities: identities))
            case .dropoutTolerant(var state, let shares)?:
                contribution = .masked(try state.maskedInput(delta: values, sampleCount: data.train.rowCount, shares: shares))
                maskedState = state
            }
        } catch {
            throw .localTrainingFailed(pod: pod, reason: "\(error)")
        }
        let update = RoundUpdate(pod: pod, round: round, contribution: contribution, sampleCount: data.train.rowCount,
                                 steps: summary.steps, trainingLoss: summary.meanLoss, validation: validation,
                                 standardisation: data.standardisation)
        return Outcome(update: update, dropoutTolerantState: maskedState)
    }

    /// The classifier's metrics on `rows`, AUC from the score histograms (so the pod's AUC
    /// is the one pooling gives, and costs no sort); empty metrics when there is no row.
    static func metrics(of classifier: TabularClassifier, on rows: TabularDataset) throws(LearningError) -> ClassificationMetrics {
        guard rows.rowCount > 0 else {
            return ClassificationMetrics(totals: MetricTotals(classCount: classifier.layout.classCount))
        }
        return try classifier.evaluate(rows, auc: .bins)
    }
}

/// A flag set once, from any thread, to stop work at its next safe point.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Asks the work to stop.
    func set() { flag.store(true, ordering: .relaxed) }

    /// Whether stopping was asked for.
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
