/// Training from data the caller holds in memory (C `lever_train_memory`, Python `Model.train(texts,
/// labels, label_texts)`): the config minus its `data` section, the rows and the label texts. The
/// data become an `XCSplit` and go through the same `Trainer.train` as data read from files, so the
/// same data and config give the same model.
extension Trainer {
    /// Parses a config for in-memory training. A `data` section is refused: the data come from the
    /// arguments. Relative paths in it (`teacher.load`) resolve against the current folder.
    public static func inMemoryConfig(_ text: String, source: String = "config_json") throws(LeverError) -> RunConfig {
        let config = try RunConfig.parse(text, source: source)
        if case .object(let user) = try JSONValue.parse(text, source: source), user["data"] != nil {
            throw .config("\(source): \"data\" is not allowed here: in-memory training takes its data from the"
                          + " arguments (texts, labels, label texts); remove the \"data\" section")
        }
        return config
    }

    /// Trains on `texts` (one row each) whose label rows are `labels` (texts.count rows x
    /// labelTexts.count columns). No test split is needed.
    public static func train(_ config: RunConfig, texts: [String], labels: SparseMatrix, labelTexts: [String],
                             progress: Progress = .silent) throws(LeverError) -> Result {
        guard !texts.isEmpty else { throw .invalidArgument("texts: no training rows (n_rows is 0)") }
        guard !labelTexts.isEmpty else { throw .invalidArgument("label_texts: no labels (n_labels is 0)") }
        guard labels.rows == texts.count, labels.cols == labelTexts.count else {
            throw .invalidArgument("labels: \(labels.rows) rows x \(labels.cols) labels, but there are \(texts.count)"
                                   + " texts and \(labelTexts.count) label texts")
        }
        let empty = SparseMatrix(rows: texts.count, cols: labelTexts.count,
                                 indptr: [Int](repeating: 0, count: texts.count + 1), indices: [], values: [])
        return try train(config, labelTexts: labelTexts, train: XCSplit(texts: texts, labels: labels, filter: empty),
                         progress: progress)
    }
}
