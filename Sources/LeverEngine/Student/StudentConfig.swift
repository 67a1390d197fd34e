/// Settings of the one-vs-all student (config section `student`).
public struct StudentConfig: Sendable, Equatable {
    public enum EncoderMode: String, Sendable, CaseIterable { case finetune, frozen }

    /// 5: on WordNet lemma 3, 5 and 10 epochs were within noise on P@1; on gloss 3 epochs beat 10 by
    /// 1.6 P@5 (10 gained 2 coverage@5), so 5 keeps some margin for smaller training sets.
    public var epochs = 5
    public var batchSize = 256
    public var learningRate: Float = 0.01
    public var encoderLearningRate: Float = 0.002
    /// finetune: the teacher's encoder is copied and trained further; frozen: used as is.
    public var encoder = EncoderMode.finetune
    /// Hard negatives per training row: the teacher's top labels for the row's text.
    public var shortlist = 32
    /// Other batch rows whose positives also serve as negatives for a row.
    public var inBatchRows = 4
    /// Classifier vectors start as scale x the teacher's label embeddings, biases at -scale/2.
    public var initScale: Float = 10
    /// Prediction candidates: the teacher's top labels (0 = score all labels exactly).
    public var predictShortlist = 100
    /// Final score = (1 - fusion) x student probability + fusion x teacher cosine.
    public var fusion: Float = 0
    /// Candidates from the lexical source: the labels of the input's nearest training rows by TF-IDF
    /// cosine (the `knn` section's index), top ones by vote, added to the teacher's for training
    /// negatives and for prediction (0 = off).
    public var lexicalShortlist = 32
    /// The sparse linear term over TF-IDF features (per label, the features of its positive examples).
    /// Off by default: on WordNet lemma it added +0.3 P@1 (noise level) for 2-3x the student's
    /// training time and ~100 MB of weights (see the issue 8 closing note); kept for ablations.
    public var sparse = false
    public var sparseLearningRate: Float = 0.2
    public var sparseL2: Float = 0
    /// Sparse weights with a smaller magnitude are dropped after training.
    public var sparsePrune: Float = 0.01
    /// At most this many features per label (the most frequent in its positives; 0 = no cap).
    public var sparseMaxFeatures = 20_000

    public init() {}

    init(_ r: ConfigReader) throws(LeverError) {
        epochs = try r.int("student.epochs", in: 0...100_000)
        batchSize = try r.int("student.batch_size", in: 1...65_536)
        learningRate = Float(try r.double("student.learning_rate", in: 1e-7...10))
        encoderLearningRate = Float(try r.double("student.encoder_learning_rate", in: 0...10))
        encoder = try r.choice("student.encoder", EncoderMode.self)
        shortlist = try r.int("student.shortlist", in: 0...100_000)
        inBatchRows = try r.int("student.in_batch_rows", in: 0...65_536)
        initScale = Float(try r.double("student.init_scale", in: 0...1000))
        predictShortlist = try r.int("student.predict_shortlist", in: 0...1_000_000)
        fusion = Float(try r.double("student.fusion", in: 0...1))
        lexicalShortlist = try r.int("student.lexical_shortlist", in: 0...100_000)
        sparse = try r.bool("student.sparse")
        sparseLearningRate = Float(try r.double("student.sparse_learning_rate", in: 0...100))
        sparseL2 = Float(try r.double("student.sparse_l2", in: 0...100))
        sparsePrune = Float(try r.double("student.sparse_prune", in: 0...100))
        sparseMaxFeatures = try r.int("student.sparse_max_features", in: 0...100_000_000)
    }

    static let defaultsJSON: JSONValue = {
        let c = StudentConfig()
        return .object(JSONObject([
            ("epochs", .int(Int64(c.epochs))), ("batch_size", .int(Int64(c.batchSize))),
            ("learning_rate", .float(c.learningRate)), ("encoder_learning_rate", .float(c.encoderLearningRate)),
            ("encoder", .string(c.encoder.rawValue)), ("shortlist", .int(Int64(c.shortlist))),
            ("in_batch_rows", .int(Int64(c.inBatchRows))), ("init_scale", .float(c.initScale)),
            ("predict_shortlist", .int(Int64(c.predictShortlist))), ("fusion", .float(c.fusion)),
            ("lexical_shortlist", .int(Int64(c.lexicalShortlist))), ("sparse", .bool(c.sparse)),
            ("sparse_learning_rate", .float(c.sparseLearningRate)), ("sparse_l2", .float(c.sparseL2)),
            ("sparse_prune", .float(c.sparsePrune)), ("sparse_max_features", .int(Int64(c.sparseMaxFeatures))),
        ]))
    }()
}
