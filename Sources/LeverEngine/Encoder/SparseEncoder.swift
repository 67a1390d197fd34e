#if canImport(Glibc)
import Glibc
#endif
import CLever

/// The CPU text encoder: a learned embedding table over the TF-IDF features. A text's vector is
/// the TF-IDF-weighted sum of its features' rows, L2-normalised. Shared by inputs and label texts.
struct SparseEncoder: Sendable {
    let dim: Int
    let vocabulary: FeatureVocabulary
    /// rows x dim, row-major.
    var table: EncoderTable

    var rows: Int { vocabulary.size }

    /// A random table: each row N(0, 1/dim)-like (uniform with that variance), from the seed.
    static func random(dim: Int, vocabulary: FeatureVocabulary, seed: UInt64) -> SparseEncoder {
        var rng = SeededRandom(seed: seed)
        let scale = (3.0 / Float(dim)).squareRoot()
        var table = [Float](repeating: 0, count: vocabulary.size * dim)
        for i in 0..<table.count { table[i] = (2 * rng.unitFloat() - 1) * scale }
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: EncoderTable(table))
    }

    /// Encodes rows `rows` of the remapped feature matrix into `out` (rows.count x dim), and their
    /// pre-normalisation norms into `norms` when given. Rows without features encode to zero.
    func encode(_ x: SparseMatrix, rows: [Int], into out: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>? = nil,
                threads: Int) {
        let d = dim
        table.withRows(dim: d) { t in x.indices.withUnsafeBufferPointer { ib in x.values.withUnsafeBufferPointer { vb in
            let o = SendablePointer(out)
            let nr = norms.map { SendablePointer($0) }
            // Nil only when no row has a feature.
            let ids = ib.baseAddress.map(SendableConstPointer.init)
            let weights = vb.baseAddress.map(SendableConstPointer.init)
            Parallel.forEachChunk(rows.count, threads: threads) { _, range in
                for i in range {
                    let dst = o.pointer + i * d
                    dst.initialize(repeating: 0, count: d)
                    let features = x.rowRange(rows[i])
                    if let ids, let weights, !features.isEmpty {
                        t.sum(ids: ids.pointer + features.lowerBound, weights: weights.pointer + features.lowerBound,
                              count: features.count, into: dst)
                    }
                    let n = clever_dot(dst, dst, d).squareRoot()
                    nr?.pointer[i] = n
                    if n > 0 {
                        let inv = 1 / n
                        for c in 0..<d { dst[c] *= inv }
                    }
                }
            }
        } } }
    }

    /// Encodes every row of `x` (n x dim, normalised).
    func encodeAll(_ x: SparseMatrix, threads: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.rows * dim)
        out.withUnsafeMutableBufferPointer { encode(x, rows: Array(0..<x.rows), into: $0.baseAddress!, threads: threads) }
        return out
    }
}
