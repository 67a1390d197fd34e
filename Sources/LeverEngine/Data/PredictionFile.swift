/// Prediction files: the XC sparse format with each row's labels sorted by descending score.
public enum PredictionFile {
    public static func write(_ path: String, numLabels: Int, rows: [[(Int32, Float)]]) throws(LeverError) {
        try SparseFile.write(path, cols: numLabels, rows: rows)
    }

    /// Writes the rows to `sink` (a file being written, or a stream).
    public static func write(to sink: FileSink, numLabels: Int, rows: [[(Int32, Float)]]) throws(LeverError) {
        try SparseFile.write(to: sink, cols: numLabels, rows: rows)
    }

    /// Reads a prediction file as rankings: each row's pairs sorted by descending score (lower label
    /// first among ties), whatever order the file had.
    public static func read(_ path: String, rows: Int, rowsSource: String, numLabels: Int,
                            labelsSource: String) throws(LeverError) -> [[(Int32, Float)]] {
        try Messages.requireFile(path)
        return try read(LineReader(path: path), rows: rows, rowsSource: rowsSource, numLabels: numLabels,
                        labelsSource: labelsSource)
    }

    /// Reads predictions from `reader` (a file or a stream) as in `read(_ path:...)`.
    public static func read(_ reader: LineReader, rows: Int, rowsSource: String, numLabels: Int,
                            labelsSource: String) throws(LeverError) -> [[(Int32, Float)]] {
        let m = try SparseFile.read(reader, expectedRows: rows, rowsSource: rowsSource, expectedCols: numLabels,
                                    colsSource: labelsSource, values: .anyFinite)
        return (0..<m.rows).map { r in
            m.rowRange(r).map { (m.indices[$0], m.values[$0]) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        }
    }

    /// Refuses to evaluate at `k` rankings that no row fills that far: a file written with a smaller k
    /// (or ranking fewer labels than k) would have its missing ranks counted as misses. Single rows
    /// narrower than k are allowed when some row reaches k: a model may rank fewer labels for a text
    /// (kNN ranks only its neighbours' labels, an empty text may get none).
    public static func requireWidth(_ rankings: [[(Int32, Float)]], k: Int, source: String) throws(LeverError) {
        guard let widest = rankings.indices.max(by: { rankings[$0].count < rankings[$1].count }) else { return }
        let width = rankings[widest].count
        guard width < k else { return }
        // Line 1 is the header, so row r is on line r + 2.
        let labels = width == 1 ? "1 label" : "\(width) labels"
        throw .data("\(source): cannot evaluate at k = \(k): no row has more than \(labels) (line \(widest + 2) "
                    + "has \(width)); predict with k >= \(k), or evaluate at k <= \(max(width, 1))")
    }
}
