import CLever

/// An encoder's rows x dim weights: floats (owned by a trained encoder, or a 1.0 file's table), or
/// IEEE half floats read in place from a loaded model file. Encoding widens only the rows a text
/// touches; both forms give the same sums for the same values.
struct EncoderTable: Sendable, Equatable {
    enum Values: Sendable, Equatable {
        case float(ArrayStorage<Float>)
        case half(ArrayStorage<UInt16>)
    }

    private(set) var values: Values

    init(_ floats: [Float]) { values = .float(ArrayStorage(floats)) }
    init(_ values: Values) { self.values = values }

    var count: Int {
        switch values {
        case .float(let f): return f.count
        case .half(let h): return h.count
        }
    }

    /// The values as floats (a widened copy of a half table).
    var floats: [Float] {
        switch values {
        case .float(let f): return f.array
        case .half(let h): return h.map { Float(Float16(bitPattern: $0)) }
        }
    }

    /// Runs `body` on the values as an owned float array (training); other forms are converted first.
    mutating func withFloats<R>(_ body: (inout [Float]) -> R) -> R {
        var f: ArrayStorage<Float>
        switch values {
        case .float(let owned): f = owned
        case .half: f = ArrayStorage(floats)
        }
        values = .half([])  // drops this table's reference, so `f` is unique and is not copied
        defer { values = .float(f) }
        return f.withOwnedArray(body)
    }

    /// Calls `body` with the rows, valid during the call.
    func withRows<R>(dim: Int, _ body: (EncoderRows) -> R) -> R {
        switch values {
        case .float(let f):
            return f.withUnsafeBufferPointer { body(EncoderRows(floats: $0.baseAddress, halves: nil, dim: dim)) }
        case .half(let h):
            return h.withUnsafeBufferPointer { body(EncoderRows(floats: nil, halves: $0.baseAddress, dim: dim)) }
        }
    }
}

/// Read access to an encoder table's rows inside `EncoderTable.withRows`, from any thread.
struct EncoderRows: @unchecked Sendable {
    let floats: UnsafePointer<Float>?
    let halves: UnsafePointer<UInt16>?
    let dim: Int

    /// dst[c] += weight * row[c] for the `dim` values of row `row` (a row the table has).
    @inline(__always) func add(row: Int, weight: Float, into dst: UnsafeMutablePointer<Float>) {
        if let floats {
            clever_axpy(dst, weight, floats + row * dim, dim)
        } else if let halves {
            clever_add_half_row(dst, halves + row * dim, weight, dim)
        }
    }
}
