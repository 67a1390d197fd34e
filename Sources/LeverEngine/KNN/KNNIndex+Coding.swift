/// The KNN section of a `knn` model (also the index layout inside the student's LEXICAL section).
extension KNNIndex {
    static let sectionTags: Set<String> = ["KNN"]

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    func encode(into w: inout ByteWriter) {
        w.u32(UInt32(config.neighbours))
        w.f32(config.power)
        w.matrix(postingStorage)
        w.matrix(labelStorage)
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> KNNIndex {
        let neighbours = Int(try r.u32())
        let power = try r.f32()
        let config = KNNConfig(neighbours: neighbours, power: power)
        try config.checkStored(in: "model section \(r.section)")
        let postings = try r.matrix()
        let labels = try r.matrix()
        guard postings.cols == labels.rows else {
            throw LeverError.corrupt("model section KNN: postings and label rows disagree")
        }
        try requireFinite(postings.values, "model section KNN: postings")
        try requireFinite(labels.values, "model section KNN: training labels")
        return KNNIndex(config: config, postings: postings, trainLabels: labels)
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
        guard index.postingStorage.rows <= file.featureDimension else {
            throw LeverError.corrupt("\(file.path): KNN feature count exceeds the featuriser's")
        }
        return index
    }
}
