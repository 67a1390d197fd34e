#if canImport(Glibc)
import Glibc
#endif
import CLever

/// The trained OvA student: per-label vectors and biases over its encoder (the teacher's, fine-tuned
/// or frozen), plus an optional sparse term over TF-IDF features. Candidates are the union of the
/// teacher's shortlist (or all labels), the lexical source's labels and the row source's; the final
/// score fuses the student's probability with the teacher's cosine.
public struct StudentScorer: Sendable {
    let teacher: TeacherScorer
    /// The student's own encoder when fine-tuned; nil when it uses the teacher's.
    let encoder: SparseEncoder?
    /// The classifier: per label a vector and a bias (in place in a loaded model file).
    let weights: ClassifierWeights
    var sparse: SparseTerm?
    /// The linear ranker over TF-IDF features, combined with the dense term's probability.
    var linear: LinearRanker?
    /// TF-IDF neighbours of the input among the training rows, whose labels become candidates.
    var lexical: KNNIndex?
    let predictShortlist: Int
    var lexicalShortlist: Int
    /// Nearest training rows in the teacher's embedding space, whose labels become candidates.
    var rows: RowSource?
    let fusion: Float
    /// The HNSW graph over the teacher's label embeddings that the prediction shortlist searches
    /// (nil: the shortlist scores every label exactly).
    let ann: ANNIndex?
    /// Without a graph, the label embeddings as int8 rows for the shortlist's first pass (nil when the
    /// shortlist holds every label).
    let labelScan: QuantizedScan?

    init(teacher: TeacherScorer, encoder: SparseEncoder?, weights: ClassifierWeights, sparse: SparseTerm?,
         lexical: KNNIndex?, predictShortlist: Int, lexicalShortlist: Int, fusion: Float, ann: ANNIndex? = nil) {
        self.teacher = teacher
        self.encoder = encoder
        self.weights = weights
        self.sparse = sparse
        self.lexical = lexical
        self.predictShortlist = predictShortlist
        self.lexicalShortlist = lexicalShortlist
        self.fusion = fusion
        self.ann = ann
        let shortlisted = predictShortlist > 0 && predictShortlist < teacher.numLabels
        labelScan = ann == nil && shortlisted
            ? QuantizedScan(teacher.labelEmbeddings, count: teacher.numLabels, dim: teacher.dim,
                            halves: teacher.labelHalves) : nil
    }

    /// How the teacher's shortlist is searched.
    var labelSearch: VectorSearch { ann.map { .hnsw($0) } ?? labelScan.map { .quantized($0) } ?? .exact }

    var numLabels: Int { teacher.numLabels }
    var dim: Int { teacher.dim }
    var studentEncoder: SparseEncoder { encoder ?? teacher.encoder }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    @inline(__always) func cosine(_ label: Int, _ q: UnsafePointer<Float>) -> Float {
        let d = dim
        return teacher.labelEmbeddings.withUnsafeBufferPointer { e in
            clever_dot(e.baseAddress! + label * d, q, d)
        }
    }

    public typealias Lists = [[(Int32, Float)]]

    /// The teacher's top labels (at least k) and the lists of the other sources that are on and
    /// wanted ("lexical", "rows") for featurised texts, each best first by its own score.
    func sourceLists(_ features: SparseMatrix, teacherQueries tq: [Float], k: Int, exclude: SparseMatrix?,
                     withLexical: Bool, withRows: Bool, threads: Int,
                     progress: Progress) throws(LeverError)
        -> (teacher: Lists, others: [(name: String, lists: Lists)]) {
        let teacherK = predictShortlist > 0 ? min(predictShortlist, numLabels) : numLabels
        let lists = try labelSearch.topK(queries: tq, count: features.rows, items: teacher.labelEmbeddings,
                                         numItems: numLabels, dim: dim, k: max(k, teacherK), exclude: exclude,
                                         threads: threads, progress: progress, stage: "student-shortlist")
        var others: [(name: String, lists: Lists)] = []
        if withLexical, let lexical, lexicalShortlist > 0 {
            others.append(("lexical", try lexical.predict(features, k: lexicalShortlist, exclude: exclude,
                                                          threads: threads, progress: progress,
                                                          stage: "student-lexical")))
        }
        if withRows, let rows {
            others.append(("rows", try rows.lists(tq, count: features.rows, exclude: exclude, leaveOneOut: false,
                                                  threads: threads, progress: progress, stage: "student-rows")))
        }
        return (lists, others)
    }

