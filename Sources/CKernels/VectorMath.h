#ifndef SLIMTRACE_CKERNELS_VECTORMATH_H
#define SLIMTRACE_CKERNELS_VECTORMATH_H

// Branch-free f32 math written per element, for loops that clang vectorises: every clone of a
// kernel (see CK_DISPATCH) inlines these and vectorises them for its own instruction set; and the
// row reductions, written as interleaved partials so that they vectorise without reassociation.

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// Runtime dispatch: one clone per x86-64 level (AVX-512; AVX2 + FMA; SSE2), picked when the
// program loads (GNU ifunc, so glibc only: musl has no ifunc). Elsewhere each kernel is compiled
// once, for the build target.
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CK_DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#endif
#ifndef CK_DISPATCH
#define CK_DISPATCH
#endif

#define CK_INLINE static inline __attribute__((always_inline))

/// Independent partial results the reductions keep (four AVX-512 registers, so that the adds of
/// consecutive blocks do not wait on each other).
enum { CK_PARTIALS = 64 };

CK_INLINE int32_t ck_bits(float x) { int32_t i; memcpy(&i, &x, sizeof i); return i; }
CK_INLINE float ck_float(int32_t i) { float x; memcpy(&x, &i, sizeof x); return x; }

/// e^x for x in [-87.3, 88.3] (outside it the result is garbage: callers clamp or mask). Range
/// reduction by ln 2 in two steps (Cody-Waite), x·log2(e) rounded to the integer n with the
/// 1.5·2²³ trick (n lands in the low mantissa bits), e^r by a degree-5 minimax polynomial (max
/// relative error 1.9e-7 over the range), and 2^n built from exponent bits.
CK_INLINE float ck_exp_unchecked(float x) {
    float shifted = x * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 8.28929059e-3f;
    p = p * r + 4.18978222e-2f;
    p = p * r + 1.66676521e-1f;
    p = p * r + 4.99991506e-1f;
    p = p * r + 9.99999702e-1f;
    float scale = ck_float((ck_bits(shifted) - 0x4B400000 + 127) << 23);
    return scale + (r * scale) * p;
}

/// e^x with the input clamped to [-87.3, 88.3], where f32 e^x stays finite and normal (a NaN
/// stays NaN).
CK_INLINE float ck_exp(float input) {
    float x = input < -87.3f ? -87.3f : input;
    x = x > 88.3f ? 88.3f : x;
    return ck_exp_unchecked(x);
}

/// e^x for x ≤ 0 (softmax's shifted scores): 0 below -87.3 (where f32 e^x is no longer normal),
/// so e^-inf is 0; a NaN stays NaN.
CK_INLINE float ck_exp_nonpositive(float x) {
    return x < -87.3f ? 0.0f : ck_exp_unchecked(x);
}

/// 1 / (1 + e^-x).
CK_INLINE float ck_sigmoidf(float x) { return 1.0f / (1.0f + ck_exp(-x)); }

/// tanh x = 2·sigmoid(2x) − 1.
CK_INLINE float ck_tanhf(float x) { return 2.0f / (1.0f + ck_exp(-2.0f * x)) - 1.0f; }

/// Φ(x) − ½ = erf(x/√2)/2, the standard normal CDF less one half, as a rational function: odd
/// degree-13 numerator over even degree-8 denominator in x clamped to ±4√2 (beyond it Φ is 0 or 1
/// in f32). It is Eigen's and XLA's f32 erf (max abs error 4.5e-7 for erf) with the 1/√2 and the ½ folded
/// into the coefficients, so GELU needs one division and no exp.
CK_INLINE float ck_normal_cdf_centered(float input) {
    float x = input < -5.65685425f ? -5.65685425f : input;
    x = x > 5.65685425f ? 5.65685425f : x;
    float x2 = x * x;
    float p = -1.505995060e-12f;
    p = p * x2 + 3.061199413e-10f;
    p = p * x2 - 4.642651039e-08f;
    p = p * x2 - 2.515756171e-06f;
    p = p * x2 - 6.496460735e-05f;
    p = p * x2 - 5.223043901e-04f;
    p = p * x2 - 5.690807158e-03f;
    float q = -9.103794904e-07f;
    q = q * x2 - 2.667175691e-05f;
    q = q * x2 - 4.207067436e-04f;
    q = q * x2 - 3.686664584e-03f;
    q = q * x2 - 1.426473905e-02f;
    return x * p / q;
}

/// The sum of the CK_PARTIALS partials, folded in halves (vector adds, not a serial chain of 64:
/// rows of 128 would otherwise spend more time here than in their loop).
CK_INLINE float ck_fold_sum(float partial[CK_PARTIALS]) {
    for (int width = CK_PARTIALS / 2; width >= 1; width /= 2)
        for (int j = 0; j < width; j++) partial[j] += partial[j + width];
    return partial[0];
}

/// Sum of `x[0..<count]`, in CK_PARTIALS interleaved partial sums.
CK_INLINE float ck_sum(const float *x, ptrdiff_t count) {
    float partial[CK_PARTIALS] = {0};
    ptrdiff_t i = 0;
    for (; i + CK_PARTIALS <= count; i += CK_PARTIALS)
        for (int j = 0; j < CK_PARTIALS; j++) partial[j] += x[i + j];
    float total = ck_fold_sum(partial);
    for (; i < count; i++) total += x[i];
    return total;
}

/// Sum of `(x[i] − center)²`, in CK_PARTIALS interleaved partial sums.
CK_INLINE float ck_sum_of_squared_deviations(const float *x, ptrdiff_t count, float center) {
    float partial[CK_PARTIALS] = {0};
    ptrdiff_t i = 0;
    for (; i + CK_PARTIALS <= count; i += CK_PARTIALS)
        for (int j = 0; j < CK_PARTIALS; j++) {
            float d = x[i + j] - center;
            partial[j] += d * d;
        }
    float total = ck_fold_sum(partial);
    for (; i < count; i++) {
        float d = x[i] - center;
        total += d * d;
    }
    return total;
}

/// Largest of `x[0..<count]` (-inf for none), in CK_PARTIALS interleaved partial maxima.
CK_INLINE float ck_max(const float *x, ptrdiff_t count) {
    float partial[CK_PARTIALS];
    for (int j = 0; j < CK_PARTIALS; j++) partial[j] = -INFINITY;
    ptrdiff_t i = 0;
    for (; i + CK_PARTIALS <= count; i += CK_PARTIALS)
        for (int j = 0; j < CK_PARTIALS; j++) partial[j] = x[i + j] > partial[j] ? x[i + j] : partial[j];
    for (int width = CK_PARTIALS / 2; width >= 1; width /= 2)
        for (int j = 0; j < width; j++) partial[j] = partial[j + width] > partial[j] ? partial[j + width] : partial[j];
    float maximum = partial[0];
    for (; i < count; i++) maximum = x[i] > maximum ? x[i] : maximum;
    return maximum;
}

#endif
