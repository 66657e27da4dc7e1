import COpenBLAS

/// Matrix products through OpenBLAS, row-major, single-threaded.
///
/// Each pod trains on one core and pods run in parallel, so OpenBLAS is pinned to one thread
/// the first time Learning builds a model; that also keeps results bit-for-bit
/// reproducible. At the same moment, if OpenBLAS did not recognise the CPU and fell back to
/// its generic kernels, the best supported kernels are selected
/// (`bf_openblas_select_kernels` in the shim explains why).
public enum BLAS {
    /// Selects kernels and pins one thread; evaluated once, on first use, by the runtime's
    /// lazy global initialisation (thread-safe).
    private static let configuredCore: String = {
        let core = bf_openblas_select_kernels().map { String(cString: $0) } ?? "unknown"
        bf_openblas_set_threads(1)
        return core
    }()

    /// Configures OpenBLAS (once) before the first product and returns the name of the
    /// kernel set in use, for benchmark reports.
    @discardableResult
    public static func configure() -> String {
        configuredCore
    }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices, where op(A) is m×k, op(B) is k×n and
    /// C is m×n; `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}
