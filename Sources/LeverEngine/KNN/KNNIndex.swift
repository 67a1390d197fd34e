#if canImport(Glibc)
import Glibc
#endif
import CLever

/// TF-IDF cosine k-nearest-neighbours over the training rows. A query's label score is the sum of
/// similarity^power over its `neighbours` most similar training rows that carry the label.
/// Similarities come from a sparse inverted index (features -> training rows).
public struct KNNIndex: Sendable {
    public let config: KNNConfig
    /// Features x training rows: the training TF-IDF matrix in column form (in place in a loaded
    /// model file).
    let postingLists: PostingLists
    /// Training rows x labels.
    let labelStorage: CSRStorage
    /// Idle query scratch (zeroed arrays over the training rows and labels), shared by copies.
    private let scratchPool = ScratchPool<Scratch>()

    /// Features x training rows (a copy).
    public var postings: SparseMatrix { postingLists.matrix }
    /// Training rows x labels (a copy).
    public var trainLabels: SparseMatrix { labelStorage.matrix }

    /// An index over `postings` (features x training rows) with float weights.
    public init(config: KNNConfig, postings: SparseMatrix, trainLabels: SparseMatrix) {
        self.init(config: config, postings: PostingLists(postings, half: false), trainLabels: CSRStorage(trainLabels))
    }

    init(config: KNNConfig, postings: PostingLists, trainLabels: CSRStorage) {
        self.config = config
        postingLists = postings
        labelStorage = trainLabels
    }

    public init(config: KNNConfig, trainFeatures: SparseMatrix, trainLabels: SparseMatrix) {
        self.init(config: config, postings: trainFeatures.transposed(), trainLabels: trainLabels)
    }

    public var numLabels: Int { labelStorage.cols }

    /// Top-k labels for each query row, best first. Labels in `exclude`'s row (same row count as
    /// `queries`) are skipped. With `leaveOneOut`, query row i is training row i and does not vote
    /// for itself (what a training row's neighbours look like to an unseen text).
    public func predict(_ queries: SparseMatrix, k: Int, exclude: SparseMatrix? = nil, within: Range<Int>? = nil,
                        leaveOneOut: Bool = false, threads: Int, progress: Progress = .silent,
                        stage: String = "knn-predict") throws(LeverError) -> [[(Int32, Float)]] {
        try progress.begin(stage, "\(queries.rows) queries")
        var results: [[(Int32, Float)]] = []
        results.reserveCapacity(queries.rows)
        let batch = 2048
        var done = 0
        while done < queries.rows {
            let start = done, end = min(queries.rows, done + batch)
            let parts = Parallel.mapChunks(end - start, threads: threads) { range in
                scratchPool.withScratch(make: { Scratch(trainRows: postingLists.rowCount, labels: numLabels) }) { s in
                    range.map { i in predictOne(queries, row: start + i, k: k, exclude: exclude, within: within,
                                                skip: leaveOneOut ? start + i : -1, scratch: &s) }
                }
            }
            for p in parts { results.append(contentsOf: p) }
            done = end
            try progress.update(done, of: queries.rows, unit: "queries")
        }
        try progress.end()
        return results
    }

    /// A query's work arrays; `predictOne` leaves the similarity and label arrays as it found them
    /// (zeros) and the lists empty; the sorting buffers keep stale entries that the next query overwrites.
    struct Scratch {
        /// Sums by sorting postings (else in `similarity`, an array over the training rows).
        let sorting: Bool
        /// Sorting queries with more postings than this sum in `similarity` instead (made on first
        /// need): the pairs take 16 bytes a posting, the array 4 bytes a row.
        let sortingLimit: Int
        var similarity: [Float]
        /// The rows whose similarity a query made nonzero (the first `touched` of a query; grown as needed).
        var touchedRows: [Int32] = []
        var labelScore: [Float]
        var touchedLabels: [Int32] = []
        /// One posting list's weights times the query's weight.
        var weighted: [Float] = []
        /// When sorting: the query's postings as (row, weight) pairs, scratch for sorting them, and the
        /// sort's bucket counts.
        var pairRows: [Int32] = [], pairWeights: [Float] = []
        var scratchRows: [Int32] = [], scratchWeights: [Float] = []
        var counts: [Int] = []
        let trainRows: Int
        init(trainRows: Int, labels: Int, sorting: Bool? = nil, sortingLimit: Int = KNNIndex.sortingPostings) {
            self.sorting = sorting ?? (trainRows >= KNNIndex.sortingRows)
            self.sortingLimit = sortingLimit
            self.trainRows = trainRows
            similarity = [Float](repeating: 0, count: self.sorting ? 0 : trainRows)
            counts = [Int](repeating: 0, count: self.sorting ? 2048 : 0)
            labelScore = [Float](repeating: 0, count: labels)
        }
    }

