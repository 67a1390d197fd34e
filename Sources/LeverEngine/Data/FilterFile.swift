/// Filter files list (row, label) pairs, one "row label" per line, that are removed from a ranking
/// before evaluation (for example a row's own label in a taxonomy dataset).
public enum FilterFile {
    /// Reads the pairs into a rows x labels CSR matrix (values 1). Every error names file and line.
    static func read(_ path: String, rows: Int, labels: Int) throws(LeverError) -> SparseMatrix {
        let reader = try LineReader(path: path)
        var pairs: [(Int, Int32)] = []
        while try reader.next({ (b) throws(LeverError) -> Bool in
            let line = reader.lineNumber
            var i = 0
            while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
            if i == b.count { return true }
            guard let r = NumberParsing.parseInt(b, &i) else { throw .data("\(path):\(line): expected \"ROW LABEL\"") }
            while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
            guard let l = NumberParsing.parseInt(b, &i) else { throw .data("\(path):\(line): expected \"ROW LABEL\"") }
            while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
            if i != b.count { throw .data("\(path):\(line): unexpected text after \"ROW LABEL\"") }
            if r >= rows { throw .data("\(path):\(line): row \(r) out of range (\(rows) rows)") }
            if l >= labels { throw .data("\(path):\(line): label \(l) out of range (\(labels) labels)") }
            pairs.append((r, Int32(l)))
            return true
        }) == true {}
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var m = SparseMatrix(cols: labels)
        var p = 0
        for r in 0..<rows {
            var last: Int32 = -1
            while p < pairs.count && pairs[p].0 == r {
                if pairs[p].1 != last { m.indices.append(pairs[p].1); m.values.append(1); last = pairs[p].1 }
                p += 1
            }
            m.indptr.append(m.indices.count)
            m.rows += 1
        }
        return m
    }

    public static func write(_ path: String, pairs: [(Int, Int)]) throws(LeverError) {
        try FileIO.writeAtomically(path) { (sink) throws(LeverError) in
            for (r, l) in pairs { try sink.write("\(r) \(l)\n") }
        }
    }
}
