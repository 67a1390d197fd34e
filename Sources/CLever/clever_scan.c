// Integer dot products of a query against rows in blocks of 16 (see the header): AVX2 (chosen at run
// time) with a portable fallback. Both compute exact integer sums, so their results are identical.
#include "clever_scan.h"
#include <string.h>

void clever_scan_blocks_portable(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim, int32_t *out) {
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = rows + b * 16 * dim;
        for (size_t l = 0; l < 16; l++) {
            int32_t sum = 0;
            for (size_t g = 0; g < dim; g += 4) {
                const uint8_t *v = block + g * 16 + l * 4;
                for (size_t j = 0; j < 4; j++) sum += ((int32_t)v[j] - 128) * (int32_t)query[g + j];
            }
            out[b * 16 + l] = sum;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Per group of 4 values: maddubs multiplies the 64 stored bytes by the query's 4 bytes and adds pairs
// (16-bit, no saturation for query values within CLEVER_SCAN_QUERY_MAX), madd by ones adds the pairs
// into 32-bit lanes, one per row. The stored bytes are values + 128, so 128 * sum(query) comes off.
__attribute__((target("avx2")))
static void hardware(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim, int32_t *out) {
    const __m256i ones = _mm256_set1_epi16(1);
    int32_t offset = 0;
    for (size_t j = 0; j < dim; j++) offset += 128 * (int32_t)query[j];
    const __m256i bias = _mm256_set1_epi32(offset);
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *p = rows + b * 16 * dim;
        __m256i lo0 = _mm256_setzero_si256(), hi0 = lo0, lo1 = lo0, hi1 = lo0;
        for (size_t g = 0; g < dim; g += 8, p += 128) {
            int32_t qa, qb;
            memcpy(&qa, query + g, 4);
            memcpy(&qb, query + g + 4, 4);
            const __m256i xa = _mm256_set1_epi32(qa), xb = _mm256_set1_epi32(qb);
            lo0 = _mm256_add_epi32(lo0, _mm256_madd_epi16(
                _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)p), xa), ones));
            hi0 = _mm256_add_epi32(hi0, _mm256_madd_epi16(
                _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(p + 32)), xa), ones));
            lo1 = _mm256_add_epi32(lo1, _mm256_madd_epi16(
                _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(p + 64)), xb), ones));
            hi1 = _mm256_add_epi32(hi1, _mm256_madd_epi16(
                _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(p + 96)), xb), ones));
        }
        _mm256_storeu_si256((__m256i *)(out + b * 16), _mm256_sub_epi32(_mm256_add_epi32(lo0, lo1), bias));
        _mm256_storeu_si256((__m256i *)(out + b * 16 + 8), _mm256_sub_epi32(_mm256_add_epi32(hi0, hi1), bias));
    }
}
#endif

void clever_scan_blocks(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim, int32_t *out) {
#if defined(__x86_64__)
    static int hw = -1;
    int use = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (use < 0) {
        __builtin_cpu_init();
        use = __builtin_cpu_supports("avx2");
        __atomic_store_n(&hw, use, __ATOMIC_RELAXED);
    }
    if (use) { hardware(rows, query, blocks, dim, out); return; }
#endif
    clever_scan_blocks_portable(rows, query, blocks, dim, out);
}
