import XCTest
@testable import LeverEngine

/// The student's candidate sources and its sparse term.
final class CandidateTests: XCTestCase {
    /// A CSR matrix from rows of (column, value) pairs, columns sorted.
    func matrix(_ rows: [[(Int32, Float)]], cols: Int) -> SparseMatrix {
        var m = SparseMatrix(cols: cols)
        for r in rows { m.appendRow(r.sorted { $0.0 < $1.0 }) }
        return m
    }

    func testSupportIsTheUnionOfPositiveFeaturesCappedByFrequency() {
        let texts = matrix([[(1, 1), (4, 1)], [(4, 1), (7, 1)], [(2, 1)]], cols: 8)
        let full = SparseTerm.support(texts: texts, sources: [0, 1, 2], positives: [[0], [0, 1], [1]], numLabels: 3,
                                      maxPerLabel: 0)
        XCTAssertEqual(full.support.offsets, [0, 3, 6, 6])
        XCTAssertEqual(full.support.features, [1, 4, 7, 2, 4, 7])
        // Capped at one feature per label: the one in most positives (4 for label 0), ties by id (2 for label 1).
        let capped = SparseTerm.support(texts: texts, sources: [0, 1, 2], positives: [[0], [0, 1], [1]], numLabels: 3,
                                        maxPerLabel: 1)
        XCTAssertEqual(capped.support.features, [4, 2])
    }

    func testMatchingAgreesWithANaiveIntersection() {
        var rng = SeededRandom(seed: 9)
        for trial in 0..<200 {
            let supportSize = 1 + Int(rng.next() % 300), rowSize = 1 + Int(rng.next() % 60)
            let support = Array(Set((0..<supportSize).map { _ in Int32(rng.next() % 2000) })).sorted()
            let row = Array(Set((0..<rowSize).map { _ in Int32(rng.next() % 2000) })).sorted()
            let s = SparseSupport(numLabels: 1, offsets: [0, support.count], features: support)
            var found: [Int32] = []
            row.withUnsafeBufferPointer { ri in
                let values = [Float](repeating: 1, count: row.count)
                values.withUnsafeBufferPointer { rv in
                    s.forEachMatch(label: 0, indices: ri.baseAddress!, values: rv.baseAddress!, count: row.count) { p, _ in
                        found.append(support[p])
                    }
                }
            }
            XCTAssertEqual(found, row.filter { Set(support).contains($0) }, "trial \(trial)")
        }
    }

    func testPruneDropsSmallWeightsAndKeepsScores() {
        let texts = matrix([[(1, 0.5), (4, 0.5)]], cols: 8)
        var term = SparseTerm.support(texts: texts, sources: [0], positives: [[1]], numLabels: 2, maxPerLabel: 0)
        term.weights = [0.001, 2]
        let before = term.score(label: 1, row: texts.rowRange(0), of: texts)
        term.prune(below: 0.01)
        XCTAssertEqual(term.support.offsets, [0, 0, 1])
        XCTAssertEqual(term.support.features, [4])
        XCTAssertEqual(term.score(label: 1, row: texts.rowRange(0), of: texts), 1, accuracy: 1e-6)
        XCTAssertEqual(before, 1.0005, accuracy: 1e-6)
    }

    func testLeaveOneOutNeighboursDoNotVoteForThemselves() throws {
        // Row 0 and row 2 are identical texts with different labels; row 1 shares nothing.
        let features = matrix([[(0, 1)], [(5, 1)], [(0, 1)]], cols: 8)
        let labels = matrix([[(0, 1)], [(1, 1)], [(2, 1)]], cols: 3)
        let index = KNNIndex(config: KNNConfig(neighbours: 5, power: 1), trainFeatures: features, trainLabels: labels)
        let plain = try index.predict(features, k: 3, threads: 1)
        XCTAssertEqual(Set(plain[0].map { $0.0 }), [0, 2])
        let loo = try index.predict(features, k: 3, leaveOneOut: true, threads: 1)
        XCTAssertEqual(loo[0].map { $0.0 }, [2])
        XCTAssertEqual(loo[1].count, 0)
        XCTAssertEqual(loo[2].map { $0.0 }, [0])
    }

