import Foundation

/// Sums from which every metric except AUC follows; they add up across pods, so pooled
/// metrics need no rows, only these totals.
public struct MetricTotals: Sendable, Codable, Hashable {
    /// Actual against predicted class counts.
    public var confusion: ConfusionCounts
    /// Σ of the per-row Brier score.
    public var brierSum: Double
    /// Σ of −log p(label), with p clipped to [10⁻¹⁵, 1 − 10⁻¹⁵].
    public var logLossSum: Double
    /// Σ of the per-row cross-entropy computed from the logits.
    public var lossSum: Double

    /// Empty totals for `classCount` classes.
    public init(classCount: Int) {
        confusion = ConfusionCounts(classCount: classCount)
        brierSum = 0
        logLossSum = 0
        lossSum = 0
    }

    /// The sum with totals of the same class count.
    public func merging(_ other: MetricTotals) throws(LearningError) -> MetricTotals {
        var result = self
        result.confusion = try confusion.merging(other.confusion)
        result.brierSum += other.brierSum
        result.logLossSum += other.logLossSum
        result.lossSum += other.lossSum
        return result
    }
}

/// Classification metrics of a model on labelled rows.
///
/// The predicted class is the most probable one (the first on a tie), which for two classes
/// is the threshold 0.5 on the positive class. With two classes, precision, recall and F1
/// are those of class 1, the Brier loss is the mean of (p₁ − y)² and AUC is the area under
/// the ROC curve of p₁. With more classes, precision, recall and F1 are macro averages, the
/// Brier loss is the mean of Σₖ(pₖ − [y = k])² and AUC is the one-vs-rest macro average.
public struct ClassificationMetrics: Sendable, Codable, Hashable {
    /// The number of rows measured.
    public var rowCount: Int
    /// The fraction predicted correctly.
    public var accuracy: Double
    /// Precision (class 1, or macro average).
    public var precision: Double
    /// Recall (class 1, or macro average).
    public var recall: Double
    /// F1 (class 1, or macro average).
    public var f1: Double
    /// Area under the ROC curve; nil when a class has no rows or when pooled from totals.
    public var auc: Double?
    /// The Brier loss.
    public var brierLoss: Double
    /// The log loss with probabilities clipped to [10⁻¹⁵, 1 − 10⁻¹⁵].
    public var logLoss: Double
    /// The mean cross-entropy computed from the logits (the validation loss).
    public var validationLoss: Double
    /// The accuracy within each class (its recall).
    public var perClassAccuracy: [Double]
    /// The totals the metrics came from, to pool them with other pods'.
    public var totals: MetricTotals

    /// Metrics from totals (pooled across pods) and an AUC computed elsewhere, if any.
    public init(totals: MetricTotals, auc: Double?) {
        let confusion = totals.confusion
        let rows = confusion.total
        let classes = confusion.classCount
        rowCount = rows
        accuracy = confusion.accuracy
        if classes == 2 {
            precision = confusion.precision(of: 1)
            recall = confusion.recall(of: 1)
            f1 = confusion.f1(of: 1)
        } else {
            precision = (0..<classes).reduce(0) { $0 + confusion.precision(of: $1) } / Double(classes)
            recall = (0..<classes).reduce(0) { $0 + confusion.recall(of: $1) } / Double(classes)
            f1 = (0..<classes).reduce(0) { $0 + confusion.f1(of: $1) } / Double(classes)
        }
        self.auc = auc
        let divisor = rows > 0 ? Double(rows) : 1
        brierLoss = totals.brierSum / divisor
        logLoss = totals.logLossSum / divisor
        validationLoss = totals.lossSum / divisor
        perClassAccuracy = confusion.perClassAccuracy
        self.totals = totals
    }

    /// Metrics of probabilities (rows × classCount, row-major) against labels. The
    /// validation loss is `lossSum`/rows when given, else the unclipped −log p(label).
    public init(probabilities: [Float], labels: [Int32], classCount: Int, lossSum: Double? = nil) {
        var totals = MetricTotals(classCount: classCount)
        var crossEntropy = 0.0
        for (row, label) in labels.enumerated() {
            let start = row * classCount
            var predicted = 0
            for k in 1..<classCount where probabilities[start + k] > probabilities[start + predicted] { predicted = k }
            totals.confusion.record(actual: Int(label), predicted: predicted)
            let truth = Double(probabilities[start + Int(label)])
            if classCount == 2 {
                let difference = Double(probabilities[start + 1]) - (label == 1 ? 1 : 0)
                totals.brierSum += difference * difference
            } else {
                for k in 0..<classCount {
                    let difference = Double(probabilities[start + k]) - (k == Int(label) ? 1 : 0)
                    totals.brierSum += difference * difference
                }
            }
            totals.logLossSum -= log(min(max(truth, 1e-15), 1 - 1e-15))
            crossEntropy -= log(max(truth, Double.leastNormalMagnitude))
        }
        totals.lossSum = lossSum ?? crossEntropy
        var auc: Double?
        if classCount == 2 {
            auc = ClassificationMetrics.auc(scores: (0..<labels.count).map { Double(probabilities[$0 * 2 + 1]) }, positives: labels.map { $0 == 1 })
        } else {
            var areas: [Double] = []
            for k in 0..<classCount {
                let scores = (0..<labels.count).map { Double(probabilities[$0 * classCount + k]) }
                if let area = ClassificationMetrics.auc(scores: scores, positives: labels.map { Int($0) == k }) {
                    areas.append(area)
                }
            }
            auc = areas.count == classCount ? areas.reduce(0, +) / Double(classCount) : nil
        }
        self.init(totals: totals, auc: auc)
    }

    /// The area under the ROC curve by ranks (Mann–Whitney): tied scores share the average
    /// of their ranks, so a tie between a positive and a negative counts one half. Nil when
    /// there are no positives or no negatives.
    public static func auc(scores: [Double], positives: [Bool]) -> Double? {
        let positiveCount = positives.filter { $0 }.count
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2
            for k in i...j where positives[order[k]] { positiveRankSum += averageRank }
            i = j + 1
        }
        let p = Double(positiveCount)
        return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negativeCount))
    }
}
