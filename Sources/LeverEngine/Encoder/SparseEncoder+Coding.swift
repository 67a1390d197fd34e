/// The encoder layout inside the TEACHER section (and the STUDENT section's own encoder): u32 dim with
/// flags in its high bits, the vocabulary, then the table.
/// - bit 31 (since format 1.1): the table is an f16 array (else f32).
/// - bit 30 (since 3.0): the table is an f32 array of per-row scales then an i8 array (rows x dim);
///   a row's values are its scale times its bytes.
/// - bit 28 (since 6.0): the table is an f32 array of per-row scales then a u8 array of rows x
///   ceil(dim / 2) bytes, two signed 4-bit values a byte (the even column in the low nibble); a row's
///   values are its scale times its nibbles.
/// - bit 29 (since 3.0): the vocabulary is stored compactly: u64 bucket count B, then an i32 array of
///   the used buckets, strictly increasing (row i is the i-th used bucket; every other bucket is
///   dropped); else it is the i32 array bucket -> row (-1: dropped) of B entries.
/// An encoder over another encoder's vocabulary (the student's fine-tuned copy) may leave it out:
/// the caller says so and supplies it when reading.
/// Trained tables are stored as int8 or int4 rows, so a loaded model scores exactly like the one saved.
extension SparseEncoder {
    static let halfTableFlag: UInt32 = 0x8000_0000
    static let int8TableFlag: UInt32 = 0x4000_0000
    static let compactVocabularyFlag: UInt32 = 0x2000_0000
    static let int4TableFlag: UInt32 = 0x1000_0000
    static let flags = halfTableFlag | int8TableFlag | compactVocabularyFlag | int4TableFlag

    func encode(into w: inout ByteWriter, vocabulary withVocabulary: Bool = true) {
        var tableValues = table.values
        if case .float(let floats) = tableValues, SparseEncoder.isHalfExact(floats) {
            tableValues = .half(ArrayStorage(floats.map { Float16($0).bitPattern }))
        }
        let used = withVocabulary ? vocabulary.usedBuckets : nil
        var stored = UInt32(dim) | (used == nil ? 0 : SparseEncoder.compactVocabularyFlag)
        switch tableValues {
        case .float: break
        case .half: stored |= SparseEncoder.halfTableFlag
        case .int8: stored |= SparseEncoder.int8TableFlag
        case .int4: stored |= SparseEncoder.int4TableFlag
        }
        w.u32(stored)
        if let used {
            w.u64(UInt64(vocabulary.rowOf.count))
            w.array(used)
        } else if withVocabulary {
            w.array(vocabulary.rowOf)
        }
        switch tableValues {
        case .float(let floats): w.array(floats)
        case .half(let bits): w.array(bits)
        case .int8(let bytes, let scales):
            w.array(scales)
            w.array(bytes)
        case .int4(let bytes, let scales, _):
            w.array(scales)
            w.array(bytes)
        }
    }

    /// Reads an encoder; its table is used in place when the reader has a file. `shared` is the
    /// vocabulary of an encoder written without one.
    static func decode(_ r: inout ByteReader, shared: FeatureVocabulary? = nil) throws(LeverError) -> SparseEncoder {
        let stored = try r.u32()
        let dim = Int(stored & ~flags)
        let what = "model section \(r.section)"
        try TeacherConfig.checkStored(\.dim, dim, in: what)
        let half = stored & halfTableFlag != 0, int8 = stored & int8TableFlag != 0
        let int4 = stored & int4TableFlag != 0
        let vocabularyClash = shared != nil && stored & compactVocabularyFlag != 0
        guard [half, int8, int4].filter({ $0 }).count <= 1, !vocabularyClash else {
            throw .corrupt("\(what): invalid encoder settings")
        }
        let vocabulary: FeatureVocabulary
        if let shared {
            vocabulary = shared
        } else if stored & compactVocabularyFlag != 0 {
            let buckets = try r.count(max: 1 << FeatureConfig.maxHashBits)
            try Memory.check(buckets * 4, "\(what): vocabulary of \(buckets) buckets")
            vocabulary = try FeatureVocabulary.decompact(buckets: buckets, used: try r.storage(Int32.self), what: what)
        } else {
            vocabulary = FeatureVocabulary(rowOf: try r.storage(Int32.self))
            if vocabulary.lowest < -1 { throw .corrupt("\(what): invalid vocabulary entry") }
        }
        let table: EncoderTable
        if int8 || int4 {
            let scales = try r.floatStorage()
            guard scales.count == vocabulary.size else {
                throw .corrupt("\(what): encoder table has \(scales.count) row scales, expected \(vocabulary.size)")
            }
            if int8 {
                table = EncoderTable(.int8(try r.storage(Int8.self), scales: scales))
            } else {
                let bytes = try r.storage(UInt8.self)
                guard bytes.count == scales.count * EncoderTable.int4RowBytes(dim) else {
                    throw .corrupt("\(what): int4 encoder table has \(bytes.count) bytes, expected \(scales.count)"
                                   + " rows x \(EncoderTable.int4RowBytes(dim))")
                }
                table = EncoderTable(.int4(bytes, scales: scales, dim: dim))
            }
        } else {
            table = half ? EncoderTable(.half(try r.storage(UInt16.self))) : EncoderTable(.float(try r.floatStorage()))
        }
        guard table.count == vocabulary.size * dim else {
            throw .corrupt("\(what): encoder table has \(table.count) values, expected \(vocabulary.size) x \(dim)")
        }
        switch table.values {
        case .float(let floats): try requireFinite(floats, "\(what): encoder table")
        case .half(let bits): try requireFinite(bits, "\(what): encoder table")
        case .int8(_, let scales), .int4(_, let scales, _):
            try requireFinite(scales, "\(what): encoder row scales")
        }
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
    }
}

extension SparseEncoder {
    /// True when every value is exactly representable as a half float.
    static func isHalfExact(_ values: ArrayStorage<Float>) -> Bool {
        values.withUnsafeBufferPointer { v in v.allSatisfy { Float(Float16($0)) == $0 } }
    }

    /// The encoder with each table row stored as signed 8-bit (or 4-bit) values times a per-row
    /// scale (its largest magnitude / 127, or / 7): a quarter (an eighth) of the float bytes, and the
    /// form a trained table is kept and saved in.
    func quantized(_ form: EncoderTableForm = .int8) -> SparseEncoder {
        let floats = table.floats
        let levels: Float = form == .int4 ? 7 : 127
        var values = [Int8](repeating: 0, count: floats.count)
        var scales = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let slice = floats[(row * dim)..<((row + 1) * dim)]
            let largest = slice.reduce(Float(0)) { Swift.max($0, abs($1)) }
            guard largest > 0, largest.isFinite else { continue }
            let scale = largest / levels
            scales[row] = scale
            for (c, v) in slice.enumerated() {
                values[row * dim + c] = Int8(Swift.max(-levels, Swift.min(levels, (v / scale).rounded())))
            }
        }
        guard form == .int4 else {
            let table = EncoderTable(.int8(ArrayStorage(values), scales: ArrayStorage(scales)))
            return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
        }
        let width = EncoderTable.int4RowBytes(dim)
        var packed = [UInt8](repeating: 0, count: rows * width)
        for row in 0..<rows {
            for c in 0..<dim {
                let nibble = UInt8(bitPattern: values[row * dim + c]) & 0x0F
                packed[row * width + c / 2] |= c & 1 == 0 ? nibble : nibble << 4
            }
        }
        let table = EncoderTable(.int4(ArrayStorage(packed), scales: ArrayStorage(scales), dim: dim))
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
    }
}
