#if canImport(Glibc)
import Glibc
#endif

/// The linear ranker's labels with many weights (head labels: more than `minEntries`), indexed by
/// feature: per feature, the head labels that weigh it and their weights. A text's scores for every
/// head label then come from one walk over its features' lists, where scoring each head candidate by
/// itself would search its long list once per text feature (most of a single text's time). Each
/// label's products are added in the text's feature order, as the per-label paths add them, so the
/// scores are the same. Built from the ranker's weights on first use and kept while the ranker lives.
final class LinearHeadIndex: @unchecked Sendable {
    /// 256: on WordNet (single texts, one thread) p50 0.235-0.248 ms against 0.260-0.270 ms at 1,024
    /// and 0.30-0.31 ms at 4,096; the 131K synthetic model was the same at 256 and 1,024. The scores do
    /// not depend on it.
    static let minEntries = 256

    /// Head label l's slot, or -1.
    let slotOf: [Int32]
    let heads: Int
    /// Feature f's entries are `offsets[f] ..< offsets[f + 1]` of `slots` and `weights`, by slot.
    private let offsets: [Int]
    private let slots: [Int32]
    private let weights: [Float]
    /// Per call, the head labels' sums (all zero between calls).
    private let scratch = ScratchPool<[Float]>()

    init(term: SparseTerm, trainedLabels: Int, featureCount: Int) {
        let o = term.support.offsets, f = term.support.features
        var slotOf = [Int32](repeating: -1, count: term.numLabels)
        var heads: [Int] = []
        for l in 0..<min(trainedLabels, term.numLabels) where o[l + 1] - o[l] > LinearHeadIndex.minEntries {
            slotOf[l] = Int32(heads.count)
            heads.append(l)
        }
        var counts = [Int](repeating: 0, count: featureCount + 1)
        for l in heads { for p in o[l]..<o[l + 1] { counts[Int(f[p]) + 1] += 1 } }
        for i in 0..<featureCount { counts[i + 1] += counts[i] }
        var next = counts
        var slots = [Int32](repeating: 0, count: counts[featureCount])
        var weights = [Float](repeating: 0, count: slots.count)
        for (slot, l) in heads.enumerated() {
            for p in o[l]..<o[l + 1] {
                let at = next[Int(f[p])]
                slots[at] = Int32(slot)
                weights[at] = term.weights[p]
                next[Int(f[p])] += 1
            }
        }
        self.slotOf = slotOf
        self.heads = heads.count
        offsets = counts
        self.slots = slots
        self.weights = weights
    }

    @inline(__always) func isHead(_ label: Int) -> Bool { label < slotOf.count && slotOf[label] >= 0 }

    /// Calls `body` with every head label's score for row `row` of `m` (indexed by slot).
    func withScores<R>(row: Range<Int>, of m: SparseMatrix, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        scratch.withScratch(make: { [Float](repeating: 0, count: heads) }) { sums in
            sums.withUnsafeMutableBufferPointer { s in
                slots.withUnsafeBufferPointer { slot in weights.withUnsafeBufferPointer { w in
                    for j in row {
                        let f = Int(m.indices[j]), v = m.values[j]
                        for e in offsets[f]..<offsets[f + 1] { s[Int(slot[e])] += w[e] * v }
                    }
                } }
            }
            let result = sums.withUnsafeBufferPointer(body)
            for i in 0..<heads { sums[i] = 0 }
            return result
        }
    }
}

/// A ranker's head index, built by the first call that needs it (the ranker is immutable, so the
/// index stays valid; copies of the ranker share it).
final class LinearHeadIndexCache: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var index: LinearHeadIndex?

    init() { pthread_mutex_init(&mutex, nil) }

    deinit { pthread_mutex_destroy(&mutex) }

    func get(_ make: () -> LinearHeadIndex) -> LinearHeadIndex {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if let index { return index }
        let built = make()
        index = built
        return built
    }
}
