/// A confusion matrix: how many rows of each actual class were predicted as each class.
/// Counts from several pods add up, so pooled accuracy, precision, recall and F1 come from
/// the merged counts without any row leaving a pod.
public struct ConfusionCounts: Sendable, Codable, Hashable {
    /// The number of classes.
    public let classCount: Int
    /// counts[actual·classCount + predicted].
    public private(set) var counts: [Int]

    /// An empty matrix for `classCount` classes.
    public init(classCount: Int) {
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// A matrix of given counts, counts[actual·classCount + predicted].
    init(classCount: Int, counts: [Int]) {
        precondition(counts.count == classCount * classCount, "a confusion matrix holds classCount² counts")
        self.classCount = classCount
        self.counts = counts
    }

    /// The number of rows of class `actual` predicted as `predicted`.
    public subscript(actual actual: Int, predicted predicted: Int) -> Int {
        counts[actual * classCount + predicted]
    }

    /// Counts one row.
    public mutating func record(actual: Int, predicted: Int) {
        counts[actual * classCount + predicted] += 1
    }

    /// The element-wise sum with another matrix of the same class count.
    public func merging(_ other: ConfusionCounts) throws(LearningError) -> ConfusionCounts {
        guard other.classCount == classCount else {
            throw .parameterSetsIncompatible("confusion counts for \(classCount) and \(other.classCount) classes cannot be merged")
        }
        var result = self
        for i in counts.indices { result.counts[i] += other.counts[i] }
        return result
    }

    /// The number of rows counted.
    public var total: Int { counts.reduce(0, +) }

    /// Rows of class k (true count).
    public func actualCount(of k: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + self[actual: k, predicted: $1] }
    }

    /// Rows predicted as class k.
    public func predictedCount(of k: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + self[actual: $1, predicted: k] }
    }

    /// The fraction of rows predicted correctly (0 when empty).
    public var accuracy: Double {
        let correct = (0..<classCount).reduce(0) { $0 + self[actual: $1, predicted: $1] }
        return total > 0 ? Double(correct) / Double(total) : 0
    }

    /// Precision of class k: correct predictions of k over predictions of k (0 when k was
    /// never predicted, as scikit-learn's zero_division=0).
    public func precision(of k: Int) -> Double {
        let predicted = predictedCount(of: k)
        return predicted > 0 ? Double(self[actual: k, predicted: k]) / Double(predicted) : 0
    }

    /// Recall of class k: correct predictions of k over rows of class k (0 when absent).
    public func recall(of k: Int) -> Double {
        let actual = actualCount(of: k)
        return actual > 0 ? Double(self[actual: k, predicted: k]) / Double(actual) : 0
    }

    /// F1 of class k, the harmonic mean of precision and recall (0 when both are 0).
    public func f1(of k: Int) -> Double {
        let p = precision(of: k)
        let r = recall(of: k)
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    /// Per-class accuracy: the recall of each class.
    public var perClassAccuracy: [Double] {
        (0..<classCount).map { recall(of: $0) }
    }
}
