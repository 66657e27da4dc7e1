import Foundation
import Learning
import XCTest
@testable import Federation

/// Federated training, evaluation and prediction on the demo federation, with small models
/// so that the whole file runs in well under a minute.
final class TrainingFederatedTests: FederationTestCase {
    override class func tearDown() {
        TrainingDemo.removeShared()
        super.tearDown()
    }

    private func train(_ pods: [String], specification: ModelSpecification, options: FederatedAveragingOptions = FederatedAveragingOptions(),
                       as identity: LocalIdentity? = nil, connections: [any PodConnection]? = nil,
                       log: EventLog = EventLog()) async throws -> TrainingResults {
        let demo = try TrainingDemo.get()
        let modeller = Modeller(hub: demo.hub, identity: identity ?? demo.owner)
        let training = try FederatedTraining(modeller: modeller, connections: try connections ?? demo.connections(pods, as: identity),
                                             specification: specification, options: options)
        return try await training.run().results { log.append($0) }
    }

    func testSinglePodTrainingLowersTheLossAndLearns() async throws {
        let demo = try TrainingDemo.get()
        let spec = try await demo.specification([TrainingDemo.demo], epochs: 2, batchSize: 256)
        let log = EventLog()
        let results = try await train([TrainingDemo.demo], specification: spec, log: log)
        XCTAssertEqual(log.labels, ["started", "accepted census-income-demo",
                                    "round 1/2 on census-income-demo", "finished census-income-demo 1", "round 1 done",
                                    "round 2/2 on census-income-demo", "finished census-income-demo 2", "round 2 done",
                                    "evaluated", "finished"])
        let progress = log.events.compactMap { event -> PodProgress? in
            if case let .podProgress(_, 1, progress) = event { return progress }
            return nil
        }
        // 22,611 rows → 18,088 training rows → 70 full batches of 256 and one of 168.
        XCTAssertEqual(progress.map(\.batch), Array(1...71))
        XCTAssertEqual(progress.last?.batches, 71)
        XCTAssertEqual(results.rounds.map(\.round), [1, 2])
        XCTAssertEqual(results.rounds[0].pods.map(\.sampleCount), [18_088])

        let initial = try await demo.modeller.evaluate(try TrainedModel(initialising: spec), on: [TrainingDemo.demo], part: .validation)
        let final = try XCTUnwrap(results.rounds.last).combined
        XCTAssertLessThan(final.validationLoss, initial.pooled.validationLoss - 0.2)
        XCTAssertLessThan(results.rounds[1].trainingLoss, results.rounds[0].trainingLoss)
        XCTAssertGreaterThan(final.accuracy, 0.82)
        XCTAssertGreaterThan(try XCTUnwrap(final.auc), 0.85)
        let test = try XCTUnwrap(results.evaluation)
        XCTAssertEqual(test.pods.map(\.metrics.rowCount), [2_262])
        XCTAssertGreaterThan(test.pooled.accuracy, 0.82)

        // The pod's audit log holds the task, both rounds, the evaluation and the close.
        let audit = try demo.hub.auditLog(for: try demo.pod(TrainingDemo.demo)).filter { $0.requestID == results.task }
        XCTAssertEqual(audit.map(\.accepted), [true, true, true, true, true])
        XCTAssertTrue(audit[1].reason.hasPrefix("round 1: trained 71 batches on 18088 rows"), audit[1].reason)
        XCTAssertTrue(audit[3].reason.hasPrefix("evaluated the model on 2262 test rows"), audit[3].reason)
        XCTAssertEqual(audit[4].reason, "task closed")
        XCTAssertEqual(try demo.hub.taskRuns().last?.status, .completed)
    }

