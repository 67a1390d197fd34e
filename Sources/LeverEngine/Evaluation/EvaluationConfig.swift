/// Settings of evaluation (config section `evaluation`).
public struct EvaluationConfig: Sendable, Equatable {
    /// The cut-offs k to report.
    public var ks: [Int]
    /// Jain et al. propensity parameters A and B.
    public var propensityA: Double
    public var propensityB: Double
    /// Frequency bands by training-row count: head >= headMinCount, tail <= tailMaxCount, torso between.
    public var headMinCount: Int
    public var tailMaxCount: Int

    public init(ks: [Int] = [1, 3, 5], propensityA: Double = 0.55, propensityB: Double = 1.5,
                headMinCount: Int = 51, tailMaxCount: Int = 5) {
        self.ks = ks
        self.propensityA = propensityA
        self.propensityB = propensityB
        self.headMinCount = headMinCount
        self.tailMaxCount = tailMaxCount
    }

    init(_ r: ConfigReader) throws(LeverError) {
        ks = try r.intArray("evaluation.k", in: 1...100_000)
        if ks.isEmpty { throw .config("\(r.source): \"evaluation.k\" must list at least one k") }
        propensityA = try r.double("evaluation.propensity_a", in: EvaluationConfig.propensityARange)
        propensityB = try r.double("evaluation.propensity_b", in: EvaluationConfig.propensityBRange)
        headMinCount = try r.int("evaluation.head_min_count", in: 1...Int(Int32.max))
        tailMaxCount = try r.int("evaluation.tail_max_count", in: 0...Int(Int32.max))
        try validate(source: r.source)
    }

    /// The ranges the config keys allow, also enforced for values set in code or on the command line.
    public static let propensityARange = 0.0001...100.0
    public static let propensityBRange = 0.0...1_000_000.0

    public func validate(source: String) throws(LeverError) {
        if ks.isEmpty { throw .invalidArgument("\(source): at least one k is needed") }
        if let bad = ks.first(where: { $0 < 1 }) {
            throw .invalidArgument("\(source): k must be at least 1 (got \(bad))")
        }
        let (ra, rb) = (EvaluationConfig.propensityARange, EvaluationConfig.propensityBRange)
        guard propensityA.isFinite, ra.contains(propensityA) else {
            throw .invalidArgument("\(source): propensity A is \(propensityA);"
                                   + " expected a finite number in \(ra.lowerBound)...\(ra.upperBound)")
        }
        guard propensityB.isFinite, rb.contains(propensityB) else {
            throw .invalidArgument("\(source): propensity B is \(propensityB);"
                                   + " expected a finite number in \(rb.lowerBound)...\(rb.upperBound)")
        }
        if headMinCount < 1 || tailMaxCount < 0 {
            throw .invalidArgument("\(source): the band bounds must be head >= 1 and tail >= 0"
                                   + " (got \(headMinCount), \(tailMaxCount))")
        }
        if tailMaxCount >= headMinCount {
            throw .config("\(source): \"evaluation.tail_max_count\" (\(tailMaxCount)) must be below \"evaluation.head_min_count\" (\(headMinCount))")
        }
    }

    static let defaultsJSON: JSONValue = {
        let c = EvaluationConfig()
        return .object(JSONObject([
            ("k", .array(c.ks.map { .int(Int64($0)) })), ("propensity_a", .double(c.propensityA)),
            ("propensity_b", .double(c.propensityB)), ("head_min_count", .int(Int64(c.headMinCount))),
            ("tail_max_count", .int(Int64(c.tailMaxCount))),
        ]))
    }()
}
