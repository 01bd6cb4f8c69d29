#include "CKernels.h"
#include "VectorMath.h"

// Layer and RMS normalisation over contiguous rows: the statistics in two passes (mean, then the
// squared deviations from it, so a large mean does not cancel the variance away), then one pass
// that normalises, scales and shifts.

/// `y = (x − shift) · scale · weight + bias`, `weight` and `bias` optional.
CK_INLINE void ck_normalize(const float *x, float *y, ptrdiff_t count, float shift, float scale,
                            const float *weight, const float *bias) {
    if (weight && bias) {
        for (ptrdiff_t i = 0; i < count; i++) y[i] = (x[i] - shift) * scale * weight[i] + bias[i];
    } else if (weight) {
        for (ptrdiff_t i = 0; i < count; i++) y[i] = (x[i] - shift) * scale * weight[i];
    } else if (bias) {
        for (ptrdiff_t i = 0; i < count; i++) y[i] = (x[i] - shift) * scale + bias[i];
    } else {
        for (ptrdiff_t i = 0; i < count; i++) y[i] = (x[i] - shift) * scale;
    }
}

CK_DISPATCH void ck_layer_norm_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns,
                                    const float *weight, const float *bias, float eps) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *in = x + row * columns;
        float mean = ck_sum(in, columns) / (float)columns;
        float variance = ck_sum_of_squared_deviations(in, columns, mean) / (float)columns;
        ck_normalize(in, y + row * columns, columns, mean, 1.0f / sqrtf(variance + eps), weight, bias);
    }
}

CK_DISPATCH void ck_rms_norm_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns,
                                  const float *weight, float eps) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *in = x + row * columns;
        float meanSquare = ck_sum_of_squared_deviations(in, columns, 0) / (float)columns;
        ck_normalize(in, y + row * columns, columns, 0, 1.0f / sqrtf(meanSquare + eps), weight, NULL);
    }
}
