import CLever

/// Top-k over unit vectors in two passes: a first pass scores every vector in 8-bit integers (a vector
/// as signed bytes times its own scale, the query as values within ±63 times one scale) and keeps the
/// `firstPassCount(k)` best; the second scores those exactly in floats, as `DenseScorer` scores a single
/// query (`clever_dot`), and keeps k. The result is the exact top k (same labels, same scores) unless
/// an exact top-k vector ranks below the candidates in the first pass, which its rounding error
/// (about 1e-3 of a cosine against gaps of 1e-2 between the k-th and the 2k-th score) makes rare.
/// The first pass reads a quarter of the float bytes with integer multiply-adds (AVX2 when the CPU
/// has it): the first pass over WordNet's 15,224 x 128 label embeddings takes about 45 µs where the
/// float dot products took 500 µs. Integer sums are exact, so every CPU gives the same results.
public struct QuantizedScan: Sendable {
    let count: Int
    let dim: Int
    /// `dim` rounded up to a multiple of 8 (the padding is zero).
    let paddedDim: Int
    /// ceil(count / 16) blocks of 16 vectors in the layout of `clever_scan_blocks` (values + 128 as
    /// unsigned bytes); vectors past `count` are zero.
    let blocks: [UInt8]
    /// Per vector: its largest magnitude / 127 (a zero vector, and the padding of the last block: 0).
    let scales: [Float]
    /// The vectors as half floats when their float values are exactly these (a loaded model's label
    /// embeddings, in place in the file): the second pass reads them, half the bytes for the same sums.
    let halves: ArrayStorage<UInt16>?

    static let blockRows = 16
    /// Searches of fewer queries take the first pass; from about this many, exact scoring through
    /// sgemm (which packs the vectors once per call and scores blocks of queries) costs less per query
    /// (WordNet, one thread, k = 100: 0.33 against 0.31 ms per text at 16 queries, 0.47 against 0.71 at 1).
    static let maxQueries = 16

    /// The first pass keeps at least this many vectors for k (all of them when there are no more).
    static func firstPassCount(_ k: Int) -> Int { max(2 * k, 64) }

    init(_ vectors: ArrayStorage<Float>, count: Int, dim: Int, halves: ArrayStorage<UInt16>? = nil) {
        self.halves = halves?.count == count * dim ? halves : nil
        self.count = count
        self.dim = dim
        let padded = (dim + 7) / 8 * 8
        paddedDim = padded
        let blockCount = (count + QuantizedScan.blockRows - 1) / QuantizedScan.blockRows
        var bytes = [UInt8](repeating: 128, count: blockCount * QuantizedScan.blockRows * padded)
        var scales = [Float](repeating: 0, count: blockCount * QuantizedScan.blockRows)
        // In C: a loaded model builds this for every label, and Swift's loop took 30 ms for WordNet's.
        vectors.withUnsafeBufferPointer { v in bytes.withUnsafeMutableBufferPointer { b in
            scales.withUnsafeMutableBufferPointer { s in
                if count > 0 && v.count >= count * dim {
                    clever_scan_pack(v.baseAddress!, count, dim, padded, b.baseAddress!, s.baseAddress!)
                }
            }
        } }
        blocks = bytes
        self.scales = scales
    }

    /// The top k vectors for each of `count` queries (row-major floats), scored against `vectors`,
    /// skipping those in the query's row of `exclude`; queries split over `threads`.
    func topK(queries: [Float], count queryCount: Int, vectors: ArrayStorage<Float>, k: Int, exclude: SparseMatrix?,
              threads: Int, progress: Progress, stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        try progress.begin(stage, "\(queryCount) queries x \(count) vectors, int8 first pass")
        var results: [[(Int32, Float)]] = []
        results.reserveCapacity(queryCount)
        let d = dim
        var start = 0
        while start < queryCount {
            let n = min(QuantizedScan.progressBlock, queryCount - start), first = start
            let parts = queries.withUnsafeBufferPointer { q in vectors.withUnsafeBufferPointer { v in
                let qp = SendableConstPointer(q.baseAddress!), vp = SendableConstPointer(v.baseAddress!)
                return Parallel.mapChunks(n, threads: threads) { range in
                    range.map { i -> [(Int32, Float)] in
                        var blocked: Set<Int32> = []
                        if let exclude, first + i < exclude.rows {
                            for j in exclude.rowRange(first + i) { blocked.insert(exclude.indices[j]) }
                        }
                        return topK(query: qp.pointer + (first + i) * d, vectors: vp.pointer, k: k, blocked: blocked)
                    }
                }
            } }
            for p in parts { results.append(contentsOf: p) }
            start += n
            try progress.update(start, of: queryCount, unit: "queries")
        }
        try progress.end()
        return results
    }

    /// Queries between progress updates.
    static let progressBlock = 512

    /// The top k (at most `count`) vectors for `query` (dim floats) with their exact scores against
    /// `vectors` (the float vectors this scan was built from), best first, skipping `blocked` ones.
    func topK(query: UnsafePointer<Float>, vectors: UnsafePointer<Float>, k: Int,
              blocked: Set<Int32>) -> [(Int32, Float)] {
        guard count > 0, k > 0 else { return [] }
        let rows = blocks.count / paddedDim
        let picked = withUnsafeTemporaryAllocation(of: Float.self, capacity: rows) { scores in
            firstPass(query, into: scores.baseAddress!)
            for l in blocked where Int(l) < count { scores[Int(l)] = -.greatestFiniteMagnitude }
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { found in
                let n = clever_scan_candidates(scores.baseAddress!, count, QuantizedScan.firstPassCount(k),
                                               found.baseAddress!)
                return blocked.isEmpty ? Array(found[0..<n]) : found[0..<n].filter { !blocked.contains($0) }
            }
        }
        var top = TopK(k)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: picked.count) { exact in
            if let halves {
                halves.withUnsafeBufferPointer { h in
                    clever_dot_half_rows(h.baseAddress!, picked, picked.count, query, dim, exact.baseAddress!)
                }
            } else {
                clever_dot_rows(vectors, picked, picked.count, query, dim, exact.baseAddress!)
            }
            for (i, l) in picked.enumerated() { top.push(l, exact[i]) }
        }
        return top.sorted()
    }

    /// First-pass scores of the quantised query against every vector (one per block row; all 0 for a
    /// zero query).
    private func firstPass(_ query: UnsafePointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        var largest: Float = 0
        for c in 0..<dim { largest = Swift.max(largest, abs(query[c])) }
        let limit = Float(CLEVER_SCAN_QUERY_MAX)
        guard largest > 0 && largest.isFinite else {
            scores.initialize(repeating: 0, count: blocks.count / paddedDim)
            return
        }
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: paddedDim) { q in
            q.initialize(repeating: 0)
            for c in 0..<dim {
                q[c] = Int8(Swift.max(-limit, Swift.min(limit, (query[c] / largest * limit).rounded())))
            }
            blocks.withUnsafeBufferPointer { b in scales.withUnsafeBufferPointer { s in
                clever_scan_blocks(b.baseAddress!, q.baseAddress!, b.count / (QuantizedScan.blockRows * paddedDim),
                                   paddedDim, s.baseAddress!, scores)
            } }
        }
    }
}
