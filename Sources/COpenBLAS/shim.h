#ifndef BF_COPENBLAS_SHIM_H
#define BF_COPENBLAS_SHIM_H
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

/// Pins OpenBLAS to one thread: each pod trains on one core and pods run in parallel.
static inline void bf_openblas_set_threads(int n) { openblas_set_num_threads(n); }

/// The name of the kernel set OpenBLAS uses on this CPU (e.g. "SkylakeX", "Haswell").
static inline const char *bf_openblas_core_name(void) { return openblas_get_corename(); }

#if defined(__linux__) && defined(__x86_64__)
// Exported by OpenBLAS builds with DYNAMIC_ARCH (Debian's); weak so other builds still link.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
#endif

/// OpenBLAS releases older than a CPU do not recognise it and fall back to their generic
/// "Prescott" kernels (OpenBLAS 0.3.21 on Emerald Rapids runs sgemm about 9x slower).
/// When that happened and the user did not choose kernels with OPENBLAS_CORETYPE, this
/// re-selects the newest kernel set the CPU supports (SkylakeX with AVX-512, Haswell with
/// AVX2 and FMA). Call it once, before any other OpenBLAS call. Returns the core name in use.
static inline const char *bf_openblas_select_kernels(void) {
#if defined(__linux__) && defined(__x86_64__)
    const char *core = openblas_get_corename();
    if (getenv("OPENBLAS_CORETYPE") != NULL || core == NULL || strcmp(core, "Prescott") != 0
        || gotoblas_dynamic_init == NULL || gotoblas_dynamic_quit == NULL) {
        return core;
    }
    __builtin_cpu_init();
    const char *better = NULL;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
        better = "SkylakeX";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        better = "Haswell";
    }
    if (better != NULL) {
        setenv("OPENBLAS_CORETYPE", better, 1);
        gotoblas_dynamic_quit();
        gotoblas_dynamic_init();
        unsetenv("OPENBLAS_CORETYPE");
    }
#endif
    return openblas_get_corename();
}
#endif
