#ifndef SLIMTRACE_CKERNELS_ATOMICS_H
#define SLIMTRACE_CKERNELS_ATOMICS_H

// The two atomic operations the Swift side's work splitting (Sources/Tensor/Parallel.swift) needs,
// on a counter it allocates, without depending on the Synchronization module's OS availability.

#include <stddef.h>

/// Adds `value` to `*counter` and returns the previous value (acquire-release).
static inline ptrdiff_t ck_atomic_fetch_add(ptrdiff_t *counter, ptrdiff_t value) {
    return __atomic_fetch_add(counter, value, __ATOMIC_ACQ_REL);
}

/// `*counter` (acquire).
static inline ptrdiff_t ck_atomic_load(const ptrdiff_t *counter) {
    return __atomic_load_n(counter, __ATOMIC_ACQUIRE);
}

#endif
