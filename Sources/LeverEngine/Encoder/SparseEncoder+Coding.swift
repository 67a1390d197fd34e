/// The encoder layout inside the TEACHER section (and the STUDENT section's own encoder): u32 dim
/// (bit 31 set: the table is stored as IEEE half floats, since format 1.1), i32 vocabulary array,
/// then the table as an f32 or f16 array. Trained tables are rounded to half precision, so they
/// are stored in half the bytes and a loaded model scores exactly like the one that was saved.
extension SparseEncoder {
    static let halfTableFlag: UInt32 = 0x8000_0000

    func encode(into w: inout ByteWriter) {
        switch table.values {
        case .half(let bits):
            w.u32(UInt32(dim) | SparseEncoder.halfTableFlag)
            w.array(vocabulary.rowOf)
            w.array(bits)
        case .float(let floats):
            let half = SparseEncoder.isHalfExact(floats)
            w.u32(UInt32(dim) | (half ? SparseEncoder.halfTableFlag : 0))
            w.array(vocabulary.rowOf)
            if half { w.array(floats.map { Float16($0).bitPattern }) } else { w.array(floats) }
        }
    }

    /// Reads an encoder; its table is used in place when the reader has a file.
    static func decode(_ r: inout ByteReader) throws(LeverError) -> SparseEncoder {
        let stored = try r.u32()
        let dim = Int(stored & ~halfTableFlag)
        let rowOf = try r.storage(Int32.self)
        let table = stored & halfTableFlag != 0
            ? EncoderTable(.half(try r.storage(UInt16.self)))
            : EncoderTable(.float(try r.floatStorage()))
        try TeacherConfig.checkStored(\.dim, dim, in: "model section \(r.section)")
        let vocabulary = FeatureVocabulary(rowOf: rowOf)
        if vocabulary.lowest < -1 { throw .corrupt("model section \(r.section): invalid vocabulary entry") }
        guard table.count == vocabulary.size * dim else {
            throw .corrupt("model section \(r.section): encoder table has \(table.count) values, "
                           + "expected \(vocabulary.size) x \(dim)")
        }
        switch table.values {
        case .float(let floats): try requireFinite(floats, "model section \(r.section): encoder table")
        case .half(let bits): try requireFinite(bits, "model section \(r.section): encoder table")
        }
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
    }
}

extension SparseEncoder {
    /// True when every value is exactly representable as a half float.
    static func isHalfExact(_ values: ArrayStorage<Float>) -> Bool {
        values.withUnsafeBufferPointer { v in v.allSatisfy { Float(Float16($0)) == $0 } }
    }

    /// The encoder with its table rounded to half precision (values clamped to the half range).
    func roundedToHalf() -> SparseEncoder {
        let limit = Float(Float16.greatestFiniteMagnitude)
        let rounded = table.floats.map { Float(Float16(Swift.min(Swift.max($0, -limit), limit))) }
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: EncoderTable(rounded))
    }
}
