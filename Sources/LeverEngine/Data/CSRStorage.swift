/// A CSR matrix held by a model part (the kNN index's postings and training labels): the layout of
/// `SparseMatrix`, with arrays that are owned or views into a loaded model file (`ArrayStorage`).
struct CSRStorage: Sendable, Equatable {
    let rows: Int
    let cols: Int
    /// Row r's entries are `indices[indptr[r]..<indptr[r+1]]`.
    let indptr: ArrayStorage<Int64>
    let indices: ArrayStorage<Int32>
    let values: ArrayStorage<Float>

    init(rows: Int, cols: Int, indptr: ArrayStorage<Int64>, indices: ArrayStorage<Int32>,
         values: ArrayStorage<Float>) {
        self.rows = rows
        self.cols = cols
        self.indptr = indptr
        self.indices = indices
        self.values = values
    }

    init(_ m: SparseMatrix) {
        self.init(rows: m.rows, cols: m.cols, indptr: ArrayStorage(m.indptr.map { Int64($0) }),
                  indices: ArrayStorage(m.indices), values: ArrayStorage(m.values))
    }

    var nnz: Int { indices.count }

    func rowRange(_ r: Int) -> Range<Int> { Int(indptr[r])..<Int(indptr[r + 1]) }

    /// An owned copy as a `SparseMatrix`.
    var matrix: SparseMatrix {
        SparseMatrix(rows: rows, cols: cols, indptr: indptr.map { Int($0) }, indices: indices.array,
                     values: values.array)
    }
}
