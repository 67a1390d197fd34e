/// The lexical candidate source of the student: a TF-IDF nearest-neighbour index over the training
/// rows, and each training row's candidates from it (leave-one-out, as an unseen text would get).
/// A feature keeps at most `student.lexical_max_postings` postings (at least `knn.neighbours`), those
/// of largest weight: the common features' long postings cost most of the index's bytes and query
/// time and move similarities least (their IDF, so their weight, is low).
struct LexicalSource {
    let index: KNNIndex
    let trainLists: [[(Int32, Float)]]

    static func build(_ config: RunConfig, trainFeatures: SparseMatrix, trainLabels: SparseMatrix, threads: Int,
                      progress: Progress) throws(LeverError) -> LexicalSource? {
        let k = config.student.lexicalShortlist
        guard k > 0 else { return nil }
        let index = KNNIndex.lexical(config, trainFeatures: trainFeatures, trainLabels: trainLabels)
        let lists = try index.predict(trainFeatures, k: k, leaveOneOut: true, threads: threads, progress: progress,
                                      stage: "lexical-shortlists")
        return LexicalSource(index: index, trainLists: lists)
    }
}

extension KNNIndex {
    /// The lexical source's index over featurised training rows, as training builds it (half-float
    /// weights, at most `student.lexical_max_postings` postings a feature).
    public static func lexical(_ config: RunConfig, trainFeatures: SparseMatrix,
                               trainLabels: SparseMatrix) -> KNNIndex {
        let cap = config.student.lexicalMaxPostings
        let postings = cap == 0 ? trainFeatures.transposed()
            : trainFeatures.transposed().keepingLargest(perRow: max(config.knn.neighbours, cap))
        return KNNIndex(config: config.knn, postings: PostingLists(postings, half: true),
                        trainLabels: CSRStorage(trainLabels))
    }
}

/// The student's candidate sources besides the teacher, built once per run (both students of a
/// comparison share them), and per training input the union of their leave-one-out lists.
struct OtherSources {
    let lexical: LexicalSource?
    let rows: RowSource?
    let trainLists: [[(Int32, Float)]]

    static func build(_ config: RunConfig, view: TeacherView, trainFeatures: SparseMatrix, trainLabels: SparseMatrix,
                      threads: Int, progress: Progress) throws(LeverError) -> OtherSources {
        let lexical = try LexicalSource.build(config, trainFeatures: trainFeatures, trainLabels: trainLabels,
                                              threads: threads, progress: progress)
        let rows = try RowSource.build(config, view: view, trainLabels: trainLabels, threads: threads,
                                       progress: progress)
        var lists = lexical?.trainLists ?? []
        if let rowLists = rows?.trainLists {
            if lists.isEmpty {
                lists = rowLists
            } else {
                for i in lists.indices where i < rowLists.count {
                    let have = Set(lists[i].map { $0.0 })
                    lists[i] += rowLists[i].filter { !have.contains($0.0) }
                }
            }
        }
        return OtherSources(lexical: lexical, rows: rows?.source, trainLists: lists)
    }
}

/// The LEVER pipeline after the teacher: build the student's training set (plain or distilled)
/// and train the student on it.
enum StudentTraining {
    /// With `deferLinear`, the linear ranker is not solved: its problem is returned (tokened to the
    /// student) for a label-sharded run to solve, and the student has no linear term yet.
    static func train(_ config: RunConfig, view: TeacherView, sources: OtherSources, trainLabels: SparseMatrix,
                      distill: Bool, deferLinear: Bool = false, threads: Int,
                      progress: Progress) throws(LeverError) -> (StudentScorer, JSONObject, LinearProblem?) {
        let examples = distill
            ? try TrainingExamples.distilled(trainLabels: trainLabels, view: view, config: config.distillation,
                                             ann: config.ann, seed: config.seed, threads: threads, progress: progress)
            : TrainingExamples.plain(trainLabels: trainLabels)
        // The prediction shortlist searches the graph only when it is shorter than the label list.
        let keepsGraph = config.student.predictShortlist > 0 && config.student.predictShortlist < view.numLabels
        let trainer = StudentTrainer(config: config.student, view: view, examples: examples,
                                     otherCandidates: sources.trainLists, threads: threads, seed: config.seed)
        let trained = try trainer.train(name: distill ? "student-lever" : "student-ova", progress: progress)
        let linear = config.student.linear && !deferLinear
            ? try LinearRanker.train(config: config.student, view: view, examples: examples, trainLabels: trainLabels,
                                     otherCandidates: sources.trainLists, threads: threads, seed: config.seed,
                                     progress: progress)
            : nil
        var scorer = StudentScorer(teacher: view.teacher, encoder: trained.encoder,
                                   weights: ClassifierWeights.quantized(dim: view.teacher.dim, floats: trained.weights),
                                   sparse: trained.sparse,
                                   lexical: sources.lexical?.index,
                                   predictShortlist: config.student.predictShortlist,
                                   lexicalShortlist: sources.lexical == nil ? 0 : config.student.lexicalShortlist,
                                   fusion: config.student.fusion,
                                   ann: keepsGraph ? view.labelSearch.index : nil)
        scorer.linear = linear
        scorer.rows = sources.rows
        var details = JSONObject()
        details["examples"] = .int(Int64(examples.count))
        details["label_rows"] = .int(Int64(examples.labelRows))
        details["similar_label_targets"] = .int(Int64(examples.similarLabelTargets))
        details["mined_targets"] = .int(Int64(examples.minedTargets))
        if let f = examples.fittedSigmoid {
            var o = JSONObject()
            o["a"] = .double(Double(f.a))
            o["b"] = .double(Double(f.b))
            details["fitted_sigmoid"] = .object(o)
        }
        details["sparse_weights"] = .int(Int64(trained.sparse?.entries ?? 0))
        details["linear_weights"] = .int(Int64(linear?.entries ?? 0))
        details["epochs"] = .array(trained.history)
        guard config.student.linear && deferLinear else { return (scorer, details, nil) }
        var problem = LinearProblem.build(config: config.student, view: view, examples: examples,
                                          trainLabels: trainLabels, otherCandidates: sources.trainLists,
                                          seed: config.seed)
        problem.token = LinearProblem.token(of: scorer, config: config.document)
        return (scorer, details, problem)
    }
}
