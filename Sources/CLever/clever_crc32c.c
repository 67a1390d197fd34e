// CRC-32C: hardware (SSE4.2, chosen at run time) with a portable slicing-by-8 fallback.
#include "clever_crc32c.h"
#include <pthread.h>
#include <string.h>

#define POLY 0x82F63B78u /* Castagnoli, reflected */

static uint32_t table[8][256];

static void build_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? POLY ^ (c >> 1) : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++) table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xFF];
}

static uint32_t portable(uint32_t c, const unsigned char *p, size_t n) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_table);
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        c = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24]
            ^ table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^ table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--) c = table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

/* One stream of 8-byte steps (the instruction has a 3-cycle latency): several GB/s, well above
 * what reading a model from the page cache costs. */
__attribute__((target("sse4.2")))
static uint32_t hardware(uint32_t c, const unsigned char *p, size_t n) {
    uint64_t c64 = c;
    while (n > 0 && ((uintptr_t)p & 7) != 0) { c64 = _mm_crc32_u8((uint32_t)c64, *p++); n--; }
    while (n >= 32) {
        uint64_t a, b, d, e;
        memcpy(&a, p, 8); memcpy(&b, p + 8, 8); memcpy(&d, p + 16, 8); memcpy(&e, p + 24, 8);
        c64 = _mm_crc32_u64(c64, a);
        c64 = _mm_crc32_u64(c64, b);
        c64 = _mm_crc32_u64(c64, d);
        c64 = _mm_crc32_u64(c64, e);
        p += 32;
        n -= 32;
    }
    while (n >= 8) { uint64_t a; memcpy(&a, p, 8); c64 = _mm_crc32_u64(c64, a); p += 8; n -= 8; }
    while (n--) c64 = _mm_crc32_u8((uint32_t)c64, *p++);
    return (uint32_t)c64;
}

static int has_sse42(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#endif

uint32_t clever_crc32c(const void *data, size_t n) {
#if defined(__x86_64__)
    static int hw = -1;
    int use = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (use < 0) {
        use = has_sse42();
        __atomic_store_n(&hw, use, __ATOMIC_RELAXED);
    }
    if (use) return hardware(0xFFFFFFFFu, (const unsigned char *)data, n) ^ 0xFFFFFFFFu;
#endif
    return portable(0xFFFFFFFFu, (const unsigned char *)data, n) ^ 0xFFFFFFFFu;
}

uint32_t clever_crc32c_portable(const void *data, size_t n) {
    return portable(0xFFFFFFFFu, (const unsigned char *)data, n) ^ 0xFFFFFFFFu;
}
