import Foundation
import XCTest
@testable import Learning

/// Metrics pooled from several pods' totals (counts, sums and score histograms) against
/// hand-computed values and against the metrics of all the rows together.
final class PooledMetricsTests: XCTestCase {
    /// Binary probabilities (p₀, p₁ per row) from the positive-class scores.
    private func binary(_ positive: [Float]) -> [Float] { positive.flatMap { [1 - $0, $0] } }

    // Pod A: labels 1 0 1 0, p₁ 0.9 0.3 0.6 0.7. Pod B: labels 1 1 0, p₁ 0.2 0.8 0.4.
    private let labelsA: [Int32] = [1, 0, 1, 0]
    private let scoresA: [Float] = [0.9, 0.3, 0.6, 0.7]
    private let labelsB: [Int32] = [1, 1, 0]
    private let scoresB: [Float] = [0.2, 0.8, 0.4]

    func testPooledBinaryMetricsAgainstHandComputedValues() throws {
        let a = ClassificationMetrics(probabilities: binary(scoresA), labels: labelsA, classCount: 2, auc: .bins)
        let b = ClassificationMetrics(probabilities: binary(scoresB), labels: labelsB, classCount: 2, auc: .bins)
        // Per pod: A's positives 0.9, 0.6 against negatives 0.3, 0.7 win 3 of 4 pairs;
        // B's positives 0.2, 0.8 against 0.4 win 1 of 2.
        XCTAssertEqual(a.auc ?? -1, 0.75, accuracy: 1e-12)
        XCTAssertEqual(b.auc ?? -1, 0.5, accuracy: 1e-12)
        let pooled = try MetricTotals(classCount: 2).merging(a.totals).merging(b.totals)
        let metrics = ClassificationMetrics(totals: pooled)
        // All rows: positives 0.9, 0.6, 0.2, 0.8 against negatives 0.3, 0.7, 0.4:
        // 0.9 wins 3, 0.6 wins 2, 0.2 wins 0, 0.8 wins 3 → AUC 8/12, where the row-weighted
        // mean of the pods' AUCs would be (0.75·4 + 0.5·3)/7 = 4.5/7.
        XCTAssertEqual(metrics.auc ?? -1, 8.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(metrics.aucErrorBound ?? -1, 0, "no bin of 4096 holds a positive and a negative")
        // Predictions p₁ > 0.5: A → 1 0 1 1, B → 0 1 0: TP 3, FN 1, FP 1, TN 2.
        XCTAssertEqual(metrics.rowCount, 7)
        XCTAssertEqual(metrics.accuracy, 5.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(metrics.precision, 3.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(metrics.recall, 3.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(metrics.f1, 3.0 / 4, accuracy: 1e-12)
        // Brier: (0.1² + 0.3² + 0.4² + 0.7² + 0.8² + 0.2² + 0.4²)/7 = 1.59/7.
        XCTAssertEqual(metrics.brierLoss, 1.59 / 7, accuracy: 1e-6)
        let logLoss = -[0.9, 0.7, 0.6, 0.3, 0.2, 0.8, 0.6].map { log($0) }.reduce(0, +) / 7
        XCTAssertEqual(metrics.logLoss, logLoss, accuracy: 1e-6)
        XCTAssertEqual(metrics.validationLoss, logLoss, accuracy: 1e-6)
    }

    func testPooledMetricsEqualTheMetricsOfTheConcatenatedRows() throws {
        // Three pods of made-up rows of different sizes, scores spread over [0, 1].
        var generator = SplitMix(seed: 7)
        var pods: [(labels: [Int32], scores: [Float])] = []
        for size in [37, 120, 5] {
            let labels = (0..<size).map { _ in Int32(generator.next() % 3 == 0 ? 1 : 0) }
            let scores = labels.map { label in
                Float(min(max(0.35 * Double(label) + 0.65 * Double(generator.next() % 10_000) / 10_000, 0), 1))
            }
            pods.append((labels, scores))
        }
        let parts = pods.map { ClassificationMetrics(probabilities: binary($0.scores), labels: $0.labels, classCount: 2, auc: .bins) }
        var totals = MetricTotals(classCount: 2)
        for part in parts { totals = try totals.merging(part.totals) }
        let pooled = ClassificationMetrics(totals: totals)
        let all = ClassificationMetrics(probabilities: binary(pods.flatMap(\.scores)), labels: pods.flatMap(\.labels), classCount: 2)

        XCTAssertEqual(pooled.totals.confusion, all.totals.confusion)
        XCTAssertEqual(pooled.rowCount, all.rowCount)
        XCTAssertEqual(pooled.accuracy, all.accuracy)
        XCTAssertEqual(pooled.precision, all.precision)
        XCTAssertEqual(pooled.recall, all.recall)
        XCTAssertEqual(pooled.f1, all.f1)
        XCTAssertEqual(pooled.perClassAccuracy, all.perClassAccuracy)
        XCTAssertEqual(pooled.brierLoss, all.brierLoss, accuracy: 1e-12)
        XCTAssertEqual(pooled.logLoss, all.logLoss, accuracy: 1e-12)
        XCTAssertEqual(pooled.totals.scores, all.totals.scores, "histograms add up bin by bin")
        // AUC: `all` is by ranks, exact; the pooled one is within its stated bound.
        let exact = try XCTUnwrap(all.auc)
        let bound = try XCTUnwrap(pooled.aucErrorBound)
        XCTAssertLessThanOrEqual(abs(try XCTUnwrap(pooled.auc) - exact), bound + 1e-12)
        XCTAssertLessThan(bound, 0.01)
    }

    func testBinnedAUCCountsAPairInOneBinAsHalfAndBoundsTheError() throws {
        // Four bins. Positives 0.9 (bin 3) and 0.6 (bin 2); negatives 0.1 (bin 0) and 0.7
        // (bin 2). By ranks 0.6 loses to 0.7: AUC 3/4. Binned, the pair 0.6–0.7 shares bin 2
        // and counts ½: AUC 3.5/4, and the bound is ½ · 1/4.
        var histograms = ScoreHistograms(classCount: 2, binCount: 4)
        let probabilities = binary([0.9, 0.6, 0.1, 0.7])
        let labels: [Int32] = [1, 1, 0, 0]
        probabilities.withUnsafeBufferPointer { p in
            labels.withUnsafeBufferPointer { histograms.record(probabilities: p, labels: $0, classCount: 2) }
        }
        XCTAssertEqual(histograms.positives, [[0, 0, 1, 1]])
        XCTAssertEqual(histograms.negatives, [[1, 0, 1, 0]])
        XCTAssertEqual(histograms.auc ?? -1, 0.875, accuracy: 1e-12)
        XCTAssertEqual(histograms.aucErrorBound ?? -1, 0.125, accuracy: 1e-12)
        let exact = try XCTUnwrap(ClassificationMetrics.auc(scores: [0.9, 0.6, 0.1, 0.7], positives: [true, true, false, false]))
        XCTAssertEqual(exact, 0.75, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(abs(0.875 - exact), 0.125 + 1e-12)
        // Scores at the ends: 0 in the first bin, 1 in the last.
        XCTAssertEqual(histograms.bin(of: 0), 0)
        XCTAssertEqual(histograms.bin(of: 1), 3)
        XCTAssertEqual(histograms.bin(of: 0.25), 1)
        XCTAssertEqual(histograms.bin(of: .nan), 0)
    }

    func testPooledMulticlassAUCIsTheOneVersusRestMacroAverageOfAllRows() throws {
        let probabilities: [Float] = [
            0.7, 0.2, 0.1,
            0.1, 0.8, 0.1,
            0.3, 0.4, 0.3,
            0.1, 0.15, 0.75,
            0.5, 0.25, 0.25,
            0.2, 0.6, 0.2,
        ]
        let labels: [Int32] = [0, 1, 2, 2, 0, 1]
        let all = ClassificationMetrics(probabilities: probabilities, labels: labels, classCount: 3)
        let first = ClassificationMetrics(probabilities: Array(probabilities[0..<9]), labels: Array(labels[0..<3]), classCount: 3, auc: .bins)
        let second = ClassificationMetrics(probabilities: Array(probabilities[9...]), labels: Array(labels[3...]), classCount: 3, auc: .bins)
        let pooled = ClassificationMetrics(totals: try first.totals.merging(second.totals))
        XCTAssertEqual(pooled.totals.confusion, all.totals.confusion)
        XCTAssertEqual(pooled.f1, all.f1)
        // Class 0: positives 0.7, 0.5 beat every negative (0.1, 0.3, 0.1, 0.2): 1. Class 1:
        // positives 0.8, 0.6 beat 0.2, 0.4, 0.15, 0.25: 1. Class 2: positives 0.3, 0.75
        // against 0.1, 0.1, 0.25, 0.2: 0.3 wins 4, 0.75 wins 4: 1. Macro average 1.
        XCTAssertEqual(all.auc ?? -1, 1, accuracy: 1e-12)
        XCTAssertEqual(pooled.auc ?? -1, 1, accuracy: 1e-12)
        XCTAssertEqual(pooled.aucErrorBound ?? -1, 0)
    }

    func testMetricsWithoutHistogramsPoolWithoutAUC() throws {
        let a = ClassificationMetrics(probabilities: binary(scoresA), labels: labelsA, classCount: 2, auc: .bins)
        let b = ClassificationMetrics(probabilities: binary(scoresB), labels: labelsB, classCount: 2, auc: .bins)
        let dropped = a.droppingScoreHistograms()
        XCTAssertEqual(dropped.auc, a.auc, "the pod's own AUC stays")
        XCTAssertNil(dropped.totals.scores)
        let pooled = ClassificationMetrics(totals: try dropped.totals.merging(b.totals))
        XCTAssertNil(pooled.auc)
        XCTAssertNil(pooled.aucErrorBound)
        XCTAssertEqual(pooled.accuracy, 5.0 / 7, accuracy: 1e-12)
    }

    func testHistogramsTravelAsVarintsAndRefuseTheWrongBinCount() throws {
        let metrics = ClassificationMetrics(probabilities: binary(scoresA), labels: labelsA, classCount: 2, auc: .bins)
        let data = try JSONEncoder().encode(metrics)
        XCTAssertLessThan(data.count, 12_000, "4096 bins of mostly zeros take about a byte each, twice, in base64")
        XCTAssertEqual(try JSONDecoder().decode(ClassificationMetrics.self, from: data), metrics)

        var big = ScoreHistograms(classCount: 2, binCount: 2)
        let probabilities: [Float] = (0..<600).map { $0 % 2 == 0 ? 0.1 : 0.9 }
        let labels = [Int32](repeating: 1, count: 300)
        probabilities.withUnsafeBufferPointer { p in
            labels.withUnsafeBufferPointer { big.record(probabilities: p, labels: $0, classCount: 2) }
        }
        XCTAssertEqual(big.positives, [[0, 300]])
        XCTAssertEqual(try JSONDecoder().decode(ScoreHistograms.self, from: try JSONEncoder().encode(big)), big)

        let wrong = #"{"bin_count": 3, "scored_classes": [1], "positives": ["AAA="], "negatives": ["AAA="]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(ScoreHistograms.self, from: Data(wrong.utf8))) { error in
            XCTAssertTrue("\(error)".contains("does not hold 3 counts"), "\(error)")
        }
        let error = learningError { _ = try ScoreHistograms(classCount: 2, binCount: 4).merging(ScoreHistograms(classCount: 2, binCount: 8)) }
        XCTAssertEqual(error?.description,
                       "parameter sets do not match: score histograms of 4 and 8 bins cannot be merged")
    }
}

/// SplitMix64, for made-up rows that are the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
