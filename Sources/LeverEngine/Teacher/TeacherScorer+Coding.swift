/// The TEACHER section of `teacher` and `lever` models.
extension TeacherScorer {
    static let sectionTags: Set<String> = ["TEACHER"]

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
        let emb = try r.floatStorage()
        guard emb.count == numLabels * encoder.dim else {
            throw .corrupt("model section TEACHER: label embeddings have the wrong size")
        }
        try requireFinite(emb, "model section TEACHER: label embeddings")
        return TeacherScorer(encoder: encoder, labelEmbeddings: emb, numLabels: numLabels)
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
