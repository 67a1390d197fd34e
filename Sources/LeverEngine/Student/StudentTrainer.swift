#if canImport(Glibc)
import Glibc
#endif
import CLever

/// Trains the OvA student with binary cross-entropy over each example's targets plus a shortlist of
/// hard negatives (the teacher's top labels for the example's text, the other candidate sources' labels
/// and the positives of a few other rows in the batch); no step scores all labels. The logit of a label
/// is its dense term (classifier vector . student embedding + bias) plus, when enabled, its sparse
/// term over the example's TF-IDF features; both are trained together on the same candidates.
struct StudentTrainer {
    let config: StudentConfig
    let view: TeacherView
    let examples: TrainingExamples
    /// Per training input: the other sources' candidates (lexical and row source, leave-one-out), empty
    /// when they are off.
    let otherCandidates: [[(Int32, Float)]]
    let threads: Int
    let seed: UInt64

    struct Trained {
        var weights: [Float]
        var encoder: SparseEncoder?
        var sparse: SparseTerm?
        var history: [JSONValue]
    }

    /// One example's candidates with their gradients (phase 1 of a step, computed in parallel).
    private struct RowGradients {
        var labels: [Int32] = []
        var grads: [Float] = []
    }

    typealias Candidate = (label: Int32, value: Float, weight: Float)

    /// Candidates of example `ex` (text row `source`): targets first, then negatives, labels distinct.
    private func candidates(_ ex: Int, source: Int, batch: [Int], position j: Int, into out: inout [Candidate]) {
        out.removeAll(keepingCapacity: true)
        for t in examples.targets[ex] { out.append((t.label, t.value, t.weight)) }
        for (l, _) in view.shortlists[source].prefix(config.shortlist) { out.append((l, 0, 1)) }
        if source < otherCandidates.count { for (l, _) in otherCandidates[source] { out.append((l, 0, 1)) } }
        let n = batch.count
        if n > 1 {
            for o in 1...min(config.inBatchRows, n - 1) {
                for t in examples.targets[batch[(j + o) % n]] { out.append((t.label, 0, 1)) }
            }
        }
        // Keep each label's first occurrence (targets come first and carry their values).
        var order = (0..<out.count).map { (label: out[$0].label, rank: $0) }
        order.sort { $0.label != $1.label ? $0.label < $1.label : $0.rank < $1.rank }
        var keep = [Bool](repeating: false, count: out.count)
        var last: Int32 = -1
        for (l, r) in order where l != last { keep[r] = true; last = l }
        var k = 0
        for i in 0..<out.count where keep[i] { out[k] = out[i]; k += 1 }
        out.removeLast(out.count - k)
    }

