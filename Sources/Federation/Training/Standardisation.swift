import Foundation

/// How a pod standardised one continuous input: the count, mean and population standard
/// deviation of the column's values in its training rows. An input x becomes
/// `Float((x − mean) · (1 / scale))`, computed in Double, and a missing value becomes 0.
public struct ColumnStandardisation: Sendable, Codable, Equatable {
    /// Values present in the training rows.
    public let count: Int
    /// Their mean.
    public let mean: Double
    /// Their population standard deviation (0 for a constant column).
    public let standardDeviation: Double

    /// A column's statistics.
    public init(count: Int, mean: Double, standardDeviation: Double) {
        self.count = count
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// What inputs are divided by: the deviation, or 1 when it is 0 (a constant column).
    public var scale: Double { standardDeviation > 0 && standardDeviation.isFinite ? standardDeviation : 1 }

    /// The model input for raw value `value` (NaN for missing).
    public func standardise(_ value: Double) -> Float {
        value.isNaN ? 0 : Float((value - mean) * (1 / scale))
    }

    /// The statistics of the pods' training rows taken together, exact from each pod's count,
    /// mean and deviation; nil when no pod had a value.
    public static func pooled(_ parts: [ColumnStandardisation]) -> ColumnStandardisation? {
        let count = parts.reduce(0) { $0 + $1.count }
        guard count > 0 else { return nil }
        let mean = parts.reduce(0.0) { $0 + Double($1.count) * $1.mean } / Double(count)
        let squares = parts.reduce(0.0) { total, part in
            let offset = part.mean - mean
            return total + Double(part.count) * (part.standardDeviation * part.standardDeviation + offset * offset)
        }
        return ColumnStandardisation(count: count, mean: mean, standardDeviation: (squares / Double(count)).squareRoot())
    }
}

/// The standardisation of a model's continuous inputs: at each pod that trained it (what
/// that pod's rows are scored with) and pooled over them (for rows from anywhere else).
/// A trained model carries it, and its file keeps it, so that new rows can be scored
/// exactly as the pods scored theirs.
///
/// Each pod sends its statistics with its round update; they are aggregates of its training
/// rows, as an `AVG` query would return, and the pod's audit log says so.
public struct ModelStandardisation: Sendable, Codable, Equatable {
    /// The continuous inputs, in model order.
    public let columns: [String]
    /// Each pod's statistics (by `owner/name`), one per column.
    public let pods: [String: [ColumnStandardisation]]
    /// The pods' statistics pooled, one per column.
    public let pooled: [ColumnStandardisation]

    /// The standardisation of `columns` from each pod's statistics; nil when a pod sent
    /// statistics for another number of columns or no pod sent any.
    public init?(columns: [String], pods: [String: [ColumnStandardisation]]) {
        guard !pods.isEmpty, pods.values.allSatisfy({ $0.count == columns.count }) else { return nil }
        var pooled: [ColumnStandardisation] = []
        let ordered = pods.keys.sorted().compactMap { pods[$0] }
        for index in columns.indices {
            guard let column = ColumnStandardisation.pooled(ordered.map { $0[index] }) else { return nil }
            pooled.append(column)
        }
        self.columns = columns
        self.pods = pods
        self.pooled = pooled
    }
}
