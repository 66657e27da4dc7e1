import Foundation

/// Softmax followed by the cross-entropy with integer labels, averaged over the rows
/// (PyTorch's `nn.CrossEntropyLoss` with mean reduction), computed stably by subtracting
/// each row's maximum logit.
enum SoftmaxCrossEntropy {
    /// Writes softmax probabilities of `logits` into `probabilities` (same shape, may alias)
    /// and returns the mean loss −(1/N)·Σ log p[label]. The loss sum is kept in Double.
    static func forward(
        _ logits: MatrixView, labels: UnsafePointer<Int32>, probabilities: MatrixView
    ) -> Double {
        var total = 0.0
        for r in 0..<logits.rows {
            total += row(logits.row(r), classes: logits.columns, label: Int(labels[r]), probabilities: probabilities.row(r))
        }
        return total / Double(logits.rows)
    }

    /// Softmax of one row into `probabilities`; returns −log p[label] computed as
    /// log Σ e^(z − max) − (z[label] − max), which never takes the log of a rounded zero.
    static func row(
        _ logits: UnsafeMutablePointer<Float>, classes: Int, label: Int,
        probabilities: UnsafeMutablePointer<Float>
    ) -> Double {
        var maximum = logits[0]
        for k in 1..<classes where logits[k] > maximum { maximum = logits[k] }
        let labelLogit = Double(logits[label] - maximum)
        var sum: Float = 0
        for k in 0..<classes {
            let e = Foundation.exp(logits[k] - maximum)
            probabilities[k] = e
            sum += e
        }
        let inverse = 1 / sum
        for k in 0..<classes { probabilities[k] *= inverse }
        return Foundation.log(Double(sum)) - labelLogit
    }

    /// dlogits ← (p − onehot(label))/N from the probabilities (may alias).
    static func backward(
        probabilities: MatrixView, labels: UnsafePointer<Int32>, into gradient: MatrixView
    ) {
        let inverseRows = 1 / Float(probabilities.rows)
        for r in 0..<probabilities.rows {
            let p = probabilities.row(r)
            let g = gradient.row(r)
            for k in 0..<probabilities.columns { g[k] = p[k] * inverseRows }
            g[Int(labels[r])] -= inverseRows
        }
    }
}
