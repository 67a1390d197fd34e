import CLever

/// The inverted index of a TF-IDF kNN: for each feature that occurs in the training rows, the rows
/// it occurs in and its weight there. Only features with postings are stored (`features`, strictly
/// increasing; a query feature is found through a slot directory), and the weights are floats or
/// IEEE half floats (in place in a loaded model file either way). Row ids are 16-bit when there are
/// at most 65,536 training rows and list offsets 32-bit when the entries fit (since format 4.0),
/// else 32- and 64-bit. A trained lexical index keeps half weights and a loaded one scores exactly
/// like it.
struct PostingLists: Sendable, Equatable {
    enum Weights: Sendable, Equatable {
        case float(ArrayStorage<Float>)
        case half(ArrayStorage<UInt16>)
    }

    enum Offsets: Sendable, Equatable {
        case wide(ArrayStorage<Int64>)
        case narrow(ArrayStorage<UInt32>)

        /// True when read from a model file in place.
        var isView: Bool {
            switch self {
            case .wide(let o): return o.isView
            case .narrow(let o): return o.isView
            }
        }
    }

    enum RowIDs: Sendable, Equatable {
        case wide(ArrayStorage<Int32>)
        case narrow(ArrayStorage<UInt16>)

        /// True when read from a model file in place.
        var isView: Bool {
            switch self {
            case .wide(let r): return r.isView
            case .narrow(let r): return r.isView
            }
        }
    }

    /// Width of the feature space (the featuriser's buckets) and the training row count.
    let featureCount: Int
    let rowCount: Int
    /// The stored features, strictly increasing; nil: every feature below `featureCount` is stored
    /// (list f is feature f), as files before format 3.0 have it.
    let features: ArrayStorage<Int32>?
    /// List i's entries are `rows[indptr[i]..<indptr[i+1]]`.
    let indptr: Offsets
    let rows: RowIDs
    let weights: Weights
    /// With `features`: slot s holds the first list whose feature is at least s << `slotShift` (and one
    /// more slot holds the list count), so finding a feature searches only its slot's lists: about 8
    /// (hashed features spread evenly), where a binary search over every list missed the cache at each
    /// step. At most a quarter as many slots as lists, plus two.
    let slots: [Int32]
    let slotShift: Int

    /// Row ids fit 16 bits up to this many training rows.
    static let narrowRowCount = 1 << 16

