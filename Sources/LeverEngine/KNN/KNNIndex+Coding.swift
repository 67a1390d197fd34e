/// The KNN section of a `knn` model (also the index layout inside the student's LEXICAL section):
/// u32 neighbours (with flags in its high bits), f32 power, the posting lists, then the training
/// rows x labels as a CSR matrix.
/// - Without flags (format 2.0 and before), the posting lists are a features x rows CSR matrix.
/// - Bit 31 (since 3.0): they are i64 feature count, i64 training row count, an i32 array of the
///   features that have postings (strictly increasing), an i64 array of list offsets (one more),
///   an i32 array of training rows, and the weights: an f32 array, or with bit 30 an f16 array.
/// - Bit 29 (since 4.0, with bit 31): the list offsets are a u32 array (else i64).
/// - Bit 28 (since 4.0, with bit 31): the training rows are a u16 array (else i32); at most 65,536 rows.
extension KNNIndex {
    static let sectionTags: Set<String> = ["KNN"]
    static let compactPostingsFlag: UInt32 = 0x8000_0000
    static let halfWeightsFlag: UInt32 = 0x4000_0000
    static let narrowOffsetsFlag: UInt32 = 0x2000_0000
    static let narrowRowsFlag: UInt32 = 0x1000_0000
    static let flags = compactPostingsFlag | halfWeightsFlag | narrowOffsetsFlag | narrowRowsFlag

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    func encode(into w: inout ByteWriter) {
        // Lists are written compact, with row ids and offsets as narrow as they fit (a model loaded
        // from an older file is saved in the newer layout).
        var lists = postingLists
        if lists.features == nil { lists = PostingLists(lists.matrix, half: false) }
        lists = lists.narrowed
        var stored = UInt32(config.neighbours) | KNNIndex.compactPostingsFlag
        if case .half = lists.weights { stored |= KNNIndex.halfWeightsFlag }
        if case .narrow = lists.indptr { stored |= KNNIndex.narrowOffsetsFlag }
        if case .narrow = lists.rows { stored |= KNNIndex.narrowRowsFlag }
        w.u32(stored)
        w.f32(config.power)
        w.i64(lists.featureCount)
        w.i64(lists.rowCount)
        w.array(lists.features ?? [])
        switch lists.indptr {
        case .wide(let o): w.array(o)
        case .narrow(let o): w.array(o)
        }
        switch lists.rows {
        case .wide(let r): w.array(r)
        case .narrow(let r): w.array(r)
        }
        switch lists.weights {
        case .float(let f): w.array(f)
        case .half(let h): w.array(h)
        }
        w.matrix(labelStorage)
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> KNNIndex {
        let stored = try r.u32()
        let neighbours = Int(stored & ~flags)
        let power = try r.f32()
        let config = KNNConfig(neighbours: neighbours, power: power)
        try config.checkStored(in: "model section \(r.section)")
        let what = "model section \(r.section)"
        let postings: PostingLists
        if stored & compactPostingsFlag != 0 {
            postings = try decodeLists(&r, half: stored & halfWeightsFlag != 0,
                                       narrowOffsets: stored & narrowOffsetsFlag != 0,
                                       narrowRows: stored & narrowRowsFlag != 0, what: what)
        } else {
            guard stored & (flags & ~compactPostingsFlag) == 0 else {
                throw .corrupt("\(what): invalid index settings")
            }
            let m = try r.matrix()
            postings = PostingLists(featureCount: m.rows, rowCount: m.cols, features: nil,
                                    indptr: .wide(m.indptr), rows: .wide(m.indices), weights: .float(m.values))
        }
        let labels = try r.matrix()
        guard postings.rowCount == labels.rows else {
            throw LeverError.corrupt("\(what): postings and label rows disagree")
        }
        switch postings.weights {
        case .float(let f): try requireFinite(f, "\(what): postings")
        case .half(let h): try requireFinite(h, "\(what): postings")
        }
        try requireFinite(labels.values, "\(what): training labels")
        return KNNIndex(config: config, postings: postings, trainLabels: labels)
    }

    /// Reads compact posting lists and checks their structure, so later indexing cannot go out of bounds.
    private static func decodeLists(_ r: inout ByteReader, half: Bool, narrowOffsets: Bool, narrowRows: Bool,
                                    what: String) throws(LeverError) -> PostingLists {
        let featureCount = try r.count(max: Int(Int32.max))
        let rowCount = try r.count(max: Int(Int32.max))
        let features = try r.storage(Int32.self)
        let indptr: PostingLists.Offsets = narrowOffsets ? .narrow(try r.storage(UInt32.self))
                                                         : .wide(try r.storage(Int64.self))
        let rows: PostingLists.RowIDs = narrowRows ? .narrow(try r.storage(UInt16.self))
                                                   : .wide(try r.storage(Int32.self))
        let weights: PostingLists.Weights = half ? .half(try r.storage(UInt16.self)) : .float(try r.floatStorage())
        let weightCount: Int
        switch weights {
        case .float(let f): weightCount = f.count
        case .half(let h): weightCount = h.count
        }
        let lists = PostingLists(featureCount: featureCount, rowCount: rowCount, features: features, indptr: indptr,
                                 rows: rows, weights: weights)
        let offsets = lists.offsets
        guard offsets.count == features.count + 1, offsets.first == 0, offsets.last == lists.nnz,
              weightCount == lists.nnz else {
            throw .corrupt("\(what): inconsistent posting lists")
        }
        let unordered = features.withUnsafeBufferPointer { f in
            f.indices.first { f[$0] < 0 || Int(f[$0]) >= featureCount || ($0 > 0 && f[$0] <= f[$0 - 1]) }
        }
        if let i = unordered {
            throw .corrupt("\(what): posting feature \(features[i]) at \(i) is out of order or range")
        }
        if let i = (0..<features.count).first(where: { offsets[$0] > offsets[$0 + 1] }) {
            throw .corrupt("\(what): decreasing posting offset at list \(i)")
        }
        let outside: Int?
        switch rows {
        case .wide(let ids): outside = firstOutside(ids, rowCount)
        case .narrow(let ids): outside = firstOutside(ids, rowCount)
        }
        if let row = outside { throw .corrupt("\(what): posting row \(row) out of range \(rowCount)") }
        return lists
    }

    /// The first id that is not in 0..<count, or nil.
    private static func firstOutside<T: FixedWidthInteger & BitwiseCopyable>(_ ids: ArrayStorage<T>,
                                                                             _ count: Int) -> Int? {
        ids.withUnsafeBufferPointer { ix in
            var bad = false
            for c in ix { bad = bad || c < 0 || Int(c) >= count }
            return bad ? ix.first { $0 < 0 || Int($0) >= count }.map { Int($0) } : nil
        }
    }

    /// Adds the KNN section.
    func write(into sections: inout ModelFile.Sections) {
        sections.add("KNN", encoded())
    }

    /// Reads the KNN section, checked against the model's labels and featuriser.
    static func read(_ file: ModelSectionReader) throws(LeverError) -> KNNIndex {
        let index = try file.decode("KNN") { (r) throws(LeverError) in try KNNIndex.decode(&r) }
        guard index.numLabels == file.numLabels else {
            throw LeverError.corrupt("\(file.path): the KNN section has \(index.numLabels) labels "
                                     + "but LABELS has \(file.numLabels)")
        }
        guard index.postingLists.featureCount <= file.featureDimension else {
            throw LeverError.corrupt("\(file.path): KNN feature count exceeds the featuriser's")
        }
        return index
    }
}
