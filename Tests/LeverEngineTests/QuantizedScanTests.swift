import XCTest
import CLever
@testable import LeverEngine

/// The int8 first pass of single-text label search (`QuantizedScan`, `clever_scan_blocks`): exact
/// integer sums on every CPU path, the same top k as exact search, and where models use it.
final class QuantizedScanTests: XCTestCase {
    func unitVectors(_ count: Int, dim: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var v = (0..<(count * dim)).map { _ in rng.unitFloat() * 2 - 1 }
        for i in 0..<count {
            let norm = (0..<dim).reduce(Float(0)) { $0 + v[i * dim + $1] * v[i * dim + $1] }.squareRoot()
            for c in 0..<dim { v[i * dim + c] /= norm }
        }
        return v
    }

    func testKernelSumsAreExactOnTheSIMDAndPortablePaths() {
        var rng = SeededRandom(seed: 11)
        for dim in [8, 16, 128, 4096] {
            let blocks = 3
            // Extremes included: stored bytes 0 and 255 (values -128, 127) against queries of ±63.
            var rows = (0..<(blocks * 16 * dim)).map { _ in UInt8(rng.index(256)) }
            rows[0] = 0
            rows[1] = 255
            var query = (0..<dim).map { _ in Int8(Int(rng.index(127)) - 63) }
            query[0] = 63
            query[1] = -63
            let scales = (0..<(blocks * 16)).map { _ in rng.unitFloat() }
            var expected = [Float](repeating: 0, count: blocks * 16)
            for b in 0..<blocks {
                for l in 0..<16 {
                    var sum: Int32 = 0
                    for c in 0..<dim {
                        let byte = rows[b * 16 * dim + c / 4 * 64 + l * 4 + c % 4]
                        sum += (Int32(byte) - 128) * Int32(query[c])
                    }
                    expected[b * 16 + l] = scales[b * 16 + l] * Float(sum)
                }
            }
            var out = [Float](repeating: -1, count: blocks * 16), portable = out
            clever_scan_blocks(rows, query, blocks, dim, scales, &out)
            clever_scan_blocks_portable(rows, query, blocks, dim, scales, &portable)
            XCTAssertEqual(out.map { $0.bitPattern }, expected.map { $0.bitPattern }, "dim \(dim)")
            XCTAssertEqual(portable.map { $0.bitPattern }, expected.map { $0.bitPattern }, "dim \(dim)")
        }
        // All-extreme rows and query: the largest sums still fit.
        let dim = 4096
        let rows = [UInt8](repeating: 0, count: 16 * dim), query = [Int8](repeating: -63, count: dim)
        var out = [Float](repeating: 0, count: 16)
        clever_scan_blocks(rows, query, 1, dim, [Float](repeating: 1, count: 16), &out)
        XCTAssertEqual(out, [Float](repeating: Float(128 * 63 * dim), count: 16))
    }

    func testPackedRowsAreRoundedToTheirScaleInTheBlockLayout() {
        let dim = 5, count = 17
        var rng = SeededRandom(seed: 13)
        var rows = (0..<(count * dim)).map { _ in rng.unitFloat() * 2 - 1 }
        for c in 0..<dim { rows[3 * dim + c] = 0 }  // a zero row
        let scan = QuantizedScan(ArrayStorage(rows), count: count, dim: dim)
        XCTAssertEqual(scan.paddedDim, 8)
        XCTAssertEqual(scan.blocks.count, 2 * 16 * 8)
        for row in 0..<count {
            let values = rows[(row * dim)..<((row + 1) * dim)]
            let largest = values.map { abs($0) }.max()!
            XCTAssertEqual(scan.scales[row], largest > 0 ? largest / 127 : 0)
            for c in 0..<8 {
                let byte = scan.blocks[row / 16 * 16 * 8 + c / 4 * 64 + row % 16 * 4 + c % 4]
                let expected = c < dim && largest > 0 ? Int((rows[row * dim + c] / (largest / 127)).rounded()) : 0
                XCTAssertEqual(Int(byte) - 128, expected, "row \(row) value \(c)")
            }
        }
        // The padding rows of the last block are zeros with scale 0.
        XCTAssertEqual(scan.scales[count..<32].allSatisfy { $0 == 0 }, true)
        XCTAssertTrue(scan.blocks[(16 * 8)...].enumerated().allSatisfy { i, b in
            (i / 4 % 16) < 1 || b == 128
        })
    }

