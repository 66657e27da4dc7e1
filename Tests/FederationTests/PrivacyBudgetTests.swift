import Foundation
import Learning
import XCTest
@testable import Federation

/// Differentially private training as the pods enforce it: the pod chooses the noise, keeps
/// the spending in its store (across restarts), refuses a task over its budget and rounds
/// past the plan, and reports the ε spent after every round.
final class PrivacyBudgetTests: FederationTestCase {
    /// 200 rows whose label follows age and gender, with a little noise.
    private static let csv: String = {
        var generator = Learning.SeededGenerator(seed: 3)
        var lines = ["age,gender,hours,TARGET"]
        for _ in 0..<200 {
            let age = 20 + generator.nextInt(below: 50)
            let female = generator.nextInt(below: 2) == 1
            let hours = 20 + generator.nextInt(below: 40)
            let score = Double(age - 45) / 10 + (female ? 1 : -1) + generator.nextNormal() * 0.3
            lines.append("\(age),\(female ? "Female" : "Male"),\(hours),\(score > 0 ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// A hub whose pod `records` (of olivia) has `policy`, and mia holding `role` on it.
    private func privateFederation(policy: PodPrivacyPolicy?, role: Role = .generalModeller, home: URL? = nil)
        throws -> (hub: Hub, pod: PodIdentifier, mia: LocalIdentity) {
        let hub = try Hub(home: try home ?? temporaryDirectory())
        let owner = try hub.identity(named: "olivia")
        let mia = try hub.identity(named: "mia")
        let spec = PodSpec(name: "records", owner: owner.name, dataPath: try file(Self.csv),
                           dataConfig: DataConfig(forceStypes: ["records": ForcedTypes(categorical: ["gender", "TARGET"])]),
                           privacyPolicy: policy)
        let pod = try hub.createPod(spec).identifier
        try hub.grant(role, to: mia.name, on: pod, by: owner)
        return (hub, pod, mia)
    }

    /// Trains on `pod` as `identity` with ε `epsilon` over `rounds` rounds of one epoch.
    private func train(_ hub: Hub, _ pod: PodIdentifier, as identity: LocalIdentity, epsilon: Double?, rounds: Int = 2,
                       delta: Double? = nil) async throws -> (TrainingResults, EventLog) {
        let modeller = Modeller(hub: hub, identity: identity)
        let schema = try await modeller.combineSchemas([pod.description], dataStructure: try DataStructure(target: "TARGET"))
        let specification = try ModelSpecification(
            schema: schema, architecture: TabularArchitecture(hiddenLayers: [16], hiddenDropouts: [0]),
            hyperparameters: TrainingHyperparameters(epochs: rounds, batchSize: 16, optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.1])),
            privacy: epsilon.map { PrivacyRequest(epsilon: $0, delta: delta, maxGradNorm: 1) })
        let training = try await modeller.training(on: [pod.description], specification: specification,
                                                   options: FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, autoEval: false))
        let log = EventLog()
        var results: TrainingResults?
        for try await event in training.run() {
            log.append(event)
            if case let .finished(finished) = event { results = finished }
        }
        return (try XCTUnwrap(results), log)
    }

    func testThePodChoosesTheNoiseAndReportsTheSpendingEveryRound() async throws {
        let (hub, pod, mia) = try privateFederation(policy: PodPrivacyPolicy(maxEpsilonPerTask: 5, delta: 1e-5))
        let (results, _) = try await train(hub, pod, as: mia, epsilon: 2, rounds: 3)
        let spent = results.rounds.map { try? XCTUnwrap($0.pods.first?.privacy) }
        XCTAssertEqual(spent.count, 3)
        let epsilons = spent.compactMap { $0?.epsilon }
        XCTAssertEqual(epsilons.count, 3)
        XCTAssertEqual(epsilons, epsilons.sorted(), "ε only grows")
        // The noise was chosen for exactly the planned steps, so the last round ends just under ε.
        XCTAssertLessThanOrEqual(epsilons[2], 2)
        XCTAssertGreaterThan(epsilons[2], 1.95)
        let last = try XCTUnwrap(spent.last ?? nil)
        XCTAssertEqual(last.delta, 1e-5, "the pod's δ when the task names none")
        XCTAssertGreaterThan(last.noiseMultiplier, 0.3)
        // The accountant agrees with what the pod reported.
        let check = try RDPAccountant.epsilon(samplingRate: last.samplingRate, noiseMultiplier: last.noiseMultiplier,
                                              steps: last.steps, delta: last.delta)
        XCTAssertEqual(check.epsilon, last.epsilon, accuracy: 1e-9)
        // The audit log says what the pod did.
        let audit = try hub.auditLog(for: pod).map(\.reason).joined(separator: "\n")
        XCTAssertTrue(audit.contains("DP-SGD with noise multiplier"), audit)
    }