    func testStudentCandidatesAddLexicalLabelsAndRecallIsReported() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try studentTestConfig(d, #", "student": {"epochs": 2, "predict_shortlist": 1, "lexical_shortlist": 4, "row_shortlist": 0, "sparse": true}"#)).model
        guard case .student(let s) = m.scorer else { return XCTFail("expected a student model") }
        XCTAssertNotNil(s.lexical)
        XCTAssertNotNil(s.sparse)
        let features = try m.featurizer.transform(["a tabby kitten"], threads: 1)
        let sources = try s.candidateSources(features, exclude: nil, threads: 1)
        XCTAssertEqual(sources.map { $0.name }, ["teacher", "lexical", "union"])
        let union = Set(sources[2].lists[0].map { $0.0 })
        XCTAssertEqual(union, Set(sources[0].lists[0].map { $0.0 }).union(sources[1].lists[0].map { $0.0 }))
        XCTAssertGreaterThan(union.count, 1)  // the teacher alone gives one candidate here
        // The model file keeps both parts: identical scores after a round trip.
        try assertRoundTripPredictsIdentically(m, in: d, texts: ["a tabby kitten", "a young puppy", "salmon and trout"],
                                               k: 3)
    }

    /// A row source over four unit rows in 2-d: rows 0 and 1 near (1, 0), row 2 at (0, 1), row 3 at (-1, 0).
    func rowSource(power: Float = 1, shortlist: Int = 3, graph: ANNIndex? = nil) -> RowSource {
        let s = Float(Float16(0.6)), c = Float(Float16(0.8))  // half-exact, as training stores rows
        let emb: [Float] = [1, 0, c, s, 0, 1, -1, 0]
        let labels = matrix([[(0, 1)], [(0, 1), (1, 1)], [(2, 1)], [(3, 1)]], cols: 4)
        return RowSource(embeddings: ArrayStorage(emb), dim: 2, labels: CSRStorage(labels), shortlist: shortlist,
                         neighbours: 3, power: power, weight: 0.25, graph: graph)
    }

    func testRowSourceVotesByPoweredCosineAndLeavesRowsOut() throws {
        let source = rowSource(power: 2)
        // Query (1, 0): neighbours rows 0 (cos 1), 1 (0.8), 2 (0); row 3 (cos -1) never votes.
        let lists = try source.lists([1, 0], count: 1, exclude: nil, leaveOneOut: false, threads: 1,
                                     progress: .silent, stage: "t")
        XCTAssertEqual(lists[0].map { $0.0 }, [0, 1])
        // Scores are shares of the neighbours' total vote weight 1 + 0.64 (row 2's 0 votes nothing).
        XCTAssertEqual(lists[0][0].1, 1, accuracy: 1e-3)
        XCTAssertEqual(lists[0][1].1, 0.64 / 1.64, accuracy: 1e-3)
        var probs: [Float] = [0.2, 0.4]
        source.mix(&probs, labels: [(1, 0), (3, 0)], votes: lists[0])
        XCTAssertEqual(probs[0], 0.75 * 0.2 + 0.25 * 0.64 / 1.64, accuracy: 1e-3)
        XCTAssertEqual(probs[1], 0.75 * 0.4, accuracy: 1e-6)  // label 3 has no votes
        // Leave-one-out over the training rows themselves: row 0 does not vote for itself.
        let own = try source.lists([1, 0, 0.8, 0.6, 0, 1, -1, 0], count: 4, exclude: nil, leaveOneOut: true,
                                   threads: 2, progress: .silent, stage: "t")
        XCTAssertEqual(own[0].map { $0.0 }, [0, 1])
        XCTAssertEqual(own[0][0].1, 1, accuracy: 1e-3)  // row 1 alone votes (row 2 at cosine 0)
        XCTAssertEqual(own[1].map { $0.0 }, [0, 2])  // row 1 sees row 0 (label 0) and row 2 (cos 0.6)
        XCTAssertEqual(own[3].map { $0.0 }, [])  // every other row is at a cosine <= 0
        // Excluded labels are skipped; the shortlist caps the list.
        let ex = matrix([[(0, 1)]], cols: 4)
        let skipped = try source.lists([1, 0], count: 1, exclude: ex, leaveOneOut: false, threads: 1,
                                       progress: .silent, stage: "t")
        XCTAssertEqual(skipped[0].map { $0.0 }, [1])
        let one = try rowSource(shortlist: 1).lists([1, 0], count: 1, exclude: nil, leaveOneOut: false, threads: 1,
                                                    progress: .silent, stage: "t")
        XCTAssertEqual(one[0].map { $0.0 }, [0])
        // A power that rounds every vote to 0 (0.3^100) yields no labels, not 0 / 0 shares.
        let single = RowSource(embeddings: ArrayStorage([1, 0]), dim: 2, labels: CSRStorage(matrix([[(0, 1)]], cols: 4)),
                               shortlist: 3, neighbours: 1, power: 100, weight: 0.1, graph: nil)
        let query: [Float] = [0.3, (1 - 0.09 as Float).squareRoot()]
        let none = try single.lists(query, count: 1, exclude: nil, leaveOneOut: false, threads: 1,
                                    progress: .silent, stage: "t")
        XCTAssertEqual(none[0].count, 0)
        let faint = try rowSource(power: 100).lists([0.6, 0.8], count: 1, exclude: nil, leaveOneOut: false,
                                                    threads: 1, progress: .silent, stage: "t")
        XCTAssertTrue(!faint[0].isEmpty && faint[0].allSatisfy { $0.1.isFinite && $0.1 <= 1 })
    }

