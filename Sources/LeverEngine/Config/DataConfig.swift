/// The dataset files of a run (config section `data`), as written; `RunConfig.paths` resolves them.
public struct DataConfig: ConfigSection, Equatable {
    public var dir = "data/wordnet"
    public var trainTexts = "trn_X.txt"
    public var trainLabels = "trn_X_Y.txt"
    public var testTexts = "tst_X.txt"
    public var testLabels = "tst_X_Y.txt"
    public var labelTexts = "Y.txt"
    public var trainFilter = "trn_filter_labels.txt"
    public var testFilter = "tst_filter_labels.txt"

    public static let section = "data"
    public static let keys: [ConfigKey<DataConfig>] = [
        .string("dir", \.dir, "The dataset folder, relative to the config's folder; the file names below are in it."),
        .string("trn_X", \.trainTexts, nonEmpty: true, "Training input texts, one per line."),
        .string("trn_X_Y", \.trainLabels, nonEmpty: true,
                "Training labels: a \"rows labels\" header, then one line of label:value pairs per row."),
        .string("tst_X", \.testTexts, nonEmpty: true, "Test input texts, one per line."),
        .string("tst_X_Y", \.testLabels, nonEmpty: true, "Test labels, in the layout of trn_X_Y."),
        .string("Y", \.labelTexts, nonEmpty: true, "Label texts, one per line; a label's id is its 0-based line."),
        .string("trn_filter", \.trainFilter, "Training \"row label\" filter pairs: read and checked when the file"
                + " exists (required when named explicitly), not used by training; empty: none."),
        .string("tst_filter", \.testFilter, "\"row label\" pairs removed from the test predictions and metrics;"
                + " read when the file exists (required when named explicitly); empty: none."),
    ]

    public init() {}
}
