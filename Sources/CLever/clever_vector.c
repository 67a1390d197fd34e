// Dense-vector kernels: one portable source, cloned for AVX2 and the x86-64 baseline (see the header).
#include "clever_vector.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

// A square root without errno, so the loop vectorises.
#if defined(__clang__) && __clang_major__ >= 16
#define CLEVER_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define CLEVER_SQRT(x) sqrtf(x)
#endif

#if defined(__x86_64__) && defined(__clang__)
#define CLEVER_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLEVER_CLONES
#endif

CLEVER_CLONES
float clever_dot(const float *restrict a, const float *restrict b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; l++) acc[l] += a[i + l] * b[i + l];
    }
    for (int l = 0; i < n; i++, l++) acc[l] += a[i] * b[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// How many rows ahead the gathering kernels fetch: enough to overlap a few memory waits.
enum { clever_rows_ahead = 8 };

// Prefetches rows ids[from ..< min(to, count)] of `row_bytes` bytes each from `base`.
static inline void clever_prefetch_rows(const void *base, const int32_t *ids, size_t from, size_t to, size_t count,
                                        size_t row_bytes, int write) {
    for (size_t r = from; r < to && r < count; r++) {
        const char *c = (const char *)base + (size_t)ids[r] * row_bytes;
        for (size_t b = 0; b < row_bytes; b += 64) {
            if (write) __builtin_prefetch(c + b, 1);
            else __builtin_prefetch(c + b);
        }
    }
}

// Row bodies shared by the one-row kernels and the kernels over rows picked by id (inlined into each
// clone, so both run the same operations in the same order).
static inline __attribute__((always_inline)) void clever_add_f32(float *restrict dst, const float *restrict x,
                                                                 float a, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] += a * x[i];
}

static inline __attribute__((always_inline)) void clever_add_i8(float *restrict dst, const signed char *restrict x,
                                                                float a, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] += a * (float)x[i];
}

static inline __attribute__((always_inline)) void clever_add_i4(float *restrict dst, const unsigned char *restrict src,
                                                                float a, size_t n) {
    /* A nibble x (0..15) is the two's complement value (x ^ 8) - 8. */
    for (size_t i = 0; i < n / 2; i++) {
        const int b = src[i];
        dst[2 * i] += a * (float)(((b & 15) ^ 8) - 8);
        dst[2 * i + 1] += a * (float)(((b >> 4) ^ 8) - 8);
    }
    if (n & 1) dst[n - 1] += a * (float)(((src[n / 2] & 15) ^ 8) - 8);
}

CLEVER_CLONES
void clever_dot_rows(const float *restrict rows, const int32_t *restrict ids, size_t count, const float *restrict q,
                     size_t n, float *restrict out) {
    clever_prefetch_rows(rows, ids, 0, clever_rows_ahead, count, n * sizeof(float), 0);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(rows, ids, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, n * sizeof(float), 0);
        const float *a = rows + (size_t)ids[r] * n;
        float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            for (int l = 0; l < 8; l++) acc[l] += a[i + l] * q[i + l];
        }
        for (int l = 0; i < n; i++, l++) acc[l] += a[i] * q[i];
        out[r] = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    }
}

CLEVER_CLONES
float clever_dot_i8(const signed char *restrict a, const float *restrict b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; l++) acc[l] += (float)a[i + l] * b[i + l];
    }
    for (int l = 0; i < n; i++, l++) acc[l] += (float)a[i] * b[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

CLEVER_CLONES
void clever_add_int8_row(float *restrict dst, const signed char *restrict src, float weight, size_t n) {
    clever_add_i8(dst, src, weight, n);
}

CLEVER_CLONES
void clever_add_int4_row(float *restrict dst, const unsigned char *restrict src, float weight, size_t n) {
    clever_add_i4(dst, src, weight, n);
}

CLEVER_CLONES
void clever_axpy(float *restrict y, float alpha, const float *restrict x, size_t n) {
    clever_add_f32(y, x, alpha, n);
}

CLEVER_CLONES
void clever_sum_rows(float *restrict dst, const float *restrict table, const int32_t *restrict ids,
                     const float *restrict weights, size_t count, size_t n) {
    const size_t bytes = n * sizeof(float);
    clever_prefetch_rows(table, ids, 0, clever_rows_ahead, count, bytes, 0);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(table, ids, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, bytes, 0);
        clever_add_f32(dst, table + (size_t)ids[r] * n, weights[r], n);
    }
}

CLEVER_CLONES
void clever_sum_int8_rows(float *restrict dst, const signed char *restrict table, const float *restrict scales,
                          const int32_t *restrict ids, const float *restrict weights, size_t count, size_t n) {
    clever_prefetch_rows(table, ids, 0, clever_rows_ahead, count, n, 0);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(table, ids, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, n, 0);
        clever_add_i8(dst, table + (size_t)ids[r] * n, weights[r] * scales[ids[r]], n);
    }
}