    func testRowSectionRoundTripsAndRefusesDamage() throws {
        let source = rowSource()
        let bytes = try source.encoded()
        let back = try bytes.withUnsafeBytes { (raw) throws(LeverError) -> RowSource in
            var reader = ByteReader(raw, section: "ROWS")
            return try RowSource.decode(&reader, numLabels: 4, dim: 2)
        }
        XCTAssertEqual(back.embeddings.array, source.embeddings.array)
        XCTAssertEqual(back.labels, source.labels)
        XCTAssertEqual([back.shortlist, back.neighbours], [3, 3])
        XCTAssertEqual(back.weight, 0.25)
        func refused(_ b: [UInt8], numLabels: Int = 4, dim: Int = 2) -> String? {
            do {
                _ = try b.withUnsafeBytes { (raw) throws(LeverError) -> RowSource in
                    var reader = ByteReader(raw, section: "ROWS")
                    return try RowSource.decode(&reader, numLabels: numLabels, dim: dim)
                }
                return nil
            } catch { return (error as? LeverError)?.message ?? "\(error)" }
        }
        XCTAssertNotNil(refused(bytes, numLabels: 5))  // the labels do not match the model's
        XCTAssertNotNil(refused(bytes, dim: 4))  // nor the teacher's width
        XCTAssertNotNil(refused(Array(bytes.dropLast())))  // truncated
        var badGraph = bytes
        badGraph[badGraph.count - 1] = 7
        XCTAssertEqual(refused(badGraph), "model section ROWS: invalid graph byte 7")
        var badShortlist = bytes
        badShortlist[0] = 0  // row_shortlist 0 is not a stored source
        XCTAssertEqual(refused(badShortlist), "model section ROWS: row shortlist 0 (at least 1 when stored)")
    }

    func testStudentWithRowSourceKeepsItThroughSaveLoadAndAddedLabels() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try studentTestConfig(d, #", "student": {"epochs": 2, "predict_shortlist": 1, "lexical_shortlist": 2, "row_shortlist": 4}"#)).model
        guard case .student(let s) = m.scorer, let rows = s.rows else { return XCTFail("expected a row source") }
        XCTAssertEqual(rows.count, rows.labels.rows)
        XCTAssertGreaterThan(rows.count, 0)
        let features = try m.featurizer.transform(["a tabby kitten"], threads: 1)
        let sources = try s.candidateSources(features, exclude: nil, threads: 1)
        XCTAssertEqual(sources.map { $0.name }, ["teacher", "lexical", "rows", "union"])
        XCTAssertFalse(sources[2].lists[0].isEmpty)
        XCTAssertLessThanOrEqual(sources[2].lists[0].count, 4)
        let union = Set(sources[3].lists[0].map { $0.0 })
        XCTAssertEqual(union, Set(sources[0].lists[0].map { $0.0 }).union(sources[1].lists[0].map { $0.0 })
            .union(sources[2].lists[0].map { $0.0 }))
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        let loaded = try assertRoundTripPredictsIdentically(m, in: d, texts: texts, k: 3)
        XCTAssertEqual(loaded.info["parts"]?["student"]?["row_source"]?["shortlist"], .int(4))
        // A label added by text: the row source grows with the labels and still predicts.
        let added = try loaded.addingLabels(["a striped tiger"])
        guard case .student(let s2) = added.scorer else { return XCTFail("expected a student model") }
        XCTAssertEqual(s2.rows?.numLabels, m.labelTexts.count + 1)
        XCTAssertEqual(try added.predict(texts, k: 3).count, 3)
    }
}
