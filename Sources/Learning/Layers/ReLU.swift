/// ReLU(x) = max(x, 0), element-wise; no parameters. The gradient at 0 is 0, as in PyTorch.
enum ReLU {
    /// y ← max(x, 0) for `count` elements (y may alias x).
    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let value = x[i]
            y[i] = value > 0 ? value : 0
        }
    }

    /// dx ← dy where the forward output was positive, else 0 (dx may alias dy).
    static func backward(
        _ dy: UnsafePointer<Float>, output y: UnsafePointer<Float>,
        into dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            dx[i] = y[i] > 0 ? dy[i] : 0
        }
    }
}
