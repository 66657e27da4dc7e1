import Crypto
import Foundation
import Learning

/// What a pod keeps about a model task it accepted: who asked, for what model, until when,
/// its rows encoded for the model (made on first use), the key sessions of secure rounds and
/// the round running now. It lives only in the pod.
struct PodTask {
    /// The signed request the pod accepted.
    let request: TaskRequest
    /// The model.
    let specification: ModelSpecification
    /// When the pod forgets the task unless it is used again.
    var expiresAt: Date
    /// The pod's rows encoded for the model, made by the first call that needs them.
    var encoded: EncodedPodData?
    /// The secure-aggregation session of each round that asked for a key share.
    var sessions: [Int: SecureAggregationPodSession] = [:]
    /// The state of each round of dropout-tolerant secure aggregation that advertised keys,
    /// until the pod answers its unmasking request.
    var dropoutTolerantRounds: [Int: SecAggPlusPod] = [:]
    /// The rounds whose sum the modeller may have unmasked with this pod's update in it: the
    /// pod's masked update left (every pod required), or it answered the unmasking request
    /// (pods may drop). The pod takes part in no other attempt of such a round: its update
    /// is the same in every attempt, so two sums over different pods would reveal it.
    var unmaskableRounds: Set<Int> = []
    /// The owner's signing key and the public keys of the other pods' owners, read from the
    /// home once per task: a key changed while a task is open takes effect in its next task.
    var signingKey: Curve25519.Signing.PrivateKey?
    var ownerKeys: [String: Curve25519.Signing.PublicKey] = [:]
    /// The round being trained, if any.
    var running: RunningRound?
    /// A differentially private task's noise and steps, set by its first round.
    var privacy: PrivacyState?

    /// The noise a pod chose for a differentially private task, and the steps it has taken.
    struct PrivacyState {
        /// The δ the task's ε holds for.
        let delta: Double
        /// DP-SGD's clipping and noise.
        let settings: DPSGDSettings
        /// The probability that a row joins a batch.
        let samplingRate: Double
        /// The steps the noise was chosen for: the task may take no more.
        let plannedSteps: Int
        /// Central DP counts one step a round; nil for DP-SGD, which counts its batches.
        let stepsPerRound: Int?
        /// The steps taken in rounds whose update left the pod.
        var stepsTaken = 0
    }

    /// Whether the modeller asked for per-row scores (a prediction task whose signed detail
    /// says so); the pod accepted the task only if its setting allows them.
    var rowScores: Bool {
        request.kind == .predict && request.detail == specification.taskDetail(rowScores: true)
    }

    /// A round in progress: how to stop it, and who waits for its end.
    struct RunningRound {
        /// The round, from 0.
        let round: Int
        /// Set to stop at the next batch boundary.
        let stop: StopFlag
        /// Callers of `closeTask` waiting for the round to end.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The modeller who opened the task.
    var modeller: String { request.modeller }
    /// The task's kind.
    var kind: TaskKind { request.kind }
}

extension Pod {
    /// Appends an event of a task (a round, an evaluation, the close) to the audit log,
    /// under the task's request: `accepted` false marks a failure, and `note` says what
    /// happened. The entry names `caller` when someone other than the task's modeller called.
    func appendTaskAudit(_ task: PodTask, accepted: Bool, note: String, caller: String? = nil, at date: Date = Date()) throws {
        try store.write { db in
            var row = AuditRow(id: nil, at: date, pod: identifier.description, modeller: caller ?? task.request.modeller,
                               taskKind: task.request.kind.rawValue,
                               taskPods: task.request.pods.map(\.description).joined(separator: ","),
                               secureAggregation: task.request.secureAggregation, requestID: task.request.id.uuidString,
                               accepted: accepted, reason: note)
            try row.insert(db)
        }
    }
}
