/// What a run writes (config section `output`), as written; `RunConfig.output` resolves the paths.
public struct OutputConfig: ConfigSection, Equatable {
    public var dir = "runs/wordnet"
    public var model = "model.lever"
    public var predictions = "tst_predictions.txt"
    public var report = "report.json"
    public var chart = "psp_by_band.svg"
    public var topK = 100

    public static let section = "output"
    public static let keys: [ConfigKey<OutputConfig>] = [
        .string("dir", \.dir, "Folder of the outputs, relative to the config's folder (created when missing)."),
        .string("model", \.model, "The model file (empty: not written)."),
        .string("predictions", \.predictions,
                "Test predictions in the XC sparse format, best first (empty: not written)."),
        .string("report", \.report,
                "JSON report: metrics, bands, timings, training facts, config (empty: not written)."),
        .string("chart", \.chart, "With compare: SVG chart of PSP by label-frequency band (empty: not written)."),
        .integer("top_k", \.topK, 1...100_000,
                 "Labels predicted per test row; must be at least the largest evaluation.k."),
    ]

    public init() {}
}
