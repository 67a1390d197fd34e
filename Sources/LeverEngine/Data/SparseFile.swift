/// Reads and writes the Extreme Classification Repository's sparse text format: a header line
/// "ROWS COLUMNS", then one line per row of space-separated `index:value` pairs (possibly empty).
public enum SparseFile {
    enum ValueRule {
        /// Label files: values must be finite and >= 0. A zero value is not a positive: the entry is
        /// dropped at read time (after the duplicate check), so every stage sees the same labels.
        case nonNegative
        /// Prediction files: any finite score.
        case anyFinite
    }

    /// Streams `path` into a CSR matrix. Every error names the file and line.
    /// - Parameters:
    ///   - expectedRows: when set, the header's row count must equal it (e.g. the text file's lines).
    ///   - expectedCols: when set, the header's column count must equal it (e.g. the lines of Y.txt).
    ///   - rowsSource: a short description of where `expectedRows` came from, for messages.
    static func read(_ path: String, expectedRows: Int? = nil, rowsSource: String = "", expectedCols: Int? = nil,
                     colsSource: String = "", values: ValueRule = .nonNegative) throws(LeverError) -> SparseMatrix {
        try Messages.requireFile(path)
        return try read(LineReader(path: path), expectedRows: expectedRows, rowsSource: rowsSource,
                        expectedCols: expectedCols, colsSource: colsSource, values: values)
    }

    /// A label file (e.g. a test split's tst_X_Y.txt) of `rows` rows over `labels` labels when given, with
    /// `read`'s checks.
    public static func readLabels(_ path: String, rows: Int? = nil, labels: Int? = nil) throws(LeverError)
        -> SparseMatrix {
        try read(path, expectedRows: rows, rowsSource: "the query texts", expectedCols: labels,
                 colsSource: "the model's labels")
    }

    /// Reads the rest of `reader` (a file or a stream) as in `read(_ path:...)`.
    static func read(_ reader: LineReader, expectedRows: Int? = nil, rowsSource: String = "", expectedCols: Int? = nil,
                     colsSource: String = "", values: ValueRule = .nonNegative) throws(LeverError) -> SparseMatrix {
        let path = reader.path
        guard let header = try reader.next({ (b) throws(LeverError) -> (Int, Int) in
            var i = 0
            skipSpaces(b, &i)
            guard let r = NumberParsing.parseInt(b, &i) else { throw .data("\(path):1: bad header, expected \"ROWS COLUMNS\"") }
            skipSpaces(b, &i)
            guard let c = NumberParsing.parseInt(b, &i) else { throw .data("\(path):1: bad header, expected \"ROWS COLUMNS\"") }
            skipSpaces(b, &i)
            if i != b.count { throw .data("\(path):1: bad header, unexpected text after \"ROWS COLUMNS\"") }
            return (r, c)
        }) else { throw .data("\(path): empty file, expected a header line \"ROWS COLUMNS\"") }
        let (rows, cols) = header
        // Every row takes at least one byte (its newline), so a header cannot claim more rows than
        // the file has bytes; checked before anything is allocated for the rows.
        if let size = reader.regularFileSize, rows > size {
            throw .data("\(path):1: header says \(rows) rows but the file has only \(size) bytes")
        }
        if let e = expectedRows, e != rows {
            throw .data("\(path):1: header says \(rows) rows but \(rowsSource) has \(e)")
        }
        if let e = expectedCols, e != cols {
            throw .data("\(path):1: header says \(cols) columns but \(colsSource) has \(e)")
        }
        guard cols <= Int(Int32.max) else { throw .data("\(path):1: \(cols) columns is more than this build supports") }
        var m = SparseMatrix(cols: cols)
        // A stream has no size to check the header against: reserve for at most 64 Ki rows up front.
        m.indptr.reserveCapacity(min(rows, reader.regularFileSize ?? 1 << 16) + 1)
        var seen = Set<Int32>()
        while try reader.next({ (b) throws(LeverError) -> Bool in
            let line = reader.lineNumber
            if m.rows >= rows { throw .data("\(path):\(line): more rows than the header's \(rows)") }
            var i = 0
            seen.removeAll(keepingCapacity: true)
            while true {
                skipSpaces(b, &i)
                if i >= b.count { break }
                let pairStart = i
                guard let c = NumberParsing.parseInt(b, &i), i < b.count, b[i] == 58 else {
                    throw .data("\(path):\(line): malformed pair \"\(token(b, pairStart))\", expected index:value")
                }
                i += 1
                guard let v = NumberParsing.parseDouble(b, &i), i == b.count || b[i] == 32 || b[i] == 9 else {
                    throw .data("\(path):\(line): malformed or non-finite value in \"\(token(b, pairStart))\"")
                }
                if c >= cols { throw .data("\(path):\(line): index \(c) out of range (the header says \(cols) columns)") }
                if values == .nonNegative && v < 0 { throw .data("\(path):\(line): negative value in \"\(token(b, pairStart))\"") }
                let ci = Int32(c)
                if !seen.insert(ci).inserted { throw .data("\(path):\(line): index \(c) appears twice in the row") }
                if values == .nonNegative && v == 0 { continue }
                m.indices.append(ci)
                m.values.append(Float(v))
            }
            m.indptr.append(m.indices.count)
            m.rows += 1
            return true
        }) == true {}
        if m.rows != rows { throw .data("\(path):\(reader.lineNumber): the header says \(rows) rows but the file has \(m.rows)") }
        return m
    }

    /// Writes ranked rows (each already sorted best first) atomically.
    public static func write(_ path: String, cols: Int, rows: [[(Int32, Float)]]) throws(LeverError) {
        try FileIO.writeAtomically(path) { (sink) throws(LeverError) in try write(to: sink, cols: cols, rows: rows) }
    }

    /// Writes ranked rows to `sink` (a file being written, or a stream).
    public static func write(to sink: FileSink, cols: Int, rows: [[(Int32, Float)]]) throws(LeverError) {
        try sink.write("\(rows.count) \(cols)\n")
        for row in rows {
            var line = ""
            for (j, (c, v)) in row.enumerated() {
                if j > 0 { line += " " }
                line += "\(c):\(NumberFormat.score(v))"
            }
            line += "\n"
            try sink.write(line)
        }
    }

    @inline(__always)
    private static func skipSpaces(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
    }

    private static func token(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> String {
        var j = from
        while j < b.count && b[j] != 32 && b[j] != 9 && j - from < 40 { j += 1 }
        return Messages.quoted(UnsafeBufferPointer(rebasing: b[from..<j]))
    }
}
