/// Settings of the TF-IDF k-nearest-neighbour baseline (config section `knn`; the student's lexical
/// candidate source uses them too).
public struct KNNConfig: ConfigSection, Equatable {
    public var neighbours = 25
    public var power: Float = 2

    public static let section = "knn"
    public static let keys: [ConfigKey<KNNConfig>] = [
        .integer("neighbours", \.neighbours, 1...10_000,
                 "How many most similar training rows (TF-IDF cosine) vote for a query's labels."),
        .number("power", \.power, 0...100, "A neighbour's vote for each of its labels is its similarity^power."),
    ]

    public init() {}

    public init(neighbours: Int = 25, power: Float = 2) {
        self.neighbours = neighbours
        self.power = power
    }
}