    /// The candidates: each text's teacher labels, then the other sources' labels not already there
    /// (with their teacher cosines).
    func merged(teacher lists: Lists, others: [Lists], teacherQueries tq: [Float]) -> Lists {
        guard !others.isEmpty else { return lists }
        var out = lists
        let d = dim
        tq.withUnsafeBufferPointer { q in
            for i in 0..<out.count where others.contains(where: { !$0[i].isEmpty }) {
                var have = Set(out[i].map { $0.0 })
                for source in others {
                    for (l, _) in source[i] where have.insert(l).inserted {
                        out[i].append((l, cosine(Int(l), q.baseAddress! + i * d)))
                    }
                }
            }
        }
        return out
    }

    /// Per text, the candidate labels with their teacher cosines (the other sources add labels only
    /// when the teacher's list does not already hold every label), and when the row source's votes
    /// enter the score, its lists.
    func candidates(_ features: SparseMatrix, teacherQueries tq: [Float], k: Int, exclude: SparseMatrix?,
                    threads: Int, progress: Progress) throws(LeverError) -> (lists: Lists, votes: Lists?) {
        let exact = predictShortlist == 0 || predictShortlist >= numLabels
        let voting = rows.map { $0.weight > 0 } ?? false
        let (lists, others) = try sourceLists(features, teacherQueries: tq, k: k, exclude: exclude, withLexical: !exact,
                                              withRows: !exact || voting, threads: threads, progress: progress)
        let votes = voting ? others.first { $0.name == "rows" }?.lists : nil
        return (merged(teacher: lists, others: exact ? [] : others.map { $0.lists }, teacherQueries: tq), votes)
    }

    /// Each candidate source's lists for featurised texts, best first by the source's own score, and
    /// their union (for shortlist recall reports): ("teacher", ...), ("lexical", ...), ("rows", ...),
    /// ("union", ...).
    public func candidateSources(_ features: SparseMatrix, exclude: SparseMatrix?, threads: Int,
                                 progress: Progress = .silent) throws(LeverError) -> [(name: String, lists: Lists)] {
        let tq = teacher.embed(features, threads: threads)
        let (lists, others) = try sourceLists(features, teacherQueries: tq, k: 1, exclude: exclude, withLexical: true,
                                              withRows: true, threads: threads, progress: progress)
        let exact = predictShortlist == 0 || predictShortlist >= numLabels
        return [("teacher", lists)] + others
            + [("union", merged(teacher: lists, others: exact ? [] : others.map { $0.lists }, teacherQueries: tq))]
    }

    /// Top-k per text. With `within`, only candidates in that label range are scored and ranked: the
    /// candidates are the full prediction's (every label's score is its own), so the ranges' lists,
    /// merged by score, are the full top-k.
    func predict(_ features: SparseMatrix, k: Int, exclude: SparseMatrix?, within: Range<Int>? = nil, threads: Int,
                 progress: Progress) throws(LeverError) -> [[(Int32, Float)]] {
        let remapped = teacher.encoder.vocabulary.remap(features)
        let tq = teacher.encoder.encodeAll(remapped, threads: threads)
        let sq = encoder.map { $0.encodeAll(remapped, threads: threads) } ?? tq
        let n = features.rows, d = dim
        let (all, votes) = try candidates(features, teacherQueries: tq, k: k, exclude: exclude, threads: threads,
                                          progress: progress)
        let shortlist = within.map { r in all.map { $0.filter { r.contains(Int($0.0)) } } } ?? all
        let fusion = self.fusion
        return sq.withUnsafeBufferPointer { sqb in
            let sp = SendableConstPointer(sqb.baseAddress!)
            return Parallel.mapChunks(n, threads: threads) { range in
                var top = TopK(k)
                return range.map { i -> [(Int32, Float)] in
                    top.reset()
                    let xr = remapped.rowRange(i)
                    var probs = weights.logits(shortlist[i], sp.pointer + i * d)
                    for (j, (l, _)) in shortlist[i].enumerated() {
                        var s = probs[j]
                        if let sparse { s += sparse.score(label: Int(l), row: xr, of: remapped) }
                        probs[j] = StudentScorer.sigmoid(s)
                    }
                    linear?.combine(&probs, labels: shortlist[i], row: xr, of: remapped)
                    if let votes, let rows { rows.mix(&probs, labels: shortlist[i], votes: votes[i]) }
                    for (j, (l, cos)) in shortlist[i].enumerated() { top.push(l, (1 - fusion) * probs[j] + fusion * cos) }
                    return top.sorted()
                }
            }.flatMap { $0 }
        }
    }
}
