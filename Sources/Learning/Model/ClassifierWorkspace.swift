/// Every buffer one forward and backward pass of a `TabularClassifier` needs, sized for a
/// maximum batch; smaller batches use the leading rows. Allocated once per batch size so the
/// training step itself never allocates.
final class ClassifierWorkspace {
    /// The largest batch the buffers hold.
    let capacity: Int
    /// The batch's category codes, rows × categorical columns.
    let codes: CodeBuffer
    /// The batch's labels.
    let labels: CodeBuffer
    /// The batch's continuous values, rows × continuous columns.
    let continuous: FloatBuffer
    /// The embeddings side by side, rows × total embedding width.
    let embedded: FloatBuffer
    /// The embedding dropout mask.
    let embeddingMask: FloatBuffer
    /// The normalised continuous values.
    let continuousNormalized: FloatBuffer
    /// The continuous batch norm's per-batch state.
    let continuousNorm: BatchNorm1d.Workspace
    /// The concatenated input of the first hidden layer.
    let input: FloatBuffer
    /// dL/d input of the first hidden layer.
    let inputGradient: FloatBuffer
    /// dL/d embeddings.
    let embeddedGradient: FloatBuffer
    /// dL/d normalised continuous values.
    let continuousGradient: FloatBuffer
    /// One workspace per hidden block.
    let blocks: [HiddenBlock.Workspace]
    /// Logits, then probabilities, rows × classes.
    let logits: FloatBuffer
    /// dL/d logits.
    let logitGradient: FloatBuffer
    /// DP-SGD: each row's squared gradient norm, then its clipping factor.
    let sampleNorms: FloatBuffer

    /// Buffers for up to `capacity` rows of `model`'s shapes.
    init(capacity: Int, embeddingWidth: Int, continuousCount: Int, categoricalCount: Int, blockWidths: [Int], classCount: Int) {
        self.capacity = capacity
        let inputWidth = embeddingWidth + continuousCount
        codes = CodeBuffer(count: capacity * categoricalCount)
        labels = CodeBuffer(count: capacity)
        continuous = FloatBuffer(count: capacity * continuousCount)
        embedded = FloatBuffer(count: capacity * embeddingWidth)
        embeddingMask = FloatBuffer(count: capacity * embeddingWidth)
        continuousNormalized = FloatBuffer(count: capacity * continuousCount)
        continuousNorm = BatchNorm1d.Workspace(rows: capacity, features: continuousCount)
        input = FloatBuffer(count: capacity * inputWidth)
        inputGradient = FloatBuffer(count: capacity * inputWidth)
        embeddedGradient = FloatBuffer(count: capacity * embeddingWidth)
        continuousGradient = FloatBuffer(count: capacity * continuousCount)
        blocks = blockWidths.map { HiddenBlock.Workspace(rows: capacity, width: $0) }
        logits = FloatBuffer(count: capacity * classCount)
        logitGradient = FloatBuffer(count: capacity * classCount)
        sampleNorms = FloatBuffer(count: capacity)
    }
}
