import XCTest
import CLever
@testable import LeverEngine

/// The encoder gradient accumulation against the sequential pass it replaces: the same sums, bit for
/// bit, on any number of threads.
final class GradientBufferTests: XCTestCase {
    /// The plain pass: per item (in order) its gradient through the normalisation, added to each of
    /// its features' rows in feature order.
    func sequential(_ feats: SparseMatrix, items: [Int], e: [Float], de: [Float], norms: [Float], dim d: Int,
                    into rows: inout [Int: [Float]], order: inout [Int]) {
        for (i, item) in items.enumerated() where norms[i] > 0 {
            let dot = clever_dot(Array(e[(i * d)...]), Array(de[(i * d)...]), d)
            let dh = (0..<d).map { c in (de[i * d + c] - e[i * d + c] * dot) * (1 / norms[i]) }
            for j in feats.rowRange(item) {
                let row = Int(feats.indices[j])
                if rows[row] == nil { rows[row] = [Float](repeating: 0, count: d); order.append(row) }
                clever_axpy(&rows[row]!, feats.values[j], dh, d)
            }
        }
    }

    func testParallelSumsEqualTheSequentialPass() {
        var rng = SeededRandom(seed: 31)
        let d = 19, tableRows = 60, textCount = 40
        // Texts over a small table, so rows repeat within and across texts; item 3's norm is zero.
        var indptr = [0], indices: [Int32] = [], values: [Float] = []
        for _ in 0..<textCount {
            let n = 1 + rng.index(12)
            for _ in 0..<n {
                indices.append(Int32(rng.index(tableRows)))
                values.append(2 * rng.unitFloat() - 1)
            }
            indptr.append(indices.count)
        }
        let feats = SparseMatrix(rows: textCount, cols: tableRows, indptr: indptr, indices: indices, values: values)
        let calls: [[Int]] = [(0..<25).map { ($0 * 7) % textCount }, [5, 5, 9, 39, 0, 12]]
        var expected: [Int: [Float]] = [:], order: [Int] = []
        var inputs: [(e: [Float], de: [Float], norms: [Float])] = []
        for items in calls {
            let e = (0..<(items.count * d)).map { _ in 2 * rng.unitFloat() - 1 }
            let de = (0..<(items.count * d)).map { _ in 2 * rng.unitFloat() - 1 }
            var norms = (0..<items.count).map { _ in 0.5 + rng.unitFloat() }
            norms[3] = 0
            inputs.append((e, de, norms))
            sequential(feats, items: items, e: e, de: de, norms: norms, dim: d, into: &expected, order: &order)
        }
        for threads in [1, 2, 3, 8] {
            var buffer = GradientBuffer(rows: tableRows, dim: d)
            for round in 0..<2 {  // the second round reuses the scratch after a reset
                buffer.reset()
                for (items, input) in zip(calls, inputs) {
                    buffer.addEncoderGradients(feats, items: items, e: input.e, de: input.de, norms: input.norms,
                                               threads: threads)
                }
                XCTAssertEqual(buffer.touched.map { Int($0) }, order, "threads \(threads), round \(round)")
                for (slot, row) in buffer.touched.enumerated() {
                    XCTAssertEqual(Array(buffer.grads[(slot * d)..<((slot + 1) * d)]).map { $0.bitPattern },
                                   expected[Int(row)]!.map { $0.bitPattern }, "threads \(threads), row \(row)")
                }
            }
        }
    }
}
