import CHnsw

/// An HNSW graph over unit vectors scored by inner product (hnswlib through the CHnsw shim), for
/// approximate top-k search. Item ids are the rows of the vectors it was built over, in order. The
/// graph holds them as half floats; the index keeps the float vectors themselves (the caller's
/// storage, not a copy), from which a search rescores the best it finds.
///
/// Determinism: levels are drawn in id order from `seed`, and a search depends only on the graph.
/// Built with one thread, the graph depends only on the vectors, settings and seed; built with more,
/// it also depends on the order the threads insert in, so two builds can differ slightly (and their
/// searches with them). A loaded index is the saved graph exactly.
///
/// Searching is safe from any number of threads; a graph is never changed after it is built
/// (`adding` makes a new one).
public struct ANNIndex: Sendable {
    /// Owns the shim's index.
    private final class Graph: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { chnsw_free(handle) }
    }

    private let graph: Graph
    private var handle: OpaquePointer { graph.handle }
    /// The float vectors the graph's items were added from (count x dim), for rescoring.
    private let vectors: ArrayStorage<Float>
    let dim: Int
    /// The candidate list size of searches (at least k is used).
    private(set) var efSearch: Int
    /// Seeds the levels of items added later.
    let seed: UInt64

    /// The number of items.
    var count: Int { chnsw_count(handle) }
    /// Links per item above the bottom layer.
    var m: Int { chnsw_m(handle) }

    private init(handle: OpaquePointer, vectors: ArrayStorage<Float>, dim: Int, efSearch: Int, seed: UInt64) {
        graph = Graph(handle)
        self.vectors = vectors
        self.dim = dim
        self.efSearch = efSearch
        self.seed = seed
    }

    /// Items inserted per call of the shim, between progress reports (and chances to cancel). The shim
    /// draws the items' levels in item order across calls, as in one call.
    static let buildBlock = 16_384

    /// The graph over `count` vectors of `dim` floats (row-major), built with `threads` threads,
    /// reporting each block of `buildBlock` items inserted to `progress` (whose stage is begun).
    /// With `hnswlibLoops` (for tests), the graph is built and later searched with hnswlib's own loops.
    static func build(_ vectors: ArrayStorage<Float>, count: Int, dim: Int, config: ANNConfig, seed: UInt64,
                      threads: Int, progress: Progress = .silent,
                      hnswlibLoops: Bool = false) throws(LeverError) -> ANNIndex {
        guard count > 0, vectors.count == count * dim else {
            throw LeverError(.internal, "ANN index: \(vectors.count) floats are not \(count) vectors of \(dim)")
        }
        try Memory.check(chnsw_memory(count, dim, config.m), "the HNSW index over \(count) vectors")
        var raw: OpaquePointer?
        try check(chnsw_create(dim, count, config.m, config.efConstruction, seed, &raw), "building")
        guard let raw else { throw LeverError(.internal, "ANN index: no index was created") }
        let index = ANNIndex(handle: raw, vectors: vectors, dim: dim, efSearch: config.efSearch, seed: seed)
        if hnswlibLoops { chnsw_use_hnswlib_loops(raw, 1) }
        var done = 0
        while done < count {
            let n = min(buildBlock, count - done)
            try vectors.withUnsafeBufferPointer { (v) throws(LeverError) in
                try check(chnsw_add(raw, v.baseAddress! + done * dim, n, Int32(clamping: threads)), "building")
            }
            done += n
            try progress.update(done, of: count, unit: "vectors")
        }
        return index
    }

    /// The graph over `count` vectors of `dim` floats (row-major, unit rows), for benchmarks.
    public static func build(_ vectors: [Float], count: Int, dim: Int, config: ANNConfig, seed: UInt64,
                             threads: Int) throws(LeverError) -> ANNIndex {
        guard count > 0, dim > 0, vectors.count == count * dim else {
            throw .invalidArgument("vectors must hold count x \(dim) floats, count at least 1")
        }
        if let p = config.problems.first { throw .config(p.message) }
        return try build(ArrayStorage(vectors), count: count, dim: dim, config: config, seed: seed, threads: threads)
    }

    /// The same graph searched with a candidate list of `ef`.
    public func withSearchList(_ ef: Int) throws(LeverError) -> ANNIndex {
        var settings = ANNConfig()
        settings.efSearch = ef
        if let p = settings.problems.first { throw .invalidArgument(p.message) }
        var copy = self
        copy.efSearch = ef
        return copy
    }

    /// The graph read from `bytes` (see `serialized`) over the vectors it was built over.
    static func load(_ bytes: UnsafeBufferPointer<UInt8>, vectors: ArrayStorage<Float>, count: Int, dim: Int,
                     efSearch: Int, seed: UInt64) throws(LeverError) -> ANNIndex {
        try Memory.check(chnsw_graph_memory(bytes.baseAddress, bytes.count, count, dim),
                         "the HNSW index over \(count) vectors")
        guard count >= 0, dim > 0, vectors.count >= count * dim else {
            throw LeverError(.internal, "ANN index: \(vectors.count) floats hold fewer than \(count) vectors of \(dim)")
        }
        var raw: OpaquePointer?
        try vectors.withUnsafeBufferPointer { (v) throws(LeverError) in
            try check(chnsw_load(bytes.baseAddress, bytes.count, v.baseAddress, count, dim, seed, &raw), "loading")
        }
        guard let raw else { throw LeverError(.internal, "ANN index: no index was loaded") }
        return ANNIndex(handle: raw, vectors: vectors, dim: dim, efSearch: efSearch, seed: seed)
    }

    /// The graph's bytes (little-endian; the vectors are not included).
    func serialized() throws(LeverError) -> [UInt8] {
        let size = chnsw_serialized_size(handle)
        var out = [UInt8](repeating: 0, count: size)
        try out.withUnsafeMutableBufferPointer { (b) throws(LeverError) in
            try ANNIndex.check(chnsw_serialize(handle, b.baseAddress, size), "saving")
        }
        return out
    }

    /// A new index over `all` (this graph's vectors followed by `addedCount` more, (count +
    /// addedCount) x dim): this graph plus the added vectors as the next items. This index is not changed.
    func adding(count addedCount: Int, all: ArrayStorage<Float>, threads: Int) throws(LeverError) -> ANNIndex {
        let old = count
        guard addedCount >= 0, all.count == (old + addedCount) * dim else {
            throw LeverError(.internal, "ANN index: \(all.count) floats are not \(old + addedCount) vectors of \(dim)")
        }
        let bytes = try serialized()
        let copy = try bytes.withUnsafeBufferPointer { (b) throws(LeverError) in
            try ANNIndex.load(b, vectors: all, count: old, dim: dim, efSearch: efSearch, seed: seed)
        }
        try Memory.check(chnsw_memory(old + addedCount, dim, copy.m), "the HNSW index over \(old + addedCount) vectors")
        try all.withUnsafeBufferPointer { (v) throws(LeverError) in
            let added = v.baseAddress! + old * dim
            try ANNIndex.check(chnsw_add(copy.handle, added, addedCount, Int32(clamping: threads)), "adding to")
        }
        return copy
    }

    /// Up to `k` (id, inner product) pairs per query, best first (ties: lower id first), for `n`
    /// queries of `dim` floats. Fewer than k come back only when the graph reaches fewer items.
    func search(_ queries: UnsafePointer<Float>, count n: Int, k: Int, threads: Int) throws(LeverError)
        -> [[(Int32, Float)]] {
        guard n > 0, k > 0 else { return [[(Int32, Float)]](repeating: [], count: n) }
        var ids = [Int32](repeating: -1, count: n * k)
        var scores = [Float](repeating: 0, count: n * k)
        var found = [Int](repeating: 0, count: n)
        let status = vectors.withUnsafeBufferPointer { v in
            ids.withUnsafeMutableBufferPointer { i in
                scores.withUnsafeMutableBufferPointer { s in
                    found.withUnsafeMutableBufferPointer { f in
                        chnsw_search(handle, v.baseAddress, v.count / dim, queries, n, k, max(efSearch, k),
                                     Int32(clamping: threads), i.baseAddress, s.baseAddress, f.baseAddress)
                    }
                }
            }
        }
        try ANNIndex.check(status, "searching")
        return (0..<n).map { q in (0..<found[q]).map { j in (ids[q * k + j], scores[q * k + j]) } }
    }

    private static func check(_ status: Int32, _ doing: String) throws(LeverError) {
        let message = String(cString: chnsw_last_error())
        switch status {
        case Int32(CHNSW_OK): return
        case Int32(CHNSW_CORRUPT): throw .corrupt("HNSW index: \(message)")
        case Int32(CHNSW_NO_MEMORY): throw LeverError(.noMemory, "\(doing) the HNSW index: \(message)")
        default: throw LeverError(.internal, "\(doing) the HNSW index: \(message)")
        }
    }
}
