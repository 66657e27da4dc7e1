import Foundation
import Learning

/// The machine's single-thread sgemm throughput, measured on square products.
enum Peak {
    /// The best GFLOP/s of `repetitions` single-threaded n×n×n products, by wall-clock time
    /// and by the thread's CPU time (which leaves out the time other processes on a shared
    /// machine held the core).
    static func measure(size n: Int, repetitions: Int) throws -> (wall: Double, cpu: Double) {
        try BLAS.configure()
        var a = [Float](repeating: 0, count: n * n)
        var b = [Float](repeating: 0, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var generator = SeededGenerator(seed: 7)
        for i in 0..<(n * n) {
            a[i] = generator.nextFloat() - 0.5
            b[i] = generator.nextFloat() - 0.5
        }
        var best = 0.0
        var bestCPU = 0.0
        for _ in 0..<(repetitions + 1) {
            let cpuStart = Timing.threadCPUSeconds()
            let seconds = Timing.seconds {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            BLAS.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                                      b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            let cpuSeconds = Timing.threadCPUSeconds() - cpuStart
            let flops = 2 * Double(n) * Double(n) * Double(n)
            best = max(best, flops / seconds / 1e9)
            bestCPU = max(bestCPU, flops / cpuSeconds / 1e9)
        }
        return (best, bestCPU)
    }

    /// The best GFLOP/s by CPU time over `rounds` rounds of `repetitions` products of one shape
    /// (C m×n ← α·op(A)·op(B) + β·C, op(A) m×k); shows what the training step's own products
    /// reach in isolation.
    static func measure(
        m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float, repetitions: Int, rounds: Int
    ) throws -> Double {
        try BLAS.configure()
        var generator = SeededGenerator(seed: 3)
        let a = (0..<(m * k)).map { _ in generator.nextFloat() - 0.5 }
        let b = (0..<(k * n)).map { _ in generator.nextFloat() - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        var best = 0.0
        for _ in 0..<rounds {
            let start = Timing.threadCPUSeconds()
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        for _ in 0..<repetitions {
                            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                      a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            let seconds = Timing.threadCPUSeconds() - start
            best = max(best, 2 * Double(m) * Double(n) * Double(k) * Double(repetitions) / seconds / 1e9)
        }
        return best
    }
}

/// Wall-clock and CPU-time timing.
enum Timing {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The CPU time the calling thread has used so far, in seconds. On a machine shared with
    /// other work this is the time the code itself ran, without the time it waited for a core.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
