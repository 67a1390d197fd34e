// NaN/infinity scans at memory speed: a branch-free (vectorised) pass per block, then a search in
// the block that has one.
#include "clever_finite.h"
#include <string.h>

enum { BLOCK = 4096 };

size_t clever_first_nonfinite_f32(const float *values, size_t n) {
    const unsigned char *p = (const unsigned char *)values;
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t end = n - start < BLOCK ? n : start + BLOCK;
        uint32_t any = 0;
        for (size_t i = start; i < end; i++) {
            uint32_t v;
            memcpy(&v, p + 4 * i, 4);
            any |= (v & 0x7F800000u) == 0x7F800000u;
        }
        if (any) {
            for (size_t i = start; i < end; i++) {
                uint32_t v;
                memcpy(&v, p + 4 * i, 4);
                if ((v & 0x7F800000u) == 0x7F800000u) return i;
            }
        }
    }
    return n;
}

size_t clever_first_nonfinite_f16(const uint16_t *bits, size_t n) {
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t end = n - start < BLOCK ? n : start + BLOCK;
        uint16_t any = 0;
        for (size_t i = start; i < end; i++) any |= (uint16_t)((bits[i] & 0x7C00u) == 0x7C00u);
        if (any) {
            for (size_t i = start; i < end; i++) if ((bits[i] & 0x7C00u) == 0x7C00u) return i;
        }
    }
    return n;
}
