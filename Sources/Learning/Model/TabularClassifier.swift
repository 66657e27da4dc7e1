/// The tabular classifier of bf, mirroring Bitfount's `PyTorchTabularClassifier`.
///
/// Design: one embedding per categorical column (width min(600, round(1.6·n^0.56))) with
/// dropout over the concatenated embeddings, the continuous columns through BatchNorm1d,
/// both concatenated into the input of the hidden layers, each Linear → Mish → BatchNorm1d
/// → Dropout, and a Linear to one logit per class trained with softmax cross-entropy.
///
/// Numbers are Float32 in contiguous row-major buffers. All trainable values live in one
/// flat buffer with a gradient buffer of the same layout (`ParameterStore`), so the optimizer,
/// FedProx and parameter export are single passes. Matrix products go to single-threaded
/// OpenBLAS; the element-wise work of a hidden layer is fused (`HiddenBlock`). Per-batch
/// buffers (`ClassifierWorkspace`) are allocated once per batch size; a training step
/// allocates nothing. Given the same seed, data and batch size, results are bit-for-bit
/// identical.
///
/// A classifier is a reference type owned by one task at a time (a pod's actor); it is not
/// `Sendable`. What crosses between tasks is its `ParameterSet`.
public final class TabularClassifier {
    /// The inputs and target the classifier was built for.
    public let layout: TabularLayout
    /// Hidden layers, dropouts and embedding widths.
    public let architecture: TabularArchitecture

    let store: ParameterStore
    let embeddings: [Embedding]
    let embeddingBlocks: Concatenation
    let embeddingDropout: Dropout
    let continuousNorm: BatchNorm1d?
    let inputConcatenation: Concatenation
    let blocks: [HiddenBlock]
    let output: Linear
    private(set) var workspace: ClassifierWorkspace?

    /// Builds a classifier for `layout` and initialises it as PyTorch would, drawing from a
    /// generator seeded with `seed` in parameter order. Throws if the layout or architecture
    /// is invalid.
    public init(layout: TabularLayout, architecture: TabularArchitecture = TabularArchitecture(), seed: UInt64) throws(LearningError) {
        try layout.validate()
        try architecture.validate(for: layout)
        try BLAS.configure()
        self.layout = layout
        self.architecture = architecture

        let widths = architecture.embeddingWidths(for: layout)
        let embeddingWidth = widths.reduce(0, +)
        let inputWidth = embeddingWidth + layout.continuousCount
        let store = ParameterStore(Self.declarations(layout: layout, architecture: architecture))
        self.store = store

        embeddings = layout.categorical.enumerated().map { index, column in
            Embedding(prefix: "embeddings.\(index)", cardinality: column.cardinality, width: widths[index], store: store)
        }
        embeddingBlocks = Concatenation(widths: widths)
        embeddingDropout = Dropout(probability: architecture.embeddingDropout)
        continuousNorm = layout.continuousCount > 0
            ? BatchNorm1d(prefix: "continuous_norm", features: layout.continuousCount, store: store) : nil
        inputConcatenation = Concatenation(widths: [embeddingWidth, layout.continuousCount])
        var blocks: [HiddenBlock] = []
        var previousWidth = inputWidth
        for (index, width) in architecture.hiddenLayers.enumerated() {
            blocks.append(HiddenBlock(prefix: "layers.\(index)", inputs: previousWidth, width: width, dropout: architecture.hiddenDropouts[index], store: store))
            previousWidth = width
        }
        self.blocks = blocks
        output = Linear(prefix: "output", inputs: previousWidth, outputs: layout.classCount, store: store)

        var generator = SeededGenerator(seed: seed)
        for embedding in embeddings { embedding.initialise(using: &generator) }
        continuousNorm?.initialise()
        for block in blocks {
            block.linear.initialise(using: &generator)
            block.norm.initialise()
        }
        output.initialise(using: &generator)
    }

