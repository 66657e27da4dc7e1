import Foundation

/// Counts of a model's class scores in equal-width bins over [0, 1], split by whether the
/// row belongs to the class: the aggregate from which the area under the ROC curve of many
/// pods' rows follows without any row or score leaving its pod.
///
/// With two classes there is one scored class, class 1 (the score is p₁); with more, every
/// class k is scored one-vs-rest by pₖ. A score s falls in bin ⌊s·binCount⌋ (1 in the last
/// bin). Histograms of several pods add up bin by bin, so the AUC of the merged histograms
/// is the AUC of all the pods' rows together, up to the bin resolution:
///
/// - a positive and a negative in different bins are ordered as their scores are, exactly;
/// - a positive and a negative in the same bin count one half, where the rows' AUC counts
///   0, ½ or 1.
///
/// So the binned AUC differs from the rows' rank AUC by at most `aucErrorBound`: half the
/// fraction of positive–negative pairs that share a bin (0 when no bin holds both), which
/// is never more than ½ and in practice, with 4,096 bins, a few 10⁻⁴ at most.
public struct ScoreHistograms: Sendable, Hashable {
    /// Bins per histogram: scores 1/4096 ≈ 2.4·10⁻⁴ apart are always told apart.
    public static let defaultBinCount = 4096

    /// The number of bins over [0, 1].
    public let binCount: Int
    /// The classes scored: class 1 for a binary model, every class otherwise.
    public let scoredClasses: [Int]
    /// positives[i][b]: rows of class `scoredClasses[i]` whose score for it is in bin b.
    public private(set) var positives: [[Int]]
    /// negatives[i][b]: rows of another class whose score for `scoredClasses[i]` is in bin b.
    public private(set) var negatives: [[Int]]

    /// Empty histograms for a model of `classCount` classes.
    public init(classCount: Int, binCount: Int = ScoreHistograms.defaultBinCount) {
        self.binCount = max(binCount, 1)
        scoredClasses = classCount == 2 ? [1] : Array(0..<max(classCount, 0))
        positives = Array(repeating: [Int](repeating: 0, count: self.binCount), count: scoredClasses.count)
        negatives = positives
    }

    /// The bin of score `score`; scores outside [0, 1] go to the nearest end, NaN to bin 0.
    public func bin(of score: Float) -> Int {
        Self.bin(of: score, binCount: binCount)
    }

    @inline(__always)
    private static func bin(of score: Float, binCount: Int) -> Int {
        guard score > 0 else { return 0 }
        guard score < 1 else { return binCount - 1 }
        // Monotone in the score (a product by a positive constant, then the floor), so rows
        // in different bins are ordered as their scores are.
        return min(Int(score * Float(binCount)), binCount - 1)
    }

    /// Counts the scores of rows × classCount probabilities (row-major) against `labels`.
    public mutating func record(probabilities: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, classCount: Int) {
        let bins = binCount
        for (index, scored) in scoredClasses.enumerated() {
            var positive = positives[index]
            var negative = negatives[index]
            positives[index] = []
            negatives[index] = []
            positive.withUnsafeMutableBufferPointer { positive in
                negative.withUnsafeMutableBufferPointer { negative in
                    for row in 0..<labels.count {
                        let bin = Self.bin(of: probabilities[row &* classCount &+ scored], binCount: bins)
                        if Int(labels[row]) == scored {
                            positive[bin] &+= 1
                        } else {
                            negative[bin] &+= 1
                        }
                    }
                }
            }
            positives[index] = positive
            negatives[index] = negative
        }
    }

    /// The bin-by-bin sum with histograms of the same classes and bins.
    public func merging(_ other: ScoreHistograms) throws(LearningError) -> ScoreHistograms {
        guard other.binCount == binCount else {
            throw .parameterSetsIncompatible("score histograms of \(binCount) and \(other.binCount) bins cannot be merged")
        }
        guard other.scoredClasses == scoredClasses else {
            throw .parameterSetsIncompatible("score histograms of \(scoredClasses.count) and \(other.scoredClasses.count) "
                                             + "scored classes cannot be merged")
        }
        var result = self
        for index in scoredClasses.indices {
            for bin in 0..<binCount {
                result.positives[index][bin] += other.positives[index][bin]
                result.negatives[index][bin] += other.negatives[index][bin]
            }
        }
        return result
    }

