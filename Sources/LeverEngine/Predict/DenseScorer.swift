import CLever

/// Exact top-k over all labels for dense query vectors: scores come from one GEMM per block of
/// queries against the label matrix, then a partial top-k per row (labels in `exclude` skipped; with
/// `within`, only those labels ranked).
enum DenseScorer {
    static func topK(queries: [Float], count: Int, labels: ArrayStorage<Float>, numLabels: Int, dim: Int, k: Int,
                     exclude: SparseMatrix?, within: Range<Int>? = nil, threads: Int, block: Int = 512,
                     progress: Progress, stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        var results: [[(Int32, Float)]] = []
        results.reserveCapacity(count)
        var scores = [Float](repeating: 0, count: min(block, max(count, 1)) * numLabels)
        try progress.begin(stage, "\(count) queries x \(numLabels) labels")
        var start = 0
        while start < count {
            let n = min(block, count - start)
            queries.withUnsafeBufferPointer { q in labels.withUnsafeBufferPointer { l in scores.withUnsafeMutableBufferPointer { s in
                BLAS.gemm(q.baseAddress! + start * dim, l.baseAddress!, transB: true, s.baseAddress!, m: n, n: numLabels, k: dim)
            } } }
            let first = start
            let parts = scores.withUnsafeBufferPointer { s in
                let sp = SendableConstPointer(s.baseAddress!)
                return Parallel.mapChunks(n, threads: threads) { range in
                    var top = TopK(k)
                    return range.map { i -> [(Int32, Float)] in
                        top.reset()
                        let row = sp.pointer + i * numLabels
                        var blocked: Set<Int32> = []
                        if let exclude, first + i < exclude.rows {
                            for j in exclude.rowRange(first + i) { blocked.insert(exclude.indices[j]) }
                        }
                        // Every label scoring at least the current floor, in label order, as a plain loop
                        // would push them; the scan passes over the others 16 at a time.
                        var floor = top.floor
                        let labels = within ?? 0..<numLabels
                        var l = labels.lowerBound
                        while true {
                            l = clever_next_at_least(row, l, labels.upperBound, floor)
                            if l >= labels.upperBound { break }
                            if blocked.isEmpty || !blocked.contains(Int32(l)) {
                                top.push(Int32(l), row[l])
                                floor = top.floor
                            }
                            l += 1
                        }
                        return top.sorted()
                    }
                }
            }
            for p in parts { results.append(contentsOf: p) }
            start += n
            try progress.update(start, of: count, unit: "queries")
        }
        try progress.end()
        return results
    }
}
