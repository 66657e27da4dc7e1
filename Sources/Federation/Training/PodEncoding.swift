import Learning

/// A pod's rows encoded for a model specification, one dataset per part of the pod's own
/// 80/10/10 split. It is made at the pod, cached there for the task, and never leaves it.
///
/// The encoding rules:
/// - **Categorical inputs and the target** take the specification's codes (the combined
///   schema's sorted category lists), so a category has the same code at every pod. A value
///   the encoder does not know is an error naming the column, the value and the pod.
/// - **Continuous inputs are standardised per pod**: (x − mean) / standard deviation, with
///   the mean and the population standard deviation of the pod's own training rows (a
///   deviation of 0 counts as 1). Per pod, so that no pod waits on the others' moments before
///   training; the cost is that on pods whose distributions differ a raw value maps to
///   slightly different inputs at each pod. The model's first layer is a batch norm over the
///   continuous inputs either way; standardising keeps its running statistics near 0 and 1,
///   which is what secure aggregation's fixed-point encoding wants (Bitfount warns its users
///   to normalise for the same reason). Each pod sends its count, mean and deviation per
///   column with its round update, so that the saved model can score new rows
///   (`ModelStandardisation`).
/// - **Missing values**: a row without a target is left out of every part (it cannot be
///   learned from or scored). A missing continuous input takes the training mean (0 after
///   standardising), without an indicator column. A missing categorical input takes the most
///   frequent category of the pod's training rows (the lowest code on a tie); it never gets a
///   code of its own, since the encoder is shared by every pod and "missing" is not one of
///   its categories. A column without any value in the training rows is an error.
struct EncodedPodData: Sendable {
    /// The statistics one continuous column was standardised with.
    typealias Standardisation = ColumnStandardisation

    /// The training rows.
    let train: TabularDataset
    /// The validation rows.
    let validation: TabularDataset
    /// The test rows.
    let test: TabularDataset
    /// One per continuous column of the specification.
    let standardisation: [Standardisation]
    /// The fill code of each categorical input (its most frequent training category).
    let categoricalFill: [Int32]
    /// Rows left out because their target is missing.
    let droppedRows: Int
    /// Each test row's index in the pod's test split (rows without a target are not in `test`).
    let testPositions: [Int]

    /// The dataset of one part of the split.
    func part(_ part: DataPart) -> TabularDataset {
        switch part {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// Encodes `dataset`, the table of `pod`, for `specification`.
    init(_ dataset: Dataset, specification: ModelSpecification, pod: PodIdentifier) throws(TrainingError) {
        func column(_ name: String, _ expected: SemanticType) throws(TrainingError) -> Column {
            guard let column = dataset.column(named: name) else { throw .columnMissingAtPod(column: name, pod: pod) }
            guard column.semanticType == expected else {
                throw .columnTypeAtPod(column: name, pod: pod, expected: expected, found: column.semanticType)
            }
            return column
        }
        func codes(_ spec: ModelSpecification.CategoricalColumn) throws(TrainingError) -> [Int32] {
            let column = try column(spec.name, .categorical)
            guard case let .categorical(podCodes, podEncoder) = column.storage else {
                throw .columnTypeAtPod(column: spec.name, pod: pod, expected: .categorical, found: column.semanticType)
            }
            var recode: [Int32] = []
            recode.reserveCapacity(podEncoder.count)
            for value in podEncoder.values {
                guard let code = spec.encoder.code(for: value) else {
                    throw .categoryNotInEncoder(column: spec.name, value: value, pod: pod)
                }
                recode.append(Int32(code))
            }
            return podCodes.map { $0 < 0 ? -1 : recode[Int($0)] }
        }

        let labels = try codes(specification.target)
        let split = dataset.split
        let train = split.train.filter { labels[$0] >= 0 }
        let validation = split.validation.filter { labels[$0] >= 0 }
        testPositions = split.test.indices.filter { labels[split.test[$0]] >= 0 }
        let test = testPositions.map { split.test[$0] }
        droppedRows = dataset.rowCount - train.count - validation.count - test.count

        var categoricalColumns: [[Int32]] = []
        var fills: [Int32] = []
        for spec in specification.categorical {
            var values = try codes(spec)
            var counts = [Int](repeating: 0, count: spec.encoder.count)
            for row in train where values[row] >= 0 { counts[Int(values[row])] += 1 }
            guard let most = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }),
                  counts[most] > 0 else {
                throw .noValuesInTrainingRows(column: spec.name, pod: pod)
            }
            let fill = Int32(most)
            for row in values.indices where values[row] < 0 { values[row] = fill }
            categoricalColumns.append(values)
            fills.append(fill)
        }
        var continuousColumns: [[Float]] = []
        var statistics: [Standardisation] = []
        for name in specification.continuous {
            let column = try column(name, .continuous)
            guard case let .continuous(raw) = column.storage else {
                throw .columnTypeAtPod(column: name, pod: pod, expected: .continuous, found: column.semanticType)
            }
            guard let standardisation = Self.standardisation(of: raw, rows: train) else {
                throw .noValuesInTrainingRows(column: name, pod: pod)
            }
            continuousColumns.append(raw.map(standardisation.standardise))
            statistics.append(standardisation)
        }
        standardisation = statistics
        categoricalFill = fills

        let layout = specification.layout
        func encodedRows(_ rows: [Int]) throws(TrainingError) -> TabularDataset {
            var categorical: [Int32] = []
            var continuous: [Float] = []
            categorical.reserveCapacity(rows.count * categoricalColumns.count)
            continuous.reserveCapacity(rows.count * continuousColumns.count)
            for row in rows {
                for column in categoricalColumns { categorical.append(column[row]) }
                for column in continuousColumns { continuous.append(column[row]) }
            }
            do {
                return try TabularDataset(layout: layout, rowCount: rows.count, categorical: categorical,
                                          continuous: continuous, labels: rows.map { labels[$0] })
            } catch {
                throw .localTrainingFailed(pod: pod, reason: "\(error)")
            }
        }
        self.train = try encodedRows(train)
        self.validation = try encodedRows(validation)
        self.test = try encodedRows(test)
    }

    /// The count, mean and population standard deviation of the non-missing values at `rows`,
    /// or nil when none is present. Sums are taken in Double in row order.
    static func standardisation(of values: [Double], rows: [Int]) -> Standardisation? {
        var count = 0
        var sum = 0.0
        for row in rows where !values[row].isNaN {
            count += 1
            sum += values[row]
        }
        guard count > 0 else { return nil }
        let mean = sum / Double(count)
        var squares = 0.0
        for row in rows where !values[row].isNaN {
            let difference = values[row] - mean
            squares += difference * difference
        }
        return Standardisation(count: count, mean: mean, standardDeviation: (squares / Double(count)).squareRoot())
    }
}

/// A part of a pod's 80/10/10 split.
public enum DataPart: String, Sendable, Codable, CaseIterable {
    /// The training rows.
    case train
    /// The validation rows.
    case validation
    /// The test rows.
    case test
}
