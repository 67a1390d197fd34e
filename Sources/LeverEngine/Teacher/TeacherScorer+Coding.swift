import CLever

/// The TEACHER section of `teacher` and `lever` models.
extension TeacherScorer {
    static let sectionTags: Set<String> = ["TEACHER"]
    /// Set in the label count (since 3.0): the label embeddings follow as IEEE half floats. Training
    /// rounds them to half precision, so loading (which widens them to floats) gives back exactly the
    /// values the model was trained with; embeddings that are not all half-exact (a model of an older
    /// format, or labels added later) are written as floats.
    static let halfEmbeddingsFlag: UInt64 = 1 << 63

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encoder.encode(into: &w)
        if SparseEncoder.isHalfExact(labelEmbeddings) {
            w.u64(UInt64(numLabels) | TeacherScorer.halfEmbeddingsFlag)
            w.array(labelEmbeddings.map { Float16($0).bitPattern })
        } else {
            w.u64(UInt64(numLabels))
            w.array(labelEmbeddings)
        }
        return w.bytes
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> TeacherScorer {
        let encoder = try SparseEncoder.decode(&r)
        let stored = try r.u64()
        let half = stored & halfEmbeddingsFlag != 0
        guard stored & ~halfEmbeddingsFlag <= UInt64(Int32.max) else {
            throw .corrupt("model section TEACHER: implausible label count \(stored & ~halfEmbeddingsFlag)")
        }
        let numLabels = Int(stored & ~halfEmbeddingsFlag)
        let emb: ArrayStorage<Float>
        var halves: ArrayStorage<UInt16>?
        if half {
            let bits = try r.storage(UInt16.self)
            try requireFinite(bits, "model section TEACHER: label embeddings")
            emb = ArrayStorage(widened(bits))
            // Kept when they lie in the mapped file (no memory of their own) for single-text rescoring.
            halves = bits.isView ? bits : nil
        } else {
            emb = try r.floatStorage()
            try requireFinite(emb, "model section TEACHER: label embeddings")
        }
        guard emb.count == numLabels * encoder.dim else {
            throw .corrupt("model section TEACHER: label embeddings have the wrong size")
        }
        return TeacherScorer(encoder: encoder, labelEmbeddings: emb, labelHalves: halves, numLabels: numLabels)
    }

    /// Adds the TEACHER section.
    func write(into sections: inout ModelFile.Sections) {
        sections.add("TEACHER", encoded())
    }

    /// Reads the TEACHER section, checked against the model's labels and featuriser.
    static func read(_ file: ModelSectionReader) throws(LeverError) -> TeacherScorer {
        let teacher = try file.decode("TEACHER") { (r) throws(LeverError) in try TeacherScorer.decode(&r) }
        guard teacher.numLabels == file.numLabels else {
            throw LeverError.corrupt("\(file.path): the TEACHER section has \(teacher.numLabels) labels "
                                     + "but LABELS has \(file.numLabels)")
        }
        guard teacher.encoder.vocabulary.rowOf.count == file.featureDimension else {
            throw LeverError.corrupt("\(file.path): the teacher's vocabulary does not match the featuriser")
        }
        return teacher
    }
}
