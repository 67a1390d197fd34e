// Short dense-vector kernels for the engine's per-row loops (dot products, row updates, Adam),
// vectorised by the compiler and chosen per CPU (AVX2 or baseline SSE2) at load time. Every variant
// runs the same operations in the same order (8 lanes, no FMA contraction), so results are identical
// on every x86-64 CPU. Hidden: not part of the ABI.
#ifndef CLEVER_VECTOR_H
#define CLEVER_VECTOR_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

#ifdef __cplusplus
extern "C" {
#endif

/// sum_i a[i] * b[i], accumulated in 8 lanes (lane l holds the indices = l mod 8), then the lanes
/// added pairwise.
CLEVER_HIDDEN float clever_dot(const float *a, const float *b, size_t n);
/// out[r] = clever_dot(rows + ids[r] * n, q, n) for r < count (the same sums), fetching rows a few ahead:
/// rows picked from a large matrix come from memory, and the fetches overlap those waits.
CLEVER_HIDDEN void clever_dot_rows(const float *rows, const int32_t *ids, size_t count, const float *q, size_t n,
                                   float *out);
/// sum_i a[i] * b[i] for int8 a (widened exactly), in the same lanes and order as clever_dot.
CLEVER_HIDDEN float clever_dot_i8(const signed char *a, const float *b, size_t n);
/// dst[i] += weight * (float)src[i] for n signed bytes at src: an int8 row of an encoder table (the
/// caller folds the row's scale into `weight`).
CLEVER_HIDDEN void clever_add_int8_row(float *dst, const signed char *src, float weight, size_t n);
/// dst[i] += weight * v[i] for i < n, v[i] the signed 4-bit value in src[i / 2] (even i: its low nibble,
/// odd i: its high nibble): an int4 row of an encoder table (the caller folds in the row's scale).
CLEVER_HIDDEN void clever_add_int4_row(float *dst, const unsigned char *src, float weight, size_t n);
/// The first i in from .. to - 1 with x[i] >= floor, or `to` when there is none: a top-k selection's
/// scan for the next score that can enter (blocks of 16 without one cost one vectorised comparison).
CLEVER_HIDDEN size_t clever_next_at_least(const float *x, size_t from, size_t to, float floor);
/// The first i in from .. to - 1 with x[i] >= floors[i], or `to`: the same scan with a floor per
/// position (per label, when each label keeps its own top-k list).
CLEVER_HIDDEN size_t clever_next_at_least_each(const float *x, const float *floors, size_t from, size_t to);
/// y[i] += alpha * x[i].
CLEVER_HIDDEN void clever_axpy(float *y, float alpha, const float *x, size_t n);
/// dst[i] += weights[r] * (table + ids[r] * n)[i] for r = 0 ..< count in order (each step as clever_axpy,
/// so the sums are the same bits as one clever_axpy per row), fetching rows a few ahead: a text's
/// feature rows are scattered over a large table, and the fetches overlap those waits.
CLEVER_HIDDEN void clever_sum_rows(float *dst, const float *table, const int32_t *ids, const float *weights,
                                   size_t count, size_t n);
/// The same over an int8 table: each step as clever_add_int8_row with weight weights[r] * scales[ids[r]].
CLEVER_HIDDEN void clever_sum_int8_rows(float *dst, const signed char *table, const float *scales,
                                        const int32_t *ids, const float *weights, size_t count, size_t n);
/// The same over an int4 table of `row_bytes` bytes a row: each step as clever_add_int4_row.
CLEVER_HIDDEN void clever_sum_int4_rows(float *dst, const unsigned char *table, size_t row_bytes,
                                        const float *scales, const int32_t *ids, const float *weights,
                                        size_t count, size_t n);
/// One Adam step on each row rows[r], r < count: w = table + rows[r] * n, its m and v the 2n floats
/// at state + rows[r] * 2n, its gradient g = grads + r * n; m = b1 m + (1 - b1) g,
/// v = b2 v + (1 - b2) g^2, w -= lr m / (sqrt(v) + eps). Rows a few ahead are fetched while one is updated.
CLEVER_HIDDEN void clever_adam_rows(float *table, float *state, const int32_t *rows, const float *grads,
                                    size_t count, size_t n, float lr, float b1, float b2, float eps);
/// The same with one second moment per row: v = second[rows[r]] = b2 v + (1 - b2) mean(g^2), and
/// w -= lr m / (sqrt(v) + eps); m is the n floats at moments + rows[r] * n.
CLEVER_HIDDEN void clever_adam_rowwise_rows(float *table, float *moments, float *second, const int32_t *rows,
                                            const float *grads, size_t count, size_t n, float lr, float b1,
                                            float b2, float eps);
/// Sorts `count` (key, value) pairs by key, stably (pairs of equal keys keep their order), with
/// counting passes over 11-bit digits up to the highest set bit of `largest` (keys in 0...largest).
/// `key_scratch` / `value_scratch` hold `count` entries, `counts` 2,048. Returns 1 when the sorted
/// pairs ended in the scratch arrays, 0 when in `keys` / `values`.
CLEVER_HIDDEN int clever_sort_pairs(int32_t *keys, float *values, int32_t *key_scratch, float *value_scratch,
                                    size_t count, int32_t largest, size_t *counts);
#ifdef __cplusplus
}
#endif
#endif
