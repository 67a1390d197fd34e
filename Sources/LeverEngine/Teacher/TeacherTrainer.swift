#if canImport(Glibc)
import Glibc
#endif

/// Trains the Siamese teacher: one encoder for inputs and label texts, a triplet margin loss over
/// in-batch negatives with online hard-negative mining, label-side batches, and (after a warm-up)
/// batches built from balanced clusters of the current label embeddings (NGAME-style).
struct TeacherTrainer {
    let config: TeacherConfig
    /// Training rows and label texts, featurised and re-indexed to encoder rows.
    let inputs: SparseMatrix
    let labelTexts: SparseMatrix
    /// Training rows x labels, each row's labels sorted (for the positive mask).
    let rowLabels: SparseMatrix
    /// Labels x training rows.
    let labelRows: SparseMatrix
    let threads: Int
    let seed: UInt64

    struct EpochStats {
        var loss: Double = 0
        var violating: Double = 0
        var pairs = 0
    }

    /// The (label, row) pairs of one epoch, in batch order. Label-side: every label with a training
    /// row once, with one random positive row; row-side: every row once, with one random label. Over
    /// `teacher.epoch_items` items, the first that many of the shuffled order (clusters are shuffled
    /// whole, so only the last one taken can be cut).
    func epochPairs(epoch: Int, encoder: SparseEncoder, clusters: [[Int]]?, rng: inout SeededRandom) -> [(label: Int, row: Int)] {
        let items = config.sides == .label ? labelRows : rowLabels
        var order: [Int]
        if let clusters {
            var cs = clusters
            rng.shuffle(&cs)
            order = cs.flatMap { $0 }
        } else {
            order = (0..<items.rows).filter { items.indptr[$0 + 1] > items.indptr[$0] }
            rng.shuffle(&order)
        }
        if config.epochItems > 0 && order.count > config.epochItems {
            order.removeLast(order.count - config.epochItems)
        }
        var pairs: [(label: Int, row: Int)] = []
        pairs.reserveCapacity(order.count)
        for item in order {
            let range = items.rowRange(item)
            if range.isEmpty { continue }
            let partner = Int(items.indices[range.lowerBound + rng.index(range.count)])
            pairs.append(config.sides == .label ? (item, partner) : (partner, item))
        }
        return pairs
    }

    /// The batch size in force: the configured one clamped to the items an epoch iterates (labels or
    /// rows), since no batch can hold more; the workspace holds batch x batch similarities, so a
    /// large `teacher.batch_size` on small data must not allocate for items that do not exist.
    var batchSize: Int {
        let items = config.sides == .label ? labelRows.rows : rowLabels.rows
        return TeacherTrainer.effectiveBatchSize(config.batchSize, items: items)
    }

    static func effectiveBatchSize(_ configured: Int, items: Int) -> Int { max(2, min(configured, items)) }

    /// Cluster size in force at `epoch`.
    func clusterSize(epoch: Int) -> Int {
        let doublings = max(0, epoch - config.warmupEpochs) / config.clusterGrowthEpochs
        var size = config.clusterSize
        for _ in 0..<doublings where size < config.clusterSizeMax { size *= 2 }
        return min(size, config.clusterSizeMax)
    }

    func train(encoder initial: SparseEncoder, progress: Progress) throws(LeverError) -> (SparseEncoder, [JSONValue]) {
        var encoder = initial
        var adam = SparseAdam(rows: encoder.rows, dim: encoder.dim, learningRate: config.learningRate,
                              secondMoment: config.adamSecondMoment)
        var rng = SeededRandom(seed: seed &+ 0x7EAC)
        var clusters: [[Int]]? = nil
        var history: [JSONValue] = []
        let d = encoder.dim
        let b = batchSize
        var workspace = BatchWorkspace(batch: b, dim: d, tableRows: encoder.rows)
        try progress.begin("teacher", "\(config.epochs) epochs, \(config.sides.rawValue)-side \(config.batching.rawValue) batches")
        let start = Clock.now()
        for epoch in 0..<config.epochs {
            if config.batching == .cluster && epoch >= config.warmupEpochs
                && (epoch - config.warmupEpochs) % config.clusterRefresh == 0 {
                clusters = makeClusters(encoder: encoder, size: clusterSize(epoch: epoch), rng: &rng)
            }
            let pairs = epochPairs(epoch: epoch, encoder: encoder, clusters: clusters, rng: &rng)
            var stats = EpochStats()
            var i = 0
            while i < pairs.count {
                let batch = Array(pairs[i..<min(pairs.count, i + b)])
                i += b
                if batch.count < 2 { continue }
                step(batch, encoder: &encoder, adam: &adam, ws: &workspace, stats: &stats, rng: &rng)
            }
            let meanLoss = stats.pairs > 0 ? stats.loss / Double(stats.pairs) : 0
            let violating = stats.pairs > 0 ? stats.violating / Double(stats.pairs) : 0
            var e = JSONObject()
            e["epoch"] = .int(Int64(epoch + 1))
            e["loss"] = .double(meanLoss)
            e["violating_share"] = .double(violating)
            e["cluster_size"] = .int(Int64(clusters == nil ? 0 : clusterSize(epoch: epoch)))
            e["seconds"] = .double(Clock.now() - start)
            history.append(.object(e))
            try progress.update(epoch + 1, of: config.epochs, unit: "epochs",
                                extra: "loss \(NumberFormat.fixed(meanLoss, 4)), violating \(NumberFormat.fixed(100 * violating, 1))%, \(pairs.count) pairs/epoch")
        }
        try progress.end()
        return (encoder, history)
    }

