/// The student's training set: each example is a text (a training input or a label text) with
/// targets in [0, 1] and a loss weight per target.
struct TrainingExamples {
    /// Row of TeacherView.texts for each example.
    var sources: [Int] = []
    /// Per example: (label, target value, weight), labels distinct.
    var targets: [[(label: Int32, value: Float, weight: Float)]] = []
    /// Counts for the report.
    var labelRows = 0, similarLabelTargets = 0, minedTargets = 0
    /// The calibrated transform's fitted sigmoid, for the report.
    var fittedSigmoid: (a: Float, b: Float)?

    var count: Int { sources.count }

    /// Ground truth only: one example per training row, target 1 on each positive.
    static func plain(trainLabels: SparseMatrix) -> TrainingExamples {
        var ex = TrainingExamples()
        for r in 0..<trainLabels.rows {
            let t = trainLabels.rowRange(r).compactMap { j -> (label: Int32, value: Float, weight: Float)? in
                trainLabels.values[j] > 0 ? (trainLabels.indices[j], 1, 1) : nil
            }
            if t.isEmpty { continue }
            ex.sources.append(r)
            ex.targets.append(t)
        }
        return ex
    }

    /// Per label, its training rows (positive entries).
    static func positiveCounts(trainLabels: SparseMatrix, numLabels: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: numLabels)
        for j in 0..<trainLabels.nnz where trainLabels.values[j] > 0 && Int(trainLabels.indices[j]) < numLabels {
            counts[Int(trainLabels.indices[j])] += 1
        }
        return counts
    }

    /// The labels LEVER mines training inputs for: those with fewer than `mined_rows` training rows
    /// (`counts`, from `positiveCounts`), rarest first (ties by id), each asking for `mined_rows + 16`
    /// inputs; nil when there are none.
    static func miningRequest(counts: [Int], config: DistillationConfig) -> TeacherView.MiningRequest? {
        guard config.minedRows > 0 else { return nil }
        let tail = counts.indices.filter { counts[$0] < config.minedRows }
            .sorted { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }
        return tail.isEmpty ? nil : TeacherView.MiningRequest(labels: tail, k: config.minedRows + 16)
    }

    /// LEVER's augmentation of the ground truth with the teacher's soft scores (never overwriting
    /// a ground-truth positive): label texts as rows (label -> itself plus teacher-similar labels),
    /// and teacher-mined training inputs as soft positives for tail labels.
    /// Tail labels take the inputs the teacher view mined during its shortlist search when it did
    /// (`view.mined`, for the same request; the trainer always passes it, and a view whose labels
    /// were searched through a graph then mines from its shortlists); else they search here: through
    /// an HNSW graph over the input embeddings (built and dropped here) when there are at least
    /// `ann.minItems` inputs, else exactly.
    static func distilled(trainLabels: SparseMatrix, view: TeacherView, config: DistillationConfig, ann: ANNConfig,
                          seed: UInt64, threads: Int, progress: Progress) throws(LeverError) -> TrainingExamples {
        var ex = TrainingExamples()
        // Ground-truth rows, indexed by training row so mined targets can join them.
        var rowTargets = [[(label: Int32, value: Float, weight: Float)]](repeating: [], count: trainLabels.rows)
        for r in 0..<trainLabels.rows {
            for j in trainLabels.rowRange(r) where trainLabels.values[j] > 0 {
                rowTargets[r].append((trainLabels.indices[j], 1, 1))
            }
        }
        let counts = positiveCounts(trainLabels: trainLabels, numLabels: view.numLabels)
        let request = miningRequest(counts: counts, config: config)
        // Fitted only when some soft target will use it.
        if config.transform == .calibrated && (request != nil || (config.labelRows && config.similarLabels > 0)) {
            ex.fittedSigmoid = SoftTargetCalibration.fit(shortlists: view.shortlists[0..<view.numInputs],
                                                         trainLabels: trainLabels)
        }
        let fitted = ex.fittedSigmoid
        if let request {
            let tail = request.labels
            let nearest: [[(Int32, Float)]]
            if let mined = view.mined, mined.request == request {
                nearest = mined.lists
            } else {
                let d = view.dim
                var q = [Float](repeating: 0, count: tail.count * d)
                for (i, l) in tail.enumerated() {
                    for c in 0..<d { q[i * d + c] = view.teacher.labelEmbeddings[l * d + c] }
                }
                let inputs = ArrayStorage(Array(view.embeddings[0..<(view.numInputs * d)]))
                let search = try VectorSearch.over(inputs, count: view.numInputs, dim: d, config: ann.forTraining,
                                                   seed: seed, threads: threads, progress: progress,
                                                   stage: "ann-inputs")
                nearest = try search.topK(queries: q, count: tail.count, items: inputs, numItems: view.numInputs,
                                          dim: d, k: request.k, exclude: nil, threads: threads,
                                          progress: progress, stage: "mine-inputs")
            }
            for (i, l) in tail.enumerated() {
                var have = counts[l]
                for (row, sim) in nearest[i] where have < config.minedRows && sim >= config.minedThreshold {
                    let r = Int(row)
                    if rowTargets[r].contains(where: { Int($0.label) == l }) { continue }
                    rowTargets[r].append((Int32(l), config.soft(sim, fitted: fitted), config.teacherWeight))
                    have += 1
                    ex.minedTargets += 1
                }
            }
        }
        for r in 0..<trainLabels.rows where !rowTargets[r].isEmpty {
            ex.sources.append(r)
            ex.targets.append(rowTargets[r])
        }
        if config.labelRows {
            // Label-label similarities: label texts against label embeddings.
            let d = view.dim
            let labelQueries = Array(view.embeddings[(view.numInputs * d)...])
            let similar = config.similarLabels > 0
                ? try view.labelSearch.withSearchList(ann.forTraining.efSearch).topK(
                    queries: labelQueries, count: view.numLabels, items: view.teacher.labelEmbeddings,
                    numItems: view.numLabels, dim: d, k: config.similarLabels + 1, exclude: nil, threads: threads,
                    progress: progress, stage: "similar-labels")
                : []
            for l in 0..<view.numLabels {
                var t: [(label: Int32, value: Float, weight: Float)] = [(Int32(l), 1, 1)]
                if config.similarLabels > 0 {
                    for (other, sim) in similar[l] where Int(other) != l && t.count <= config.similarLabels && sim >= config.similarThreshold {
                        t.append((other, config.soft(sim, fitted: fitted), config.teacherWeight))
                        ex.similarLabelTargets += 1
                    }
                }
                ex.sources.append(view.numInputs + l)
                ex.targets.append(t)
                ex.labelRows += 1
            }
        }
        return ex
    }
}
