/// The one way every top-k search over vectors goes (the student's prediction shortlist, the
/// teacher's shortlists of training texts, LEVER's mining of training inputs and its label-label
/// similarities): exact scoring of every item (`DenseScorer`), an int8 first pass with exact
/// rescoring (`QuantizedScan`), or an HNSW graph over the items. Vectors are unit rows and scores inner
/// products (cosines) in every case.
public enum VectorSearch: Sendable {
    case exact
    case quantized(QuantizedScan)
    case hnsw(ANNIndex)

    /// Queries per HNSW batch (between progress updates), and the most result slots (queries x k) a
    /// batch may hold.
    static let block = 4096
    static let slotsPerBlock = 1 << 22

    /// HNSW over `count` item vectors when there are at least `config.minItems` of them, else exact.
    static func over(_ items: ArrayStorage<Float>, count: Int, dim: Int, config: ANNConfig, seed: UInt64, threads: Int,
                     progress: Progress, stage: String) throws(LeverError) -> VectorSearch {
        guard count > 0, count >= config.minItems else { return .exact }
        try progress.begin(stage, "HNSW over \(count) vectors, m \(config.m), ef_construction \(config.efConstruction)")
        let index = try ANNIndex.build(items, count: count, dim: dim, config: config, seed: seed, threads: threads,
                                       progress: progress)
        try progress.end()
        return .hnsw(index)
    }

    /// `topK` over vectors in arrays, without exclusions or progress (for benchmarks).
    public func topK(queries: [Float], count: Int, items: [Float], numItems: Int, dim: Int, k: Int,
                     threads: Int) throws(LeverError) -> [[(Int32, Float)]] {
        guard count >= 0, numItems >= 0, dim > 0, queries.count == count * dim, items.count == numItems * dim else {
            throw .invalidArgument("queries and items must hold count x \(dim) and numItems x \(dim) floats")
        }
        guard k >= 1 else { throw .invalidArgument("k must be at least 1") }
        return try topK(queries: queries, count: count, items: ArrayStorage(items), numItems: numItems, dim: dim,
                        k: min(k, numItems), exclude: nil, threads: threads, progress: .silent, stage: "search")
    }

    /// The same search with a graph's candidate list of `ef` (exact and quantized searches unchanged).
    func withSearchList(_ ef: Int) throws(LeverError) -> VectorSearch {
        guard case .hnsw(let index) = self else { return self }
        return .hnsw(try index.withSearchList(ef))
    }

    /// The graph, when searching is approximate.
    var index: ANNIndex? {
        if case .hnsw(let index) = self { return index }
        return nil
    }

    /// The top-k items (id, score) for each query, best first; items listed in row i of `exclude`
    /// are skipped for query i. HNSW asks the graph for k + (most exclusions in a batch) items, drops
    /// the excluded ones and keeps k; when that is at least the item count, the search is exact. A
    /// batch holds at most `slotsPerBlock` result slots, so long lists bound their memory.
    func topK(queries: [Float], count: Int, items: ArrayStorage<Float>, numItems: Int, dim: Int, k: Int,
              exclude: SparseMatrix?, threads: Int, progress: Progress,
              stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        func mostExcluded(_ rows: Range<Int>) -> Int {
            guard let exclude else { return 0 }
            return rows.clamped(to: 0..<exclude.rows).map { exclude.rowRange($0).count }.max() ?? 0
        }
        if case .quantized(let scan) = self, count < QuantizedScan.maxQueries, scan.count == numItems, scan.dim == dim {
            return try scan.topK(queries: queries, count: count, vectors: items, k: k, exclude: exclude,
                                 threads: threads, progress: progress, stage: stage)
        }
        guard case .hnsw(let index) = self, index.count == numItems, k + mostExcluded(0..<count) < numItems else {
            return try DenseScorer.topK(queries: queries, count: count, labels: items, numLabels: numItems, dim: dim,
                                        k: k, exclude: exclude, threads: threads, progress: progress, stage: stage)
        }
        try progress.begin(stage, "\(count) queries, HNSW over \(numItems) vectors")
        var results: [[(Int32, Float)]] = []
        results.reserveCapacity(count)
        var start = 0
        while start < count {
            var n = min(VectorSearch.block, count - start)
            var extra = mostExcluded(start..<(start + n))
            if n * (k + extra) > VectorSearch.slotsPerBlock {
                n = max(1, VectorSearch.slotsPerBlock / (k + extra))
                extra = mostExcluded(start..<(start + n))
            }
            let found = try queries.withUnsafeBufferPointer { (q) throws(LeverError) in
                try index.search(q.baseAddress! + start * dim, count: n, k: k + extra, threads: threads)
            }
            for (i, list) in found.enumerated() {
                let row = start + i
                guard extra > 0, let exclude, row < exclude.rows, !exclude.rowRange(row).isEmpty else {
                    results.append(Array(list.prefix(k)))
                    continue
                }
                let blocked = Set(exclude.rowRange(row).map { exclude.indices[$0] })
                results.append(Array(list.lazy.filter { !blocked.contains($0.0) }.prefix(k)))
            }
            start += n
            try progress.update(start, of: count, unit: "queries")
        }
        try progress.end()
        return results
    }
}
