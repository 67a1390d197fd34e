/// Prediction files: the XC sparse format with each row's labels sorted by descending score.
public enum PredictionFile {
    public static func write(_ path: String, numLabels: Int, rows: [[(Int32, Float)]]) throws(LeverError) {
        try SparseFile.write(path, cols: numLabels, rows: rows)
    }

    /// Reads a prediction file as rankings: each row's pairs sorted by descending score (lower label
    /// first among ties), whatever order the file had.
    public static func read(_ path: String, rows: Int, rowsSource: String, numLabels: Int,
                            labelsSource: String) throws(LeverError) -> [[(Int32, Float)]] {
        let m = try SparseFile.read(path, expectedRows: rows, rowsSource: rowsSource, expectedCols: numLabels,
                                    colsSource: labelsSource, values: .anyFinite)
        return (0..<m.rows).map { r in
            m.rowRange(r).map { (m.indices[$0], m.values[$0]) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        }
    }
}
