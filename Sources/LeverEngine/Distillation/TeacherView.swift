/// What the student stage needs from a trained teacher, computed once: the teacher's embeddings of
/// every training input and label text, and each one's teacher shortlist (top labels by cosine).
struct TeacherView {
    let teacher: TeacherScorer
    /// Training inputs then label texts, re-indexed to encoder rows (one matrix, so an example's
    /// text is a row index).
    let texts: SparseMatrix
    let numInputs: Int
    /// (numInputs + numLabels) x dim.
    let embeddings: [Float]
    /// Top teacher labels (with cosines) per text row (empty for label texts unless asked for).
    let shortlists: [[(Int32, Float)]]
    /// How top-k searches over the teacher's label embeddings run (exact, or an HNSW graph that the
    /// student keeps for its prediction shortlist).
    let labelSearch: VectorSearch
    /// LEVER's mining, when it was done during the shortlist search: the request and, per requested
    /// label, its best training inputs.
    let mined: (request: MiningRequest, lists: [[(Int32, Float)]])?

    /// Labels whose best training inputs LEVER mines (in this order), and how many each.
    struct MiningRequest: Equatable {
        let labels: [Int]
        let k: Int
    }

    var numLabels: Int { teacher.numLabels }
    var dim: Int { teacher.dim }

    /// With `labelTextLists` false, only the training inputs get a shortlist (label texts get empty
    /// lists): a student reads a label text's list only when label texts are training rows. When both
    /// searches are exact, `mining` is answered from the same scores (the transpose of the inputs'
    /// search, equal to rounding), saving a second pass over all inputs and labels; when the labels
    /// are searched through a graph (with `ann.training_ef_search`), from the inputs' lists.
    static func build(teacher: TeacherScorer, inputFeatures: SparseMatrix, labelFeatures: SparseMatrix, shortlist: Int,
                      labelTextLists: Bool, mining: MiningRequest? = nil, ann: ANNConfig, seed: UInt64, threads: Int,
                      progress: Progress) throws(LeverError) -> TeacherView {
        var texts = teacher.encoder.vocabulary.remap(inputFeatures)
        texts.appendRows(of: teacher.encoder.vocabulary.remap(labelFeatures))
        let emb = teacher.encoder.encodeAll(texts, threads: threads)
        let k = max(1, shortlist)
        let labels = teacher.labelEmbeddings
        let search = try VectorSearch.over(labels, count: teacher.numLabels, dim: teacher.dim, config: ann, seed: seed,
                                           threads: threads, progress: progress, stage: "ann-labels")
        let queries = labelTextLists ? texts.rows : inputFeatures.rows
        var lists: [[(Int32, Float)]]
        var mined: (request: MiningRequest, lists: [[(Int32, Float)]])? = nil
        // Fused only where both searches would be exact and score through sgemm (three or more
        // queries each, see DenseScorer); the mined scores then equal the separate search's to
        // rounding (a product and its transpose are summed in different orders).
        if let mining, search.index == nil, inputFeatures.rows < ann.minItems, mining.labels.count > 2,
           inputFeatures.rows > 2 {
            var columns: ColumnTopK? = ColumnTopK(items: mining.labels, numItems: teacher.numLabels, k: mining.k,
                                                  queries: 0..<inputFeatures.rows)
            lists = try DenseScorer.topK(queries: emb, count: queries, labels: labels, numLabels: teacher.numLabels,
                                         dim: teacher.dim, k: k, exclude: nil, threads: threads, columns: &columns,
                                         progress: progress, stage: "teacher-shortlists")
            mined = (mining, columns!.sorted())
        } else {
            // Through a graph, with training's candidate list size.
            lists = try search.withSearchList(ann.forTraining.efSearch).topK(
                queries: emb, count: queries, items: labels, numItems: teacher.numLabels, dim: teacher.dim, k: k,
                exclude: nil, threads: threads, progress: progress, stage: "teacher-shortlists")
            if let mining, search.index != nil {
                mined = (mining, minedFromShortlists(lists[0..<inputFeatures.rows], request: mining,
                                                     numLabels: teacher.numLabels))
            }
        }
        lists += repeatElement([], count: texts.rows - queries)
        return TeacherView(teacher: teacher, texts: texts, numInputs: inputFeatures.rows, embeddings: emb,
                           shortlists: lists, labelSearch: search, mined: mined)
    }

    /// LEVER's mining read from the training inputs' shortlists when they came through a graph: a
    /// requested label's best inputs among those whose shortlist holds it. This spares a graph over the
    /// inputs and a search per tail label (over 1M labels, nearly every label is a tail label). An
    /// input close enough to be mined (cosine at least `distillation.mined_threshold`) is usually
    /// among its own nearest labels, so the lists hold most of what an exact search of the inputs would.
    static func minedFromShortlists(_ lists: ArraySlice<[(Int32, Float)]>, request: MiningRequest,
                                    numLabels: Int) -> [[(Int32, Float)]] {
        var columns = ColumnTopK(items: request.labels, numItems: numLabels, k: request.k, queries: lists.indices)
        for row in lists.indices {
            for (label, score) in lists[row] { columns.add(query: row, item: label, score: score) }
        }
        return columns.sorted()
    }
}
