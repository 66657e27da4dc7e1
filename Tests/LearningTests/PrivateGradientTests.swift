import XCTest
@testable import Learning

/// DP-SGD's per-sample gradients: equal to batch-of-one gradients, right by finite
/// differences, clipped to the bound; and the private trainer around them.
final class PrivateGradientTests: XCTestCase {
    /// A three-class model with two hidden layers, no dropout (so a row's gradient does not
    /// depend on the mask drawn for its batch), and running statistics moved away from 0 and
    /// 1 so that the frozen normalisation is exercised.
    private func model(seed: UInt64 = 3) throws -> TabularClassifier {
        let layout = TabularLayout(
            categorical: [.init(name: "colour", cardinality: 3), .init(name: "shape", cardinality: 4)],
            continuousNames: ["width", "height"], targetName: "label", classCount: 3)
        let classifier = try TabularClassifier(
            layout: layout, architecture: TabularArchitecture(hiddenLayers: [6, 5], hiddenDropouts: [0, 0], embeddingDropout: 0),
            seed: seed)
        var generator = SeededGenerator(seed: 77)
        var parameters = classifier.parameters()
        for tensor in parameters.tensors where tensor.name.hasSuffix("running_mean") || tensor.name.hasSuffix("running_var")
            || tensor.name.hasSuffix("norm.weight") || tensor.name.hasSuffix("norm.bias") {
            let isVariance = tensor.name.hasSuffix("running_var") || tensor.name.hasSuffix("norm.weight")
            let values = (0..<tensor.shape.reduce(1, *)).map { _ in
                Float(isVariance ? 0.5 + abs(generator.nextNormal()) : 0.3 * generator.nextNormal())
            }
            try parameters.setValues(values, of: tensor.name)
        }
        try classifier.load(parameters)
        return classifier
    }

    private func data(rows: Int, seed: UInt64 = 5) throws -> TabularDataset {
        let layout = try self.model().layout
        return try separableDataset(layout: layout, rows: rows, seed: seed)
    }

    /// Σᵣ factorᵣ·gradientᵣ over `rows` of `data` (and the squared norms pass one found).
    private func weightedGradient(_ classifier: TabularClassifier, _ data: TabularDataset, rows: [Int], factors: [Float]) -> (gradient: [Float], norms: [Float]) {
        let workspace = classifier.reserveWorkspace(rows: rows.count)
        classifier.loadBatch(data, indices: rows, into: workspace)
        var generator = SeededGenerator(seed: 1)
        _ = classifier.forwardTraining(rows: rows.count, workspace: workspace, generator: &generator, statistics: .running)
        classifier.backwardPerSample(rows: rows.count, workspace: workspace)
        let norms = Array(workspace.sampleNorms.array.prefix(rows.count))
        workspace.sampleNorms.base.update(from: factors, count: factors.count)
        classifier.accumulatePerSample(rows: rows.count, workspace: workspace)
        return (Array(classifier.store.gradients.array.prefix(classifier.trainableCount)), norms)
    }

