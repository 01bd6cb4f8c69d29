#ifndef SLIMTRACE_CKERNELS_H
#define SLIMTRACE_CKERNELS_H

// Row kernels of slimtrace's f32 ops, in C so that clang vectorises them for the machine they run
// on: each is compiled for AVX-512, AVX2+FMA and baseline x86-64, and the loader picks the best
// the CPU has (GNU ifunc via `target_clones`); elsewhere they are compiled once for the target.
// The Swift ops (Sources/Tensor) keep the shape rules, recording and thread split; these only
// compute over contiguous f32 memory. `count`/`columns` are element counts; input and output may
// be the same buffer.

#include <stddef.h>

#include "CKernelsAtomics.h"

#ifdef __cplusplus
extern "C" {
#endif

/// `y = 0.5·x·(1 + erf(x/√2))` (exact GELU).
void ck_gelu_erf(const float *x, float *y, ptrdiff_t count);
/// `y = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))` (tanh-approximated GELU).
void ck_gelu_tanh(const float *x, float *y, ptrdiff_t count);
/// `y = x·sigmoid(x)`.
void ck_silu(const float *x, float *y, ptrdiff_t count);
/// `y = 1 / (1 + e^-x)`.
void ck_sigmoid(const float *x, float *y, ptrdiff_t count);
/// `y = tanh x`.
void ck_tanh(const float *x, float *y, ptrdiff_t count);
/// `y = max(x, 0)` (NaN stays NaN).
void ck_relu(const float *x, float *y, ptrdiff_t count);

/// Softmax of each of `rows` rows of `columns` (the row maximum subtracted first; a row that is
/// all -inf gives NaN, as PyTorch).
void ck_softmax_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns);

/// Layer normalisation of each row: `(x − mean) / √(var + eps) · weight + bias` (biased variance;
/// `weight` and `bias` may be NULL).
void ck_layer_norm_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns,
                        const float *weight, const float *bias, float eps);
/// RMS normalisation of each row: `x / √(mean(x²) + eps) · weight` (`weight` may be NULL).
void ck_rms_norm_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns,
                      const float *weight, float eps);

/// CPU features `ck_cpu_features` reports (usable: the CPU has them and the OS saves their registers).
enum {
    CK_CPU_AVX = 1 << 0,
    CK_CPU_AVX2 = 1 << 1,
    CK_CPU_FMA = 1 << 2,
    CK_CPU_AVX512F = 1 << 3,
    CK_CPU_AVX512BW = 1 << 4,
    CK_CPU_AVX512DQ = 1 << 5,
    CK_CPU_AVX512VL = 1 << 6,
    CK_CPU_AVX512BF16 = 1 << 7,
};

/// The `CK_CPU_*` bits of this CPU, from CPUID and XGETBV (0 off x86-64).
unsigned int ck_cpu_features(void);

/// Loads the shared library `name` into a new link-map namespace (`dlmopen(LM_ID_NEWLM)`), with
/// the environment variable `variable` set to `value` while its constructors run, then restores the
/// variable (or unsets it). A second, independent instance of a library that reads its settings
/// once when it loads (OpenBLAS and `OPENBLAS_CORETYPE`). NULL when it cannot be loaded (or off
/// glibc). Changes the process environment for the duration of the call: call it before other
/// threads read the environment.
void *ck_open_isolated_library(const char *name, const char *variable, const char *value);

/// The file of the loaded shared library that defines `symbol` (`dladdr`), or NULL.
const char *ck_library_path_of(const void *symbol);

#ifdef __cplusplus
}
#endif

#endif
