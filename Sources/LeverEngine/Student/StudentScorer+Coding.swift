/// The student's sections of a `lever` model (`ova` students too): STUDENT (the dense ranker), and
/// when present SPARSE (the sparse term, coded in SparseTerm.swift), LINEAR (the linear ranker,
/// since 4.1, coded in LinearRanker.swift), LEXICAL (the lexical candidate source), ROWS (the row
/// candidate source, since 4.2, coded in RowSource.swift) and ANN (the HNSW graph of its prediction shortlist, coded in ANNIndex+Coding).
/// The teacher it ranks over is in the TEACHER section. A new student part adds
/// its section here and its tag to `sectionTags`.
extension StudentScorer {
    static let sectionTags: Set<String> = ["STUDENT", "SPARSE", "LINEAR", "LEXICAL", "ROWS", "ANN"]
    /// The STUDENT section's parts byte: 1, an own encoder follows; 2 (since 3.0), an own table over
    /// the teacher's vocabulary follows (the encoder layout without its vocabulary); 0, none.
    static let ownEncoder: UInt8 = 1
    static let sharedVocabularyEncoder: UInt8 = 2
    /// Added to the encoder byte (since 3.0): the classifier is stored as int8 vectors with scales.
    static let int8Classifier: UInt8 = 0x80

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(predictShortlist))
        w.f32(fusion)
        // The fine-tuned copy keeps the teacher's vocabulary: stored once, in TEACHER (since 3.0).
        let shared = encoder.map { $0.vocabulary.rowOf == teacher.encoder.vocabulary.rowOf } ?? false
        var parts = encoder == nil ? 0 : shared ? StudentScorer.sharedVocabularyEncoder : StudentScorer.ownEncoder
        if case .int8 = weights.values { parts |= StudentScorer.int8Classifier }
        w.u8(parts)
        encoder?.encode(into: &w, vocabulary: !shared)
        switch weights.values {
        case .float(let floats): w.array(floats)
        case .int8(let bytes, let scales, let biases):
            w.array(scales)
            w.array(biases)
            w.array(bytes)
        }
        return w.bytes
    }

    static func decode(_ r: inout ByteReader, teacher: TeacherScorer,
                       ann: ANNIndex?) throws(LeverError) -> StudentScorer {
        let shortlist = try r.count(max: Int(Int32.max))
        let fusion = try r.f32()
        let parts = try r.u8()
        try StudentConfig.checkStored(\.predictShortlist, shortlist, in: "model section STUDENT")
        try StudentConfig.checkStored(\.fusion, fusion, in: "model section STUDENT")
        let own = parts & ~int8Classifier
        guard own <= sharedVocabularyEncoder else { throw .corrupt("model section STUDENT: invalid settings") }
        let encoder = own == 0 ? nil
            : try SparseEncoder.decode(&r, shared: own == sharedVocabularyEncoder ? teacher.encoder.vocabulary : nil)
        if let encoder, encoder.dim != teacher.dim
            || encoder.vocabulary.rowOf.count != teacher.encoder.vocabulary.rowOf.count
            || encoder.rows != teacher.encoder.rows {
            throw .corrupt("model section STUDENT: encoder does not match the teacher's")
        }
        let weights = try decodeClassifier(&r, int8: parts & int8Classifier != 0, teacher: teacher)
        return StudentScorer(teacher: teacher, encoder: encoder, weights: weights, sparse: nil, lexical: nil,
                             predictShortlist: shortlist, lexicalShortlist: 0, fusion: fusion, ann: ann)
    }

    /// The classifier: an f32 array numLabels x (dim + 1) (vector then bias), or since 3.0 (`int8`) f32
    /// arrays of per-label scales and biases, then an i8 array numLabels x dim of vectors.
    private static func decodeClassifier(_ r: inout ByteReader, int8: Bool,
                                         teacher: TeacherScorer) throws(LeverError) -> ClassifierWeights {
        let labels = teacher.numLabels, d = teacher.dim
        guard int8 else {
            let floats = try r.floatStorage()
            guard floats.count == labels * (d + 1) else {
                throw .corrupt("model section STUDENT: classifier has the wrong size")
            }
            try requireFinite(floats, "model section STUDENT: classifier weights")
            return ClassifierWeights(dim: d, .float(floats))
        }
        let scales = try r.floatStorage(), biases = try r.floatStorage(), bytes = try r.storage(Int8.self)
        guard scales.count == labels, biases.count == labels, bytes.count == labels * d else {
            throw .corrupt("model section STUDENT: classifier has the wrong size")
        }
        try requireFinite(scales, "model section STUDENT: classifier scales")
        try requireFinite(biases, "model section STUDENT: classifier biases")
        return ClassifierWeights(dim: d, .int8(bytes, scales: scales, biases: biases))
    }

    /// The LEXICAL section: u64 lexical shortlist size, then the KNN index layout.
    static func encodeLexical(_ index: KNNIndex, shortlist: Int) -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(shortlist))
        index.encode(into: &w)
        return w.bytes
    }

    /// Adds the STUDENT section, then SPARSE, LINEAR, LEXICAL, ROWS and ANN when the student has those
    /// parts.
    func write(into sections: inout ModelFile.Sections) throws(LeverError) {
        sections.add("STUDENT", encoded())
        if let sparse { sections.add("SPARSE", sparse.encoded()) }
        if let linear { sections.add("LINEAR", linear.encoded()) }
        if let lexical { sections.add("LEXICAL", StudentScorer.encodeLexical(lexical, shortlist: lexicalShortlist)) }
        if let rows { sections.add("ROWS", try rows.encoded()) }
        if let ann {
            var w = ByteWriter()
            try ann.encode(into: &w)
            sections.add("ANN", w.bytes)
        }
    }

    /// Reads the STUDENT section over `teacher`, and SPARSE, LINEAR, LEXICAL, ROWS and ANN when the file
    /// has them (files of format 1.0 have none; files before 3.0 have no ANN, and their shortlist is
    /// exact; LINEAR is since 4.1, ROWS since 4.2).
    static func read(_ file: ModelSectionReader, teacher: TeacherScorer) throws(LeverError) -> StudentScorer {
        let ann = try file.decodeIfPresent("ANN") { (r) throws(LeverError) in
            try ANNIndex.decode(&r, vectors: teacher.labelEmbeddings, count: teacher.numLabels, dim: teacher.dim)
        }
        var student = try file.decode("STUDENT") { (r) throws(LeverError) in
            try StudentScorer.decode(&r, teacher: teacher, ann: ann)
        }
        student.sparse = try file.decodeIfPresent("SPARSE") { (r) throws(LeverError) in
            try SparseTerm.decode(&r, numLabels: teacher.numLabels, featureCount: teacher.encoder.rows)
        }
        student.linear = try file.decodeIfPresent("LINEAR") { (r) throws(LeverError) in
            try LinearRanker.decode(&r, numLabels: teacher.numLabels, featureCount: teacher.encoder.rows)
        }
        let lexical = try file.decodeIfPresent("LEXICAL") { (r) throws(LeverError) -> (Int, KNNIndex) in
            let k = try r.count(max: Int(Int32.max))
            try StudentConfig.checkStored(\.lexicalShortlist, k, in: "model section LEXICAL")
            return (k, try KNNIndex.decode(&r))
        }
        if let (k, index) = lexical {
            guard index.numLabels == file.numLabels, index.postingLists.featureCount <= file.featureDimension else {
                throw LeverError.corrupt("\(file.path): the LEXICAL section does not match the labels or features")
            }
            student.lexical = index
            student.lexicalShortlist = k
        }
        student.rows = try file.decodeIfPresent("ROWS") { (r) throws(LeverError) in
            try RowSource.decode(&r, numLabels: teacher.numLabels, dim: teacher.dim)
        }
        return student
    }
}
