import Crypto
import Foundation
import Learning

/// The pod's side of model tasks: it opens a task after judging its request, trains rounds,
/// hands out key shares for secure rounds, evaluates and predicts, and closes the task.
///
/// Training and scoring run on a thread of their own per call (`DedicatedThread`) with
/// values taken from the actor, so the actor stays free to answer other calls meanwhile.
/// Every accepted or refused task, every round (trained, failed or cancelled), every
/// evaluation and prediction, and every close goes to the pod's audit log.
extension Pod {
    /// Judges a model task request (identity, roles, approvals for secure aggregation, that
    /// the specification is the signed one) and keeps the task when it accepts.
    func openTask(_ message: ModelTaskRequest, now: Date = Date()) throws -> TaskResponse {
        pruneExpiredTasks(now: now)
        let specification = message.specification
        let rowScores = message.request.kind == .predict && message.request.detail == specification.taskDetail(rowScores: true)
        let response = try answer(message.request, expecting: [.train, .evaluate, .predict],
                                  detail: specification.taskDetail(rowScores: rowScores), rowScores: rowScores,
                                  privacy: specification.privacy, now: now)
        if response.isAccepted {
            tasks[message.task] = PodTask(request: message.request, specification: message.specification,
                                          expiresAt: now.addingTimeInterval(Self.taskIdleTimeout))
        }
        return response
    }

