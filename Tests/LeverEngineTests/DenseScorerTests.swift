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
                XCTAssertEqual(found[q].map { $0.0 }, expected.map { $0.0 }, "query \(q), within \(String(describing: within))")
                XCTAssertEqual(found[q].map { $0.1 }, expected.map { $0.1 }, "query \(q)")
            }
        }
    }
}
