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
        var problems: [ConfigProblem] = []
        for key in EvaluationConfig.keys {
            guard var value = object[key.name] else { continue }
            switch value {  // "k": K is short for [1, ..., K]; an empty list has no cut-off
            case .int(let k) where key.name == "k" && k >= 1 && k <= Int64(maxK):
                value = .array((1...k).map { .int($0) })
            case .array(let a) where key.name == "k" && a.isEmpty:
                problems.append(ConfigProblem(key: "k", message: "\"k\" must list at least one cut-off"))
                continue
            default: break
            }
            if let why = key.type.problem(value, path: key.name) {
                problems.append(ConfigProblem(key: key.name, message: why))
            } else {
                key.set(&config, value)
            }
        }
        if problems.isEmpty { problems = config.relationProblems }
        if !problems.isEmpty { throw .listing(problems, source: source) }
        try config.validate(source: source)
        return config
    }
}
