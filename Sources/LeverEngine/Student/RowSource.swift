#if canImport(Glibc)
import Glibc
#endif
import CLever

/// The row-side candidate source of the student (the "document shortlist" of SiameseXML and NGAME):
/// the labels of a text's `knn.neighbours` nearest training rows in the teacher's embedding space,
/// each row voting max(0, cosine)^`knn.power` for each of its labels; the `student.row_shortlist`
/// best labels are candidates. A label's score is its share of the votes (its votes over the
/// neighbours' total weight, in [0, 1]); with `student.row_weight` w > 0 it enters the student's
/// probability as p = (1 - w) p + w share (a label outside the list has share 0). Training rows get
/// their lists leave-one-out (a row does not vote for itself), as an unseen text would. The rows' embeddings are rounded to half floats before anything
/// uses them, so a loaded model yields the lists training saw. The rows are searched the way every
/// vector search goes (`VectorSearch`): an HNSW graph from `ann.min_items` rows, else an int8 first
/// pass for a few texts and blocked exact scoring (sgemm) for batches. (The int8 pass for batches too
/// was slower on WordNet lemma: its 57,480 rows are 7 MB of bytes per query, read at memory speed,
/// where sgemm reuses each block of rows across many queries: 0.39 against 0.27-0.31 ms per text.)
struct RowSource: Sendable {
    /// The training rows' teacher embeddings (count x dim, unit rows, half-exact).
    let embeddings: ArrayStorage<Float>
    let count: Int
    let dim: Int
    /// The labels of each training row (count x numLabels).
    let labels: CSRStorage
    /// Labels per text the source yields.
    let shortlist: Int
    let neighbours: Int
    let power: Float
    /// The share of the votes in the final probability.
    let weight: Float
    let search: VectorSearch

    var numLabels: Int { labels.cols }

    /// The source over `embeddings` (half-exact); `graph` when the search is approximate.
    init(embeddings: ArrayStorage<Float>, dim: Int, labels: CSRStorage, shortlist: Int, neighbours: Int,
         power: Float, weight: Float, graph: ANNIndex?) {
        self.embeddings = embeddings
        self.dim = dim
        count = dim > 0 ? embeddings.count / dim : 0
        self.labels = labels
        self.shortlist = shortlist
        self.neighbours = neighbours
        self.power = power
        self.weight = weight
        search = graph.map { .hnsw($0) } ?? .quantized(QuantizedScan(embeddings, count: count, dim: dim))
    }

    /// The source over the view's training inputs, and their leave-one-out lists (nil when
    /// `student.row_shortlist` is 0).
    static func build(_ config: RunConfig, view: TeacherView, trainLabels: SparseMatrix, threads: Int,
                      progress: Progress) throws(LeverError) -> (source: RowSource, trainLists: [[(Int32, Float)]])? {
        guard config.student.rowShortlist > 0, view.numInputs > 0 else { return nil }
        let d = view.dim, n = view.numInputs
        let rounded = ArrayStorage(view.embeddings[0..<(n * d)].map { Float(Float16($0)) })
        let search = try VectorSearch.over(rounded, count: n, dim: d, config: config.ann, seed: config.seed,
                                           threads: threads, progress: progress, stage: "ann-rows")
        let source = RowSource(embeddings: rounded, dim: d, labels: CSRStorage(trainLabels),
                               shortlist: config.student.rowShortlist, neighbours: config.knn.neighbours,
                               power: config.knn.power, weight: config.student.rowWeight, graph: search.index)
        let queries = Array(view.embeddings[0..<(n * d)])
        let lists = try source.lists(queries, count: n, exclude: nil, leaveOneOut: true, threads: threads,
                                     progress: progress, stage: "row-shortlists")
        return (source, lists)
    }

    /// Each query's best `shortlist` labels by its neighbours' votes, best first; labels in the query's
    /// row of `exclude` are skipped. With `leaveOneOut`, query i is training row i and is not its own
    /// neighbour.
    func lists(_ queries: [Float], count n: Int, exclude: SparseMatrix?, leaveOneOut: Bool, threads: Int,
               progress: Progress, stage: String) throws(LeverError) -> [[(Int32, Float)]] {
        let k = min(neighbours, count - (leaveOneOut ? 1 : 0))
        guard n > 0, k > 0 else { return [[(Int32, Float)]](repeating: [], count: n) }
        let own = leaveOneOut ? SparseMatrix.identity(rows: n, cols: count) : nil
        let near = try search.topK(queries: queries, count: n, items: embeddings, numItems: count, dim: dim, k: k,
                                   exclude: own, threads: threads, progress: progress, stage: stage)
        return Parallel.mapChunks(n, threads: threads) { range in
            var votes: [(Int32, Float)] = []
            var top = TopK(shortlist)
            return range.map { i in vote(near[i], excluding: exclude, row: i, votes: &votes, top: &top) }
        }.flatMap { $0 }
    }

