/// Saving and loading a LeverModel through the ModelFile container. Each part of the model is one
/// section; loading validates every structure so a damaged file cannot make prediction index out
/// of bounds.
extension LeverModel {
    public func save(to path: String) throws(LeverError) {
        var sections = ModelFile.Sections()
        var meta = JSONObject()
        meta["lever_version"] = .string(LeverModel.version)
        meta["method"] = .string(method)
        meta["num_labels"] = .int(Int64(numLabels))
        meta["feature_dimension"] = .int(Int64(featurizer.dimension))
        sections.add("META", Array(JSONValue.object(meta).serialized(pretty: false).utf8))
        sections.add("CONFIG", Array(config.serialized().utf8))
        var labels = ByteWriter()
        labels.u64(UInt64(labelTexts.count))
        for t in labelTexts { labels.string(t) }
        sections.add("LABELS", labels.bytes)
        sections.add("FEATURES", featurizer.encoded())
        switch scorer {
        case .knn(let index): sections.add("KNN", index.encoded())
        case .teacher(let teacher): sections.add("TEACHER", teacher.encoded())
        case .student(let student):
            sections.add("TEACHER", student.teacher.encoded())
            sections.add("STUDENT", student.encoded())
            if let sparse = student.sparse { sections.add("SPARSE", sparse.encoded()) }
            if let lexical = student.lexical {
                var w = ByteWriter()
                w.u64(UInt64(student.lexicalShortlist))
                lexical.encode(into: &w)
                sections.add("LEXICAL", w.bytes)
            }
        }
        let bytes = ModelFile.encode(sections)
        try FileIO.writeAtomically(path) { (sink) throws(LeverError) in
            try typed { try bytes.withUnsafeBytes { (raw) throws in try sink.write(bytes: raw) } }
        }
    }

    public static func load(from path: String) throws(LeverError) -> LeverModel {
        try Messages.requireFile(path)
        let bytes = try ModelFile.read(path: path)
        let sections = try ModelFile.decode(bytes, path: path)
        do throws(LeverError) {
            return try decodeModel(sections, path: path)
        } catch {
            // Section decoders do not know the file: name it in every message.
            if error.message.hasPrefix(path) { throw error }
            throw LeverError(error.status, "\(path): \(error.message)")
        }
    }

    /// The sections each method's model has besides META, CONFIG, LABELS and FEATURES.
    static let scorerSections: [String: Set<String>] = [
        "knn": ["KNN"], "teacher": ["TEACHER"], "lever": ["TEACHER", "STUDENT", "SPARSE", "LEXICAL"],
    ]

