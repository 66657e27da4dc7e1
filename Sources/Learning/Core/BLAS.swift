import COpenBLAS

/// Matrix products through OpenBLAS, row-major, single-threaded.
///
/// OpenBLAS is loaded the first time Learning builds a model, not when bf starts (most
/// commands train nothing). Each pod trains on one core and pods run in parallel, so
/// OpenBLAS is pinned to one thread; that also keeps results bit-for-bit reproducible. If
/// OpenBLAS did not recognise the CPU and fell back to its generic kernels, the best
/// supported kernels are selected (`COpenBLAS/openblas.c` explains why).
public enum BLAS {
    /// The kernel set in use, or why OpenBLAS could not be loaded; evaluated once, on first
    /// use, by the runtime's lazy global initialisation (thread-safe).
    private static let loaded: Result<String, LearningError> = {
        if let failure = bf_blas_load() {
            return .failure(.blasUnavailable(reason: String(cString: failure)))
        }
        return .success(String(cString: bf_blas_core_name()))
    }()

    /// Loads and configures OpenBLAS (once) before the first product and returns the name
    /// of the kernel set in use, for benchmark reports. Throws when OpenBLAS cannot be loaded.
    @discardableResult
    public static func configure() throws(LearningError) -> String {
        try loaded.get()
    }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices, where op(A) is m×k, op(B) is k×n and
    /// C is m×n; `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored. Call
    /// `configure()` first: a product without OpenBLAS stops the process.
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        bf_blas_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                      alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
