import Foundation
import Learning

/// The modeller's federated averaging task: `model.fit(pod_identifiers=[…], aggregator=…)`.
///
/// Design note. The modeller asks every pod at once to open the task (the pods judge role
/// and, for secure aggregation, approvals); it reports each answer and, unless
/// `require_all_pods` is false, stops before any training when one pod refuses. Then, per
/// round, every pod trains in parallel from the global parameters and sends back its change
/// (masked, when aggregation is secure: the modeller relays the pods' signed key shares
/// first and only ever holds the sum), its sample count and its validation metrics; the
/// modeller averages the changes (by sample count or equally) and applies them with the
/// server optimizer. A pod that fails aborts the round: the task stops with an error naming
/// it, or, when allowed, starts the round again without it (a new secure attempt, so no mask
/// is reused). Results are combined in the task's pod order and every pod's round is seeded
/// from the task seed, the round and the pod, so a run is bit-for-bit reproducible for a
/// given seed and pod set. Cancelling the run (the task consuming `run()`, or the stream)
/// stops every pod at its next batch boundary and closes the task at every pod.
public struct FederatedTraining: Sendable {
    /// Who runs the task.
    public let modeller: Modeller
    /// The pods asked, in the task's order.
    public let connections: [any PodConnection]
    /// The model.
    public let specification: ModelSpecification
    /// The protocol's options.
    public let options: FederatedAveragingOptions
    /// The rounds, from the model's epochs or steps and the update interval.
    public let plan: RoundPlan

    /// A training of `specification` on the pods reached by `connections`; checks the
    /// options against the model before anything is sent.
    public init(modeller: Modeller, connections: [any PodConnection], specification: ModelSpecification,
                options: FederatedAveragingOptions = FederatedAveragingOptions()) throws(TrainingError) {
        guard !connections.isEmpty else { throw .noPods }
        plan = try options.plan(for: specification.hyperparameters)
        if options.secureAggregation && connections.count < 2 {
            throw .secureAggregationNeedsTwoPods(pods: connections.map(\.identifier))
        }
        self.modeller = modeller
        self.connections = connections
        if specification.privacy?.mode == .central, !options.secureAggregation || options.weighting != .equal {
            throw .centralPrivacyOptions
        }
        if options.secureAggregationThreshold != nil || options.secureAggregationNeighbours != nil {
            guard options.toleratesDroppedPods else { throw .dropoutSettingsWithoutDropouts }
        }
        if options.toleratesDroppedPods {
            _ = try Self.dropoutTolerantSettings(
                placeholderContextFor: connections.map(\.identifier.description), options: options)
        }
        // Each pod chooses its noise for every round the task will ask of it.
        if var privacy = specification.privacy {
            privacy.rounds = plan.rounds
            self.specification = try specification.replacingPrivacy(privacy)
        } else {
            self.specification = specification
        }
        self.options = options
    }

    /// The pods asked, in the task's order.
    public var pods: [PodIdentifier] { connections.map(\.identifier) }

    /// The training's checkpoints in the hub's store, for `run(…, keepingCheckpoints: true)`
    /// and to find the state a run left.
    public var checkpoints: TrainingCheckpoints {
        TrainingCheckpoints(hub: modeller.hub, specification: specification, pods: pods, options: options)
    }

