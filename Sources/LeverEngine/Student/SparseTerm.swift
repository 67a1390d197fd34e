#if canImport(Glibc)
import Glibc
#endif

/// The student's sparse linear term: per label, a weight for each encoder feature that occurs in one
/// of the label's positive training examples (its "positive support"), added to the dense logit.
/// This gives frequent labels the per-feature capacity of a linear XC ranker (PECOS, Parabel) while
/// the model stays bounded by the training data; weights below a threshold are pruned after
/// training. Feature ids are encoder vocabulary rows, sorted within each label.
struct SparseTerm: Sendable {
    var support: SparseSupport
    var weights: [Float]
    /// Per label, when the weights are signed bytes times these (`roundedToInt8`, stored so in format
    /// 6.0's compact layout); nil for float or half weights.
    var scales: [Float]?

    var numLabels: Int { support.numLabels }
    var entries: Int { support.features.count }

    init(numLabels: Int, offsets: [Int], features: [Int32], weights: [Float], scales: [Float]? = nil) {
        support = SparseSupport(numLabels: numLabels, offsets: offsets, features: features)
        self.weights = weights
        self.scales = scales
    }

    init(support: SparseSupport, weights: [Float]) {
        self.support = support
        self.weights = weights
    }

    /// The positive support of every label over the examples' texts (zero weights).
    static func support(texts: SparseMatrix, sources: [Int], positives: [[Int32]], numLabels: Int,
                        maxPerLabel: Int) -> SparseTerm {
        // (label, feature) pairs, sorted and made unique.
        var pairs: [UInt64] = []
        for (i, labels) in positives.enumerated() {
            let range = texts.rowRange(sources[i])
            for l in labels {
                let hi = UInt64(UInt32(bitPattern: l)) << 32
                for j in range { pairs.append(hi | UInt64(UInt32(bitPattern: texts.indices[j]))) }
            }
        }
        pairs.sort()
        var offsets = [Int](repeating: 0, count: numLabels + 1)
        var features: [Int32] = []
        features.reserveCapacity(pairs.count / 2)
        var i = 0
        var run: [(feature: Int32, count: Int)] = []
        while i < pairs.count {
            let label = Int(pairs[i] >> 32)
            run.removeAll(keepingCapacity: true)
            while i < pairs.count && Int(pairs[i] >> 32) == label {
                let key = pairs[i]
                var n = 0
                while i < pairs.count && pairs[i] == key { n += 1; i += 1 }
                run.append((Int32(truncatingIfNeeded: key & 0xFFFF_FFFF), n))
            }
            if maxPerLabel > 0 && run.count > maxPerLabel {
                // Keep the features seen in most positive examples, then restore feature order.
                run.sort { $0.count != $1.count ? $0.count > $1.count : $0.feature < $1.feature }
                run.removeLast(run.count - maxPerLabel)
                run.sort { $0.feature < $1.feature }
            }
            for r in run { features.append(r.feature) }
            offsets[label + 1] = run.count
        }
        for l in 0..<numLabels { offsets[l + 1] += offsets[l] }
        return SparseTerm(numLabels: numLabels, offsets: offsets, features: features,
                          weights: [Float](repeating: 0, count: features.count))
    }

    /// Drops entries whose weight magnitude is below `threshold`.
    mutating func prune(below threshold: Float) {
        var newOffsets = [Int](repeating: 0, count: numLabels + 1)
        var f: [Int32] = [], w: [Float] = []
        for l in 0..<numLabels {
            for p in support.offsets[l]..<support.offsets[l + 1] where abs(weights[p]) >= threshold {
                f.append(support.features[p])
                w.append(weights[p])
            }
            newOffsets[l + 1] = f.count
        }
        support = SparseSupport(numLabels: numLabels, offsets: newOffsets, features: f)
        weights = w
    }
}

/// Which features each label's sparse weights cover: label l's entries are
/// `offsets[l] ..< offsets[l + 1]` of `features` (sorted encoder feature ids).
struct SparseSupport: Sendable {
    let numLabels: Int
    let offsets: [Int]
    let features: [Int32]

    /// Calls `body(position, value)` for each feature of the row that is in the label's support.
    /// Both lists are sorted, so each row feature is found by a binary search in what remains.
    @inline(__always)
    func forEachMatch(label: Int, indices: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
                      _ body: (Int, Float) -> Void) {
        var lo = offsets[label]
        let hi = offsets[label + 1]
        if lo == hi || count == 0 { return }
        features.withUnsafeBufferPointer { f in
            for j in 0..<count {
                let x = indices[j]
                // Gallop from the last position, then binary search the bracket found.
                var step = 1, b = lo
                while b < hi && f[b] < x { lo = b + 1; b += step; step <<= 1 }
                var a = lo
                b = min(b, hi)
                while a < b {
                    let m = (a + b) >> 1
                    if f[m] < x { a = m + 1 } else { b = m }
                }
                if a == hi { return }
                if f[a] == x { body(a, values[j]); lo = a + 1 } else { lo = a }
                if lo == hi { return }
            }
        }
    }
}

