import CLever

/// The quantised forms a trained table is kept and saved in (`teacher.table`).
public enum EncoderTableForm: String, Sendable, CaseIterable { case int4, int8 }

/// An encoder's rows x dim weights: floats (owned by a trained encoder, or a 1.0 file's table), IEEE
/// half floats, signed bytes with one float scale per row (a row's values are `scale * byte`), or
/// signed 4-bit values two a byte with a scale per row, the last three read in place from a loaded
/// model file. Encoding widens only the rows a text touches;
/// float and half tables give the same sums for the same values, and a trained table keeps the form
/// it is saved in, so a loaded model scores exactly like the one that was saved.
struct EncoderTable: Sendable, Equatable {
    enum Values: Sendable, Equatable {
        case float(ArrayStorage<Float>)
        case half(ArrayStorage<UInt16>)
        /// rows x dim bytes and `rows` scales.
        case int8(ArrayStorage<Int8>, scales: ArrayStorage<Float>)
        /// rows x `int4RowBytes(dim)` bytes (column 2i in the low nibble of byte i, 2i + 1 in the high
        /// one, each a two's complement value in -8...7) and `rows` scales.
        case int4(ArrayStorage<UInt8>, scales: ArrayStorage<Float>, dim: Int)
    }

    /// Bytes of one int4 row of `dim` values.
    static func int4RowBytes(_ dim: Int) -> Int { (dim + 1) / 2 }

    /// The value of nibble `c` of an int4 row.
    @inline(__always) static func nibble(_ row: UnsafeBufferPointer<UInt8>, _ c: Int) -> Int8 {
        let b = Int8(bitPattern: row[c >> 1])
        return c & 1 == 0 ? (b << 4) >> 4 : b >> 4
    }

    private(set) var values: Values

    init(_ floats: [Float]) { values = .float(ArrayStorage(floats)) }
    init(_ values: Values) { self.values = values }

    var count: Int {
        switch values {
        case .float(let f): return f.count
        case .half(let h): return h.count
        case .int8(let q, _): return q.count
        case .int4(_, let scales, let dim): return scales.count * dim
        }
    }

    /// The values as floats (a widened copy of a half table).
    var floats: [Float] {
        switch values {
        case .float(let f): return f.array
        case .half(let h): return h.map { Float(Float16(bitPattern: $0)) }
        case .int8(let q, let scales):
            let dim = scales.isEmpty ? 0 : q.count / scales.count
            return q.indices.map { scales[$0 / dim] * Float(q[$0]) }
        case .int4(let q, let scales, let dim):
            let width = EncoderTable.int4RowBytes(dim)
            return q.withUnsafeBufferPointer { b in
                (0..<(scales.count * dim)).map { i in
                    let row = UnsafeBufferPointer(rebasing: b[((i / dim) * width)..<((i / dim + 1) * width)])
                    return scales[i / dim] * Float(EncoderTable.nibble(row, i % dim))
                }
            }
        }
    }

    /// Runs `body` on the values as an owned float array (training); other forms are converted first.
    mutating func withFloats<R>(_ body: (inout [Float]) -> R) -> R {
        var f: ArrayStorage<Float>
        switch values {
        case .float(let owned): f = owned
        case .half, .int8, .int4: f = ArrayStorage(floats)
        }
        values = .half([])  // drops this table's reference, so `f` is unique and is not copied
        defer { values = .float(f) }
        return f.withOwnedArray(body)
    }

    /// Calls `body` with the rows, valid during the call.
    func withRows<R>(dim: Int, _ body: (EncoderRows) -> R) -> R {
        switch values {
        case .float(let f):
            return f.withUnsafeBufferPointer { body(EncoderRows(floats: $0.baseAddress, dim: dim)) }
        case .half(let h):
            return h.withUnsafeBufferPointer { body(EncoderRows(halves: $0.baseAddress, dim: dim)) }
        case .int8(let q, let scales):
            return q.withUnsafeBufferPointer { b in scales.withUnsafeBufferPointer { s in
                body(EncoderRows(bytes: b.baseAddress, scales: s.baseAddress, dim: dim))
            } }
        case .int4(let q, let scales, _):
            return q.withUnsafeBufferPointer { b in scales.withUnsafeBufferPointer { s in
                body(EncoderRows(nibbles: b.baseAddress, scales: s.baseAddress, dim: dim))
            } }
        }
    }
}

/// Read access to an encoder table's rows inside `EncoderTable.withRows`, from any thread.
struct EncoderRows: @unchecked Sendable {
    private var floats: UnsafePointer<Float>?
    private var halves: UnsafePointer<UInt16>?
    private var bytes: UnsafePointer<Int8>?
    private var nibbles: UnsafePointer<UInt8>?
    private var scales: UnsafePointer<Float>?
    let dim: Int

    init(floats: UnsafePointer<Float>?, dim: Int) {
        self.floats = floats
        self.dim = dim
    }

    init(halves: UnsafePointer<UInt16>?, dim: Int) {
        self.halves = halves
        self.dim = dim
    }

    init(bytes: UnsafePointer<Int8>?, scales: UnsafePointer<Float>?, dim: Int) {
        self.bytes = bytes
        self.scales = scales
        self.dim = dim
    }

    init(nibbles: UnsafePointer<UInt8>?, scales: UnsafePointer<Float>?, dim: Int) {
        self.nibbles = nibbles
        self.scales = scales
        self.dim = dim
    }

    /// dst += weights[r] * row ids[r] for r < count, in that order (rows the table has): the same sums
    /// as one `add` per row, with rows fetched a few ahead.
    func sum(ids: UnsafePointer<Int32>, weights: UnsafePointer<Float>, count: Int,
             into dst: UnsafeMutablePointer<Float>) {
        if let floats {
            clever_sum_rows(dst, floats, ids, weights, count, dim)
        } else if let bytes, let scales {
            clever_sum_int8_rows(dst, bytes, scales, ids, weights, count, dim)
        } else if let nibbles, let scales {
            clever_sum_int4_rows(dst, nibbles, EncoderTable.int4RowBytes(dim), scales, ids, weights, count, dim)
        } else {
            for r in 0..<count { add(row: Int(ids[r]), weight: weights[r], into: dst) }
        }
    }

    /// dst[c] += weight * row[c] for the `dim` values of row `row` (a row the table has).
    @inline(__always) func add(row: Int, weight: Float, into dst: UnsafeMutablePointer<Float>) {
        if let floats {
            clever_axpy(dst, weight, floats + row * dim, dim)
        } else if let halves {
            clever_add_half_row(dst, halves + row * dim, weight, dim)
        } else if let bytes, let scales {
            clever_add_int8_row(dst, bytes + row * dim, weight * scales[row], dim)
        } else if let nibbles, let scales {
            clever_add_int4_row(dst, nibbles + row * EncoderTable.int4RowBytes(dim), weight * scales[row], dim)
        }
    }
}
