// The C layer over hnswlib's HierarchicalNSW (see include/hnsw_shim.h). Insertion and search are
// written here over hnswlib's public members, so that levels are drawn in id order from our own
// generator (hnswlib draws them unsynchronised inside addPoint) and the search's candidate list
// size is an argument (hnswlib keeps it as a member, which concurrent searches would share).
#include "hnsw_shim.h"

#include <hnswlib/hnswlib.h>
#include <xmmintrin.h>
#include "clever_half.h"
#include "clever_vector.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Graph = hnswlib::HierarchicalNSW<float>;
using hnswlib::tableint;
using hnswlib::linklistsizeint;

constexpr uint32_t formatVersion = 1;
// version, count (u64), dim, m, ef_construction, max_level, entry point
constexpr size_t headerBytes = 4 + 8 + 4 * 5;

// hnswlib's searchBaseLayer prefetches one link past a list's end: upper-level lists get that much
// slack (hnswlib's own addPoint allocates a single byte, which AddressSanitizer reports).
constexpr size_t linkSlack = sizeof(tableint);

thread_local char lastError[512];

int fail(int status, const char *message) {
    std::snprintf(lastError, sizeof lastError, "%s", message);
    return status;
}

// Runs `body`, turning every exception into a status.
template <typename Body> int guarded(Body body) {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        return fail(CHNSW_NO_MEMORY, "out of memory");
    } catch (const std::exception &e) {
        // hnswlib reports failed allocations as runtime_error("Not enough memory...").
        return fail(std::strstr(e.what(), "memory") != nullptr ? CHNSW_NO_MEMORY : CHNSW_INTERNAL, e.what());
    } catch (...) {
        return fail(CHNSW_INTERNAL, "unknown C++ exception");
    }
}

