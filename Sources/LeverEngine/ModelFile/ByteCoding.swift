/// Explicit little-endian encoding of scalars and arrays for the model file. Arrays are padded to
/// 64-byte boundaries (relative to the start of their section, which is itself 64-byte aligned in
/// the file) so they can be memory-mapped in place.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []
    static let alignment = 64

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u64(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func align() {
        while bytes.count % ByteWriter.alignment != 0 { bytes.append(0) }
    }

    /// A length-prefixed, aligned array of fixed-width little-endian elements.
    mutating func array<T: FixedWidthInteger>(_ a: [T]) {
        u64(UInt64(a.count))
        align()
        #if _endian(little)
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in a { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
    }

    mutating func array(_ a: [Float]) {
        u64(UInt64(a.count))
        align()
        #if _endian(little)
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in a { u32(v.bitPattern) }
        #endif
    }

    /// An array of a model part, owned or a view into a loaded file (the same bytes either way).
    mutating func array<T: FixedWidthInteger>(_ a: ArrayStorage<T>) {
        #if _endian(little)
        inMemoryLayout(a)
        #else
        array(a.array)
        #endif
    }

    mutating func array(_ a: ArrayStorage<Float>) {
        #if _endian(little)
        inMemoryLayout(a)
        #else
        array(a.array)
        #endif
    }

    /// Count, padding, then the elements as they lie in memory: the file layout on a little-endian host.
    private mutating func inMemoryLayout<T>(_ a: ArrayStorage<T>) {
        u64(UInt64(a.count))
        align()
        a.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    /// Stores a CSR matrix.
    mutating func matrix(_ m: CSRStorage) {
        i64(m.rows)
        i64(m.cols)
        array(m.indptr)
        array(m.indices)
        array(m.values)
    }
}

/// Bounds-checked reading of what ByteWriter wrote. Every failure is `LeverError(.corrupt)` naming
/// the section. A reader over a section of a loaded model file (`file`) returns the large arrays
/// of `storage` as views into the file instead of copies.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let section: String
    private(set) var offset = 0
    /// The file `bytes` lie in, at `fileOffset`.
    private let file: MappedFile?
    private let fileOffset: Int

    init(_ bytes: UnsafeRawBufferPointer, section: String) {
        self.bytes = bytes
        self.section = section
        file = nil
        fileOffset = 0
    }

    init(_ file: MappedFile, at fileOffset: Int, count: Int, section: String) {
        bytes = UnsafeRawBufferPointer(rebasing: file.bytes[fileOffset..<(fileOffset + count)])
        self.section = section
        self.file = file
        self.fileOffset = fileOffset
    }

    var atEnd: Bool { offset == bytes.count }

    private func fail(_ what: String) -> LeverError {
        LeverError(.corrupt, "model section \(section): \(what) at byte \(offset)")
    }

    private mutating func take(_ n: Int) throws(LeverError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - offset else { throw fail("truncated (wanted \(n) bytes)") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        offset += n
        return slice
    }

    private mutating func scalar<T: FixedWidthInteger>(_: T.Type) throws(LeverError) -> T {
        let raw = try take(MemoryLayout<T>.size)
        var v = T.zero
        withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: raw) }
        return T(littleEndian: v)
    }

    mutating func u8() throws(LeverError) -> UInt8 { try scalar(UInt8.self) }
    mutating func u16() throws(LeverError) -> UInt16 { try scalar(UInt16.self) }
    mutating func u32() throws(LeverError) -> UInt32 { try scalar(UInt32.self) }
    mutating func u64() throws(LeverError) -> UInt64 { try scalar(UInt64.self) }
    mutating func f32() throws(LeverError) -> Float { Float(bitPattern: try u32()) }
    mutating func f64() throws(LeverError) -> Double { Double(bitPattern: try u64()) }

    /// A non-negative count or size, at most `limit`.
    mutating func count(max limit: Int = Int(Int32.max) * 64) throws(LeverError) -> Int {
        let v = try u64()
        guard v <= UInt64(limit) else { throw fail("implausible size \(v)") }
        return Int(v)
    }

    mutating func string() throws(LeverError) -> String {
        let n = try count(max: bytes.count)
        let raw = try take(n)
        guard let s = String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) else { throw fail("invalid UTF-8") }
        return s
    }

    mutating func align() throws(LeverError) {
        let pad = (ByteWriter.alignment - offset % ByteWriter.alignment) % ByteWriter.alignment
        _ = try take(pad)
    }

    mutating func array<T: FixedWidthInteger>(_: T.Type) throws(LeverError) -> [T] {
        let n = try count(max: bytes.count)
        try align()
        let raw = try take(n * MemoryLayout<T>.size)
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: raw)
            #if !_endian(little)
            for i in 0..<n { buf[i] = T(littleEndian: buf[i]) }
            #endif
            initialized = n
        }
    }

    mutating func floatArray() throws(LeverError) -> [Float] {
        #if _endian(little)
        let n = try count(max: bytes.count)
        try align()
        let raw = try take(n * 4)
        return [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: raw)
            initialized = n
        }
        #else
        return try array(UInt32.self).map { Float(bitPattern: $0) }
        #endif
    }

    /// An array of `T`, read in place when this reader has a file and the elements are aligned
    /// (always, for files Lever wrote), else copied.
    mutating func storage<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws(LeverError) -> ArrayStorage<T> {
        #if _endian(little)
        if let view = try view(T.self) { return view }
        #endif
        return ArrayStorage(try array(T.self))
    }

    mutating func floatStorage() throws(LeverError) -> ArrayStorage<Float> {
        #if _endian(little)
        if let view = try view(Float.self) { return view }
        #endif
        return ArrayStorage(try floatArray())
    }

    /// The next array as a view into the file, or nil (nothing consumed) when there is no file or
    /// the elements would be misaligned.
    private mutating func view<T: BitwiseCopyable>(_: T.Type) throws(LeverError) -> ArrayStorage<T>? {
        guard let file else { return nil }
        let start = offset
        let n = try count(max: bytes.count)
        try align()
        let at = fileOffset + offset
        guard at % MemoryLayout<T>.alignment == 0 else {
            offset = start
            return nil
        }
        _ = try take(n * MemoryLayout<T>.stride)
        return ArrayStorage(viewing: file, at: at, count: n)
    }

    /// Reads a CSR matrix (in place when this reader has a file) and checks its structure, so
    /// later indexing cannot go out of bounds.
    mutating func matrix() throws(LeverError) -> CSRStorage {
        let rows = try count(max: Int(Int32.max))
        let cols = try count(max: Int(Int32.max))
        let indptr = try storage(Int64.self)
        let indices = try storage(Int32.self)
        let values = try floatStorage()
        guard indptr.count == rows + 1, indptr.first == 0, indptr.last == Int64(indices.count),
              values.count == indices.count else {
            throw fail("inconsistent sparse matrix shape")
        }
        let decreasing = indptr.withUnsafeBufferPointer { p in (0..<rows).first { p[$0] > p[$0 + 1] } }
        if let r = decreasing { throw fail("decreasing row pointer at row \(r)") }
        let outside = indices.withUnsafeBufferPointer { ix in
            // One branch-free pass; the offending index is looked up only on failure.
            var bad: UInt32 = 0
            for c in ix { bad |= UInt32(bitPattern: c) >= UInt32(cols) ? 1 : 0 }
            return bad != 0 ? ix.first { $0 < 0 || Int($0) >= cols } : nil
        }
        if let c = outside { throw fail("column index \(c) out of range \(cols)") }
        return CSRStorage(rows: rows, cols: cols, indptr: indptr, indices: indices, values: values)
    }
}
