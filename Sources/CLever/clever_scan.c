// The int8 first pass (see the header): scores of a query against rows in blocks of 16, with AVX2
// (chosen at run time) or portable code that computes the same exact integer sums, and the selection
// of the rows whose scores pass a threshold taken from a sample of them.
#include "clever_scan.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void clever_scan_blocks_portable(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim,
                                 const float *scales, float *out) {
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *block = rows + b * 16 * dim;
        for (size_t l = 0; l < 16; l++) {
            int32_t sum = 0;
            for (size_t g = 0; g < dim; g += 4) {
                const uint8_t *v = block + g * 16 + l * 4;
                for (size_t j = 0; j < 4; j++) sum += ((int32_t)v[j] - 128) * (int32_t)query[g + j];
            }
            out[b * 16 + l] = scales[b * 16 + l] * (float)sum;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Per group of 4 values: maddubs multiplies the 64 stored bytes by the query's 4 bytes and adds pairs
// (16-bit, no saturation for query values within CLEVER_SCAN_QUERY_MAX), madd by ones adds the pairs
// into 32-bit lanes, one per row. The stored bytes are values + 128, so 128 * sum(query) comes off.
__attribute__((target("avx2")))
static void hardware(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim, const float *scales,
                     float *out) {
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
        const __m256i sumLo = _mm256_sub_epi32(_mm256_add_epi32(lo0, lo1), bias);
        const __m256i sumHi = _mm256_sub_epi32(_mm256_add_epi32(hi0, hi1), bias);
        _mm256_storeu_ps(out + b * 16, _mm256_mul_ps(_mm256_loadu_ps(scales + b * 16), _mm256_cvtepi32_ps(sumLo)));
        _mm256_storeu_ps(out + b * 16 + 8,
                         _mm256_mul_ps(_mm256_loadu_ps(scales + b * 16 + 8), _mm256_cvtepi32_ps(sumHi)));
    }
}
#endif

void clever_scan_blocks(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim, const float *scales,
                        float *out) {
#if defined(__x86_64__)
    static int hw = -1;
    int use = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (use < 0) {
        __builtin_cpu_init();
        use = __builtin_cpu_supports("avx2");
        __atomic_store_n(&hw, use, __ATOMIC_RELAXED);
    }
    if (use) { hardware(rows, query, blocks, dim, scales, out); return; }
#endif
    clever_scan_blocks_portable(rows, query, blocks, dim, scales, out);
}

void clever_scan_pack(const float *rows, size_t count, size_t dim, size_t padded_dim, uint8_t *blocks,
                      float *scales) {
    for (size_t row = 0; row < count; row++) {
        const float *v = rows + row * dim;
        float largest = 0;
        for (size_t c = 0; c < dim; c++) {
            const float a = fabsf(v[c]);
            largest = a > largest ? a : largest;
        }
        scales[row] = 0;
        if (!(largest > 0)) continue;
        const float scale = largest / 127;
        scales[row] = scale;
        // Rounded in a loop the compiler vectorises (half away from zero), then moved 4 at a time.
        uint8_t packed[4096];
        for (size_t c = 0; c < dim; c++) {
            const float x = v[c] / scale, t = (float)(int)x;  // |x| <= 127: the cast truncates exactly
            float q = x - t >= 0.5f ? t + 1 : x - t <= -0.5f ? t - 1 : t;
            q = q < -127 ? -127 : q > 127 ? 127 : q;
            packed[c] = (uint8_t)((int)q + 128);
        }
        for (size_t c = dim; c < (dim + 3) / 4 * 4; c++) packed[c] = 128;
        uint8_t *block = blocks + row / 16 * 16 * padded_dim + row % 16 * 4;
        for (size_t c = 0; c < dim; c += 4) memcpy(block + c / 4 * 64, packed + c, 4);
    }
}

// The r-th largest of every `step`-th score (a min-heap of the r largest in `heap`), or -infinity when
// the sample has fewer than r.
static float sampled_threshold(const float *scores, size_t n, size_t step, size_t r, float *heap) {
    size_t held = 0;
    for (size_t i = 0; i < n; i += step) {
        const float v = scores[i];
        if (held < r) {
            size_t c = held++;
            while (c > 0 && heap[(c - 1) / 2] > v) {
                heap[c] = heap[(c - 1) / 2];
                c = (c - 1) / 2;
            }
            heap[c] = v;
        } else if (v > heap[0]) {
            size_t p = 0;
            for (;;) {
                const size_t l = 2 * p + 1;
                if (l >= held) break;
                const size_t m = l + 1 < held && heap[l + 1] < heap[l] ? l + 1 : l;
                if (heap[m] >= v) break;
                heap[p] = heap[m];
                p = m;
            }
            heap[p] = v;
        }
    }
    return held < r ? -__builtin_inff() : heap[0];
}

// Writes the indices of scores >= threshold, increasing; returns their count. Blocks of 16 without
// one are passed over by one vectorised comparison.
static size_t at_least(const float *scores, size_t n, float threshold, int32_t *out) {
    size_t found = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        int any = 0;
        for (size_t j = 0; j < 16; j++) any |= scores[i + j] >= threshold;
        if (!any) continue;
        for (size_t j = 0; j < 16; j++) {
            out[found] = (int32_t)(i + j);
            found += scores[i + j] >= threshold;
        }
    }
    for (; i < n; i++) {
        out[found] = (int32_t)i;
        found += scores[i] >= threshold;
    }
    return found;
}

size_t clever_scan_candidates(const float *scores, size_t n, size_t m, int32_t *out) {
    enum { step = 8 };
    // The sample's r-th largest leaves about step * r scores above it; the margin of two standard
    // deviations makes that fewer than m rarely, and then r doubles.
    size_t r = m / step + 2 * (size_t)__builtin_sqrt((double)(m / step)) + 2;
    float *heap = r * step < n ? malloc(sizeof(float) * (n / step + 1)) : NULL;
    for (;;) {
        const float threshold = heap && r * step < n ? sampled_threshold(scores, n, step, r, heap) : -__builtin_inff();
        const size_t found = at_least(scores, n, threshold, out);
        if (found >= m || threshold == -__builtin_inff()) {
            free(heap);
            return found;
        }
        r *= 2;
    }
}