    func testPerSampleGradientsEqualBatchOfOneGradients() throws {
        let classifier = try model()
        let data = try data(rows: 7)
        let batch = Array(0..<7)
        let (_, norms) = weightedGradient(classifier, data, rows: batch, factors: [Float](repeating: 1, count: 7))
        for row in batch {
            var selector = [Float](repeating: 0, count: 7)
            selector[row] = 1
            let fromBatch = weightedGradient(classifier, data, rows: batch, factors: selector).gradient
            let alone = weightedGradient(classifier, data, rows: [row], factors: [1]).gradient
            XCTAssertGreaterThan(alone.map { abs($0) }.max() ?? 0, 1e-3, "row \(row) has a gradient")
            for (index, (a, b)) in zip(fromBatch, alone).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(b), "row \(row), parameter \(index)")
            }
            let squaredNorm = alone.reduce(0) { $0 + Double($1) * Double($1) }
            XCTAssertEqual(Double(norms[row]), squaredNorm, accuracy: 1e-4 * squaredNorm, "row \(row)'s norm from pass one")
        }
    }

    func testBatchGradientIsTheSumOfPerSampleGradients() throws {
        let classifier = try model()
        let data = try data(rows: 5)
        let factors: [Float] = [1, 0.5, 0.25, 2, 0]
        let weighted = weightedGradient(classifier, data, rows: Array(0..<5), factors: factors).gradient
        var expected = [Double](repeating: 0, count: weighted.count)
        for row in 0..<5 {
            let alone = weightedGradient(classifier, data, rows: [row], factors: [1]).gradient
            for i in expected.indices { expected[i] += Double(factors[row]) * Double(alone[i]) }
        }
        for (a, b) in zip(weighted, expected) { XCTAssertEqual(Double(a), b, accuracy: 1e-5 + 1e-4 * abs(b)) }
    }

    func testPerSampleGradientMatchesFiniteDifferences() throws {
        let classifier = try model()
        let data = try data(rows: 3)
        let workspace = classifier.reserveWorkspace(rows: 1)
        for row in 0..<3 {
            let analytic = weightedGradient(classifier, data, rows: [row], factors: [1]).gradient
            let numeric = numericGradient(classifier.store.values.base, count: classifier.trainableCount, epsilon: 1e-2) {
                classifier.loadBatch(data, indices: [row], into: workspace)
                var generator = SeededGenerator(seed: 1)
                return classifier.forwardTraining(rows: 1, workspace: workspace, generator: &generator, statistics: .running)
            }
            assertGradient(analytic, numeric, tolerance: 5e-3, absolute: 5e-3, "row \(row)")
        }
    }

    func testClippingBoundsEveryRowsContribution() throws {
        let classifier = try model()
        let data = try data(rows: 9)
        let workspace = classifier.reserveWorkspace(rows: 9)
        classifier.loadBatch(data, indices: Array(0..<9), into: workspace)
        var generator = SeededGenerator(seed: 1)
        _ = classifier.forwardTraining(rows: 9, workspace: workspace, generator: &generator, statistics: .running)
        classifier.backwardPerSample(rows: 9, workspace: workspace)
        let norms = workspace.sampleNorms.array.prefix(9).map { Double($0).squareRoot() }
        let bound = ((norms.min() ?? 0) + (norms.max() ?? 0)) / 2
        let clipped = classifier.clipFactors(rows: 9, workspace: workspace, maxNorm: bound)
        let factors = Array(workspace.sampleNorms.array.prefix(9))
        XCTAssertEqual(clipped, norms.filter { $0 > bound }.count)
        XCTAssertGreaterThan(clipped, 0)
        for row in 0..<9 {
            let alone = weightedGradient(classifier, data, rows: [row], factors: [factors[row]]).gradient
            let norm = alone.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertLessThanOrEqual(norm, bound * (1 + 1e-4), "row \(row)")
            if norms[row] <= bound { XCTAssertEqual(factors[row], 1) } else { XCTAssertEqual(norm, bound, accuracy: 1e-4 * bound) }
        }
    }

    func testPoissonBatchesHaveTheExpectedSizeAndCoverEveryRow() throws {
        let classifier = try model()
        let trainer = try ClassifierTrainer(
            model: classifier, hyperparameters: TrainingHyperparameters(steps: 1, privacy: DPSGDSettings(maxGradNorm: 1, noiseMultiplier: 1)),
            privateRandom: SecureRandom(testingSeed: 8))
        var batch: [Int] = []
        var total = 0
        var seen = Set<Int>()
        var empty = 0
        for _ in 0..<4000 {
            trainer.drawPoissonBatch(rows: 50, rate: 0.04, into: &batch)
            XCTAssertEqual(batch, batch.sorted())
            XCTAssertEqual(Set(batch).count, batch.count)
            total += batch.count
            seen.formUnion(batch)
            if batch.isEmpty { empty += 1 }
        }
        // Mean size 2 (σ of the mean ≈ 0.022); P(empty) = 0.96⁵⁰ ≈ 0.13.
        XCTAssertEqual(Double(total) / 4000, 2, accuracy: 0.1)
        XCTAssertEqual(seen, Set(0..<50))
        XCTAssertEqual(Double(empty) / 4000, 0.13, accuracy: 0.03)
        trainer.drawPoissonBatch(rows: 5, rate: 1, into: &batch)
        XCTAssertEqual(batch, [0, 1, 2, 3, 4])
    }

    func testNoiseHasTheStatedDeviation() throws {
        let trainer = try ClassifierTrainer(
            model: try model(), hyperparameters: TrainingHyperparameters(steps: 1), privateRandom: SecureRandom(testingSeed: 2))
        let count = 20000
        let gradients = FloatBuffer(count: count)
        for i in 0..<count { gradients.base[i] = 3 }
        trainer.addNoise(to: gradients.base, count: count, deviation: 2, divisor: 4)
        let values = gradients.array.map(Double.init)
        let mean = values.reduce(0, +) / Double(count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        XCTAssertEqual(mean, 0.75, accuracy: 0.01)
        XCTAssertEqual(variance.squareRoot(), 0.5, accuracy: 0.01)
    }

    func testPrivateTrainingLearnsWithoutNoiseAndKeepsTheRunningStatistics() throws {
        let classifier = try model()
        let data = try data(rows: 300, seed: 12)
        let before = try classifier.evaluate(data)
        let statistics = classifier.parameters().tensors.filter { $0.name.hasPrefix("layers.0.norm.running") }
            .map { classifier.parameters().values(of: $0.name) ?? [] }
        let trainer = try ClassifierTrainer(
            model: classifier,
            hyperparameters: TrainingHyperparameters(epochs: 8, batchSize: 32, privacy: DPSGDSettings(maxGradNorm: 5, noiseMultiplier: 0)),
            privateRandom: SecureRandom(testingSeed: 4))
        let summary = try trainer.train(on: data)
        XCTAssertEqual(summary.steps, 8 * 10)
        XCTAssertEqual(Double(summary.rows) / 80, 30, accuracy: 4, "batches of 30 rows on average")
        let after = try classifier.evaluate(data)
        XCTAssertLessThan(after.validationLoss, before.validationLoss * 0.8)
        XCTAssertGreaterThan(after.accuracy, 0.8)
        XCTAssertEqual(classifier.parameters().tensors.filter { $0.name.hasPrefix("layers.0.norm.running") }
            .map { classifier.parameters().values(of: $0.name) ?? [] }, statistics)
    }

    func testNoiseComesFromTheKernelNotTheSeed() throws {
        func train() throws -> [Float] {
            let classifier = try model()
            let trainer = try ClassifierTrainer(
                model: classifier,
                hyperparameters: TrainingHyperparameters(steps: 2, batchSize: 8, seed: 1, privacy: DPSGDSettings(maxGradNorm: 1, noiseMultiplier: 1)))
            try trainer.train(on: try data(rows: 40))
            return classifier.parameters().values
        }
        XCTAssertNotEqual(try train(), try train(), "the same seed must not give the same noise")
    }

    func testInvalidPrivacySettingsAreRefused() throws {
        let classifier = try model()
        for (settings, message) in [
            (DPSGDSettings(maxGradNorm: 0, noiseMultiplier: 1), "differential privacy setting 'max_grad_norm' is 0.0: it must be a finite number above 0"),
            (DPSGDSettings(maxGradNorm: .infinity, noiseMultiplier: 1), "differential privacy setting 'max_grad_norm' is inf: it must be a finite number above 0"),
            (DPSGDSettings(maxGradNorm: 1, noiseMultiplier: -0.5), "differential privacy setting 'noise_multiplier' is -0.5: it must be a finite number at least 0"),
            (DPSGDSettings(maxGradNorm: 1, noiseMultiplier: .nan), "differential privacy setting 'noise_multiplier' is nan: it must be a finite number at least 0"),
        ] {
            let error = learningError { _ = try ClassifierTrainer(model: classifier, hyperparameters: TrainingHyperparameters(epochs: 1, privacy: settings)) }
            XCTAssertEqual(error?.description, message)
        }
    }

    func testSamplingFollowsOpacus() {
        XCTAssertEqual(DPSGDSettings.sampling(rows: 1000, batchSize: 64).batchesPerEpoch, 16)
        XCTAssertEqual(DPSGDSettings.sampling(rows: 1000, batchSize: 64).rate, 1.0 / 16)
        XCTAssertEqual(DPSGDSettings.sampling(rows: 10, batchSize: 64).rate, 1)
        XCTAssertEqual(DPSGDSettings.sampling(rows: 1024, batchSize: 512).batchesPerEpoch, 2)
    }
}