// Runs body(i) for i in [0, count) on `threads` threads; the first exception is rethrown.
template <typename Body> void parallelFor(size_t count, int threads, Body body) {
    size_t workers = std::min(static_cast<size_t>(std::max(threads, 1)), count);
    if (workers <= 1) {
        for (size_t i = 0; i < count; i++) body(i);
        return;
    }
    std::atomic<size_t> next(0);
    std::atomic<bool> failed(false);
    std::exception_ptr error;
    std::mutex errorLock;
    auto work = [&]() {
        for (size_t i = next++; i < count && !failed; i = next++) {
            try {
                body(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(errorLock);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < workers; t++) pool.emplace_back(work);
    work();
    for (auto &t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

// Level draws: splitmix64, so a seed gives the same levels on every platform.
struct LevelSource {
    uint64_t state;
    int next(double mult) {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        double u = (static_cast<double>(z >> 11) + 1) * 0x1.0p-53;  // (0, 1]
        return std::min(static_cast<int>(-std::log(u) * mult), CHNSW_MAX_LEVEL);
    }
};

// hnswlib's inner-product distance, 1 - a.b, over the half floats the graph stores. Walking the graph
// reads a vector from memory at nearly every step, and halves are half the bytes; the few best found
// are rescored from the caller's float vectors. clever_dot_half is chosen per CPU at load time (F16C where there
// is one) and gives the same sums on every CPU, so a graph does not depend on the machine that built it.
float halfDistance(const void *a, const void *b, const void *dim) {
    return 1.0f - clever_dot_half(static_cast<const uint16_t *>(a), static_cast<const uint16_t *>(b),
                                  *static_cast<const size_t *>(dim));
}

// Unit vectors stored as half floats and scored by inner product, for hnswlib.
class HalfDotSpace : public hnswlib::SpaceInterface<float> {
    size_t dim_;

  public:
    explicit HalfDotSpace(size_t dim) : dim_(dim) {}
    size_t get_data_size() override { return dim_ * sizeof(uint16_t); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return halfDistance; }
    void *get_dist_func_param() override { return &dim_; }
};

}  // namespace

struct chnsw_index {
    size_t dim;
    HalfDotSpace space;
    std::unique_ptr<Graph> graph;
    LevelSource levels;
    bool hnswlibLoops = false;  // walk layers with hnswlib's own loops (chnsw_use_hnswlib_loops, for tests)

    chnsw_index(size_t dim, size_t capacity, size_t m, size_t efConstruction, uint64_t seed)
        : dim(dim), space(dim), graph(new Graph(&space, capacity, m, efConstruction, seed)), levels{seed} {}

    // hnswlib's addPoint for a new item `id` (already counted) at `level`, without its label
    // bookkeeping and random level.
    void insert(tableint id, int level, const float *point) {
        Graph &g = *graph;
        std::unique_lock<std::mutex> own(g.link_list_locks_[id]);
        std::memset(g.data_level0_memory_ + id * g.size_data_per_element_ + g.offsetLevel0_, 0,
                    g.size_data_per_element_);
        hnswlib::labeltype label = id;
        std::memcpy(g.getExternalLabeLp(id), &label, sizeof label);
        clever_narrow_half(reinterpret_cast<uint16_t *>(g.getDataByInternalId(id)), point, dim);
        const void *stored = g.getDataByInternalId(id);
        if (level > 0) {
            size_t bytes = g.size_links_per_element_ * level + linkSlack;
            g.linkLists_[id] = static_cast<char *>(std::malloc(bytes));
            if (g.linkLists_[id] == nullptr) throw std::bad_alloc();
            std::memset(g.linkLists_[id], 0, bytes);
        }
        g.element_levels_[id] = level;

        std::unique_lock<std::mutex> top(g.global);
        int maxLevel = g.maxlevel_;
        if (level <= maxLevel) top.unlock();
        tableint current = g.enterpoint_node_;
        if (maxLevel >= 0) {
            float best = g.fstdistfunc_(stored, g.getDataByInternalId(current), g.dist_func_param_);
            for (int l = maxLevel; l > level; l--) current = greedy(current, stored, l, best, true);
            for (int l = std::min(level, maxLevel); l >= 0; l--) {
                Ranked candidates = hnswlibLoops ? g.searchBaseLayer(current, stored, l)
                                                : walk<true>(current, stored, g.ef_construction_, l);
                current = g.mutuallyConnectNewElement(stored, id, candidates, l, false);
            }
        }
        if (level > maxLevel) {
            g.enterpoint_node_ = id;
            g.maxlevel_ = level;
        }
    }

    // Moves from `current` to its closest neighbour at `level` while that is closer.
    tableint greedy(tableint current, const void *point, int level, float &best, bool lock) const {
        const Graph &g = *graph;
        for (bool changed = true; changed;) {
            changed = false;
            std::unique_lock<std::mutex> guard;
            if (lock) guard = std::unique_lock<std::mutex>(graph->link_list_locks_[current]);
            linklistsizeint *list = g.get_linklist(current, level);
            int size = g.getListCount(list);
            const tableint *links = reinterpret_cast<const tableint *>(list + 1);
            for (int i = 0; i < size; i++) {
                float d = g.fstdistfunc_(point, g.getDataByInternalId(links[i]), g.dist_func_param_);
                if (d < best) {
                    best = d;
                    current = links[i];
                    changed = true;
                }
            }
        }
        return current;
    }

    using Ranked = std::priority_queue<std::pair<float, tableint>, std::vector<std::pair<float, tableint>>,
                                       Graph::CompareByFirst>;

    // Asks the memory system for the cache lines of an item's stored vector (which starts anywhere in
    // a line: level 0 keeps links, vector and label together).
    void fetchVector(tableint id) const {
        const Graph &g = *graph;
        const char *v = g.data_level0_memory_ + id * g.size_data_per_element_ + g.offsetData_;
        size_t bytes = g.data_size_;
        for (size_t at = 0; at < bytes; at += 64) _mm_prefetch(v + at, _MM_HINT_T0);
        _mm_prefetch(v + bytes - 1, _MM_HINT_T0);
    }

    // hnswlib's walk of one layer towards `query`, keeping the `ef` closest items found: its
    // searchBaseLayerST when searching (level 0, no locks) and its searchBaseLayer when building
    // (each node's links read under the node's lock; it stops only once it holds `ef` items). The same
    // candidates are taken in the same order and the same list comes out (no item is ever deleted),
    // but a node's unvisited neighbours are found first and their whole vectors fetched `fetchAhead`
    // neighbours before they are scored. hnswlib fetches the first line of the next one only, and an
    // item's half-float vector spans four or five lines (128 dimensions): at a million items, where
    // nearly every step misses the cache, the walk waited on memory most of its time.
    template <bool building> Ranked walk(tableint entry, const void *query, size_t ef, int layer) const {
        constexpr size_t fetchAhead = 4;
        const Graph &g = *graph;
        hnswlib::VisitedList *visits = g.visited_list_pool_->getFreeVisitedList();
        hnswlib::vl_type *visited = visits->mass;
        hnswlib::vl_type tag = visits->curV;
        Ranked top, candidates;
        float first = g.fstdistfunc_(query, g.getDataByInternalId(entry), g.dist_func_param_);
        float bound = first;
        top.emplace(first, entry);
        candidates.emplace(-first, entry);
        visited[entry] = tag;
        thread_local std::vector<tableint> fresh;  // kept per thread: no allocation per walk
        fresh.resize(std::max(g.maxM0_, g.maxM_) + 1);
        while (!candidates.empty()) {
            std::pair<float, tableint> current = candidates.top();
            if (-current.first > bound && (!building || top.size() == ef)) break;
            candidates.pop();
            size_t n = 0;
            {
                std::unique_lock<std::mutex> guard;
                if (building) guard = std::unique_lock<std::mutex>(graph->link_list_locks_[current.second]);
                linklistsizeint *list = layer == 0 ? g.get_linklist0(current.second)
                                                   : g.get_linklist(current.second, layer);
                size_t size = g.getListCount(list);
                const tableint *links = reinterpret_cast<const tableint *>(list + 1);
                for (size_t j = 0; j < size; j++) {
                    _mm_prefetch(reinterpret_cast<const char *>(visited + links[j]), _MM_HINT_T0);
                }
                for (size_t j = 0; j < size; j++) {
                    tableint id = links[j];
                    if (visited[id] == tag) continue;
                    visited[id] = tag;
                    fresh[n++] = id;
                }
            }
            for (size_t j = 0; j < std::min(n, fetchAhead); j++) fetchVector(fresh[j]);
            for (size_t j = 0; j < n; j++) {
                if (j + fetchAhead < n) fetchVector(fresh[j + fetchAhead]);
                tableint id = fresh[j];
                float d = g.fstdistfunc_(query, g.getDataByInternalId(id), g.dist_func_param_);
                if (top.size() < ef || bound > d) {
                    candidates.emplace(-d, id);
                    _mm_prefetch(g.data_level0_memory_ + candidates.top().second * g.size_data_per_element_
                                 + g.offsetLevel0_, _MM_HINT_T0);
                    top.emplace(d, id);
                    if (top.size() > ef) top.pop();
                    if (!top.empty()) bound = top.top().first;
                }
            }
        }
        g.visited_list_pool_->releaseVisitedList(visits);
        return top;
    }

    size_t search(const float *items, const float *query, size_t k, size_t ef, int32_t *ids, float *scores) const {
        const Graph &g = *graph;
        if (g.cur_element_count == 0 || k == 0) return 0;
        thread_local std::vector<uint16_t> half;  // the query in halves, kept per thread
        half.resize(dim);
        clever_narrow_half(half.data(), query, dim);
        tableint current = g.enterpoint_node_;
        float best = g.fstdistfunc_(half.data(), g.getDataByInternalId(current), g.dist_func_param_);
        for (int l = g.maxlevel_; l > 0; l--) current = greedy(current, half.data(), l, best, false);
        Ranked found = hnswlibLoops ? g.searchBaseLayerST<false, false>(current, half.data(), std::max(ef, k))
                                   : walk<false>(current, half.data(), std::max(ef, k), 0);
        while (found.size() > k) found.pop();
        std::vector<std::pair<float, tableint>> hits;
        hits.reserve(found.size());
        for (; !found.empty(); found.pop()) {
            tableint id = found.top().second;
            hits.emplace_back(clever_dot(query, items + static_cast<size_t>(id) * dim, dim), id);
        }
        using Hit = std::pair<float, tableint>;
        std::sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
            return a.first > b.first || (a.first == b.first && a.second < b.second);
        });
        for (size_t i = 0; i < hits.size(); i++) {
            ids[i] = static_cast<int32_t>(hits[i].second);
            scores[i] = hits[i].first;
        }
        return hits.size();
    }
};

namespace {

// Little-endian writer and bounds-checked reader of the serialised graph.
struct Writer {
    uint8_t *at;
    void u8(uint8_t v) { *at++ = v; }
    void u32(uint32_t v) { for (int i = 0; i < 4; i++) *at++ = static_cast<uint8_t>(v >> (8 * i)); }
    void u64(uint64_t v) { for (int i = 0; i < 8; i++) *at++ = static_cast<uint8_t>(v >> (8 * i)); }
};

struct Reader {
    const uint8_t *at;
    const uint8_t *end;
    bool take(size_t n) { return static_cast<size_t>(end - at) >= n; }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(at[i]) << (8 * i);
        at += 4;
        return v;
    }
    uint64_t u64() {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(at[i]) << (8 * i);
        at += 8;
        return v;
    }
};

linklistsizeint *linkList(const Graph &g, tableint id, int level) {
    return level == 0 ? g.get_linklist0(id) : g.get_linklist(id, level);
}

// Item ids in serialised order are ids as added: addition order fixed each item's id.
size_t serializedSize(const Graph &g) {
    size_t n = g.cur_element_count;
    size_t bytes = headerBytes + n;
    for (tableint i = 0; i < n; i++) {
        for (int l = 0; l <= g.element_levels_[i]; l++) bytes += 4 + 4 * g.getListCount(linkList(g, i, l));
    }
    return bytes;
}

// Checks the bytes and fills `g` (created with capacity `count`) from them.
int loadGraph(Graph &g, Reader r, const float *vectors, size_t count, size_t dim) {
    std::vector<int> levels(count);
    const uint8_t *levelBytes = r.at;
    r.at += count;
    for (size_t i = 0; i < count; i++) levels[i] = levelBytes[i];
    for (size_t i = 0; i < count; i++) {
        if (levels[i] > g.maxlevel_) return fail(CHNSW_CORRUPT, "an item's level is above the graph's top level");
    }
    if (levels[g.enterpoint_node_] != g.maxlevel_) {
        return fail(CHNSW_CORRUPT, "the entry point is not on the top level");
    }
    // Each level of each item takes at least its 4-byte link count: check that before allocating.
    size_t minimum = 0;
    for (size_t i = 0; i < count; i++) minimum += 4 * (static_cast<size_t>(levels[i]) + 1);
    if (!r.take(minimum)) return fail(CHNSW_CORRUPT, "the link lists are truncated");
    for (size_t i = 0; i < count; i++) {
        tableint id = static_cast<tableint>(i);
        std::memset(g.data_level0_memory_ + i * g.size_data_per_element_, 0, g.size_data_per_element_);
        hnswlib::labeltype label = i;
        std::memcpy(g.getExternalLabeLp(id), &label, sizeof label);
        clever_narrow_half(reinterpret_cast<uint16_t *>(g.getDataByInternalId(id)), vectors + i * dim, dim);
        if (levels[i] > 0) {
            size_t bytes = g.size_links_per_element_ * levels[i] + linkSlack;
            g.linkLists_[i] = static_cast<char *>(std::malloc(bytes));
            if (g.linkLists_[i] == nullptr) throw std::bad_alloc();
            std::memset(g.linkLists_[i], 0, bytes);
        }
        g.element_levels_[i] = levels[i];
        g.cur_element_count = i + 1;  // the destructor frees what is counted
        for (int l = 0; l <= levels[i]; l++) {
            if (!r.take(4)) return fail(CHNSW_CORRUPT, "the link lists are truncated");
            uint32_t n = r.u32();
            if (n > (l == 0 ? g.maxM0_ : g.maxM_)) return fail(CHNSW_CORRUPT, "an item has too many links");
            if (!r.take(4 * static_cast<size_t>(n))) return fail(CHNSW_CORRUPT, "the link lists are truncated");
            linklistsizeint *list = linkList(g, id, l);
            tableint *links = reinterpret_cast<tableint *>(list + 1);
            for (uint32_t j = 0; j < n; j++) {
                uint32_t other = r.u32();
                if (other >= count) return fail(CHNSW_CORRUPT, "a link names an item out of range");
                if (levels[other] < l) return fail(CHNSW_CORRUPT, "a link names an item below the link's level");
                links[j] = other;
            }
            g.setListCount(list, static_cast<unsigned short>(n));
        }
    }
    if (r.at != r.end) return fail(CHNSW_CORRUPT, "unexpected bytes after the link lists");
    for (size_t i = 0; i < count; i++) g.label_lookup_[i] = static_cast<tableint>(i);
    return CHNSW_OK;
}

}  // namespace

extern "C" {

int chnsw_create(size_t dim, size_t capacity, size_t m, size_t ef_construction, uint64_t seed,
                 chnsw_index **out) {
    if (out == nullptr) return fail(CHNSW_INVALID, "out is NULL");
    *out = nullptr;
    if (dim == 0 || dim > (1u << 20)) return fail(CHNSW_INVALID, "dim must be in 1...1048576");
    if (m < 2 || m > CHNSW_MAX_M) return fail(CHNSW_INVALID, "m must be in 2...256");
    if (ef_construction < 1 || ef_construction > 100000) {
        return fail(CHNSW_INVALID, "ef_construction must be in 1...100000");
    }
    if (capacity > INT32_MAX) return fail(CHNSW_INVALID, "capacity exceeds 2^31 - 1 items");
    return guarded([&]() -> int {
        *out = new chnsw_index(dim, std::max<size_t>(capacity, 1), m, ef_construction, seed);
        return CHNSW_OK;
    });
}

int chnsw_add(chnsw_index *index, const float *vectors, size_t count, int threads) {
    if (index == nullptr) return fail(CHNSW_INVALID, "index is NULL");
    if (count == 0) return CHNSW_OK;
    if (vectors == nullptr) return fail(CHNSW_INVALID, "vectors is NULL");
    Graph &g = *index->graph;
    size_t first = g.cur_element_count;
    if (count > static_cast<size_t>(INT32_MAX) - first) return fail(CHNSW_INVALID, "more than 2^31 - 1 items");
    return guarded([&]() -> int {
        if (first + count > g.max_elements_) g.resizeIndex(first + count);
        std::vector<int> levels(count);
        for (auto &l : levels) l = index->levels.next(g.mult_);
        for (size_t i = 0; i < count; i++) g.label_lookup_[first + i] = static_cast<tableint>(first + i);
        size_t dim = index->dim;
        // The first item of an empty graph is inserted alone: the others need an entry point.
        size_t alone = first == 0 ? 1 : 0;
        try {
            g.cur_element_count = first + alone;
            if (alone) index->insert(0, levels[0], vectors);
            g.cur_element_count = first + count;
            parallelFor(count - alone, threads, [&](size_t i) {
                size_t k = i + alone;
                index->insert(static_cast<tableint>(first + k), levels[k], vectors + k * dim);
            });
        } catch (...) {
            // Items not inserted must not reach the destructor's bookkeeping.
            g.cur_element_count = first;
            throw;
        }
        return CHNSW_OK;
    });
}

size_t chnsw_count(const chnsw_index *index) { return index == nullptr ? 0 : index->graph->cur_element_count; }

size_t chnsw_m(const chnsw_index *index) { return index == nullptr ? 0 : index->graph->M_; }

int chnsw_search(const chnsw_index *index, const float *items, size_t item_count, const float *queries, size_t n,
                 size_t k, size_t ef, int threads, int32_t *ids, float *scores, size_t *found) {
    if (index == nullptr) return fail(CHNSW_INVALID, "index is NULL");
    if (item_count < index->graph->cur_element_count) return fail(CHNSW_INVALID, "fewer items than the graph holds");
    if (n == 0) return CHNSW_OK;
    if (items == nullptr || queries == nullptr || ids == nullptr || scores == nullptr || found == nullptr) {
        return fail(CHNSW_INVALID, "an array argument is NULL");
    }
    if (k > INT32_MAX || ef > INT32_MAX) return fail(CHNSW_INVALID, "k or ef is too large");
    size_t dim = index->dim;
    return guarded([&]() -> int {
        parallelFor(n, threads, [&](size_t i) {
            found[i] = index->search(items, queries + i * dim, k, ef, ids + i * k, scores + i * k);
        });
        return CHNSW_OK;
    });
}

void chnsw_use_hnswlib_loops(chnsw_index *index, int on) {
    if (index != nullptr) index->hnswlibLoops = on != 0;
}

size_t chnsw_serialized_size(const chnsw_index *index) {
    return index == nullptr ? 0 : serializedSize(*index->graph);
}

int chnsw_serialize(const chnsw_index *index, uint8_t *buffer, size_t size) {
    if (index == nullptr || buffer == nullptr) return fail(CHNSW_INVALID, "index or buffer is NULL");
    const Graph &g = *index->graph;
    if (size != serializedSize(g)) return fail(CHNSW_INVALID, "size is not the serialised size");
    size_t n = g.cur_element_count;
    Writer w{buffer};
    w.u32(formatVersion);
    w.u64(n);
    w.u32(static_cast<uint32_t>(index->dim));
    w.u32(static_cast<uint32_t>(g.M_));
    w.u32(static_cast<uint32_t>(g.ef_construction_));
    w.u32(static_cast<uint32_t>(g.maxlevel_));
    w.u32(g.enterpoint_node_);
    for (size_t i = 0; i < n; i++) w.u8(static_cast<uint8_t>(g.element_levels_[i]));
    for (tableint i = 0; i < n; i++) {
        for (int l = 0; l <= g.element_levels_[i]; l++) {
            linklistsizeint *list = linkList(g, i, l);
            unsigned short count = g.getListCount(list);
            const tableint *links = reinterpret_cast<const tableint *>(list + 1);
            w.u32(count);
            for (unsigned short j = 0; j < count; j++) w.u32(links[j]);
        }
    }
    return CHNSW_OK;
}

size_t chnsw_memory(size_t count, size_t dim, size_t m) {
    // Level 0 (links, vector, label), lock, level, upper-list pointer, visited mark, lookup entry.
    size_t perItem = (2 * m + 1) * sizeof(tableint) + dim * sizeof(uint16_t)
        + sizeof(hnswlib::labeltype)
        + sizeof(std::mutex) + sizeof(int) + sizeof(char *) + sizeof(hnswlib::vl_type) + 64;
    return count > (SIZE_MAX / 2) / perItem ? SIZE_MAX / 2 : count * perItem;  // Swift reads a signed Int
}

size_t chnsw_graph_memory(const uint8_t *bytes, size_t size, size_t count, size_t dim) {
    size_t m = 2;
    Reader r{bytes, bytes + size};
    if (bytes != nullptr && r.take(headerBytes)) {
        r.at += 4 + 8 + 4;  // version, count, dim
        m = std::min<size_t>(std::max<size_t>(r.u32(), 2), CHNSW_MAX_M);
    }
    return chnsw_memory(count, dim, m);
}

int chnsw_load(const uint8_t *bytes, size_t size, const float *vectors, size_t count, size_t dim, uint64_t seed,
               chnsw_index **out) {
    if (out == nullptr) return fail(CHNSW_INVALID, "out is NULL");
    *out = nullptr;
    if (bytes == nullptr || (vectors == nullptr && count > 0)) return fail(CHNSW_INVALID, "bytes or vectors is NULL");
    Reader r{bytes, bytes + size};
    if (!r.take(headerBytes)) return fail(CHNSW_CORRUPT, "the graph header is truncated");
    uint32_t version = r.u32();
    uint64_t n = r.u64();
    uint32_t storedDim = r.u32(), m = r.u32(), efConstruction = r.u32(), maxLevel = r.u32(), entry = r.u32();
    if (version != formatVersion) return fail(CHNSW_CORRUPT, "unknown graph layout version");
    if (n != count || count == 0) return fail(CHNSW_CORRUPT, "the graph's item count does not match the vectors");
    if (storedDim != dim) return fail(CHNSW_CORRUPT, "the graph's dimension does not match the vectors");
    if (m < 2 || m > CHNSW_MAX_M) return fail(CHNSW_CORRUPT, "the graph's M is out of range");
    if (efConstruction < m || efConstruction > 100000) return fail(CHNSW_CORRUPT, "ef_construction is out of range");
    if (maxLevel > CHNSW_MAX_LEVEL) return fail(CHNSW_CORRUPT, "the graph's top level is out of range");
    if (entry >= count) return fail(CHNSW_CORRUPT, "the entry point is out of range");
    if (count > INT32_MAX || dim > (1u << 20)) return fail(CHNSW_INVALID, "count or dim is too large");
    if (!r.take(count)) return fail(CHNSW_CORRUPT, "the item levels are truncated");
    return guarded([&]() -> int {
        std::unique_ptr<chnsw_index> index(new chnsw_index(dim, count, m, efConstruction, seed));
        Graph &g = *index->graph;
        g.maxlevel_ = static_cast<int>(maxLevel);
        g.enterpoint_node_ = entry;
        int status = loadGraph(g, r, vectors, count, dim);
        if (status != CHNSW_OK) return status;
        *out = index.release();
        return CHNSW_OK;
    });
}

void chnsw_free(chnsw_index *index) { delete index; }

const char *chnsw_last_error(void) { return lastError; }

}  // extern "C"
