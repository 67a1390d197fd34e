/// Settings of the TF-IDF k-nearest-neighbour baseline (config section `knn`).
public struct KNNConfig: Sendable, Equatable {
    /// How many training rows vote for a query's labels.
    public var neighbours: Int
    /// A neighbour's vote is similarity^power.
    public var power: Float

    public init(neighbours: Int = 25, power: Float = 2) {
        self.neighbours = neighbours
        self.power = power
    }

    init(_ r: ConfigReader) throws(LeverError) {
        neighbours = try r.int("knn.neighbours", in: 1...10_000)
        power = Float(try r.double("knn.power", in: 0...100))
    }

    static let defaultsJSON: JSONValue = {
        let c = KNNConfig()
        return .object(JSONObject([("neighbours", .int(Int64(c.neighbours))), ("power", .float(c.power))]))
    }()
}