    /// The area under the ROC curve: of class 1's score for two classes, else the
    /// one-vs-rest macro average. A positive–negative pair in the same bin counts one half.
    /// Nil when a scored class has no positive or no negative row.
    public var auc: Double? {
        var sum = 0.0
        for index in scoredClasses.indices {
            guard let area = Self.area(positives[index], negatives[index]).map(\.auc) else { return nil }
            sum += area
        }
        return scoredClasses.isEmpty ? nil : sum / Double(scoredClasses.count)
    }

    /// The most `auc` can differ from the rank AUC of the rows counted (the mean over
    /// scored classes of half the fraction of their positive–negative pairs that share a
    /// bin); nil when `auc` is.
    public var aucErrorBound: Double? {
        var sum = 0.0
        for index in scoredClasses.indices {
            guard let bound = Self.area(positives[index], negatives[index]).map(\.bound) else { return nil }
            sum += bound
        }
        return scoredClasses.isEmpty ? nil : sum / Double(scoredClasses.count)
    }

    /// The area under the ROC curve of one class and its bound, in one pass over the bins
    /// from the lowest: each positive beats the negatives of the bins below and ties the
    /// negatives of its own.
    private static func area(_ positives: [Int], _ negatives: [Int]) -> (auc: Double, bound: Double)? {
        var negativesBelow = 0.0
        var wins = 0.0
        var ties = 0.0
        var positiveCount = 0.0
        for bin in positives.indices {
            let p = Double(positives[bin])
            let n = Double(negatives[bin])
            wins += p * negativesBelow
            ties += p * n
            negativesBelow += n
            positiveCount += p
        }
        guard positiveCount > 0, negativesBelow > 0 else { return nil }
        let pairs = positiveCount * negativesBelow
        return ((wins + ties / 2) / pairs, ties / 2 / pairs)
    }
}

extension ScoreHistograms: Codable {
    private enum CodingKeys: String, CodingKey {
        case binCount = "bin_count", scoredClasses = "scored_classes", positives, negatives
    }

    /// Decodes histograms whose counts travel as LEB128 varints (mostly one zero byte a bin),
    /// checking every histogram has `bin_count` bins.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        binCount = try container.decode(Int.self, forKey: .binCount)
        scoredClasses = try container.decode([Int].self, forKey: .scoredClasses)
        guard binCount >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .binCount, in: container,
                                                   debugDescription: "score histograms need at least one bin, not \(binCount)")
        }
        let classes = scoredClasses.count
        let bins = binCount
        func counts(_ key: CodingKeys) throws -> [[Int]] {
            let packed = try container.decode([Data].self, forKey: key)
            guard packed.count == classes else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                    "score histograms list \(classes) classes but \(packed.count) \(key.stringValue) histograms")
            }
            return try packed.map { bytes in
                guard let values = Self.unpack(bytes, count: bins) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                        "a \(key.stringValue) histogram does not hold \(bins) counts")
                }
                return values
            }
        }
        positives = try counts(.positives)
        negatives = try counts(.negatives)
    }

    /// Encodes the counts as LEB128 varints, one byte string per histogram.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(binCount, forKey: .binCount)
        try container.encode(scoredClasses, forKey: .scoredClasses)
        try container.encode(positives.map(Self.pack), forKey: .positives)
        try container.encode(negatives.map(Self.pack), forKey: .negatives)
    }

    /// The counts as LEB128 varints, one after another.
    private static func pack(_ counts: [Int]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count)
        for count in counts {
            var value = UInt64(max(count, 0))
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        return Data(bytes)
    }

    /// The `count` varints in `bytes`, or nil unless it holds exactly that many valid ones.
    private static func unpack(_ bytes: Data, count: Int) -> [Int]? {
        var values: [Int] = []
        values.reserveCapacity(count)
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            guard shift < 63 else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                guard value <= UInt64(Int.max) else { return nil }
                values.append(Int(value))
                value = 0
                shift = 0
            } else {
                shift += 7
            }
        }
        return shift == 0 && values.count == count ? values : nil
    }
}
