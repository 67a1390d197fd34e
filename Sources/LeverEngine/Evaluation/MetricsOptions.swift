/// The options of a metrics call from a host (`lever_metrics_compute`, Python's `lever.metrics`):
/// a JSON object with the keys and ranges of the run config's `evaluation` section, except that "k"
/// may also be one integer K, meaning the cut-offs 1...K.
public enum MetricsOptions {
    public static let keys = ["k", "propensity_a", "propensity_b", "head_min_count", "tail_max_count"]
    /// The cut-offs without options: 1...5.
    public static let defaultK = 5
    public static let maxK = 100_000

    /// The evaluation settings from `text` (nil: every default). Errors name `source` and the key.
    public static func parse(_ text: String?, source: String = "options_json") throws(LeverError) -> EvaluationConfig {
        var config = EvaluationConfig(ks: Array(1...defaultK))
        guard let text else { return config }
        if text.utf8.count > FileIO.maxConfigBytes {
            throw .config("\(source): is \(text.utf8.count) bytes; at most \(FileIO.maxConfigBytes) are accepted")
        }
        let doc = try JSONValue.parse(text, source: source)
        guard case .object(let object) = doc else {
            throw .config("\(source): must be a JSON object, not \(doc.typeName)")
        }
        for key in object.keys where !keys.contains(key) {
            throw .config("\(source): unknown key \"\(key)\" (known keys: \(keys.joined(separator: ", ")))")
        }
        let r = ConfigReader(doc: doc, source: source)
        switch object["k"] {
        case nil: break
        case .int?: config.ks = Array(1...(try r.int("k", in: 1...maxK)))
        case .array(let a)?:
            if a.isEmpty { throw .config("\(source): \"k\" must list at least one cut-off") }
            config.ks = try r.intArray("k", in: 1...maxK)
        case let other?:
            throw .config("\(source): \"k\" must be an integer or an array of integers, not \(other.typeName)")
        }
        if object["propensity_a"] != nil {
            config.propensityA = try r.double("propensity_a", in: EvaluationConfig.propensityARange)
        }
        if object["propensity_b"] != nil {
            config.propensityB = try r.double("propensity_b", in: EvaluationConfig.propensityBRange)
        }
        if object["head_min_count"] != nil { config.headMinCount = try r.int("head_min_count", in: 1...Int(Int32.max)) }
        if object["tail_max_count"] != nil { config.tailMaxCount = try r.int("tail_max_count", in: 0...Int(Int32.max)) }
        try config.validate(source: source)
        return config
    }
}
