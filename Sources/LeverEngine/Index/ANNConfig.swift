/// Settings of approximate nearest-neighbour search (config section `ann`): when a top-k search over
/// vectors (labels or training inputs) uses an HNSW graph instead of scoring every item, and how the
/// graph is built and searched.
public struct ANNConfig: ConfigSection, Equatable {
    /// 1,000,000: on 2 cores, searching a whole batch (every stage of training, `lever predict`) by
    /// blocked GEMM was faster than HNSW at recall@100 >= 0.95 over 15K labels (WordNet), 131K and
    /// 262K vectors (synthetic texts), so searches stay exact up to the 1M scale (`lever bench ann`,
    /// figures in README.md, Benchmarks). One text at a time, HNSW was faster from 15K on.
    public var minItems = 1_000_000
    public var m = 16
    public var efConstruction = 200
    /// 400: on the model trained on the 131K-label synthetic set, whose label embeddings crowd together,
    /// m 16 reaches 0.967 of exact search's recall@100 of the true labels at 400 and 0.912 at 200 (`lever
    /// bench ann --truth`); a whole training run through graphs at 400 kept P@1 / PSP@5 / coverage@5 (90.59 /
    /// 59.17 / 51.35 against 90.51 / 59.05 / 51.04 exact). On WordNet 100 already recalls as many as exact.
    public var efSearch = 400
    /// 100 for training's searches: their lists are hard negatives and mining candidates, not answers.
    /// The 131K-label set with the teacher reused and every search through graphs (`min_items` 0):
    /// training shortlists at 100 ran 2,600 queries/s against 630 at 400, and with mining read from
    /// them (98% as many mined targets as a graph over the inputs found) P@1 / PSP@5 / coverage@5 were
    /// 90.64 / 59.09 / 51.25 against 90.59 / 59.17 / 51.35 (exact search: 90.51 / 59.05 / 51.04).
    public var trainingEfSearch = 100

    public static let section = "ann"
    public static let keys: [ConfigKey<ANNConfig>] = [
        .integer("min_items", \.minItems, 0...Int(Int32.max),
                 "Searches over at least this many vectors (labels, training inputs) use an HNSW graph;"
                 + " smaller ones score every vector exactly (0: always HNSW)."),
        .integer("m", \.m, 2...256, "HNSW links per vector above the bottom layer (2 x m on it)."),
        .integer("ef_construction", \.efConstruction, 1...100_000,
                 "HNSW candidate list size while building the graph (larger: better graph, slower build)."),
        .integer("ef_search", \.efSearch, 1...100_000,
                 "HNSW candidate list size while searching, at least k (larger: higher recall, slower)."),
        .integer("training_ef_search", \.trainingEfSearch, 0...100_000, "HNSW candidate list size of training's"
                 + " searches (teacher shortlists of training texts, LEVER's mined inputs and similar labels;"
                 + " not the row source's saved graph); 0: ef_search."),
    ]

    public init() {}

    /// These settings with training's candidate list size as `ef_search`: for training's searches and
    /// the graphs built only for them.
    var forTraining: ANNConfig {
        var copy = self
        if trainingEfSearch > 0 { copy.efSearch = trainingEfSearch }
        return copy
    }
}
