/// New labels by text, without retraining (zero-shot): a new model with labels appended, each scored
/// from its text through the teacher's encoder.
///
/// - The teacher gets each new label's embedding exactly as teacher training computes a label's:
///   the model's featuriser (its IDF unchanged) and the teacher's encoder over the label text.
/// - A student (`lever`, `ova`) gets each new label's vector initialised as student training
///   initialises every label before its first epoch: `init_scale` x the teacher's embedding, bias
///   -`init_scale` / 2 (the `student.init_scale` the model was trained with).
/// - The student's linear ranker, sparse term, lexical and row sources get no entries for a new label:
///   they are built from training rows that carry the label, and a new label has none. The lexical
///   and row sources therefore never propose it; it reaches the student's candidates through the teacher's
///   shortlist, and the linear ranker leaves its score to the dense term (`trainedLabels`).
/// - When the student's shortlist searches an HNSW graph, a copy of the graph gets the new labels'
///   embeddings inserted (the model's graph is not changed).
/// - kNN models rank labels only through training rows and are refused.
///
/// Texts must be non-empty and free of NUL bytes. A text may repeat another label's text, as label
/// texts of training data may (WordNet's 15,224 labels have 572 repeated texts): such labels get the
/// same teacher embedding. The model itself is not changed.
extension LeverModel {
    public func addingLabels(_ texts: [String], threads: Int = 1) throws(LeverError) -> LeverModel {
        guard !texts.isEmpty else { throw .invalidArgument("no label texts to add") }
        guard let teacher = encoderScorer else {
            throw .invalidArgument("a \"\(method)\" model ranks labels only through the training rows that carry"
                                   + " them, so labels cannot be added by text; use a teacher or lever model")
        }
        let total = numLabels + texts.count
        guard total <= Int(Int32.max) else {
            throw .invalidArgument("\(numLabels) + \(texts.count) labels exceed \(Int32.max)")
        }
        for (i, t) in texts.enumerated() {
            if t.isEmpty { throw .invalidArgument("texts[\(i)] is empty") }
            if t.utf8.contains(0) { throw .invalidArgument("texts[\(i)] contains a NUL byte") }
        }
        try Memory.check(total * (teacher.dim + 1) * 4 * 2, "the model with \(total) labels")
        let features = try featurizer.transform(texts, threads: threads, progress: .silent, stage: "features-labels")
        // Rounded to half precision, as training rounds its label embeddings.
        let added = teacher.embed(features, threads: threads).map { Float(Float16($0)) }
        let widened = teacher.appending(embeddings: added, count: texts.count)
        let newScorer: Scorer
        switch scorer {
        case .knn: throw LeverError(.internal, "unreachable: kNN has no encoder")
        case .teacher: newScorer = .teacher(widened)
        case .student(let student):
            newScorer = .student(try student.appendingLabels(teacher: widened, embeddings: added, count: texts.count,
                                                             initScale: try studentInitScale(), threads: threads))
        }
        return LeverModel(config: config, labelTexts: labelTexts + texts, featurizer: featurizer, scorer: newScorer)
    }

    /// The `student.init_scale` of the config the model was trained with (the default when the
    /// config predates the key).
    func studentInitScale() throws(LeverError) -> Float {
        switch config["student"]?["init_scale"] {
        case nil: return StudentConfig().initScale
        case .double(let d)?: if d.isFinite && (0...1000).contains(d) { return Float(d) }
        case .int(let i)?: if (0...1000).contains(i) { return Float(i) }
        default: break
        }
        throw .corrupt("the model's config has an invalid \"student.init_scale\"")
    }
}

extension TeacherScorer {
    /// The scorer with `count` more labels whose unit embeddings (count x dim) follow the others.
    func appending(embeddings: [Float], count: Int) -> TeacherScorer {
        TeacherScorer(encoder: encoder, labelEmbeddings: labelEmbeddings + embeddings, numLabels: numLabels + count)
    }
}

extension StudentScorer {
    /// The student over `teacher` (this student's teacher with `count` labels appended, whose
    /// embeddings are `embeddings`): the new labels' vectors as training initialises them, no sparse
    /// entries, no training rows in the lexical or row source, and the new labels in the HNSW graph.
    func appendingLabels(teacher: TeacherScorer, embeddings: [Float], count: Int, initScale: Float,
                         threads: Int) throws(LeverError) -> StudentScorer {
        let d = dim
        var w: [Float] = []
        w.reserveCapacity(count * (d + 1))
        for l in 0..<count {
            for c in 0..<d { w.append(initScale * embeddings[l * d + c]) }
            w.append(-initScale / 2)
        }
        var lex = lexical
        if let index = lexical {
            var labels = index.trainLabels
            labels.cols += count
            lex = KNNIndex(config: index.config, postings: index.postingLists, trainLabels: CSRStorage(labels))
        }
        var student = StudentScorer(teacher: teacher, encoder: encoder, weights: weights.appending(floats: w),
                             sparse: sparse?.appendingEmptyLabels(count), lexical: lex,
                             predictShortlist: predictShortlist, lexicalShortlist: lexicalShortlist, fusion: fusion,
                             ann: try ann?.adding(count: count, all: teacher.labelEmbeddings, threads: threads))
        student.linear = linear?.appendingEmptyLabels(count)
        student.rows = rows?.appendingLabels(count)
        return student
    }
}

extension SparseTerm {
    /// The term with `count` more labels that have no entries.
    func appendingEmptyLabels(_ count: Int) -> SparseTerm {
        let end = support.offsets.last ?? 0
        return SparseTerm(numLabels: numLabels + count, offsets: support.offsets + [Int](repeating: end, count: count),
                          features: support.features, weights: weights,
                          scales: scales.map { $0 + [Float](repeating: 0, count: count) })
    }
}
