#if canImport(Glibc)
import Glibc
#endif

/// The student's linear ranker: per label, an L2-regularised squared-hinge linear classifier over
/// the input's TF-IDF features (as the rankers of Parabel and PECOS XR-Linear), trained to
/// convergence (at most `linear_iterations` passes) by dual coordinate descent on the label's
/// positives and the training rows that shortlist it (matcher-aware negatives: the teacher's and
/// the other sources' candidates), with
/// LEVER's soft targets as positives of proportional cost. Weights of small magnitude are pruned.
/// At prediction it scores only the shortlist and is combined with the dense term's probability.
/// Labels from `trainedLabels` on (added later by text) have no classifier and rank by the dense
/// term alone.
struct LinearRanker: Sendable {
    /// Per label, weights over encoder feature rows (sorted within a label).
    let term: SparseTerm
    let biases: [Float]
    let trainedLabels: Int
    /// The linear term's share in the combined score (see `combine`).
    var weight: Float
    /// Per trained label, its own share instead of `weight` (`student.linear_weight_ramp` > 0: a share
    /// growing with the label's training positives); nil: `weight` for every label.
    var labelWeights: [Float]?
    var combine: StudentConfig.LinearCombine
    /// Rows of the encoder table (feature ids are below it): the size of a text's dense scratch.
    var featureCount: Int
    /// Per call, a dense copy of the text's features (all zero between calls).
    private let scratch = ScratchPool<DenseText>()
    /// The labels with many weights, indexed by feature (built on first use).
    private let headCache = LinearHeadIndexCache()

    init(term: SparseTerm, biases: [Float], trainedLabels: Int, weight: Float, labelWeights: [Float]? = nil,
         combine: StudentConfig.LinearCombine, featureCount: Int) {
        self.term = term
        self.biases = biases
        self.trainedLabels = trainedLabels
        self.weight = weight
        self.labelWeights = labelWeights
        self.combine = combine
        self.featureCount = featureCount
    }

    var numLabels: Int { term.numLabels }
    var entries: Int { term.entries }

    /// The linear term's probability of `label` for a row: PECOS's "l3-hinge" of the margin,
    /// exp(-max(0, 1 - s)^3) — 1 beyond the positive margin, falling fast below it.
    @inline(__always) func logProbability(label: Int, row: Range<Int>, of m: SparseMatrix) -> Float {
        LinearRanker.logProbability(margin: biases[label] + term.score(label: label, row: row, of: m))
    }

    @inline(__always) static func logProbability(margin s: Float) -> Float {
        let gap = max(0, 1 - s)
        return -gap * gap * gap
    }

    /// The combined probability of `label` given the dense term's probability `dense`.
    @inline(__always) func combined(_ dense: Float, label: Int, row: Range<Int>, of m: SparseMatrix) -> Float {
        guard label < trainedLabels, weight > 0 else { return dense }
        return mix(dense, logProbability(label: label, row: row, of: m), weight: share(label))
    }

    /// The linear term's share for a trained label.
    @inline(__always) func share(_ label: Int) -> Float { labelWeights?[label] ?? weight }

    @inline(__always) private func mix(_ dense: Float, _ lp: Float, weight: Float) -> Float {
        switch combine {
        case .geometric: return expf((1 - weight) * logf(max(dense, 1e-30)) + weight * lp)
        case .mean: return (1 - weight) * dense + weight * expf(lp)
        }
    }

    /// `combined` for every candidate of one text at once: `probs[j]` (the dense probability of
    /// `labels[j]`) becomes the combined one. Head labels (many weights) take their scores from one
    /// walk over the text's features in the head index; the others from a dense copy of the text's
    /// features and its bitmap (a bit test per weight), or, with many more weights than the text has
    /// features, by searching their sorted lists. Every path adds the same products in the same order.
    func combine(_ probs: inout [Float], labels: [(Int32, Float)], row: Range<Int>, of m: SparseMatrix) {
        guard weight > 0, !row.isEmpty else {
            for (j, (l, _)) in labels.enumerated() where Int(l) < trainedLabels {
                probs[j] = combined(probs[j], label: Int(l), row: row, of: m)
            }
            return
        }
        let head = headCache.get {
            LinearHeadIndex(term: term, trainedLabels: trainedLabels, featureCount: featureCount)
        }
        if head.heads > 0, labels.contains(where: { head.isHead(Int($0.0)) }) {
            head.withScores(row: row, of: m) { scores in
                combine(&probs, labels: labels, row: row, of: m, head: head, headScores: scores)
            }
        } else {
            combine(&probs, labels: labels, row: row, of: m, head: head, headScores: nil)
        }
    }

    private func combine(_ probs: inout [Float], labels: [(Int32, Float)], row: Range<Int>, of m: SparseMatrix,
                         head: LinearHeadIndex, headScores: UnsafeBufferPointer<Float>?) {
        let limit = 16 * row.count
        scratch.withScratch(make: { DenseText(count: featureCount) }) { x in
            x.set(row, of: m)
            x.values.withUnsafeBufferPointer { xp in x.present.withUnsafeBufferPointer { bits in
                term.support.features.withUnsafeBufferPointer { f in term.weights.withUnsafeBufferPointer { w in
                    for (j, (l32, _)) in labels.enumerated() where Int(l32) < trainedLabels {
                        let l = Int(l32)
                        let range = term.support.offsets[l]..<term.support.offsets[l + 1]
                        let s: Float
                        if let headScores, head.slotOf[l] >= 0 {
                            s = headScores[Int(head.slotOf[l])]
                        } else if range.count > limit {
                            s = term.support.score(label: l, row: row, of: m, weights: w.baseAddress!)
                        } else {
                            s = LinearRanker.gather(xp.baseAddress!, bits.baseAddress!,
                                                    f.baseAddress! + range.lowerBound,
                                                    w.baseAddress! + range.lowerBound, range.count)
                        }
                        probs[j] = mix(probs[j], LinearRanker.logProbability(margin: biases[l] + s), weight: share(l))
                    }
                } }
            } }
            x.clear(row, of: m)
        }
    }

