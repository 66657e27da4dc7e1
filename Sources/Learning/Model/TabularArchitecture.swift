/// The shape of the tabular classifier beyond its inputs: hidden layer widths, dropouts and
/// embedding widths. The defaults are those of Bitfount's `PyTorchTabularClassifier`.
public struct TabularArchitecture: Sendable, Codable, Hashable {
    /// The width of each hidden layer (Linear → Mish → BatchNorm1d → Dropout).
    public var hiddenLayers: [Int]
    /// The dropout after each hidden layer, one per hidden layer.
    public var hiddenDropouts: [Double]
    /// The dropout applied to the concatenated embeddings.
    public var embeddingDropout: Double
    /// Explicit embedding widths, one per categorical column; nil for the default rule
    /// min(600, round(1.6·n^0.56)).
    public var embeddingWidths: [Int]?

    /// An architecture; every argument defaults to the reference classifier's value.
    public init(
        hiddenLayers: [Int] = [1000, 500], hiddenDropouts: [Double] = [0.01, 0.1],
        embeddingDropout: Double = 0.04, embeddingWidths: [Int]? = nil
    ) {
        self.hiddenLayers = hiddenLayers
        self.hiddenDropouts = hiddenDropouts
        self.embeddingDropout = embeddingDropout
        self.embeddingWidths = embeddingWidths
    }

    /// The embedding width of each categorical column of `layout`.
    public func embeddingWidths(for layout: TabularLayout) -> [Int] {
        embeddingWidths ?? layout.categoricalCardinalities.map { Embedding.defaultWidth(cardinality: $0) }
    }

    /// Throws unless the architecture fits `layout` and every width and dropout is valid.
    public func validate(for layout: TabularLayout) throws(LearningError) {
        for (index, width) in hiddenLayers.enumerated() where width < 1 {
            throw .invalidHiddenWidth(layer: index, width: width)
        }
        guard hiddenDropouts.count == hiddenLayers.count else {
            throw .dropoutCountMismatch(layers: hiddenLayers.count, dropouts: hiddenDropouts.count)
        }
        for (index, dropout) in hiddenDropouts.enumerated() where !(dropout >= 0 && dropout < 1) {
            throw .invalidDropout(name: "hidden layer \(index + 1)", value: dropout)
        }
        guard embeddingDropout >= 0, embeddingDropout < 1 else {
            throw .invalidDropout(name: "embedding", value: embeddingDropout)
        }
        if let widths = embeddingWidths {
            guard widths.count == layout.categoricalCount else {
                throw .invalidEmbeddingWidths("\(widths.count) widths given for \(layout.categoricalCount) categorical columns; give one per column")
            }
            if let bad = widths.firstIndex(where: { $0 < 1 }) {
                throw .invalidEmbeddingWidths("column '\(layout.categorical[bad].name)' has width \(widths[bad]); widths must be at least 1")
            }
        }
    }
}