    func testSecureAndPlainAggregationGiveTheSameModel() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 20)
        let interval = FederatedAveragingOptions(stepsBetweenParameterUpdates: 10, autoEval: false)
        var secureOptions = interval
        secureOptions.secureAggregation = true
        let plain = try await train(pods, specification: spec, options: interval)
        let log = EventLog()
        let secure = try await train(pods, specification: spec, options: secureOptions, log: log)
        XCTAssertEqual(secure.rounds.count, 2)
        XCTAssertLessThan(largestDifference(plain.model.parameters, secure.model.parameters), 1e-5)
        XCTAssertNotEqual(plain.model.parameters, try TrainedModel(initialising: spec).parameters)
        // Round 1 starts from the same parameters, so its pods' metrics agree exactly.
        XCTAssertEqual(plain.rounds[0].pods, secure.rounds[0].pods)
        let audit = try demo.hub.auditLog(for: try demo.pod(TrainingDemo.yaml)).filter { $0.requestID == secure.task }
        XCTAssertTrue(audit.contains { $0.reason.hasSuffix("update sent masked") })
    }

    func testWeightedAndEqualAveragingOfPodsOfDifferentSizes() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.other]
        let spec = try await demo.specification(pods, ignoring: ["gender"], steps: 5,
                                                optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.05]))
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 5, autoEval: false)
        let initial = try TrainedModel(initialising: spec).parameters
        // Each pod's round depends only on the global parameters, the seed, the round and the
        // pod, so training it alone yields the very update it sends in the two-pod round.
        let alone = try await train([pods[0]], specification: spec, options: options)
        let otherAlone = try await train([pods[1]], specification: spec, options: options)
        let deltaA = try alone.model.parameters.subtracting(initial).values
        let deltaB = try otherAlone.model.parameters.subtracting(initial).values
        let counts = [alone.rounds[0].pods[0].sampleCount, otherAlone.rounds[0].pods[0].sampleCount]
        XCTAssertEqual(counts, [18_088, 4_000])

        let weighted = try await train(pods, specification: spec, options: options)
        var equalOptions = options
        equalOptions.weighting = .equal
        let equal = try await train(pods, specification: spec, options: equalOptions)
        let (a, b) = (Float(counts[0]), Float(counts[1]))
        let expectedWeighted = zip(initial.values, zip(deltaA, deltaB)).map { $0 + (a * $1.0 + b * $1.1) / (a + b) }
        let expectedEqual = zip(initial.values, zip(deltaA, deltaB)).map { $0 + ($1.0 + $1.1) / 2 }
        XCTAssertLessThan(zip(weighted.model.parameters.values, expectedWeighted).map { abs($0 - $1) }.max() ?? 1, 1e-5)
        XCTAssertLessThan(zip(equal.model.parameters.values, expectedEqual).map { abs($0 - $1) }.max() ?? 1, 1e-5)
        XCTAssertGreaterThan(largestDifference(weighted.model.parameters, equal.model.parameters), 1e-4)
    }

    func testFedProxPullsTheLocalModelTowardTheGlobalOne() async throws {
        let demo = try TrainingDemo.get()
        let spec = try await demo.specification([TrainingDemo.demo], steps: 20,
                                                optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.05]))
        let initial = try TrainedModel(initialising: spec).parameters
        var norms: [Float] = []
        for mu in [0.0, 5.0] {
            let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 20, proximalMu: mu, autoEval: false)
            let results = try await train([TrainingDemo.demo], specification: spec, options: options)
            let trainable = try TrainableSelection(specification: spec, parameters: initial)
            let delta = try results.model.parameters.subtracting(initial).values
            norms.append(trainable.ranges.reduce(0) { sum, range in sum + delta[range].reduce(0) { $0 + $1 * $1 } }.squareRoot())
        }
        // With μ = 5 and lr 0.05 each step shrinks the distance to the global weights by a
        // quarter before the loss gradient acts, so the round moves them far less.
        XCTAssertLessThan(norms[1], norms[0] * 0.5)
        XCTAssertGreaterThan(norms[1], 0)
    }

    func testRunsWithTheSameSeedGiveTheSameBits() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 12)
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 4, autoEval: false)
        let first = try await train(pods, specification: spec, options: options)
        let second = try await train(pods, specification: spec, options: options)
        XCTAssertEqual(first.model.parameters, second.model.parameters)
        XCTAssertEqual(first.rounds, second.rounds)
        XCTAssertEqual(first.rounds.count, 3)

        // A run of two rounds, then resumed from its state for the third, gives the same bits.
        let twoRounds = try await train(pods, specification: try spec.replacingHyperparameters(
            TrainingHyperparameters(steps: 8, batchSize: 64, optimizer: spec.hyperparameters.optimizer, seed: spec.hyperparameters.seed)),
                                        options: options)
        XCTAssertEqual(twoRounds.rounds, Array(first.rounds.prefix(2)))
        let resumed = try await FederatedTraining(modeller: demo.modeller, connections: try demo.connections(pods),
                                                  specification: spec, options: options)
            .run(resumingFrom: twoRounds.state).results()
        XCTAssertEqual(resumed.model.parameters, first.model.parameters)
        XCTAssertEqual(resumed.rounds, first.rounds)
    }

    func testARunThatKeepsCheckpointsResumesFromTheLastAndForgetsItWhenFinished() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 12)
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 4, autoEval: false)
        func training(_ names: [String]) throws -> FederatedTraining {
            try FederatedTraining(modeller: demo.modeller, connections: try demo.connections(names), specification: spec, options: options)
        }
        let whole = try await training(pods).run().results()

        // Stopped by its reader after round 2: the checkpoint holds round 2.
        struct Stop: Error {}
        let stopped = try training(pods)
        let stop = await asyncError {
            _ = try await stopped.run(keepingCheckpoints: true).results { event in
                if case .checkpoint(let state) = event, state.completedRounds == 2 { throw Stop() }
            }
        }
        XCTAssertTrue(stop is Stop, "\(String(describing: stop))")
        let saved = try XCTUnwrap(try stopped.checkpoints.last())
        XCTAssertEqual(saved.state.completedRounds, 2)
        XCTAssertEqual(saved.state.rounds, Array(whole.rounds.prefix(2)))

        // The same training with its pods spelled owner/name is the same training.
        let respelled = try training(try pods.map { try demo.pod($0).description })
        XCTAssertEqual(respelled.checkpoints.key, stopped.checkpoints.key)
        let resumed = try await respelled.run(resumingFrom: saved.state, keepingCheckpoints: true).results()
        XCTAssertEqual(resumed.model.parameters, whole.model.parameters)
        XCTAssertEqual(resumed.rounds, whole.rounds)
        XCTAssertNil(try respelled.checkpoints.last())

        // Another model is another training.
        let other = try FederatedTraining(modeller: demo.modeller, connections: try demo.connections(pods),
                                          specification: try await demo.specification(pods, steps: 12, seed: 8), options: options)
        XCTAssertNotEqual(other.checkpoints.key, stopped.checkpoints.key)
    }

    func testARoleRefusalStopsBeforeTraining() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 4)
        let log = EventLog()
        let failure = await asyncError { try await self.train(pods, specification: spec, as: demo.alice, log: log) }
        let denied = try XCTUnwrap(failure as? AccessDenied)
        XCTAssertEqual(denied.refusals.map(\.rejection), [.noPermissions(modeller: "alice", owner: "olivia")])
        XCTAssertEqual(denied.message, "pod 'census-income-yaml-demo' refused the train task: 'alice' has no permissions on this pod")
        XCTAssertEqual(log.labels, ["started", "accepted census-income-demo", "refused census-income-yaml-demo"])
        XCTAssertEqual(try demo.hub.taskRuns().last?.status, .failed)
        // The accepting pod trained nothing: its log has the acceptance and the close only.
        let audit = try demo.hub.auditLog(for: try demo.pod(TrainingDemo.demo)).filter { $0.modeller == "alice" && $0.taskKind == .train }
        XCTAssertEqual(audit.suffix(2).map(\.reason), ["", "task closed"])
    }

    func testSecureAggregationNeedsEveryPodsApproval() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml, TrainingDemo.unapproved]
        let spec = try await demo.specification([TrainingDemo.demo, TrainingDemo.yaml], steps: 4)
        let log = EventLog()
        let failure = await asyncError {
            try await self.train(pods, specification: spec, options: FederatedAveragingOptions(secureAggregation: true, requireAllPods: false), log: log)
        }
        guard case let .noPodAccepted(refusals)? = failure as? TrainingError else { return XCTFail("\(String(describing: failure))") }
        let unapproved = try demo.pod(TrainingDemo.unapproved)
        XCTAssertEqual(refusals.map(\.rejection), [.podsNotApproved([unapproved]), .podsNotApproved([unapproved]),
                                                   .podsNotApproved([try demo.pod(TrainingDemo.demo), try demo.pod(TrainingDemo.yaml)])])
        XCTAssertFalse(log.labels.contains { $0.hasPrefix("round") })
        XCTAssertEqual((failure as? TrainingError)?.message, "no pod accepted the task")
    }

    func testWithoutRequireAllPodsTrainingGoesOnWithoutTheRefusingPod() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 4)
        let log = EventLog()
        let results = try await train(pods, specification: spec,
                                      options: FederatedAveragingOptions(stepsBetweenParameterUpdates: 4, requireAllPods: false, autoEval: false),
                                      as: demo.alice, log: log)
        XCTAssertEqual(results.pods.map(\.name), [TrainingDemo.demo])
        XCTAssertEqual(results.refusals.map(\.pod.name), [TrainingDemo.yaml])
        XCTAssertEqual(log.labels, ["started", "accepted census-income-demo", "refused census-income-yaml-demo",
                                    "round 1/1 on census-income-demo", "finished census-income-demo 1", "round 1 done", "finished"])
    }

    func testAPodFailingMidRoundIsNamedOrDropped() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 30)
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 10, autoEval: false)
        func connections() throws -> [any PodConnection] {
            let base = try demo.connections(pods)
            return [base[0], FailingConnection(base: base[1], round: 1, afterBatches: 3)]
        }
        let failure = await asyncError { try await self.train(pods, specification: spec, options: options, connections: try connections()) }
        XCTAssertEqual(failure as? TrainingError, .podFailed(pod: try demo.pod(TrainingDemo.yaml), round: 1,
                                                             reason: "injected failure: the pod's process stopped"))
        XCTAssertEqual((failure as? TrainingError)?.message,
                       "pod 'census-income-yaml-demo' failed in round 2: injected failure: the pod's process stopped")

        var lenient = options
        lenient.requireAllPods = false
        let log = EventLog()
        let results = try await train(pods, specification: spec, options: lenient, connections: try connections(), log: log)
        XCTAssertEqual(results.pods.map(\.name), [TrainingDemo.demo])
        XCTAssertEqual(results.dropped.map(\.round), [2])
        XCTAssertEqual(results.rounds.map { $0.pods.map(\.pod.name) }, [pods, [TrainingDemo.demo], [TrainingDemo.demo]])
        XCTAssertEqual(log.labels.filter { !$0.hasPrefix("finished ") }, [
            "started", "accepted census-income-demo", "accepted census-income-yaml-demo",
            "round 1/3 on census-income-demo,census-income-yaml-demo", "round 1 done",
            "round 2/3 on census-income-demo,census-income-yaml-demo", "dropped census-income-yaml-demo 2", "round 2 done",
            "round 3/3 on census-income-demo", "round 3 done", "finished"])
    }

    func testASecureRoundFinishesWithoutAPodThatFails() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml, TrainingDemo.other]
        for pod in [TrainingDemo.demo, TrainingDemo.yaml] {
            try demo.hub.approve(try demo.pod(TrainingDemo.other), on: try demo.pod(pod), by: demo.owner)
        }
        let spec = try await demo.specification(pods, ignoring: ["gender"], steps: 10)
        let base = try demo.connections(pods)
        let connections: [any PodConnection] = [base[0], base[1], FailingConnection(base: base[2], round: 0, afterBatches: 2)]
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 5, secureAggregation: true, requireAllPods: false, autoEval: false)
        let results = try await train(pods, specification: spec, options: options, connections: connections)
        XCTAssertEqual(results.dropped.map(\.pod.name), [TrainingDemo.other])
        XCTAssertEqual(results.rounds.map { $0.pods.map(\.pod.name) }, [[TrainingDemo.demo, TrainingDemo.yaml], [TrainingDemo.demo, TrainingDemo.yaml]])
        // The same two pods trained in the clear reach the same model.
        var plain = options
        plain.secureAggregation = false
        let twoPods = try await train(Array(pods.prefix(2)), specification: spec, options: plain)
        XCTAssertLessThan(largestDifference(twoPods.model.parameters, results.model.parameters), 1e-5)
    }

    func testCancellingAPodsRoundStopsAtABatchBoundary() async throws {
        let demo = try TrainingDemo.get()
        let spec = try await demo.specification([TrainingDemo.demo], steps: 100_000)
        let pod = try demo.pod(TrainingDemo.demo)
        let connection = try demo.hub.localConnection(to: pod, as: demo.owner.name)
        let message = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: [pod], secureAggregation: false, by: demo.owner)
        let answer = try await connection.openTask(message)
        XCTAssertTrue(answer.isAccepted)
        let parameters = try TrainedModel(initialising: spec).parameters
        var seen = 0
        for try await event in connection.train(RoundRequest(task: message.task, round: 0, parameters: parameters, epochs: nil, steps: 100_000)) {
            if case .progress = event { seen += 1 }
            if seen == 3 { break }
        }
        try await connection.closeTask(message.task)
        let audit = try demo.hub.auditLog(for: pod).filter { $0.requestID == message.task }
        XCTAssertEqual(audit.count, 3)
        let note = audit[1].reason
        XCTAssertTrue(note.hasPrefix("round 1: cancelled after batch "), note)
        let batches = Int(note.split(separator: " ").last ?? "") ?? 0
        XCTAssertGreaterThanOrEqual(batches, 3)
        XCTAssertLessThan(batches, 100_000)
        XCTAssertFalse(audit[1].accepted)
        XCTAssertEqual(audit[2].reason, "task closed")

        // The pod has forgotten the task.
        let late = await asyncError { try await connection.evaluate(EvaluationRequest(task: message.task, parameters: parameters)) }
        XCTAssertEqual(late as? TrainingError, .unknownTask(task: message.task, pod: pod))
    }

    func testCancellingTheRunStopsEveryPod() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 100_000)
        let training = try FederatedTraining(modeller: demo.modeller, connections: try demo.connections(pods), specification: spec,
                                             options: FederatedAveragingOptions(stepsBetweenParameterUpdates: 100_000))
        let log = EventLog()
        let runner = Task {
            var progress = 0
            return try await training.run().results { event in
                log.append(event)
                if case .podProgress = event { progress += 1 }
                if progress == 4 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        let failure = await runner.result
        XCTAssertThrowsError(try failure.get()) { error in XCTAssertTrue(error is CancellationError, "\(error)") }
        // Both pods stop at a batch boundary and close the task, and the run is recorded as
        // cancelled; the reader that cancelled does not wait for that.
        try await eventually(within: .seconds(30)) { try demo.hub.taskRuns().last?.status == .cancelled }
        for pod in pods {
            try await eventually(within: .seconds(30)) {
                try demo.hub.auditLog(for: try demo.pod(pod)).last?.reason == "task closed"
            }
            let notes = try demo.hub.auditLog(for: try demo.pod(pod)).suffix(2).map(\.reason)
            XCTAssertTrue(notes[0].hasPrefix("round 1: cancelled after batch "), notes[0])
        }
        XCTAssertFalse(log.labels.contains("round 1 done"))
    }

    /// Only the modeller who opened a task may use it: the pod itself refuses anyone else,
    /// in process as behind a server, and records the refusal under the caller.
    func testOnlyTheTasksOpenerMayUseIt() async throws {
        let demo = try TrainingDemo.get()
        let pod = try demo.pod(TrainingDemo.demo)
        let spec = try await demo.specification([TrainingDemo.demo], steps: 2)
        let opener = try demo.hub.localConnection(to: pod, as: demo.owner.name)
        let message = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: [pod], secureAggregation: false, by: demo.owner)
        let opened = try await opener.openTask(message)
        XCTAssertTrue(opened.isAccepted)
        let parameters = try TrainedModel(initialising: spec).parameters
        let stranger = opener.calling(as: demo.alice.name)
        let refusal = TrainingError.taskOfAnotherModeller(task: message.task, pod: pod)
        let round = RoundRequest(task: message.task, round: 0, parameters: parameters, epochs: nil, steps: 2, aggregation: .plain)
        let trained = await asyncError { for try await _ in stranger.train(round) {} }
        XCTAssertEqual(trained as? TrainingError, refusal)
        let evaluated = await asyncError { try await stranger.evaluate(EvaluationRequest(task: message.task, parameters: parameters)) }
        XCTAssertEqual(evaluated as? TrainingError, refusal)
        let closed = await asyncError { try await stranger.closeTask(message.task) }
        XCTAssertEqual(closed as? TrainingError, refusal)
        XCTAssertEqual(refusal.message, "task '\(message.task.uuidString)' at pod 'census-income-demo' belongs to another modeller: "
                       + "only the modeller who opened it may use it")

        // The opener's task is untouched: it trains and closes.
        for try await _ in opener.train(round) {}
        try await opener.closeTask(message.task)
        let entries = try demo.hub.auditLog(for: pod).filter { $0.requestID == message.task }
        XCTAssertEqual(entries.filter { !$0.accepted }.map(\.modeller), [demo.alice.name, demo.alice.name, demo.alice.name])
        XCTAssertEqual(entries.filter { !$0.accepted }.map(\.reason), ["training refused: the task belongs to another modeller",
                                                                      "evaluation refused: the task belongs to another modeller",
                                                                      "closing the task refused: the task belongs to another modeller"])
        XCTAssertEqual(entries.last?.reason, "task closed")
    }

    func testASecureTaskNeverSendsAnUpdateInTheClear() async throws {
        let demo = try TrainingDemo.get()
        let pods = [try demo.pod(TrainingDemo.demo), try demo.pod(TrainingDemo.yaml)]
        let spec = try await demo.specification([TrainingDemo.demo, TrainingDemo.yaml], steps: 2)
        let connection = try demo.hub.localConnection(to: pods[0], as: demo.owner.name)
        let message = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: pods, secureAggregation: true, by: demo.owner)
        let answer = try await connection.openTask(message)
        XCTAssertTrue(answer.isAccepted)
        let parameters = try TrainedModel(initialising: spec).parameters
        func firstError(_ aggregation: RoundAggregation) async -> TrainingError? {
            do {
                for try await _ in connection.train(RoundRequest(task: message.task, round: 0, parameters: parameters,
                                                                 epochs: nil, steps: 2, aggregation: aggregation)) {}
                return nil
            } catch {
                return error as? TrainingError
            }
        }
        let plain = await firstError(.plain)
        XCTAssertEqual(plain, .secureRoundRefused(pod: pods[0], reason: "the task was accepted for secure aggregation, so this pod never sends its update in the clear"))
        let context = try SecureAggregationContext(taskIdentifier: message.task.uuidString, round: 0, participants: pods.map(\.description),
                                                   parameterCount: parameters.elementCount, maximumSampleCount: 22_611)
        let withoutShare = await firstError(.secure(context: context, keyShares: []))
        XCTAssertEqual(withoutShare, .noSecureSession(pod: pods[0], round: 0))
        let outsider = try SecureAggregationContext(taskIdentifier: message.task.uuidString, round: 0,
                                                    participants: pods.map(\.description) + ["olivia/census-income-other"],
                                                    parameterCount: parameters.elementCount, maximumSampleCount: 22_611)
        let refused = await asyncError { try await connection.keyShare(SecureRoundSetup(task: message.task, context: outsider)) }
        XCTAssertEqual(refused as? TrainingError, .secureRoundRefused(pod: pods[0], reason: "'olivia/census-income-other' is not one of the pods the signed request named"))
        let share = try await connection.keyShare(SecureRoundSetup(task: message.task, context: context))
        XCTAssertEqual(share.pod, pods[0].description)
        try await connection.closeTask(message.task)
        let notes = try demo.hub.auditLog(for: pods[0]).filter { $0.requestID == message.task }.map(\.reason)
        XCTAssertEqual(notes.count, 5)
        XCTAssertTrue(notes[1].hasPrefix("round 1 refused: pod 'census-income-demo' refused the secure round"), notes[1])
        XCTAssertEqual(notes.last, "task closed")
    }

    func testEvaluationPoolsCountsAndPredictionSendsCountsOnly() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 30)
        let trained = try await train(pods, specification: spec, options: FederatedAveragingOptions(stepsBetweenParameterUpdates: 30))
        let evaluation = try await demo.modeller.evaluate(trained.model, on: pods)
        XCTAssertEqual(evaluation, trained.evaluation)
        let confusions = evaluation.pods.map(\.metrics.totals.confusion)
        let pooled = try confusions[0].merging(confusions[1])
        XCTAssertEqual(evaluation.pooled.totals.confusion, pooled)
        let correct = pooled[actual: 0, predicted: 0] + pooled[actual: 1, predicted: 1]
        XCTAssertEqual(evaluation.pooled.accuracy, Double(correct) / Double(pooled.total))
        XCTAssertEqual(pooled.total, 2 * 2_262)

        let prediction = try await demo.modeller.predict(trained.model, on: pods)
        XCTAssertEqual(prediction.pods.map(\.rowCount), [2_262, 2_262])
        XCTAssertEqual(prediction.predictedCounts, [0, 1].map { k in pooled.predictedCount(of: k) })
        XCTAssertEqual(prediction.classes, ["0", "1"])

        let refused = await asyncError { try await Modeller(hub: demo.hub, identity: demo.alice).predict(trained.model, on: [TrainingDemo.demo]) }
        guard case let .noPodAccepted(refusals)? = refused as? TrainingError else { return XCTFail("\(String(describing: refused))") }
        XCTAssertEqual(refusals.first?.rejection.reason, "permissions insufficient: general_modeller does not allow predict tasks; super_modeller does")
    }

    func testRowPredictionsLeaveOnlyPodsThatAllowThemAndTheSavedModelKeepsTheirStandardisation() async throws {
        let demo = try TrainingDemo.get()
        let pods = [TrainingDemo.demo, TrainingDemo.yaml]
        let spec = try await demo.specification(pods, steps: 10)
        let trained = try await train(pods, specification: spec, options: FederatedAveragingOptions(stepsBetweenParameterUpdates: 10))
        let standardisation = try XCTUnwrap(trained.model.standardisation)
        XCTAssertEqual(standardisation.columns, spec.continuous)
        XCTAssertEqual(Set(standardisation.pods.keys), Set(try pods.map { try demo.pod($0).description }))
        XCTAssertEqual(trained.model.batchesTracked, 10)

        let refused = await asyncError { try await demo.modeller.predict(trained.model, on: pods, rowScores: true) }
        guard case let .noPodAccepted(refusals)? = refused as? TrainingError else { return XCTFail("\(String(describing: refused))") }
        XCTAssertEqual(refusals.map(\.rejection), [.rowPredictionsNotAllowed(owner: "olivia"), .rowPredictionsNotAllowed(owner: "olivia")])
        XCTAssertEqual(refusals.first?.rejection.help, "the owner 'olivia' can allow them: bf pod row-predictions POD on, or "
                       + "'allow_row_predictions: true' in the pod's YAML; class counts need no setting: model.predict(counts_only=True)")

        let pod = try demo.pod(TrainingDemo.demo)
        try demo.hub.setRowPredictions(true, on: pod, by: demo.owner)
        defer { try? demo.hub.setRowPredictions(false, on: pod, by: demo.owner) }
        let counts = try await demo.modeller.predict(trained.model, on: [TrainingDemo.demo])
        let rows = try await demo.modeller.predict(trained.model, on: [TrainingDemo.demo], rowScores: true)
        let scores = try XCTUnwrap(rows.pods.first?.rows)
        XCTAssertNil(counts.pods.first?.rows)
        XCTAssertEqual(rows.predictedCounts, counts.predictedCounts)
        XCTAssertEqual(scores.testRows, Array(0..<2_262))
        XCTAssertEqual(scores.probabilities.count, 2 * 2_262)
        let predictedOnes = stride(from: 0, to: scores.probabilities.count, by: 2).filter { scores.probabilities[$0 + 1] > scores.probabilities[$0] }.count
        XCTAssertEqual(predictedOnes, counts.predictedCounts[1])
        let notes = try demo.hub.auditLog(for: pod).map(\.reason)
        XCTAssertTrue(notes.contains { $0.hasSuffix("sent class counts and each row's scores (allow_row_predictions)") }, "\(notes.suffix(4))")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-model-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trained.model.save(to: path)
        let loaded = try TrainedModel.load(from: path)
        XCTAssertEqual(loaded, trained.model)
        let again = try await demo.modeller.predict(loaded, on: [TrainingDemo.demo], rowScores: true)
        XCTAssertEqual(again.pods.first?.rows?.probabilities.map { $0.bitPattern }, scores.probabilities.map(\.bitPattern))
    }
}
