// Half-float rows of encoder tables, used in place in a mapped model. Hidden: not part of the ABI.
#ifndef CLEVER_HALF_H
#define CLEVER_HALF_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

#ifdef __cplusplus
extern "C" {
#endif

/// dst[i] += weight * (float)src[i] for n IEEE half floats (bit patterns) at src. F16C when the CPU
/// has it; the same float results either way (widening a half is exact, and no FMA is used, so the
/// sums equal those over a float copy of the table).
CLEVER_HIDDEN void clever_add_half_row(float *dst, const uint16_t *src, float weight, size_t n);
/// dst[i] = (float)src[i] for n IEEE half floats (exact; F16C when the CPU has it).
CLEVER_HIDDEN void clever_widen_half(float *dst, const uint16_t *src, size_t n);
/// out[r] = clever_dot(widened row ids[r] of `rows` (n halves a row), q, n) for r < count: the same
/// sums, in the same lanes and order, from half the bytes; rows are fetched a few ahead.
CLEVER_HIDDEN void clever_dot_half_rows(const uint16_t *rows, const int32_t *ids, size_t count, const float *q,
                                        size_t n, float *out);
/// sum_i widen(a[i]) * widen(b[i]) in clever_dot's lanes and order (no FMA): the same sums as clever_dot
/// over widened copies, on every CPU. The distance of HNSW graphs that store their vectors as halves.
CLEVER_HIDDEN float clever_dot_half(const uint16_t *a, const uint16_t *b, size_t n);
/// dst[i] = src[i] rounded to the nearest IEEE half float, ties to even (overflow to infinity, NaN kept
/// quiet): F16C when the CPU has it, the same bits either way.
CLEVER_HIDDEN void clever_narrow_half(uint16_t *dst, const float *src, size_t n);
#ifdef __cplusplus
}
#endif
#endif