    func predictOne(_ q: SparseMatrix, row: Int, k: Int, exclude: SparseMatrix?, within: Range<Int>? = nil,
                    skip: Int = -1, scratch s: inout Scratch) -> [(Int32, Float)] {
        let nearest: TopK
        if s.sorting && postingCount(q, row: row) <= s.sortingLimit {
            nearest = nearestBySorting(q, row: row, skip: skip, scratch: &s)
        } else {
            if s.similarity.count < s.trainRows { s.similarity = [Float](repeating: 0, count: s.trainRows) }
            nearest = nearestByAccumulating(q, row: row, skip: skip, scratch: &s)
        }
        // Their labels vote, best neighbour first (the same sums whichever way the neighbours were found).
        labelStorage.indptr.withUnsafeBufferPointer { lPtr in labelStorage.indices.withUnsafeBufferPointer { lIdx in
            for (r, sim) in nearest.sorted() {
                let vote = config.power == 1 ? sim : powf(sim, config.power)
                for j in Int(lPtr[Int(r)])..<Int(lPtr[Int(r) + 1]) {
                    let l = Int(lIdx[j])
                    if s.labelScore[l] == 0 { s.touchedLabels.append(Int32(l)) }
                    s.labelScore[l] += vote
                }
            }
        } }
        if let exclude {
            for j in exclude.rowRange(row) { s.labelScore[Int(exclude.indices[j])] = 0 }
        }
        var best = TopK(k)
        for l in s.touchedLabels {
            let v = s.labelScore[Int(l)]
            if v > 0, within?.contains(Int(l)) ?? true { best.push(l, v) }
            s.labelScore[Int(l)] = 0
        }
        s.touchedLabels.removeAll(keepingCapacity: true)
        return best.sorted()
    }

    /// Training rows at least this many accumulate a query's similarities by sorting its postings by
    /// row rather than in an array over all rows; both give the same sums, added in the same order.
    /// 16M rows: the array (64 MB) is then twice this machine's L3. `lever bench lexical` (20,000
    /// queries, 2 threads) found the array faster at every measured size on a quiet machine (2M rows:
    /// 6,412-6,476 queries/s against 4,916-5,132 sorting), and sorting faster beside other load (2M
    /// rows: 2,720-3,202 against 1,844-1,912), when other work evicts the array from the caches.
    static let sortingRows = 1 << 24
    /// A sorting query with more postings than this (16 MB of pairs; only indexes whose postings are
    /// not capped, e.g. the kNN method's, reach it) sums in the array instead.
    static let sortingPostings = 1 << 20

    /// The postings a query reads (the sum of its features' list lengths).
    private func postingCount(_ q: SparseMatrix, row: Int) -> Int {
        postingLists.withLists { lists in
            q.rowRange(row).reduce(0) { $0 + lists.entries(of: Int(q.indices[$1])).count }
        }
    }

    /// True when queries sum similarities by sorting their postings (`sortingRows` training rows or more;
    /// a query with over `sortingPostings` postings still uses the array).
    public var sortsPostings: Bool { postingLists.rowCount >= KNNIndex.sortingRows }

    /// The training rows indexed.
    public var trainRows: Int { postingLists.rowCount }

