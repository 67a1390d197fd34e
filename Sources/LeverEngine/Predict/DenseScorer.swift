import CLever

/// Exact top-k over all labels for dense query vectors: a block of queries is scored against tiles
/// of the label matrix by GEMM, small enough that the scores stay in cache for the partial top-k that
/// reads them (labels in `exclude` skipped; with `within`, only those labels scored and ranked).
enum DenseScorer {
    /// At most this many scores per GEMM (4 MiB): a block of 512 queries meets 2,048 labels at a time.
    static let tileScores = 1 << 20

    static func topK(queries: [Float], count: Int, labels: ArrayStorage<Float>, numLabels: Int, dim: Int, k: Int,
                     exclude: SparseMatrix?, within: Range<Int>? = nil, threads: Int, block: Int = 512,
                     progress: Progress, stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        var none: ColumnTopK? = nil
        return try topK(queries: queries, count: count, labels: labels, numLabels: numLabels, dim: dim, k: k,
                        exclude: exclude, within: within, threads: threads, block: block, columns: &none,
                        progress: progress, stage: stage)
    }

    /// The same search that also fills `columns` (the chosen labels' best queries) from the scores it
    /// computes; `exclude` does not apply to the columns, and chosen labels outside `within` stay empty.
    static func topK(queries: [Float], count: Int, labels: ArrayStorage<Float>, numLabels: Int, dim: Int, k: Int,
                     exclude: SparseMatrix?, within: Range<Int>? = nil, threads: Int, block: Int = 512,
                     columns: inout ColumnTopK?, progress: Progress,
                     stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        let ranked = (within ?? 0..<numLabels).clamped(to: 0..<numLabels)
        var results: [[(Int32, Float)]] = []
        results.reserveCapacity(count)
        let rows = min(block, max(count, 1))
        // Tiles are laid out over all labels whatever `within` is, so a label's score comes from the
        // same GEMM call in a ranged search as in a full one: a label range's lists merge to the
        // full lists bit for bit (label-sharded prediction). Every block of a search of three or
        // more queries goes through sgemm, its last one too (one or two queries alone take the
        // dot-product path of `BLAS.gemm`), so a query's scores do not depend on its block.
        let tile = max(1, min(numLabels, tileScores / rows))
        var scores = [Float](repeating: 0, count: rows * tile)
        var lists = [TopK](repeating: TopK(k), count: rows)
        var blocked = [Set<Int32>](repeating: [], count: rows)
        try progress.begin(stage, "\(count) queries x \(numLabels) labels")
        var start = 0
        while start < count {
            let n = min(block, count - start)
            for i in 0..<n {
                lists[i].reset()
                blocked[i].removeAll(keepingCapacity: true)
                if let exclude, start + i < exclude.rows {
                    for j in exclude.rowRange(start + i) { blocked[i].insert(exclude.indices[j]) }
                }
            }
            // Tile by tile in label order, each query's candidates are pushed in label order, as one
            // scan over all its scores would push them.
            var first = ranked.lowerBound / tile * tile
            while first < ranked.upperBound {
                let t = min(tile, numLabels - first)
                let part = ranked.clamped(to: first..<(first + t))
                queries.withUnsafeBufferPointer { q in labels.withUnsafeBufferPointer { l in
                    scores.withUnsafeMutableBufferPointer { s in
                        BLAS.gemm(q.baseAddress! + start * dim, l.baseAddress! + first * dim, transB: true,
                                  s.baseAddress!, m: n, n: t, k: dim, fewRowsByDot: count <= 2)
                    }
                } }
                scores.withUnsafeBufferPointer { s in lists.withUnsafeMutableBufferPointer { tops in
                    let sp = SendableConstPointer(s.baseAddress!), tp = SendablePointer(tops.baseAddress!)
                    let skip = blocked, offset = part.lowerBound, skipped = part.lowerBound - first
                    Parallel.forEachChunk(n, threads: threads) { _, range in
                        for i in range {
                            scan(sp.pointer + i * t + skipped, count: part.count, offset: offset, skipping: skip[i],
                                 into: &tp.pointer[i])
                        }
                    }
                } }
                if columns != nil {
                    let counted = columns!.queries
                    let low = max(start, counted.lowerBound), high = min(start + n, counted.upperBound)
                    if low < high {
                        collect(scores, stride: t, rows: low..<high, block: start, labels: part, tileStart: first,
                                into: &columns!, threads: threads)
                    }
                }
                first += t
            }
            for i in 0..<n { results.append(lists[i].sorted()) }
            start += n
            try progress.update(start, of: count, unit: "queries")
        }
        try progress.end()
        return results
    }

    /// Pushes the scores of queries `rows` (ids; block row = id - `block`) against `labels` (a part of
    /// the tile starting at `tileStart`, `stride` scores a row) into the chosen labels' lists, in
    /// query order; threads take disjoint label ranges.
    private static func collect(_ scores: [Float], stride: Int, rows: Range<Int>, block: Int, labels: Range<Int>,
                                tileStart: Int, into columns: inout ColumnTopK, threads: Int) {
        guard !rows.isEmpty, !labels.isEmpty else { return }
        scores.withUnsafeBufferPointer { s in columns.floors.withUnsafeMutableBufferPointer { f in
            columns.lists.withUnsafeMutableBufferPointer { l in columns.listOf.withUnsafeBufferPointer { o in
                let sp = SendableConstPointer(s.baseAddress! + (labels.lowerBound - tileStart))
                let fp = SendablePointer(f.baseAddress! + labels.lowerBound)
                let lp = SendablePointer(l.baseAddress!), op = SendableConstPointer(o.baseAddress! + labels.lowerBound)
                Parallel.forEachChunk(labels.count, threads: threads) { _, range in
                    for id in rows {
                        let row = sp.pointer + (id - block) * stride
                        var j = range.lowerBound
                        while true {
                            j = clever_next_at_least_each(row, fp.pointer, j, range.upperBound)
                            if j >= range.upperBound { break }
                            let list = Int(op.pointer[j])
                            if list >= 0 {
                                lp.pointer[list].push(Int32(id), row[j])
                                fp.pointer[j] = lp.pointer[list].floor
                            }
                            j += 1
                        }
                    }
                }
            } }
        } }
    }

    /// Pushes every score of `row` (labels `offset ..< offset + count`) that reaches the list's floor,
    /// in label order, as a plain loop would; the scan passes over the others 16 at a time.
    @inline(__always)
    private static func scan(_ row: UnsafePointer<Float>, count: Int, offset: Int, skipping blocked: Set<Int32>,
                             into top: inout TopK) {
        var floor = top.floor
        var j = 0
        while true {
            j = clever_next_at_least(row, j, count, floor)
            if j >= count { break }
            let label = Int32(offset + j)
            if blocked.isEmpty || !blocked.contains(label) {
                top.push(label, row[j])
                floor = top.floor
            }
            j += 1
        }
    }
}
