import XCTest
import CLever
@testable import LeverEngine

/// The kNN index's two ways of summing a query's similarities (an array over the training rows, or
/// the query's postings sorted by row, used from `KNNIndex.sortingRows` rows) give the same lists,
/// bit for bit, and both equal the definition.
final class KNNAccumulationTests: XCTestCase {
    /// Random TF-IDF-like rows: `rows` x `features`, 1-12 distinct features a row, values in (0, 1].
    func randomRows(_ rows: Int, features: Int, rng: inout SeededRandom) -> SparseMatrix {
        var m = SparseMatrix(cols: features)
        for _ in 0..<rows {
            var picked = Set<Int32>()
            for _ in 0..<(1 + rng.index(12)) { picked.insert(Int32(rng.index(features))) }
            m.appendRow(picked.sorted().map { ($0, Float(1 + rng.index(1000)) / 1000) })
        }
        return m
    }

    func testSortedAndArrayAccumulationGiveTheSameListsAsTheDefinition() throws {
        var rng = SeededRandom(seed: 17)
        // Few features, so rows share many of them and sums run over several postings per row.
        let train = randomRows(3000, features: 300, rng: &rng)
        let labels = SparseMatrix(rows: 3000, cols: 40, indptr: Array(stride(from: 0, through: 6000, by: 2)),
                                  indices: (0..<6000).map { Int32(($0 * 7 + $0 / 2) % 40) },
                                  values: [Float](repeating: 1, count: 6000))
        let queries = randomRows(200, features: 300, rng: &rng)
        // Float weights (the kNN method's) and half weights (the lexical source's).
        for half in [false, true] {
            let index = KNNIndex(config: KNNConfig(neighbours: 7, power: 2),
                                 postings: PostingLists(train.transposed(), half: half), trainLabels: CSRStorage(labels))
            var byArray = KNNIndex.Scratch(trainRows: 3000, labels: 40, sorting: false)
            var bySorting = KNNIndex.Scratch(trainRows: 3000, labels: 40, sorting: true)
            // Sorting, but queries of over 400 postings (about half) fall back to the array: both paths
            // in one scratch, one after the other.
            var mixed = KNNIndex.Scratch(trainRows: 3000, labels: 40, sorting: true, sortingLimit: 400)
            XCTAssertTrue(bySorting.similarity.isEmpty)
            for (q, skip) in [(queries, false), (train, true)] {
                for r in 0..<200 {
                    let s = skip ? r : -1, at = "row \(r), leave-one-out \(skip), half \(half)"
                    let a = index.predictOne(q, row: r, k: 10, exclude: nil, skip: s, scratch: &byArray)
                    let b = index.predictOne(q, row: r, k: 10, exclude: nil, skip: s, scratch: &bySorting)
                    let c = index.predictOne(q, row: r, k: 10, exclude: nil, skip: s, scratch: &mixed)
                    for other in [b, c] {
                        XCTAssertEqual(a.map { $0.0 }, other.map { $0.0 }, at)
                        XCTAssertEqual(a.map { $0.1.bitPattern }, other.map { $0.1.bitPattern }, at)
                    }
                    if !half { assertClose(a, definition(q, row: r, skip: s, train: train, labels: labels), at) }
                }
            }
            XCTAssertFalse(mixed.similarity.isEmpty, "no query of over 400 postings took the array")
            XCTAssertFalse(mixed.pairRows.isEmpty, "no query of at most 400 postings was sorted")
        }
    }

    /// The lists by definition: dot products with every other training row, the 7 best voting
    /// similarity^2 for their labels, the top 10 (compared within 1e-4: other summation orders).
    func definition(_ q: SparseMatrix, row r: Int, skip: Int, train: SparseMatrix, labels: SparseMatrix)
        -> [(Int32, Float)] {
        var sims: [(Int, Float)] = []
        for t in 0..<train.rows where t != skip {
            var dot: Float = 0
            for i in q.rowRange(r) {
                for j in train.rowRange(t) where train.indices[j] == q.indices[i] { dot += q.values[i] * train.values[j] }
            }
            if dot > 0 { sims.append((t, dot)) }
        }
        sims.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var votes = [Float](repeating: 0, count: labels.cols)
        for (t, v) in sims.prefix(7) {
            for j in labels.rowRange(t) { votes[Int(labels.indices[j])] += v * v }
        }
        let best = votes.enumerated().filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return best.prefix(10).map { (Int32($0.0), $0.1) }
    }

    func assertClose(_ a: [(Int32, Float)], _ b: [(Int32, Float)], _ message: String,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.map { $0.0 }, b.map { $0.0 }, message, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x.1, y.1, accuracy: 1e-4, message, file: file, line: line) }
    }

    func testTheDefaultPathSwitchesAtSortingRows() {
        XCTAssertFalse(KNNIndex.Scratch(trainRows: KNNIndex.sortingRows - 1, labels: 1).sorting)
        XCTAssertTrue(KNNIndex.Scratch(trainRows: KNNIndex.sortingRows, labels: 1).sorting)
        XCTAssertTrue(KNNIndex.Scratch(trainRows: KNNIndex.sortingRows, labels: 1).similarity.isEmpty)
    }

    func testPairSortIsStableOverOneAndSeveralDigits() {
        var rng = SeededRandom(seed: 5)
        for (count, largest) in [(1, 0), (500, 100), (5000, 2047), (5000, (1 << 21) + 3), (3000, Int(Int32.max))] {
            var keys = (0..<count).map { _ in Int32(rng.index(largest + 1)) }
            if count > 10 { keys[3] = Int32(largest) }
            var values = (0..<count).map { Float($0) }  // the original position, to check stability
            let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            var scratchKeys = [Int32](repeating: 0, count: count), scratchValues = [Float](repeating: 0, count: count)
            var counts = [Int](repeating: 0, count: 2048)
            let inScratch = clever_sort_pairs(&keys, &values, &scratchKeys, &scratchValues, count, Int32(largest),
                                              &counts) != 0
            let (k, v) = inScratch ? (scratchKeys, scratchValues) : (keys, values)
            XCTAssertEqual(k, expected.map { $0.0 }, "count \(count), largest \(largest)")
            XCTAssertEqual(v, expected.map { $0.1 }, "count \(count), largest \(largest)")
        }
    }
}
