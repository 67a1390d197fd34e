import CLever

/// Sparse gradient rows for one optimiser step: each touched table row gets one slot, filled in a
/// fixed order so the sum (and the training run) is deterministic.
struct GradientBuffer {
    let dim: Int
    private var slotOf: [Int32]
    private(set) var touched: [Int32] = []
    private(set) var grads: [Float] = []
    /// Scratch of `addEncoderGradients`, kept between calls: per item its gradient; per term its slot,
    /// item and weight; the terms grouped by slot (`groupTermsBySlot`).
    private var itemGradients: [Float] = []
    private var termSlots: [Int32] = [], termItems: [Int32] = [], termWeights: [Float] = []
    private var termStarts: [Int32] = [], termOrder: [Int32] = []

    init(rows: Int, dim: Int) {
        self.dim = dim
        slotOf = [Int32](repeating: -1, count: rows)
    }

    /// The slot of `row`, created (zeroed) on first use.
    @inline(__always) mutating func slot(_ row: Int) -> Int {
        var s = Int(slotOf[row])
        if s < 0 {
            s = touched.count
            slotOf[row] = Int32(s)
            touched.append(Int32(row))
            grads.append(contentsOf: repeatElement(0, count: dim))
        }
        return s
    }

    /// grads[offset ..< offset + count] += scale * vector (offset from `slot(_:) * dim`).
    @inline(__always) mutating func addToSlot(_ offset: Int, scale: Float, _ vector: UnsafePointer<Float>, count: Int) {
        grads.withUnsafeMutableBufferPointer { g in clever_axpy(g.baseAddress! + offset, scale, vector, count) }
    }

    @inline(__always) mutating func addBias(slot offset: Int, _ value: Float) {
        grads[offset] += value
    }

    /// Adds each item's encoder gradient `de` (w.r.t. its normalised embedding `e`), taken back
    /// through the L2 normalisation, to the rows of its features.
    ///
    /// The work runs on `threads` threads with the sums of one sequential pass: every row's slot
    /// receives its terms in item order, then feature order, through the same kernel, so the result
    /// does not depend on the thread count.
    mutating func addEncoderGradients(_ feats: SparseMatrix, items: [Int], e: UnsafePointer<Float>,
                                      de: UnsafePointer<Float>, norms: UnsafePointer<Float>, threads: Int) {
        let d = dim, n = items.count
        // Each item's gradient before its features' weights (zero-norm items contribute nothing).
        if itemGradients.count < n * d { itemGradients = [Float](repeating: 0, count: n * d) }
        itemGradients.withUnsafeMutableBufferPointer { buffer in
            let dh = SendablePointer(buffer.baseAddress!)
            let ep = SendableConstPointer(e), dp = SendableConstPointer(de), np = SendableConstPointer(norms)
            Parallel.forEachChunk(n, threads: threads) { _, range in
                for i in range where np.pointer[i] > 0 {
                    let (ei, di) = (ep.pointer + i * d, dp.pointer + i * d)
                    let dot = clever_dot(ei, di, d)
                    let inv = 1 / np.pointer[i]
                    for c in 0..<d { dh.pointer[i * d + c] = (di[c] - ei[c] * dot) * inv }
                }
            }
        }
        // Every term (a feature of an item) in pass order: its slot, item and weight.
        termSlots.removeAll(keepingCapacity: true)
        termItems.removeAll(keepingCapacity: true)
        termWeights.removeAll(keepingCapacity: true)
        for (i, item) in items.enumerated() where norms[i] > 0 {
            for j in feats.rowRange(item) {
                let row = Int(feats.indices[j])
                var s = slotOf[row]
                if s < 0 {  // a new slot; its zeroed gradient is appended with the others below
                    s = Int32(touched.count)
                    slotOf[row] = s
                    touched.append(Int32(row))
                }
                termSlots.append(s)
                termItems.append(Int32(i))
                termWeights.append(feats.values[j])
            }
        }
        let slots = touched.count
        grads.append(contentsOf: repeatElement(0, count: slots * d - grads.count))
        groupTermsBySlot(slots)
        // Every slot's sum on its own: slots are disjoint, so they run in parallel, in chunks of
        // about equal numbers of terms (a chunk takes the slots whose first term falls in it).
        let (starts, order, owners, weights) = (termStarts, termOrder, termItems, termWeights)
        let parts = Parallel.chunks(termSlots.count, threads: threads)
        let firstSlot = { @Sendable (term: Int) -> Int in
            var (low, high) = (0, slots)  // the first slot whose terms start at or after `term`
            while low < high {
                let mid = (low + high) / 2
                if Int(starts[mid]) >= term { high = mid } else { low = mid + 1 }
            }
            return low
        }
        grads.withUnsafeMutableBufferPointer { g in itemGradients.withUnsafeBufferPointer { h in
            let gp = SendablePointer(g.baseAddress!), hp = SendableConstPointer(h.baseAddress!)
            Parallel.forEachChunk(parts.count, threads: parts.count) { _, chunk in
                let part = parts[chunk.lowerBound]
                let upper = chunk.lowerBound == parts.count - 1 ? slots : firstSlot(part.upperBound)
                for s in firstSlot(part.lowerBound)..<upper {
                    for u in Int(starts[s])..<Int(starts[s + 1]) {
                        let t = Int(order[u])
                        clever_axpy(gp.pointer + s * d, weights[t], hp.pointer + Int(owners[t]) * d, d)
                    }
                }
            }
        } }
    }

    /// `termOrder`: the terms' indices grouped by slot, each group in pass order (a stable counting
    /// sort); slot s's are `termOrder[termStarts[s] ..< termStarts[s + 1]]`.
    private mutating func groupTermsBySlot(_ slots: Int) {
        termStarts.removeAll(keepingCapacity: true)
        termStarts.append(contentsOf: repeatElement(0, count: slots + 1))
        for s in termSlots { termStarts[Int(s) + 1] += 1 }
        for s in 0..<slots { termStarts[s + 1] += termStarts[s] }
        var next = Array(termStarts[0..<slots])
        termOrder.removeAll(keepingCapacity: true)
        termOrder.append(contentsOf: repeatElement(0, count: termSlots.count))
        for (t, s) in termSlots.enumerated() {
            termOrder[Int(next[Int(s)])] = Int32(t)
            next[Int(s)] += 1
        }
    }

    /// Forgets all slots (keeps capacity).
    mutating func reset() {
        for r in touched { slotOf[Int(r)] = -1 }
        touched.removeAll(keepingCapacity: true)
        grads.removeAll(keepingCapacity: true)
    }
}
