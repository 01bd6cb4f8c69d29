#include "CKernels.h"
#include "VectorMath.h"

// Softmax over contiguous rows, in passes over the row while it stays in L1: the maximum; e^(x − max)
// into the output; the sum of those; the scale by 1/sum. The exp pass is a plain loop (vectorised
// with its remainder), the reductions keep interleaved partials.

CK_INLINE void ck_softmax_row(const float *x, float *y, ptrdiff_t count) {
    float maximum = ck_max(x, count);
    if (maximum == -INFINITY) maximum = 0; // an all -inf row: every e is 0, the sum 0, the result NaN
    for (ptrdiff_t i = 0; i < count; i++) y[i] = ck_exp_nonpositive(x[i] - maximum);
    float scale = 1.0f / ck_sum(y, count);
    for (ptrdiff_t i = 0; i < count; i++) y[i] *= scale;
}

CK_DISPATCH void ck_softmax_rows(const float *x, float *y, ptrdiff_t rows, ptrdiff_t columns) {
    for (ptrdiff_t row = 0; row < rows; row++) ck_softmax_row(x + row * columns, y + row * columns, columns);
}