    func train(name: String, progress: Progress) throws(LeverError) -> Trained {
        let d = view.dim, dw = d + 1, L = view.numLabels
        var encoder = view.teacher.encoder
        let finetune = config.encoder == .finetune && config.encoderLearningRate > 0
        // Classifier init from the teacher's label embeddings.
        var weights = [Float](repeating: 0, count: L * dw)
        for l in 0..<L {
            for c in 0..<d { weights[l * dw + c] = config.initScale * view.teacher.labelEmbeddings[l * d + c] }
            weights[l * dw + d] = -config.initScale / 2
        }
        // The sparse term's support is fixed during training; its weights live in their own array so
        // the parallel phase can read them while nothing else holds a reference (no copy on write).
        let support: SparseSupport? = config.sparse
            ? SparseTerm.support(texts: view.texts, sources: examples.sources,
                                 positives: examples.targets.map { $0.compactMap { $0.value > 0 ? $0.label : nil } },
                                 numLabels: L, maxPerLabel: config.sparseMaxFeatures).support
            : nil
        var sparseWeights = [Float](repeating: 0, count: support?.features.count ?? 0)
        var sparseOpt = SparseTermOptimizer(entries: sparseWeights.count, learningRate: config.sparseLearningRate,
                                            l2: config.sparseL2)
        var wAdam = SparseAdam(rows: L, dim: dw, learningRate: config.learningRate)
        var eAdam = finetune ? SparseAdam(rows: encoder.rows, dim: d, learningRate: config.encoderLearningRate,
                                            secondMoment: config.adamSecondMoment) : nil
        var wGrad = GradientBuffer(rows: L, dim: dw)
        var eGrad = GradientBuffer(rows: encoder.rows, dim: d)
        var rng = SeededRandom(seed: seed &+ 0x57D)
        var dropoutRNG = SeededRandom(seed: seed &+ 0xD50)
        var history: [JSONValue] = []
        let b = config.batchSize
        var emb = [Float](repeating: 0, count: b * d), norms = [Float](repeating: 0, count: b), demb = emb
        let texts = view.texts
        try progress.begin(name, "\(config.epochs) epochs over \(examples.count) examples")
        let start = Clock.now()
        for epoch in 0..<config.epochs {
            var order = Array(0..<examples.count)
            rng.shuffle(&order)
            var lossSum = 0.0, terms = 0
            var i = 0
            while i < order.count {
                let batch = Array(order[i..<min(order.count, i + b)])
                i += b
                let n = batch.count
                let sources = batch.map { examples.sources[$0] }
                // With feature dropout, the encoder sees (and learns from) a random subset of each text's features.
                let dropped = finetune && config.featureDropout > 0
                    ? view.texts.droppingFeatures(rows: sources, rate: config.featureDropout, rng: &dropoutRNG) : nil
                let (encoded, encodedRows) = dropped.map { ($0, Array(0..<n)) } ?? (view.texts, sources)
                if finetune {
                    emb.withUnsafeMutableBufferPointer { e in norms.withUnsafeMutableBufferPointer { nr in
                        encoder.encode(encoded, rows: encodedRows, into: e.baseAddress!, norms: nr.baseAddress!, threads: threads)
                    } }
                } else {
                    for (j, s) in sources.enumerated() { for c in 0..<d { emb[j * d + c] = view.embeddings[s * d + c] } }
                }
                for x in 0..<(n * d) { demb[x] = 0 }
                let scale = 1 / Float(n)
                // Phase 1, in parallel: each example's candidates, logits and gradients.
                let parts = emb.withUnsafeBufferPointer { e in demb.withUnsafeMutableBufferPointer { de in
                    weights.withUnsafeBufferPointer { w in sparseWeights.withUnsafeBufferPointer { sw in
                        let ep = SendableConstPointer(e.baseAddress!), dp = SendablePointer(de.baseAddress!)
                        let wp = SendableConstPointer(w.baseAddress!)
                        let swp = sw.baseAddress.map { SendableConstPointer($0) }
                        return Parallel.mapChunks(n, threads: threads) { range -> ([RowGradients], Double, Int) in
                            var cands: [Candidate] = []
                            var rows: [RowGradients] = []
                            var loss = 0.0
                            var count = 0
                            for j in range {
                                candidates(batch[j], source: sources[j], batch: batch, position: j, into: &cands)
                                var row = RowGradients()
                                let q = ep.pointer + j * d
                                let xr = texts.rowRange(sources[j])
                                for (l, y, weight) in cands {
                                    let base = Int(l) * dw
                                    var s = wp.pointer[base + d] + clever_dot(wp.pointer + base, q, d)
                                    if let support, let swp {
                                        s += support.score(label: Int(l), row: xr, of: texts, weights: swp.pointer)
                                    }
                                    let p = StudentScorer.sigmoid(s)
                                    loss += Double(weight) * Double(-(y * logf(max(p, 1e-7)) + (1 - y) * logf(max(1 - p, 1e-7))))
                                    count += 1
                                    let g = weight * (p - y) * scale
                                    if g == 0 { continue }
                                    row.labels.append(l)
                                    row.grads.append(g)
                                    if finetune { clever_axpy(dp.pointer + j * d, g, wp.pointer + base, d) }
                                }
                                rows.append(row)
                            }
                            return (rows, loss, count)
                        }
                    } }
                } }
                // Phase 2, in example order (deterministic): accumulate and apply.
                wGrad.reset()
                var j = 0
                for (rows, loss, count) in parts {
                    lossSum += loss
                    terms += count
                    for row in rows {
                        emb.withUnsafeBufferPointer { e in
                            let q = e.baseAddress! + j * d
                            for (l, g) in zip(row.labels, row.grads) {
                                let slot = wGrad.slot(Int(l)) * dw
                                wGrad.addToSlot(slot, scale: g, q, count: d)
                                wGrad.addBias(slot: slot + d, g)
                            }
                        }
                        if let support {
                            sparseWeights.withUnsafeMutableBufferPointer { sw in
                                support.update(row: texts.rowRange(sources[j]), of: texts, labels: row.labels,
                                               grads: row.grads, weights: sw.baseAddress!, optimizer: &sparseOpt)
                            }
                        }
                        j += 1
                    }
                }
                wGrad.grads.withUnsafeBufferPointer { g in
                    wAdam.apply(table: &weights, touched: wGrad.touched, grads: g.baseAddress!, threads: threads)
                }
                if finetune {
                    eGrad.reset()
                    emb.withUnsafeBufferPointer { e in demb.withUnsafeBufferPointer { de in norms.withUnsafeBufferPointer { nr in
                        eGrad.addEncoderGradients(encoded, items: encodedRows, e: e.baseAddress!, de: de.baseAddress!,
                                                  norms: nr.baseAddress!, threads: threads)
                    } } }
                    eGrad.grads.withUnsafeBufferPointer { g in
                        encoder.table.withFloats {
                            eAdam!.apply(table: &$0, touched: eGrad.touched, grads: g.baseAddress!, threads: threads)
                        }
                    }
                }
            }
            let loss = terms > 0 ? lossSum / Double(terms) : 0
            var e = JSONObject()
            e["epoch"] = .int(Int64(epoch + 1))
            e["loss"] = .double(loss)
            e["seconds"] = .double(Clock.now() - start)
            history.append(.object(e))
            try progress.update(epoch + 1, of: config.epochs, unit: "epochs", extra: "loss \(NumberFormat.fixed(loss, 4))")
        }
        try progress.end()
        var sparse = support.map { SparseTerm(support: $0, weights: sparseWeights) }
        if config.sparsePrune > 0 { sparse?.prune(below: config.sparsePrune) }
        return Trained(weights: weights, encoder: finetune ? encoder.quantized() : nil, sparse: sparse,
                       history: history)
    }
}
