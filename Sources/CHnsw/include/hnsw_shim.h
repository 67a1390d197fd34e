#ifndef LEVER_HNSW_SHIM_H
#define LEVER_HNSW_SHIM_H
/* A thin C layer over hnswlib (Debian's libhnswlib-dev, header-only): an HNSW graph over
 * unit-length float vectors, scored by inner product. Internal to liblever.so (not exported).
 *
 * Item ids are 0, 1, 2, ... in the order items are added. Every function catches all C++ exceptions
 * and returns a status; on failure `chnsw_last_error()` names what went wrong (thread-local, valid
 * until the next chnsw call on the same thread). An index may be searched from any number of threads
 * at once; adding items needs exclusive access.
 *
 * The graph holds its items as half floats and walks them with half-float inner products (the query
 * rounded to halves too); the k best found are rescored from the caller's float vectors (the ones
 * the graph was built over, passed to each search, not copied), so the scores returned are float
 * inner products (clever_dot), as exact search would give. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chnsw_index chnsw_index;

enum {
    CHNSW_OK = 0,
    CHNSW_INVALID = 1,   /* an argument is out of range */
    CHNSW_CORRUPT = 2,   /* serialised bytes that are truncated or inconsistent */
    CHNSW_NO_MEMORY = 3,
    CHNSW_INTERNAL = 4,
};

/* The largest M (links per item above level 0; 2 x M at level 0) an index may have. */
#define CHNSW_MAX_M 256
/* The highest level a serialised item may have. */
#define CHNSW_MAX_LEVEL 64

/* An empty index for vectors of `dim` floats with room for `capacity` items (it grows as needed).
 * Levels are drawn from `seed`. */
int chnsw_create(size_t dim, size_t capacity, size_t m, size_t ef_construction, uint64_t seed,
                 chnsw_index **out);

/* Adds `count` items (count x dim floats, narrowed into the graph's half floats) with the next ids,
 * using `threads` threads.
 * With one thread the graph depends only on the vectors, the settings and the seed; with more it
 * also depends on the order in which the threads happen to insert. */
int chnsw_add(chnsw_index *index, const float *vectors, size_t count, int threads);

size_t chnsw_count(const chnsw_index *index);
size_t chnsw_m(const chnsw_index *index);

/* For each of `n` queries (n x dim floats): up to `k` item ids and inner products, best first (ties:
 * lower id first), searched with a candidate list of max(ef, k). `items` holds `item_count` x dim
 * floats, the vectors the graph's items were added from, in id order, which rescore the k best;
 * item_count must be at least chnsw_count(index). ids and scores hold n x k entries; found[i] is how
 * many of query i's k slots are filled. Uses `threads` threads. */
int chnsw_search(const chnsw_index *index, const float *items, size_t item_count, const float *queries, size_t n,
                 size_t k, size_t ef, int threads, int32_t *ids, float *scores, size_t *found);
/* For tests: whether later adds and searches walk the layers with hnswlib's own loops (searchBaseLayer,
 * searchBaseLayerST) instead of the shim's, which fetch neighbours' vectors ahead but must take the same
 * candidates and so build the same graph (one thread) and return the same lists. Off by default. */
void chnsw_use_hnswlib_loops(chnsw_index *index, int on);

/* The graph's serialised size in bytes, and the bytes themselves (little-endian; the vectors are not
 * included: loading takes them from the caller). `size` must be chnsw_serialized_size(index). */
size_t chnsw_serialized_size(const chnsw_index *index);
int chnsw_serialize(const chnsw_index *index, uint8_t *buffer, size_t size);

/* An index from serialised bytes over `count` vectors of `dim` floats (narrowed into halves), which
 * must be the vectors the graph was built over, in id order. Every field is checked: bad bytes give
 * CHNSW_CORRUPT, and what is allocated is bounded by `count` and `size`. `seed` seeds later adds. */
int chnsw_load(const uint8_t *bytes, size_t size, const float *vectors, size_t count, size_t dim, uint64_t seed,
               chnsw_index **out);

/* About the bytes an index of `count` items of `dim` floats with this M takes (for memory checks). */
size_t chnsw_memory(size_t count, size_t dim, size_t m);
/* The same for the index that chnsw_load would make from these bytes over `count` vectors of `dim`
 * floats, with the M their header gives (clamped to its allowed range; the smallest M when the header
 * is truncated). Upper layers add at most a small multiple of `size`. */
size_t chnsw_graph_memory(const uint8_t *bytes, size_t size, size_t count, size_t dim);

void chnsw_free(chnsw_index *index);

const char *chnsw_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
