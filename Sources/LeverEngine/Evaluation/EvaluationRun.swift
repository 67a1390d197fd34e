/// Evaluating a prediction file against a dataset folder (what `lever eval` does).
public enum EvaluationRun {
    public static func evaluateFile(paths: DatasetPaths, predictions: String, config: EvaluationConfig) throws(LeverError) -> EvaluationResult {
        let labelTexts = try XCDataset.readTexts(paths.labelTexts)
        let trainLabels = try SparseFile.read(paths.trainLabels, expectedCols: labelTexts.count,
                                              colsSource: "\(paths.labelTexts) (one label per line)")
        let test = try XCDataset.loadTest(paths, numLabels: labelTexts.count)
        let ranked = try PredictionFile.read(predictions, rows: test.texts.count, rowsSource: "\(paths.testTexts) (one text per line)",
                                             numLabels: labelTexts.count, labelsSource: "\(paths.labelTexts) (one label per line)")
        return try Evaluator.evaluate(predictions: ranked, truth: test.labels, filter: test.filter,
                                      trainLabels: trainLabels, config: config)
    }
}
