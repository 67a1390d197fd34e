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
    /// Top teacher labels (with cosines) per text row.
    let shortlists: [[(Int32, Float)]]
    /// How top-k searches over the teacher's label embeddings run (exact, or an HNSW graph that the
    /// student keeps for its prediction shortlist).
    let labelSearch: VectorSearch

    var numLabels: Int { teacher.numLabels }
    var dim: Int { teacher.dim }

    static func build(teacher: TeacherScorer, inputFeatures: SparseMatrix, labelFeatures: SparseMatrix, shortlist: Int,
                      ann: ANNConfig, seed: UInt64, threads: Int,
                      progress: Progress) throws(LeverError) -> TeacherView {
        var texts = teacher.encoder.vocabulary.remap(inputFeatures)
        texts.appendRows(of: teacher.encoder.vocabulary.remap(labelFeatures))
        let emb = teacher.encoder.encodeAll(texts, threads: threads)
        let k = max(1, shortlist)
        let labels = teacher.labelEmbeddings
        let search = try VectorSearch.over(labels, count: teacher.numLabels, dim: teacher.dim, config: ann, seed: seed,
                                           threads: threads, progress: progress, stage: "ann-labels")
        let lists = try search.topK(queries: emb, count: texts.rows, items: labels, numItems: teacher.numLabels,
                                    dim: teacher.dim, k: k, exclude: nil, threads: threads, progress: progress,
                                    stage: "teacher-shortlists")
        return TeacherView(teacher: teacher, texts: texts, numInputs: inputFeatures.rows, embeddings: emb,
                           shortlists: lists, labelSearch: search)
    }
}
