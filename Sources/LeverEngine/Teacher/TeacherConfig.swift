/// Settings of the Siamese teacher (config section `teacher`).
public struct TeacherConfig: Sendable, Equatable {
    public enum Batching: String, Sendable, CaseIterable { case cluster, random }
    public enum Sides: String, Sendable, CaseIterable { case label, row }
    public enum Mining: String, Sendable, CaseIterable { case hard, random }

    /// Embedding dimension.
    public var dim = 128
    /// Features seen in fewer fitting texts are dropped from the embedding table.
    public var minDF = 2
    public var epochs = 60
    public var batchSize = 512
    public var learningRate: Float = 0.01
    /// Triplet margin on cosine similarities.
    public var margin: Float = 0.3
    /// Negatives per item and direction: the k hardest in-batch ones (or k random ones).
    public var hardNegatives = 10
    public var mining = Mining.hard
    /// Also rank labels for each input (input -> label direction), not only inputs for each label.
    public var symmetric = true
    /// label: each batch item is a label with one random positive row (every label once per epoch);
    /// row: each item is a training row with one random label (head labels dominate).
    public var sides = Sides.label
    /// cluster: batches are built from small balanced clusters of similar items, so in-batch
    /// negatives are hard; random: shuffled items.
    public var batching = Batching.cluster
    /// Epochs of random batches before the first clustering.
    public var warmupEpochs = 5
    /// Re-cluster every this many epochs.
    public var clusterRefresh = 5
    /// Cluster size at the first clustering, doubling every `clusterGrowthEpochs` up to `clusterSizeMax`.
    public var clusterSize = 8
    public var clusterSizeMax = 64
    public var clusterGrowthEpochs = 20
    /// For "ova"/"lever": a saved teacher (or LEVER) model to reuse instead of training one; its
    /// featuriser is reused too. Empty: train the teacher.
    public var load = ""

    public init() {}

    init(_ r: ConfigReader) throws(LeverError) {
        dim = try r.int("teacher.dim", in: 2...4096)
        minDF = try r.int("teacher.min_df", in: 1...1_000_000)
        epochs = try r.int("teacher.epochs", in: 0...100_000)
        batchSize = try r.int("teacher.batch_size", in: 2...65_536)
        learningRate = Float(try r.double("teacher.learning_rate", in: 1e-7...10))
        margin = Float(try r.double("teacher.margin", in: 0...2))
        hardNegatives = try r.int("teacher.hard_negatives", in: 1...65_536)
        mining = try r.choice("teacher.mining", Mining.self)
        symmetric = try r.bool("teacher.symmetric")
        sides = try r.choice("teacher.sides", Sides.self)
        batching = try r.choice("teacher.batching", Batching.self)
        warmupEpochs = try r.int("teacher.warmup_epochs", in: 0...100_000)
        clusterRefresh = try r.int("teacher.cluster_refresh", in: 1...100_000)
        clusterSize = try r.int("teacher.cluster_size", in: 1...65_536)
        clusterSizeMax = try r.int("teacher.cluster_size_max", in: 1...65_536)
        clusterGrowthEpochs = try r.int("teacher.cluster_growth_epochs", in: 1...100_000)
        load = try r.string("teacher.load")
        if clusterSizeMax < clusterSize {
            throw .config("\(r.source): \"teacher.cluster_size_max\" (\(clusterSizeMax)) must be >= \"teacher.cluster_size\" (\(clusterSize))")
        }
    }

    static let defaultsJSON: JSONValue = {
        let c = TeacherConfig()
        return .object(JSONObject([
            ("dim", .int(Int64(c.dim))), ("min_df", .int(Int64(c.minDF))), ("epochs", .int(Int64(c.epochs))),
            ("batch_size", .int(Int64(c.batchSize))), ("learning_rate", .float(c.learningRate)),
            ("margin", .float(c.margin)), ("hard_negatives", .int(Int64(c.hardNegatives))),
            ("mining", .string(c.mining.rawValue)), ("symmetric", .bool(c.symmetric)),
            ("sides", .string(c.sides.rawValue)), ("batching", .string(c.batching.rawValue)),
            ("warmup_epochs", .int(Int64(c.warmupEpochs))), ("cluster_refresh", .int(Int64(c.clusterRefresh))),
            ("cluster_size", .int(Int64(c.clusterSize))), ("cluster_size_max", .int(Int64(c.clusterSizeMax))),
            ("cluster_growth_epochs", .int(Int64(c.clusterGrowthEpochs))), ("load", .string(c.load)),
        ]))
    }()
}
