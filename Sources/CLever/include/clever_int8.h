// Int8 rows of encoder tables (one float scale per row), used in place in a mapped model. Hidden:
// not part of the ABI.
#ifndef CLEVER_INT8_H
#define CLEVER_INT8_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

/// dst[i] += weight * (float)src[i] for n signed bytes at src (the caller folds the row's scale
/// into `weight`). AVX2 when the CPU has it; the same float results either way (no FMA is used).
CLEVER_HIDDEN void clever_add_int8_row(float *dst, const int8_t *src, float weight, size_t n);
#endif