    /// Trains one round: progress after every batch, then the update. Cancelling the stream
    /// (or the task consuming it) stops the training at the next batch boundary.
    nonisolated func train(_ request: RoundRequest, caller: String) -> AsyncThrowingStream<RoundEvent, any Error> {
        AsyncThrowingStream { continuation in
            let worker = Task {
                do {
                    let update = try await self.runRound(request, caller: caller) { continuation.yield(.progress($0)) }
                    continuation.yield(.finished(update))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    /// This pod's signed key share for a secure round of an open training task.
    func keyShare(_ setup: SecureRoundSetup, caller: String) throws -> SignedKeyShare {
        let task = try openTask(setup.task, for: "secure aggregation", kinds: [.train], caller: caller)
        return try audited(task) { () throws(TrainingError) -> SignedKeyShare in
            let context = setup.context
            try checkSecureRound(context, of: task)
            let session: SecureAggregationPodSession
            do {
                session = try SecureAggregationPodSession(pod: identifier.description, identity: try signingKey(task: setup.task), context: context)
            } catch let error as TrainingError {
                throw error
            } catch {
                throw .secureRoundRefused(pod: identifier, reason: "\(error)")
            }
            tasks[setup.task]?.sessions[context.round] = session
            return session.keyShare
        }
    }

    /// Answers a step of a dropout-tolerant secure round (SecAgg+) of an open training task:
    /// advertises fresh keys, shares them with the neighbours, or gives the shares that
    /// unmask the sum. The round's state stays with the task until the pod has answered the
    /// unmasking request; a refused step ends the pod's part in the round.
    func secureAggregationStep(_ request: SecAggPlusStepRequest, caller: String) throws -> SecAggPlusStepAnswer {
        let task = try openTask(request.task, for: "secure aggregation", kinds: [.train], caller: caller)
        let settings = request.settings
        let round = settings.context.round
        let answer = try audited(task) { () throws(TrainingError) -> SecAggPlusStepAnswer in
            func state() throws(TrainingError) -> SecAggPlusPod {
                guard let state = task.dropoutTolerantRounds[round], state.settings == settings else {
                    throw .noSecureSession(pod: identifier, round: round)
                }
                return state
            }
            do {
                switch request.step {
                case .advertiseKeys:
                    try checkSecureRound(settings.context, of: task)
                    let state = try SecAggPlusPod(pod: identifier.description, identity: try signingKey(task: request.task), settings: settings)
                    tasks[request.task]?.dropoutTolerantRounds[round] = state
                    return .advertisement(state.advertisement)
                case let .shareKeys(advertisements):
                    var state = try state()
                    let sealed = try state.shareKeys(advertisements: advertisements, identities: try peerIdentities(settings.context, task: request.task))
                    tasks[request.task]?.dropoutTolerantRounds[round] = state
                    return .sealedShares(sealed)
                case let .unmask(unmasking):
                    var state = try state()
                    let response = try state.unmask(unmasking)
                    // The round's secrets have done their work; nothing may ask for them again.
                    tasks[request.task]?.dropoutTolerantRounds[round] = nil
                    tasks[request.task]?.unmaskableRounds.insert(round)
                    return .unmasking(response)
                }
            } catch {
                tasks[request.task]?.dropoutTolerantRounds[round] = nil
                throw (error as? TrainingError) ?? .secureRoundRefused(pod: identifier, reason: "\(error)")
            }
        }
        if case let .unmasking(response) = answer {
            try appendTaskAudit(task, accepted: true, note: "round \(round + 1): unmasking answered with self-mask shares of "
                                + response.selfMaskShares.keys.sorted().joined(separator: ", ") + " (survived)"
                                + (response.maskingKeyShares.isEmpty ? "" : " and masking-key shares of "
                                   + response.maskingKeyShares.keys.sorted().joined(separator: ", ") + " (dropped)"))
        }
        return answer
    }

    /// Checks that a secure round of `task` fits what the pod accepted: a secure task, this
    /// task, pods the signed request named, this pod among them.
    private func checkSecureRound(_ context: SecureAggregationContext, of task: PodTask) throws(TrainingError) {
        guard task.request.secureAggregation else {
            throw .secureRoundRefused(pod: identifier, reason: "the task was accepted without secure aggregation")
        }
        guard !task.unmaskableRounds.contains(context.round) else {
            throw .secureRoundRefused(
                pod: identifier,
                reason: "this pod's update of round \(context.round + 1) is in a sum the modeller could unmask already; "
                    + "it takes part in no other attempt of the round, whose sum would reveal its update as the difference")
        }
        guard context.taskIdentifier == task.request.id.uuidString else {
            throw .secureRoundRefused(pod: identifier, reason: "the round names task '\(context.taskIdentifier)', not this one")
        }
        let taskPods = Set(task.request.pods.map(\.description))
        if let outsider = context.participants.first(where: { !taskPods.contains($0) }) {
            throw .secureRoundRefused(pod: identifier, reason: "'\(outsider)' is not one of the pods the signed request named")
        }
        guard context.participants.contains(identifier.description) else {
            throw .secureRoundRefused(pod: identifier, reason: "the round does not list this pod")
        }
    }

    /// The metrics of a model on one part of this pod's split.
    func evaluate(_ request: EvaluationRequest, caller: String) async throws -> EvaluationReport {
        let task = try openTask(request.task, for: "evaluation", kinds: [.train, .evaluate], caller: caller)
        let rows = try audited(task) { () throws(TrainingError) in try encoded(request.task).part(request.part) }
        let specification = task.specification
        let parameters = request.parameters
        let pod = identifier
        do {
            let metrics = try await DedicatedThread.run(name: "bf pod \(pod.name) evaluation") {
                () throws(TrainingError) -> ClassificationMetrics in
                let classifier = try Self.classifier(specification, parameters, pod: pod)
                do throws(LearningError) {
                    return try LocalRound.metrics(of: classifier, on: rows)
                } catch {
                    throw .localTrainingFailed(pod: pod, reason: error.description)
                }
            }
            try appendTaskAudit(task, accepted: true, note: "evaluated the model on \(rows.rowCount) \(request.part.rawValue) rows: "
                                + "accuracy \(Self.format(metrics.accuracy))")
            return EvaluationReport(pod: identifier, part: request.part, metrics: metrics)
        } catch {
            try appendTaskAudit(task, accepted: false, note: "evaluation failed: \(error)")
            throw error
        }
    }

    /// Aggregate counts of a model's predictions on one part of this pod's split, and each
    /// test row's scores when the task asked for them (which the pod accepted only if its
    /// `allow_row_predictions` setting allows it).
    func predict(_ request: PredictionRequest, caller: String) async throws -> PredictionSummary {
        let task = try openTask(request.task, for: "prediction", kinds: [.predict], caller: caller)
        let (rows, positions) = try audited(task) { () throws(TrainingError) -> (TabularDataset, [Int]) in
            let data = try encoded(request.task)
            if task.rowScores && request.part != .test {
                throw .operationNotInTask(operation: "per-row scores of \(request.part.rawValue) rows", kind: task.kind, pod: identifier)
            }
            return (data.part(request.part), data.testPositions)
        }
        let specification = task.specification
        let parameters = request.parameters
        let pod = identifier
        do {
            let probabilities = try await DedicatedThread.run(name: "bf pod \(pod.name) prediction") {
                () throws(TrainingError) -> [Float] in
                let classifier = try Self.classifier(specification, parameters, pod: pod)
                do throws(LearningError) {
                    return try classifier.predictProbabilities(rows)
                } catch {
                    throw .localTrainingFailed(pod: pod, reason: error.description)
                }
            }
            let classCount = specification.target.encoder.count
            var counts = [Int](repeating: 0, count: classCount)
            var sums = [Double](repeating: 0, count: classCount)
            for row in 0..<rows.rowCount {
                var best = 0
                for k in 0..<classCount {
                    let p = probabilities[row * classCount + k]
                    sums[k] += Double(p)
                    if p > probabilities[row * classCount + best] { best = k }
                }
                counts[best] += 1
            }
            let divisor = Double(max(rows.rowCount, 1))
            let scores = task.rowScores ? RowScores(testRows: positions, probabilities: probabilities) : nil
            try appendTaskAudit(task, accepted: true, note: "predicted on \(rows.rowCount) \(request.part.rawValue) rows; "
                                + (scores == nil ? "sent class counts only" : "sent class counts and each row's scores (allow_row_predictions)"))
            return PredictionSummary(pod: identifier, part: request.part, rowCount: rows.rowCount, predictedCounts: counts,
                                     meanProbabilities: sums.map { $0 / divisor }, rows: scores)
        } catch {
            try appendTaskAudit(task, accepted: false, note: "prediction failed: \(error)")
            throw error
        }
    }

    /// Closes a task: stops its running round at the next batch boundary and waits for it,
    /// then forgets the task. Closing a task the pod does not hold does nothing; only the
    /// modeller who opened a task may close it.
    func closeTask(_ id: UUID, caller: String) async throws {
        guard let task = tasks[id] else { return }
        try checkOpener(of: task, id: id, caller: caller, for: "closing the task")
        if let running = task.running {
            running.stop.set()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                tasks[id]?.running?.waiters.append(continuation)
            }
        }
        tasks[id] = nil
        if task.kind == .train && task.specification.privacy != nil { try store.releasePrivacy(task: id, pod: identifier) }
        try appendTaskAudit(task, accepted: true, note: "task closed")
    }

    // MARK: - Rounds

    /// Runs a round from start to end: checks it, trains on a thread of its own, records it.
    private func runRound(_ request: RoundRequest, caller: String,
                          progress: @escaping @Sendable (PodProgress) -> Void) async throws -> RoundUpdate {
        // A new round supersedes one still running (a modeller retrying a round after a pod
        // dropped): the old one stops at its next batch boundary first.
        while let running = tasks[request.task]?.running {
            running.stop.set()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                tasks[request.task]?.running?.waiters.append(continuation)
            }
        }
        let (round, stop) = try beginRound(request, caller: caller)
        let outcome: Result<LocalRound.Outcome, any Error>
        do {
            let pod = identifier
            outcome = .success(try await withTaskCancellationHandler {
                try await DedicatedThread.run(name: "bf pod \(pod.name) round \(request.round + 1)") {
                    try round.run(stop: stop, progress: progress)
                }
            } onCancel: {
                stop.set()
            })
        } catch {
            outcome = .failure(error)
        }
        return try endRound(request, outcome: outcome)
    }

    /// Checks a round request against its task and marks the round running.
    private func beginRound(_ request: RoundRequest, caller: String) throws -> (LocalRound, StopFlag) {
        let task = try openTask(request.task, for: "training", kinds: [.train], caller: caller)
        return try audited(task, failure: "round \(request.round + 1) refused") { () throws(TrainingError) -> (LocalRound, StopFlag) in
            var hyperparameters = task.specification.hyperparameters
            hyperparameters.epochs = request.epochs
            hyperparameters.steps = request.steps
            hyperparameters.seed = LocalRound.seed(taskSeed: task.specification.hyperparameters.seed, round: request.round, pod: identifier)
            do throws(LearningError) {
                try hyperparameters.validate()
            } catch {
                throw .invalidModel(error)
            }
            if let mu = request.proximalMu, !(mu.isFinite && mu >= 0) { throw .invalidProximalCoefficient(mu) }
            var secure: LocalRound.Masking?
            switch request.aggregation {
            case .plain:
                guard !task.request.secureAggregation else {
                    throw .secureRoundRefused(pod: identifier, reason: "the task was accepted for secure aggregation, so this pod never sends its update in the clear")
                }
            case let .secure(context, keyShares):
                guard let session = task.sessions[request.round], session.context == context else {
                    throw .noSecureSession(pod: identifier, round: request.round)
                }
                secure = .pairwise(session: session, keyShares: keyShares, identities: try peerIdentities(context, task: request.task))
            case let .dropoutTolerant(settings, shares):
                guard task.request.secureAggregation else {
                    throw .secureRoundRefused(pod: identifier, reason: "the task was accepted without secure aggregation")
                }
                guard let state = task.dropoutTolerantRounds[request.round], state.settings == settings,
                      state.phase == .sharedKeys else {
                    throw .noSecureSession(pod: identifier, round: request.round)
                }
                secure = .dropoutTolerant(state: state, shares: shares)
            }
            let data = try encoded(request.task)
            var centralNoise: LocalRound.CentralNoise?
            if let privacy = task.specification.privacy {
                let state = try privateTraining(task, privacy, round: request, trainingRows: data.train.rowCount)
                switch privacy.mode {
                case .local:
                    hyperparameters.privacy = state.settings
                case .central:
                    // The pods' shares of the noise add up to σ·C only in the sum that secure
                    // aggregation reveals; an update sent alone would carry too little. When
                    // pods may drop, each adds the share of the fewest pods that can finish the
                    // round (the threshold), so any sum the modeller unmasks carries at least σ·C.
                    guard let secure else {
                        throw .privacyBudgetRefused(pod: identifier, reason: "central differential privacy needs secure aggregation")
                    }
                    centralNoise = LocalRound.CentralNoise(
                        maxNorm: state.settings.maxGradNorm,
                        deviation: state.settings.noiseMultiplier * state.settings.maxGradNorm
                            / Double(secure.fewestPodsInSum).squareRoot())
                }
            }
            let stop = StopFlag()
            tasks[request.task]?.running = PodTask.RunningRound(round: request.round, stop: stop)
            // A session masks one update: a retried round gets a new key share. A
            // dropout-tolerant round's state moves into the round and comes back masked, so
            // no other call can mask with it meanwhile.
            tasks[request.task]?.sessions[request.round] = nil
            tasks[request.task]?.dropoutTolerantRounds[request.round] = nil
            let round = LocalRound(pod: identifier, round: request.round, specification: task.specification, data: data,
                                   parameters: request.parameters, hyperparameters: hyperparameters,
                                   proximalMu: request.proximalMu, secure: secure, centralNoise: centralNoise)
            return (round, stop)
        }
    }

    /// Marks the round over, records how it ended and wakes whoever waits for it; returns the
    /// update to send. A differentially private round's spending is written to the privacy
    /// ledger before its update may leave.
    private func endRound(_ request: RoundRequest, outcome: Result<LocalRound.Outcome, any Error>) throws -> RoundUpdate {
        guard var task = tasks[request.task] else { return try outcome.get().update }
        let waiters = task.running?.waiters ?? []
        task.running = nil
        task.expiresAt = Date().addingTimeInterval(Self.taskIdleTimeout)
        tasks[request.task] = task
        defer { for waiter in waiters { waiter.resume() } }
        let number = request.round + 1
        switch outcome {
        case let .success(trained):
            var update = trained.update
            var spending = ""
            if var privacy = task.privacy {
                privacy.stepsTaken += privacy.stepsPerRound == nil ? update.steps : 1
                let spent = try audited(task, failure: "round \(number): update withheld") { () throws(TrainingError) in
                    try Self.privacySpent(privacy, pod: identifier)
                }
                try store.recordPrivacySpent(task: request.task, pod: identifier, epsilon: spent.epsilon, heldUntil: task.expiresAt)
                tasks[request.task]?.privacy = privacy
                update.privacy = PrivacySpentReport(
                    epsilon: spent.epsilon, delta: privacy.delta, noiseMultiplier: privacy.settings.noiseMultiplier,
                    steps: privacy.stepsTaken, samplingRate: privacy.samplingRate)
                spending = (privacy.stepsPerRound == nil ? "DP-SGD" : "central DP, update clipped and noised,")
                    + " with noise multiplier \(Self.format(privacy.settings.noiseMultiplier)), "
                    + "\(privacy.stepsTaken) of \(privacy.plannedSteps) steps: \(update.privacy?.summary ?? "") spent; "
            }
            let mode = task.request.secureAggregation ? "masked" : "in the clear"
            try appendTaskAudit(task, accepted: true, note: "round \(number): trained \(update.steps) batches on \(update.sampleCount) rows, "
                                + "loss \(Self.format(update.trainingLoss)), validation accuracy \(Self.format(update.validation.accuracy)); "
                                + spending
                                + (update.standardisation.isEmpty ? "" : "the training rows' count, mean and deviation of each continuous input sent; ")
                                + "update sent \(mode)")
            tasks[request.task]?.dropoutTolerantRounds[request.round] = trained.dropoutTolerantState
            if case .secure = request.aggregation { tasks[request.task]?.unmaskableRounds.insert(request.round) }
            return update
        case let .failure(TrainingError.roundCancelled(_, _, batches)):
            try appendTaskAudit(task, accepted: false, note: "round \(number): cancelled after batch \(batches)")
        case let .failure(error):
            try appendTaskAudit(task, accepted: false, note: "round \(number) failed: \(error)")
        }
        return try outcome.get().update
    }

    /// The privacy settings of a round of a differentially private task. The first round
    /// chooses the noise: the smallest multiplier whose ε after every planned step is within
    /// the task's ε. A step is a DP-SGD batch (local mode: the request's rounds of this
    /// round's batches, sampled from this pod's training rows) or a round (central mode: every
    /// pod's update in every round, so q = 1). A round that would pass the plan is refused.
    private func privateTraining(_ task: PodTask, _ request: PrivacyRequest, round: RoundRequest,
                                 trainingRows: Int) throws(TrainingError) -> PodTask.PrivacyState {
        let batchSize = task.specification.hyperparameters.batchSize
        let central = request.mode == .central
        let (batchesPerEpoch, rate) = central ? (1, 1.0) : DPSGDSettings.sampling(rows: trainingRows, batchSize: batchSize)
        let roundSteps = central ? 1 : round.steps ?? (round.epochs ?? 1) * batchesPerEpoch
        var state: PodTask.PrivacyState
        if let existing = task.privacy {
            state = existing
        } else {
            let delta = request.delta ?? (try? privacyPolicy())?.delta ?? PrivacyRequest.defaultDelta
            let (planned, overflow) = request.rounds.multipliedReportingOverflow(by: roundSteps)
            guard !overflow, planned <= TrainingHyperparameters.maximumSteps else {
                throw .privacyBudgetRefused(pod: identifier, reason: "\(request.rounds) rounds of \(roundSteps) steps are more than bf plans for")
            }
            let sigma: Double
            do throws(LearningError) {
                sigma = try RDPAccountant.noiseMultiplier(epsilon: request.epsilon, delta: delta, samplingRate: rate, steps: planned)
            } catch {
                throw .privacyBudgetRefused(pod: identifier, reason: error.description)
            }
            state = PodTask.PrivacyState(delta: delta, settings: DPSGDSettings(maxGradNorm: request.maxGradNorm, noiseMultiplier: sigma),
                                         samplingRate: rate, plannedSteps: planned, stepsPerRound: central ? 1 : nil)
            tasks[round.task]?.privacy = state
        }
        guard state.stepsTaken + roundSteps <= state.plannedSteps else {
            throw .privacyBudgetRefused(
                pod: identifier,
                reason: "round \(round.round + 1) would take DP-SGD to \(state.stepsTaken + roundSteps) steps, past the "
                    + "\(state.plannedSteps) its noise was chosen for (\(request.rounds) round\(request.rounds == 1 ? "" : "s")), "
                    + "so the task would spend more than ε \(PrivacySpentReport.format(request.epsilon))")
        }
        return state
    }

    /// ε spent by a private task's steps so far.
    private static func privacySpent(_ state: PodTask.PrivacyState, pod: PodIdentifier) throws(TrainingError) -> PrivacySpent {
        do throws(LearningError) {
            return try RDPAccountant.epsilon(samplingRate: state.samplingRate, noiseMultiplier: state.settings.noiseMultiplier,
                                             steps: state.stepsTaken, delta: state.delta)
        } catch {
            throw .privacyBudgetRefused(pod: pod, reason: error.description)
        }
    }

    // MARK: - Helpers

    /// The open task `id` of one of `kinds`, its expiry pushed back, when `caller` opened it.
    private func openTask(_ id: UUID, for operation: String, kinds: [TaskKind], caller: String,
                          now: Date = Date()) throws(TrainingError) -> PodTask {
        pruneExpiredTasks(now: now)
        guard var task = tasks[id] else { throw .unknownTask(task: id, pod: identifier) }
        try checkOpener(of: task, id: id, caller: caller, for: operation)
        guard kinds.contains(task.kind) else {
            throw .operationNotInTask(operation: operation, kind: task.kind, pod: identifier)
        }
        task.expiresAt = now.addingTimeInterval(Self.taskIdleTimeout)
        tasks[id] = task
        return task
    }

    /// Refuses, and records in the audit log under the caller, a call on a task from anyone
    /// but the modeller who opened it (and signed its request): a task's model, rounds and
    /// secure-aggregation secrets are theirs alone.
    private func checkOpener(of task: PodTask, id: UUID, caller: String, for operation: String) throws(TrainingError) {
        guard caller != task.request.modeller else { return }
        // The refusal stands whether or not the log could be written.
        try? appendTaskAudit(task, accepted: false, note: "\(operation) refused: the task belongs to another modeller",
                             caller: caller)
        throw .taskOfAnotherModeller(task: id, pod: identifier)
    }

    /// Forgets tasks idle past their expiry (never one with a round running).
    private func pruneExpiredTasks(now: Date) {
        tasks = tasks.filter { $0.value.running != nil || $0.value.expiresAt > now }
    }

    /// The task's rows encoded for its model, made on first use and kept with the task.
    private func encoded(_ id: UUID) throws(TrainingError) -> EncodedPodData {
        guard let task = tasks[id] else { throw .unknownTask(task: id, pod: identifier) }
        if let encoded = task.encoded { return encoded }
        let columns = task.specification.encodingKey
        if let cached = lastEncoding, cached.columns == columns {
            tasks[id]?.encoded = cached.data
            return cached.data
        }
        let table: Dataset
        do {
            table = try dataset()
        } catch {
            throw .localTrainingFailed(pod: identifier, reason: "its data cannot be loaded: \(error)")
        }
        let encoded = try EncodedPodData(table, specification: task.specification, pod: identifier)
        tasks[id]?.encoded = encoded
        lastEncoding = (columns, encoded)
        return encoded
    }

    /// Runs `body`; when it throws, records the failure under the task first.
    private func audited<T>(_ task: PodTask, failure: String? = nil, _ body: () throws(TrainingError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            try appendTaskAudit(task, accepted: false, note: (failure.map { $0 + ": " } ?? "") + error.message)
            throw error
        }
    }

    /// The pod's identity key: its owner's, which the hub holds the public half of (each
    /// pod's key shares are signed by the user who runs it). Read once per task: a secure
    /// round needs it at every step.
    private func signingKey(task: UUID) throws(TrainingError) -> Curve25519.Signing.PrivateKey {
        if let key = tasks[task]?.signingKey { return key }
        let key = try readSigningKey()
        tasks[task]?.signingKey = key
        return key
    }

    /// The owner's signing key from its key file, checked against the key the hub holds.
    private func readSigningKey() throws(TrainingError) -> Curve25519.Signing.PrivateKey {
        // The store lives at <home>/hub.sqlite, next to the users' key files.
        let home = URL(fileURLWithPath: store.path).deletingLastPathComponent()
        let owner = identifier.owner
        guard FileManager.default.fileExists(atPath: LocalIdentity.keyFile(for: owner, home: home).path) else {
            throw .podIdentityKey(pod: identifier, reason: "the key of its owner '\(owner)' is not in this bf home")
        }
        let identity: LocalIdentity
        let registered: Data?
        do {
            identity = try LocalIdentity.loadOrCreate(name: owner, home: home)
            registered = try store.publicKey(of: owner)
        } catch {
            throw .podIdentityKey(pod: identifier, reason: "\(error)")
        }
        guard registered == identity.publicKey else {
            throw .podIdentityKey(pod: identifier, reason: "the key file of its owner '\(owner)' is not the key the hub holds")
        }
        return identity.signingKey
    }

    /// The identity keys of the other participants of a secure round: their owners' keys, each
    /// read from the hub once per task (many pods share an owner; every round needs them).
    private func peerIdentities(_ context: SecureAggregationContext, task: UUID) throws(TrainingError) -> [String: Curve25519.Signing.PublicKey] {
        var identities: [String: Curve25519.Signing.PublicKey] = [:]
        for participant in context.participants where participant != identifier.description {
            do {
                let owner = try PodIdentifier(parsing: participant).owner
                if let known = tasks[task]?.ownerKeys[owner] {
                    identities[participant] = known
                    continue
                }
                guard let raw = try store.publicKey(of: owner) else {
                    throw TrainingError.secureRoundRefused(pod: identifier, reason: "the hub has no key for '\(owner)', the owner of '\(participant)'")
                }
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
                tasks[task]?.ownerKeys[owner] = key
                identities[participant] = key
            } catch let error as TrainingError {
                throw error
            } catch {
                throw .secureRoundRefused(pod: identifier, reason: "the identity of '\(participant)' cannot be checked: \(error)")
            }
        }
        return identities
    }

    /// A classifier of `specification` holding `parameters`.
    private static func classifier(_ specification: ModelSpecification, _ parameters: ParameterSet, pod: PodIdentifier) throws(TrainingError) -> TabularClassifier {
        let classifier = try specification.makeClassifier()
        do throws(LearningError) {
            try classifier.load(parameters)
        } catch {
            throw .parametersDoNotFit(pod: pod, reason: error.description)
        }
        return classifier
    }

    /// A metric with four decimals, for the audit log.
    private static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}