    /// Runs the task: its events as they happen, `finished` with the results last. The
    /// stream throws the error that stops the task. Ending the stream early (or cancelling
    /// the task reading it) cancels the task: every pod stops at its next batch boundary and
    /// closes it. With `state`, the training continues after the state's last complete round.
    /// With `keepingCheckpoints`, the state after every round is saved in `checkpoints` before
    /// its `checkpoint` event, and removed once the training has finished.
    public func run(resumingFrom state: TrainingState? = nil,
                    keepingCheckpoints: Bool = false) -> AsyncThrowingStream<TrainingEvent, any Error> {
        AsyncThrowingStream { continuation in
            let worker = Task {
                do {
                    let results = try await execute(resumingFrom: state, keepingCheckpoints: keepingCheckpoints) {
                        continuation.yield($0)
                    }
                    continuation.yield(.finished(results))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    // MARK: - The task

    private func execute(resumingFrom resume: TrainingState?, keepingCheckpoints: Bool,
                         emit: @escaping @Sendable (TrainingEvent) -> Void) async throws -> TrainingResults {
        var state = try initialState(resume)
        let hub = modeller.hub
        emit(.started(TrainingOverview(pods: pods, plan: plan, secureAggregation: options.secureAggregation,
                                       toleratesDroppedPods: options.toleratesDroppedPods,
                                       weighting: options.weighting, firstRound: state.completedRounds + 1)))
        let message = try ModelTaskRequest.signed(kind: .train, specification: specification, pods: pods,
                                                  secureAggregation: options.secureAggregation, by: modeller.identity)
        let task = message.task
        let run = try hub.startTaskRun(modeller: modeller.identity.name, kind: .train, pods: pods,
                                       secureAggregation: options.secureAggregation, detail: specification.taskDetail)
        var active: [any PodConnection] = []
        do {
            let responses = try await Modeller.open(message, at: connections)
            var refusals: [AccessDenied.Refusal] = []
            for (connection, response) in zip(connections, responses) {
                if let rejection = response.rejection {
                    let refusal = AccessDenied.Refusal(pod: response.pod, rejection: rejection)
                    refusals.append(refusal)
                    emit(.podRefused(refusal))
                } else {
                    active.append(connection)
                    emit(.podAccepted(response.pod))
                }
            }
            if active.isEmpty { throw TrainingError.noPodAccepted(refusals: refusals) }
            if options.requireAllPods && !refusals.isEmpty {
                throw AccessDenied(task: .train, refusals: refusals, pods: pods)
            }
            if options.secureAggregation && active.count < 2 {
                throw TrainingError.secureAggregationNeedsTwoPods(pods: active.map(\.identifier))
            }

            let selection = try TrainableSelection(specification: specification, parameters: state.parameters)
            let maximumSampleCount = try await Self.largestRowCount(active)
            var dropped: [DroppedPod] = []
            while state.completedRounds < plan.rounds {
                let round = state.completedRounds
                emit(.roundStarted(round: round + 1, rounds: plan.rounds, pods: active.map(\.identifier)))
                var attempt = 0
                while true {
                    if Task.isCancelled { throw TrainingError.cancelled(round: round) }
                    if active.isEmpty { throw TrainingError.allPodsDropped(round: round) }
                    if options.secureAggregation && active.count < 2 {
                        throw TrainingError.secureAggregationNeedsTwoPods(pods: active.map(\.identifier))
                    }
                    if options.toleratesDroppedPods, let threshold = options.secureAggregationThreshold, active.count < threshold {
                        throw TrainingError.secureAggregationBelowThreshold(
                            round: round, remaining: active.map(\.identifier), threshold: threshold, dropped: dropped.map(\.pod))
                    }
                    // A pod that fails is dropped for the rest of the task: it stops the task
                    // when every pod is required, and otherwise the task goes on without it.
                    func drop(_ failure: PodCallFailure) async throws {
                        guard !options.requireAllPods else {
                            if let column = failure.mismatchedColumn {
                                throw TrainingError.podDataDoesNotFit(pod: failure.pod, column: column, reason: failure.reason)
                            }
                            throw TrainingError.podFailed(pod: failure.pod, round: round, reason: failure.reason)
                        }
                        let drop = DroppedPod(pod: failure.pod, round: round + 1, reason: failure.reason)
                        dropped.append(drop)
                        emit(.podDropped(drop))
                        await Modeller.close(task, at: active.filter { $0.identifier == failure.pod }, after: failure)
                        active.removeAll { $0.identifier == failure.pod }
                    }
                    do {
                        let trained = options.toleratesDroppedPods
                            ? try await trainDropoutTolerantRound(round, attempt: attempt, task: task, pods: active,
                                                                  parameters: state.parameters,
                                                                  maximumSampleCount: maximumSampleCount, emit: emit)
                            : try await trainRound(round, attempt: attempt, task: task, pods: active,
                                                   parameters: state.parameters,
                                                   maximumSampleCount: maximumSampleCount, emit: emit)
                        let result = try aggregate(trained, round: round, selection: selection, state: &state)
                        // Pods that dropped inside a dropout-tolerant round are out of its sum
                        // (or, when they failed only to unmask, in it) and out of the task.
                        for failure in trained.dropped { try await drop(failure) }
                        emit(.roundFinished(result))
                        if keepingCheckpoints { try checkpoints.save(state) }
                        emit(.checkpoint(state))
                        break
                    } catch let failure as PodCallFailure {
                        if Task.isCancelled { throw TrainingError.cancelled(round: round) }
                        try await drop(failure)
                        attempt += 1
                    } catch let shortfall as SecureRoundShortfall {
                        // Too few pods got through one of SecAgg+'s steps: the round starts
                        // again, as a new attempt with fresh keys, without them.
                        if Task.isCancelled { throw TrainingError.cancelled(round: round) }
                        for failure in shortfall.failures { try await drop(failure) }
                        attempt += 1
                    } catch is CancellationError {
                        throw TrainingError.cancelled(round: round)
                    }
                }
            }

            var evaluation: EvaluationResults?
            if options.autoEval {
                let parameters = state.parameters
                let reports = try await Modeller.everyPod(active) { connection in
                    try await connection.evaluate(EvaluationRequest(task: task, parameters: parameters, part: .test))
                }
                let results = EvaluationResults(
                    part: .test, pods: reports,
                    pooled: try ClassificationMetrics.pooled(reports.map(\.metrics), classCount: specification.classes.count))
                evaluation = results
                emit(.evaluated(results))
            }
            await Modeller.close(task, at: active)
            let model = try TrainedModel(
                specification: specification, parameters: state.parameters,
                standardisation: ModelStandardisation(columns: specification.continuous, pods: state.standardisation ?? [:]),
                batchesTracked: state.batchesTracked(weighting: options.weighting))
            let summary = state.rounds.last.map { "accuracy \(String(format: "%.4f", $0.combined.accuracy)) after round \($0.round)" } ?? "no round run"
            try hub.finishTaskRun(run, status: .completed, detail: summary)
            if keepingCheckpoints {
                do {
                    try checkpoints.remove()
                } catch {
                    // The training is done and its results are good; a stale checkpoint only
                    // matters to a later resume, which the event lets the caller warn about.
                    emit(.checkpointNotRemoved(reason: "\(error)"))
                }
            }
            return TrainingResults(task: task, pods: active.map(\.identifier), refusals: refusals, dropped: dropped,
                                   state: state, evaluation: evaluation, model: model)
        } catch {
            await Modeller.close(task, at: active, after: error)
            let failure: any Error
            if error is CancellationError {
                failure = TrainingError.cancelled(round: state.completedRounds)
            } else {
                failure = Modeller.podError(error)
            }
            let cancelled = if case TrainingError.cancelled = failure { true } else { false }
            // The run's record is a courtesy; the error the user reads is the task's.
            try? hub.finishTaskRun(run, status: cancelled ? .cancelled : .failed, detail: failureReason(of: failure))
            throw failure
        }
    }

    /// The state to start from: the given one, checked, or round 0 with the model
    /// initialised from the specification's seed.
    private func initialState(_ resume: TrainingState?) throws(TrainingError) -> TrainingState {
        guard let resume else {
            return TrainingState(completedRounds: 0, parameters: try TrainedModel(initialising: specification).parameters,
                                 serverOptimizer: options.serverOptimizer, rounds: [])
        }
        guard (0...plan.rounds).contains(resume.completedRounds), resume.rounds.count == resume.completedRounds else {
            throw .stateDoesNotFit("it has \(resume.completedRounds) rounds done, this training \(plan.rounds) in all")
        }
        do {
            _ = try TrainedModel(specification: specification, parameters: resume.parameters)
        } catch {
            throw .stateDoesNotFit(error.message)
        }
        return resume
    }

    /// One attempt at a round: key shares first when secure, then every pod trains.
    private func trainRound(_ round: Int, attempt: Int, task: UUID, pods: [any PodConnection], parameters: ParameterSet,
                            maximumSampleCount: Int,
                            emit: @escaping @Sendable (TrainingEvent) -> Void) async throws -> TrainedRound {
        var aggregation = RoundAggregation.plain
        var context: SecureAggregationContext?
        if options.secureAggregation {
            let made = try secureContext(task: task, round: round, attempt: attempt, pods: pods, parameters: parameters,
                                         maximumSampleCount: maximumSampleCount)
            let shares = try await Modeller.everyPod(pods) { connection in
                try await connection.keyShare(SecureRoundSetup(task: task, context: made))
            }
            aggregation = .secure(context: made, keyShares: shares)
            context = made
        }
        let request = RoundRequest(task: task, round: round, parameters: parameters, epochs: plan.epochsPerRound,
                                   steps: plan.stepsPerRound, proximalMu: options.proximalMu, aggregation: aggregation)
        let updates = try await Modeller.everyPod(pods) { connection in
            try await Self.train(request, at: connection, emit: emit)
        }
        return TrainedRound(updates: updates, average: try average(of: updates, context: context, round: round), dropped: [])
    }

    /// The context of a secure round's attempt on `pods`: what every pod's masks bind.
    func secureContext(task: UUID, round: Int, attempt: Int, pods: [any PodConnection], parameters: ParameterSet,
                       maximumSampleCount: Int) throws -> SecureAggregationContext {
        do {
            return try SecureAggregationContext(
                taskIdentifier: task.uuidString, round: round, attempt: attempt,
                participants: pods.map(\.identifier.description), parameterCount: parameters.elementCount,
                weighting: options.weighting, maximumSampleCount: maximumSampleCount)
        } catch {
            throw TrainingError.aggregationFailed(round: round, reason: "\(error)")
        }
    }

    /// Trains `request`'s round at one pod, reporting its progress: its update.
    static func train(_ request: RoundRequest, at connection: any PodConnection,
                      emit: @escaping @Sendable (TrainingEvent) -> Void) async throws -> RoundUpdate {
        let pod = connection.identifier
        let round = request.round
        for try await event in connection.train(request) {
            switch event {
            case let .progress(progress):
                emit(.podProgress(pod: pod, round: round + 1, progress: progress))
            case let .finished(update):
                guard update.pod == pod, update.round == round else {
                    throw PodCallFailure(pod: pod, reason: "it answered for pod '\(update.pod)' round \(update.round + 1)")
                }
                emit(.podFinished(round: round + 1, metrics: PodRoundMetrics(update)))
                return update
            }
        }
        try Task.checkCancellation()
        throw PodCallFailure(pod: pod, reason: "it ended the round without sending an update")
    }

    /// The weighted average of a round's updates: their plain average, or the secure round's
    /// unmasked sum.
    private func average(of updates: [RoundUpdate], context: SecureAggregationContext?, round: Int) throws -> AggregatedUpdate {
        do {
            if let context {
                var sum = SecureAggregationRound(context: context)
                for update in updates {
                    guard case let .masked(masked) = update.contribution else {
                        throw PodCallFailure(pod: update.pod, reason: "it sent its update in the clear in a secure round")
                    }
                    try sum.add(masked)
                }
                return try sum.average()
            } else {
                let plain = try updates.map { update in
                    guard case let .plain(delta) = update.contribution else {
                        throw PodCallFailure(pod: update.pod, reason: "it sent a masked update in a plain round")
                    }
                    return ParameterUpdate(pod: update.pod.description, delta: delta, sampleCount: update.sampleCount)
                }
                return try PlainAggregator(weighting: options.weighting).aggregate(plain)
            }
        } catch let failure as PodCallFailure {
            throw failure
        } catch {
            throw TrainingError.aggregationFailed(round: round, reason: "\(error)")
        }
    }

    /// Applies a round's average to the global parameters and returns the round's row of
    /// results, from the updates of the pods in the average.
    private func aggregate(_ trained: TrainedRound, round: Int, selection: TrainableSelection,
                           state: inout TrainingState) throws -> RoundResult {
        let updates = trained.updates
        let average = trained.average
        var next = state
        do {
            try selection.apply(average.delta, to: &next.parameters, optimizer: &next.serverOptimizer)
        } catch {
            throw TrainingError.aggregationFailed(round: round, reason: "\(error)")
        }
        if let tensor = next.parameters.firstNonFiniteTensor {
            throw TrainingError.aggregationFailed(round: round, reason: "parameter '\(tensor)' is not finite: training diverged; lower the learning rate")
        }
        // Pooled from the pods' counts and histograms; the round's row keeps the metrics and
        // counts but not the histograms, which would grow every checkpoint by tens of
        // kilobytes a pod a round.
        let combined = try ClassificationMetrics.pooled(updates.map(\.validation), classCount: specification.classes.count)
        let pods = updates.map(PodRoundMetrics.init)
        let samples = pods.reduce(0) { $0 + $1.sampleCount }
        let loss = pods.reduce(0.0) { $0 + $1.trainingLoss * Double($1.sampleCount) } / Double(max(samples, 1))
        let result = RoundResult(round: round + 1, pods: pods, combined: combined.droppingScoreHistograms(), trainingLoss: loss)
        next.completedRounds += 1
        next.rounds.append(result)
        var standardisation = next.standardisation ?? [:]
        for update in updates where update.standardisation.count == specification.continuous.count {
            standardisation[update.pod.description] = update.standardisation
        }
        next.standardisation = standardisation
        state = next
        return result
    }

    /// The most rows any of the pods holds: the bound on a pod's weight in a secure round.
    static func largestRowCount(_ pods: [any PodConnection]) async throws -> Int {
        var largest = 1
        for pod in pods { largest = max(largest, try await pod.describe().rowCount) }
        return largest
    }
}

/// One attempt at a round that went through: the updates of the pods in the average, the
/// average, and the pods that dropped inside the round (dropout-tolerant secure aggregation).
struct TrainedRound {
    /// The updates of the pods whose changes the average holds, for the round's metrics.
    let updates: [RoundUpdate]
    /// Their weighted average change.
    let average: AggregatedUpdate
    /// Pods that failed during the round without stopping it.
    let dropped: [PodCallFailure]
}

/// Where the trainable tensors lie in a model's flat parameters: the server optimizer moves
/// those, while batch-norm running statistics, which no gradient drives, take the plain
/// average of the pods' values.
struct TrainableSelection: Sendable {
    /// The index ranges of trainable tensors in the flat vector, in order.
    let ranges: [Range<Int>]

    /// The trainable ranges of `specification`'s model, laid out as `parameters`.
    init(specification: ModelSpecification, parameters: ParameterSet) throws(TrainingError) {
        let trainable = Set(try specification.makeClassifier().trainableNames)
        var ranges: [Range<Int>] = []
        var offset = 0
        for tensor in parameters.tensors {
            if trainable.contains(tensor.name) { ranges.append(offset..<(offset + tensor.count)) }
            offset += tensor.count
        }
        self.ranges = ranges
    }

    /// Moves `parameters` by the averaged `delta`: the trainable part through `optimizer`,
    /// the rest by the delta itself.
    func apply(_ delta: [Float], to parameters: inout ParameterSet, optimizer: inout ServerOptimizer) throws {
        var values = parameters.values
        guard delta.count == values.count else {
            throw AggregationError.parameterCountMismatch(parameters: values.count, delta: delta.count)
        }
        var trainable: [Float] = []
        var trainableDelta: [Float] = []
        for range in ranges {
            trainable.append(contentsOf: values[range])
            trainableDelta.append(contentsOf: delta[range])
        }
        try optimizer.apply(averageDelta: trainableDelta, to: &trainable)
        var isTrainable = [Bool](repeating: false, count: values.count)
        var position = 0
        for range in ranges {
            values.replaceSubrange(range, with: trainable[position..<(position + range.count)])
            for index in range { isTrainable[index] = true }
            position += range.count
        }
        for index in values.indices where !isTrainable[index] { values[index] += delta[index] }
        parameters = try parameters.replacingValues(with: values)
    }
}
