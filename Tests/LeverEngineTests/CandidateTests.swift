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
        let m = try Trainer.train(try studentTestConfig(d, #", "student": {"epochs": 2, "predict_shortlist": 1, "lexical_shortlist": 4, "sparse": true}"#)).model
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
        try m.save(to: d.path + "/m.lever")
        let loaded = try LeverModel.load(from: d.path + "/m.lever")
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        let p = try m.predict(texts, k: 3), q = try loaded.predict(texts, k: 3)
        XCTAssertEqual(p.map { $0.map { $0.0 } }, q.map { $0.map { $0.0 } })
        XCTAssertEqual(p.map { $0.map { $0.1.bitPattern } }, q.map { $0.map { $0.1.bitPattern } })
    }
}
