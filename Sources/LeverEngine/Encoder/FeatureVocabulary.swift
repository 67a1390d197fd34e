/// Maps hashed feature buckets to rows of an embedding table, keeping only buckets seen in at least
/// `minDF` fitting texts (rarer ones carry no learnable signal and would only cost memory).
struct FeatureVocabulary: Sendable {
    /// rowOf[bucket] is the table row, or -1 for a dropped bucket (in place in a loaded model file).
    let rowOf: ArrayStorage<Int32>
    let size: Int
    /// The smallest entry (below -1 only in a damaged file).
    let lowest: Int32

    init(rowOf: [Int32]) { self.init(rowOf: ArrayStorage(rowOf)) }

    init(rowOf: ArrayStorage<Int32>) {
        self.rowOf = rowOf
        var high: Int32 = -1, low: Int32 = -1
        rowOf.withUnsafeBufferPointer { b in
            for v in b {
                high = Swift.max(high, v)
                low = Swift.min(low, v)
            }
        }
        size = Int(high) + 1
        lowest = low
    }

    /// Builds the vocabulary from the document frequencies of `features` (rows = texts).
    static func fit(_ features: SparseMatrix, minDF: Int) -> FeatureVocabulary {
        var df = [Int32](repeating: 0, count: features.cols)
        for c in features.indices { df[Int(c)] += 1 }
        var rowOf = [Int32](repeating: -1, count: features.cols)
        var next: Int32 = 0
        for b in 0..<features.cols where Int(df[b]) >= minDF {
            rowOf[b] = next
            next += 1
        }
        return FeatureVocabulary(rowOf: rowOf)
    }

    /// Re-indexes a featurised matrix to table rows, dropping unknown buckets. Rows keep their
    /// weights (already L2-normalised over all buckets).
    func remap(_ m: SparseMatrix) -> SparseMatrix {
        var out = SparseMatrix(cols: size)
        out.indices.reserveCapacity(m.nnz)
        out.values.reserveCapacity(m.nnz)
        rowOf.withUnsafeBufferPointer { rows in
            for r in 0..<m.rows {
                for j in m.rowRange(r) {
                    let c = Int(m.indices[j])
                    if c < rows.count, rows[c] >= 0 { out.indices.append(rows[c]); out.values.append(m.values[j]) }
                }
                out.indptr.append(out.indices.count)
                out.rows += 1
            }
        }
        return out
    }
}