/// AdaGrad state for the sparse term: per entry, the sum of squared gradients.
struct SparseTermOptimizer {
    let learningRate: Float
    let l2: Float
    private var squares: [Float]

    init(entries: Int, learningRate: Float, l2: Float) {
        self.learningRate = learningRate
        self.l2 = l2
        squares = [Float](repeating: 0, count: entries)
    }

    /// One step on entry `p` of `weights` with gradient `g` (the L2 term is added here).
    @inline(__always) mutating func step(_ weights: UnsafeMutablePointer<Float>, _ p: Int, _ g: Float) {
        let grad = g + l2 * weights[p]
        squares[p] += grad * grad
        weights[p] -= learningRate * grad / (squares[p].squareRoot() + 1e-6)
    }
}

extension SparseTerm {
    /// The score of `label` for row `row` of a CSR matrix with sorted column indices.
    @inline(__always) func score(label: Int, row: Range<Int>, of m: SparseMatrix) -> Float {
        weights.withUnsafeBufferPointer { w in support.score(label: label, row: row, of: m, weights: w.baseAddress!) }
    }
}

extension SparseSupport {
    /// The score of `label` for row `row` of a CSR matrix with sorted column indices.
    @inline(__always)
    func score(label: Int, row: Range<Int>, of m: SparseMatrix, weights w: UnsafePointer<Float>) -> Float {
        var s: Float = 0
        m.indices.withUnsafeBufferPointer { xi in m.values.withUnsafeBufferPointer { xv in
            forEachMatch(label: label, indices: xi.baseAddress! + row.lowerBound, values: xv.baseAddress! + row.lowerBound,
                         count: row.count) { p, v in s += w[p] * v }
        } }
        return s
    }

    /// One optimiser step for row `row` of `m`: label `labels[i]` had logit gradient `grads[i]`.
    func update(row: Range<Int>, of m: SparseMatrix, labels: [Int32], grads: [Float], weights: UnsafeMutablePointer<Float>,
                optimizer: inout SparseTermOptimizer) {
        m.indices.withUnsafeBufferPointer { xi in m.values.withUnsafeBufferPointer { xv in
            for (l, g) in zip(labels, grads) {
                forEachMatch(label: Int(l), indices: xi.baseAddress! + row.lowerBound, values: xv.baseAddress! + row.lowerBound,
                             count: row.count) { p, v in optimizer.step(weights, p, g * v) }
            }
        } }
    }
}

extension SparseTerm {
    /// Model file section SPARSE: label count, offsets, features, weights.
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    /// The layout above; with `half`, the weights as an array of IEEE half floats (u16).
    func encode(into w: inout ByteWriter, half: Bool = false) {
        w.u64(UInt64(numLabels))
        w.array(support.offsets.map { Int64($0) })
        w.array(support.features)
        if half { w.array(roundedToHalf().weights.map { Float16($0).bitPattern }) } else { w.array(weights) }
    }

    /// The term with each weight rounded to the nearest half float (what `encode(half: true)` stores),
    /// within the finite half range.
    func roundedToHalf() -> SparseTerm {
        let limit = Float(Float16.greatestFiniteMagnitude)
        return SparseTerm(support: support, weights: weights.map { Float(Float16(min(max($0, -limit), limit))) })
    }

    /// Decodes and validates a SPARSE section for `numLabels` labels over `featureCount` encoder rows.
    static func decode(_ r: inout ByteReader, numLabels: Int, featureCount: Int,
                       section: String = "SPARSE", half: Bool = false) throws(LeverError) -> SparseTerm {
        let n = try r.count(max: Int(Int32.max))
        let offsets = try r.array(Int64.self).map { Int($0) }
        let features = try r.array(Int32.self)
        let weights = half ? try r.array(UInt16.self).map { Float(Float16(bitPattern: $0)) } : try r.floatArray()
        guard n == numLabels, offsets.count == n + 1, offsets.first == 0, offsets.last == features.count,
              weights.count == features.count else {
            throw .corrupt("model section \(section): sizes do not match (\(n) labels, \(features.count) entries)")
        }
        for l in 0..<n {
            guard offsets[l] <= offsets[l + 1] else { throw .corrupt("model section \(section): offsets are not ordered") }
            var previous: Int32 = -1
            for p in offsets[l]..<offsets[l + 1] {
                let f = features[p]
                guard f > previous, Int(f) < featureCount else {
                    throw .corrupt("model section \(section): label \(l) has an unsorted or out-of-range feature")
                }
                previous = f
            }
        }
        guard weights.allSatisfy({ $0.isFinite }) else { throw .corrupt("model section \(section): a weight is not finite") }
        return SparseTerm(numLabels: n, offsets: offsets, features: features, weights: weights)
    }
}