    /// The tensors of a classifier of `layout` and `architecture`, in order, without allocating
    /// them. Sums of widths saturate at `Int.max` instead of overflowing: such a shape matches
    /// no real tensor, which is what `checkShapes` needs of sizes read from a file.
    static func declarations(layout: TabularLayout, architecture: TabularArchitecture) -> [ParameterDeclaration] {
        let widths = architecture.embeddingWidths(for: layout)
        let inputWidth = (widths + [layout.continuousCount]).reduce(0) { sum, width in
            let next = sum.addingReportingOverflow(width)
            return next.overflow ? Int.max : next.partialValue
        }
        var declarations: [ParameterDeclaration] = []
        for (index, column) in layout.categorical.enumerated() {
            declarations += Embedding.declarations(prefix: "embeddings.\(index)", cardinality: column.cardinality, width: widths[index])
        }
        if layout.continuousCount > 0 {
            declarations += BatchNorm1d.declarations(prefix: "continuous_norm", features: layout.continuousCount)
        }
        var previousWidth = inputWidth
        for (index, width) in architecture.hiddenLayers.enumerated() {
            declarations += HiddenBlock.declarations(prefix: "layers.\(index)", inputs: previousWidth, width: width)
            previousWidth = width
        }
        declarations += Linear.declarations(prefix: "output", inputs: previousWidth, outputs: layout.classCount)
        return declarations
    }

