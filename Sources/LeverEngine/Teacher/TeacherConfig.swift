/// Settings of the Siamese teacher (config section `teacher`).
public struct TeacherConfig: ConfigSection, Equatable {
    public enum Batching: String, Sendable, CaseIterable { case cluster, random }
    public enum Sides: String, Sendable, CaseIterable { case label, row }
    public enum Mining: String, Sendable, CaseIterable { case hard, random }

    public var dim = 128
    public var minDF = 2
    public var table = EncoderTableForm.int4
    public var epochs = 30
    /// A budget for large label sets: above this many items (labels; training rows with `sides` row) an
    /// epoch visits a random subset of this size, so the teacher's cost stops growing with the label
    /// count. 65,536 leaves label-side training of sets up to that many labels as before; the 131K-label
    /// scale set's figures are in the README (Benchmarks).
    public var epochItems = 65_536
    public var batchSize = 512
    public var learningRate: Float = 0.01
    /// One per row by default. Against per value, on held-out slices of WordNet lemma / gloss / Debtags
    /// (teacher and student both per row) LEVER's P@1 moved -0.14 / +0.66 / +0.26, PSP@5 +0.16 / +0.32 /
    /// -0.15, coverage@5 -0.14 / +0.64 / +0.22, with half the optimiser state (README, Benchmarks).
    public var adamSecondMoment = AdamSecondMoment.row
    public var margin: Float = 0.3
    public var hardNegatives = 10
    public var mining = Mining.hard
    public var symmetric = true
    public var sides = Sides.label
    public var batching = Batching.cluster
    public var warmupEpochs = 5
    public var clusterRefresh = 5
    public var clusterSize = 8
    public var clusterSizeMax = 64
    public var clusterGrowthEpochs = 10
    /// As written in the config; `RunConfig.teacherLoadPath` is the path resolved against the config's folder.
    public var load = ""

    public static let section = "teacher"
    public static let keys: [ConfigKey<TeacherConfig>] = [
        .integer("dim", \.dim, 2...4096, "Embedding dimension of the encoder (the student's classifier vectors too)."),
        .integer("min_df", \.minDF, 1...1_000_000,
                 "Features seen in fewer fitting texts (training and label texts) get no embedding row."),
        .choice("table", \.table, "How the trained encoder table is kept and saved: signed int4 (two values a byte)"
                + " or int8, with a scale per row; training ends by rounding it, so a saved model scores as trained."),
        .integer("epochs", \.epochs, 0...100_000,
                 "Training epochs; each visits every item once (up to teacher.epoch_items of them)."),
        .integer("epoch_items", \.epochItems, 0...1_000_000_000, "Most items an epoch visits: with more, each"
                 + " epoch takes a random subset of this size (whole clusters when batches are clustered); 0: all."),
        .integer("batch_size", \.batchSize, 2...65_536,
                 "Items per batch; the other items of a batch are the negatives."),
        .number("learning_rate", \.learningRate, 1e-7...10, "Adam learning rate of the encoder's embedding table."),
        .choice("adam_second_moment", \.adamSecondMoment, "Adam's second moment per value of an embedding row"
                + " (value), or one per row, the mean square of its gradient (row: a third less optimiser"
                + " state and memory traffic)."),
        .number("margin", \.margin, 0...2, "Triplet margin on cosine similarities: a negative within it costs loss."),
        .integer("hard_negatives", \.hardNegatives, 1...65_536,
                 "Negatives per item and direction: the k hardest in the batch (or k random ones)."),
        .choice("mining", \.mining, "hard: the most similar in-batch negatives; random: random in-batch ones."),
        .boolean("symmetric", \.symmetric,
                 "Also rank labels for each input (input -> label), not only inputs for each label."),
        .choice("sides", \.sides, "label: an item is a label with one random positive row (every label once per"
                + " epoch, up to teacher.epoch_items); row: an item is a training row with one random label (head"
                + " labels dominate)."),
        .choice("batching", \.batching, "cluster: batches from small balanced clusters of similar items (hard"
                + " in-batch negatives); random: shuffled items."),
        .integer("warmup_epochs", \.warmupEpochs, 0...100_000, "Epochs of random batches before the first clustering."),
        .integer("cluster_refresh", \.clusterRefresh, 1...100_000, "Re-cluster the items every this many epochs."),
        .integer("cluster_size", \.clusterSize, 1...65_536, "Items per cluster at the first clustering."),
        .integer("cluster_size_max", \.clusterSizeMax, 1...65_536, "Largest cluster size the doubling reaches."),
        .integer("cluster_growth_epochs", \.clusterGrowthEpochs, 1...100_000,
                 "The cluster size doubles every this many epochs after the warm-up."),
        .string("load", \.load, "For ova/lever: a saved teacher or lever model whose teacher and featuriser are"
                + " reused instead of training them (relative to the config's folder); empty: train one."),
    ]

    public init() {}

    public var relationProblems: [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if clusterSizeMax < clusterSize {
            problems.append(ConfigProblem(key: "teacher.cluster_size_max", message: "\"teacher.cluster_size_max\""
                + " (\(clusterSizeMax)) must be >= \"teacher.cluster_size\" (\(clusterSize))"))
        }
        if epochItems == 1 {
            problems.append(ConfigProblem(key: "teacher.epoch_items", message:
                "\"teacher.epoch_items\" must be 0 (all items) or at least 2: an epoch of one item has no batch"))
        }
        return problems
    }
}
