/// What a federated training reports as it goes, in this order: `started`; one `podAccepted`
/// or `podRefused` per pod (in the task's pod order); per round `roundStarted`, then
/// `podProgress` and `podFinished` as the pods work (interleaved as they happen),
/// `podDropped` when a pod fails and the task goes on without it (the round then starts
/// again, except under dropout-tolerant secure aggregation, which finishes it with the
/// survivors and reports the drops just before `roundFinished`), `roundFinished` and
/// `checkpoint`; `evaluated` when `auto_eval` is on; `checkpointNotRemoved` if the finished
/// training's checkpoint could not be removed; `finished` last.
public enum TrainingEvent: Sendable, Equatable {
    /// The task is about to be sent: the pods asked and the rounds planned.
    case started(TrainingOverview)
    /// A pod accepted the task.
    case podAccepted(PodIdentifier)
    /// A pod refused the task, with its reason.
    case podRefused(AccessDenied.Refusal)
    /// A round begins (`round` from 1) on `pods`.
    case roundStarted(round: Int, rounds: Int, pods: [PodIdentifier])
    /// A pod finished a batch of round `round` (from 1).
    case podProgress(pod: PodIdentifier, round: Int, progress: PodProgress)
    /// A pod finished its local training of round `round` (from 1).
    case podFinished(round: Int, metrics: PodRoundMetrics)
    /// A pod failed in round `round` (from 1); the task goes on without it.
    case podDropped(DroppedPod)
    /// A round is aggregated: its metrics per pod and combined.
    case roundFinished(RoundResult)
    /// Right after `roundFinished`: everything needed to continue from here (a checkpoint;
    /// already saved in the hub's store when the run keeps checkpoints).
    case checkpoint(TrainingState)
    /// The final model's test metrics (`auto_eval`).
    case evaluated(EvaluationResults)
    /// The training finished but its saved checkpoint could not be removed, for `reason`: a
    /// later identical run with `resume` would start from it.
    case checkpointNotRemoved(reason: String)
    /// The task is complete.
    case finished(TrainingResults)
}

/// What a training is about to do, for its first lines of output.
public struct TrainingOverview: Sendable, Codable, Equatable {
    /// The pods asked, in the task's order.
    public let pods: [PodIdentifier]
    /// The rounds and the local training of each.
    public let plan: RoundPlan
    /// Whether updates are combined by secure aggregation.
    public let secureAggregation: Bool
    /// Whether secure rounds go on without pods that drop (SecAgg+).
    public let toleratesDroppedPods: Bool
    /// How pods are weighted.
    public let weighting: AggregationWeighting
    /// The first round to run, from 1 (above 1 when resuming).
    public let firstRound: Int
}

extension AsyncThrowingStream where Element == TrainingEvent, Failure == any Error {
    /// Reads a training's events to the end, handing each to `observe`, and returns the
    /// results its `finished` event carries, on the caller's executor. An error `observe`
    /// throws stops the training.
    nonisolated(nonsending) public func results(observing observe: (TrainingEvent) throws -> Void = { _ in }) async throws -> TrainingResults {
        for try await event in self {
            try observe(event)
            if case .finished(let results) = event { return results }
        }
        // The stream ends without results only when the task reading it is cancelled.
        throw CancellationError()
    }
}