    init(featureCount: Int, rowCount: Int, features: ArrayStorage<Int32>?, indptr: Offsets, rows: RowIDs,
         weights: Weights) {
        self.featureCount = featureCount
        self.rowCount = rowCount
        self.features = features
        self.indptr = indptr
        self.rows = rows
        self.weights = weights
        let listCount = features?.count ?? 0
        let shift = max(0, (Int.bitWidth - featureCount.leadingZeroBitCount)
                            - (Int.bitWidth - (listCount / 8).leadingZeroBitCount))
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
    /// (rounded to nearest) when `half`; row ids and offsets as narrow as they fit.
    init(_ m: SparseMatrix, half: Bool) {
        var features: [Int32] = [], ends: [Int] = [0]
        for f in 0..<m.rows where !m.rowRange(f).isEmpty {
            features.append(Int32(f))
            ends.append(m.indptr[f + 1])
        }
        let weights: Weights = half ? .half(ArrayStorage(m.values.map { Float16($0).bitPattern }))
                                    : .float(ArrayStorage(m.values))
        let offsets: Offsets = m.indices.count <= Int(UInt32.max) ? .narrow(ArrayStorage(ends.map { UInt32($0) }))
                                                                  : .wide(ArrayStorage(ends.map { Int64($0) }))
        let rows: RowIDs = m.cols <= PostingLists.narrowRowCount ? .narrow(ArrayStorage(m.indices.map { UInt16($0) }))
                                                                 : .wide(ArrayStorage(m.indices))
        self.init(featureCount: m.rows, rowCount: m.cols, features: ArrayStorage(features), indptr: offsets,
                  rows: rows, weights: weights)
    }

    /// These lists with row ids and offsets as narrow as they fit.
    var narrowed: PostingLists {
        var offsets = indptr, ids = rows
        if case .wide = indptr, nnz <= Int(UInt32.max) {
            offsets = .narrow(ArrayStorage(self.offsets.map { UInt32($0) }))
        }
        if case .wide(let r) = rows, rowCount <= PostingLists.narrowRowCount {
            ids = .narrow(ArrayStorage(r.map { UInt16(truncatingIfNeeded: $0) }))
        }
        return PostingLists(featureCount: featureCount, rowCount: rowCount, features: features, indptr: offsets,
                            rows: ids, weights: weights)
    }

    var nnz: Int {
        switch rows {
        case .wide(let r): return r.count
        case .narrow(let r): return r.count
        }
    }

    /// Offsets as Ints (a copy).
    var offsets: [Int] {
        switch indptr {
        case .wide(let o): return o.map { Int($0) }
        case .narrow(let o): return o.map { Int($0) }
        }
    }

    /// Row ids as Int32s (a copy).
    var rowIDs: [Int32] {
        switch rows {
        case .wide(let r): return r.array
        case .narrow(let r): return r.map { Int32($0) }
        }
    }

    /// The weights as floats.
    var floatWeights: [Float] {
        switch weights {
        case .float(let f): return f.array
        case .half(let h): return h.map { Float(Float16(bitPattern: $0)) }
        }
    }

    /// The features x rows matrix (a copy, float weights).
    var matrix: SparseMatrix {
        let ends = offsets
        var indptr = [Int](repeating: 0, count: featureCount + 1)
        for i in 0..<(ends.count - 1) {
            let f = features.map { Int($0[i]) } ?? i
            indptr[f + 1] = ends[i + 1] - ends[i]
        }
        for f in 0..<featureCount { indptr[f + 1] += indptr[f] }
        return SparseMatrix(rows: featureCount, cols: rowCount, indptr: indptr, indices: rowIDs,
                            values: floatWeights)
    }

    /// Calls `body` with the lists, valid during the call.
    func withLists<R>(_ body: (PostingView) -> R) -> R {
        let features = self.features ?? []
        return features.withUnsafeBufferPointer { f in slots.withUnsafeBufferPointer { s in
            withOffsets { o in withRows { r in
                switch weights {
                case .float(let w):
                    return w.withUnsafeBufferPointer { body(PostingView(self, f, s, o, r, floats: $0.baseAddress)) }
                case .half(let w):
                    return w.withUnsafeBufferPointer { body(PostingView(self, f, s, o, r, halves: $0.baseAddress)) }
                }
            } }
        } }
    }

    private func withOffsets<R>(_ body: (PostingView.Offsets) -> R) -> R {
        switch indptr {
        case .wide(let o):
            return o.withUnsafeBufferPointer { body(PostingView.Offsets(wide: $0.baseAddress, count: $0.count)) }
        case .narrow(let o):
            return o.withUnsafeBufferPointer { body(PostingView.Offsets(narrow: $0.baseAddress, count: $0.count)) }
        }
    }

    private func withRows<R>(_ body: (PostingView.Rows) -> R) -> R {
        switch rows {
        case .wide(let r): return r.withUnsafeBufferPointer { body(PostingView.Rows(wide: $0.baseAddress)) }
        case .narrow(let r): return r.withUnsafeBufferPointer { body(PostingView.Rows(narrow: $0.baseAddress)) }
        }
    }
}

/// Read access to posting lists inside `PostingLists.withLists`, from any thread.
struct PostingView: @unchecked Sendable {
    /// List offsets in their stored width.
    struct Offsets {
        var wide: UnsafePointer<Int64>?
        var narrow: UnsafePointer<UInt32>?
        let count: Int
        init(wide: UnsafePointer<Int64>?, count: Int) { self.wide = wide; self.count = count }
        init(narrow: UnsafePointer<UInt32>?, count: Int) { self.narrow = narrow; self.count = count }
        @inline(__always) subscript(i: Int) -> Int { wide.map { Int($0[i]) } ?? Int(narrow![i]) }
    }

    /// Row ids in their stored width.
    struct Rows {
        var wide: UnsafePointer<Int32>?
        var narrow: UnsafePointer<UInt16>?
        init(wide: UnsafePointer<Int32>?) { self.wide = wide }
        init(narrow: UnsafePointer<UInt16>?) { self.narrow = narrow }
        @inline(__always) subscript(p: Int) -> Int { wide.map { Int($0[p]) } ?? Int(narrow![p]) }
    }

    private let compact: Bool
    private let lists: Int
    private let features: UnsafeBufferPointer<Int32>
    private let slots: UnsafeBufferPointer<Int32>
    private let slotShift: Int
    private let featureCount: Int
    private let offsets: Offsets
    /// Entry p's training row is `rows[p]`.
    let rows: Rows
    private var floats: UnsafePointer<Float>?
    private var halves: UnsafePointer<UInt16>?

    fileprivate init(_ p: PostingLists, _ features: UnsafeBufferPointer<Int32>, _ slots: UnsafeBufferPointer<Int32>,
                     _ offsets: Offsets, _ rows: Rows, floats: UnsafePointer<Float>? = nil,
                     halves: UnsafePointer<UInt16>? = nil) {
        compact = p.features != nil
        lists = offsets.count - 1
        self.features = features
        self.slots = slots
        slotShift = p.slotShift
        featureCount = p.featureCount
        self.offsets = offsets
        self.rows = rows
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
        return offsets[i]..<offsets[i + 1]
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