    /// One query's labels from its nearest rows' votes.
    private func vote(_ rows: [(Int32, Float)], excluding exclude: SparseMatrix?, row: Int,
                      votes: inout [(Int32, Float)], top: inout TopK) -> [(Int32, Float)] {
        votes.removeAll(keepingCapacity: true)
        var total: Float = 0
        for (r, cosine) in rows where cosine > 0 {
            let c = min(cosine, 1)
            let v = power == 1 ? c : powf(c, power)
            guard v > 0 else { continue }  // a high power can round a weak neighbour's vote to 0
            total += v
            for j in labels.rowRange(Int(r)) { votes.append((labels.indices[j], v)) }
        }
        guard total > 0 else { return [] }
        votes.sort { $0.0 < $1.0 }
        let blocked = exclude.map { e in row < e.rows ? Set(e.rowRange(row).map { e.indices[$0] }) : [] } ?? []
        top.reset()
        var j = 0
        while j < votes.count {
            let label = votes[j].0
            var sum: Float = 0
            while j < votes.count && votes[j].0 == label { sum += votes[j].1; j += 1 }
            if !blocked.contains(label) { top.push(label, sum / total) }
        }
        return top.sorted()
    }

    /// Mixes a text's vote shares into its candidates' probabilities: p = (1 - w) p + w share.
    func mix(_ probs: inout [Float], labels: [(Int32, Float)], votes: [(Int32, Float)]) {
        let share = Dictionary(votes, uniquingKeysWith: { a, _ in a })
        for (j, (l, _)) in labels.enumerated() { probs[j] = (1 - weight) * probs[j] + weight * (share[l] ?? 0) }
    }

    /// The source with `count` more labels (that no training row carries).
    func appendingLabels(_ count: Int) -> RowSource {
        var m = labels.matrix
        m.cols += count
        return RowSource(embeddings: embeddings, dim: dim, labels: CSRStorage(m), shortlist: shortlist,
                         neighbours: neighbours, power: power, weight: weight, graph: search.index)
    }
}

/// The ROWS section of a `lever` model (since format 4.2): u64 row shortlist, u64 neighbours, f32 power,
/// f32 weight, u64 dim, the rows' embeddings as a u16 (half float) array, the rows' labels (CSR), u8 1 when an HNSW
/// graph over the rows follows (the ANN layout, ANNIndex+Coding), else 0.
extension RowSource {
    func encoded() throws(LeverError) -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(shortlist))
        w.u64(UInt64(neighbours))
        w.f32(power)
        w.f32(weight)
        w.u64(UInt64(dim))
        w.array(embeddings.map { Float16($0).bitPattern })
        w.matrix(labels)
        if let graph = search.index {
            w.u8(1)
            try graph.encode(into: &w)
        } else {
            w.u8(0)
        }
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, numLabels: Int, dim: Int) throws(LeverError) -> RowSource {
        let shortlist = try r.count(max: Int(Int32.max))
        try StudentConfig.checkStored(\.rowShortlist, shortlist, in: "model section ROWS")
        guard shortlist > 0 else { throw .corrupt("model section ROWS: row shortlist 0 (at least 1 when stored)") }
        let neighbours = try r.count(max: Int(Int32.max))
        try KNNConfig.checkStored(\.neighbours, neighbours, in: "model section ROWS")
        let power = try r.f32()
        try KNNConfig.checkStored(\.power, power, in: "model section ROWS")
        let weight = try r.f32()
        try StudentConfig.checkStored(\.rowWeight, weight, in: "model section ROWS")
        guard try r.count(max: Int(Int32.max)) == dim else {
            throw .corrupt("model section ROWS: embedding width differs from the teacher's \(dim)")
        }
        let bits = try r.storage(UInt16.self)
        try requireFinite(bits, "model section ROWS: row embeddings")
        let embeddings = ArrayStorage(widened(bits))
        let labels = try r.matrix()
        guard dim > 0, embeddings.count == labels.rows * dim, labels.cols == numLabels else {
            throw .corrupt("model section ROWS: \(labels.rows) rows' labels over \(labels.cols) labels do not match"
                           + " \(embeddings.count) embedding values or the model's \(numLabels) labels")
        }
        let graph: ANNIndex?
        switch try r.u8() {
        case 0:
            graph = nil
            guard r.atEnd else { throw .corrupt("model section ROWS: unexpected bytes after the labels") }
        case 1: graph = try ANNIndex.decode(&r, vectors: embeddings, count: labels.rows, dim: dim)
        case let b: throw .corrupt("model section ROWS: invalid graph byte \(b)")
        }
        return RowSource(embeddings: embeddings, dim: dim, labels: labels, shortlist: shortlist,
                         neighbours: neighbours, power: power, weight: weight, graph: graph)
    }
}
