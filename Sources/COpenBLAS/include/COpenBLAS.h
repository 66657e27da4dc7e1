#ifndef BF_COPENBLAS_H
#define BF_COPENBLAS_H

/// OpenBLAS, loaded when the first model is built rather than when bf starts: loading it
/// starts its thread pool and selects its kernels, about 13 ms of CPU that `bf -c 'print(1)'`
/// and every command that trains nothing should not pay.

/// Loads OpenBLAS once (`BF_OPENBLAS` names another library file to load instead of
/// `libopenblas.so.0`), pins it to one thread and, where it did not recognise the CPU,
/// selects the best kernels the CPU supports. Returns NULL when OpenBLAS is ready, else why
/// it could not be loaded. Thread-safe; later calls return the first call's answer.
const char *bf_blas_load(void);

/// The name of the kernel set OpenBLAS uses on this CPU (e.g. "SkylakeX", "Haswell"), or
/// "unknown" before `bf_blas_load` succeeded.
const char *bf_blas_core_name(void);

/// C ← α·op(A)·op(B) + β·C, row-major (cblas_sgemm). Loads OpenBLAS first if need be, and
/// stops the process if it cannot: call `bf_blas_load` first to report that properly.
void bf_blas_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

#endif