    /// Step 1-2 over an array over the training rows: each posting adds to its row's similarity.
    private func nearestByAccumulating(_ q: SparseMatrix, row: Int, skip: Int, scratch s: inout Scratch) -> TopK {
        // Similarities to every training row sharing a feature with the query (pointer loops: this
        // runs over thousands of postings per query).
        var touched = 0
        postingLists.withLists { lists in
            for j in q.rowRange(row) {
                let entries = lists.entries(of: Int(q.indices[j]))
                if entries.isEmpty { continue }
                if entries.count > s.weighted.count { s.weighted = [Float](repeating: 0, count: entries.count) }
                if touched + entries.count > s.touchedRows.count {
                    s.touchedRows += [Int32](repeating: 0, count: Swift.max(entries.count, s.touchedRows.count))
                }
                s.similarity.withUnsafeMutableBufferPointer { sim in
                    s.touchedRows.withUnsafeMutableBufferPointer { rows in
                        s.weighted.withUnsafeMutableBufferPointer { v in
                            lists.weighted(entries, by: q.values[j], into: v.baseAddress!)
                            var k = 0
                            for p in entries {
                                // A row is recorded when its similarity leaves zero; without a branch,
                                // which that test would mispredict half the time.
                                let r = lists.rows[p]
                                rows[touched] = Int32(r)
                                touched += sim[r] == 0 ? 1 : 0
                                sim[r] += v[k]
                                k += 1
                            }
                        }
                    }
                }
            }
        }
        var nearest = TopK(config.neighbours)
        if skip >= 0 && skip < s.similarity.count { s.similarity[skip] = 0 }
        s.similarity.withUnsafeMutableBufferPointer { sim in
            s.touchedRows.withUnsafeBufferPointer { rows in
                for i in 0..<touched {
                    let r = Int(rows[i])
                    let v = sim[r]
                    if v > 0 && nearest.admits(v) { nearest.push(Int32(r), v) }
                    sim[r] = 0
                }
            }
        }
        return nearest
    }

    /// Step 1-2 by sorting: the query's postings as (row, weight) pairs in the order the array path
    /// adds them, sorted by row stably, so each row's run sums its weights in that same order.
    private func nearestBySorting(_ q: SparseMatrix, row: Int, skip: Int, scratch s: inout Scratch) -> TopK {
        var count = 0
        postingLists.withLists { lists in
            for j in q.rowRange(row) {
                let entries = lists.entries(of: Int(q.indices[j]))
                if entries.isEmpty { continue }
                if count + entries.count > s.pairRows.count {
                    let grown = Swift.max(count + entries.count, 2 * s.pairRows.count)
                    s.pairRows += [Int32](repeating: 0, count: grown - s.pairRows.count)
                    s.pairWeights += [Float](repeating: 0, count: grown - s.pairWeights.count)
                }
                s.pairRows.withUnsafeMutableBufferPointer { rows in
                    s.pairWeights.withUnsafeMutableBufferPointer { v in
                        lists.weighted(entries, by: q.values[j], into: v.baseAddress! + count)
                        for p in entries {
                            rows[count] = Int32(lists.rows[p])
                            count += 1
                        }
                    }
                }
            }
        }
        var nearest = TopK(config.neighbours)
        if count == 0 { return nearest }
        if s.scratchRows.count < count {
            s.scratchRows = [Int32](repeating: 0, count: s.pairRows.count)
            s.scratchWeights = [Float](repeating: 0, count: s.pairRows.count)
        }
        let largest = Int32(clamping: postingLists.rowCount - 1)
        s.pairRows.withUnsafeMutableBufferPointer { pr in s.pairWeights.withUnsafeMutableBufferPointer { pw in
            s.scratchRows.withUnsafeMutableBufferPointer { sr in s.scratchWeights.withUnsafeMutableBufferPointer { sw in
                s.counts.withUnsafeMutableBufferPointer { c in
                    let inScratch = clever_sort_pairs(pr.baseAddress!, pw.baseAddress!, sr.baseAddress!,
                                                      sw.baseAddress!, count, largest, c.baseAddress!) != 0
                    let (rows, weights) = inScratch ? (sr.baseAddress!, sw.baseAddress!)
                        : (pr.baseAddress!, pw.baseAddress!)
                    var i = 0
                    while i < count {
                        let r = rows[i]
                        var v: Float = 0
                        while i < count && rows[i] == r {
                            v += weights[i]
                            i += 1
                        }
                        if Int(r) != skip && v > 0 && nearest.admits(v) { nearest.push(r, v) }
                    }
                }
            } }
        } }
        return nearest
    }
}
