/// Encoded tabular rows, validated against a layout: categorical codes, continuous values
/// and labels, each row-major.
///
/// A dataset without labels (`labels` empty) can be used for prediction only.
public struct TabularDataset: Sendable {
    /// The layout the rows follow.
    public let layout: TabularLayout
    /// rowCount × categoricalCount codes, row-major.
    public let categorical: [Int32]
    /// rowCount × continuousCount values, row-major.
    public let continuous: [Float]
    /// rowCount labels in 0..<classCount, or empty for unlabelled rows.
    public let labels: [Int32]
    /// The number of rows.
    public let rowCount: Int

    /// Validates and wraps encoded rows. Throws on a wrong array size, a code or label out
    /// of range, or a non-finite continuous value, naming the column and row.
    public init(
        layout: TabularLayout, rowCount: Int, categorical: [Int32], continuous: [Float], labels: [Int32]
    ) throws(LearningError) {
        try layout.validate()
        guard rowCount >= 0 else {
            throw .datasetShape(field: "rowCount", expected: 0, found: rowCount)
        }
        let categoricalCount = layout.categoricalCount
        let continuousCount = layout.continuousCount
        guard categorical.count == rowCount * categoricalCount else {
            throw .datasetShape(field: "categorical", expected: rowCount * categoricalCount, found: categorical.count)
        }
        guard continuous.count == rowCount * continuousCount else {
            throw .datasetShape(field: "continuous", expected: rowCount * continuousCount, found: continuous.count)
        }
        guard labels.isEmpty || labels.count == rowCount else {
            throw .datasetShape(field: "labels", expected: rowCount, found: labels.count)
        }
        let cardinalities = layout.categoricalCardinalities
        for row in 0..<rowCount {
            for column in 0..<categoricalCount {
                let code = categorical[row * categoricalCount + column]
                if code < 0 || Int(code) >= cardinalities[column] {
                    throw .categoricalCodeOutOfRange(column: layout.categorical[column].name, row: row, code: code, cardinality: cardinalities[column])
                }
            }
            for column in 0..<continuousCount where !continuous[row * continuousCount + column].isFinite {
                throw .nonFiniteContinuous(column: layout.continuousNames[column], row: row)
            }
        }
        for (row, label) in labels.enumerated() where label < 0 || Int(label) >= layout.classCount {
            throw .labelOutOfRange(row: row, label: label, classCount: layout.classCount)
        }
        self.layout = layout
        self.rowCount = rowCount
        self.categorical = categorical
        self.continuous = continuous
        self.labels = labels
    }

    /// True when every row has a label.
    public var isLabelled: Bool { labels.count == rowCount && rowCount > 0 }

    /// The rows at `indices` (each in 0..<rowCount), in that order.
    public func rows(_ indices: [Int]) throws(LearningError) -> TabularDataset {
        let categoricalCount = layout.categoricalCount
        let continuousCount = layout.continuousCount
        var codes: [Int32] = []
        var values: [Float] = []
        var selectedLabels: [Int32] = []
        codes.reserveCapacity(indices.count * categoricalCount)
        values.reserveCapacity(indices.count * continuousCount)
        for index in indices {
            guard index >= 0, index < rowCount else {
                throw .rowIndexOutOfRange(index: index, rowCount: rowCount)
            }
            codes.append(contentsOf: categorical[(index * categoricalCount)..<((index + 1) * categoricalCount)])
            values.append(contentsOf: continuous[(index * continuousCount)..<((index + 1) * continuousCount)])
            if !labels.isEmpty { selectedLabels.append(labels[index]) }
        }
        return try TabularDataset(layout: layout, rowCount: indices.count, categorical: codes, continuous: values, labels: selectedLabels)
    }
}
