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

    /// The used buckets in increasing order when row i is the i-th of them (as `fit` makes it), which
    /// stores the vocabulary in a fraction of the bytes; nil for any other mapping.
    var usedBuckets: [Int32]? {
        var used: [Int32] = []
        used.reserveCapacity(size)
        let compact = rowOf.withUnsafeBufferPointer { rows in
            for (bucket, row) in rows.enumerated() where row >= 0 {
                guard Int(row) == used.count else { return false }
                used.append(Int32(bucket))
            }
            return true
        }
        return compact ? used : nil
    }

    /// The vocabulary over `buckets` buckets whose row i is bucket `used[i]`; `used` must be strictly
    /// increasing and inside the buckets (else a corrupt-model error naming `what`).
    static func decompact(buckets: Int, used: ArrayStorage<Int32>,
                          what: String) throws(LeverError) -> FeatureVocabulary {
        var rowOf = [Int32](repeating: -1, count: buckets)
        let bad = used.withUnsafeBufferPointer { u in
            rowOf.withUnsafeMutableBufferPointer { rows -> Int? in
                var previous = -1
                for row in 0..<u.count {
                    let bucket = Int(u[row])
                    guard bucket > previous, bucket < buckets else { return row }
                    rows[bucket] = Int32(row)
                    previous = bucket
                }
                return nil
            }
        }
        if let row = bad {
            throw .corrupt("\(what): vocabulary bucket \(used[row]) at row \(row) is out of order or out of range")
        }
        return FeatureVocabulary(rowOf: rowOf)
    }

    /// Builds the vocabulary from the document frequencies of `features` (rows = texts), summed over
    /// the matrices given (no concatenated copy).
    static func fit(_ features: SparseMatrix..., minDF: Int) -> FeatureVocabulary {
        let cols = features.map { $0.cols }.max() ?? 0
        var df = [Int32](repeating: 0, count: cols)
        for part in features { for c in part.indices { df[Int(c)] += 1 } }
        var rowOf = [Int32](repeating: -1, count: cols)
        var next: Int32 = 0
        for b in 0..<cols where Int(df[b]) >= minDF {
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