    func testAPodRefusesATaskOverItsBudgetAndRemembersSpendingAcrossARestart() async throws {
        let home = try temporaryDirectory()
        let policy = PodPrivacyPolicy(maxEpsilonPerTask: 3, maxEpsilonPerModeller: 4, delta: 1e-5)
        let (hub, pod, mia) = try privateFederation(policy: policy, home: home)
        let (first, _) = try await train(hub, pod, as: mia, epsilon: 3, rounds: 1)
        let spent = try XCTUnwrap(first.rounds.last?.pods.first?.privacy?.epsilon)
        XCTAssertGreaterThan(spent, 2.9)

        // Over the per-task limit.
        do {
            _ = try await train(hub, pod, as: mia, epsilon: 3.5, rounds: 1)
            XCTFail("a task over the per-task limit was accepted")
        } catch let error as TrainingError {
            XCTAssertTrue("\(error.problems)".contains("the task asks for ε 3.5, but this pod allows at most ε 3 per task"), "\(error.problems)")
        }

        // A new hub on the same home (a restarted pod) remembers what was spent.
        let restarted = try Hub(home: home)
        let modeller = Modeller(hub: restarted, identity: try restarted.identity(named: "mia"))
        let access = try await modeller.checkAccess([pod.description], task: .train)
        let budget = try XCTUnwrap(access.responses.first?.privacyBudget)
        XCTAssertEqual(budget.spentByModeller, spent, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(budget.remaining), 4 - spent, accuracy: 1e-9)
        do {
            _ = try await train(restarted, pod, as: try restarted.identity(named: "mia"), epsilon: 2, rounds: 1)
            XCTFail("a task over the modeller's remaining budget was accepted")
        } catch let error as TrainingError {
            let text = "\(error.problems)"
            XCTAssertTrue(text.contains("the task asks for ε 2, but your privacy budget on this pod has ε"), text)
            XCTAssertTrue(text.contains("raise the pod's differential_privacy limits"), text)
        }
        // What is left can still be spent.
        let left = (budget.remaining ?? 0) * 0.99
        _ = try await train(restarted, pod, as: try restarted.identity(named: "mia"), epsilon: left, rounds: 1)
    }

    func testADeltaAboveThePodsIsRefused() async throws {
        let (hub, pod, mia) = try privateFederation(policy: PodPrivacyPolicy(delta: 1e-6))
        do {
            _ = try await train(hub, pod, as: mia, epsilon: 1, rounds: 1, delta: 1e-3)
            XCTFail("accepted")
        } catch let error as TrainingError {
            XCTAssertTrue("\(error.problems)".contains("the task asks for δ 0.001, but this pod allows at most δ 1e-06"), "\(error.problems)")
        }
    }

    func testADPModellerMayTrainOnlyWithDifferentialPrivacy() async throws {
        let (hub, pod, mia) = try privateFederation(policy: nil, role: .dpModeller)
        do {
            _ = try await train(hub, pod, as: mia, epsilon: nil, rounds: 1)
            XCTFail("a dp_modeller trained without differential privacy")
        } catch let error as TrainingError {
            XCTAssertTrue("\(error.problems)".contains("dp_modeller allows train tasks only with differential privacy"), "\(error.problems)")
        }
        let (results, _) = try await train(hub, pod, as: mia, epsilon: 4, rounds: 1)
        XCTAssertNotNil(results.rounds.first?.pods.first?.privacy)
    }

    func testCentralPrivacyNoisesTheAggregateOnceARound() async throws {
        let (hub, pod, mia) = try privateFederation(policy: PodPrivacyPolicy(maxEpsilonPerTask: 10, delta: 1e-5))
        let owner = try hub.identity(named: "olivia")
        let second = try hub.createPod(PodSpec(
            name: "more", owner: owner.name, dataPath: try file(Self.csv),
            dataConfig: DataConfig(forceStypes: ["more": ForcedTypes(categorical: ["gender", "TARGET"])]),
            approvedPods: ["records"])).identifier
        try hub.approve(second, on: pod, by: owner)
        try hub.grant(.generalModeller, to: mia.name, on: second, by: owner)
        let modeller = Modeller(hub: hub, identity: mia)
        let pods = [pod.description, second.description]
        let schema = try await modeller.combineSchemas(pods, dataStructure: try DataStructure(target: "TARGET"))
        let specification = try ModelSpecification(
            schema: schema, architecture: TabularArchitecture(hiddenLayers: [8], hiddenDropouts: [0]),
            hyperparameters: TrainingHyperparameters(epochs: 3, batchSize: 16),
            privacy: PrivacyRequest(epsilon: 8, delta: 1e-5, maxGradNorm: 0.5, mode: .central))

        // Without secure aggregation, or with pods weighted by rows, the modeller refuses first.
        for options in [FederatedAveragingOptions(epochsBetweenParameterUpdates: 1),
                        FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, secureAggregation: true)] {
            do {
                _ = try await modeller.training(on: pods, specification: specification, options: options)
                XCTFail("central privacy accepted \(options)")
            } catch TrainingError.centralPrivacyOptions {}
        }