    /// Balanced clusters of the items an epoch iterates (labels or rows) by their current embedding.
    func makeClusters(encoder: SparseEncoder, size: Int, rng: inout SeededRandom) -> [[Int]] {
        let source = config.sides == .label ? labelTexts : inputs
        let itemsWithPairs = config.sides == .label
            ? (0..<labelRows.rows).filter { labelRows.indptr[$0 + 1] > labelRows.indptr[$0] }
            : (0..<rowLabels.rows).filter { rowLabels.indptr[$0 + 1] > rowLabels.indptr[$0] }
        let emb = encoder.encodeAll(source, threads: threads)
        return BalancedClustering.clusters(points: emb, dim: encoder.dim, items: itemsWithPairs, maxSize: size,
                                           rng: &rng, threads: threads)
    }

    /// Buffers reused across batches.
    struct BatchWorkspace {
        var z: [Float], x: [Float], zNorm: [Float], xNorm: [Float], s: [Float], g: [Float], dz: [Float], dx: [Float]
        var positive: [UInt8]
        var gradient: GradientBuffer
        init(batch: Int, dim: Int, tableRows: Int) {
            z = [Float](repeating: 0, count: batch * dim)
            x = z; dz = z; dx = z
            zNorm = [Float](repeating: 0, count: batch)
            xNorm = zNorm
            s = [Float](repeating: 0, count: batch * batch)
            g = s
            positive = [UInt8](repeating: 0, count: batch * batch)
            gradient = GradientBuffer(rows: tableRows, dim: dim)
        }
    }

    /// An anchor chunk's loss, violated triplets and triplets.
    struct AnchorSums {
        var loss = 0.0, violations = 0.0, triplets = 0
    }

    /// positive[j * n + m] = 1 when batch input m carries batch label j or is label j's own row: such
    /// a pair is never a negative. Built from each row's few labels, not from n^2 lookups.
    func positiveMask(labels: [Int], rows: [Int], into positive: inout [UInt8]) {
        let n = labels.count
        for i in 0..<(n * n) { positive[i] = 0 }
        var positions: [Int: [Int]] = [:]
        for (j, l) in labels.enumerated() { positions[l, default: []].append(j) }
        var sameRow: [Int: [Int]] = [:]
        for (j, r) in rows.enumerated() { sameRow[r, default: []].append(j) }
        for m in 0..<n {
            for t in rowLabels.rowRange(rows[m]) {
                for j in positions[Int(rowLabels.indices[t])] ?? [] { positive[j * n + m] = 1 }
            }
            for j in sameRow[rows[m]] ?? [] { positive[j * n + m] = 1 }
        }
    }

    /// The margin loss of anchor `a` against its chosen negatives, and its gradient cells in G.
    @inline(__always)
    func applyTriplets(anchor a: Int, negatives: [Int], direction: Int, n: Int, s: UnsafePointer<Float>,
                       g: UnsafeMutablePointer<Float>, into sum: inout AnchorSums) {
        let pos = s[a * n + a]
        for o in negatives {
            let cell = direction == 0 ? a * n + o : o * n + a
            let v = s[cell] - pos + config.margin
            sum.triplets += 1
            if v > 0 {
                sum.loss += Double(v)
                sum.violations += 1
                g[cell] += 1
                g[a * n + a] -= 1
            }
        }
    }

