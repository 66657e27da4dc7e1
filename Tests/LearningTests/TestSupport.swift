import XCTest
@testable import Learning

/// A float matrix owned by a test, with a view for the layers.
final class TestMatrix {
    let buffer: FloatBuffer
    let rows: Int
    let columns: Int

    init(rows: Int, columns: Int, values: [Float]? = nil) {
        self.rows = rows
        self.columns = columns
        buffer = FloatBuffer(count: rows * columns)
        if let values { buffer.copy(from: values) }
    }

    convenience init(rows: Int, columns: Int, generator: inout SeededGenerator, scale: Float = 1) {
        self.init(rows: rows, columns: columns)
        for i in 0..<(rows * columns) { buffer.base[i] = Float(generator.nextNormal()) * scale }
    }

    var view: MatrixView { MatrixView(buffer.base, rows: rows, columns: columns) }
    var values: [Float] { buffer.array }
    subscript(i: Int) -> Float {
        get { buffer.base[i] }
        set { buffer.base[i] = newValue }
    }
}

/// Σ rᵢ·yᵢ in Double: a scalar loss whose gradient with respect to y is r.
func projection(_ y: [Float], _ r: [Float]) -> Double {
    zip(y, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Central finite differences of `loss` with respect to `count` Float values at `values`.
func numericGradient(_ values: UnsafeMutablePointer<Float>, count: Int, epsilon: Float, loss: () -> Double) -> [Double] {
    var result: [Double] = []
    for i in 0..<count {
        let saved = values[i]
        values[i] = saved + epsilon
        let up = loss()
        values[i] = saved - epsilon
        let down = loss()
        values[i] = saved
        let step = Double(saved + epsilon) - Double(saved - epsilon)
        result.append((up - down) / step)
    }
    return result
}

/// ‖a − n‖ / max(‖a‖ + ‖n‖, tiny): the relative error of an analytic gradient against a
/// numeric one over a whole tensor.
func relativeError(_ analytic: [Float], _ numeric: [Double]) -> Double {
    precondition(analytic.count == numeric.count)
    var difference = 0.0
    var size = 0.0
    for (a, n) in zip(analytic, numeric) {
        difference += (Double(a) - n) * (Double(a) - n)
        size += Double(a) * Double(a) + n * n
    }
    return difference.squareRoot() / max(size.squareRoot(), 1e-12)
}

/// Asserts the relative error is below `tolerance` and no element is off by more than
/// `absolute` + 5% of its size.
func assertGradient(_ analytic: [Float], _ numeric: [Double], tolerance: Double = 2e-3, absolute: Double = 2e-3, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    let error = relativeError(analytic, numeric)
    XCTAssertLessThan(error, tolerance, "\(what): relative error \(error)", file: file, line: line)
    for (index, (a, n)) in zip(analytic, numeric).enumerated() where abs(Double(a) - n) > absolute + 0.05 * abs(n) {
        XCTFail("\(what)[\(index)]: analytic \(a) numeric \(n)", file: file, line: line)
        return
    }
}

/// A small mixed layout used across tests.
let smallLayout = TabularLayout(
    categorical: [.init(name: "colour", cardinality: 3), .init(name: "shape", cardinality: 4)],
    continuousNames: ["width", "height"], targetName: "label", classCount: 2)

/// A labelled dataset on `layout` where the label follows a noisy rule of the inputs.
func separableDataset(layout: TabularLayout, rows: Int, seed: UInt64, noise: Double = 0.3) throws -> TabularDataset {
    var generator = SeededGenerator(seed: seed)
    var model = SeededGenerator(seed: 99)
    let effects = layout.categoricalCardinalities.map { n in (0..<n).map { _ in 1.5 * model.nextNormal() } }
    let weights = (0..<layout.continuousCount).map { _ in model.nextNormal() }
    var codes: [Int32] = []
    var values: [Float] = []
    var labels: [Int32] = []
    for _ in 0..<rows {
        var score = 0.0
        for (column, cardinality) in layout.categoricalCardinalities.enumerated() {
            let code = generator.nextInt(below: cardinality)
            codes.append(Int32(code))
            score += effects[column][code]
        }
        for weight in weights {
            let value = 3 + 2 * generator.nextNormal()
            values.append(Float(value))
            score += weight * (value - 3)
        }
        score += noise * generator.nextNormal()
        if layout.classCount == 2 {
            labels.append(score > 0 ? 1 : 0)
        } else {
            labels.append(Int32(min(layout.classCount - 1, max(0, Int((score + 3) / 6 * Double(layout.classCount))))))
        }
    }
    return try TabularDataset(layout: layout, rowCount: rows, categorical: codes, continuous: values, labels: labels)
}

/// Runs `body` and returns the LearningError it threw, failing if it threw none.
func learningError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> LearningError? {
    do {
        try body()
        XCTFail("expected an error", file: file, line: line)
    } catch let error as LearningError {
        return error
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
    return nil
}
