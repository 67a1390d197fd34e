// The int8 first pass of a top-k search over unit vectors (`Index/QuantizedScan.swift`): scores of one
// query against rows stored as bytes in blocks of 16, and the rows whose scores are among the best.
// Hidden: not part of the ABI.
#ifndef CLEVER_SCAN_H
#define CLEVER_SCAN_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

/// The largest magnitude of a query value: with it, two products of a stored byte (0...255) and a
/// query value fit the 16-bit sums of AVX2's byte multiply (255 * 63 * 2 < 32768).
#define CLEVER_SCAN_QUERY_MAX 63

/// out[16 b + l] = scales[16 b + l] * (float)sum_j (row_j - 128) * query[j] for row l of block b, for
/// `blocks` blocks. The sums are exact 32-bit integers, converted and multiplied once, so every CPU
/// gives the same numbers (AVX2 when the CPU has it). Block b holds 16 rows of `dim` bytes (each value
/// + 128, as unsigned bytes), interleaved by groups of 4: group g is 64 bytes, row l's values 4g...4g+3
/// at bytes 4l...4l+3. `dim` is a multiple of 8 and at most 4096; query values lie in
/// -CLEVER_SCAN_QUERY_MAX...CLEVER_SCAN_QUERY_MAX; `scales` has 16 * blocks entries.
CLEVER_HIDDEN void clever_scan_blocks(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim,
                                      const float *scales, float *out);
/// The same scores without SIMD: what CPUs without AVX2 run (called directly by the tests, which check
/// that both give the same results).
CLEVER_HIDDEN void clever_scan_blocks_portable(const uint8_t *rows, const int8_t *query, size_t blocks, size_t dim,
                                               const float *scales, float *out);

/// Packs `count` rows of `dim` floats (finite; dim at most 4096) into the block layout of clever_scan_blocks
/// with `padded_dim` (a multiple of 8, at least dim) values a row: each row as value / scale rounded half
/// away from zero within ±127, scale =
/// its largest magnitude / 127 (0 for a zero row, stored as zeros), written to scales[row]. `blocks`
/// holds ceil(count / 16) * 16 * padded_dim bytes and starts as 128s (zeros).
CLEVER_HIDDEN void clever_scan_pack(const float *rows, size_t count, size_t dim, size_t padded_dim, uint8_t *blocks,
                                    float *scales);
/// Writes to `out` (room for n) the indices i < n, increasing, of the scores at least as high as a
/// threshold that at least m of them reach (all n when there are not m, or memory runs out), and
/// returns their count: a superset of the m best, about 1.4 m of them for m in the hundreds. The
/// threshold is the matching rank of every 8th score, lowered until m scores reach it. Scores are
/// not NaN.
CLEVER_HIDDEN size_t clever_scan_candidates(const float *scores, size_t n, size_t m, int32_t *out);
#endif
