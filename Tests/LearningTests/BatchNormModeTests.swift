import XCTest
@testable import Learning

/// Batch norm in training mode (batch statistics, running statistics updated) and in
/// evaluation mode (running statistics), against hand-computed values.
final class BatchNormModeTests: XCTestCase {
    func testTrainingThenEvaluation() {
        let store = ParameterStore(BatchNorm1d.declarations(prefix: "bn", features: 1))
        let norm = BatchNorm1d(prefix: "bn", features: 1, store: store)
        norm.initialise()
        let x = TestMatrix(rows: 4, columns: 1, values: [1, 2, 3, 4])
        let y = TestMatrix(rows: 4, columns: 1)
        norm.forwardTraining(x.view, into: y.view, workspace: BatchNorm1d.Workspace(rows: 4, features: 1))
        // Mean 2.5, biased variance 1.25: y = (x − 2.5)/√(1.25 + 1e-5).
        let deviation = (1.25 + 1e-5).squareRoot()
        for (i, value) in [1.0, 2, 3, 4].enumerated() {
            XCTAssertEqual(Double(y[i]), (value - 2.5) / deviation, accuracy: 1e-6)
        }
        // Running mean 0.9·0 + 0.1·2.5; running variance 0.9·1 + 0.1·(5/3) (unbiased).
        XCTAssertEqual(Double(norm.runningMean[0]), 0.25, accuracy: 1e-7)
        XCTAssertEqual(Double(norm.runningVariance[0]), 0.9 + 0.5 / 3, accuracy: 1e-7)

        let scale = FloatBuffer(count: 1)
        let shift = FloatBuffer(count: 1)
        norm.forwardEvaluation(x.view, into: y.view, scale: scale.base, shift: shift.base)
        let runningDeviation = (0.9 + 0.5 / 3 + 1e-5).squareRoot()
        for (i, value) in [1.0, 2, 3, 4].enumerated() {
            XCTAssertEqual(Double(y[i]), (value - 0.25) / runningDeviation, accuracy: 1e-6)
        }
    }

    func testClassifierEvaluationIsIndependentOfBatchComposition() throws {
        // In evaluation mode a row's prediction does not depend on the other rows of its batch;
        // in training mode it does (batch statistics).
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [6], hiddenDropouts: [0], embeddingDropout: 0), seed: 3)
        let data = try separableDataset(layout: smallLayout, rows: 10, seed: 4)
        try ClassifierTrainer(model: classifier, hyperparameters: .init(steps: 5, batchSize: 5, optimizer: .init(name: "SGD", params: ["lr": 0.1]))).train(on: data)
        let together = try classifier.predictProbabilities(data, batchSize: 10)
        let firstRowAlone = try classifier.predictProbabilities(try data.rows([0]), batchSize: 1)
        XCTAssertEqual(Array(together[0..<2]), firstRowAlone)

        let workspace = classifier.reserveWorkspace(rows: 10)
        var generator = SeededGenerator(seed: 1)
        classifier.loadBatch(data, indices: 0..<10, into: workspace)
        _ = classifier.forwardTraining(rows: 10, workspace: workspace, generator: &generator)
        let trainingBatchOfTen = Array(workspace.logits.array[0..<2])
        classifier.loadBatch(data, indices: [0, 1, 2], into: workspace)
        _ = classifier.forwardTraining(rows: 3, workspace: workspace, generator: &generator)
        XCTAssertNotEqual(Array(workspace.logits.array[0..<2]), trainingBatchOfTen)
    }
}
