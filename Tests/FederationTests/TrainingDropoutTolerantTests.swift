import Foundation
import Learning
import XCTest
@testable import Federation

/// Secure aggregation that survives pods dropping (SecAgg+ wired into training): five pods,
/// a threshold of three, one pod stopped at every step of the protocol, and the survivors'
/// average compared with plain aggregation of the same survivors.
final class TrainingDropoutTolerantTests: FederationTestCase {
    /// Two rounds of two steps, secure, pods allowed to drop.
    private func options(threshold: Int? = 3) -> FederatedAveragingOptions {
        FederatedAveragingOptions(stepsBetweenParameterUpdates: 2, secureAggregation: true, requireAllPods: false,
                                  autoEval: false, secureAggregationThreshold: threshold)
    }

    private var plain: FederatedAveragingOptions {
        FederatedAveragingOptions(stepsBetweenParameterUpdates: 2, autoEval: false)
    }

    func testNoPodDroppingGivesThePlainAverage() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let secure = try await pods.train(try pods.connections(pods.names), spec, options())
        let clear = try await pods.train(try pods.connections(pods.names), spec, plain)
        XCTAssertEqual(secure.dropped, [])
        XCTAssertEqual(secure.rounds.count, 2)
        XCTAssertLessThan(largestDifference(secure.model.parameters, clear.model.parameters), 1e-5)
        XCTAssertNotEqual(clear.model.parameters, try TrainedModel(initialising: spec).parameters)
        let audit = try pods.hub.auditLog(for: try pods.hub.resolvePod("site-2")).filter { $0.requestID == secure.task }
        XCTAssertTrue(audit.contains { $0.reason.hasPrefix("round 1: unmasking answered with self-mask shares of olivia/site-1, ") },
                      audit.map(\.reason).joined(separator: "\n"))
    }

    func testAPodStoppedAtEachStepLeavesTheSurvivorsExactAverage() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        for step in DroppingConnection.Step.allCases {
            let base = try pods.connections(pods.names)
            var connections = base
            connections[2] = DroppingConnection(base: base[2], step: step, round: 0)
            let log = EventLog()
            let secure = try await pods.train(connections, spec, options(), log: log)
            XCTAssertEqual(secure.dropped.map(\.pod.name), ["site-3"], "\(step)")
            XCTAssertEqual(secure.dropped.first?.round, 1)
            XCTAssertTrue(secure.dropped.first?.reason.contains("injected failure") == true, secure.dropped.first?.reason ?? "")
            // A pod that sent its masked update is in the round's sum even if it cannot help
            // unmask it; a pod that stopped earlier is not.
            let inFirstRound = step == .unmask ? pods.names : pods.names.filter { $0 != "site-3" }
            XCTAssertEqual(secure.rounds[0].pods.map(\.pod.name), inFirstRound, "\(step)")
            XCTAssertEqual(secure.rounds[1].pods.map(\.pod.name), pods.names.filter { $0 != "site-3" }, "\(step)")
            XCTAssertEqual(log.labels.filter { $0.hasPrefix("round") || $0.hasPrefix("dropped") }, [
                "round 1/2 on site-1,site-2,site-3,site-4,site-5", "dropped site-3 1", "round 1 done",
                "round 2/2 on site-1,site-2,site-4,site-5", "round 2 done"], "\(step)")

            // The same survivors aggregated in the clear: round 1 on the pods in its sum, round 2
            // on the four others, from the same start.
            let expected = try await plainTwoRounds(pods, spec, first: inFirstRound, second: pods.names.filter { $0 != "site-3" })
            XCTAssertLessThan(largestDifference(expected, secure.model.parameters), 1e-5, "\(step)")
        }
    }

    func testTwoPodsStoppedAtDifferentStepsInOneRound() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let base = try pods.connections(pods.names)
        var connections = base
        connections[0] = DroppingConnection(base: base[0], step: .train, round: 0)
        connections[4] = DroppingConnection(base: base[4], step: .unmask, round: 0)
        let secure = try await pods.train(connections, spec, options())
        XCTAssertEqual(Set(secure.dropped.map(\.pod.name)), ["site-1", "site-5"])
        XCTAssertEqual(secure.rounds[0].pods.map(\.pod.name), ["site-2", "site-3", "site-4", "site-5"])
        let expected = try await plainTwoRounds(pods, spec, first: ["site-2", "site-3", "site-4", "site-5"],
                                                second: ["site-2", "site-3", "site-4"])
        XCTAssertLessThan(largestDifference(expected, secure.model.parameters), 1e-5)
    }

    func testBelowTheThresholdTheTaskStopsNamingTheDroppedPods() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let base = try pods.connections(pods.names)
        var connections = base
        for index in [1, 2, 3] { connections[index] = DroppingConnection(base: base[index], step: .train, round: 0) }
        let error = await asyncError { try await pods.train(connections, spec, self.options(threshold: 3)) }
        let site = { (name: String) in try pods.hub.resolvePod(name) }
        XCTAssertEqual(error as? TrainingError, .secureAggregationBelowThreshold(
            round: 0, remaining: [try site("site-1"), try site("site-5")], threshold: 3,
            dropped: [try site("site-2"), try site("site-3"), try site("site-4")]))
        XCTAssertEqual((error as? TrainingError)?.message,
                       "secure aggregation needs 3 pods in round 1, but only 'site-1' and 'site-5' remain after "
                        + "'site-2', 'site-3' and 'site-4' dropped")
    }

    func testBelowTheDefaultThresholdTheRoundStartsAgainWithTheSurvivors() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let base = try pods.connections(pods.names)
        var connections = base
        // The default threshold of five pods is four: three stopping leaves two, so the round
        // starts again on those two, whose own threshold is two.
        for index in [1, 2, 3] { connections[index] = DroppingConnection(base: base[index], step: .shareKeys, round: 0) }
        let log = EventLog()
        let secure = try await pods.train(connections, spec, options(threshold: nil), log: log)
        XCTAssertEqual(secure.dropped.map(\.pod.name), ["site-2", "site-3", "site-4"])
        XCTAssertEqual(secure.rounds.map { $0.pods.map(\.pod.name) }, [["site-1", "site-5"], ["site-1", "site-5"]])
        let expected = try await plainTwoRounds(pods, spec, first: ["site-1", "site-5"], second: ["site-1", "site-5"])
        XCTAssertLessThan(largestDifference(expected, secure.model.parameters), 1e-5)
    }

    func testTheModellerNeverHoldsAnUnmaskedUpdate() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let record = Recording()
        let base = try pods.connections(pods.names)
        var connections: [any PodConnection] = base.map { RecordingConnection(base: $0, record: record) }
        connections[3] = RecordingConnection(base: DroppingConnection(base: base[3], step: .train, round: 0), record: record)
        _ = try await pods.train(connections, spec, options())

        // Each pod's update in the clear, from the same seed: what the modeller must never see.
        let clearRecord = Recording()
        _ = try await pods.train(try pods.connections(pods.names).map { RecordingConnection(base: $0, record: clearRecord) },
                                 spec, plain)
        let settings = try XCTUnwrap(record.settings.first { $0.context.round == 0 })
        for update in record.updates where update.round == 0 {
            guard case let .masked(masked) = update.contribution else { return XCTFail("\(update.pod) sent its update in the clear") }
            let clear = try XCTUnwrap(clearRecord.updates.first { $0.pod == update.pod && $0.round == 0 })
            guard case let .plain(delta) = clear.contribution else { return XCTFail("no plain update of \(update.pod)") }
            let encoded = try FixedPointEncoding.encode(delta: delta, weight: update.sampleCount, pod: update.pod.description,
                                                        context: settings.context)
            let equal = zip(encoded, masked.maskedElements).filter { $0 == $1 }.count
            XCTAssertLessThan(equal, 3, "\(update.pod): \(equal) of \(encoded.count) elements arrived unmasked")
        }
        // The modeller held shares of a survivor's self-mask seed only, and of the dropped pod's
        // masking key only: never both of one pod.
        let responses = record.unmaskResponses(round: 0)
        XCTAssertEqual(responses.count, 4)
        for response in responses {
            XCTAssertEqual(Set(response.selfMaskShares.keys), ["olivia/site-1", "olivia/site-2", "olivia/site-3", "olivia/site-5"])
            XCTAssertEqual(Set(response.maskingKeyShares.keys), ["olivia/site-4"])
        }
    }

    func testASecondMaskedInputOrUnmaskingIsRefused() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let names = Array(pods.names.prefix(3))
        let identifiers = try names.map { try pods.hub.resolvePod($0) }
        let connections = try pods.connections(names)
        let message = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: identifiers, secureAggregation: true,
                                                  by: pods.owner)
        for connection in connections {
            let answer = try await connection.openTask(message)
            XCTAssertTrue(answer.isAccepted)
        }
        let parameters = try TrainedModel(initialising: spec).parameters
        let context = try SecureAggregationContext(taskIdentifier: message.task.uuidString, round: 0,
                                                   participants: identifiers.map(\.description),
                                                   parameterCount: parameters.elementCount, maximumSampleCount: 1_000)
        let settings = try SecAggPlusSettings(context: context, threshold: 2)
        func ask(_ index: Int, _ step: SecAggPlusStepRequest.Step) async throws -> SecAggPlusStepAnswer {
            try await connections[index].secureAggregationStep(SecAggPlusStepRequest(task: message.task, settings: settings, step: step))
        }
        var advertisements: [SecAggPlusKeyAdvertisement] = []
        for index in 0..<3 {
            guard case let .advertisement(advertisement) = try await ask(index, .advertiseKeys) else { return XCTFail("no keys") }
            advertisements.append(advertisement)
        }
        var sealed: [SecAggPlusEncryptedShares] = []
        for index in 0..<3 {
            guard case let .sealedShares(shares) = try await ask(index, .shareKeys(advertisements: advertisements)) else {
                return XCTFail("no shares")
            }
            sealed += shares
        }
        let mine = sealed.filter { $0.recipient == identifiers[0].description }
        let request = RoundRequest(task: message.task, round: 0, parameters: parameters, epochs: nil, steps: 1,
                                   aggregation: .dropoutTolerant(settings: settings, shares: mine))
        for try await _ in connections[0].train(request) {}
        // Masking twice with the same masks would let the difference of two updates through.
        let again = await asyncError { for try await _ in connections[0].train(request) {} }
        XCTAssertEqual(again as? TrainingError, .noSecureSession(pod: identifiers[0], round: 0))
        let unmask = SecAggPlusUnmaskRequest(survivors: [identifiers[0].description, identifiers[1].description],
                                             dropped: [identifiers[2].description])
        // Pod 1 never sent its masked input: it must not give away pod 3's masking key.
        let early = await asyncError { try await ask(1, .unmask(unmask)) }
        XCTAssertTrue("\(early ?? TrainingError.noPods)".contains("cannot answer an unmasking request now"), "\(String(describing: early))")
        guard case .unmasking = try await ask(0, .unmask(unmask)) else { return XCTFail("no unmasking answer") }
        let twice = await asyncError { try await ask(0, .unmask(unmask)) }
        XCTAssertEqual(twice as? TrainingError, .noSecureSession(pod: identifiers[0], round: 0))
        // Having helped unmask round 1, the pod joins no other attempt of it: the same update
        // in a second sum over fewer pods would come out as the difference.
        let retry = try SecAggPlusSettings(
            context: try SecureAggregationContext(taskIdentifier: message.task.uuidString, round: 0, attempt: 1,
                                                  participants: [identifiers[0].description, identifiers[1].description],
                                                  parameterCount: parameters.elementCount, maximumSampleCount: 1_000),
            threshold: 2)
        let again2 = await asyncError {
            try await connections[0].secureAggregationStep(SecAggPlusStepRequest(task: message.task, settings: retry, step: .advertiseKeys))
        }
        XCTAssertEqual(again2 as? TrainingError, .secureRoundRefused(
            pod: identifiers[0], reason: "this pod's update of round 1 is in a sum the modeller could unmask already; it takes part "
                + "in no other attempt of the round, whose sum would reveal its update as the difference"))
        for connection in connections { try await connection.closeTask(message.task) }
    }

    func testTooFewUnmaskingAnswersStopTheTaskRatherThanRetry() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let base = try pods.connections(pods.names)
        var connections = base
        for index in [0, 1, 2] { connections[index] = DroppingConnection(base: base[index], step: .unmask, round: 0) }
        let error = await asyncError { try await pods.train(connections, spec, self.options(threshold: 3)) }
        guard case let .secureRoundNotUnmasked(round, reason)? = error as? TrainingError else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(round, 0)
        XCTAssertTrue(reason.contains("2 of its share holders answered, 3 needed"), reason)
        XCTAssertTrue((error as? TrainingError)?.message.hasPrefix("the sum of secure round 1 cannot be unmasked: ") == true)
    }

    func testAPodSendsOneMaskedUpdateARoundWhenEveryPodIsRequired() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let names = Array(pods.names.prefix(2))
        let identifiers = try names.map { try pods.hub.resolvePod($0) }
        let connection = try pods.connections(names)[0]
        let message = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: identifiers, secureAggregation: true,
                                                  by: pods.owner)
        let answer = try await connection.openTask(message)
        XCTAssertTrue(answer.isAccepted)
        let parameters = try TrainedModel(initialising: spec).parameters
        func context(attempt: Int) throws -> SecureAggregationContext {
            try SecureAggregationContext(taskIdentifier: message.task.uuidString, round: 0, attempt: attempt,
                                         participants: identifiers.map(\.description), parameterCount: parameters.elementCount,
                                         maximumSampleCount: 1_000)
        }
        let own = try await connection.keyShare(SecureRoundSetup(task: message.task, context: try context(attempt: 0)))
        let peer = try SecureAggregationPodSession(pod: identifiers[1].description, identity: pods.owner.signingKey,
                                                   context: try context(attempt: 0))
        let request = RoundRequest(task: message.task, round: 0, parameters: parameters, epochs: nil, steps: 1,
                                   aggregation: .secure(context: try context(attempt: 0), keyShares: [own, peer.keyShare]))
        for try await _ in connection.train(request) {}
        let again = await asyncError {
            try await connection.keyShare(SecureRoundSetup(task: message.task, context: try context(attempt: 1)))
        }
        guard case let .secureRoundRefused(_, reason)? = again as? TrainingError else { return XCTFail("\(String(describing: again))") }
        XCTAssertTrue(reason.hasPrefix("this pod's update of round 1 is in a sum the modeller could unmask already"), reason)
        try await connection.closeTask(message.task)
    }

    func testThresholdAndNeighboursAreCheckedBeforeAnythingIsSent() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        let connections = try pods.connections(pods.names)
        func error(_ options: FederatedAveragingOptions) -> TrainingError? {
            do {
                _ = try FederatedTraining(modeller: pods.modeller, connections: connections, specification: spec, options: options)
                return nil
            } catch {
                return error
            }
        }
        var required = options()
        required.requireAllPods = true
        XCTAssertEqual(error(required), .dropoutSettingsWithoutDropouts)
        XCTAssertEqual(error(options(threshold: 6))?.message,
                       "secure aggregation's settings do not fit the pods: the threshold 6 "
                        + "must be a majority of each pod's 5 share holders, 3 to 5")
        var sparse = options(threshold: 2)
        sparse.secureAggregationNeighbours = 2
        XCTAssertNil(error(sparse))
        XCTAssertNotNil(error(options(threshold: 2)), "2 of 5 holders is no majority")
    }

    func testASparseGraphGivesTheSameAverage() async throws {
        let pods = try SmallPods.get(count: 5)
        let spec = try await pods.specification()
        var sparse = options(threshold: 2)
        sparse.secureAggregationNeighbours = 2
        let base = try pods.connections(pods.names)
        var connections = base
        connections[1] = DroppingConnection(base: base[1], step: .train, round: 1)
        let secure = try await pods.train(connections, spec, sparse)
        XCTAssertEqual(secure.dropped.map(\.pod.name), ["site-2"])
        let expected = try await plainTwoRounds(pods, spec, first: pods.names, second: pods.names.filter { $0 != "site-2" })
        XCTAssertLessThan(largestDifference(expected, secure.model.parameters), 1e-5)
    }

    /// The model after a plain round on `first` then a plain round on `second`.
    private func plainTwoRounds(_ pods: SmallPods, _ spec: ModelSpecification, first: [String], second: [String]) async throws -> ParameterSet {
        let one = FederatedAveragingOptions(stepsBetweenParameterUpdates: 2, autoEval: false)
        let training = try FederatedTraining(modeller: pods.modeller, connections: try pods.connections(first), specification: spec,
                                             options: one)
        var state: TrainingState?
        for try await event in training.run() {
            if case let .checkpoint(checkpoint) = event, checkpoint.completedRounds == 1 { state = checkpoint; break }
        }
        let afterFirst = try XCTUnwrap(state)
        let second = try FederatedTraining(modeller: pods.modeller, connections: try pods.connections(second), specification: spec,
                                           options: one)
        return try await second.run(resumingFrom: afterFirst).results().model.parameters
    }
}

