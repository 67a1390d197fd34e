#if canImport(Glibc)
import Glibc
#endif

/// Trains the OvA student with binary cross-entropy over each example's targets plus a shortlist of
/// hard negatives (the teacher's top labels for the example's text and the positives of a few other
/// rows in the batch); no step scores all labels.
struct StudentTrainer {
    let config: StudentConfig
    let view: TeacherView
    let examples: TrainingExamples
    let threads: Int
    let seed: UInt64

    func train(name: String, progress: Progress) throws(LeverError) -> (StudentScorer, [JSONValue]) {
        let d = view.dim, dw = d + 1, L = view.numLabels
        var encoder = view.teacher.encoder
        let finetune = config.encoder == .finetune && config.encoderLearningRate > 0
        // Classifier init from the teacher's label embeddings.
        var weights = [Float](repeating: 0, count: L * dw)
        for l in 0..<L {
            for c in 0..<d { weights[l * dw + c] = config.initScale * view.teacher.labelEmbeddings[l * d + c] }
            weights[l * dw + d] = -config.initScale / 2
        }
        var wAdam = SparseAdam(rows: L, dim: dw, learningRate: config.learningRate)
        var eAdam = finetune ? SparseAdam(rows: encoder.rows, dim: d, learningRate: config.encoderLearningRate) : nil
        var wGrad = GradientBuffer(rows: L, dim: dw)
        var eGrad = GradientBuffer(rows: encoder.rows, dim: d)
        var rng = SeededRandom(seed: seed &+ 0x57D)
        var mark = [Int32](repeating: -1, count: L)
        var history: [JSONValue] = []
        let b = config.batchSize
        var emb = [Float](repeating: 0, count: b * d), norms = [Float](repeating: 0, count: b), demb = emb
        var candidateScratch: [(Int32, Float, Float)] = []
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
                if finetune {
                    emb.withUnsafeMutableBufferPointer { e in norms.withUnsafeMutableBufferPointer { nr in
                        encoder.encode(view.texts, rows: sources, into: e.baseAddress!, norms: nr.baseAddress!, threads: threads)
                    } }
                } else {
                    for (j, s) in sources.enumerated() { for c in 0..<d { emb[j * d + c] = view.embeddings[s * d + c] } }
                }
                for x in 0..<(n * d) { demb[x] = 0 }
                wGrad.reset()
                let scale = 1 / Float(n)
                for j in 0..<n {
                    let ex = batch[j]
                    // Candidates: targets (with values), teacher shortlist and in-batch positives (value 0).
                    candidateScratch.removeAll(keepingCapacity: true)
                    let stamp = Int32(j)
                    for t in examples.targets[ex] where mark[Int(t.label)] != stamp {
                        mark[Int(t.label)] = stamp
                        candidateScratch.append((t.label, t.value, t.weight))
                    }
                    for (l, _) in view.shortlists[sources[j]].prefix(config.shortlist) where mark[Int(l)] != stamp {
                        mark[Int(l)] = stamp
                        candidateScratch.append((l, 0, 1))
                    }
                    if n > 1 {
                        for o in 1...min(config.inBatchRows, n - 1) {
                            for t in examples.targets[batch[(j + o) % n]] where mark[Int(t.label)] != stamp {
                                mark[Int(t.label)] = stamp
                                candidateScratch.append((t.label, 0, 1))
                            }
                        }
                    }
                    emb.withUnsafeBufferPointer { e in demb.withUnsafeMutableBufferPointer { de in weights.withUnsafeBufferPointer { w in
                        let q = e.baseAddress! + j * d
                        for (l, y, weight) in candidateScratch {
                            let base = Int(l) * dw
                            var s = w[base + d]
                            for c in 0..<d { s += w[base + c] * q[c] }
                            let p = StudentScorer.sigmoid(s)
                            lossSum += Double(weight) * Double(-(y * logf(max(p, 1e-7)) + (1 - y) * logf(max(1 - p, 1e-7))))
                            terms += 1
                            let g = weight * (p - y) * scale
                            if g == 0 { continue }
                            let slot = wGrad.slot(Int(l)) * dw
                            wGrad.addToSlot(slot, scale: g, q, count: d)
                            wGrad.addBias(slot: slot + d, g)
                            if finetune { for c in 0..<d { de[j * d + c] += g * w[base + c] } }
                        }
                    } } }
                    for (l, _, _) in candidateScratch { mark[Int(l)] = -1 }
                }
                wGrad.grads.withUnsafeBufferPointer { g in
                    wAdam.apply(table: &weights, touched: wGrad.touched, grads: g.baseAddress!, threads: threads)
                }
                if finetune {
                    eGrad.reset()
                    emb.withUnsafeBufferPointer { e in demb.withUnsafeBufferPointer { de in norms.withUnsafeBufferPointer { nr in
                        eGrad.addEncoderGradients(view.texts, items: sources, e: e.baseAddress!, de: de.baseAddress!, norms: nr.baseAddress!)
                    } } }
                    eGrad.grads.withUnsafeBufferPointer { g in
                        eAdam!.apply(table: &encoder.table, touched: eGrad.touched, grads: g.baseAddress!, threads: threads)
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
        let scorer = StudentScorer(teacher: view.teacher, encoder: finetune ? encoder : nil, weights: weights,
                                   predictShortlist: config.predictShortlist, fusion: config.fusion)
        return (scorer, history)
    }
}