    func testCandidatesHoldTheBestScoresInIncreasingOrder() {
        var rng = SeededRandom(seed: 12)
        let n = 5000
        let scores = (0..<n).map { _ in rng.unitFloat() * 2 - 1 }
        for m in [1, 64, 200, 1000, n, n + 10] {
            var found = [Int32](repeating: -1, count: n)
            let count = clever_scan_candidates(scores, n, m, &found)
            let picked = Array(found[0..<count])
            XCTAssertEqual(picked, picked.sorted(), "m \(m)")
            XCTAssertEqual(Set(picked).count, count)
            XCTAssertGreaterThanOrEqual(count, min(m, n))
            let best = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(m)
            XCTAssertTrue(Set(best.map { Int32($0) }).isSubset(of: picked), "m \(m)")
            // Every pick scores at least as high as every score left out.
            let lowestPicked = picked.map { scores[Int($0)] }.min()!
            let left = Set(0..<Int32(n)).subtracting(picked).map { scores[Int($0)] }
            XCTAssertTrue(left.allSatisfy { $0 < lowestPicked }, "m \(m)")
            if m >= 64 && m < n / 2 { XCTAssertLessThan(count, 2 * m, "m \(m)") }
        }
        // The highest scores packed at the end (the sample misses them): the threshold comes down
        // until m scores reach it.
        var skewed = [Float](repeating: 0, count: 1000)
        for i in 990..<1000 { skewed[i] = 1 }
        var found = [Int32](repeating: -1, count: 1000)
        let count = clever_scan_candidates(skewed, 1000, 100, &found)
        XCTAssertGreaterThanOrEqual(count, 100)
        XCTAssertTrue(Set(990..<1000).isSubset(of: found[0..<count].map { Int($0) }))
        // Equal scores (a zero query): all of them.
        XCTAssertEqual(clever_scan_candidates([Float](repeating: 0, count: 10), 10, 3, &found), 10)
    }

    func exactTopK(_ queries: [Float], count: Int, _ items: [Float], numItems: Int, dim: Int, k: Int,
                   exclude: SparseMatrix? = nil) throws -> [[(Int32, Float)]] {
        try VectorSearch.exact.topK(queries: queries, count: count, items: ArrayStorage(items), numItems: numItems,
                                    dim: dim, k: k, exclude: exclude, threads: 1, progress: .silent, stage: "exact")
    }

    func testTopKEqualsExactSearchWithItsScores() throws {
        for (n, dim, k) in [(3000, 64, 100), (1001, 30, 10), (37, 5, 50), (500, 128, 1)] {
            let items = unitVectors(n, dim: dim, seed: 1), q = 40
            let queries = unitVectors(q, dim: dim, seed: 2)
            let scan = QuantizedScan(ArrayStorage(items), count: n, dim: dim)
            // One query at a time, as single texts are searched (exact search scores one query by
            // `clever_dot`, so the scores agree to the bit).
            for i in 0..<q {
                let query = Array(queries[(i * dim)..<((i + 1) * dim)])
                let truth = try exactTopK(query, count: 1, items, numItems: n, dim: dim, k: min(k, n))
                let found = try VectorSearch.quantized(scan).topK(
                    queries: query, count: 1, items: ArrayStorage(items),
                    numItems: n, dim: dim, k: min(k, n), exclude: nil, threads: 1, progress: .silent, stage: "scan")
                XCTAssertEqual(found[0].map { $0.0 }, truth[0].map { $0.0 }, "n \(n) dim \(dim) query \(i)")
                XCTAssertEqual(found[0].map { $0.1.bitPattern }, truth[0].map { $0.1.bitPattern })
            }
        }
    }

    func testHalfFloatVectorsRescoreToTheSameBits() throws {
        let n = 900, dim = 20, k = 30
        // Half-exact vectors, as a model's label embeddings are.
        let items = unitVectors(n, dim: dim, seed: 6).map { Float(Float16($0)) }
        let halves = ArrayStorage(items.map { Float16($0).bitPattern })
        let plain = QuantizedScan(ArrayStorage(items), count: n, dim: dim)
        let viaHalves = QuantizedScan(ArrayStorage(items), count: n, dim: dim, halves: halves)
        XCTAssertNil(plain.halves)
        XCTAssertNotNil(viaHalves.halves)
        XCTAssertNil(QuantizedScan(ArrayStorage(items), count: n, dim: dim, halves: ArrayStorage([1, 2])).halves)
        let queries = unitVectors(10, dim: dim, seed: 7)
        for i in 0..<10 {
            let q = Array(queries[(i * dim)..<((i + 1) * dim)])
            let a = try VectorSearch.quantized(plain).topK(queries: q, count: 1, items: ArrayStorage(items),
                                                           numItems: n, dim: dim, k: k, exclude: nil, threads: 1,
                                                           progress: .silent, stage: "scan")[0]
            let b = try VectorSearch.quantized(viaHalves).topK(queries: q, count: 1, items: ArrayStorage(items),
                                                               numItems: n, dim: dim, k: k, exclude: nil, threads: 1,
                                                               progress: .silent, stage: "scan")[0]
            XCTAssertEqual(a.map { $0.0 }, b.map { $0.0 })
            XCTAssertEqual(a.map { $0.1.bitPattern }, b.map { $0.1.bitPattern })
        }
    }