        let training = try await modeller.training(
            on: pods, specification: specification,
            options: FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, secureAggregation: true, weighting: .equal, autoEval: false))
        var results: TrainingResults?
        for try await event in training.run() { if case let .finished(finished) = event { results = finished } }
        let rounds = try XCTUnwrap(results).rounds
        XCTAssertEqual(rounds.count, 3)
        for (index, round) in rounds.enumerated() {
            for metrics in round.pods {
                let report = try XCTUnwrap(metrics.privacy)
                XCTAssertEqual(report.steps, index + 1, "one step a round")
                XCTAssertEqual(report.samplingRate, 1)
            }
        }
        let last = try XCTUnwrap(rounds.last?.pods.first?.privacy)
        XCTAssertLessThanOrEqual(last.epsilon, 8)
        XCTAssertGreaterThan(last.epsilon, 7.9)
        // σ for three rounds of the plain Gaussian mechanism at ε 8, δ 1e-5.
        let sigma = try RDPAccountant.noiseMultiplier(epsilon: 8, delta: 1e-5, samplingRate: 1, steps: 3)
        XCTAssertEqual(last.noiseMultiplier, sigma, accuracy: 1e-12)
        let audit = try hub.auditLog(for: pod).map(\.reason).joined(separator: "\n")
        XCTAssertTrue(audit.contains("central DP, update clipped and noised"), audit)

        // With pods allowed to drop (SecAgg+), each pod adds the noise share of the threshold's
        // number of pods, so whichever sum the modeller unmasks carries the whole noise.
        let tolerant = try await modeller.training(
            on: pods, specification: specification,
            options: FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, secureAggregation: true, weighting: .equal,
                                               requireAllPods: false, autoEval: false))
        var tolerantResults: TrainingResults?
        for try await event in tolerant.run() { if case let .finished(finished) = event { tolerantResults = finished } }
        XCTAssertEqual(try XCTUnwrap(tolerantResults).rounds.count, 3)
        XCTAssertEqual(try XCTUnwrap(tolerantResults).rounds.last?.pods.first?.privacy?.noiseMultiplier ?? 0, sigma, accuracy: 1e-12)
    }

    func testTwoTasksCannotBothTakeTheLastOfABudget() throws {
        let (hub, pod, mia) = try privateFederation(policy: PodPrivacyPolicy(maxEpsilonTotal: 5, delta: 1e-5))
        let store = try HubStore(path: hub.home.appendingPathComponent("hub.sqlite").path)
        let policy = PodPrivacyPolicy(maxEpsilonTotal: 5, delta: 1e-5)
        let now = Date()
        let results = (0..<4).map { _ in
            try? store.reservePrivacy(task: UUID(), pod: pod, modeller: mia.name, epsilon: 2, delta: 1e-5, policy: policy,
                                      now: now, heldUntil: now.addingTimeInterval(60)).0
        }
        XCTAssertEqual(results.filter { $0 == .some(nil) }.count, 2, "two reservations of 2 fit in 5")
        // One task reserves at each of its pods (pods of one home share the store).
        let shared = UUID()
        let other = try PodIdentifier(owner: "olivia", name: "other")
        for at in [other, try PodIdentifier(owner: "olivia", name: "third")] {
            let (refusal, _) = try store.reservePrivacy(task: shared, pod: at, modeller: mia.name, epsilon: 1, delta: 1e-5,
                                                        policy: policy, now: now, heldUntil: now.addingTimeInterval(60))
            XCTAssertNil(refusal)
        }
        // A reservation past its hold counts only what it spent (nothing here).
        let later = now.addingTimeInterval(120)
        XCTAssertEqual(try store.privacyBudget(pod: pod, modeller: mia.name, policy: policy, now: later).spentByAll, 0)
        XCTAssertEqual(try store.privacyBudget(pod: pod, modeller: mia.name, policy: policy, now: now).spentByAll, 4)
    }

    func testPodYAMLReadsTheDifferentialPrivacySection() throws {
        let directory = try temporaryDirectory()
        let yaml = """
            pod_name: records
            data_config:
              datasource_args:
                path: data.csv
            differential_privacy:
              epsilon: 3
              delta: 1.0e-5
              max_epsilon_per_modeller: 10
              max_epsilon_total: 30

            """
        let spec = try PodConfigFile.parse(yaml, path: "pod.yaml", directory: directory, owner: "olivia")
        XCTAssertEqual(spec.privacyPolicy, PodPrivacyPolicy(maxEpsilonPerTask: 3, maxEpsilonPerModeller: 10, maxEpsilonTotal: 30, delta: 1e-5))

        let bad = yaml.replacingOccurrences(of: "delta: 1.0e-5", with: "delta: 2")
        XCTAssertThrowsError(try PodConfigFile.parse(bad, path: "pod.yaml", directory: directory, owner: "olivia")) { error in
            XCTAssertTrue("\(error)".contains("differential_privacy.delta"), "\(error)")
            XCTAssertTrue("\(error)".contains("below 1.0"), "\(error)")
        }
        let typo = yaml.replacingOccurrences(of: "max_epsilon_total", with: "max_epsilon_totl")
        XCTAssertThrowsError(try PodConfigFile.parse(typo, path: "pod.yaml", directory: directory, owner: "olivia")) { error in
            XCTAssertTrue("\(error)".contains("max_epsilon_total"), "\(error)")
        }
    }
}
