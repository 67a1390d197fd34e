import CLever

// lever_metrics_compute: the engine's evaluation (Evaluation/) over arrays the caller owns. The
// pointer reading is confined to `MetricsArrays`; everything it reads is checked before use, and
// each message names the field and the row or entry at fault.

/// The caller's arrays of a lever_metrics_input, read and validated.
private struct MetricsArrays {
    var rankings: [[Int32]] = []
    var truth = SparseMatrix(cols: 0)
    var filter: SparseMatrix?
    var counts: [Int]?
    var trainRows = 0
    var invPropensities: [Double]?

    /// A size_t field that arrives as Int: SIZE_MAX (or a negative int cast to size_t) is negative here.
    static func size(_ v: Int, _ name: String) throws(LeverError) -> Int {
        guard v >= 0 else { throw .invalidArgument("\(name) = \(UInt(bitPattern: v)) is too large") }
        return v
    }

    static func read(_ input: UnsafePointer<lever_metrics_input>) throws(LeverError) -> MetricsArrays {
        // A struct from a newer header is accepted when the fields this library does not know are
        // all zero (as lever_predict_options); an older, smaller one is refused (every field is v1).
        let declared = UnsafeRawPointer(input).load(as: Int.self)
        let expected = MemoryLayout<lever_metrics_input>.size
        guard declared >= expected, declared <= 4096 else {
            throw .invalidArgument("input->struct_size is \(UInt(bitPattern: declared)); set it to"
                                   + " sizeof(lever_metrics_input) = \(expected)")
        }
        let raw = UnsafeRawPointer(input)
        for offset in expected..<declared where raw.load(fromByteOffset: offset, as: UInt8.self) != 0 {
            throw .invalidArgument("input->struct_size is \(declared): byte \(offset) belongs to a field this"
                                   + " library (struct size \(expected)) does not know and is not zero")
        }
        let v = input.pointee
        var out = MetricsArrays()
        let rows = try size(v.n_rows, "input->n_rows"), width = try size(v.width, "input->width")
        let labels = try size(v.n_labels, "input->n_labels")
        guard labels >= 1, labels <= Int(Int32.max) else {
            throw .invalidArgument("input->n_labels is \(labels); expected 1...\(Int32.max)")
        }
        let (cells, overflow) = rows.multipliedReportingOverflow(by: width)
        guard !overflow, cells <= Int.max / 16 else { throw .invalidArgument("input->n_rows * input->width overflows") }
        guard rows <= Int.max / 256 else { throw .invalidArgument("input->n_rows = \(rows) is too large") }
        try Memory.check(cells * 4 + rows * 64, "input->predictions (\(rows) x \(width))")
        // The evaluation keeps a few numbers per label (counts, propensities, hits): check them too.
        try Memory.check(labels * 48, "input->n_labels (\(labels) labels)")
        out.rankings = try readPredictions(v.predictions, rows: rows, width: width, labels: labels)
        out.truth = try readTruth(v.truth_indptr, v.truth_labels, rows: rows, labels: labels)
        if let counts = v.train_counts {
            out.trainRows = try size(v.n_train_rows, "input->n_train_rows")
            // Jain et al.'s C = (ln N - 1)(B + 1)^A is negative below N = 3: weights would be <= 0.
            guard out.trainRows >= 3 || v.inv_propensities != nil else {
                throw .invalidArgument("input->n_train_rows is \(out.trainRows); propensities from train_counts need"
                                       + " at least 3 training rows (pass input->inv_propensities instead)")
            }
            out.counts = try (0..<labels).map { (l) throws(LeverError) -> Int in
                let c = counts[l]
                guard c >= 0, c <= Int64(out.trainRows) else {
                    throw .invalidArgument("input->train_counts[\(l)] = \(c) is outside 0...\(out.trainRows)"
                                           + " (input->n_train_rows)")
                }
                return Int(c)
            }
        }
        if let inv = v.inv_propensities {
            out.invPropensities = try (0..<labels).map { (l) throws(LeverError) -> Double in
                guard inv[l].isFinite, inv[l] > 0 else {
                    throw .invalidArgument("input->inv_propensities[\(l)] = \(inv[l]); expected a finite number > 0")
                }
                return inv[l]
            }
        }
        let pairs = try size(v.n_filter_pairs, "input->n_filter_pairs")
        if pairs > 0 {
            guard pairs <= Int.max / 16 else { throw .invalidArgument("input->n_filter_pairs is too large") }
            guard let f = v.filter_pairs else {
                throw .invalidArgument("input->filter_pairs is NULL but input->n_filter_pairs is \(pairs)")
            }
            out.filter = try readFilter(f, pairs: pairs, rows: rows, labels: labels)
        }
        return out
    }

