import Foundation
import XCTest
@testable import Learning

/// DP-SGD's random stream: AES-256-CTR keyed from the kernel with fast key erasure, and the
/// ziggurat's normal values drawn from it.
final class SecureRandomTests: XCTestCase {
    /// Φ(x), the standard normal distribution function.
    private func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    private func normals(seed: UInt64, count: Int) -> [Double] {
        let random = SecureRandom(testingSeed: seed)
        var values = [Double](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { random.fillNormals($0.baseAddress!, count: count) }
        return values
    }

    func testNormalValuesFollowTheStandardNormal() {
        let count = 1_000_000
        var values = normals(seed: 5, count: count)
        let mean = values.reduce(0, +) / Double(count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        // Standard errors: 0.001 for the mean, 0.0014 for the variance.
        XCTAssertEqual(mean, 0, accuracy: 0.005)
        XCTAssertEqual(variance, 1, accuracy: 0.007)
        // Two-sided tail frequencies, each within 5 binomial standard errors: the body of
        // the layers, the wedges, and the tail the base strip samples beyond r.
        for threshold in [0.5, 1, 2, 3, Ziggurat.r, 4.5] {
            let expected = erfc(threshold / 2.0.squareRoot())
            let observed = Double(values.filter { abs($0) > threshold }.count) / Double(count)
            let error = (expected * (1 - expected) / Double(count)).squareRoot()
            XCTAssertEqual(observed, expected, accuracy: 5 * error + 1e-6, "P(|z| > \(threshold))")
        }
        // Kolmogorov–Smirnov against Φ: D below the 1% critical value 1.63 / √n.
        values.sort()
        var distance = 0.0
        for (index, value) in values.enumerated() {
            let cdf = normalCDF(value)
            distance = max(distance, abs(cdf - Double(index) / Double(count)), abs(cdf - Double(index + 1) / Double(count)))
        }
        XCTAssertLessThan(distance, 1.63 / Double(count).squareRoot())
        // Beyond r the values are the normal's tail: E[|z| | |z| > r] = φ(r) / Q(r) ≈ 3.897.
        let tail = values.filter { abs($0) > Ziggurat.r }.map { abs($0) }
        let expectedTailMean = exp(-Ziggurat.r * Ziggurat.r / 2) / (2 * Double.pi).squareRoot() / (1 - normalCDF(Ziggurat.r))
        XCTAssertEqual(tail.reduce(0, +) / Double(tail.count), expectedTailMean, accuracy: 0.06)
        XCTAssertEqual(Double(values.filter { $0 > 0 }.count) / Double(count), 0.5, accuracy: 0.0025, "signs")
    }

    func testBulkAndSingleNormalsAreTheSameValues() {
        // 20,000 values cross two refills and take the slow path about 200 times, so the
        // bulk loop's local position must hand over to `next()` and back correctly.
        let bulk = normals(seed: 9, count: 20000)
        let random = SecureRandom(testingSeed: 9)
        let single = (0..<20000).map { _ in random.nextNormal() }
        XCTAssertEqual(bulk, single)
    }

    func testSeededStreamsRepeatAndEveryRefillIsNew() {
        let first = SecureRandom(testingSeed: 3)
        let second = SecureRandom(testingSeed: 3)
        let words = (0..<3 * 8192).map { _ in first.next() }
        XCTAssertEqual(words, (0..<3 * 8192).map { _ in second.next() })
        XCTAssertNotEqual((0..<8).map { _ in SecureRandom(testingSeed: 4).next() }, Array(words.prefix(8)))
        // Each refill comes from a new key: no 64 KiB block repeats another.
        let blocks = stride(from: 0, to: words.count, by: 8192).map { Array(words[$0..<($0 + 8192)]) }
        XCTAssertEqual(Set(blocks).count, 3)
        // About half the bits of the stream are set.
        let ones = words.reduce(0) { $0 + $1.nonzeroBitCount }
        XCTAssertEqual(Double(ones) / Double(64 * words.count), 0.5, accuracy: 0.002)
    }

    func testKernelKeyedStreamsDiffer() {
        let words = (0..<4).map { _ in SecureRandom() }.map { random in (0..<4).map { _ in random.next() } }
        XCTAssertEqual(Set(words).count, 4)
    }
}
