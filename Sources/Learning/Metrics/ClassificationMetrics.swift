import Foundation

/// Counts and sums from which every metric follows; they add up across pods, so pooled
/// metrics need no rows, only these totals: accuracy, precision, recall and F1 from the
/// confusion counts, the Brier, log and validation losses from their sums, and AUC from the
/// score histograms (within their bin resolution, `ScoreHistograms`).
public struct MetricTotals: Sendable, Codable, Hashable {
    /// Actual against predicted class counts.
    public var confusion: ConfusionCounts
    /// Σ of the per-row Brier score.
    public var brierSum: Double
    /// Σ of −log p(label), with p clipped to [10⁻¹⁵, 1 − 10⁻¹⁵].
    public var logLossSum: Double
    /// Σ of the per-row cross-entropy computed from the logits.
    public var lossSum: Double
    /// The class scores binned by whether each row belongs to the class; nil once dropped
    /// (`ClassificationMetrics.droppingScoreHistograms`), and then the pooled AUC is unknown.
    public var scores: ScoreHistograms?

    /// Empty totals for `classCount` classes.
    public init(classCount: Int) {
        confusion = ConfusionCounts(classCount: classCount)
        brierSum = 0
        logLossSum = 0
        lossSum = 0
        scores = ScoreHistograms(classCount: classCount)
    }

    /// The sum with totals of the same class count (and histograms of the same bins).
    public func merging(_ other: MetricTotals) throws(LearningError) -> MetricTotals {
        var result = self
        result.confusion = try confusion.merging(other.confusion)
        result.brierSum += other.brierSum
        result.logLossSum += other.logLossSum
        result.lossSum += other.lossSum
        if let scores, let others = other.scores {
            result.scores = try scores.merging(others)
        } else {
            result.scores = nil
        }
        return result
    }
}

/// How `ClassificationMetrics` computes AUC from rows.
public enum AUCMethod: Sendable {
    /// By ranks (Mann–Whitney), exact; sorts the scores, O(n log n).
    case ranks
    /// From the score histograms (`ScoreHistograms`), O(n), within their bin resolution;
    /// the same number pooling gives, so a pod's AUC and the pooled one agree.
    case bins
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
    /// Area under the ROC curve; nil when a class has no rows.
    public var auc: Double?
    /// How far `auc` may be from the rank AUC of the rows measured: 0 when computed by
    /// ranks, the histograms' `aucErrorBound` when from bins (pooled metrics); nil with `auc`.
    public var aucErrorBound: Double?
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

    /// Metrics from totals (pooled across pods): every one from the counts and sums, AUC
    /// from the score histograms.
    public init(totals: MetricTotals) {
        self.init(totals: totals, auc: totals.scores?.auc, aucErrorBound: totals.scores?.aucErrorBound)
    }

    private init(totals: MetricTotals, auc: Double?, aucErrorBound: Double?) {
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
        self.aucErrorBound = auc == nil ? nil : aucErrorBound
        let divisor = rows > 0 ? Double(rows) : 1
        brierLoss = totals.brierSum / divisor
        logLoss = totals.logLossSum / divisor
        validationLoss = totals.lossSum / divisor
        perClassAccuracy = confusion.perClassAccuracy
        self.totals = totals
    }

    /// Metrics of probabilities (rows × classCount, row-major) against labels. The
    /// validation loss is `lossSum`/rows when given, else the unclipped −log p(label). AUC
    /// is computed by `auc` (exact ranks unless told otherwise); the totals always carry
    /// the score histograms, for pooling.
    public init(probabilities: [Float], labels: [Int32], classCount: Int, lossSum: Double? = nil, auc method: AUCMethod = .ranks) {
        var totals = MetricTotals(classCount: classCount)
        var crossEntropy = 0.0
        var predictions = [Int](repeating: 0, count: classCount * classCount)
        var brierSum = 0.0
        var logLossSum = 0.0
        probabilities.withUnsafeBufferPointer { probabilities in
            labels.withUnsafeBufferPointer { labels in
                for row in 0..<labels.count {
                    let start = row &* classCount
                    let label = Int(labels[row])
                    var predicted = 0
                    for k in 1..<classCount where probabilities[start + k] > probabilities[start + predicted] { predicted = k }
                    predictions[label &* classCount &+ predicted] &+= 1
                    let truth = Double(probabilities[start + label])
                    if classCount == 2 {
                        let difference = Double(probabilities[start + 1]) - (label == 1 ? 1 : 0)
                        brierSum += difference * difference
                    } else {
                        for k in 0..<classCount {
                            let difference = Double(probabilities[start + k]) - (k == label ? 1 : 0)
                            brierSum += difference * difference
                        }
                    }
                    logLossSum -= log(min(max(truth, 1e-15), 1 - 1e-15))
                    if lossSum == nil { crossEntropy -= log(max(truth, Double.leastNormalMagnitude)) }
                }
                totals.scores?.record(probabilities: probabilities, labels: labels, classCount: classCount)
            }
        }
        totals.confusion = ConfusionCounts(classCount: classCount, counts: predictions)
        totals.brierSum = brierSum
        totals.logLossSum = logLossSum
        totals.lossSum = lossSum ?? crossEntropy
        switch method {
        case .bins:
            self.init(totals: totals)
        case .ranks:
            self.init(totals: totals, auc: Self.rankAUC(probabilities: probabilities, labels: labels, classCount: classCount),
                      aucErrorBound: 0)
        }
    }

    /// The exact AUC of class 1's score, or the one-vs-rest macro average of every class's.
    private static func rankAUC(probabilities: [Float], labels: [Int32], classCount: Int) -> Double? {
        if classCount == 2 {
            return auc(scores: (0..<labels.count).map { Double(probabilities[$0 * 2 + 1]) }, positives: labels.map { $0 == 1 })
        }
        var areas: [Double] = []
        for k in 0..<classCount {
            let scores = (0..<labels.count).map { Double(probabilities[$0 * classCount + k]) }
            if let area = auc(scores: scores, positives: labels.map { Int($0) == k }) {
                areas.append(area)
            }
        }
        return areas.count == classCount ? areas.reduce(0, +) / Double(classCount) : nil
    }

    /// These metrics without the score histograms, which only pooling needs: what a record
    /// of many rounds keeps (the histograms take tens of kilobytes a pod). `auc` stays;
    /// pooled metrics that include these have no AUC.
    public func droppingScoreHistograms() -> ClassificationMetrics {
        var copy = self
        copy.totals.scores = nil
        return copy
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
