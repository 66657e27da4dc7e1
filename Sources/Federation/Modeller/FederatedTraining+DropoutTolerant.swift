import Foundation
import Learning

/// Too few pods got through a step of a dropout-tolerant secure round for it to finish:
/// the pods that failed, to drop before the round starts again as a new attempt.
struct SecureRoundShortfall: Error {
    /// Every pod that failed during the attempt.
    let failures: [PodCallFailure]
}

extension FederatedTraining {
    /// One attempt at a round under dropout-tolerant secure aggregation (SecAgg+; see
    /// `SecAggPlusPod` for the pods' side and `SecAggPlusServer` for the modeller's).
    ///
    /// Each step asks every pod still in the round at once and waits for all of them; a pod
    /// whose call fails (stopped, unreachable, past its call deadline, or refusing) is out of
    /// the round from that step on. The pods that trained and sent their masked update are in
    /// the average even if they fail to answer the unmasking request, as long as enough of
    /// their neighbours answer. When fewer than the threshold get through a step, the attempt
    /// ends with `SecureRoundShortfall` and the round starts again without the pods that
    /// failed. The modeller only ever holds the sum of masked updates.
    func trainDropoutTolerantRound(_ round: Int, attempt: Int, task: UUID, pods: [any PodConnection], parameters: ParameterSet,
                                   maximumSampleCount: Int,
                                   emit: @escaping @Sendable (TrainingEvent) -> Void) async throws -> TrainedRound {
        let context = try secureContext(task: task, round: round, attempt: attempt, pods: pods, parameters: parameters,
                                        maximumSampleCount: maximumSampleCount)
        let settings = try Self.dropoutTolerantSettings(context: context, options: options)
        var server = SecAggPlusServer(settings: settings)
        var failures: [PodCallFailure] = []

        /// Asks `pods` for `step` at once and hands each answer to `take`; a pod whose call
        /// or answer fails joins `failures`. The pods that got through, in order.
        func ask(_ pods: [any PodConnection], _ step: SecAggPlusStepRequest.Step,
                 take: (PodIdentifier, SecAggPlusStepAnswer) throws -> Void) async throws -> [any PodConnection] {
            let request = SecAggPlusStepRequest(task: task, settings: settings, step: step)
            let answers = try await Modeller.eachPod(pods) { connection in
                try await connection.secureAggregationStep(request)
            }
            var through: [any PodConnection] = []
            for (connection, answer) in zip(pods, answers) {
                do {
                    try take(connection.identifier, try answer.get())
                    through.append(connection)
                } catch {
                    failures.append(PodCallFailure(error, at: connection.identifier))
                }
            }
            return through
        }
        /// Runs one of the modeller's closing steps, turning a shortfall of pods into a retry.
        func close<T>(_ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as SecAggPlusError {
                switch error {
                case .tooFewSurvivors:
                    guard !failures.isEmpty else { throw TrainingError.aggregationFailed(round: round, reason: "\(error)") }
                    throw SecureRoundShortfall(failures: failures)
                case .tooFewShares:
                    // The pods that answered take part in no other attempt of this round.
                    throw TrainingError.secureRoundNotUnmasked(round: round, reason: error.description)
                default:
                    throw TrainingError.aggregationFailed(round: round, reason: "\(error)")
                }
            }
        }
        func unexpected(from pod: PodIdentifier, to step: String) -> PodCallFailure {
            PodCallFailure(pod: pod, reason: "it answered the request to \(step) with something else")
        }

        // Step 1: keys.
        let advertisers = try await ask(pods, .advertiseKeys) { pod, answer in
            guard case let .advertisement(advertisement) = answer, advertisement.pod == pod.description else {
                throw unexpected(from: pod, to: "advertise its keys")
            }
            try server.receive(advertisement)
        }
        let advertisements = try close { try server.closeAdvertisements() }

        // Step 2: shares of the pods' secrets, sealed for their neighbours.
        let sharers = try await ask(advertisers, .shareKeys(advertisements: advertisements)) { pod, answer in
            guard case let .sealedShares(shares) = answer else { throw unexpected(from: pod, to: "share its keys") }
            try server.receive(shares, from: pod.description)
        }
        let routed = try close { try server.closeKeySharing() }

        // Step 3: every pod trains and masks its update.
        let trained = try await Modeller.eachPod(sharers) { connection in
            let shares = routed[connection.identifier.description] ?? []
            let request = RoundRequest(task: task, round: round, parameters: parameters, epochs: plan.epochsPerRound,
                                       steps: plan.stepsPerRound, proximalMu: options.proximalMu,
                                       aggregation: .dropoutTolerant(settings: settings, shares: shares))
            return try await Self.train(request, at: connection, emit: emit)
        }
        var updates: [RoundUpdate] = []
        var survivors: [any PodConnection] = []
        for (connection, result) in zip(sharers, trained) {
            do {
                let update = try result.get()
                guard case let .masked(masked) = update.contribution else {
                    throw PodCallFailure(pod: connection.identifier, reason: "it sent its update in the clear in a secure round")
                }
                try server.receive(masked)
                updates.append(update)
                survivors.append(connection)
            } catch {
                failures.append(PodCallFailure(error, at: connection.identifier))
            }
        }
        let unmasking = try close { try server.closeMaskedInputs() }

        // Step 4: the survivors' shares that take the masks off the sum.
        _ = try await ask(survivors, .unmask(unmasking)) { pod, answer in
            guard case let .unmasking(response) = answer, response.pod == pod.description else {
                throw unexpected(from: pod, to: "unmask the sum")
            }
            try server.receive(response)
        }
        let result = try close { try server.result() }
        let average: AggregatedUpdate
        do {
            average = try result.average(context: settings.context)
        } catch {
            throw TrainingError.aggregationFailed(round: round, reason: "\(error)")
        }
        return TrainedRound(updates: updates, average: average, dropped: failures)
    }

    /// The SecAgg+ settings of a round of `context` under `options`: the threshold and
    /// neighbour count asked for, or the defaults (about two thirds; every pod a neighbour
    /// of every other). The neighbour count is capped at the other pods, and raised by one
    /// when it and the pod count are both odd (no such graph exists), never lowered: fewer
    /// neighbours would weaken the masking the user asked for.
    static func dropoutTolerantSettings(context: SecureAggregationContext,
                                        options: FederatedAveragingOptions) throws(TrainingError) -> SecAggPlusSettings {
        let podCount = context.participants.count
        var neighbours = min(options.secureAggregationNeighbours ?? podCount - 1, podCount - 1)
        if neighbours % 2 == 1 && podCount % 2 == 1 { neighbours += 1 }
        do {
            return try SecAggPlusSettings(context: context, threshold: options.secureAggregationThreshold,
                                          neighbourCount: neighbours)
        } catch let .invalidSettings(reason) {
            throw .invalidSecureAggregationSettings(reason: reason)
        } catch {
            throw .invalidSecureAggregationSettings(reason: error.description)
        }
    }

    /// The settings a first round on `participants` would use, to check `options` before
    /// anything is sent.
    static func dropoutTolerantSettings(placeholderContextFor participants: [String],
                                        options: FederatedAveragingOptions) throws(TrainingError) -> SecAggPlusSettings {
        let context: SecureAggregationContext
        do {
            context = try SecureAggregationContext(taskIdentifier: "check", round: 0, participants: participants,
                                                   parameterCount: 0, maximumSampleCount: 1)
        } catch {
            throw .secureAggregationNeedsTwoPods(pods: participants.compactMap { try? PodIdentifier(parsing: $0) })
        }
        return try dropoutTolerantSettings(context: context, options: options)
    }
}
