/// A compressed sparse row matrix of Float values with Int32 column indices.
public struct SparseMatrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    /// Row r's entries are `indices[indptr[r]..<indptr[r+1]]`.
    public var indptr: [Int]
    public var indices: [Int32]
    public var values: [Float]

    public init(rows: Int, cols: Int, indptr: [Int], indices: [Int32], values: [Float]) {
        self.rows = rows
        self.cols = cols
        self.indptr = indptr
        self.indices = indices
        self.values = values
    }

    public init(cols: Int) {
        self.init(rows: 0, cols: cols, indptr: [0], indices: [], values: [])
    }

    /// Rows x cols with a 1 at (i, i) for every i < min(rows, cols).
    static func identity(rows: Int, cols: Int) -> SparseMatrix {
        let n = Swift.min(rows, cols)
        return SparseMatrix(rows: rows, cols: cols, indptr: (0...rows).map { Swift.min($0, n) },
                            indices: (0..<Int32(n)).map { $0 }, values: [Float](repeating: 1, count: n))
    }

    public var nnz: Int { indices.count }

    public func rowRange(_ r: Int) -> Range<Int> { indptr[r]..<indptr[r + 1] }

    /// Appends a row; `entries` must have in-range, distinct column indices.
    public mutating func appendRow<S: Sequence>(_ entries: S) where S.Element == (Int32, Float) {
        for (c, v) in entries {
            indices.append(c)
            values.append(v)
        }
        indptr.append(indices.count)
        rows += 1
    }

    /// Appends all rows of `other` (same column count).
    /// The rows `picked`, in that order.
    public func selectingRows(_ picked: [Int]) -> SparseMatrix {
        var out = SparseMatrix(cols: cols)
        out.indices.reserveCapacity(picked.reduce(0) { $0 + rowRange($1).count })
        out.values.reserveCapacity(out.indices.capacity)
        for r in picked { out.appendRow(rowRange(r).lazy.map { (self.indices[$0], self.values[$0]) }) }
        return out
    }

    public mutating func appendRows(of other: SparseMatrix) {
        let base = indices.count
        indices.append(contentsOf: other.indices)
        values.append(contentsOf: other.values)
        for r in 1...max(other.rows, 1) where r <= other.rows { indptr.append(base + other.indptr[r]) }
        rows += other.rows
    }

    /// The transpose, also in CSR form (that is, this matrix in CSC form).
    public func transposed() -> SparseMatrix {
        var counts = [Int](repeating: 0, count: cols + 1)
        for c in indices { counts[Int(c) + 1] += 1 }
        for i in 0..<cols { counts[i + 1] += counts[i] }
        var next = counts
        var tIndices = [Int32](repeating: 0, count: nnz)
        var tValues = [Float](repeating: 0, count: nnz)
        for r in 0..<rows {
            for j in rowRange(r) {
                let c = Int(indices[j])
                let slot = next[c]
                next[c] += 1
                tIndices[slot] = Int32(r)
                tValues[slot] = values[j]
            }
        }
        return SparseMatrix(rows: cols, cols: rows, indptr: counts, indices: tIndices, values: tValues)
    }

    /// Number of non-zeros in each column.
    public func columnCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: cols)
        for c in indices { counts[Int(c)] += 1 }
        return counts
    }
}

extension SparseMatrix {
    /// The matrix with at most `limit` entries per row: those of largest value (ties: the earlier
    /// entry), kept in their order.
    public func keepingLargest(perRow limit: Int) -> SparseMatrix {
        var out = SparseMatrix(cols: cols)
        out.indices.reserveCapacity(nnz)
        out.values.reserveCapacity(nnz)
        var order: [Int] = []
        for r in 0..<rows {
            let range = rowRange(r)
            if range.count <= limit {
                out.appendRow(range.lazy.map { (indices[$0], values[$0]) })
                continue
            }
            order = Array(range)
            order.sort { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
            let kept = order[0..<limit].sorted()
            out.appendRow(kept.lazy.map { (indices[$0], values[$0]) })
        }
        return out
    }
}

extension SparseMatrix {
    /// The given rows, in that order, each entry left out with probability `rate` (drawn from `rng`
    /// in entry order); a row that would lose every entry keeps its largest one.
    func droppingFeatures(rows: [Int], rate: Float, rng: inout SeededRandom) -> SparseMatrix {
        var out = SparseMatrix(cols: cols)
        for r in rows {
            let range = rowRange(r)
            let start = out.indices.count
            for j in range where rng.unitFloat() >= rate {
                out.indices.append(indices[j])
                out.values.append(values[j])
            }
            if out.indices.count == start, let best = range.max(by: { values[$0] < values[$1] }) {
                out.indices.append(indices[best])
                out.values.append(values[best])
            }
            out.indptr.append(out.indices.count)
            out.rows += 1
        }
        return out
    }
}