/// The Gaussian mechanism on a whole update (central differential privacy).
final class GaussianMechanismTests: XCTestCase {
    func testClipsToTheNormThenAddsNoiseOfTheStatedDeviation() {
        var vector = [Float](repeating: 0, count: 40000)
        vector[0] = 30
        vector[1] = 40
        let norm = GaussianMechanism.perturb(&vector, maxNorm: 5, deviation: 0, random: SecureRandom(testingSeed: 1))
        XCTAssertEqual(norm, 50, accuracy: 1e-9)
        XCTAssertEqual(vector[0], 3, accuracy: 1e-6)
        XCTAssertEqual(vector[1], 4, accuracy: 1e-6)

        var small: [Float] = [0.3, 0.4]
        _ = GaussianMechanism.perturb(&small, maxNorm: 5, deviation: 0, random: SecureRandom(testingSeed: 1))
        XCTAssertEqual(small, [0.3, 0.4], "a vector within the norm is left as it is")

        var zeros = [Float](repeating: 0, count: 40000)
        _ = GaussianMechanism.perturb(&zeros, maxNorm: 1, deviation: 0.5, random: SecureRandom(testingSeed: 2))
        let variance = zeros.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(zeros.count)
        XCTAssertEqual(variance.squareRoot(), 0.5, accuracy: 0.01)
    }
}
