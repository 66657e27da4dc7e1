import XCTest
@testable import Learning

/// Metrics against values computed by hand.
final class MetricsTests: XCTestCase {
    func testAUCWithTies() {
        // Positives 0.35, 0.8, 0.4; negatives 0.1, 0.4. Of the 6 pairs the positive wins 4,
        // loses 1 (0.35 < 0.4) and ties 1 (0.4 = 0.4, counted ½): AUC = 4.5/6.
        let auc = ClassificationMetrics.auc(scores: [0.1, 0.4, 0.35, 0.8, 0.4], positives: [false, false, true, true, true])
        XCTAssertEqual(auc ?? -1, 0.75, accuracy: 1e-12)
        XCTAssertEqual(ClassificationMetrics.auc(scores: [0.5, 0.5, 0.5], positives: [true, false, true]) ?? -1, 0.5, accuracy: 1e-12)
        XCTAssertEqual(ClassificationMetrics.auc(scores: [0.1, 0.9], positives: [false, true]), 1)
        XCTAssertNil(ClassificationMetrics.auc(scores: [0.1, 0.9], positives: [true, true]))
    }

    func testBinaryMetrics() {
        let labels: [Int32] = [1, 0, 1, 1, 0, 0]
        let positive: [Float] = [0.9, 0.2, 0.4, 0.7, 0.6, 0.1]
        let probabilities = positive.flatMap { [1 - $0, $0] }
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: labels, classCount: 2)
        // Predictions (p > 0.5): 1 0 0 1 1 0 → TP 2, FN 1, FP 1, TN 2.
        XCTAssertEqual(metrics.totals.confusion[actual: 1, predicted: 1], 2)
        XCTAssertEqual(metrics.totals.confusion[actual: 1, predicted: 0], 1)
        XCTAssertEqual(metrics.totals.confusion[actual: 0, predicted: 1], 1)
        XCTAssertEqual(metrics.totals.confusion[actual: 0, predicted: 0], 2)
        XCTAssertEqual(metrics.accuracy, 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(metrics.precision, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(metrics.recall, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(metrics.f1, 2.0 / 3, accuracy: 1e-12)
        // Brier: (0.1² + 0.2² + 0.6² + 0.3² + 0.6² + 0.1²)/6 = 0.87/6.
        XCTAssertEqual(metrics.brierLoss, 0.145, accuracy: 1e-6)
        let logLoss = -(log(0.9) + log(0.8) + log(0.4) + log(0.7) + log(0.4) + log(0.9)) / 6
        XCTAssertEqual(metrics.logLoss, logLoss, accuracy: 1e-6)
        XCTAssertEqual(metrics.validationLoss, logLoss, accuracy: 1e-6)
        // Ranks of the positives among all six scores: 0.9 → 6, 0.4 → 3, 0.7 → 5;
        // AUC = (14 − 6)/(3·3) = 8/9.
        XCTAssertEqual(metrics.auc ?? -1, 8.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(metrics.perClassAccuracy[0], 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(metrics.perClassAccuracy[1], 2.0 / 3, accuracy: 1e-12)
    }

    func testLogLossClipsCertainMistakes() {
        let metrics = ClassificationMetrics(probabilities: [1, 0], labels: [1], classCount: 2)
        XCTAssertEqual(metrics.logLoss, -log(1e-15), accuracy: 1e-6)
        XCTAssertTrue(metrics.validationLoss.isFinite)
    }

    func testMulticlassMetrics() {
        // Three classes; rows (label, probabilities): predictions 0, 1, 1, 2, 0.
        let labels: [Int32] = [0, 1, 2, 2, 0]
        let probabilities: [Float] = [
            0.7, 0.2, 0.1,
            0.1, 0.8, 0.1,
            0.3, 0.4, 0.3,
            0.1, 0.1, 0.8,
            0.5, 0.25, 0.25,
        ]
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: labels, classCount: 3)
        XCTAssertEqual(metrics.accuracy, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(metrics.perClassAccuracy, [1, 1, 0.5])
        // Precision per class: 2/2, 1/2, 1/1 → macro 5/6. Recall: 1, 1, 0.5 → 5/6.
        XCTAssertEqual(metrics.precision, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(metrics.recall, 5.0 / 6, accuracy: 1e-12)
        // F1 per class: 1, 2/3, 2/3 → macro 7/9.
        XCTAssertEqual(metrics.f1, 7.0 / 9, accuracy: 1e-12)
        // Brier: Σₖ(pₖ − yₖ)² per row: 0.14, 0.06, 0.74, 0.06, 0.375 → mean 1.375/5.
        XCTAssertEqual(metrics.brierLoss, 1.375 / 5, accuracy: 1e-6)
    }

    func testPooledCountsEqualCountsOfPooledRows() throws {
        let labels: [Int32] = [1, 0, 1, 1, 0, 0]
        let probabilities: [Float] = [0.1, 0.9, 0.8, 0.2, 0.6, 0.4, 0.3, 0.7, 0.4, 0.6, 0.9, 0.1]
        let all = ClassificationMetrics(probabilities: probabilities, labels: labels, classCount: 2)
        let first = ClassificationMetrics(probabilities: Array(probabilities[0..<6]), labels: Array(labels[0..<3]), classCount: 2)
        let second = ClassificationMetrics(probabilities: Array(probabilities[6...]), labels: Array(labels[3...]), classCount: 2)
        let pooledTotals = try first.totals.merging(second.totals)
        XCTAssertEqual(pooledTotals.confusion, all.totals.confusion)
        let pooled = ClassificationMetrics(totals: pooledTotals)
        XCTAssertEqual(pooled.accuracy, all.accuracy)
        XCTAssertEqual(pooled.f1, all.f1)
        XCTAssertEqual(pooled.brierLoss, all.brierLoss, accuracy: 1e-12)
        XCTAssertEqual(pooled.logLoss, all.logLoss, accuracy: 1e-12)
        XCTAssertEqual(pooled.rowCount, 6)
        let error = learningError { _ = try ConfusionCounts(classCount: 2).merging(ConfusionCounts(classCount: 3)) }
        XCTAssertEqual(error?.description, "parameter sets do not match: confusion counts for 2 and 3 classes cannot be merged")
    }
}