    func testExclusionsZeroQueriesAndManyQueries() throws {
        let n = 700, dim = 24, k = 20
        let items = unitVectors(n, dim: dim, seed: 3)
        var queries = unitVectors(3, dim: dim, seed: 4)
        for c in 0..<dim { queries[2 * dim + c] = 0 }  // an empty text's query
        let scan = QuantizedScan(ArrayStorage(items), count: n, dim: dim)
        let best = try exactTopK(queries, count: 3, items, numItems: n, dim: dim, k: 5)
        // Query 0 excludes its own five best; query 1 none; query 2 (zero) its first two ties.
        let exclude = SparseMatrix(rows: 3, cols: n, indptr: [0, 5, 5, 7], indices: best[0].map { $0.0 } + [0, 1],
                                   values: [Float](repeating: 1, count: 7))
        let truth = try exactTopK(queries, count: 3, items, numItems: n, dim: dim, k: k, exclude: exclude)
        let found = try VectorSearch.quantized(scan).topK(queries: queries, count: 3, items: ArrayStorage(items),
                                                          numItems: n, dim: dim, k: k, exclude: exclude, threads: 2,
                                                          progress: .silent, stage: "scan")
        XCTAssertEqual(found.map { $0.map { $0.0 } }, truth.map { $0.map { $0.0 } })
        XCTAssertTrue(Set(found[0].map { $0.0 }).isDisjoint(with: best[0].map { $0.0 }))
        XCTAssertEqual(found[2].map { $0.0 }, (2..<Int32(k + 2)).map { $0 }, "zero query: lowest ids, 0 and 1 excluded")
        XCTAssertEqual(Set(found[2].map { $0.1 }), [0])
        // From `maxQueries` queries the search is exact scoring through sgemm, with the same labels.
        let many = unitVectors(QuantizedScan.maxQueries, dim: dim, seed: 5)
        let viaSearch = try VectorSearch.quantized(scan).topK(
            queries: many, count: QuantizedScan.maxQueries, items: ArrayStorage(items), numItems: n, dim: dim, k: k,
            exclude: nil, threads: 2, progress: .silent, stage: "scan")
        let oneByOne = try (0..<QuantizedScan.maxQueries).map { i in
            try VectorSearch.quantized(scan).topK(queries: Array(many[(i * dim)..<((i + 1) * dim)]), count: 1,
                                                  items: ArrayStorage(items), numItems: n, dim: dim, k: k,
                                                  exclude: nil, threads: 1, progress: .silent, stage: "scan")[0]
        }
        XCTAssertEqual(viaSearch.map { $0.map { $0.0 } }, oneByOne.map { $0.map { $0.0 } })
    }

    func testStudentsWithoutAGraphScanTheirLabelsAndSaveLoadPredictsAlike() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let shortlisted = #""student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 2}"#
        let model = try Trainer.train(try studentTestConfig(d, shortlisted)).model
        guard case .student(let s) = model.scorer else { return XCTFail("not a student") }
        XCTAssertNil(s.ann)
        XCTAssertEqual(s.labelScan?.count, 4)
        let path = d.path + "/m.lever"
        try model.save(to: path)
        let loaded = try LeverModel.load(from: path)
        guard case .student(let t) = loaded.scorer else { return XCTFail("not a student") }
        XCTAssertEqual(t.labelScan?.count, 4)
        for text in ["a small dog", "cats and kittens", "zzz"] {
            let a = try model.predict([text], k: 3), b = try loaded.predict([text], k: 3)
            XCTAssertEqual(a[0].map { $0.0 }, b[0].map { $0.0 })
            XCTAssertEqual(a[0].map { $0.1 }, b[0].map { $0.1 })
        }
        // A shortlist of every label scores them all: nothing to scan.
        let all = try Trainer.train(try studentTestConfig(d)).model
        guard case .student(let u) = all.scorer else { return XCTFail("not a student") }
        XCTAssertNil(u.labelScan)
    }
}
