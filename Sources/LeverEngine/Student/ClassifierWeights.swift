import CLever

/// The student's per-label classifier: a vector of `dim` weights and a bias per label. Stored as floats
/// (numLabels x (dim + 1): vector then bias; files before format 3.0) or, as training leaves it, as
/// int8 vectors with a float scale per label (a vector is its scale times its bytes) and float
/// biases. Either is used in place in a loaded model file; a trained classifier keeps the form it is
/// saved in, so a loaded model scores exactly like the one saved.
struct ClassifierWeights: Sendable, Equatable {
    enum Values: Sendable, Equatable {
        case float(ArrayStorage<Float>)
        case int8(ArrayStorage<Int8>, scales: ArrayStorage<Float>, biases: ArrayStorage<Float>)
    }

    let dim: Int
    let values: Values

    init(dim: Int, _ values: Values) {
        self.dim = dim
        self.values = values
    }

    init(dim: Int, floats: [Float]) { self.init(dim: dim, .float(ArrayStorage(floats))) }

    /// Labels held (each with a full vector and bias, for a well-formed classifier).
    var labelCount: Int {
        switch values {
        case .float(let f): return f.count / (dim + 1)
        case .int8(_, let scales, _): return scales.count
        }
    }

    /// True when every array is read from a model file in place.
    var isView: Bool {
        switch values {
        case .float(let f): return f.isView
        case .int8(let q, let s, let b): return q.isView && s.isView && b.isView
        }
    }

    /// numLabels x (dim + 1) floats: vector then bias (a widened copy of an int8 classifier).
    var floats: [Float] {
        switch values {
        case .float(let f): return f.array
        case .int8(let q, let scales, let biases):
            var out: [Float] = []
            out.reserveCapacity(scales.count * (dim + 1))
            for l in 0..<scales.count {
                for c in 0..<dim { out.append(scales[l] * Float(q[l * dim + c])) }
                out.append(biases[l])
            }
            return out
        }
    }

    /// The logits (bias + vector . q) of `labels` for the unit query `q` (dim floats), in order. The
    /// arrays are reached once per call: once per label, the copies of the stored form cost more
    /// than the dot products.
    func logits(_ labels: [(Int32, Float)], _ q: UnsafePointer<Float>) -> [Float] {
        let d = dim
        switch values {
        case .float(let f):
            return f.withUnsafeBufferPointer { w in
                labels.map { (l, _) in
                    let base = Int(l) * (d + 1)
                    return w[base + d] + clever_dot(w.baseAddress! + base, q, d)
                }
            }
        case .int8(let bytes, let scales, let biases):
            return bytes.withUnsafeBufferPointer { b in scales.withUnsafeBufferPointer { s in
                biases.withUnsafeBufferPointer { bias in
                    labels.map { (l, _) in
                        let label = Int(l)
                        return bias[label] + s[label] * clever_dot_i8(b.baseAddress! + label * d, q, d)
                    }
                }
            } }
        }
    }

    /// `floats` (numLabels x (dim + 1): vector then bias) as int8 vectors with a scale per label (its
    /// largest magnitude / 127) and float biases.
    static func quantized(dim: Int, floats: [Float]) -> ClassifierWeights {
        let (bytes, scales, biases) = quantizedParts(dim: dim, floats)
        return ClassifierWeights(dim: dim, .int8(ArrayStorage(bytes), scales: ArrayStorage(scales),
                                                 biases: ArrayStorage(biases)))
    }

    private static func quantizedParts(dim: Int,
                                       _ floats: [Float]) -> (bytes: [Int8], scales: [Float], biases: [Float]) {
        let labels = floats.count / (dim + 1)
        var bytes = [Int8](repeating: 0, count: labels * dim)
        var scales = [Float](repeating: 0, count: labels), biases = [Float](repeating: 0, count: labels)
        for l in 0..<labels {
            let base = l * (dim + 1)
            biases[l] = floats[base + dim]
            let largest = floats[base..<(base + dim)].reduce(Float(0)) { max($0, abs($1)) }
            guard largest > 0, largest.isFinite else { continue }
            let scale = largest / 127
            scales[l] = scale
            for c in 0..<dim { bytes[l * dim + c] = Int8(max(-127, min(127, (floats[base + c] / scale).rounded()))) }
        }
        return (bytes, scales, biases)
    }

    /// The classifier with labels appended (`more`: count x (dim + 1)), in this classifier's form;
    /// the existing labels keep their stored values.
    func appending(floats more: [Float]) -> ClassifierWeights {
        switch values {
        case .float(let f): return ClassifierWeights(dim: dim, floats: f.array + more)
        case .int8(let q, let scales, let biases):
            let added = ClassifierWeights.quantizedParts(dim: dim, more)
            return ClassifierWeights(dim: dim, .int8(ArrayStorage(q.array + added.bytes),
                                                     scales: ArrayStorage(scales.array + added.scales),
                                                     biases: ArrayStorage(biases.array + added.biases)))
        }
    }
}