    static func readPredictions(_ p: UnsafePointer<Int64>?, rows: Int, width: Int,
                                labels: Int) throws(LeverError) -> [[Int32]] {
        if rows > 0 && width > 0 && p == nil { throw .invalidArgument("input->predictions is NULL") }
        var out: [[Int32]] = []
        out.reserveCapacity(rows)
        for r in 0..<rows {
            var row: [Int32] = []
            for c in 0..<width {
                let l = p![r * width + c]
                if l == -1 { continue }
                guard l >= 0, l < Int64(labels) else {
                    throw .invalidArgument("input->predictions row \(r), column \(c): label \(l) is out of range"
                                           + " (-1 or 0...\(labels - 1))")
                }
                row.append(Int32(l))
            }
            out.append(row)
        }
        return out
    }

    static func readTruth(_ indptr: UnsafePointer<Int64>?, _ ids: UnsafePointer<Int64>?, rows: Int,
                          labels: Int) throws(LeverError) -> SparseMatrix {
        guard let indptr else { throw .invalidArgument("input->truth_indptr is NULL") }
        guard indptr[0] == 0 else {
            throw .invalidArgument("input->truth_indptr[0] is \(indptr[0]); expected 0")
        }
        for r in 0..<rows where indptr[r + 1] < indptr[r] {
            throw .invalidArgument("input->truth_indptr decreases at row \(r) (\(indptr[r]) then \(indptr[r + 1]))")
        }
        let nnz = Int(indptr[rows])
        let (bytes, overflow) = nnz.multipliedReportingOverflow(by: 8)
        try Memory.check(overflow ? Int.max : bytes, "input->truth_labels (\(nnz) entries)")
        if nnz > 0 && ids == nil { throw .invalidArgument("input->truth_labels is NULL") }
        var m = SparseMatrix(cols: labels)
        m.indices.reserveCapacity(nnz)
        for r in 0..<rows {
            for j in Int(indptr[r])..<Int(indptr[r + 1]) {
                let l = ids![j]
                guard l >= 0, l < Int64(labels) else {
                    throw .invalidArgument("input->truth_labels[\(j)] (row \(r)) is \(l); expected 0...\(labels - 1)")
                }
                m.indices.append(Int32(l))
            }
            m.indptr.append(m.indices.count)
            m.rows += 1
        }
        m.values = [Float](repeating: 1, count: m.indices.count)
        return m
    }

    static func readFilter(_ p: UnsafePointer<Int64>, pairs: Int, rows: Int,
                           labels: Int) throws(LeverError) -> SparseMatrix {
        var byRow = [[Int32]](repeating: [], count: rows)
        for i in 0..<pairs {
            let r = p[2 * i], l = p[2 * i + 1]
            guard r >= 0, r < Int64(rows) else {
                throw .invalidArgument("input->filter_pairs[\(i)] = (\(r), \(l)): row out of range (0...\(rows - 1))")
            }
            guard l >= 0, l < Int64(labels) else {
                throw .invalidArgument("input->filter_pairs[\(i)] = (\(r), \(l)): label out of range"
                                       + " (0...\(labels - 1))")
            }
            byRow[Int(r)].append(Int32(l))
        }
        var m = SparseMatrix(cols: labels)
        for row in byRow { m.appendRow(row.map { ($0, 1) }) }
        return m
    }
}

@c @implementation
public func lever_metrics_compute(_ input: UnsafePointer<lever_metrics_input>?, _ options_json: UnsafePointer<CChar>?,
                                  _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        guard let input else { throw .invalidArgument("input is NULL") }
        guard let out_json else { throw .invalidArgument("out_json is NULL") }
        let config = try MetricsOptions.parse(options_json == nil ? nil : try cString(options_json, "options_json"))
        let a = try MetricsArrays.read(input)
        let invP = a.invPropensities ?? a.counts.map {
            Propensity.inverse(labelCounts: $0, trainRows: a.trainRows, a: config.propensityA, b: config.propensityB)
        }
        let ranked = Evaluator.rankings(a.rankings, filter: a.filter)
        let result = Evaluator.evaluate(rankings: ranked, truth: a.truth, labelCounts: a.counts,
                                        invPropensities: invP, config: config)
        out_json.pointee = try callerOwnedCString(MetricsReport.json(result).serialized(pretty: false))
    }
}
