/// What the classifier's inputs and target look like: the categorical columns with their
/// number of categories, the continuous columns, and the number of target classes.
///
/// The caller encodes values from the combined schema: category k of a column becomes code
/// k in 0..<cardinality, and the target's classes become 0..<classCount. The order of the
/// columns here is the order of the codes in a `TabularDataset` row.
public struct TabularLayout: Sendable, Codable, Hashable {
    /// One categorical input column.
    public struct CategoricalColumn: Sendable, Codable, Hashable {
        /// The column name.
        public var name: String
        /// The number of categories (codes are 0..<cardinality).
        public var cardinality: Int

        /// A categorical column.
        public init(name: String, cardinality: Int) {
            self.name = name
            self.cardinality = cardinality
        }
    }

    /// The categorical inputs, in code order.
    public var categorical: [CategoricalColumn]
    /// The names of the continuous inputs, in value order.
    public var continuousNames: [String]
    /// The target column's name.
    public var targetName: String
    /// The number of target classes.
    public var classCount: Int

    /// A layout from named columns.
    public init(categorical: [CategoricalColumn], continuousNames: [String], targetName: String, classCount: Int) {
        self.categorical = categorical
        self.continuousNames = continuousNames
        self.targetName = targetName
        self.classCount = classCount
    }

    /// A layout with generated names (`categorical0`…, `continuous0`…, `target`), for data
    /// without headers.
    public init(categoricalCardinalities: [Int], continuousCount: Int, classCount: Int) {
        self.init(
            categorical: categoricalCardinalities.enumerated().map { CategoricalColumn(name: "categorical\($0.offset)", cardinality: $0.element) },
            continuousNames: (0..<max(continuousCount, 0)).map { "continuous\($0)" },
            targetName: "target",
            classCount: classCount)
    }

    /// The number of categories of each categorical column.
    public var categoricalCardinalities: [Int] { categorical.map(\.cardinality) }
    /// The number of categorical columns.
    public var categoricalCount: Int { categorical.count }
    /// The number of continuous columns.
    public var continuousCount: Int { continuousNames.count }

    /// Throws unless the layout can describe a classifier's inputs.
    public func validate() throws(LearningError) {
        guard categoricalCount + continuousCount > 0 else { throw .layoutHasNoInputs }
        for column in categorical where column.cardinality < 1 {
            throw .invalidCardinality(column: column.name, cardinality: column.cardinality)
        }
        guard classCount >= 2 else { throw .invalidClassCount(classCount) }
        var seen = Set<String>()
        for name in categorical.map(\.name) + continuousNames where !seen.insert(name).inserted {
            throw .duplicateColumnName(name)
        }
    }

    /// True when `other` has the same shape of inputs and target (names may differ).
    public func hasSameShape(as other: TabularLayout) -> Bool {
        categoricalCardinalities == other.categoricalCardinalities
            && continuousCount == other.continuousCount
            && classCount == other.classCount
    }
}
