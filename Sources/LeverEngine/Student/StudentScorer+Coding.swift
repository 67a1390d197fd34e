/// The student's sections of a `lever` model (`ova` students too): STUDENT (the dense ranker), and
/// when present SPARSE (the sparse term, coded in SparseTerm.swift), LEXICAL (the lexical
/// candidate source) and ANN (the HNSW graph of its prediction shortlist, coded in ANNIndex+Coding).
/// The teacher it ranks over is in the TEACHER section. A new student part adds
/// its section here and its tag to `sectionTags`.
extension StudentScorer {
    static let sectionTags: Set<String> = ["STUDENT", "SPARSE", "LEXICAL", "ANN"]

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(predictShortlist))
        w.f32(fusion)
        w.u8(encoder == nil ? 0 : 1)
        encoder?.encode(into: &w)
        w.array(weights)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, teacher: TeacherScorer) throws(LeverError) -> StudentScorer {
        let shortlist = try r.count(max: Int(Int32.max))
        let fusion = try r.f32()
        let own = try r.u8()
        try StudentConfig.checkStored(\.predictShortlist, shortlist, in: "model section STUDENT")
        try StudentConfig.checkStored(\.fusion, fusion, in: "model section STUDENT")
        guard own <= 1 else { throw .corrupt("model section STUDENT: invalid settings") }
        let encoder = own == 1 ? try SparseEncoder.decode(&r) : nil
        if let encoder, encoder.dim != teacher.dim
            || encoder.vocabulary.rowOf.count != teacher.encoder.vocabulary.rowOf.count
            || encoder.rows != teacher.encoder.rows {
            throw .corrupt("model section STUDENT: encoder does not match the teacher's")
        }
        let weights = try r.floatStorage()
        guard weights.count == teacher.numLabels * (teacher.dim + 1) else {
            throw .corrupt("model section STUDENT: classifier has the wrong size")
        }
        try requireFinite(weights, "model section STUDENT: classifier weights")
        return StudentScorer(teacher: teacher, encoder: encoder, weights: weights, sparse: nil, lexical: nil,
                             predictShortlist: shortlist, lexicalShortlist: 0, fusion: fusion)
    }

    /// The LEXICAL section: u64 lexical shortlist size, then the KNN index layout.
    static func encodeLexical(_ index: KNNIndex, shortlist: Int) -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(shortlist))
        index.encode(into: &w)
        return w.bytes
    }

    /// Adds the STUDENT section, then SPARSE, LEXICAL and ANN when the student has those parts.
    func write(into sections: inout ModelFile.Sections) throws(LeverError) {
        sections.add("STUDENT", encoded())
        if let sparse { sections.add("SPARSE", sparse.encoded()) }
        if let lexical { sections.add("LEXICAL", StudentScorer.encodeLexical(lexical, shortlist: lexicalShortlist)) }
        if let ann {
            var w = ByteWriter()
            try ann.encode(into: &w)
            sections.add("ANN", w.bytes)
        }
    }

    /// Reads the STUDENT section over `teacher`, and SPARSE, LEXICAL and ANN when the file has them
    /// (files of format 1.0 have none; files before 2.1 have no ANN, and their shortlist is exact).
    static func read(_ file: ModelSectionReader, teacher: TeacherScorer) throws(LeverError) -> StudentScorer {
        var student = try file.decode("STUDENT") { (r) throws(LeverError) in
            try StudentScorer.decode(&r, teacher: teacher)
        }
        student.sparse = try file.decodeIfPresent("SPARSE") { (r) throws(LeverError) in
            try SparseTerm.decode(&r, numLabels: teacher.numLabels, featureCount: teacher.encoder.rows)
        }
        let lexical = try file.decodeIfPresent("LEXICAL") { (r) throws(LeverError) -> (Int, KNNIndex) in
            let k = try r.count(max: Int(Int32.max))
            try StudentConfig.checkStored(\.lexicalShortlist, k, in: "model section LEXICAL")
            return (k, try KNNIndex.decode(&r))
        }
        if let (k, index) = lexical {
            guard index.numLabels == file.numLabels, index.postingStorage.rows <= file.featureDimension else {
                throw LeverError.corrupt("\(file.path): the LEXICAL section does not match the labels or features")
            }
            student.lexical = index
            student.lexicalShortlist = k
        }
        student.ann = try file.decodeIfPresent("ANN") { (r) throws(LeverError) in
            try ANNIndex.decode(&r, vectors: teacher.labelEmbeddings, count: teacher.numLabels, dim: teacher.dim)
        }
        return student
    }
}
