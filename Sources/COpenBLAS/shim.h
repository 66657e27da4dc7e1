#ifndef BF_COPENBLAS_SHIM_H
#define BF_COPENBLAS_SHIM_H
#include <cblas.h>

/// Pins OpenBLAS to one thread: each pod trains on one core and pods run in parallel.
static inline void bf_openblas_set_threads(int n) { openblas_set_num_threads(n); }
#endif
