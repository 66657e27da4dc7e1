import COpenBLAS
import Learning

/// The machine's single-thread sgemm throughput, measured on square products.
enum Peak {
    /// The best GFLOP/s of `repetitions` single-threaded n×n×n products.
    static func measure(size n: Int, repetitions: Int) -> Double {
        BLAS.configure()
        var a = [Float](repeating: 0, count: n * n)
        var b = [Float](repeating: 0, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var generator = SeededGenerator(seed: 7)
        for i in 0..<(n * n) {
            a[i] = generator.nextFloat() - 0.5
            b[i] = generator.nextFloat() - 0.5
        }
        var best = 0.0
        for _ in 0..<(repetitions + 1) {
            let seconds = Timing.seconds {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n),
                                        1, pa.baseAddress, blasint(n), pb.baseAddress, blasint(n), 0, pc.baseAddress, blasint(n))
                        }
                    }
                }
            }
            best = max(best, 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9)
        }
        return best
    }

    /// The best GFLOP/s of products of the given shape (C m×n ← A m×k · op(B)); used to show
    /// what the training step's own shapes can reach.
    static func measure(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, repetitions: Int) -> Double {
        BLAS.configure()
        let a = [Float](repeating: 0.5, count: m * k)
        let b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        let seconds = Timing.seconds {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        for _ in 0..<repetitions {
                            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                        blasint(m), blasint(n), blasint(k), 1, pa.baseAddress, blasint(lda),
                                        pb.baseAddress, blasint(ldb), 0, pc.baseAddress, blasint(n))
                        }
                    }
                }
            }
        }
        return 2 * Double(m) * Double(n) * Double(k) * Double(repetitions) / seconds / 1e9
    }
}

/// Wall-clock timing.
enum Timing {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
