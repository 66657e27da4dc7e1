/// Concatenation along columns: inputs of widths w₀, w₁, … side by side in one matrix.
/// The backward pass hands each input its block of the output gradient.
struct Concatenation {
    /// The widths of the inputs, in order.
    let widths: [Int]
    /// The column where each input starts.
    let offsets: [Int]
    /// The output width, Σ wᵢ.
    let width: Int

    /// A concatenation of inputs with the given widths.
    init(widths: [Int]) {
        self.widths = widths
        var offsets: [Int] = []
        var total = 0
        for width in widths {
            offsets.append(total)
            total += width
        }
        self.offsets = offsets
        self.width = total
    }

    /// The column block of input `index` inside `matrix` (a view sharing its storage), so that
    /// a layer can write its output straight into the concatenation.
    func block(_ index: Int, of matrix: MatrixView) -> MatrixView {
        MatrixView(matrix.base + offsets[index], rows: matrix.rows, columns: widths[index], stride: matrix.stride)
    }

    /// Copies each input into its column block of `output`.
    func forward(_ inputs: [MatrixView], into output: MatrixView) {
        for (index, input) in inputs.enumerated() {
            let offset = offsets[index]
            for r in 0..<output.rows {
                (output.row(r) + offset).update(from: input.row(r), count: widths[index])
            }
        }
    }

    /// Copies each column block of `outputGradient` into the matching input gradient.
    func backward(_ outputGradient: MatrixView, into inputGradients: [MatrixView]) {
        for (index, gradient) in inputGradients.enumerated() {
            let offset = offsets[index]
            for r in 0..<outputGradient.rows {
                gradient.row(r).update(from: outputGradient.row(r) + offset, count: widths[index])
            }
        }
    }
}
