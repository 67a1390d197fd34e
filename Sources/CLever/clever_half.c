// Half-float rows: F16C (chosen at run time) with a portable fallback. No FMA contraction, so the
// results are bit-identical to `dst[i] += weight * src[i]` over the widened floats.
#include "clever_half.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

static float widen(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
    if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {
        bits = sign;
    } else { /* subnormal: normalise */
        int e = -1;
        do { mant <<= 1; e++; } while ((mant & 0x400) == 0);
        bits = sign | ((uint32_t)(112 - e) << 23) | ((mant & 0x3FF) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void portable(float *dst, const uint16_t *src, float weight, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] += weight * widen(src[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx,f16c")))
static void hardware(float *dst, const uint16_t *src, float weight, size_t n) {
    __m256 w = _mm256_set1_ps(weight);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i)));
        _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_mul_ps(w, x)));
    }
    for (; i < n; i++) dst[i] += weight * widen(src[i]);
}
#endif

#if defined(__x86_64__)
__attribute__((target("avx,f16c")))
static void widen_hardware(float *dst, const uint16_t *src, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = widen(src[i]);
}

static int has_f16c(void) {
    static int hw = -1;
    int use = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (use < 0) {
        __builtin_cpu_init();
        use = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
        __atomic_store_n(&hw, use, __ATOMIC_RELAXED);
    }
    return use;
}
#endif

void clever_add_half_row(float *dst, const uint16_t *src, float weight, size_t n) {
#if defined(__x86_64__)
    if (has_f16c()) { hardware(dst, src, weight, n); return; }
#endif
    portable(dst, src, weight, n);
}

// The rows' sums in clever_dot's lanes and order: lane l adds widened a[i + l] * q[i + l] (no FMA),
// then the lanes pairwise. Rows are fetched a few ahead.
static float reduce8(const float *acc) {
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

static void dot_rows_portable(const uint16_t *rows, const int32_t *ids, size_t count, const float *q, size_t n,
                              float *out) {
    for (size_t r = 0; r < count; r++) {
        const uint16_t *a = rows + (size_t)ids[r] * n;
        float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            for (int l = 0; l < 8; l++) acc[l] += widen(a[i + l]) * q[i + l];
        }
        for (int l = 0; i < n; i++, l++) acc[l] += widen(a[i]) * q[i];
        out[r] = reduce8(acc);
    }
}

#if defined(__x86_64__)
static void prefetch_row(const uint16_t *row, size_t n) {
    for (size_t b = 0; b < n * sizeof(uint16_t); b += 64) __builtin_prefetch((const char *)row + b);
}

__attribute__((target("avx,f16c")))
static void dot_rows_hardware(const uint16_t *rows, const int32_t *ids, size_t count, const float *q, size_t n,
                              float *out) {
    enum { ahead = 4 };
    for (size_t r = 0; r < count && r < ahead; r++) prefetch_row(rows + (size_t)ids[r] * n, n);
    for (size_t r = 0; r < count; r++) {
        if (r + ahead < count) prefetch_row(rows + (size_t)ids[r + ahead] * n, n);
        const uint16_t *a = rows + (size_t)ids[r] * n;
        __m256 lanes = _mm256_setzero_ps();
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i)));
            lanes = _mm256_add_ps(lanes, _mm256_mul_ps(x, _mm256_loadu_ps(q + i)));
        }
        float acc[8];
        _mm256_storeu_ps(acc, lanes);
        for (int l = 0; i < n; i++, l++) acc[l] += widen(a[i]) * q[i];
        out[r] = reduce8(acc);
    }
}
#endif

void clever_dot_half_rows(const uint16_t *rows, const int32_t *ids, size_t count, const float *q, size_t n,
                          float *out) {
#if defined(__x86_64__)
    if (has_f16c()) { dot_rows_hardware(rows, ids, count, q, n, out); return; }
#endif
    dot_rows_portable(rows, ids, count, q, n, out);
}

void clever_widen_half(float *dst, const uint16_t *src, size_t n) {
#if defined(__x86_64__)
    if (has_f16c()) { widen_hardware(dst, src, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = widen(src[i]);
}

// Round to nearest, ties to even, as F16C's vcvtps2ph with _MM_FROUND_TO_NEAREST_INT.
static uint16_t narrow(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000, bits = x & 0x7FFFFFFFu;
    if (bits >= 0x7F800000u) {  /* infinity, or NaN made quiet with its top payload bits */
        return (uint16_t)(sign | 0x7C00 | (bits > 0x7F800000u ? 0x200 | ((bits >> 13) & 0x3FF) : 0));
    }
    if (bits >= 0x477FF000u) return (uint16_t)(sign | 0x7C00);  /* 65,520 and up round to infinity */
    if (bits < 0x38800000u) {  /* below 2^-14: a subnormal half or zero */
        if (bits < 0x33000000u) return (uint16_t)sign;          /* below 2^-25 */
        const uint32_t shift = 126 - (bits >> 23), mant = (bits & 0x7FFFFF) | 0x800000;
        uint32_t h = mant >> shift;
        const uint32_t rest = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = (bits >> 13) - (112u << 10);  /* rebias the exponent: 127 - 15 */
    const uint32_t rest = bits & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;  /* a carry into the exponent is right */
    return (uint16_t)(sign | h);
}

static float dot_half_portable(const uint16_t *a, const uint16_t *b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; l++) acc[l] += widen(a[i + l]) * widen(b[i + l]);
    }
    for (int l = 0; i < n; i++, l++) acc[l] += widen(a[i]) * widen(b[i]);
    return reduce8(acc);
}

#if defined(__x86_64__)
__attribute__((target("avx,f16c")))
static float dot_half_hardware(const uint16_t *a, const uint16_t *b, size_t n) {
    __m256 lanes = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(a + i)));
        const __m256 y = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i)));
        lanes = _mm256_add_ps(lanes, _mm256_mul_ps(x, y));
    }
    float acc[8];
    _mm256_storeu_ps(acc, lanes);
    for (int l = 0; i < n; i++, l++) acc[l] += widen(a[i]) * widen(b[i]);
    return reduce8(acc);
}

__attribute__((target("avx,f16c")))
static void narrow_hardware(uint16_t *dst, const float *src, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *)(dst + i), h);
    }
    for (; i < n; i++) dst[i] = narrow(src[i]);
}
#endif

float clever_dot_half(const uint16_t *a, const uint16_t *b, size_t n) {
#if defined(__x86_64__)
    if (has_f16c()) return dot_half_hardware(a, b, n);
#endif
    return dot_half_portable(a, b, n);
}

void clever_narrow_half(uint16_t *dst, const float *src, size_t n) {
#if defined(__x86_64__)
    if (has_f16c()) { narrow_hardware(dst, src, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = narrow(src[i]);
}