/// A connection whose pod stops at one step of a dropout-tolerant secure round: before
/// advertising keys, before sharing them, during training (before its masked update), or
/// when asked to unmask (after its masked update went out).
struct DroppingConnection: ForwardingConnection {
    enum Step: CaseIterable, Sendable { case advertiseKeys, shareKeys, train, unmask }

    let base: any PodConnection
    let step: Step
    /// The round (from 0) to stop in.
    let round: Int

    func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer {
        if request.settings.context.round == round {
            switch (step, request.step) {
            case (.advertiseKeys, .advertiseKeys), (.shareKeys, .shareKeys), (.unmask, .unmask):
                throw FailingConnection.InjectedFailure()
            default:
                break
            }
        }
        return try await base.secureAggregationStep(request)
    }

    func train(_ request: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> {
        guard step == .train, request.round == round else { return base.train(request) }
        return FailingConnection(base: base, round: round, afterBatches: 1).train(request)
    }
}

/// Everything a modeller receives from pods, as a curious modeller would keep it.
final class Recording: @unchecked Sendable {
    private let lock = NSLock()
    private var storedUpdates: [RoundUpdate] = []
    private var storedSettings: [SecAggPlusSettings] = []
    private var storedResponses: [(round: Int, response: SecAggPlusUnmaskResponse)] = []

