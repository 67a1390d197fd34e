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

    /// Floats that probe every rounding case of float -> half: each finite half, the floats just above
    /// and below it, the midpoints to its neighbours (ties), the subnormal and overflow edges, NaN and
    /// random values.
    func narrowingProbes() -> [Float] {
        var probes: [Float] = []
        for h in UInt16(0)...UInt16.max {
            let f = Float(Float16(bitPattern: h))
            guard f.isFinite else { continue }
            probes += [f, f.nextUp, f.nextDown]
            let next = Float(Float16(bitPattern: h).nextUp)
            if next.isFinite { probes.append((f + next) / 2) }
        }
        probes += [65504, 65519.99, 65520, 65536, 1e30, -1e30, .infinity, -.infinity, .nan, 0x1p-25, 0x1.8p-25,
                   0x1p-26, .leastNonzeroMagnitude, -0x1p-25, 0x1.ffcp-15, 0x1.ffep-15, 0x1.fffp-15]
        var rng = SeededRandom(seed: 9)
        probes += (0..<4096).map { _ in (2 * rng.unitFloat() - 1) * Float(1 << rng.index(20)) * 0x1p-14 }
        return probes
    }

    func testNarrowingHalvesRoundsToNearestEvenLikeSwift() {
        let probes = narrowingProbes()
        var batch = [UInt16](repeating: 0, count: probes.count)
        clever_narrow_half(&batch, probes, probes.count)  // groups of 8 (F16C where the CPU has it)
        for (i, f) in probes.enumerated() {
            var one: UInt16 = 0
            clever_narrow_half(&one, [f], 1)  // a single value: the portable path
            let expected = Float16(f)
            if f.isNaN {
                XCTAssertTrue(Float16(bitPattern: one).isNaN && Float16(bitPattern: batch[i]).isNaN, "NaN")
            } else {
                XCTAssertEqual(one, expected.bitPattern, "\(f) alone")
                XCTAssertEqual(batch[i], expected.bitPattern, "\(f) in a batch")
            }
        }
    }

    func testHalfDotEqualsDotOfWidenedCopies() {
        var rng = SeededRandom(seed: 10)
        for n in [0, 1, 7, 8, 9, 31, 128, 131] {
            let a = (0..<n).map { _ in Float16(2 * rng.unitFloat() - 1).bitPattern }
            let b = (0..<n).map { _ in Float16(2 * rng.unitFloat() - 1).bitPattern }
            let wa = a.map { Float(Float16(bitPattern: $0)) }, wb = b.map { Float(Float16(bitPattern: $0)) }
            XCTAssertEqual(clever_dot_half(a, b, n).bitPattern, clever_dot(wa, wb, n).bitPattern, "n = \(n)")
        }
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

    func testAxpyAndAdamRowsMatchTheScalarFormulas() {
        var rng = SeededRandom(seed: 6)
        let n = 133
        let x = randomVector(n, &rng), g = randomVector(n, &rng)
        var y = randomVector(n, &rng), yRef = y
        clever_axpy(&y, 0.37, x, n)
        for i in 0..<n { yRef[i] += 0.37 * x[i] }
        XCTAssertEqual(y.map { $0.bitPattern }, yRef.map { $0.bitPattern })

        // Adam on scattered rows of a table whose state holds m then v per row.
        let rows = 9
        let touched: [Int32] = [7, 2, 5, 0, 8, 3]
        var table = randomVector(rows * n, &rng), state = randomVector(rows * 2 * n, &rng)
        for r in 0..<rows { for i in 0..<n { state[r * 2 * n + n + i] *= state[r * 2 * n + n + i] } }
        let grads = randomVector(touched.count * n, &rng)
        var (tableRef, stateRef) = (table, state)
        let (lr, b1, b2, eps): (Float, Float, Float, Float) = (0.01, 0.9, 0.999, 1e-8)
        clever_adam_rows(&table, &state, touched, grads, touched.count, n, lr, b1, b2, eps)
        for (k, row) in touched.enumerated() {
            let (w, m, g) = (Int(row) * n, Int(row) * 2 * n, k * n)
            for i in 0..<n {
                stateRef[m + i] = b1 * stateRef[m + i] + (1 - b1) * grads[g + i]
                stateRef[m + n + i] = b2 * stateRef[m + n + i] + (1 - b2) * grads[g + i] * grads[g + i]
                tableRef[w + i] -= lr * stateRef[m + i] / (stateRef[m + n + i].squareRoot() + eps)
            }
        }
        XCTAssertEqual(table.map { $0.bitPattern }, tableRef.map { $0.bitPattern })
        XCTAssertEqual(state.map { $0.bitPattern }, stateRef.map { $0.bitPattern })
    }

    /// Adam with one second moment per row: the mean square of the row's gradient feeds it, one step
    /// size per row scales the first moments.
    func testRowwiseAdamMatchesTheScalarFormulas() {
        var rng = SeededRandom(seed: 22)
        for n in [1, 7, 128, 133] {
            let rows = 12
            let touched: [Int32] = [7, 2, 5, 0, 8, 3, 11, 10, 1, 6]
            var table = randomVector(rows * n, &rng), moments = randomVector(rows * n, &rng)
            var second = randomVector(rows, &rng).map { $0 * $0 }
            let grads = randomVector(touched.count * n, &rng)
            var (tableRef, momentsRef, secondRef) = (table, moments, second)
            let (lr, b1, b2, eps): (Float, Float, Float, Float) = (0.01, 0.9, 0.999, 1e-8)
            clever_adam_rowwise_rows(&table, &moments, &second, touched, grads, touched.count, n, lr, b1, b2, eps)
            for (k, row) in touched.enumerated() {
                let (w, r, g) = (Int(row) * n, Int(row), k * n)
                var square: Double = 0
                for i in 0..<n { square += Double(grads[g + i]) * Double(grads[g + i]) }
                secondRef[r] = b2 * secondRef[r] + (1 - b2) * Float(square / Double(n))
                let step = lr / (secondRef[r].squareRoot() + eps)
                for i in 0..<n {
                    momentsRef[w + i] = b1 * momentsRef[w + i] + (1 - b1) * grads[g + i]
                    tableRef[w + i] -= step * momentsRef[w + i]
                }
            }
            for i in 0..<rows { XCTAssertEqual(second[i], secondRef[i], accuracy: 1e-6 * max(1, secondRef[i])) }
            for i in 0..<(rows * n) {
                XCTAssertEqual(moments[i], momentsRef[i], accuracy: 1e-6, "n = \(n)")
                XCTAssertEqual(table[i], tableRef[i], accuracy: 1e-5 * max(1, abs(tableRef[i])), "n = \(n)")
            }
            let untouched = Set(0..<rows).subtracting(touched.map { Int($0) })
            for r in untouched { XCTAssertEqual(second[r], secondRef[r]) }
        }
    }

    /// Summing a text's feature rows in one call gives the same bits as one row update after another,
    /// for float, int8 and int4 tables, odd widths, repeated rows and more rows than are fetched ahead.
    func testRowSumsEqualOneRowUpdateAfterAnother() {
        var rng = SeededRandom(seed: 16)
        for n in [1, 7, 128, 133] {
            let rows = 40
            let ids: [Int32] = (0..<11).map { _ in Int32(rng.index(rows)) } + [3, 3]
            let weights = randomVector(ids.count, &rng)
            let floats = randomVector(rows * n, &rng)
            let bytes = (0..<(rows * n)).map { _ in Int8(truncatingIfNeeded: rng.index(255) - 127) }
            let rowBytes = (n + 1) / 2
            let nibbles = (0..<(rows * rowBytes)).map { _ in UInt8(rng.index(256)) }
            let scales = randomVector(rows, &rng).map { abs($0) + 0.01 }
            var sum = randomVector(n, &rng)
            var each = sum
            clever_sum_rows(&sum, floats, ids, weights, ids.count, n)
            each.withUnsafeMutableBufferPointer { e in floats.withUnsafeBufferPointer { f in
                for (k, r) in ids.enumerated() {
                    clever_axpy(e.baseAddress!, weights[k], f.baseAddress! + Int(r) * n, n)
                }
            } }
            XCTAssertEqual(sum.map { $0.bitPattern }, each.map { $0.bitPattern }, "float, n = \(n)")

            each = sum
            clever_sum_int8_rows(&sum, bytes, scales, ids, weights, ids.count, n)
            each.withUnsafeMutableBufferPointer { e in bytes.withUnsafeBufferPointer { b in
                for (k, r) in ids.enumerated() {
                    clever_add_int8_row(e.baseAddress!, b.baseAddress! + Int(r) * n, weights[k] * scales[Int(r)], n)
                }
            } }
            XCTAssertEqual(sum.map { $0.bitPattern }, each.map { $0.bitPattern }, "int8, n = \(n)")

            each = sum
            clever_sum_int4_rows(&sum, nibbles, rowBytes, scales, ids, weights, ids.count, n)
            each.withUnsafeMutableBufferPointer { e in nibbles.withUnsafeBufferPointer { b in
                for (k, r) in ids.enumerated() {
                    let scale = weights[k] * scales[Int(r)]
                    clever_add_int4_row(e.baseAddress!, b.baseAddress! + Int(r) * rowBytes, scale, n)
                }
            } }
            XCTAssertEqual(sum.map { $0.bitPattern }, each.map { $0.bitPattern }, "int4, n = \(n)")
        }
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