    func step(_ batch: [(label: Int, row: Int)], encoder: inout SparseEncoder, adam: inout SparseAdam,
              ws: inout BatchWorkspace, stats: inout EpochStats, rng: inout SeededRandom) {
        let n = batch.count, d = encoder.dim
        let labels = batch.map { $0.label }, rows = batch.map { $0.row }
        ws.z.withUnsafeMutableBufferPointer { z in ws.zNorm.withUnsafeMutableBufferPointer { zn in
            encoder.encode(labelTexts, rows: labels, into: z.baseAddress!, norms: zn.baseAddress!, threads: threads)
        } }
        ws.x.withUnsafeMutableBufferPointer { x in ws.xNorm.withUnsafeMutableBufferPointer { xn in
            encoder.encode(inputs, rows: rows, into: x.baseAddress!, norms: xn.baseAddress!, threads: threads)
        } }
        // S[j][m] = cos(label j, input m).
        ws.z.withUnsafeBufferPointer { z in ws.x.withUnsafeBufferPointer { x in ws.s.withUnsafeMutableBufferPointer { s in
            BLAS.gemm(z.baseAddress!, x.baseAddress!, transB: true, s.baseAddress!, m: n, n: n, k: d)
        } } }
        for i in 0..<(n * n) { ws.g[i] = 0 }
        let k = min(config.hardNegatives, n - 1)
        positiveMask(labels: labels, rows: rows, into: &ws.positive)
        var violations = 0.0, loss = 0.0, triplets = 0
        // Label -> input direction (row j of S), then input -> label (column m). An anchor writes only
        // its own row (or column) of G, so anchors run in parallel; sums combine in chunk order.
        for direction in 0..<(config.symmetric ? 2 : 1) {
            let sums: [AnchorSums]
            if config.mining == .hard {
                sums = ws.s.withUnsafeBufferPointer { s in ws.positive.withUnsafeBufferPointer { pos in
                    ws.g.withUnsafeMutableBufferPointer { g in
                        let sp = SendableConstPointer(s.baseAddress!), pp = SendableConstPointer(pos.baseAddress!)
                        let gp = SendablePointer(g.baseAddress!)
                        return Parallel.mapChunks(n, threads: threads) { range in
                            var top = TopK(k)
                            var sum = AnchorSums()
                            for a in range {
                                top.reset()
                                for o in 0..<n where o != a {
                                    let cell = direction == 0 ? a * n + o : o * n + a
                                    if pp.pointer[cell] == 0 && top.admits(sp.pointer[cell]) {
                                        top.push(Int32(o), sp.pointer[cell])
                                    }
                                }
                                applyTriplets(anchor: a, negatives: top.heap.map { Int($0.index) }, direction: direction,
                                              n: n, s: sp.pointer, g: gp.pointer, into: &sum)
                            }
                            return sum
                        }
                    }
                } }
            } else {
                var sum = AnchorSums()
                for a in 0..<n {
                    var pool = (0..<n).filter { o in
                        o != a && ws.positive[direction == 0 ? a * n + o : o * n + a] == 0
                    }
                    var chosen: [Int] = []
                    for _ in 0..<min(k, pool.count) {
                        let pick = rng.index(pool.count)
                        chosen.append(pool[pick])
                        pool.swapAt(pick, pool.count - 1)
                        pool.removeLast()
                    }
                    ws.s.withUnsafeBufferPointer { s in ws.g.withUnsafeMutableBufferPointer { g in
                        applyTriplets(anchor: a, negatives: chosen, direction: direction, n: n, s: s.baseAddress!,
                                      g: g.baseAddress!, into: &sum)
                    } }
                }
                sums = [sum]
            }
            for sum in sums {
                loss += sum.loss
                violations += sum.violations
                triplets += sum.triplets
            }
        }
        stats.loss += loss / Double(max(1, k))
        stats.violating += violations / Double(max(1, k * (config.symmetric ? 2 : 1)))
        stats.pairs += n
        if violations == 0 { return }
        let scale = 1 / Float(max(1, triplets))
        for i in 0..<(n * n) { ws.g[i] *= scale }
        // dZ = G X, dX = G^T Z.
        ws.g.withUnsafeBufferPointer { g in ws.x.withUnsafeBufferPointer { x in ws.dz.withUnsafeMutableBufferPointer { dz in
            BLAS.gemm(g.baseAddress!, x.baseAddress!, dz.baseAddress!, m: n, n: d, k: n)
        } } }
        ws.g.withUnsafeBufferPointer { g in ws.z.withUnsafeBufferPointer { z in ws.dx.withUnsafeMutableBufferPointer { dx in
            BLAS.gemm(g.baseAddress!, transA: true, z.baseAddress!, dx.baseAddress!, m: n, n: d, k: n)
        } } }
        // Through the L2 normalisation, then scattered onto the feature rows (fixed order: deterministic).
        ws.gradient.reset()
        ws.z.withUnsafeBufferPointer { z in ws.dz.withUnsafeBufferPointer { dz in ws.zNorm.withUnsafeBufferPointer { zn in
            ws.gradient.addEncoderGradients(labelTexts, items: labels, e: z.baseAddress!, de: dz.baseAddress!,
                                             norms: zn.baseAddress!, threads: threads)
        } } }
        ws.x.withUnsafeBufferPointer { x in ws.dx.withUnsafeBufferPointer { dx in ws.xNorm.withUnsafeBufferPointer { xn in
            ws.gradient.addEncoderGradients(inputs, items: rows, e: x.baseAddress!, de: dx.baseAddress!,
                                             norms: xn.baseAddress!, threads: threads)
        } } }
        ws.gradient.grads.withUnsafeBufferPointer { g in
            encoder.table.withFloats {
                adam.apply(table: &$0, touched: ws.gradient.touched, grads: g.baseAddress!, threads: threads)
            }
        }
    }
}