    /// The sum over i < n of w[i] x x[f[i]], over the features the text has (`bits`): a weight on a
    /// feature it lacks costs a bit test in a table that stays in the nearest cache, not a load from
    /// the dense copy (the skipped terms are zero, so the sum is the same).
    @inline(__always) private static func gather(_ x: UnsafePointer<Float>, _ bits: UnsafePointer<UInt64>,
                                                 _ f: UnsafePointer<Int32>, _ w: UnsafePointer<Float>,
                                                 _ n: Int) -> Float {
        var s: Float = 0
        for i in 0..<n {
            let fi = Int(f[i])
            if bits[fi >> 6] & (1 << UInt64(fi & 63)) != 0 { s += w[i] * x[fi] }
        }
        return s
    }

    /// The ranker with `count` more labels that have no classifier.
    func appendingEmptyLabels(_ count: Int) -> LinearRanker {
        LinearRanker(term: term.appendingEmptyLabels(count), biases: biases + [Float](repeating: 0, count: count),
                     trainedLabels: trainedLabels, weight: weight, labelWeights: labelWeights, combine: combine,
                     featureCount: featureCount)
    }
}

extension LinearRanker {
    /// Model file section LINEAR (since 4.1): f32 weight, u8 combination (0 geometric, 1 mean) plus flags,
    /// u64 trained labels, f32 biases, [f32 per-label shares, one per trained label, each in [0, 1]],
    /// then the weights: in the SPARSE layout but as half floats (before 6.0), or (`compactFlag`, since
    /// 6.0) in `SparseTerm`'s compact layout, as int8 with per-label scales (`int8Flag`) or half floats.
    /// Training rounds the weights to the stored form, so a loaded model scores exactly like the trained one.
    static let perLabelFlag: UInt8 = 2
    static let compactFlag: UInt8 = 4
    static let int8Flag: UInt8 = 8

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.f32(weight)
        w.u8((combine == .mean ? 1 : 0) | (labelWeights == nil ? 0 : LinearRanker.perLabelFlag)
             | LinearRanker.compactFlag | (term.storesInt8 ? LinearRanker.int8Flag : 0))
        w.u64(UInt64(trainedLabels))
        w.array(biases)
        if let labelWeights { w.array(labelWeights) }
        term.encodeCompact(into: &w)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, numLabels: Int, featureCount: Int) throws(LeverError) -> LinearRanker {
        let weight = try r.f32()
        try StudentConfig.checkStored(\.linearWeight, weight, in: "model section LINEAR")
        let byte = try r.u8()
        let mode = byte & ~(perLabelFlag | compactFlag | int8Flag)
        guard mode <= 1 else { throw .corrupt("model section LINEAR: unknown combination \(mode)") }
        guard byte & int8Flag == 0 || byte & compactFlag != 0 else {
            throw .corrupt("model section LINEAR: int8 weights are only stored in the compact layout")
        }
        let trained = try r.count(max: numLabels)
        let biases = try r.floatArray()
        guard biases.count == numLabels, biases.allSatisfy({ $0.isFinite }) else {
            throw .corrupt("model section LINEAR: biases do not match the \(numLabels) labels or are not finite")
        }
        var shares: [Float]?
        if byte & perLabelFlag != 0 {
            let s = try r.floatArray()
            guard s.count == trained, s.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                throw .corrupt("model section LINEAR: per-label shares do not match the \(trained) trained labels"
                               + " or lie outside [0, 1]")
            }
            shares = s
        }
        let term = byte & compactFlag != 0
            ? try SparseTerm.decodeCompact(&r, numLabels: numLabels, featureCount: featureCount,
                                           int8: byte & int8Flag != 0, section: "LINEAR")
            : try SparseTerm.decode(&r, numLabels: numLabels, featureCount: featureCount, section: "LINEAR",
                                    half: true)
        return LinearRanker(term: term, biases: biases, trainedLabels: trained, weight: weight, labelWeights: shares,
                            combine: mode == 1 ? .mean : .geometric, featureCount: featureCount)
    }
}

/// A text's features as a dense vector over the feature ids and a bitmap of the ids it has; all zero
/// between uses (`set` then `clear` the same row).
struct DenseText {
    var values: [Float]
    var present: [UInt64]

    init(count: Int) {
        values = [Float](repeating: 0, count: count)
        present = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    mutating func set(_ row: Range<Int>, of m: SparseMatrix) {
        for j in row {
            let f = Int(m.indices[j])
            values[f] = m.values[j]
            present[f >> 6] |= 1 << UInt64(f & 63)
        }
    }

    mutating func clear(_ row: Range<Int>, of m: SparseMatrix) {
        for j in row {
            let f = Int(m.indices[j])
            values[f] = 0
            present[f >> 6] = 0
        }
    }
}