    static func decodeModel(_ sections: ModelFile.Sections, path: String) throws(LeverError) -> LeverModel {
        func section(_ tag: String) throws(LeverError) -> [UInt8] {
            guard let s = sections[tag] else { throw LeverError.corrupt("\(path): missing section \(tag)") }
            return s
        }
        let metaBytes = try section("META")
        guard let metaText = String(validating: metaBytes, as: UTF8.self) else { throw LeverError.corrupt("\(path): META is not UTF-8") }
        let meta: JSONValue
        do throws(LeverError) { meta = try JSONValue.parse(metaText, source: "\(path) META") } catch { throw LeverError.corrupt(error.message) }
        guard case .string(let method)? = meta["method"] else { throw LeverError.corrupt("\(path): META has no method") }
        let configBytes = try section("CONFIG")
        guard let configText = String(validating: configBytes, as: UTF8.self) else { throw LeverError.corrupt("\(path): CONFIG is not UTF-8") }
        let config: JSONValue
        do throws(LeverError) { config = try JSONValue.parse(configText, source: "\(path) CONFIG") } catch { throw LeverError.corrupt(error.message) }

        let labelTexts = try typed { try section("LABELS").withUnsafeBytes { (raw) throws -> [String] in
            var r = ByteReader(raw, section: "LABELS")
            let n = try r.count(max: raw.count)
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try r.string()) }
            return out
        } }
        for (i, t) in labelTexts.enumerated() where t.utf8.contains(0) {
            throw LeverError.corrupt("\(path): label \(i) text contains a NUL byte")
        }
        let featurizer = try typed { try section("FEATURES").withUnsafeBytes { (raw) throws -> TfidfFeaturizer in
            var r = ByteReader(raw, section: "FEATURES")
            return try TfidfFeaturizer.decode(&r)
        } }
        if let expected = scorerSections[method] {
            for (other, tags) in scorerSections where other != method {
                for tag in tags.subtracting(expected) where sections[tag] != nil {
                    throw LeverError.corrupt("\(path): META says method \"\(method)\" but the file has a \(tag)"
                                             + " section")
                }
            }
        }
        try requireFinite(featurizer.idf, "model section FEATURES: IDF table")
        let scorer: Scorer
        switch method {
        case "knn":
            let index = try typed { try section("KNN").withUnsafeBytes { (raw) throws -> KNNIndex in
                var r = ByteReader(raw, section: "KNN")
                return try KNNIndex.decode(&r)
            } }
            guard index.numLabels == labelTexts.count else {
                throw LeverError.corrupt("\(path): the KNN section has \(index.numLabels) labels but LABELS has \(labelTexts.count)")
            }
            guard index.postings.rows <= featurizer.dimension else { throw LeverError.corrupt("\(path): KNN feature count exceeds the featuriser's") }
            scorer = .knn(index)
        case "teacher", "lever":
            let teacher = try typed { try section("TEACHER").withUnsafeBytes { (raw) throws -> TeacherScorer in
                var r = ByteReader(raw, section: "TEACHER")
                return try TeacherScorer.decode(&r)
            } }
            guard teacher.numLabels == labelTexts.count else {
                throw LeverError.corrupt("\(path): the TEACHER section has \(teacher.numLabels) labels but LABELS has \(labelTexts.count)")
            }
            guard teacher.encoder.vocabulary.rowOf.count == featurizer.dimension else {
                throw LeverError.corrupt("\(path): the teacher's vocabulary does not match the featuriser")
            }
            if method == "teacher" {
                scorer = .teacher(teacher)
            } else {
                var student = try typed { try section("STUDENT").withUnsafeBytes { (raw) throws -> StudentScorer in
                    var r = ByteReader(raw, section: "STUDENT")
                    return try StudentScorer.decode(&r, teacher: teacher)
                } }
                if let bytes = sections["SPARSE"] {
                    student.sparse = try typed { try bytes.withUnsafeBytes { (raw) throws -> SparseTerm in
                        var r = ByteReader(raw, section: "SPARSE")
                        return try SparseTerm.decode(&r, numLabels: teacher.numLabels, featureCount: teacher.encoder.rows)
                    } }
                }
                if let bytes = sections["LEXICAL"] {
                    let (k, index) = try typed { try bytes.withUnsafeBytes { (raw) throws -> (Int, KNNIndex) in
                        var r = ByteReader(raw, section: "LEXICAL")
                        let k = try r.count(max: 1_000_000)
                        return (k, try KNNIndex.decode(&r))
                    } }
                    guard index.numLabels == labelTexts.count, index.postings.rows <= featurizer.dimension else {
                        throw LeverError.corrupt("\(path): the LEXICAL section does not match the labels or features")
                    }
                    student.lexical = index
                    student.lexicalShortlist = k
                }
                scorer = .student(student)
            }
        default:
            throw LeverError(.version, "\(path): model method \"\(method)\" is not supported by this library version")
        }
        return LeverModel(config: config, labelTexts: labelTexts, featurizer: featurizer, scorer: scorer)
    }
}

/// Throws LEVER_ERR_CORRUPT naming `what` when `values` holds a NaN or an infinity: checksum-valid
/// bytes can, and would give NaN scores.
func requireFinite(_ values: [Float], _ what: String) throws(LeverError) {
    let bad = values.withUnsafeBufferPointer { b -> Int? in
        for i in 0..<b.count where !b[i].isFinite { return i }
        return nil
    }
    if let i = bad { throw .corrupt("\(what) holds a non-finite value (\(values[i])) at index \(i)") }
}

