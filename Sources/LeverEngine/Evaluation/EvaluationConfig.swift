/// Settings of evaluation (config section `evaluation`).
public struct EvaluationConfig: ConfigSection, Equatable {
    public var ks = [1, 3, 5]
    public var propensityA = 0.55
    public var propensityB = 1.5
    public var headMinCount = 51
    public var tailMaxCount = 5
    /// 50,000: the run report's recall of each shortlist source repeats the test split's searches
    /// source by source, which at the 1M scale (524,288 test texts) took longer than predicting them;
    /// an evenly spaced sample of 50,000 estimates a recall of 0.5 within about 0.2 points (one
    /// standard error), and every test split under 50,000 texts is measured whole, as before.
    public var reportRecallRows = 50_000

    /// The ranges of the propensity keys (the CLI's `eval` options check them too).
    public static let propensityARange = 0.0001...100.0
    public static let propensityBRange = 0.0...1_000_000.0

    public static let section = "evaluation"
    public static let keys: [ConfigKey<EvaluationConfig>] = [
        .integerList("k", \.ks, 1...100_000, "The cut-offs k at which every metric is reported."),
        .number("propensity_a", \.propensityA, propensityARange,
                "Propensity parameter A of Jain et al. (PSP, PSnDCG): 0.55 by default, 0.5 for Wikipedia-like data."),
        .number("propensity_b", \.propensityB, propensityBRange,
                "Propensity parameter B of Jain et al.: 1.5 by default, 0.4 for Wikipedia-like data."),
        .integer("head_min_count", \.headMinCount, 1...Int(Int32.max),
                 "Head band: labels with at least this many training rows."),
        .integer("tail_max_count", \.tailMaxCount, 0...Int(Int32.max),
                 "Tail band: labels with at most this many training rows (torso: between tail and head)."),
        .integer("shortlist_recall_rows", \.reportRecallRows, 0...Int(Int32.max),
                 "The run report's shortlist recall is measured on at most this many test texts, evenly"
                 + " spaced (0: all of them)."),
    ]

    public init() {}

    public init(ks: [Int] = [1, 3, 5], propensityA: Double = 0.55, propensityB: Double = 1.5,
                headMinCount: Int = 51, tailMaxCount: Int = 5) {
        self.ks = ks
        self.propensityA = propensityA
        self.propensityB = propensityB
        self.headMinCount = headMinCount
        self.tailMaxCount = tailMaxCount
    }

    public var relationProblems: [ConfigProblem] {
        guard tailMaxCount >= headMinCount else { return [] }
        return [ConfigProblem(key: "evaluation.tail_max_count", message:
            "\"evaluation.tail_max_count\" (\(tailMaxCount)) must be below"
            + " \"evaluation.head_min_count\" (\(headMinCount))")]
    }

    /// Checks values set in code or on the command line against the same schema, except that k has
    /// no upper bound there (a ranking shorter than k is scored as it is).
    public func validate(source: String) throws(LeverError) {
        var rest = self
        rest.ks = [1]
        var found = rest.problems
        if ks.isEmpty {
            found.insert(ConfigProblem(key: "evaluation.k", message: "at least one k is needed"), at: 0)
        } else if let bad = ks.first(where: { $0 < 1 }) {
            found.insert(ConfigProblem(key: "evaluation.k", message: "k must be at least 1 (got \(bad))"), at: 0)
        }
        if !found.isEmpty { throw .listing(found, source: source, status: .invalidArgument) }
    }
}
