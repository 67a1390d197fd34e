import XCTest
import CLever
@testable import LeverEngine

/// The C vector kernels against plain Swift references: exact (same operations in the same order),
/// so every CPU variant gives the same training run.
final class VectorKernelTests: XCTestCase {
    func randomVector(_ n: Int, _ rng: inout SeededRandom) -> [Float] { (0..<n).map { _ in 2 * rng.unitFloat() - 1 } }

    func testDotAccumulatesInEightLanes() {
        var rng = SeededRandom(seed: 5)
        for n in [0, 1, 7, 8, 9, 31, 128, 131] {
            let a = randomVector(n, &rng), b = randomVector(n, &rng)
            var lanes = [Float](repeating: 0, count: 8)
            for i in 0..<n { lanes[i % 8] += a[i] * b[i] }
            let expected = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]))
            XCTAssertEqual(clever_dot(a, b, n).bitPattern, expected.bitPattern, "n = \(n)")
            let exact = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(Double(clever_dot(a, b, n)), exact, accuracy: 1e-5)
        }
    }

    func testInt8DotUsesTheSameLanes() {
        var rng = SeededRandom(seed: 7)
        for n in [0, 5, 8, 128, 133] {
            let a = (0..<n).map { _ in Int8(truncatingIfNeeded: Int(rng.index(255)) - 127) }, b = randomVector(n, &rng)
            XCTAssertEqual(clever_dot_i8(a, b, n).bitPattern, clever_dot(a.map { Float($0) }, b, n).bitPattern, "n = \(n)")
        }
    }

    func testWideningHalvesIsExactForEveryBitPattern() {
        let bits = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: bits.count)
        clever_widen_half(&out, bits, bits.count)
        for (h, f) in zip(bits, out) {
            let expected = Float(Float16(bitPattern: h))
            if expected.isNaN {
                XCTAssertTrue(f.isNaN, "bits \(h)")
            } else {
                XCTAssertEqual(f.bitPattern, expected.bitPattern, "bits \(h)")
            }
        }
        // The tail after the last group of 8 goes through the scalar path.
        var tail = [Float](repeating: 0, count: 3)
        clever_widen_half(&tail, [0x3C00, 0xBC00, 0x7BFF], 3)
        XCTAssertEqual(tail, [1, -1, 65504])
    }

    func testDotsOfPickedRowsEqualDotsOfEachRow() {
        var rng = SeededRandom(seed: 8)
        for n in [1, 8, 13, 128] {
            let rows = 9
            let halves = (0..<(rows * n)).map { _ in Float16(2 * rng.unitFloat() - 1).bitPattern }
            let floats = halves.map { Float(Float16(bitPattern: $0)) }
            let q = randomVector(n, &rng), ids: [Int32] = [4, 0, 8, 4, 2]
            var viaFloats = [Float](repeating: 0, count: ids.count), viaHalves = viaFloats
            clever_dot_rows(floats, ids, ids.count, q, n, &viaFloats)
            clever_dot_half_rows(halves, ids, ids.count, q, n, &viaHalves)
            let each = ids.map { clever_dot(Array(floats[(Int($0) * n)..<((Int($0) + 1) * n)]), q, n) }
            XCTAssertEqual(viaFloats.map { $0.bitPattern }, each.map { $0.bitPattern }, "n = \(n)")
            XCTAssertEqual(viaHalves.map { $0.bitPattern }, each.map { $0.bitPattern }, "n = \(n)")
        }
    }

    func testAxpyAndAdamRowMatchTheScalarFormulas() {
        var rng = SeededRandom(seed: 6)
        let n = 133
        let x = randomVector(n, &rng), g = randomVector(n, &rng)
        var y = randomVector(n, &rng), yRef = y
        clever_axpy(&y, 0.37, x, n)
        for i in 0..<n { yRef[i] += 0.37 * x[i] }
        XCTAssertEqual(y.map { $0.bitPattern }, yRef.map { $0.bitPattern })

        var w = randomVector(n, &rng), m = randomVector(n, &rng), v = randomVector(n, &rng).map { $0 * $0 }
        var (wRef, mRef, vRef) = (w, m, v)
        let (lr, b1, b2, eps): (Float, Float, Float, Float) = (0.01, 0.9, 0.999, 1e-8)
        clever_adam_row(&w, &m, &v, g, n, lr, b1, b2, eps)
        for i in 0..<n {
            mRef[i] = b1 * mRef[i] + (1 - b1) * g[i]
            vRef[i] = b2 * vRef[i] + (1 - b2) * g[i] * g[i]
            wRef[i] -= lr * mRef[i] / (vRef[i].squareRoot() + eps)
        }
        XCTAssertEqual(w.map { $0.bitPattern }, wRef.map { $0.bitPattern })
        XCTAssertEqual(m.map { $0.bitPattern }, mRef.map { $0.bitPattern })
        XCTAssertEqual(v.map { $0.bitPattern }, vRef.map { $0.bitPattern })
    }

    /// The next score at least a floor: the first such index in the range, whichever 16-block it falls
    /// in (and the range's end when none), for floors below, among and above the scores.
    func testNextAtLeastFindsTheFirstQualifyingIndex() {
        var rng = SeededRandom(seed: 21)
        let x: [Float] = (0..<100).map { _ in Float(rng.next() % 50) }
        for floor: Float in [-.infinity, 0, 20, 48, 49, 50, .infinity] {
            for from in [0, 1, 15, 16, 17, 40, 99, 100] {
                for to in [from, min(100, from + 1), min(100, from + 16), min(100, from + 33), 100] {
                    let expected = (from..<to).first { x[$0] >= floor } ?? to
                    XCTAssertEqual(clever_next_at_least(x, from, to, floor), expected,
                                   "floor \(floor) from \(from) to \(to)")
                }
            }
        }
    }

    /// The same scan with a floor per position.
    func testNextAtLeastEachUsesEachPositionsFloor() {
        var rng = SeededRandom(seed: 22)
        let x: [Float] = (0..<100).map { _ in Float(rng.next() % 50) }
        for _ in 0..<20 {
            let floors: [Float] = (0..<100).map { _ in rng.next() % 4 == 0 ? Float(rng.next() % 60) : .infinity }
            for from in [0, 1, 15, 16, 17, 40, 99, 100] {
                for to in [from, min(100, from + 1), min(100, from + 16), min(100, from + 33), 100] {
                    let expected = (from..<to).first { x[$0] >= floors[$0] } ?? to
                    XCTAssertEqual(clever_next_at_least_each(x, floors, from, to), expected, "from \(from) to \(to)")
                }
            }
        }
    }
}