CLEVER_CLONES
void clever_sum_int4_rows(float *restrict dst, const unsigned char *restrict table, size_t row_bytes,
                          const float *restrict scales, const int32_t *restrict ids, const float *restrict weights,
                          size_t count, size_t n) {
    clever_prefetch_rows(table, ids, 0, clever_rows_ahead, count, row_bytes, 0);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(table, ids, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, row_bytes, 0);
        clever_add_i4(dst, table + (size_t)ids[r] * row_bytes, weights[r] * scales[ids[r]], n);
    }
}

CLEVER_CLONES
void clever_adam_rows(float *restrict table, float *restrict state, const int32_t *restrict rows,
                      const float *restrict grads, size_t count, size_t n, float lr, float b1, float b2, float eps) {
    const float c1 = 1 - b1, c2 = 1 - b2;
    const size_t bytes = n * sizeof(float);
    clever_prefetch_rows(table, rows, 0, clever_rows_ahead, count, bytes, 1);
    clever_prefetch_rows(state, rows, 0, clever_rows_ahead, count, 2 * bytes, 1);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(table, rows, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, bytes, 1);
        clever_prefetch_rows(state, rows, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, 2 * bytes, 1);
        float *restrict w = table + (size_t)rows[r] * n;
        float *restrict m = state + (size_t)rows[r] * 2 * n;
        float *restrict v = m + n;
        const float *restrict g = grads + r * n;
        for (size_t i = 0; i < n; i++) {
            const float gi = g[i];
            const float mi = b1 * m[i] + c1 * gi;
            const float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * mi / (CLEVER_SQRT(vi) + eps);
        }
    }
}

CLEVER_CLONES
void clever_adam_rowwise_rows(float *restrict table, float *restrict moments, float *restrict second,
                              const int32_t *restrict rows, const float *restrict grads, size_t count, size_t n,
                              float lr, float b1, float b2, float eps) {
    const float c1 = 1 - b1, c2 = 1 - b2;
    const size_t bytes = n * sizeof(float);
    clever_prefetch_rows(table, rows, 0, clever_rows_ahead, count, bytes, 1);
    clever_prefetch_rows(moments, rows, 0, clever_rows_ahead, count, bytes, 1);
    for (size_t r = 0; r < count; r++) {
        clever_prefetch_rows(table, rows, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, bytes, 1);
        clever_prefetch_rows(moments, rows, r + clever_rows_ahead, r + clever_rows_ahead + 1, count, bytes, 1);
        float *restrict w = table + (size_t)rows[r] * n;
        float *restrict m = moments + (size_t)rows[r] * n;
        const float *restrict g = grads + r * n;
        const float mean_square = n > 0 ? clever_dot(g, g, n) / (float)n : 0;
        const float v = b2 * second[rows[r]] + c2 * mean_square;
        second[rows[r]] = v;
        const float step = lr / (sqrtf(v) + eps);
        for (size_t i = 0; i < n; i++) {
            const float mi = b1 * m[i] + c1 * g[i];
            m[i] = mi;
            w[i] -= step * mi;
        }
    }
}

CLEVER_CLONES
size_t clever_next_at_least_each(const float *x, const float *floors, size_t from, size_t to) {
    size_t i = from;
    for (; i + 16 <= to; i += 16) {
        int any = 0;
        for (size_t j = 0; j < 16; j++) any |= x[i + j] >= floors[i + j];
        if (any) break;
    }
    for (; i < to; i++) {
        if (x[i] >= floors[i]) return i;
    }
    return to;
}

CLEVER_CLONES
size_t clever_next_at_least(const float *x, size_t from, size_t to, float floor) {
    size_t i = from;
    for (; i + 16 <= to; i += 16) {
        int any = 0;
        for (size_t j = 0; j < 16; j++) any |= x[i + j] >= floor;
        if (any) break;
    }
    for (; i < to; i++) {
        if (x[i] >= floor) return i;
    }
    return to;
}

int clever_sort_pairs(int32_t *restrict keys, float *restrict values, int32_t *restrict key_scratch,
                      float *restrict value_scratch, size_t count, int32_t largest, size_t *restrict counts) {
    enum { bits = 11, buckets = 1 << bits };
    int32_t *src_k = keys, *dst_k = key_scratch;
    float *src_v = values, *dst_v = value_scratch;
    int in_scratch = 0;
    for (int shift = 0; shift == 0 || (largest >> shift) > 0; shift += bits) {
        for (size_t b = 0; b < buckets; b++) counts[b] = 0;
        for (size_t i = 0; i < count; i++) counts[(src_k[i] >> shift) & (buckets - 1)]++;
        size_t total = 0;
        for (size_t b = 0; b < buckets; b++) {
            const size_t c = counts[b];
            counts[b] = total;
            total += c;
        }
        for (size_t i = 0; i < count; i++) {
            const size_t at = counts[(src_k[i] >> shift) & (buckets - 1)]++;
            dst_k[at] = src_k[i];
            dst_v[at] = src_v[i];
        }
        int32_t *tk = src_k; src_k = dst_k; dst_k = tk;
        float *tv = src_v; src_v = dst_v; dst_v = tv;
        in_scratch = !in_scratch;
        if (shift + bits >= 31) break;
    }
    return in_scratch;
}
