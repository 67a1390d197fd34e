import XCTest
@testable import LeverEngine

/// The student's linear ranker: its solver, its instances, its combination with the dense term,
/// its model section and labels added later.
final class LinearRankerTests: XCTestCase {
    /// Rows 0-2 carry feature 0 (label 0's word), rows 3-5 feature 1; every row also has feature 2.
    func texts() -> SparseMatrix {
        var m = SparseMatrix(cols: 3)
        let v = Float(0.5).squareRoot()
        for r in 0..<6 {
            let word: Int32 = r < 3 ? 0 : 1
            m.appendRow([(word, v), (Int32(2), v)])
        }
        return m
    }

    func testSolverSeparatesPositivesFromNegativesAndPrunes() throws {
        let m = texts()
        let instances: [LinearRanker.Instance] = (0..<6).map { (Int32($0), $0 < 3 ? 1 : -1) }
        var solver = LabelSolver(featureCount: 3)
        let (features, weights, bias) = instances.withUnsafeBufferPointer {
            solver.solve($0[0..<6], texts: m, c: 1, iterations: 200, prune: 0.1, seed: 3)
        }
        // The shared feature 2 carries no signal: pruned; feature 0 positive, feature 1 negative.
        XCTAssertEqual(features, [0, 1])
        XCTAssertGreaterThan(weights[0], 0.5)
        XCTAssertLessThan(weights[1], -0.5)
        let v = Float(0.5).squareRoot()
        XCTAssertGreaterThan(bias + weights[0] * v, 0.5, "a positive row scores above the margin's middle")
        XCTAssertLessThan(bias + weights[1] * v, -0.5)
        // The scratch is clean for the next label: a label without instances gets nothing.
        let none = instances.withUnsafeBufferPointer { solver.solve($0[0..<0], texts: m, c: 1, iterations: 5,
                                                                    prune: 0, seed: 1) }
        XCTAssertEqual(none.0, [])
        XCTAssertEqual(none.2, 0)
    }

