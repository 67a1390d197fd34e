/// The ANN section of a `lever` model (since format 3.0): the HNSW graph over the teacher's label
/// embeddings that the student's prediction shortlist searches. Layout: u64 ef_search, u64 seed,
/// then the graph's bytes as a u8 array (docs/model-format.md, "ANN"). The vectors are not repeated:
/// loading takes them from the TEACHER section.
extension ANNIndex {
    func encode(into w: inout ByteWriter) throws(LeverError) {
        w.u64(UInt64(efSearch))
        w.u64(seed)
        w.array(try serialized())
    }

    /// The index over `vectors` (count x dim, the teacher's label embeddings) from its section.
    static func decode(_ r: inout ByteReader, vectors: ArrayStorage<Float>, count: Int,
                       dim: Int) throws(LeverError) -> ANNIndex {
        let efSearch = try r.count(max: Int(Int32.max))
        try ANNConfig.checkStored(\.efSearch, efSearch, in: "model section \(r.section)")
        let seed = try r.u64()
        let graph = try r.storage(UInt8.self)
        guard r.atEnd else { throw LeverError.corrupt("model section \(r.section): unexpected bytes after the graph") }
        do throws(LeverError) {
            return try graph.withUnsafeBufferPointer { (bytes) throws(LeverError) in
                try ANNIndex.load(bytes, vectors: vectors, count: count, dim: dim, efSearch: efSearch, seed: seed)
            }
        } catch where error.status == .corrupt {
            throw LeverError.corrupt("model section \(r.section): \(error.message)")
        }
    }
}