    /// Throws unless `parameters` has exactly the names and shapes of a classifier of `layout`
    /// and `architecture`, with the errors `load` would throw, before anything is allocated:
    /// a checkpoint's metadata cannot make bf build a classifier larger than the file's tensors.
    static func checkShapes(of parameters: ParameterSet, layout: TabularLayout, architecture: TabularArchitecture) throws(LearningError) {
        try layout.validate()
        try architecture.validate(for: layout)
        let shapes = Dictionary(parameters.tensors.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        let declarations = declarations(layout: layout, architecture: architecture)
        for declaration in declarations {
            guard let shape = shapes[declaration.name] else { throw .missingParameter(declaration.name) }
            guard shape == declaration.shape else {
                throw .parameterShapeMismatch(name: declaration.name, expected: declaration.shape, found: shape)
            }
        }
        let declared = Set(declarations.map(\.name))
        if let extra = parameters.tensors.first(where: { !declared.contains($0.name) }) {
            throw .unexpectedParameter(extra.name)
        }
    }

    /// The number of trainable values.
    public var trainableCount: Int { store.trainableCount }

    /// Where the Linear layers' weights lie in the flat trainable buffer, in increasing order:
    /// the values a backward pass with `.descend` updates itself.
    var linearWeightRanges: [Range<Int>] {
        let names = Set(blocks.map { $0.linear.weightName } + [output.weightName])
        return store.entries
            .filter { $0.declaration.trainable && names.contains($0.declaration.name) }
            .map { $0.offset..<($0.offset + $0.declaration.count) }
            .sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The names of the trainable tensors, in order (the rest are running statistics).
    public var trainableNames: [String] { store.trainableNames }

    /// The name prefixes of the batch norms, in tensor order (`continuous_norm`,
    /// `layers.0.norm`, …): each has `weight`, `bias`, `running_mean` and `running_var`.
    public var batchNormPrefixes: [String] {
        (continuousNorm == nil ? [] : ["continuous_norm"]) + blocks.indices.map { "layers.\($0).norm" }
    }

    /// A copy of every tensor, running statistics included, in the model's fixed order.
    public func parameters() -> ParameterSet {
        store.parameterSet()
    }

    /// Replaces every tensor with those of `parameters`, which must have exactly this
    /// model's names and shapes and only finite values; nothing changes if it throws.
    public func load(_ parameters: ParameterSet) throws(LearningError) {
        try store.load(parameters)
    }

    /// The total width of the concatenated embeddings.
    var embeddingWidth: Int { embeddingBlocks.width }

    /// Makes sure the workspace holds at least `rows` rows (allocating only when it grows).
    func reserveWorkspace(rows: Int) -> ClassifierWorkspace {
        if let existing = workspace, existing.capacity >= rows { return existing }
        let created = ClassifierWorkspace(
            capacity: rows, embeddingWidth: embeddingWidth, continuousCount: layout.continuousCount,
            categoricalCount: layout.categoricalCount, blockWidths: architecture.hiddenLayers,
            classCount: layout.classCount)
        workspace = created
        return created
    }

    /// Copies the rows `indices` of `data` (validated against this layout) into the
    /// workspace's input buffers.
    func loadBatch<Indices: Collection<Int>>(_ data: TabularDataset, indices: Indices, into workspace: ClassifierWorkspace) {
        let categoricalCount = layout.categoricalCount
        let continuousCount = layout.continuousCount
        let labelled = !data.labels.isEmpty
        data.categorical.withUnsafeBufferPointer { codes in
            data.continuous.withUnsafeBufferPointer { values in
                data.labels.withUnsafeBufferPointer { labels in
                    var r = 0
                    for index in indices {
                        if categoricalCount > 0, let start = codes.baseAddress {
                            (workspace.codes.base + r * categoricalCount).update(from: start + index * categoricalCount, count: categoricalCount)
                        }
                        if continuousCount > 0, let start = values.baseAddress {
                            workspace.continuous.pointer(at: r * continuousCount).update(from: start + index * continuousCount, count: continuousCount)
                        }
                        workspace.labels.base[r] = labelled ? labels[index] : 0
                        r += 1
                    }
                }
            }
        }
    }

    /// Copies the consecutive rows `rows` of `data` (validated against this layout) into the
    /// workspace's input buffers: one block copy per buffer, as evaluation reads rows in order.
    func loadBatch(_ data: TabularDataset, rows: Range<Int>, into workspace: ClassifierWorkspace) {
        let categoricalCount = layout.categoricalCount
        let continuousCount = layout.continuousCount
        data.categorical.withUnsafeBufferPointer { codes in
            if categoricalCount > 0, let start = codes.baseAddress {
                workspace.codes.base.update(from: start + rows.lowerBound * categoricalCount, count: rows.count * categoricalCount)
            }
        }
        data.continuous.withUnsafeBufferPointer { values in
            if continuousCount > 0, let start = values.baseAddress {
                workspace.continuous.base.update(from: start + rows.lowerBound * continuousCount, count: rows.count * continuousCount)
            }
        }
        data.labels.withUnsafeBufferPointer { labels in
            if let start = labels.baseAddress {
                workspace.labels.base.update(from: start + rows.lowerBound, count: rows.count)
            } else {
                workspace.labels.base.update(repeating: 0, count: rows.count)
            }
        }
    }

    /// The training forward pass over the first `rows` rows of the workspace: fills the
    /// probabilities and returns the mean cross-entropy. The batch norms use the batch's
    /// statistics, or with `.running` (DP-SGD) their running ones, unchanged.
    func forwardTraining(
        rows: Int, workspace: ClassifierWorkspace, generator: inout SeededGenerator,
        statistics: NormalisationStatistics = .batch
    ) -> Double {
        let embedded = MatrixView(workspace.embedded.base, rows: rows, columns: embeddingWidth)
        for (index, embedding) in embeddings.enumerated() {
            embedding.forward(
                codes: workspace.codes.base + index, codeStride: layout.categoricalCount,
                into: embeddingBlocks.block(index, of: embedded))
        }
        if embeddingWidth > 0 {
            embeddingDropout.drawMask(workspace.embeddingMask.base, count: rows * embeddingWidth, generator: &generator)
            embeddingDropout.forward(embedded, mask: workspace.embeddingMask.base, into: embedded)
        }
        let continuous = MatrixView(workspace.continuousNormalized.base, rows: rows, columns: layout.continuousCount)
        if let continuousNorm {
            continuousNorm.forwardTraining(
                MatrixView(workspace.continuous.base, rows: rows, columns: layout.continuousCount),
                into: continuous, workspace: workspace.continuousNorm, statistics: statistics)
        }
        var input = MatrixView(workspace.input.base, rows: rows, columns: inputConcatenation.width)
        inputConcatenation.forward([embedded, continuous], into: input)
        for (index, block) in blocks.enumerated() {
            block.forwardTraining(input, workspace: workspace.blocks[index], generator: &generator, statistics: statistics)
            input = block.output(workspace.blocks[index], rows: rows)
        }
        return classify(input, rows: rows, workspace: workspace)
    }

    /// The evaluation forward pass (running statistics, no dropout) over the first `rows`
    /// rows of the workspace; fills the probabilities and returns the mean cross-entropy
    /// (meaningful only when the rows are labelled).
    func forwardEvaluation(rows: Int, workspace: ClassifierWorkspace) -> Double {
        let embedded = MatrixView(workspace.embedded.base, rows: rows, columns: embeddingWidth)
        for (index, embedding) in embeddings.enumerated() {
            embedding.forward(
                codes: workspace.codes.base + index, codeStride: layout.categoricalCount,
                into: embeddingBlocks.block(index, of: embedded))
        }
        let continuous = MatrixView(workspace.continuousNormalized.base, rows: rows, columns: layout.continuousCount)
        if let continuousNorm {
            continuousNorm.forwardEvaluation(
                MatrixView(workspace.continuous.base, rows: rows, columns: layout.continuousCount),
                into: continuous, scale: workspace.continuousNorm.scratch.base, shift: workspace.continuousNorm.scratch2.base)
        }
        var input = MatrixView(workspace.input.base, rows: rows, columns: inputConcatenation.width)
        inputConcatenation.forward([embedded, continuous], into: input)
        for (index, block) in blocks.enumerated() {
            block.forwardEvaluation(input, workspace: workspace.blocks[index])
            input = block.output(workspace.blocks[index], rows: rows)
        }
        return classify(input, rows: rows, workspace: workspace)
    }

    /// Output layer and softmax cross-entropy: logits → probabilities in place.
    func classify(_ input: MatrixView, rows: Int, workspace: ClassifierWorkspace) -> Double {
        let logits = MatrixView(workspace.logits.base, rows: rows, columns: layout.classCount)
        output.forward(input, into: logits)
        return SoftmaxCrossEntropy.forward(logits, labels: workspace.labels.base, probabilities: logits)
    }

    /// The backward pass after `forwardTraining(rows:)`: overwrites every gradient in the
    /// store, except that with `.descend` the Linear layers' weights take their SGD step
    /// at once and their gradients are not written (see `linearWeightRanges`).
    func backward(rows: Int, workspace: ClassifierWorkspace, linearWeightGradients use: WeightGradientUse = .store) {
        let probabilities = MatrixView(workspace.logits.base, rows: rows, columns: layout.classCount)
        let logitGradient = MatrixView(workspace.logitGradient.base, rows: rows, columns: layout.classCount)
        SoftmaxCrossEntropy.backward(probabilities: probabilities, labels: workspace.labels.base, into: logitGradient)

        let firstInput = MatrixView(workspace.input.base, rows: rows, columns: inputConcatenation.width)
        let firstInputGradient = MatrixView(workspace.inputGradient.base, rows: rows, columns: inputConcatenation.width)
        func input(of index: Int) -> MatrixView {
            index == 0 ? firstInput : blocks[index - 1].output(workspace.blocks[index - 1], rows: rows)
        }
        func inputGradient(of index: Int) -> MatrixView {
            index == 0 ? firstInputGradient
                : MatrixView(workspace.blocks[index - 1].outputGradient.base, rows: rows, columns: blocks[index - 1].width)
        }
        output.backward(
            input: input(of: blocks.count), outputGradient: logitGradient, inputGradient: inputGradient(of: blocks.count),
            weightGradient: use)
        for index in stride(from: blocks.count - 1, through: 0, by: -1) {
            blocks[index].backward(
                input: input(of: index), workspace: workspace.blocks[index], inputGradient: inputGradient(of: index),
                weightGradient: use)
        }

        let embeddedGradient = MatrixView(workspace.embeddedGradient.base, rows: rows, columns: embeddingWidth)
        let continuousGradient = MatrixView(workspace.continuousGradient.base, rows: rows, columns: layout.continuousCount)
        inputConcatenation.backward(firstInputGradient, into: [embeddedGradient, continuousGradient])
        if embeddingWidth > 0 {
            embeddingDropout.backward(embeddedGradient, mask: workspace.embeddingMask.base, into: embeddedGradient)
        }
        for (index, embedding) in embeddings.enumerated() {
            embedding.backward(
                codes: workspace.codes.base + index, codeStride: layout.categoricalCount,
                outputGradient: embeddingBlocks.block(index, of: embeddedGradient))
        }
        continuousNorm?.backward(continuousGradient, into: nil, workspace: workspace.continuousNorm)
    }

    /// Throws unless `data` follows this classifier's layout.
    func checkLayout(of data: TabularDataset) throws(LearningError) {
        guard data.layout.hasSameShape(as: layout) else { throw .layoutMismatch }
    }

    /// Class probabilities for every row of `data` in evaluation mode, rows × classCount,
    /// row-major. Works on labelled and unlabelled data.
    public func predictProbabilities(_ data: TabularDataset, batchSize: Int = 1024) throws(LearningError) -> [Float] {
        try checkLayout(of: data)
        guard batchSize >= 1 else { throw .hyperparameterNotPositive(name: "batchSize", value: batchSize) }
        var result = [Float](repeating: 0, count: data.rowCount * layout.classCount)
        forEachEvaluationBatch(data, batchSize: batchSize) { start, rows, workspace, _ in
            result.withUnsafeMutableBufferPointer { target in
                guard let base = target.baseAddress else { return }
                (base + start * layout.classCount).update(from: workspace.logits.base, count: rows * layout.classCount)
            }
        }
        return result
    }

    /// Metrics of the classifier on labelled `data` in evaluation mode, including the mean
    /// cross-entropy as the validation loss; AUC by `auc` (exact ranks by default).
    public func evaluate(_ data: TabularDataset, batchSize: Int = 1024, auc: AUCMethod = .ranks) throws(LearningError) -> ClassificationMetrics {
        guard data.isLabelled else { throw .unlabelledDataset }
        try checkLayout(of: data)
        guard batchSize >= 1 else { throw .hyperparameterNotPositive(name: "batchSize", value: batchSize) }
        var probabilities = [Float](repeating: 0, count: data.rowCount * layout.classCount)
        var lossSum = 0.0
        forEachEvaluationBatch(data, batchSize: batchSize) { start, rows, workspace, loss in
            probabilities.withUnsafeMutableBufferPointer { target in
                guard let base = target.baseAddress else { return }
                (base + start * layout.classCount).update(from: workspace.logits.base, count: rows * layout.classCount)
            }
            lossSum += loss * Double(rows)
        }
        return ClassificationMetrics(probabilities: probabilities, labels: data.labels, classCount: layout.classCount,
                                     lossSum: lossSum, auc: auc)
    }

    /// Runs the evaluation forward pass over `data` in consecutive batches, handing each
    /// batch's first row, row count, workspace (probabilities in `logits`) and mean loss to
    /// `body`.
    func forEachEvaluationBatch(
        _ data: TabularDataset, batchSize: Int,
        _ body: (Int, Int, ClassifierWorkspace, Double) -> Void
    ) {
        guard data.rowCount > 0 else { return }
        let workspace = reserveWorkspace(rows: min(batchSize, data.rowCount))
        var start = 0
        while start < data.rowCount {
            let rows = min(batchSize, data.rowCount - start)
            loadBatch(data, rows: start..<(start + rows), into: workspace)
            let loss = forwardEvaluation(rows: rows, workspace: workspace)
            body(start, rows, workspace, loss)
            start += rows
        }
    }
}
