/// The encoder layout inside the TEACHER section (and the STUDENT section's own encoder).
extension SparseEncoder {
    func encode(into w: inout ByteWriter) {
        w.u32(UInt32(dim))
        w.array(vocabulary.rowOf)
        w.array(table)
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> SparseEncoder {
        let dim = Int(try r.u32())
        let rowOf = try r.array(Int32.self)
        let table = try r.floatArray()
        guard (1...4096).contains(dim) else {
            throw .corrupt("model section \(r.section): invalid encoder dimension \(dim)")
        }
        let vocabulary = FeatureVocabulary(rowOf: rowOf)
        if rowOf.contains(where: { $0 < -1 }) { throw .corrupt("model section \(r.section): invalid vocabulary entry") }
        guard table.count == vocabulary.size * dim else {
            throw .corrupt("model section \(r.section): encoder table has \(table.count) values, "
                           + "expected \(vocabulary.size) x \(dim)")
        }
        try requireFinite(table, "model section \(r.section): encoder table")
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
    }
}