extension TfidfFeaturizer {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(config.hashBits))
        w.u32(UInt32(config.wordNgramMax))
        w.u32(UInt32(config.charNgramMin))
        w.u32(UInt32(config.charNgramMax))
        w.f32(config.charWeight)
        w.u8(config.sublinearTf ? 1 : 0)
        w.array(idf)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> TfidfFeaturizer {
        let bits = Int(try r.u32()), wmax = Int(try r.u32()), cmin = Int(try r.u32()), cmax = Int(try r.u32())
        let cw = try r.f32()
        let sub = try r.u8()
        guard (8...26).contains(bits), (1...3).contains(wmax), (0...8).contains(cmin), (0...8).contains(cmax), cmin <= cmax,
              (cmin == 0) == (cmax == 0), cw.isFinite, cw >= 0, sub <= 1 else {
            throw LeverError.corrupt("model section FEATURES: invalid featuriser settings")
        }
        let idf = try r.floatArray()
        guard idf.count == 1 << bits else { throw LeverError.corrupt("model section FEATURES: IDF table has \(idf.count) entries, expected \(1 << bits)") }
        let config = FeatureConfig(hashBits: bits, wordNgramMax: wmax, charNgramMin: cmin, charNgramMax: cmax, charWeight: cw, sublinearTf: sub == 1)
        return TfidfFeaturizer(config: config, idf: idf)
    }
}

extension KNNIndex {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    func encode(into w: inout ByteWriter) {
        w.u32(UInt32(config.neighbours))
        w.f32(config.power)
        w.matrix(postings)
        w.matrix(trainLabels)
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> KNNIndex {
        let neighbours = Int(try r.u32())
        let power = try r.f32()
        guard (1...10_000).contains(neighbours), power.isFinite, power >= 0 else { throw LeverError.corrupt("model section KNN: invalid settings") }
        let postings = try r.matrix()
        let labels = try r.matrix()
        guard postings.cols == labels.rows else { throw LeverError.corrupt("model section KNN: postings and label rows disagree") }
        try requireFinite(postings.values, "model section KNN: postings")
        try requireFinite(labels.values, "model section KNN: training labels")
        return KNNIndex(config: KNNConfig(neighbours: neighbours, power: power), postings: postings, trainLabels: labels)
    }
}

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
        guard (1...4096).contains(dim) else { throw .corrupt("model section \(r.section): invalid encoder dimension \(dim)") }
        let vocabulary = FeatureVocabulary(rowOf: rowOf)
        if rowOf.contains(where: { $0 < -1 }) { throw .corrupt("model section \(r.section): invalid vocabulary entry") }
        guard table.count == vocabulary.size * dim else {
            throw .corrupt("model section \(r.section): encoder table has \(table.count) values, expected \(vocabulary.size) x \(dim)")
        }
        try requireFinite(table, "model section \(r.section): encoder table")
        return SparseEncoder(dim: dim, vocabulary: vocabulary, table: table)
    }
}

extension TeacherScorer {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encoder.encode(into: &w)
        w.u64(UInt64(numLabels))
        w.array(labelEmbeddings)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> TeacherScorer {
        let encoder = try SparseEncoder.decode(&r)
        let numLabels = try r.count(max: Int(Int32.max))
        let emb = try r.floatArray()
        guard emb.count == numLabels * encoder.dim else { throw .corrupt("model section TEACHER: label embeddings have the wrong size") }
        try requireFinite(emb, "model section TEACHER: label embeddings")
        return TeacherScorer(encoder: encoder, labelEmbeddings: emb, numLabels: numLabels)
    }
}

extension StudentScorer {
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
        let shortlist = try r.count(max: 1_000_000)
        let fusion = try r.f32()
        let own = try r.u8()
        guard fusion.isFinite, (0...1).contains(fusion), own <= 1 else { throw .corrupt("model section STUDENT: invalid settings") }
        let encoder = own == 1 ? try SparseEncoder.decode(&r) : nil
        if let encoder, encoder.dim != teacher.dim || encoder.vocabulary.rowOf.count != teacher.encoder.vocabulary.rowOf.count
            || encoder.rows != teacher.encoder.rows {
            throw .corrupt("model section STUDENT: encoder does not match the teacher's")
        }
        let weights = try r.floatArray()
        guard weights.count == teacher.numLabels * (teacher.dim + 1) else { throw .corrupt("model section STUDENT: classifier has the wrong size") }
        try requireFinite(weights, "model section STUDENT: classifier weights")
        return StudentScorer(teacher: teacher, encoder: encoder, weights: weights, sparse: nil, lexical: nil,
                             predictShortlist: shortlist, lexicalShortlist: 0, fusion: fusion)
    }
}