    func keep(_ update: RoundUpdate) { lock.withLock { storedUpdates.append(update) } }
    func keep(_ settings: SecAggPlusSettings) { lock.withLock { storedSettings.append(settings) } }
    func keep(_ response: SecAggPlusUnmaskResponse, round: Int) { lock.withLock { storedResponses.append((round, response)) } }
    var updates: [RoundUpdate] { lock.withLock { storedUpdates } }
    var settings: [SecAggPlusSettings] { lock.withLock { storedSettings } }
    func unmaskResponses(round: Int) -> [SecAggPlusUnmaskResponse] {
        lock.withLock { storedResponses.filter { $0.round == round }.map(\.response) }
    }
}

/// A connection that keeps every update and unmasking answer its pod sends.
struct RecordingConnection: ForwardingConnection {
    let base: any PodConnection
    let record: Recording

    func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer {
        record.keep(request.settings)
        let answer = try await base.secureAggregationStep(request)
        if case let .unmasking(response) = answer { record.keep(response, round: request.settings.context.round) }
        return answer
    }

    func train(_ request: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> {
        let base = self.base
        let record = self.record
        return AsyncThrowingStream { continuation in
            let worker = Task {
                do {
                    for try await event in base.train(request) {
                        if case let .finished(update) = event { record.keep(update) }
                        continuation.yield(event)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }
}
