import XCTest
@testable import Learning

/// The training loop: learning, progress and stopping, steps, FedProx.
final class TrainingTests: XCTestCase {
    func testDefaultClassifierLearnsSeparableData() throws {
        let layout = TabularLayout(
            categorical: [.init(name: "a", cardinality: 5), .init(name: "b", cardinality: 8), .init(name: "c", cardinality: 3)],
            continuousNames: ["x", "y", "z"], targetName: "label", classCount: 2)
        let train = try separableDataset(layout: layout, rows: 2000, seed: 21, noise: 0.2)
        let test = try separableDataset(layout: layout, rows: 500, seed: 22, noise: 0.2)
        let classifier = try TabularClassifier(layout: layout, seed: 5)
        let before = try classifier.evaluate(test)
        let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: 8, batchSize: 128, seed: 6))
        let summary = try trainer.train(on: train)
        let after = try classifier.evaluate(test)
        XCTAssertEqual(summary.steps, 8 * 16)
        XCTAssertEqual(summary.epochs, 8)
        XCTAssertFalse(summary.stopped)
        XCTAssertGreaterThan(after.accuracy, 0.93, "accuracy \(after.accuracy) (before \(before.accuracy))")
        XCTAssertGreaterThan(after.auc ?? 0, 0.97)
        XCTAssertLessThan(after.validationLoss, before.validationLoss)
    }

    func testProgressAndStopAtBatchBoundary() throws {
        let data = try separableDataset(layout: smallLayout, rows: 100, seed: 1)
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
        let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: 3, batchSize: 30, seed: 1))
        var reports: [TrainingProgress] = []
        let summary = try trainer.train(on: data) { progress in
            reports.append(progress)
            return progress.step == 5 ? .stop : .proceed
        }
        // 100 rows in batches of 30: 30, 30, 30, 10 → 4 batches per epoch, 12 in all.
        XCTAssertEqual(reports.map(\.step), [1, 2, 3, 4, 5])
        XCTAssertEqual(reports.map(\.epoch), [1, 1, 1, 1, 2])
        XCTAssertEqual(reports.map(\.rowsSeen), [30, 60, 90, 100, 130])
        XCTAssertTrue(reports.allSatisfy { $0.totalSteps == 12 && $0.loss > 0 })
        XCTAssertTrue(summary.stopped)
        XCTAssertEqual(summary.steps, 5)
        XCTAssertEqual(trainer.stepCount, 5)
    }

    func testStepsContinueAcrossEpochsAndSkipSingleRowBatches() throws {
        let data = try separableDataset(layout: smallLayout, rows: 21, seed: 1)
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
        let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(steps: 5, batchSize: 10, seed: 1))
        let summary = try trainer.train(on: data)
        // 21 rows: batches of 10, 10 and a single row that is skipped; 5 steps span 3 epochs.
        XCTAssertEqual(summary.steps, 5)
        XCTAssertEqual(summary.rows, 50)
        XCTAssertEqual(summary.epochs, 3)
    }

    func testProximalTermPullsTowardReference() throws {
        let data = try separableDataset(layout: smallLayout, rows: 64, seed: 1)
        let architecture = TabularArchitecture(hiddenLayers: [8], hiddenDropouts: [0])
        func distance(mu: Double) throws -> Double {
            let classifier = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 1)
            let global = classifier.parameters()
            let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: 3, batchSize: 16, optimizer: .init(name: "SGD", params: ["lr": 0.1]), seed: 1))
            try trainer.train(on: data, proximal: ProximalTerm(mu: mu, reference: global))
            let change = try classifier.parameters().subtracting(global)
            return classifier.trainableNames.reduce(0.0) { total, name in
                total + (change.values(of: name) ?? []).reduce(0) { $0 + Double($1) * Double($1) }
            }
        }
        let free = try distance(mu: 0)
        let held = try distance(mu: 5)
        XCTAssertGreaterThan(free, 0)
        XCTAssertLessThan(held, 0.5 * free)
    }

    func testProximalGradientIsMuTimesDistance() throws {
        // With lr = 1 and plain SGD, the proximal part of one step moves w by −μ(w − w_g):
        // compare a step with reference w_g = w + d against a step with reference w.
        let data = try separableDataset(layout: smallLayout, rows: 8, seed: 1)
        let architecture = TabularArchitecture(hiddenLayers: [3], hiddenDropouts: [0], embeddingDropout: 0)
        let hyper = TrainingHyperparameters(steps: 1, batchSize: 8, optimizer: .init(name: "SGD", params: ["lr": 1]), seed: 1)
        let start = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 1).parameters()
        let shift = try start.replacingValues(with: start.values.indices.map { Float($0 % 7) * 0.01 })
        let shifted = try start.adding(shift)

        let plain = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 1)
        try ClassifierTrainer(model: plain, hyperparameters: hyper).train(on: data, proximal: ProximalTerm(mu: 0.5, reference: start))
        let pulled = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 1)
        try ClassifierTrainer(model: pulled, hyperparameters: hyper).train(on: data, proximal: ProximalTerm(mu: 0.5, reference: shifted))
        let difference = try pulled.parameters().subtracting(plain.parameters())
        let trainable = Set(plain.trainableNames)
        for tensor in difference.tensors where trainable.contains(tensor.name) {
            let moved = difference.values(of: tensor.name) ?? []
            let expected = (shift.values(of: tensor.name) ?? []).map { 0.5 * $0 }
            for (m, e) in zip(moved, expected) { XCTAssertEqual(m, e, accuracy: 1e-6, tensor.name) }
        }
    }
}
