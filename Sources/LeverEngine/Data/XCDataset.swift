/// Where a dataset's files are: the Extreme Classification Repository's standard names inside one
/// folder, each overridable. Filter files are optional.
public struct DatasetPaths: Sendable {
    public var trainTexts: String
    public var trainLabels: String
    public var testTexts: String
    public var testLabels: String
    public var labelTexts: String
    /// nil: no filter. `required` is false when the path is only the default name and may be absent.
    public var trainFilter: (path: String, required: Bool)?
    public var testFilter: (path: String, required: Bool)?

    /// The standard names inside `dir`.
    public init(dir: String) {
        trainTexts = Path.join(dir, "trn_X.txt")
        trainLabels = Path.join(dir, "trn_X_Y.txt")
        testTexts = Path.join(dir, "tst_X.txt")
        testLabels = Path.join(dir, "tst_X_Y.txt")
        labelTexts = Path.join(dir, "Y.txt")
        trainFilter = (Path.join(dir, "trn_filter_labels.txt"), false)
        testFilter = (Path.join(dir, "tst_filter_labels.txt"), false)
    }
}

/// One split of a dataset: input texts and their label rows, plus the filter pairs.
public struct XCSplit: Sendable {
    public var texts: [String]
    public var labels: SparseMatrix
    /// Rows x labels; empty rows when there is no filter file.
    public var filter: SparseMatrix
}

/// A label-text XC dataset in memory.
public struct XCDataset: Sendable {
    public var labelTexts: [String]
    public var train: XCSplit
    public var test: XCSplit

    public var numLabels: Int { labelTexts.count }

    public static func load(_ paths: DatasetPaths) throws(LeverError) -> XCDataset {
        let (labelTexts, train) = try loadTraining(paths)
        let test = try loadTest(paths, numLabels: labelTexts.count)
        return XCDataset(labelTexts: labelTexts, train: train, test: test)
    }

    /// The label texts and the training split only (what training needs).
    public static func loadTraining(_ paths: DatasetPaths) throws(LeverError) -> (labelTexts: [String], train: XCSplit) {
        let labelTexts = try readTexts(paths.labelTexts)
        let train = try loadSplit(texts: paths.trainTexts, labels: paths.trainLabels, filter: paths.trainFilter,
                                  labelTextsPath: paths.labelTexts, numLabels: labelTexts.count)
        return (labelTexts, train)
    }

    public static func loadTest(_ paths: DatasetPaths, numLabels: Int) throws(LeverError) -> XCSplit {
        try loadSplit(texts: paths.testTexts, labels: paths.testLabels, filter: paths.testFilter,
                      labelTextsPath: paths.labelTexts, numLabels: numLabels)
    }

    /// Reads one text per line, validating UTF-8; every error names the file and line.
    public static func readTexts(_ path: String) throws(LeverError) -> [String] {
        try Messages.requireFile(path)
        return try LineReader.readLines(path)
    }

    static func loadSplit(texts: String, labels: String, filter: (path: String, required: Bool)?,
                          labelTextsPath: String, numLabels: Int) throws(LeverError) -> XCSplit {
        let t = try readTexts(texts)
        let y = try SparseFile.read(labels, expectedRows: t.count, rowsSource: "\(texts) (one text per line)",
                                    expectedCols: numLabels, colsSource: "\(labelTextsPath) (one label per line)")
        var f = SparseMatrix(rows: t.count, cols: numLabels, indptr: [Int](repeating: 0, count: t.count + 1),
                             indices: [], values: [])
        if let filter {
            if Messages.missingFileReason(filter.path) != "file not found" {
                f = try FilterFile.read(filter.path, rows: t.count, labels: numLabels)
            } else if filter.required {
                throw .io("\(filter.path): file not found")
            }
        }
        return XCSplit(texts: t, labels: y, filter: f)
    }
}
