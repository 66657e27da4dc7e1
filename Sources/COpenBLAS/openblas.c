#include "COpenBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The CBLAS constants of the products bf asks for (cblas.h).
enum { row_major = 101, no_transpose = 111, transpose = 112 };

typedef void (*sgemm_function)(int order, int transpose_a, int transpose_b, int m, int n, int k,
                               float alpha, const float *a, int lda, const float *b, int ldb,
                               float beta, float *c, int ldc);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_function sgemm;
static const char *core_name = "unknown";
static char failure[512];

/// OpenBLAS releases older than a CPU do not recognise it and fall back to their generic
/// "Prescott" kernels (OpenBLAS 0.3.21 on Emerald Rapids runs sgemm about 9x slower).
/// When that happened and the user did not choose kernels with OPENBLAS_CORETYPE, this
/// re-selects the newest kernel set the CPU supports (SkylakeX with AVX-512, Haswell with
/// AVX2 and FMA), through the dynamic-architecture entry points of builds that have them
/// (Debian's).
static void select_kernels(void *library, const char *(*current_core)(void)) {
#if defined(__linux__) && defined(__x86_64__)
    void (*dynamic_init)(void) = (void (*)(void))dlsym(library, "gotoblas_dynamic_init");
    void (*dynamic_quit)(void) = (void (*)(void))dlsym(library, "gotoblas_dynamic_quit");
    const char *core = current_core();
    if (getenv("OPENBLAS_CORETYPE") != NULL || core == NULL || strcmp(core, "Prescott") != 0
        || dynamic_init == NULL || dynamic_quit == NULL) {
        return;
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
        dynamic_quit();
        dynamic_init();
        unsetenv("OPENBLAS_CORETYPE");
    }
#else
    (void)library;
    (void)current_core;
#endif
}

static void load(void) {
    const char *chosen = getenv("BF_OPENBLAS");
    const char *name = chosen != NULL && chosen[0] != '\0' ? chosen : "libopenblas.so.0";
    // Told it has one thread, OpenBLAS starts no thread pool as it loads; each pod trains on
    // one core (pods run in parallel), which also keeps results bit-for-bit reproducible.
    char *threads = getenv("OPENBLAS_NUM_THREADS");
    char *saved = threads != NULL ? strdup(threads) : NULL;
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    const char *error = library == NULL ? dlerror() : NULL;
    if (saved != NULL) {
        setenv("OPENBLAS_NUM_THREADS", saved, 1);
        free(saved);
    } else {
        unsetenv("OPENBLAS_NUM_THREADS");
    }
    if (library == NULL) {
        snprintf(failure, sizeof failure, "%s", error != NULL ? error : name);
        return;
    }
    sgemm_function product = (sgemm_function)dlsym(library, "cblas_sgemm");
    void (*set_threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
    const char *(*current_core)(void) = (const char *(*)(void))dlsym(library, "openblas_get_corename");
    if (product == NULL || set_threads == NULL || current_core == NULL) {
        snprintf(failure, sizeof failure, "%s is not OpenBLAS: it lacks cblas_sgemm, openblas_set_num_threads "
                 "or openblas_get_corename", name);
        return;
    }
    select_kernels(library, current_core);
    set_threads(1);
    const char *core = current_core();
    core_name = core != NULL ? core : "unknown";
    sgemm = product;
}

const char *bf_blas_load(void) {
    pthread_once(&once, load);
    return sgemm != NULL ? NULL : failure;
}

const char *bf_blas_core_name(void) {
    return core_name;
}

void bf_blas_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc) {
    // Callers load first (bf_blas_load's error reaches the user as a clear message); this
    // keeps a product that comes first anyway, in a test of one layer, from calling nothing.
    if (bf_blas_load() != NULL) {
        fprintf(stderr, "bf: a matrix product without OpenBLAS: %s\n", failure);
        abort();
    }
    sgemm(row_major, transpose_a ? transpose : no_transpose, transpose_b ? transpose : no_transpose,
          m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
