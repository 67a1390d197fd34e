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

/* The crc32 instruction has a 3-cycle latency and a 1-cycle throughput, so three streams over three
 * consecutive blocks run about three times as fast as one; the block CRCs are then joined by
 * "shifting" a CRC over a block of zeros (a linear operator, applied with four byte tables), as in
 * Mark Adler's crc32c.c. */
enum { LONG_BLOCK = 8192, SHORT_BLOCK = 256 };
static uint32_t long_shift[4][256], short_shift[4][256];

static uint32_t gf2_times(const uint32_t *mat, uint32_t vec) {
    uint32_t sum = 0;
    for (; vec; vec >>= 1, mat++) if (vec & 1) sum ^= *mat;
    return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat) {
    for (int n = 0; n < 32; n++) square[n] = gf2_times(mat, mat[n]);
}

/* The tables of the operator that appends `len` zero bytes (a power of two) to a CRC. */
static void build_shift(uint32_t shift[4][256], size_t len) {
    uint32_t odd[32], even[32], row = 1, *op;
    odd[0] = POLY; /* one zero bit */
    for (int n = 1; n < 32; n++) { odd[n] = row; row <<= 1; }
    gf2_square(even, odd); /* two zero bits */
    gf2_square(odd, even); /* four */
    for (;;) {             /* eight (one byte), then doubling while len halves */
        gf2_square(even, odd);
        len >>= 1;
        if (len == 0) { op = even; break; }
        gf2_square(odd, even);
        len >>= 1;
        if (len == 0) { op = odd; break; }
    }
    for (uint32_t n = 0; n < 256; n++) {
        shift[0][n] = gf2_times(op, n);
        shift[1][n] = gf2_times(op, n << 8);
        shift[2][n] = gf2_times(op, n << 16);
        shift[3][n] = gf2_times(op, n << 24);
    }
}

static void build_shifts(void) {
    build_shift(long_shift, LONG_BLOCK);
    build_shift(short_shift, SHORT_BLOCK);
}

static uint64_t shifted(uint32_t shift[4][256], uint64_t crc) {
    return shift[0][crc & 0xFF] ^ shift[1][(crc >> 8) & 0xFF] ^ shift[2][(crc >> 16) & 0xFF]
        ^ shift[3][(crc >> 24) & 0xFF];
}

static uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Three streams over blocks of `block` bytes while 3 blocks remain; returns the joined CRC. */
__attribute__((target("sse4.2")))
static uint64_t three_streams(uint64_t c0, const unsigned char **p, size_t *n, size_t block, uint32_t shift[4][256]) {
    while (*n >= 3 * block) {
        uint64_t c1 = 0, c2 = 0;
        const unsigned char *q = *p, *end = *p + block;
        for (; q < end; q += 8) {
            c0 = _mm_crc32_u64(c0, load64(q));
            c1 = _mm_crc32_u64(c1, load64(q + block));
            c2 = _mm_crc32_u64(c2, load64(q + 2 * block));
        }
        c0 = shifted(shift, c0) ^ c1;
        c0 = shifted(shift, c0) ^ c2;
        *p += 3 * block;
        *n -= 3 * block;
    }
    return c0;
}

__attribute__((target("sse4.2")))
static uint32_t hardware(uint32_t c, const unsigned char *p, size_t n) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    uint64_t c64 = c;
    pthread_once(&once, build_shifts);
    while (n > 0 && ((uintptr_t)p & 7) != 0) { c64 = _mm_crc32_u8((uint32_t)c64, *p++); n--; }
    c64 = three_streams(c64, &p, &n, LONG_BLOCK, long_shift);
    c64 = three_streams(c64, &p, &n, SHORT_BLOCK, short_shift);
    for (; n >= 8; p += 8, n -= 8) c64 = _mm_crc32_u64(c64, load64(p));
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
