import XCTest
@testable import LeverEngine

/// Exact top-k scored tile by tile against the label matrix: the lists of one GEMM over all labels
/// and a full sort, exclusions and label ranges included.
final class DenseScorerTests: XCTestCase {
    func testTiledListsEqualAFullSortOfOneGEMM() throws {
        var rng = SeededRandom(seed: 51)
        // 600 queries in blocks of 512 meet 5,000 labels 2,048 at a time: three tiles, the last short.
        let count = 600, numLabels = 5_000, dim = 8, k = 20
        XCTAssertGreaterThan(numLabels, DenseScorer.tileScores / 512)
        // Scores on a coarse grid, so ties between labels are common.
        let queries = (0..<(count * dim)).map { _ in Float(rng.index(5)) - 2 }
        let labels = (0..<(numLabels * dim)).map { _ in Float(rng.index(5)) - 2 }
        var full = [Float](repeating: 0, count: count * numLabels)
        BLAS.gemm(queries, labels, transB: true, &full, m: count, n: numLabels, k: dim)
        var indptr = [0], indices: [Int32] = []
        for q in 0..<count {
            // Exclude each query's two best labels of the first tile and one of the last.
            let best = (0..<2_048).max { full[q * numLabels + $0] < full[q * numLabels + $1] }!
            indices += [Int32(best), Int32((best + 1) % 2_048), Int32(numLabels - 1 - q % 100)]
            indptr.append(indices.count)
        }
        let exclude = SparseMatrix(rows: count, cols: numLabels, indptr: indptr, indices: indices,
                                   values: [Float](repeating: 1, count: indices.count))
        for (within, skip) in [(nil, nil), (1_000..<4_500, nil), (nil, exclude), (100..<2_100, exclude)]
            as [(Range<Int>?, SparseMatrix?)] {
            let found = try DenseScorer.topK(queries: queries, count: count, labels: ArrayStorage(labels),
                                             numLabels: numLabels, dim: dim, k: k, exclude: skip, within: within,
                                             threads: 2, progress: .silent, stage: "test")
            for q in Array(stride(from: 0, to: count, by: 13)) + [511, 512, count - 1] {
                let blocked = Set(skip.map { s in s.rowRange(q).map { s.indices[$0] } } ?? [])
                let expected = (within ?? 0..<numLabels)
                    .filter { !blocked.contains(Int32($0)) }
                    .map { (Int32($0), full[q * numLabels + $0]) }
                    .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                    .prefix(k)
                XCTAssertEqual(found[q].map { $0.0 }, expected.map { $0.0 },
                               "query \(q), within \(String(describing: within))")
                XCTAssertEqual(found[q].map { $0.1 }, expected.map { $0.1 }, "query \(q)")
            }
        }
    }

    /// The columns collected during a search: each chosen label's best counted queries, as a search
    /// with the label as the query finds them. OpenBLAS sums a product and its transpose in different
    /// orders, so scores agree to rounding and only near-ties at the cut may trade places.
    func testColumnsEqualTheTransposedSearch() throws {
        var rng = SeededRandom(seed: 53)
        let count = 1_025, numLabels = 4_500, dim = 128, k = 30
        let queries = (0..<(count * dim)).map { _ in 2 * rng.unitFloat() - 1 }
        let labels = (0..<(numLabels * dim)).map { _ in 2 * rng.unitFloat() - 1 }
        let chosen = [4_499, 0, 2_047, 2_048, 17, 3_000]
        let counted = 100..<1_025
        var columns: ColumnTopK? = ColumnTopK(items: chosen, numItems: numLabels, k: k, queries: counted)
        let rows = try DenseScorer.topK(queries: queries, count: count, labels: ArrayStorage(labels),
                                        numLabels: numLabels, dim: dim, k: 5, exclude: nil, threads: 2,
                                        columns: &columns, progress: .silent, stage: "test")
        let plain = try DenseScorer.topK(queries: queries, count: count, labels: ArrayStorage(labels),
                                         numLabels: numLabels, dim: dim, k: 5, exclude: nil, threads: 2,
                                         progress: .silent, stage: "test")
        XCTAssertEqual(rows.map { $0.map { $0.0 } }, plain.map { $0.map { $0.0 } })
        XCTAssertEqual(rows.map { $0.map { $0.1.bitPattern } }, plain.map { $0.map { $0.1.bitPattern } })
        let chosenVectors = chosen.flatMap { labels[($0 * dim)..<(($0 + 1) * dim)] }
        let countedVectors = Array(queries[(counted.lowerBound * dim)..<(counted.upperBound * dim)])
        let transposed = try DenseScorer.topK(queries: chosenVectors, count: chosen.count,
                                              labels: ArrayStorage(countedVectors), numLabels: counted.count,
                                              dim: dim, k: k, exclude: nil, threads: 2, progress: .silent,
                                              stage: "test")
        let found = try XCTUnwrap(columns).sorted()
        for (i, label) in chosen.enumerated() {
            let expected = transposed[i].map { (Int($0.0) + counted.lowerBound, $0.1) }
            XCTAssertEqual(found[i].count, k, "label \(label)")
            let scoreOf = Dictionary(uniqueKeysWithValues: expected)
            for (query, score) in found[i] {
                XCTAssertTrue(counted.contains(Int(query)), "label \(label)")
                // A query the transposed search did not keep must tie with its last entry.
                let reference = scoreOf[Int(query)] ?? expected.last!.1
                XCTAssertEqual(score, reference, accuracy: 1e-5 * max(1, abs(reference)), "label \(label)")
            }
            XCTAssertGreaterThanOrEqual(Set(found[i].map { Int($0.0) }).intersection(scoreOf.keys).count, k - 2)
        }
    }

    /// Label ranges (a label-sharded prediction) score each label in the same GEMM call as the full
    /// search, so their lists merge to the full lists bit for bit, ranges across tile edges included.
    func testLabelRangesMergeToTheFullListsBitForBit() throws {
        var rng = SeededRandom(seed: 57)
        let count = 520, numLabels = 5_000, dim = 24, k = 10
        let queries = (0..<(count * dim)).map { _ in 2 * rng.unitFloat() - 1 }
        let labels = (0..<(numLabels * dim)).map { _ in 2 * rng.unitFloat() - 1 }
        func search(_ within: Range<Int>?) throws -> [[(Int32, Float)]] {
            try DenseScorer.topK(queries: queries, count: count, labels: ArrayStorage(labels), numLabels: numLabels,
                                 dim: dim, k: k, exclude: nil, within: within, threads: 2, progress: .silent,
                                 stage: "test")
        }
        let full = try search(nil)
        let parts = try [0..<1, 1..<2_050, 2_050..<4_999, 4_999..<5_000].map { try search($0) }
        for q in 0..<count {
            let merged = parts.flatMap { $0[q] }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(k)
            XCTAssertEqual(merged.map { $0.0 }, full[q].map { $0.0 }, "query \(q)")
            XCTAssertEqual(merged.map { $0.1.bitPattern }, full[q].map { $0.1.bitPattern }, "query \(q)")
        }
    }
}
