/// Builds a SparseMatrix from a caller's CSR arrays (the C API's label rows and exclusion lists),
/// validating every entry: the messages name the argument, the row and the id at fault.
extension SparseMatrix {
    /// What a row's values may be.
    enum CSRValues {
        /// No values array: every entry is 1 (a plain label list).
        case ones
        /// The caller's values, one per id: each must be finite and positive (as in label files,
        /// where a zero entry is not a label).
        case given(UnsafePointer<Float>)
    }

    /// Reads `rows` rows: `indptr` holds rows + 1 offsets (indptr[0] = 0, non-decreasing), row r's ids
    /// are `ids[indptr[r] ..< indptr[r + 1]]`, each in 0..<cols. `what` names the arguments for
    /// messages ("labels" gives "labels: row 17: label id 99 is outside 0..<50"). With
    /// `allowDuplicates` false, an id appearing twice in one row is refused (as in label files).
    static func fromCSR(rows: Int, cols: Int, indptr: UnsafePointer<Int64>?, ids: UnsafePointer<Int64>?,
                        values: CSRValues, what: String, indptrName: String, idsName: String,
                        allowDuplicates: Bool) throws(LeverError) -> SparseMatrix {
        guard let indptr else { throw .invalidArgument("\(indptrName) is NULL") }
        guard cols <= Int(Int32.max) else {
            throw .invalidArgument("\(what): \(cols) labels is more than this build supports")
        }
        guard indptr[0] == 0 else { throw .invalidArgument("\(indptrName)[0] is \(indptr[0]); it must be 0") }
        for r in 0..<rows where indptr[r + 1] < indptr[r] {
            throw .invalidArgument("\(indptrName): row \(r): offsets decrease (\(indptr[r]) then \(indptr[r + 1]))")
        }
        let total = indptr[rows]
        // Each entry costs an Int32 id and a Float value here.
        guard total <= Int64(Int.max / 8) else {
            throw .invalidArgument("\(indptrName)[\(rows)] = \(total) is too large")
        }
        let nnz = Int(total)
        try Memory.check(nnz * 8, "\(what): \(nnz) entries")
        guard nnz == 0 || ids != nil else {
            throw .invalidArgument("\(idsName) is NULL but \(indptrName)[\(rows)] is \(nnz)")
        }
        var m = SparseMatrix(rows: rows, cols: cols, indptr: [Int](repeating: 0, count: rows + 1),
                             indices: [], values: [])
        m.indices.reserveCapacity(nnz)
        m.values.reserveCapacity(nnz)
        var seen = [Bool](repeating: false, count: allowDuplicates ? 0 : cols)
        for r in 0..<rows {
            let range = Int(indptr[r])..<Int(indptr[r + 1])
            for j in range {
                let id = ids![j]
                guard id >= 0 && id < Int64(cols) else {
                    throw .invalidArgument("\(what): row \(r): label id \(id) is outside 0..<\(cols)")
                }
                if !allowDuplicates {
                    if seen[Int(id)] { throw .invalidArgument("\(what): row \(r): label id \(id) appears twice") }
                    seen[Int(id)] = true
                }
                var v: Float = 1
                if case .given(let p) = values {
                    v = p[j]
                    guard v.isFinite && v > 0 else {
                        throw .invalidArgument("\(what): row \(r): label id \(id) has value \(v);"
                                               + " values must be finite and > 0")
                    }
                }
                m.indices.append(Int32(id))
                m.values.append(v)
            }
            if !allowDuplicates { for j in range { seen[Int(ids![j])] = false } }
            m.indptr[r + 1] = m.indices.count
        }
        return m
    }
}