    func testSoftTargetsCostLessOrAreLeftOut() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let view = try animalsTeacherView(d, shortlist: 4).view
        var ex = TrainingExamples()
        ex.sources = [0]
        ex.targets = [[(label: 1, value: 1, weight: 1), (label: 2, value: 0.5, weight: 0.8)]]
        var sc = StudentConfig()
        sc.linearC = 2
        sc.linearNegatives = 4
        sc.linearSoftCost = 0.1
        let (offsets, instances) = LinearRanker.instanceLists(config: sc, view: view, examples: ex, otherCandidates: [])
        func of(_ l: Int) -> [Float] { instances[offsets[l]..<offsets[l + 1]].map { $0.signedCost } }
        XCTAssertEqual(of(1), [2], "a ground-truth positive at full cost")
        XCTAssertEqual(of(2).count, 1)
        XCTAssertEqual(of(2)[0], 2 * 0.5 * 0.8 * 0.1, accuracy: 1e-6)
        XCTAssertEqual(of(0), [-2], "the other shortlisted labels are negatives")
        XCTAssertEqual(of(3), [-2])
        sc.linearSoftCost = 0
        let (o2, i2) = LinearRanker.instanceLists(config: sc, view: view, examples: ex, otherCandidates: [])
        XCTAssertEqual(o2[3] - o2[2], 0, "left out: neither positive nor negative")
        XCTAssertEqual(i2.count, 3)
        // A soft target whose cost is too small for the dual's diagonal 1 / (2 cost) to be finite
        // (config values in range can make one) is left out rather than turning the label into NaN.
        sc.linearSoftCost = 0.1
        sc.linearC = 1e-4
        ex.targets = [[(label: 1, value: 1, weight: 1), (label: 2, value: 1e-38, weight: 0.01)]]
        let (o3, i3) = LinearRanker.instanceLists(config: sc, view: view, examples: ex, otherCandidates: [])
        XCTAssertEqual(o3[3] - o3[2], 0)
        XCTAssertTrue(i3.allSatisfy { (1 / (2 * abs($0.signedCost))).isFinite })
    }

    func testTrainedRankerRoundTripsAndIsIndependentOfThreads() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let one = try Trainer.train(try studentTestConfig(d, #", "threads": 1"#)).model
        let two = try Trainer.train(try studentTestConfig(d, #", "threads": 2"#)).model
        guard case .student(let s1) = one.scorer, case .student(let s2) = two.scorer else { return XCTFail() }
        let a = try XCTUnwrap(s1.linear), b = try XCTUnwrap(s2.linear)
        XCTAssertGreaterThan(a.entries, 0)
        XCTAssertEqual(a.trainedLabels, 4)
        // Each label's problem is solved alone, so the thread count does not change the ranker.
        XCTAssertEqual(a.term.support.features, b.term.support.features)
        XCTAssertEqual(a.term.weights.map { $0.bitPattern }, b.term.weights.map { $0.bitPattern })
        XCTAssertEqual(a.biases.map { $0.bitPattern }, b.biases.map { $0.bitPattern })
        try two.save(to: d.path + "/m.lever")
        let loaded = try LeverModel.load(from: d.path + "/m.lever")
        guard case .student(let s3) = loaded.scorer, let c = s3.linear else { return XCTFail("LINEAR not read back") }
        XCTAssertEqual(c.term.support.offsets, b.term.support.offsets)
        XCTAssertEqual(c.term.weights.map { $0.bitPattern }, b.term.weights.map { $0.bitPattern })
        XCTAssertNotNil(b.term.scales, "trained weights are int8 with a scale per label")
        XCTAssertEqual(c.term.scales, b.term.scales)
        XCTAssertEqual(c.biases.map { $0.bitPattern }, b.biases.map { $0.bitPattern })
        XCTAssertEqual(c.weight, b.weight)
        XCTAssertEqual(c.combine, .mean)
        XCTAssertEqual(loaded.info["parts"]?["student"]?["linear_ranker_entries"], .int(Int64(c.entries)))
    }

    func testCombinationAndUntrainedLabels() throws {
        var m = SparseMatrix(cols: 2)
        m.appendRow([(Int32(0), Float(1))])
        let term = SparseTerm(numLabels: 2, offsets: [0, 1, 1], features: [0], weights: [2])
        var r = LinearRanker(term: term, biases: [0, -1], trainedLabels: 2, weight: 0.5, combine: .mean,
                             featureCount: 2)
        let row = m.rowRange(0)
        // Margin 2 >= 1: p_linear = 1.
        XCTAssertEqual(r.combined(0.2, label: 0, row: row, of: m), 0.6, accuracy: 1e-6)
        // Margin -1: p_linear = exp(-8).
        XCTAssertEqual(r.combined(0.2, label: 1, row: row, of: m), 0.1 + 0.5 * expf(-8), accuracy: 1e-6)
        r.combine = .geometric
        XCTAssertEqual(r.combined(0.25, label: 0, row: row, of: m), 0.5, accuracy: 1e-6)
        r.weight = 0
        XCTAssertEqual(r.combined(0.3, label: 1, row: row, of: m), 0.3)
        r.weight = 0.5
        let wider = r.appendingEmptyLabels(2)
        XCTAssertEqual(wider.numLabels, 4)
        XCTAssertEqual(wider.trainedLabels, 2)
        XCTAssertEqual(wider.combined(0.3, label: 3, row: row, of: m), 0.3, "a label added later ranks by the dense term")
        // Per-label shares replace the one weight, and survive the section's round trip.
        r.combine = .mean
        r.labelWeights = [0.25, 0.5]
        XCTAssertEqual(r.combined(0.2, label: 0, row: row, of: m), 0.75 * 0.2 + 0.25, accuracy: 1e-6)
        let bytes = r.encoded()
        let back = try bytes.withUnsafeBytes { (raw) throws(LeverError) -> LinearRanker in
            var reader = ByteReader(raw, section: "LINEAR")
            return try LinearRanker.decode(&reader, numLabels: 2, featureCount: 2)
        }
        XCTAssertEqual(back.labelWeights, [0.25, 0.5])
        XCTAssertEqual(back.appendingEmptyLabels(1).labelWeights, [0.25, 0.5])
        // Shares outside [0, 1] (or NaN) are refused.
        for bad in [Float(1.5), .nan] {
            var broken = r
            broken.labelWeights = [0.25, bad]
            let b = broken.encoded()
            XCTAssertThrowsError(try b.withUnsafeBytes { (raw) throws(LeverError) -> LinearRanker in
                var reader = ByteReader(raw, section: "LINEAR")
                return try LinearRanker.decode(&reader, numLabels: 2, featureCount: 2)
            })
        }
    }

    func testRampGivesHeadLabelsTheLargerShare() throws {
        // Training rows' labels: label 0 in three rows, label 2 in one, label 1 only as an explicit zero.
        var labels = SparseMatrix(cols: 4)
        labels.appendRow([(Int32(0), Float(1)), (Int32(1), Float(0))])
        labels.appendRow([(Int32(0), Float(1))])
        labels.appendRow([(Int32(0), Float(1)), (Int32(2), Float(1))])
        var sc = StudentConfig()
        sc.linearWeightRamp = 0
        XCTAssertNil(LinearRanker.labelWeights(config: sc, trainLabels: labels, numLabels: 4))
        sc.linearWeight = 0.8
        sc.linearWeightRamp = 1
        let w = try XCTUnwrap(LinearRanker.labelWeights(config: sc, trainLabels: labels, numLabels: 4))
        XCTAssertEqual(w[0], 0.8 * 3 / 4, accuracy: 1e-6)  // three ground-truth positives
        XCTAssertEqual(w[1], 0)  // a zero entry is not a positive
        XCTAssertEqual(w[2], 0.8 * 1 / 2, accuracy: 1e-6)
        XCTAssertEqual(w[3], 0)
    }

    /// A text's candidates scored at once — a head label (more than `LinearHeadIndex.minEntries`
    /// weights) through the head index, labels with many more weights than the text has features by
    /// search, the others through the dense scratch and its bitmap over several 64-bit words — get
    /// exactly the scores of one label at a time, and the scratch is left zeroed for the next text.
    func testBatchCombinationAgreesWithSingleLabels() throws {
        var rng = SeededRandom(seed: 9)
        let features = 3000, labels = 7
        var offsets = [0], f: [Int32] = [], w: [Float] = []
        for l in 0..<labels {
            // Label 5 is a head label; label 4 has more weights than 16 x a text's features.
            let n = l == 5 ? LinearHeadIndex.minEntries + 500 : l == 4 ? 200 : 20 * (l + 1)
            let ids = Array(0..<Int32(features)).shuffled(using: &rng).prefix(n).sorted()
            f += ids
            w += ids.map { _ in rng.unitFloat() * 2 - 1 }
            offsets.append(f.count)
        }
        let term = SparseTerm(numLabels: labels, offsets: offsets, features: f, weights: w)
        let r = LinearRanker(term: term, biases: (0..<labels).map { Float($0) / 10 }, trainedLabels: 6,
                             weight: 0.4, combine: .mean, featureCount: features)
        var m = SparseMatrix(cols: features)
        for _ in 0..<6 {
            let ids = Array(0..<Int32(features)).shuffled(using: &rng).prefix(1 + Int(rng.next() % 40)).sorted()
            m.appendRow(ids.map { ($0, rng.unitFloat()) })
        }
        m.appendRow([(Int32(2), Float(1))])
        for row in 0..<m.rows {
            let cands: [(Int32, Float)] = (0..<labels).map { (Int32($0), 0) }
            var probs: [Float] = (0..<labels).map { Float($0 + 1) / 8 }
            let single = (0..<labels).map { r.combined(probs[$0], label: $0, row: m.rowRange(row), of: m) }
            r.combine(&probs, labels: cands, row: m.rowRange(row), of: m)
            XCTAssertEqual(probs.map { $0.bitPattern }, single.map { $0.bitPattern }, "row \(row)")
            XCTAssertEqual(probs[6], 7.0 / 8, "label 6 is untrained")
            // Without the head label among the candidates, the head index is not walked.
            var rest: [Float] = (0..<5).map { Float($0 + 1) / 8 }
            r.combine(&rest, labels: (0..<5).map { (Int32($0), 0) }, row: m.rowRange(row), of: m)
            XCTAssertEqual(rest.map { $0.bitPattern }, single[0..<5].map { $0.bitPattern })
        }
    }

    func testCorruptSectionIsRefused() throws {
        let term = SparseTerm(numLabels: 2, offsets: [0, 1, 1], features: [0], weights: [2])
        let good = LinearRanker(term: term, biases: [0, -1], trainedLabels: 2, weight: 0.5, combine: .mean,
                                featureCount: 3).encoded()
        func decode(_ bytes: [UInt8], labels: Int = 2, features: Int = 3) throws -> LinearRanker {
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw, section: "LINEAR")
                return try LinearRanker.decode(&r, numLabels: labels, featureCount: features)
            }
        }
        XCTAssertEqual(try decode(good).entries, 1)
        func refused(_ bytes: [UInt8], labels: Int = 2, features: Int = 3, _ needle: String) {
            XCTAssertThrowsError(try decode(bytes, labels: labels, features: features)) { e in
                let err = e as? LeverError
                XCTAssertEqual(err?.status, .corrupt)
                XCTAssertTrue(err?.message.contains(needle) ?? false, err?.message ?? "")
            }
        }
        var bad = good
        bad[4] = 0x11  // a bit no layout uses
        refused(bad, "combination")
        bad[4] = 1 | LinearRanker.int8Flag  // int8 weights outside the compact layout
        refused(bad, "compact layout")
        refused(good, labels: 3, "LINEAR")
        refused(good, features: 0, "LINEAR")
        bad = good
        bad[0...3] = [0, 0, 0x80, 0x7F]  // weight = +inf
        refused(bad, "linear_weight")
    }

    /// Format 6.0's compact layout: LEB128 feature gaps (1 to 4 bytes here) and half or int8 weights
    /// read back exactly; trained weights rounded to int8 stay within half a step of their floats.
    func testCompactLayoutRoundTrips() throws {
        let features: [Int32] = [0, 127, 128, 16_511, 16_512, 2_113_663, 5, 2_200_000]
        let floats: [Float] = [0.5, -1.25, 0.001, 3, -0.75, 2, 0.2, -0.05]
        let term = SparseTerm(numLabels: 3, offsets: [0, 6, 6, 8], features: features, weights: floats)
        func roundTrip(_ t: SparseTerm) throws -> SparseTerm {
            var w = ByteWriter()
            t.encodeCompact(into: &w)
            return try w.bytes.withUnsafeBytes { raw throws(LeverError) -> SparseTerm in
                var r = ByteReader(raw, section: "LINEAR")
                let back = try SparseTerm.decodeCompact(&r, numLabels: 3, featureCount: 2_200_001, int8: t.storesInt8,
                                                        section: "LINEAR")
                guard r.atEnd else { throw LeverError(.internal, "bytes left") }
                return back
            }
        }
        XCTAssertFalse(term.storesInt8)
        let half = try roundTrip(term)
        XCTAssertEqual(half.support.offsets, term.support.offsets)
        XCTAssertEqual(half.support.features, features)
        XCTAssertEqual(half.weights.map { $0.bitPattern }, term.roundedToHalf().weights.map { $0.bitPattern })
        XCTAssertNil(half.scales)

        let q = term.roundedToInt8()
        // Label 0's scale is 3 / 127: 0.001 rounds to zero and is dropped; label 2's is 0.2 / 127.
        XCTAssertEqual(q.support.offsets, [0, 5, 5, 7])
        XCTAssertEqual(q.support.features, [0, 127, 16_511, 16_512, 2_113_663, 5, 2_200_000])
        XCTAssertEqual(q.scales, [3 / 127, 0, Float(0.2) / 127])
        for (p, f) in q.support.features.enumerated() {
            let original = floats[features.firstIndex(of: f)!]
            let label = p < 5 ? 0 : 2
            XCTAssertLessThanOrEqual(abs(q.weights[p] - original), q.scales![label] * 0.5001)
        }
        XCTAssertTrue(q.storesInt8)
        let back = try roundTrip(q)
        XCTAssertEqual(back.support.features, q.support.features)
        XCTAssertEqual(back.weights.map { $0.bitPattern }, q.weights.map { $0.bitPattern })
        XCTAssertEqual(back.scales, q.scales)
        XCTAssertEqual(back.roundedToInt8().weights.map { $0.bitPattern }, q.weights.map { $0.bitPattern },
                       "rounding is idempotent")
        XCTAssertEqual(back.roundedToInt8().scales, q.scales)
    }

    /// Damaged compact layouts are refused with a message naming the section and the fault.
    func testDamagedCompactLayoutsAreRefused() {
        func decode(offsets: [Int64], gaps: [UInt8], scales: [Float] = [1], bytes: [Int8]) throws -> SparseTerm {
            var w = ByteWriter()
            w.u64(UInt64(offsets.count - 1))
            w.array(offsets)
            w.array(gaps)
            w.array(scales)
            w.array(bytes)
            return try w.bytes.withUnsafeBytes { raw throws(LeverError) -> SparseTerm in
                var r = ByteReader(raw, section: "LINEAR")
                return try SparseTerm.decodeCompact(&r, numLabels: offsets.count - 1, featureCount: 300, int8: true,
                                                    section: "LINEAR")
            }
        }
        XCTAssertEqual(try decode(offsets: [0, 2], gaps: [3, 0xAC, 0x01], bytes: [1, 2]).support.features, [3, 175])
        assertLeverError(.corrupt, ["LINEAR", "2 entries but 1 bytes"]) {
            try decode(offsets: [0, 2], gaps: [3], bytes: [1, 2])
        }
        assertLeverError(.corrupt, ["LINEAR", "end early or overflow"]) {
            try decode(offsets: [0, 2], gaps: [3, 0x80], bytes: [1, 2])
        }
        assertLeverError(.corrupt, ["LINEAR", "end early or overflow"]) {
            try decode(offsets: [0, 1], gaps: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], bytes: [1])
        }
        assertLeverError(.corrupt, ["LINEAR", "unsorted or out-of-range"]) {
            try decode(offsets: [0, 2], gaps: [3, 0], bytes: [1, 2])  // a zero gap repeats a feature
        }
        assertLeverError(.corrupt, ["LINEAR", "unsorted or out-of-range"]) {
            try decode(offsets: [0, 1], gaps: [0xAC, 0x02], bytes: [1])  // feature 300
        }
        assertLeverError(.corrupt, ["LINEAR", "bytes left"]) { try decode(offsets: [0, 1], gaps: [3, 4], bytes: [1]) }
        assertLeverError(.corrupt, ["LINEAR", "offsets are not ordered at label 1"]) {
            try decode(offsets: [0, 2, 1], gaps: [3, 4], scales: [1, 1], bytes: [1])
        }
        assertLeverError(.corrupt, ["LINEAR", "weight 1 is -128"]) {
            try decode(offsets: [0, 2], gaps: [3, 4], bytes: [1, -128])
        }
        assertLeverError(.corrupt, ["LINEAR", "scale"]) {
            try decode(offsets: [0, 1], gaps: [3], scales: [-1], bytes: [1])
        }
        assertLeverError(.corrupt, ["LINEAR", "1 scales and 2 weights"]) {
            try decode(offsets: [0, 1], gaps: [3], bytes: [1, 2])
        }
    }
}
