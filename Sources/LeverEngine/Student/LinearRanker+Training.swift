/// Training of the linear ranker: one independent problem per label, solved in parallel over labels
/// (each label's result is the same whichever thread solves it, so training is deterministic).
extension LinearRanker {
    /// One training instance of a label: a text row, its sign (+1 positive, -1 negative) times its cost.
    typealias Instance = (row: Int32, signedCost: Float)

    /// Single-process training: the problem of every label, solved as one shard (a sharded run takes
    /// the same steps over label ranges, `LinearRanker+Shards`).
    static func train(config: StudentConfig, view: TeacherView, examples: TrainingExamples, trainLabels: SparseMatrix,
                      otherCandidates: [[(Int32, Float)]], threads: Int, seed: UInt64,
                      progress: Progress) throws(LeverError) -> LinearRanker {
        let problem = LinearProblem.build(config: config, view: view, examples: examples, trainLabels: trainLabels,
                                          otherCandidates: otherCandidates, seed: seed)
        return try problem.solve(labels: 0..<problem.numLabels, threads: threads, progress: progress).ranker
    }

    /// With `linear_weight_ramp` r > 0, label l's share linear_weight x n_l / (n_l + r), n_l its
    /// ground-truth positives (training rows that carry it): the linear term, precise where a label
    /// has many examples, weighs most on head labels, the dense term (and LEVER's transfer) on the tail.
    static func labelWeights(config: StudentConfig, trainLabels: SparseMatrix, numLabels: Int) -> [Float]? {
        guard config.linearWeightRamp > 0 else { return nil }
        var n = [Float](repeating: 0, count: numLabels)
        for (j, l) in trainLabels.indices.enumerated() where trainLabels.values[j] > 0 && Int(l) < numLabels {
            n[Int(l)] += 1
        }
        return n.map { config.linearWeight * $0 / ($0 + config.linearWeightRamp) }
    }

    /// Per label, its instances (CSR by label): each example's positive targets (cost
    /// `linear_c` x value x weight) and, as negatives of cost `linear_c`, the other labels of its
    /// teacher shortlist (first `linear_negatives`) and the other sources' candidates.
    static func instanceLists(config: StudentConfig, view: TeacherView, examples: TrainingExamples,
                              otherCandidates: [[(Int32, Float)]]) -> (offsets: [Int], instances: [Instance]) {
        let L = view.numLabels
        func forEachInstance(_ body: (Int32, Instance) -> Void) {
            var seen = Set<Int32>()
            for (e, source) in examples.sources.enumerated() {
                seen.removeAll(keepingCapacity: true)
                let row = Int32(source)
                for t in examples.targets[e] where seen.insert(t.label).inserted {
                    // A soft target (value < 1) is a positive of reduced cost, or left out.
                    let cost = config.linearC * t.value * t.weight * (t.value < 1 ? config.linearSoftCost : 1)
                    // A cost too small for its inverse (the dual's diagonal) to be finite is left out.
                    if cost > 0, (1 / (2 * cost)).isFinite { body(t.label, (row, cost)) }
                }
                for (l, _) in view.shortlists[source].prefix(config.linearNegatives) where seen.insert(l).inserted {
                    body(l, (row, -config.linearC))
                }
                if source < otherCandidates.count {
                    for (l, _) in otherCandidates[source] where seen.insert(l).inserted {
                        body(l, (row, -config.linearC))
                    }
                }
            }
        }
        var offsets = [Int](repeating: 0, count: L + 1)
        forEachInstance { l, _ in offsets[Int(l) + 1] += 1 }
        for l in 0..<L { offsets[l + 1] += offsets[l] }
        var fill = Array(offsets[0..<L])
        var instances = [Instance](repeating: (0, 0), count: offsets[L])
        forEachInstance { l, ins in instances[fill[Int(l)]] = ins; fill[Int(l)] += 1 }
        return (offsets, instances)
    }
}

/// Dual coordinate descent for one label's L2-regularised squared-hinge problem (LIBLINEAR's
/// solver for the dual of min 0.5|w|^2 + sum_i C_i max(0, 1 - y_i (w.x_i + b))^2, the bias an
/// extra feature of value 1), over a dense weight scratch reused between labels.
struct LabelSolver {
    private var w: [Float]
    private var touched: [Int32] = []
    private var isTouched: [Bool]
    private var sorter = RadixSorter()

    init(featureCount: Int) {
        w = [Float](repeating: 0, count: featureCount)
        isTouched = [Bool](repeating: false, count: featureCount)
    }

    /// Stops when the largest projected gradient of a pass is below this (LIBLINEAR's default).
    static let tolerance: Float = 0.1

    /// The label's weights (features sorted, |w| >= prune) and bias.
    mutating func solve(_ instances: Slice<UnsafeBufferPointer<LinearRanker.Instance>>, texts: SparseMatrix, c: Float,
                        iterations: Int, prune: Float, seed: UInt64) -> ([Int32], [Float], Float) {
        let n = instances.count
        if n == 0 { return ([], [], 0) }
        var alpha = [Float](repeating: 0, count: n)
        var diag = [Float](repeating: 0, count: n)
        var qd = [Float](repeating: 0, count: n)
        var bias: Float = 0
        for (i, ins) in instances.enumerated() {
            diag[i] = 1 / (2 * abs(ins.signedCost))
            var norm: Float = 1
            for j in texts.rowRange(Int(ins.row)) { norm += texts.values[j] * texts.values[j] }
            qd[i] = norm + diag[i]
        }
        var order = Array(0..<n)
        var rng = SeededRandom(seed: seed)
        let base = instances.startIndex
        // The scratch arrays move into locals for the loop (no overlapping access to self).
        var w: [Float] = [], touched: [Int32] = [], isTouched: [Bool] = []
        swap(&w, &self.w)
        swap(&touched, &self.touched)
        swap(&isTouched, &self.isTouched)
        defer {
            swap(&w, &self.w)
            swap(&touched, &self.touched)
            swap(&isTouched, &self.isTouched)
        }
        texts.indices.withUnsafeBufferPointer { xi in texts.values.withUnsafeBufferPointer { xv in
            w.withUnsafeMutableBufferPointer { wp in
                for _ in 0..<iterations {
                    rng.shuffle(&order)
                    var largest: Float = 0
                    for i in order {
                        let ins = instances[base + i]
                        let y: Float = ins.signedCost > 0 ? 1 : -1
                        let range = texts.rowRange(Int(ins.row))
                        var s = bias
                        for j in range { s += wp[Int(xi[j])] * xv[j] }
                        let g = y * s - 1 + diag[i] * alpha[i]
                        let pg = alpha[i] == 0 ? min(g, 0) : g
                        largest = max(largest, abs(pg))
                        if pg == 0 { continue }
                        let updated = max(alpha[i] - g / qd[i], 0)
                        let step = (updated - alpha[i]) * y
                        alpha[i] = updated
                        if step == 0 { continue }
                        bias += step
                        for j in range {
                            let f = Int(xi[j])
                            if !isTouched[f] { isTouched[f] = true; touched.append(xi[j]) }
                            wp[f] += step * xv[j]
                        }
                    }
                    if largest < LabelSolver.tolerance { break }
                }
            }
        } }
        sorter.sort(&touched)
        var features: [Int32] = [], weights: [Float] = []
        for f in touched {
            let v = w[Int(f)]
            if abs(v) >= prune { features.append(f); weights.append(v) }
            w[Int(f)] = 0
            isTouched[Int(f)] = false
        }
        touched.removeAll(keepingCapacity: true)
        return (features, weights, bias)
    }
}
