/// The trained teacher as a scorer: the encoder plus the embeddings of every label text.
/// A query's score for a label is the cosine of their embeddings.
public struct TeacherScorer: Sendable {
    let encoder: SparseEncoder
    /// numLabels x dim, row-major, unit rows (in place in a loaded model file).
    let labelEmbeddings: ArrayStorage<Float>
    /// The same values as half floats, in place in a loaded model file that stores them so (nil
    /// otherwise): rescoring a single text's shortlist reads half the bytes from them.
    let labelHalves: ArrayStorage<UInt16>?
    public let numLabels: Int

    init(encoder: SparseEncoder, labelEmbeddings: [Float], numLabels: Int) {
        self.init(encoder: encoder, labelEmbeddings: ArrayStorage(labelEmbeddings), numLabels: numLabels)
    }

    init(encoder: SparseEncoder, labelEmbeddings: ArrayStorage<Float>, labelHalves: ArrayStorage<UInt16>? = nil,
         numLabels: Int) {
        self.encoder = encoder
        self.labelEmbeddings = labelEmbeddings
        self.labelHalves = labelHalves?.count == labelEmbeddings.count ? labelHalves : nil
        self.numLabels = numLabels
    }

    public var dim: Int { encoder.dim }

    /// Embeds featurised texts (raw featuriser output).
    func embed(_ features: SparseMatrix, threads: Int) -> [Float] {
        encoder.encodeAll(encoder.vocabulary.remap(features), threads: threads)
    }

    func predict(_ features: SparseMatrix, k: Int, exclude: SparseMatrix?, within: Range<Int>? = nil, threads: Int,
                 progress: Progress) throws(LeverError) -> [[(Int32, Float)]] {
        let q = embed(features, threads: threads)
        return try DenseScorer.topK(queries: q, count: features.rows, labels: labelEmbeddings, numLabels: numLabels,
                                    dim: encoder.dim, k: k, exclude: exclude, within: within, threads: threads,
                                    progress: progress, stage: "teacher-predict")
    }
}
