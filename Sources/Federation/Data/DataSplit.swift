import Learning
/// The rows of a dataset divided into train, validation and test sets.
///
/// Rows are shuffled with the pod's seed and cut 80/10/10: train gets
/// ⌊0.8·n⌋ rows, validation ⌊0.1·n⌋ and test the rest, so the same seed and
/// row count always give the same split.
public struct DataSplit: Sendable, Equatable {
    /// Row indices for training, in shuffled order.
    public let train: [Int]
    /// Row indices for validation, in shuffled order.
    public let validation: [Int]
    /// Row indices for testing, in shuffled order.
    public let test: [Int]

    /// Splits `rowCount` rows with `seed`.
    public init(rowCount: Int, seed: UInt64) {
        var order = Array(0..<rowCount)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        let counts = SplitCounts(rowCount: rowCount)
        train = Array(order[0..<counts.train])
        validation = Array(order[counts.train..<(counts.train + counts.validation)])
        test = Array(order[(counts.train + counts.validation)...])
    }

    /// How many rows each part holds.
    public var counts: SplitCounts {
        SplitCounts(train: train.count, validation: validation.count, test: test.count)
    }
}

/// Row counts of the three parts of a split.
public struct SplitCounts: Sendable, Codable, Equatable {
    /// Rows used for training.
    public let train: Int
    /// Rows used to validate during training.
    public let validation: Int
    /// Rows held out for evaluation.
    public let test: Int

    /// The counts given explicitly.
    public init(train: Int, validation: Int, test: Int) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// The 80/10/10 counts for `rowCount` rows.
    public init(rowCount: Int) {
        train = rowCount * 8 / 10
        validation = rowCount / 10
        test = rowCount - train - validation
    }

    /// All rows.
    public var total: Int { train + validation + test }
}
