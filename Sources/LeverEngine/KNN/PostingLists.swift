import CLever

/// The inverted index of a TF-IDF kNN: for each feature that occurs in the training rows, the rows
/// it occurs in and its weight there. Only features with postings are stored (`features`, strictly
/// increasing; a query feature is found by binary search), and the weights are floats or IEEE half
/// floats (in place in a loaded model file either way). A trained lexical index keeps half weights
/// and a loaded one scores exactly like it.
struct PostingLists: Sendable, Equatable {
    enum Weights: Sendable, Equatable {
        case float(ArrayStorage<Float>)
        case half(ArrayStorage<UInt16>)
    }

    /// Width of the feature space (the featuriser's buckets) and the training row count.
    let featureCount: Int
    let rowCount: Int
    /// The stored features, strictly increasing; nil: every feature below `featureCount` is stored
    /// (list f is feature f), as files before format 3.0 have it.
    let features: ArrayStorage<Int32>?
    /// List i's entries are `rows[indptr[i]..<indptr[i+1]]`.
    let indptr: ArrayStorage<Int64>
    let rows: ArrayStorage<Int32>
    let weights: Weights
    /// With `features`: slot s holds the first list whose feature is at least s << `slotShift` (and one
    /// more slot holds the list count), so finding a feature searches only its slot's lists. At most
    /// 4,098 slots (16 KiB), where a binary search over every list missed the cache at each step.
    let slots: [Int32]
    let slotShift: Int

    init(featureCount: Int, rowCount: Int, features: ArrayStorage<Int32>?, indptr: ArrayStorage<Int64>,
         rows: ArrayStorage<Int32>, weights: Weights) {
        self.featureCount = featureCount
        self.rowCount = rowCount
        self.features = features
        self.indptr = indptr
        self.rows = rows
        self.weights = weights
        let shift = max(0, Int.bitWidth - featureCount.leadingZeroBitCount - 12)
        slotShift = shift
        slots = features.map { f in
            f.withUnsafeBufferPointer { f in
                var slots = [Int32](repeating: 0, count: (featureCount >> shift) + 2)
                var i = 0
                for s in slots.indices {
                    while i < f.count && Int(f[i]) >> shift < s { i += 1 }
                    slots[s] = Int32(i)
                }
                return slots
            }
        } ?? []
    }

    /// The lists of a features x rows matrix, keeping only its non-empty rows; weights as half floats
    /// (rounded to nearest) when `half`.
    init(_ m: SparseMatrix, half: Bool) {
        var features: [Int32] = [], indptr: [Int64] = [0]
        for f in 0..<m.rows where !m.rowRange(f).isEmpty {
            features.append(Int32(f))
            indptr.append(Int64(m.indptr[f + 1]))
        }
        let weights: Weights = half ? .half(ArrayStorage(m.values.map { Float16($0).bitPattern }))
                                    : .float(ArrayStorage(m.values))
        self.init(featureCount: m.rows, rowCount: m.cols, features: ArrayStorage(features),
                  indptr: ArrayStorage(indptr), rows: ArrayStorage(m.indices), weights: weights)
    }

    var nnz: Int { rows.count }

    /// The weights as floats.
    var floatWeights: [Float] {
        switch weights {
        case .float(let f): return f.array
        case .half(let h): return h.map { Float(Float16(bitPattern: $0)) }
        }
    }

    /// The features x rows matrix (a copy, float weights).
    var matrix: SparseMatrix {
        var indptr = [Int](repeating: 0, count: featureCount + 1)
        for i in 0..<(self.indptr.count - 1) {
            let f = features.map { Int($0[i]) } ?? i
            indptr[f + 1] = Int(self.indptr[i + 1] - self.indptr[i])
        }
        for f in 0..<featureCount { indptr[f + 1] += indptr[f] }
        return SparseMatrix(rows: featureCount, cols: rowCount, indptr: indptr, indices: rows.array,
                            values: floatWeights)
    }

    /// Calls `body` with the lists, valid during the call.
    func withLists<R>(_ body: (PostingView) -> R) -> R {
        let features = self.features ?? []
        return features.withUnsafeBufferPointer { f in indptr.withUnsafeBufferPointer { p in
            rows.withUnsafeBufferPointer { r in slots.withUnsafeBufferPointer { s in
                switch weights {
                case .float(let w):
                    return w.withUnsafeBufferPointer { body(PostingView(self, f, p, r, s, floats: $0.baseAddress)) }
                case .half(let w):
                    return w.withUnsafeBufferPointer { body(PostingView(self, f, p, r, s, halves: $0.baseAddress)) }
                }
            } }
        } }
    }
}

/// Read access to posting lists inside `PostingLists.withLists`, from any thread.
struct PostingView: @unchecked Sendable {
    private let compact: Bool
    private let lists: Int
    private let features: UnsafeBufferPointer<Int32>
    private let indptr: UnsafeBufferPointer<Int64>
    let rows: UnsafeBufferPointer<Int32>
    private let slots: UnsafeBufferPointer<Int32>
    private let slotShift: Int
    private let featureCount: Int
    private var floats: UnsafePointer<Float>?
    private var halves: UnsafePointer<UInt16>?

    fileprivate init(_ p: PostingLists, _ features: UnsafeBufferPointer<Int32>, _ indptr: UnsafeBufferPointer<Int64>,
                     _ rows: UnsafeBufferPointer<Int32>, _ slots: UnsafeBufferPointer<Int32>,
                     floats: UnsafePointer<Float>? = nil, halves: UnsafePointer<UInt16>? = nil) {
        compact = p.features != nil
        lists = indptr.count - 1
        self.features = features
        self.indptr = indptr
        self.rows = rows
        self.slots = slots
        slotShift = p.slotShift
        featureCount = p.featureCount
        self.floats = floats
        self.halves = halves
    }

    /// The entries of feature `f` (empty when it has none).
    @inline(__always) func entries(of f: Int) -> Range<Int> {
        var i = f
        if compact {
            guard f >= 0 && f < featureCount else { return 0..<0 }
            var lo = Int(slots[f >> slotShift]), hi = Int(slots[(f >> slotShift) + 1])
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(features[mid]) < f { lo = mid + 1 } else { hi = mid }
            }
            guard lo < features.count, Int(features[lo]) == f else { return 0..<0 }
            i = lo
        } else if f >= lists {
            return 0..<0
        }
        return Int(indptr[i])..<Int(indptr[i + 1])
    }

    /// out[k] = weight * (entry k of `range`'s weight), for the entries of `range`.
    @inline(__always) func weighted(_ range: Range<Int>, by weight: Float, into out: UnsafeMutablePointer<Float>) {
        if let floats {
            for (k, p) in range.enumerated() { out[k] = weight * floats[p] }
        } else if let halves {
            out.initialize(repeating: 0, count: range.count)
            clever_add_half_row(out, halves + range.lowerBound, weight, range.count)
        }
    }
}
