import CLever

/// Sparse gradient rows for one optimiser step: each touched table row gets one slot, filled in a
/// fixed order so the sum (and the training run) is deterministic.
struct GradientBuffer {
    let dim: Int
    private var slotOf: [Int32]
    private(set) var touched: [Int32] = []
    private(set) var grads: [Float] = []

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

    /// grads[row] += scale * vector
    @inline(__always) mutating func add(row: Int, scale: Float, _ vector: UnsafePointer<Float>) {
        let base = slot(row) * dim
        grads.withUnsafeMutableBufferPointer { g in clever_axpy(g.baseAddress! + base, scale, vector, dim) }
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
    mutating func addEncoderGradients(_ feats: SparseMatrix, items: [Int], e: UnsafePointer<Float>, de: UnsafePointer<Float>,
                                      norms: UnsafePointer<Float>) {
        let d = dim
        var dh = [Float](repeating: 0, count: d)
        dh.withUnsafeMutableBufferPointer { dh in
            for (i, item) in items.enumerated() {
                let norm = norms[i]
                guard norm > 0 else { continue }
                let dot = clever_dot(e + i * d, de + i * d, d)
                let inv = 1 / norm
                for c in 0..<d { dh[c] = (de[i * d + c] - e[i * d + c] * dot) * inv }
                for j in feats.rowRange(item) {
                    add(row: Int(feats.indices[j]), scale: feats.values[j], UnsafePointer(dh.baseAddress!))
                }
            }
        }
    }

    /// Forgets all slots (keeps capacity).
    mutating func reset() {
        for r in touched { slotOf[Int(r)] = -1 }
        touched.removeAll(keepingCapacity: true)
        grads.removeAll(keepingCapacity: true)
    }
}
