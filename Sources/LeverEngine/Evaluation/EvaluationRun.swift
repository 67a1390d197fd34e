/// Evaluating a prediction file against a dataset folder (what `lever eval` does).
public enum EvaluationRun {
    public static func evaluateFile(paths: DatasetPaths, predictions: String, config: EvaluationConfig) throws(LeverError) -> EvaluationResult {
        try Messages.requireFile(predictions)
        return try evaluate(paths: paths, predictions: LineReader(path: predictions), config: config)
    }

    /// The same with the predictions read from `reader` (a file or a stream). Refuses a k beyond every
    /// row's width (`PredictionFile.requireWidth`).
    public static func evaluate(paths: DatasetPaths, predictions reader: LineReader,
                                config: EvaluationConfig) throws(LeverError) -> EvaluationResult {
        let labelTexts = try XCDataset.readTexts(paths.labelTexts)
        let trainLabels = try SparseFile.read(paths.trainLabels, expectedCols: labelTexts.count,
                                              colsSource: "\(paths.labelTexts) (one label per line)")
        let test = try XCDataset.loadTest(paths, numLabels: labelTexts.count)
        let ranked = try PredictionFile.read(reader, rows: test.texts.count, rowsSource: "\(paths.testTexts) (one text per line)",
                                             numLabels: labelTexts.count, labelsSource: "\(paths.labelTexts) (one label per line)")
        try PredictionFile.requireWidth(ranked, k: config.ks.max() ?? 1, source: reader.path)
        return try Evaluator.evaluate(predictions: ranked, truth: test.labels, filter: test.filter,
                                      trainLabels: trainLabels, config: config)
    }
}
