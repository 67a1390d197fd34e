// Int8 rows: AVX2 (chosen at run time) with a portable fallback. No FMA contraction, so the results
// are bit-identical to `dst[i] += weight * (float)src[i]`.
#include "clever_int8.h"

#pragma STDC FP_CONTRACT OFF

static void portable(float *dst, const int8_t *src, float weight, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] += weight * (float)src[i];
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static void hardware(float *dst, const int8_t *src, float weight, size_t n) {
    __m256 w = _mm256_set1_ps(weight);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(src + i))));
        _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_mul_ps(w, x)));
    }
    for (; i < n; i++) dst[i] += weight * (float)src[i];
}
#endif

void clever_add_int8_row(float *dst, const int8_t *src, float weight, size_t n) {
#if defined(__x86_64__)
    static int hw = -1;
    int use = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (use < 0) {
        __builtin_cpu_init();
        use = __builtin_cpu_supports("avx2");
        __atomic_store_n(&hw, use, __ATOMIC_RELAXED);
    }
    if (use) { hardware(dst, src, weight, n); return; }
#endif
    portable(dst, src, weight, n);
}
